//! What the database says of each region's quarter: its uploads (every version) and the office's
//! last decision, and the state they make. Reads only; the writes are the handlers'.

use super::{App, WebError};
use crate::problem::Severity;
use chrono::NaiveDate;

/// One stored upload.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Upload {
    pub id: i64,
    pub region: String,
    /// The stored version, relative to the workspace.
    pub stored: String,
    /// The file names another region: never put in `报送/` as this region's.
    pub other_region: bool,
    pub original: String,
    pub sha256: String,
    pub bytes: i64,
    pub uploaded_at: String,
    pub uploaded_by: String,
    pub errors: i64,
    pub warnings: i64,
    pub problems: String,
    pub filled_by: String,
    pub phone: String,
}

/// The office's last decision on a region's quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Accepted,
    Returned(String),
    Reopened,
}

/// A region's state in the quarter, as the page and 收表进度 name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    NotSent,
    /// No upload on the page, but a file for the region in `报送/<季度>/`, put there by hand
    /// (e-mailed, copied from a USB stick): the command line will read it.
    InFolder,
    Sent,
    Late,
    WithErrors,
    Returned(String),
    Accepted,
}

impl State {
    /// The words on the page.
    pub fn label(&self) -> String {
        match self {
            State::NotSent => "未报送".to_string(),
            State::InFolder => "报送文件夹中已有文件（非网页上传）".to_string(),
            State::Sent => "已报送".to_string(),
            State::Late => "逾期报送".to_string(),
            State::WithErrors => "有错误（请修改后重新上传）".to_string(),
            State::Returned(why) => format!("已退回（{why}）"),
            State::Accepted => "已通过".to_string(),
        }
    }

    /// The CSS class of its colour.
    pub fn class(&self) -> &'static str {
        match self {
            State::Accepted | State::Sent | State::InFolder => "state-ok",
            State::NotSent | State::Late => "state-wait",
            State::WithErrors | State::Returned(_) => "state-bad",
        }
    }

    /// Whether the region may upload again: not once the office accepted.
    pub fn open(&self) -> bool {
        *self != State::Accepted
    }
}

/// The state of a quarter from its newest upload and the office's last decision (with the
/// upload it was about); `deadline` decides 逾期.
pub fn state(
    latest: Option<&Upload>,
    decision: Option<&(Decision, i64)>,
    deadline: NaiveDate,
) -> State {
    let Some(u) = latest else {
        return State::NotSent;
    };
    match decision {
        Some((Decision::Accepted, _)) => return State::Accepted,
        Some((Decision::Returned(why), about)) if *about == u.id => {
            return State::Returned(why.clone())
        }
        _ => {}
    }
    if u.errors > 0 {
        State::WithErrors
    } else if upload_day(u).is_some_and(|d| d > deadline) {
        State::Late
    } else {
        State::Sent
    }
}

/// [`state`], with a file put in `报送/` by hand ([`in_folder`]) counted as sent: not
/// 未报送, not on the 催报 list.
pub fn state_with_folder(
    latest: Option<&Upload>,
    decision: Option<&(Decision, i64)>,
    deadline: NaiveDate,
    in_folder: bool,
) -> State {
    match state(latest, decision, deadline) {
        State::NotSent if in_folder => State::InFolder,
        st => st,
    }
}

fn upload_day(u: &Upload) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(u.uploaded_at.get(..10)?, "%Y-%m-%d").ok()
}

/// Whether an upload came on or before the deadline.
pub fn on_time(u: &Upload, deadline: NaiveDate) -> bool {
    upload_day(u).is_some_and(|d| d <= deadline)
}

const UPLOAD_COLUMNS: &str = "u.id, u.region, u.original, u.sha256, u.bytes, u.uploaded_at, \
     a.name, u.errors, u.warnings, u.problems, u.filled_by, u.phone, u.stored, u.other_region";

fn upload_row(r: &rusqlite::Row) -> rusqlite::Result<Upload> {
    Ok(Upload {
        id: r.get(0)?,
        region: r.get(1)?,
        original: r.get(2)?,
        sha256: r.get(3)?,
        bytes: r.get(4)?,
        uploaded_at: r.get(5)?,
        uploaded_by: r.get(6)?,
        errors: r.get(7)?,
        warnings: r.get(8)?,
        problems: r.get(9)?,
        filled_by: r.get(10)?,
        phone: r.get(11)?,
        stored: r.get(12)?,
        other_region: r.get(13)?,
    })
}

/// A region's uploads in the page's quarter, newest first.
///
/// # Errors
///
/// [`WebError::Database`].
pub fn uploads(app: &App, region: &str) -> Result<Vec<Upload>, WebError> {
    let quarter = app.quarter.to_string();
    app.db.with(|c| {
        let mut st = c.prepare(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM upload u JOIN account a ON a.id = u.uploaded_by \
             WHERE u.quarter = ?1 AND u.region = ?2 ORDER BY u.id DESC"
        ))?;
        let rows = st.query_map((&quarter, region), upload_row)?;
        rows.collect()
    })
}

/// Every region's newest upload in the page's quarter, by region.
///
/// # Errors
///
/// [`WebError::Database`].
pub fn latest_uploads(app: &App) -> Result<std::collections::BTreeMap<String, Upload>, WebError> {
    let quarter = app.quarter.to_string();
    let all: Vec<Upload> = app.db.with(|c| {
        let mut st = c.prepare(&format!(
            "SELECT {UPLOAD_COLUMNS} FROM upload u JOIN account a ON a.id = u.uploaded_by \
             WHERE u.quarter = ?1 AND u.id = (SELECT MAX(id) FROM upload v \
             WHERE v.quarter = u.quarter AND v.region = u.region)"
        ))?;
        let rows = st.query_map([&quarter], upload_row)?;
        rows.collect()
    })?;
    Ok(all.into_iter().map(|u| (u.region.clone(), u)).collect())
}

/// Every region's last decision in the page's quarter (with the upload it was about).
///
/// # Errors
///
/// [`WebError::Database`].
pub fn decisions(
    app: &App,
) -> Result<std::collections::BTreeMap<String, (Decision, i64)>, WebError> {
    let quarter = app.quarter.to_string();
    let rows: Vec<(String, String, String, Option<i64>)> = app.db.with(|c| {
        let mut st = c.prepare(
            "SELECT region, decision, reason, upload FROM review r WHERE quarter = ?1 AND id = \
             (SELECT MAX(id) FROM review s WHERE s.quarter = r.quarter AND s.region = r.region)",
        )?;
        let rows = st.query_map([&quarter], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.collect()
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(region, decision, reason, upload)| {
            let d = match decision.as_str() {
                "accepted" => Decision::Accepted,
                "returned" => Decision::Returned(reason),
                "reopened" => Decision::Reopened,
                _ => return None,
            };
            Some((region, (d, upload.unwrap_or(0))))
        })
        .collect())
}

/// The ids of a region's uploads in the page's quarter that the office returned.
///
/// # Errors
///
/// [`WebError::Database`].
pub fn returned(app: &App, region: &str) -> Result<std::collections::BTreeSet<i64>, WebError> {
    let quarter = app.quarter.to_string();
    app.db.with(|c| {
        let mut st = c.prepare(
            "SELECT upload FROM review WHERE quarter = ?1 AND region = ?2 \
             AND decision = 'returned' AND upload IS NOT NULL",
        )?;
        let rows = st.query_map((&quarter, region), |r| r.get(0))?;
        rows.collect()
    })
}

/// One problem of a stored check, as the page lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    pub severity: &'static str,
    pub class: &'static str,
    pub sheet: String,
    pub cell: String,
    pub message: String,
}

/// The problems of a check, one line each (see [`encode`]).
pub fn problems(text: &str) -> Vec<Listed> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(4, '\t');
            let (sev, sheet, cell, message) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let error = sev == "E";
            Some(Listed {
                severity: if error {
                    Severity::Error.label()
                } else {
                    Severity::Warning.label()
                },
                class: if error { "error" } else { "warning" },
                sheet: sheet.to_string(),
                cell: cell.to_string(),
                message: message.replace("\\n", "\n"),
            })
        })
        .collect()
}

/// A check's problems as stored: one line each, severity (E or W), sheet, cell and message
/// separated by tabs.
pub fn encode(problems: &[crate::problem::Problem]) -> String {
    let clean = |s: &str| s.replace(['\t', '\r'], " ").replace('\n', "\\n");
    problems
        .iter()
        .map(|p| {
            format!(
                "{}\t{}\t{}\t{}\n",
                if p.severity == Severity::Error {
                    "E"
                } else {
                    "W"
                },
                clean(&p.source.sheet),
                clean(&p.source.cell),
                clean(&p.message)
            )
        })
        .collect()
}

/// The regions that have a file in the quarter's `报送/` folder by its name
/// (`<区划代码>_…`), whoever put it there.
pub fn in_folder(app: &App) -> std::collections::BTreeSet<String> {
    let dir = app.workspace.submissions(app.quarter);
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let lower = name.to_lowercase();
            let sheet = [".xlsx", ".xlsm", ".xls", ".ods"]
                .iter()
                .any(|x| lower.ends_with(x));
            let (code, _) = name.split_once('_')?;
            (sheet && code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()))
                .then(|| code.to_string())
        })
        .collect()
}
