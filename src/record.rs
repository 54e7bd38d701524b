//! One region in one quarter as the history keeps it, and the two closed vocabularies it
//! carries: the region's status and the kinds of flag. Each has a stable ASCII code, which is
//! what the history's Parquet files hold, and a Chinese label, which is what a reader sees.
//! Plain data at the bottom of the pipeline: score, flag, stats and history all use it.

use crate::quarter::Quarter;

/// Whether and how a region was scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// A valid submission was scored.
    Scored,
    /// Something was sent, but with errors: 数据有误，退回修改.
    Invalid,
    /// A file arrived for the region but could not be read at all (broken, encrypted, a format
    /// not read, refused by a guard): 已收到，无法读取. Not 未报送: the region did send.
    Unreadable,
    /// Nothing was sent: 未报送.
    Missing,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 4] = [
        Status::Scored,
        Status::Invalid,
        Status::Unreadable,
        Status::Missing,
    ];

    /// The Chinese name shown in workbooks and messages.
    pub fn label(self) -> &'static str {
        match self {
            Status::Scored => "已评分",
            Status::Invalid => "数据有误，退回修改",
            Status::Unreadable => "已收到，无法读取",
            Status::Missing => "未报送",
        }
    }

    /// The code kept in history files; never changes once written.
    pub fn code(self) -> &'static str {
        match self {
            Status::Scored => "scored",
            Status::Invalid => "invalid",
            Status::Unreadable => "unreadable",
            Status::Missing => "missing",
        }
    }

    /// The status with this code, or with this Chinese label (history files written before the
    /// codes held labels).
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|k| k.code() == s || k.label() == s)
    }
}

/// The kind of flag. The order is the order of seriousness (most serious first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlagKind {
    Veto,
    Supervise,
    Interview,
    Notify,
    Warn,
}

impl FlagKind {
    /// Every kind, most serious first.
    pub const ALL: [FlagKind; 5] = [
        FlagKind::Veto,
        FlagKind::Supervise,
        FlagKind::Interview,
        FlagKind::Notify,
        FlagKind::Warn,
    ];

    /// The Chinese name shown in workbooks.
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::Veto => "一票否决",
            FlagKind::Supervise => "挂牌督办",
            FlagKind::Interview => "约谈",
            FlagKind::Notify => "通报",
            FlagKind::Warn => "预警",
        }
    }

    /// The code kept in history files; never changes once written.
    pub fn code(self) -> &'static str {
        match self {
            FlagKind::Veto => "veto",
            FlagKind::Supervise => "supervise",
            FlagKind::Interview => "interview",
            FlagKind::Notify => "notify",
            FlagKind::Warn => "warn",
        }
    }

    /// The kind with this code, or with this Chinese label (older history files).
    pub fn parse(s: &str) -> Option<FlagKind> {
        FlagKind::ALL
            .into_iter()
            .find(|k| k.code() == s || k.label() == s)
    }
}

/// One region in one past (or the current) quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterRecord {
    pub quarter: Quarter,
    pub code: String,
    pub name: String,
    pub status: Status,
    pub total: f64,
    pub rank: u32,
    pub grade: String,
    /// Every flag kind that fired, most serious first.
    pub flags: Vec<FlagKind>,
    /// Indicator id, value and score.
    pub indicators: Vec<(String, Option<f64>, f64)>,
    /// Funnel indicator id and the region's adjusted z-score on that funnel.
    pub funnel: Vec<(String, f64)>,
}

impl QuarterRecord {
    pub fn has(&self, kind: FlagKind) -> bool {
        self.flags.contains(&kind)
    }

    /// The region's adjusted z-score on an indicator's funnel that quarter.
    pub fn funnel_z(&self, id: &str) -> Option<f64> {
        self.funnel.iter().find(|(i, _)| i == id).map(|(_, z)| *z)
    }

    /// Whether the region was scored that quarter.
    pub fn scored(&self) -> bool {
        self.status == Status::Scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes and labels are each unique, and both read back to the same value.
    #[test]
    fn codes_and_labels_read_back() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
            assert_eq!(Status::parse(s.label()), Some(s));
            assert!(s.code().is_ascii());
        }
        for k in FlagKind::ALL {
            assert_eq!(FlagKind::parse(k.code()), Some(k));
            assert_eq!(FlagKind::parse(k.label()), Some(k));
            assert!(k.code().is_ascii());
        }
        assert_eq!(Status::parse("已评分 "), None);
        assert_eq!(FlagKind::parse(""), None);
    }
}
