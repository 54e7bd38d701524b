//! The deadlines the office's 退回修改通知 gave, kept beside the quarters in [`NOTICES_FILE`]:
//! a region that resubmits by its deadline is not 迟报 when the quarter is scored again. Kept
//! apart from the quarters' Parquet files so that those depend on the inputs only, never on the
//! day the notices were written.

use super::HistoryError;
use crate::quarter::Quarter;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;

/// The file, in the history folder, of the deadlines given (quarter → region code → date).
pub const NOTICES_FILE: &str = "notices.toml";

const HEADER: &str =
    "# kaoping：各季度退回修改通知给出的重新报送截止日期（按期重新报送的不计迟报）。\n";

type All = BTreeMap<String, BTreeMap<String, String>>;

fn read_all(dir: &Path) -> Result<All, HistoryError> {
    let path = dir.join(NOTICES_FILE);
    match std::fs::read_to_string(&path) {
        Ok(t) => toml::from_str(&t).map_err(|e| super::io_err(&path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(All::new()),
        Err(e) => Err(super::io_err(&path, e)),
    }
}

/// The regions given a 退回修改通知 for `quarter`, with the deadline of the latest one.
pub fn deadlines(
    dir: &Path,
    quarter: Quarter,
) -> Result<BTreeMap<String, NaiveDate>, HistoryError> {
    let path = dir.join(NOTICES_FILE);
    let all = read_all(dir)?;
    let Some(q) = all.get(&quarter.to_string()) else {
        return Ok(BTreeMap::new());
    };
    q.iter()
        .map(|(code, d)| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map(|d| (code.clone(), d))
                .map_err(|e| super::io_err(&path, e))
        })
        .collect()
}

/// Records that `codes` were given a 退回修改通知 for `quarter` with deadline `by` (a later
/// notice replaces an earlier one's deadline).
pub fn record(
    dir: &Path,
    quarter: Quarter,
    codes: &[String],
    by: NaiveDate,
) -> Result<(), HistoryError> {
    if codes.is_empty() {
        return Ok(());
    }
    let path = dir.join(NOTICES_FILE);
    let mut all = read_all(dir)?;
    let q = all.entry(quarter.to_string()).or_default();
    for c in codes {
        q.insert(c.clone(), by.format("%Y-%m-%d").to_string());
    }
    let text = toml::to_string(&all).map_err(|e| super::io_err(&path, e))?;
    crate::output::write_atomically(&path, format!("{HEADER}{text}").as_bytes())
        .map_err(|e| super::io_err(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_round_trip_and_a_later_notice_replaces_the_earlier() {
        let dir = tempfile::tempdir().unwrap();
        let q: Quarter = "2025Q4".parse().unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert!(deadlines(dir.path(), q).unwrap().is_empty());
        record(dir.path(), q, &["445100".into(), "440200".into()], d(1, 27)).unwrap();
        record(dir.path(), q, &["445100".into()], d(2, 3)).unwrap();
        let got = deadlines(dir.path(), q).unwrap();
        assert_eq!(got["445100"], d(2, 3));
        assert_eq!(got["440200"], d(1, 27));
        assert!(deadlines(dir.path(), q.prev()).unwrap().is_empty());
    }
}
