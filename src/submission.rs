//! The data that passes from ingest to score and report: each region's typed submission, the
//! province's own findings, and the list of input files with their hashes. Plain data, below the
//! stages: ingest produces it and knows nothing of what reads it.

use crate::problem::{Problem, Severity, Source};
use crate::quarter::Quarter;
use crate::scheme::Scheme;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A ledger cell after it was read as its column's kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Cell {
    #[default]
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
            Cell::Number(v) => crate::text::fmt_num(*v),
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
    /// The scheme columns each row's `cells` hold, in order, once ingest has let go of the
    /// columns no score reads ([`Ledger::keep_only`]); `None` while every column is held.
    pub held: Option<Vec<usize>>,
}

impl Ledger {
    /// Where a scheme column (by index) is in each row's `cells`, if it is held.
    fn position(&self, column: usize) -> Option<usize> {
        match &self.held {
            None => Some(column),
            Some(held) => held.iter().position(|&c| c == column),
        }
    }

    /// A row's cell in a scheme column (by index): Empty when the column is not held.
    pub fn cell<'a>(&self, row: &'a LedgerRow, column: usize) -> &'a Cell {
        static EMPTY: Cell = Cell::Empty;
        self.position(column)
            .and_then(|i| row.cells.get(i))
            .unwrap_or(&EMPTY)
    }

    /// Keeps only the cells of the given scheme columns, so that a batch of thousands of
    /// regions holds what scoring reads and not every cell of every ledger.
    pub fn keep_only(&mut self, columns: &[usize]) {
        let at: Vec<Option<usize>> = columns.iter().map(|&c| self.position(c)).collect();
        for row in &mut self.rows {
            let mut cells: Vec<Cell> = at
                .iter()
                .map(|i| {
                    i.and_then(|i| row.cells.get_mut(i))
                        .map(std::mem::take)
                        .unwrap_or_default()
                })
                .collect();
            cells.shrink_to_fit();
            row.cells = cells;
        }
        self.rows.shrink_to_fit();
        self.held = Some(columns.to_vec());
    }
}

/// The hidden `_meta` sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub scheme_id: String,
    pub scheme_version: String,
    pub template_hash: String,
    pub region_code: String,
    pub quarter: String,
    /// The contract fingerprint; empty for a template made before it was recorded.
    pub contract: String,
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
    /// A hash of each ledger row's key (案件编号, 批次编号), with its ledger's id, taken before a
    /// batch lets the key columns go: what 疑似抄报 compares across regions.
    pub case_keys: Vec<u64>,
    pub problems: Vec<Problem>,
}

impl Submission {
    /// Whether ingest found an error (warnings allowed).
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Whether the file could not be read at all (broken, encrypted, a format not read, refused
    /// by a guard), as opposed to read with errors in its content.
    pub fn is_unreadable(&self) -> bool {
        self.problems.iter().any(|p| {
            p.severity == Severity::Error
                && matches!(
                    p.kind,
                    crate::problem::Kind::Unreadable
                        | crate::problem::Kind::Unsupported
                        | crate::problem::Kind::EmptyFile
                )
        })
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
    /// The scheme version the template was issued under (its `_meta`); empty when unknown.
    pub template_version: String,
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

/// One region's row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvinceRow {
    /// 1-based line in the file.
    pub line: usize,
    pub values: BTreeMap<String, Cell>,
    pub sources: BTreeMap<String, Source>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvinceData {
    /// The file's name (省级评定.csv, or the workbook the province keeps instead).
    pub file: String,
    /// Whether the folder has the file (read or not).
    pub found: bool,
    pub sha256: String,
    pub rows: BTreeMap<String, ProvinceRow>,
}

impl ProvinceData {
    /// A cell of a region's row (Empty when absent).
    pub fn cell(&self, code: &str, column: &str) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.rows
            .get(code)
            .and_then(|r| r.values.get(column))
            .unwrap_or(&EMPTY)
    }

    /// Where a region's value came from.
    pub fn source(&self, code: &str, column: &str) -> Option<&Source> {
        self.rows.get(code).and_then(|r| r.sources.get(column))
    }
}

/// The status of the province file in the list of input files.
/// The status of a region's earlier submission when a later one replaces it.
pub const SUPERSEDED: &str = "未采用（重复报送）";

pub const STATUS: &str = "省级评定";

/// The status of a file that arrived but could not be read at all.
pub const UNREADABLE: &str = "无法读取";

/// Whether a problem bears on the result: every problem but those of a file superseded by a
/// later submission of its region (those are listed in 数据质量 as such, but neither count
/// towards the run's errors nor appear on the region's forms as its own).
pub fn bears_on_result(p: &Problem, files: &[InputFile]) -> bool {
    !files
        .iter()
        .any(|f| f.status == SUPERSEDED && f.file == p.source.file)
}

/// Whether a ranking rests on the province's findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Findings {
    /// Read in full and used.
    #[default]
    Used,
    /// Left out at the clerk's word (`--without-province-findings`), with the reason.
    Omitted(String),
}

impl Findings {
    /// What every reader of a ranking without the findings must be told (`None` when used).
    pub fn warning(&self, scheme: &Scheme) -> Option<String> {
        match self {
            Findings::Used => None,
            Findings::Omitted(reason) => Some(format!(
                "本次评分未计入省级评定（{reason}）：各地区的{}均按空白处理，相应的得分和扣分未计入，一票否决也未计入。\
                 本表不能作为正式考评结果，省级评定补齐后应重新评分。",
                scheme
                    .province
                    .columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .filter(|n| ![scheme.veto.column.as_str(), scheme.veto.reason_column.as_str()].contains(n))
                    .collect::<Vec<_>>()
                    .join("、")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After `keep_only`, a held column reads as before and any other column as Empty.
    #[test]
    fn a_ledger_keeps_only_the_columns_asked_for() {
        let row = |r: u32| LedgerRow {
            row: r,
            cells: vec![
                Cell::Text(format!("A-{r}")),
                Cell::Number(f64::from(r)),
                Cell::Text("某单位".into()),
                Cell::YesNo(r.is_multiple_of(2)),
            ],
        };
        let mut ledger = Ledger {
            sheet: "移送台账".into(),
            columns: vec![0, 1, 2, 3],
            rows: vec![row(2), row(3)],
            held: None,
        };
        assert_eq!(
            ledger.cell(&ledger.rows[0], 2),
            &Cell::Text("某单位".into())
        );
        ledger.keep_only(&[1, 3]);
        assert_eq!(ledger.rows[1].cells.len(), 2);
        let r = &ledger.rows[1];
        assert_eq!(ledger.cell(r, 1), &Cell::Number(3.0));
        assert_eq!(ledger.cell(r, 3), &Cell::YesNo(false));
        assert_eq!(ledger.cell(r, 0), &Cell::Empty);
        assert_eq!(ledger.cell(r, 2), &Cell::Empty);
        // Narrowing again keeps what is still held.
        ledger.keep_only(&[3]);
        assert_eq!(ledger.cell(&ledger.rows[0], 3), &Cell::YesNo(true));
        assert_eq!(ledger.cell(&ledger.rows[0], 1), &Cell::Empty);
    }
}
