//! The 情况通报 draft the office sends after scoring: a Word document (.docx, for WPS/Word) in the
//! GB/T 9704-2012 layout, written with docx-rs. `content` works out what it says from one
//! scoring run (总体情况, 排名情况, 预警与督办 with each region's reason, 存在问题, 下一步工作要求
//! from a text the province edits, 落款); `layout` how it looks. The document's dates come from
//! the 成文日期, never the clock, so the same inputs give a byte-identical file.

mod annual;
mod content;
mod layout;
mod schema_order;

pub use content::Issue;

use super::{Assessment, ReportError};
use chrono::NaiveDate;
use std::io::Cursor;
use std::path::Path;

/// The default 下一步工作要求 (`templates/下一步工作要求.txt`): each non-empty line one paragraph.
pub const DEFAULT_REQUIREMENTS: &str = include_str!("../../../templates/下一步工作要求.txt");

/// The 情况通报 of one scoring run, dated `date` (成文日期, also the document's creation date);
/// `issue` gives its 下一步工作要求, 发文字号 and 抄送.
pub fn document(a: &Assessment, issue: &Issue, date: NaiveDate) -> docx_rs::Docx {
    let blocks = content::blocks(a, issue, date);
    let created = format!("{}T00:00:00Z", date.format("%Y-%m-%d"));
    layout::document(&blocks, &created)
}

/// The 情况通报 as the bytes of a .docx file.
///
/// # Errors
///
/// [`ReportError::Bulletin`] when docx-rs cannot pack the document.
pub fn bytes(a: &Assessment, issue: &Issue, date: NaiveDate) -> Result<Vec<u8>, ReportError> {
    pack(document(a, issue, date))
}

/// A laid-out document as the bytes of a .docx file: the font table, the schema's element order.
fn pack(doc: docx_rs::Docx) -> Result<Vec<u8>, ReportError> {
    let bulletin =
        |e: Box<dyn std::error::Error + Send + Sync>| ReportError::Bulletin { source: e };
    let mut parts = doc.build();
    parts.font_table = layout::font_table();
    schema_order::apply(&mut parts).map_err(|e| bulletin(Box::new(e)))?;
    let mut out = Cursor::new(Vec::new());
    parts.pack(&mut out).map_err(|e| bulletin(Box::new(e)))?;
    Ok(out.into_inner())
}

/// The annual 情况通报 draft as the bytes of a .docx file, dated `date`.
///
/// # Errors
///
/// As for [`bytes`].
pub fn annual_bytes(
    r: &crate::report::annual::AnnualReport,
    issue: &Issue,
    date: NaiveDate,
) -> Result<Vec<u8>, ReportError> {
    let blocks = annual::blocks(r, issue, date);
    let created = format!("{}T00:00:00Z", date.format("%Y-%m-%d"));
    pack(layout::document(&blocks, &created))
}

/// Writes the 情况通报 to `path` atomically (temporary file, then rename).
///
/// # Errors
///
/// [`ReportError::Bulletin`] as for [`bytes`]; [`ReportError::Output`] when the file cannot be
/// written.
pub fn write(
    a: &Assessment,
    issue: &Issue,
    date: NaiveDate,
    path: &Path,
) -> Result<(), ReportError> {
    let bytes = bytes(a, issue, date)?;
    crate::output::write_atomically(path, &bytes)?;
    Ok(())
}
