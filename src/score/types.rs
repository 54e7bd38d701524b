//! What scoring hands to flags and the report.

use crate::problem::Source;
use crate::record::Status;
use crate::scheme::WhenEmpty;
use chrono::NaiveDate;

/// One indicator of one region.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorResult {
    pub id: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// The indicator's value (a rate in 0–1 where it is a rate); `None` when empty.
    pub value: Option<f64>,
    /// Set when `when_empty` decided the score.
    pub empty: Option<WhenEmpty>,
    /// The score by the indicator's rule.
    pub raw: f64,
    /// The score after `exclude` re-scaling within the group; this is what adds to the total.
    pub score: f64,
    /// The cells the figures came from.
    pub sources: Vec<Source>,
}

/// A labelled number (a bonus or deduction item).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub label: String,
    pub points: f64,
    /// The figure behind it, e.g. "2次".
    pub detail: String,
}

/// One region's result.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionResult {
    pub code: String,
    pub name: String,
    pub status: Status,
    /// The submission file used.
    pub file: Option<String>,
    pub filed_on: Option<NaiveDate>,
    pub late: bool,
    /// In scheme order; empty unless scored.
    pub indicators: Vec<IndicatorResult>,
    /// Group id and subtotal, in scheme order.
    pub groups: Vec<(String, f64)>,
    pub bonus: f64,
    pub bonus_items: Vec<Item>,
    pub deductions: f64,
    pub deduction_items: Vec<Item>,
    /// Points the ladder's rules added or deducted (`[[rules]]` with `points`): the rule's name
    /// as the label and its reason as the detail; part of the total.
    pub adjustments: Vec<Item>,
    /// 一票否决 with its 否决事由.
    pub veto: Option<String>,
    pub total: f64,
    pub grade: String,
    /// 1-based; equal totals share a rank.
    pub rank: u32,
}

impl RegionResult {
    /// A region with no figures yet: no indicators, no points, rank 0.
    pub fn blank(code: &str, name: &str, status: Status) -> RegionResult {
        RegionResult {
            code: code.to_string(),
            name: name.to_string(),
            status,
            file: None,
            filed_on: None,
            late: false,
            indicators: Vec::new(),
            groups: Vec::new(),
            bonus: 0.0,
            bonus_items: Vec::new(),
            deductions: 0.0,
            deduction_items: Vec::new(),
            adjustments: Vec::new(),
            veto: None,
            total: 0.0,
            grade: String::new(),
            rank: 0,
        }
    }

    /// The subtotal of the group with this id, if the region has one.
    pub fn subtotal(&self, group: &str) -> Option<f64> {
        self.groups
            .iter()
            .find(|(g, _)| g == group)
            .map(|(_, v)| *v)
    }

    /// The indicator result with this id.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorResult> {
        self.indicators.iter().find(|i| i.id == id)
    }

    /// Whether the region has a valid submission and so takes part in relative rules and flags.
    pub fn is_scored(&self) -> bool {
        self.status == Status::Scored
    }
}
