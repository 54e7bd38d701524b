//! What follows from the scores: bonus points, deductions, the veto and the grade bands.

use serde::Deserialize;

/// Bonus points (加分), capped.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    pub cap: f64,
    pub items: Vec<BonusItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BonusItem {
    pub field: String,
    pub points: f64,
    pub label: String,
}

/// Deductions (扣分), not capped.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deductions {
    pub items: Vec<DeductionItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeductionItem {
    pub source: DeductionSource,
    #[serde(default)]
    pub column: Option<String>,
    pub points: f64,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeductionSource {
    Province,
    Late,
}

/// 一票否决.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    pub column: String,
    pub reason_column: String,
    pub grade: String,
    /// The policy a veto rests on, cited with its 整改事项.
    #[serde(default)]
    pub source: String,
    /// 整改要求 of a vetoed region; a default when the scheme gives none.
    #[serde(default)]
    pub action: String,
}

impl Veto {
    /// What a vetoed region is to do, first of its 整改事项.
    pub fn action(&self) -> String {
        match self.action.trim() {
            "" => "查明事件原因，依法依规追究有关人员责任，举一反三堵塞监管漏洞，在整改期限内书面报送整改报告"
                .to_string(),
            a => a.to_string(),
        }
    }
}

/// A grade band (等次).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub name: String,
    pub min: f64,
    /// The 等次's text colour in the workbooks, "RRGGBB"; plain when absent.
    #[serde(default)]
    pub colour: Option<String>,
    /// Whether the 等次 is printed bold.
    #[serde(default)]
    pub bold: bool,
    /// Colour and weight in words, for the legends: "绿色粗体".
    #[serde(default)]
    pub colour_name: Option<String>,
}

/// What the office tells each region after scoring (`[feedback]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Feedback {
    /// An indicator on which a region lost more than this many points is a 整改事项.
    pub rectify_above: f64,
    /// A region whose file was returned (数据有误，退回修改) or that sent nothing resubmits
    /// within this many working days of the 制表日期.
    pub resubmit_days: u32,
}

impl Default for Feedback {
    fn default() -> Feedback {
        Feedback {
            rectify_above: 1.0,
            resubmit_days: 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scheme::{Part, Scheme, SchemeError, BUILTIN_SCHEME};

    /// `[feedback]` is optional (1 point by default) and set by the province.
    #[test]
    fn the_rectification_threshold_defaults_and_can_be_set() {
        assert_eq!(Scheme::builtin().unwrap().feedback.rectify_above, 1.0);
        let text = format!("{BUILTIN_SCHEME}\n[feedback]\nrectify_above = 2.5\n");
        assert_eq!(
            Scheme::from_toml(&text).unwrap().feedback.rectify_above,
            2.5
        );
        let typo = format!("{BUILTIN_SCHEME}\n[feedback]\nrectify = 2.5\n");
        assert!(Scheme::from_toml(&typo).is_err());
    }

    /// The resubmission deadline defaults to 5 working days; 0 or a negative threshold is refused
    /// as a problem of the outcomes part of the file.
    #[test]
    fn feedback_settings_are_checked() {
        assert_eq!(Scheme::builtin().unwrap().feedback.resubmit_days, 5);
        let text = format!("{BUILTIN_SCHEME}\n[feedback]\nresubmit_days = 0\nrectify_above = -1\n");
        let Err(SchemeError::Invalid(problems)) = Scheme::from_toml(&text) else {
            panic!("accepted");
        };
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "feedback.rectify_above：应为非负数",
                "feedback.resubmit_days：应在1至60之间"
            ]
        );
        assert!(problems.iter().all(|p| p.part == Part::Outcomes));
    }
}
