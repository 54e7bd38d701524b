//! What ingest hands to the rest of the pipeline: typed values, each with its source.

use crate::problem::{Problem, Severity, Source};
use crate::quarter::Quarter;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A ledger cell after it was read as its column's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
    Date(NaiveDate),
    YesNo(bool),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Cell::Number(v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Cell::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// The cell as text, for comparisons with `equals` filters and for display.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(v) => crate::scheme::fmt_num(*v),
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::YesNo(true) => "是".to_string(),
            Cell::YesNo(false) => "否".to_string(),
        }
    }
}

/// A summary field or work item: 是/否 is read as 1/0.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldValue {
    pub value: f64,
    pub source: Source,
}

/// One ledger row; `cells` follow the scheme's column order.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    /// 1-based worksheet row.
    pub row: u32,
    pub cells: Vec<Cell>,
}

/// A ledger sheet as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    pub sheet: String,
    /// 0-based worksheet column of each of the scheme's columns, in the scheme's order (the
    /// order of `LedgerRow::cells`), so a cell can be named as the region sees it.
    pub columns: Vec<u32>,
    pub rows: Vec<LedgerRow>,
}

/// The hidden `_meta` sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub scheme_id: String,
    pub scheme_version: String,
    pub template_hash: String,
    pub region_code: String,
    pub quarter: String,
}

/// One submission workbook as read.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// The file name (not the full path), as shown in messages.
    pub file: String,
    pub sha256: String,
    pub region_code: String,
    pub region_name: String,
    pub quarter: Option<Quarter>,
    pub filled_by: String,
    pub phone: String,
    /// 填报日期.
    pub filed_on: Option<NaiveDate>,
    pub meta: Meta,
    /// Fields of 汇总指标 and items of 工作情况, by code.
    pub fields: BTreeMap<String, FieldValue>,
    /// Ledgers by scheme id.
    pub ledgers: BTreeMap<String, Ledger>,
    pub problems: Vec<Problem>,
}

impl Submission {
    /// Whether ingest found an error (warnings allowed).
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// A field's value, if it was read.
    pub fn field(&self, code: &str) -> Option<f64> {
        self.fields.get(code).map(|f| f.value)
    }
}

/// A file seen by ingest, for 评分说明 and 数据质量.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFile {
    pub file: String,
    pub sha256: String,
    pub region_code: Option<String>,
    /// 采用, 未采用（重复报送）, 有错误, 无法读取.
    pub status: String,
}

/// Everything ingest found in one folder.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// One submission per region: the one used (possibly with errors).
    pub submissions: BTreeMap<String, Submission>,
    /// Every problem in every file, including files that could not be read.
    pub problems: Vec<Problem>,
    pub files: Vec<InputFile>,
}
