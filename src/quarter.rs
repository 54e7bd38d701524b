//! Quarters (`2025Q4`): their days, their submission deadline and their order.

use chrono::{Datelike, Duration, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1–4.
    pub q: u32,
}

/// A quarter that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("季度“{0}”格式不对，应写作如 2025Q4")]
pub struct QuarterError(pub String);

impl Quarter {
    /// A quarter, if `q` is 1–4 and the year is plausible.
    pub fn new(year: i32, q: u32) -> Option<Quarter> {
        ((1..=4).contains(&q) && (1990..=2200).contains(&year)).then_some(Quarter { year, q })
    }

    /// The quarter `d` falls in.
    pub fn containing(d: NaiveDate) -> Option<Quarter> {
        Quarter::new(d.year(), (d.month() - 1) / 3 + 1)
    }

    /// The first day of the quarter.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).unwrap_or_default()
    }

    /// The last day of the quarter.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day() - Duration::days(1)
    }

    /// Whether a date falls in the quarter.
    pub fn contains(self, d: NaiveDate) -> bool {
        d >= self.first_day() && d <= self.last_day()
    }

    /// The quarter before.
    pub fn prev(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// The quarter after.
    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    /// The submission deadline: day `day` of the month after the quarter.
    pub fn deadline(self, day: u32) -> NaiveDate {
        let f = self.next().first_day();
        f.with_day(day).unwrap_or(f)
    }

    /// Quarters from `self` to `last` inclusive.
    pub fn through(self, last: Quarter) -> Vec<Quarter> {
        let mut out = Vec::new();
        let mut q = self;
        while q <= last {
            out.push(q);
            q = q.next();
        }
        out
    }

    /// `2025年第四季度`, as a 公文 writes it (every document and sheet alike).
    pub fn label(self) -> String {
        format!("{}年第{}季度", self.year, self.ordinal())
    }

    /// The quarter in words within its year: 一, 二, 三 or 四.
    pub fn ordinal(self) -> &'static str {
        ["一", "二", "三", "四"]
            .get(usize::try_from(self.q.saturating_sub(1)).unwrap_or(0))
            .copied()
            .unwrap_or("四")
    }

    /// The quarters from `self` to `last` in words: `2025年第二季度至第四季度`, or
    /// `2024年第四季度至2025年第二季度` across a year.
    /// A single quarter is told alone.
    pub fn span_label(self, last: Quarter) -> String {
        if self == last {
            self.label()
        } else if self.year == last.year {
            format!("{}至第{}季度", self.label(), last.ordinal())
        } else {
            format!("{}至{}", self.label(), last.label())
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = QuarterError;
    fn from_str(s: &str) -> Result<Quarter, QuarterError> {
        let t = s.trim().to_ascii_uppercase();
        let bad = || QuarterError(s.to_string());
        let (y, q) = t.split_once('Q').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let q: u32 = q.parse().map_err(|_| bad())?;
        Quarter::new(year, q).ok_or_else(bad)
    }
}

/// Parses `2025Q1..2025Q4` (or a single quarter).
pub fn parse_range(s: &str) -> Result<Vec<Quarter>, QuarterError> {
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b): (Quarter, Quarter) = (a.parse()?, b.parse()?);
            if b < a || b.year - a.year > 50 {
                return Err(QuarterError(s.to_string()));
            }
            Ok(a.through(b))
        }
        None => Ok(vec![s.parse()?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_names_the_year_once_within_a_year() {
        let q = |s: &str| s.parse::<Quarter>().unwrap();
        assert_eq!(
            q("2025Q2").span_label(q("2025Q4")),
            "2025年第二季度至第四季度"
        );
        assert_eq!(
            q("2024Q4").span_label(q("2025Q2")),
            "2024年第四季度至2025年第二季度"
        );
    }

    #[test]
    fn days_and_deadline() {
        let q: Quarter = "2025q4".parse().unwrap();
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2025, 10, 1).unwrap());
        assert_eq!(q.last_day(), NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
        assert_eq!(
            q.deadline(10),
            NaiveDate::from_ymd_opt(2026, 1, 10).unwrap()
        );
        assert_eq!("2025Q1".parse::<Quarter>().unwrap().last_day().day(), 31);
        assert_eq!(q.prev().to_string(), "2025Q3");
        assert_eq!(q.next().to_string(), "2026Q1");
        assert!("2025Q5".parse::<Quarter>().is_err());
        assert!("abc".parse::<Quarter>().is_err());
        assert_eq!(parse_range("2025Q3..2026Q2").unwrap().len(), 4);
    }
}
