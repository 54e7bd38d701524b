//! One region in one quarter as the history keeps it, and the two closed vocabularies it
//! carries: the region's status and the measures it held. Each has a stable ASCII code, which is
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

/// A measure a region held in a quarter, as the history keeps it: the measure's id and the
/// severity it had then, so that a ladder revised later still reads older quarters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub id: String,
    /// `None` in files written before severities were kept.
    pub severity: Option<u32>,
}

impl Held {
    /// "notify=20", or "notify" without a severity.
    pub fn code(&self) -> String {
        match self.severity {
            Some(s) => format!("{}={s}", self.id),
            None => self.id.clone(),
        }
    }

    /// Reads [`Held::code`]; the Chinese labels of the five measures of earlier versions read as
    /// their ids. `None` for an empty or malformed entry.
    pub fn parse(s: &str) -> Option<Held> {
        let (id, severity) = match s.split_once('=') {
            Some((id, sev)) => (id.trim(), Some(sev.trim().parse().ok()?)),
            None => (s.trim(), None),
        };
        if id.is_empty() {
            return None;
        }
        let id = match id {
            "一票否决" => "veto",
            "挂牌督办" => "supervise",
            "约谈" => "interview",
            "通报" => "notify",
            "预警" => "warn",
            other => other,
        };
        Some(Held {
            id: id.to_string(),
            severity,
        })
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
    /// Every measure raised, most serious first.
    pub flags: Vec<Held>,
    /// The ids of the rules that fired, in the scheme's order.
    pub rules: Vec<String>,
    /// Scored, but sent after the deadline (逾期报送).
    pub late: bool,
    /// Indicator id, value and score.
    pub indicators: Vec<(String, Option<f64>, f64)>,
    /// Funnel indicator id and the region's adjusted z-score on that funnel.
    pub funnel: Vec<(String, f64)>,
}

impl QuarterRecord {
    /// Whether the region held the measure with this id.
    pub fn has(&self, id: &str) -> bool {
        self.flags.iter().any(|h| h.id == id)
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
        for h in [
            Held {
                id: "notify".into(),
                severity: Some(20),
            },
            Held {
                id: "tixing".into(),
                severity: None,
            },
        ] {
            assert_eq!(Held::parse(&h.code()), Some(h));
        }
        assert_eq!(Held::parse("约谈").unwrap().id, "interview");
        assert_eq!(Status::parse("已评分 "), None);
        assert_eq!(Held::parse(""), None);
        assert_eq!(Held::parse("notify=x"), None);
    }
}
