//! The scheme's kinds, rules and empty-value policies in short Chinese phrases, for the
//! template's notes and the report's 评分说明.

use super::{Rule, ValueKind, WhenEmpty};
use crate::text::fmt_num;

impl ValueKind {
    /// How the kind is described to a person.
    pub fn describe(self) -> &'static str {
        match self {
            ValueKind::Count => "非负整数",
            ValueKind::Amount => "非负数",
            ValueKind::YesNo => "“是”或“否”",
            ValueKind::Text => "文本",
            ValueKind::Date => "日期",
            ValueKind::Choice => "下拉列表中的选项",
        }
    }
}

impl Rule {
    /// The rule in a short Chinese phrase, for 评分说明.
    pub fn describe(&self) -> String {
        let inv = |b: bool| if b { "（逆向，越低越好）" } else { "" };
        match self {
            Rule::Checklist => "是得满分，否得0分".to_string(),
            Rule::Linear => "分值 × 指标值".to_string(),
            Rule::Target { target, per_point } => format!(
                "目标值{}%，每低1个百分点扣{}分",
                fmt_num(target * 100.0),
                fmt_num(*per_point)
            ),
            Rule::RatioToBest { inverted } => format!("与最优地区之比{}", inv(*inverted)),
            Rule::MinMax { inverted } => format!("极差标准化{}", inv(*inverted)),
            Rule::Percentile { inverted } => format!("百分位{}", inv(*inverted)),
        }
    }
}

impl WhenEmpty {
    /// A note for the workbook.
    pub fn describe(self) -> &'static str {
        match self {
            WhenEmpty::Full => "分母为0，按满分计",
            WhenEmpty::Zero => "分母为0，按0分计",
            WhenEmpty::Exclude => "无数据，不计（同组其他指标按比例折算）",
        }
    }
}
