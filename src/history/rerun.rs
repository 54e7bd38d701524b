//! Quarters that need scoring again. A later quarter's 通报, 约谈 and 挂牌督办 rest on the earlier
//! quarters in history, so when an earlier quarter is rewritten (`--replace`, or an earlier
//! quarter added late), every later one is marked, in [`RERUN_FILE`] in the history folder, until
//! it is scored again; `score` of any quarter says so, on the terminal and in the workbook.
//!
//! A quarter scored while an earlier one is still marked stays (or becomes) marked itself: it
//! read a history that was about to change. So the marks clear only when the quarters are scored
//! again in order, oldest first.

use super::{quarters, HistoryError, Written};
use crate::quarter::Quarter;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The file, in the history folder, that lists the quarters to score again. Removed when none is
/// left.
pub const RERUN_FILE: &str = "needs-rerun.toml";

/// A quarter in history that must be scored again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rerun {
    pub quarter: Quarter,
    /// The earlier quarter whose change made this one stale.
    pub after: Quarter,
    /// Why, in words ("2025Q1于2026-01-05 09:30:00重新评分后，……").
    pub reason: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct MarksFile {
    #[serde(default)]
    rerun: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    quarter: String,
    after: String,
    reason: String,
}

const HEADER: &str =
    "# kaoping：以下季度所依据的历史已变化，需按季度顺序重新评分；重新评分后自动删除。\n";

type Marks = BTreeMap<Quarter, Rerun>;

fn read_marks(dir: &Path) -> Result<Marks, HistoryError> {
    let path = dir.join(RERUN_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Marks::new()),
        Err(e) => return Err(super::io_err(&path, e)),
    };
    let file: MarksFile = toml::from_str(&text).map_err(|e| super::io_err(&path, e))?;
    let mut marks = Marks::new();
    for e in file.rerun {
        let (Ok(quarter), Ok(after)) = (e.quarter.parse(), e.after.parse()) else {
            return Err(super::io_err(
                &path,
                format!("季度“{}”或“{}”格式不对", e.quarter, e.after),
            ));
        };
        marks.insert(
            quarter,
            Rerun {
                quarter,
                after,
                reason: e.reason,
            },
        );
    }
    Ok(marks)
}

fn write_marks(dir: &Path, marks: &Marks) -> Result<(), HistoryError> {
    let path = dir.join(RERUN_FILE);
    if marks.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(super::io_err(&path, e)),
            _ => Ok(()),
        };
    }
    let file = MarksFile {
        rerun: marks
            .values()
            .map(|r| Entry {
                quarter: r.quarter.to_string(),
                after: r.after.to_string(),
                reason: r.reason.clone(),
            })
            .collect(),
    };
    let text = toml::to_string(&file).map_err(|e| super::io_err(&path, e))?;
    crate::output::write_atomically(&path, format!("{HEADER}{text}").as_bytes())
        .map_err(|e| super::io_err(&path, e))
}

/// The quarters of the folder that must be scored again, oldest first (the order to score them).
///
/// # Errors
///
/// [`HistoryError::Io`] when the list exists but cannot be read.
pub fn reruns(dir: &Path) -> Result<Vec<Rerun>, HistoryError> {
    let present = quarters(dir)?;
    Ok(read_marks(dir)?
        .into_values()
        .filter(|r| present.contains(&r.quarter))
        .collect())
}

/// The marks as they will be once `quarter` is written with outcome `written` at `at`: the
/// quarter's own mark is cleared (or set, when an earlier quarter is still marked), and every
/// later quarter is marked when this one changed. Nothing is written until [`Marks::apply`].
pub(super) fn after_writing(
    dir: &Path,
    quarter: Quarter,
    written: Written,
    at: &str,
) -> Result<Planned, HistoryError> {
    let before = read_marks(dir)?;
    let mut present = quarters(dir)?;
    if !present.contains(&quarter) {
        present.push(quarter);
        present.sort();
    }
    let mut marks: Marks = before
        .iter()
        .filter(|(q, _)| present.contains(q) && **q != quarter)
        .map(|(q, r)| (*q, r.clone()))
        .collect();
    if let Some(stale) = marks.keys().copied().find(|m| *m < quarter) {
        marks.insert(
            quarter,
            Rerun {
                quarter,
                after: stale,
                reason: format!("{quarter}评分时所依据的{stale}尚待重新评分"),
            },
        );
    }
    if written != Written::Unchanged {
        let how = if written == Written::New {
            "补录"
        } else {
            "重新评分"
        };
        for later in present.iter().copied().filter(|l| *l > quarter) {
            // A mark from an earlier change already covers this one.
            if marks.get(&later).is_some_and(|m| m.after <= quarter) {
                continue;
            }
            marks.insert(
                later,
                Rerun {
                    quarter: later,
                    after: quarter,
                    reason: format!("{quarter}于{at}{how}后，{later}的预警督办所依据的历史已变化"),
                },
            );
        }
    }
    Ok(Planned {
        changed: marks != before,
        marks,
    })
}

/// The marks a write will leave (see [`after_writing`]).
#[derive(Debug, Clone)]
pub(super) struct Planned {
    marks: Marks,
    changed: bool,
}

impl Planned {
    /// The quarters that will need scoring again, oldest first.
    pub(super) fn reruns(&self) -> Vec<Rerun> {
        self.marks.values().cloned().collect()
    }

    /// Writes the marks (only when they changed).
    pub(super) fn apply(&self, dir: &Path) -> Result<(), HistoryError> {
        if self.changed {
            write_marks(dir, &self.marks)?;
        }
        Ok(())
    }
}

/// What to tell the user when quarters need scoring again, scoring `current`: which and in what
/// order (each one's reason is in [`Rerun::reason`]); `None` when none does.
pub fn notice(reruns: &[Rerun], current: Quarter) -> Option<String> {
    if reruns.is_empty() {
        return None;
    }
    let list: Vec<String> = reruns.iter().map(|r| r.quarter.to_string()).collect();
    let mut text = format!(
        "历史数据中{}需要重新评分：所依据的更早季度已重写。请按{}的顺序依次重新运行 kaoping score（同一历史数据文件夹，加 --replace）。",
        list.join("、"),
        list.join("→")
    );
    if reruns.iter().any(|r| r.quarter <= current) {
        text.push_str(&format!(
            "{current}的督办措施依据的历史尚未更新，本次结果须在上述季度重新评分后才能作准。"
        ));
    }
    Some(text)
}
