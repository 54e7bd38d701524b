//! The history folder: one Parquet file per quarter with every region's results, so that
//! consecutive-quarter rules and trends can look back.

use crate::flag::FlagKind;
use crate::quarter::Quarter;

/// One region in one past (or the current) quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterRecord {
    pub quarter: Quarter,
    pub code: String,
    pub name: String,
    /// `Status::label()` of the region that quarter.
    pub status: String,
    pub total: f64,
    pub rank: u32,
    pub grade: String,
    /// Every flag kind that fired, most serious first.
    pub flags: Vec<FlagKind>,
    /// Indicator id, value and score.
    pub indicators: Vec<(String, Option<f64>, f64)>,
}

impl QuarterRecord {
    pub fn has(&self, kind: FlagKind) -> bool {
        self.flags.contains(&kind)
    }
}
