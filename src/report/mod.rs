//! The ranking workbook that leadership reads. Only this module and `template` write workbooks.

use crate::flag::Flag;
use crate::history::QuarterRecord;
use crate::ingest::InputFile;
use crate::problem::Problem;
use crate::quarter::Quarter;
use crate::scheme::Scheme;
use crate::score::RegionResult;
use std::collections::BTreeMap;

/// Everything the report shows for one quarter.
#[derive(Debug, Clone)]
pub struct Assessment<'a> {
    pub scheme: &'a Scheme,
    pub quarter: Quarter,
    /// Every region of the registry, in rank order (未报送 last).
    pub regions: Vec<RegionResult>,
    /// Flags by region code, most serious first.
    pub flags: BTreeMap<String, Vec<Flag>>,
    /// Every problem found in ingest (submissions and 省级评定.csv).
    pub problems: Vec<Problem>,
    /// Every input file with its SHA-256.
    pub files: Vec<InputFile>,
    /// Earlier quarters from the history folder (not the current one), oldest first.
    pub history: Vec<QuarterRecord>,
    /// 评分时间 shown in 评分说明 (e.g. "2026-01-15 09:30:00").
    pub run_time: String,
}

impl Assessment<'_> {
    /// The region's record for the quarter before this one, if history has it.
    pub fn previous(&self, code: &str) -> Option<&QuarterRecord> {
        let prev = self.quarter.prev();
        self.history
            .iter()
            .find(|r| r.quarter == prev && r.code == code)
    }
}
