//! Flag rules (预警, 通报, 约谈, 挂牌督办, 一票否决, 未报送) and their escalation over quarters.

use chrono::NaiveDate;

/// The kind of flag. The order is the order of seriousness (most serious first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlagKind {
    Veto,
    Supervise,
    Interview,
    Notify,
    Warn,
    Missing,
}

impl FlagKind {
    /// Every kind, most serious first.
    pub const ALL: [FlagKind; 6] = [
        FlagKind::Veto,
        FlagKind::Supervise,
        FlagKind::Interview,
        FlagKind::Notify,
        FlagKind::Warn,
        FlagKind::Missing,
    ];

    /// The Chinese name shown in workbooks.
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::Veto => "一票否决",
            FlagKind::Supervise => "挂牌督办",
            FlagKind::Interview => "约谈",
            FlagKind::Notify => "通报",
            FlagKind::Warn => "预警",
            FlagKind::Missing => "未报送",
        }
    }

    /// The kind with this Chinese name.
    pub fn from_label(s: &str) -> Option<FlagKind> {
        FlagKind::ALL.into_iter().find(|k| k.label() == s)
    }
}

/// One rule that fired for one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub kind: FlagKind,
    /// The rule, briefly: "连续2个季度被通报".
    pub rule: String,
    /// A sentence with the figures, for leadership.
    pub reason: String,
    /// 整改期限, for 挂牌督办.
    pub deadline: Option<NaiveDate>,
}
