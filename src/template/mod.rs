//! The submission workbook a region fills in each quarter, generated from the scheme so that what
//! a region is asked for is exactly what ingest reads back.
//!
//! Its sheet names, field codes and column headers are a published contract (DESIGN.md "The
//! submission workbook"): ingest and other programs find fields by 编码 and ledger columns by
//! header text. Every input cell is unlocked and validated, everything else is protected without a
//! password; no cell holds a formula (calamine would read rust_xlsxwriter's cached 0); document
//! dates are fixed, so the same inputs give a byte-identical file.
//!
//! Layout (rows and columns 1-based; every sheet has its header in row 1, frozen; every visible
//! sheet prints with the region, the sheet and the quarter in its page header and the page
//! number in its footer):
//!
//! | sheet | content |
//! | --- | --- |
//! | 填报说明 | `事项 \| 说明`, one row per topic |
//! | 基本情况 | `项目 \| 内容`; rows 2–7: 区划代码, 地区名称, 季度, 填报人, 联系电话, 填报日期; rows 8–9: 审核人, 单位负责人 (not read); a remark in row 10 |
//! | 汇总指标 | `编码 \| 指标名称 \| 单位 \| 本季度数值 \| 说明`; one row per field from row 2, input in D |
//! | 工作情况 | `编码 \| 项目 \| 填报值`; one row per work item from row 2, input in C |
//! | one per ledger | the ledger's columns; input rows 2..=ledger_rows+1 |
//! | _meta (hidden) | `key \| value`: scheme_id, scheme_version, template_hash, region_code, quarter, contract |
//! | _lists (hidden) | only when a drop-down list is too long for a literal list |
//!
//! In a region's template 区划代码, 地区名称 and 季度 are pre-filled and locked; in the generic
//! blank (`templates/blank-submission.xlsx`) they are empty input cells.
//!
//! Source layout: this file holds the public API ([`build`], [`write`], [`file_name`],
//! [`sheet_names`], [`Filled`], [`TemplateError`]); `hash` the template hash, `styles` the
//! formats and layout helpers, `validation` the drop-down lists and data validations, and
//! `guide`, `fields`, `ledger` and `hidden` the sheets.

mod fields;
mod guide;

mod hidden;
mod ledger;
pub mod plain;
pub mod province;
mod styles;
mod validation;

pub use crate::fingerprint::template_hash;

use crate::contract::{
    BASIC_SHEET, GUIDE_SHEET, LISTS_SHEET, META_SHEET, RESERVED_SHEETS, SUMMARY_SHEET, WORK_SHEET,
};
use crate::quarter::Quarter;
use crate::registry::Region;
use crate::scheme::Scheme;
use crate::submission::Cell;
use chrono::NaiveDate;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;
use std::path::Path;
use styles::Formats;
use validation::long_lists;

/// The author of every cell note (Excel shows it over the note): the office, whatever its level.
const NOTE_AUTHOR: &str = "打击侵权假冒工作领导小组办公室";

/// Values to fill into a submission (for `kaoping samples` and tests); `None` writes a blank
/// template.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    pub filled_by: String,
    pub phone: String,
    /// 填报日期.
    pub filed_on: Option<NaiveDate>,
    /// 汇总指标 S.. and 工作情况 W..; yes_no fields: 1.0 → "是", 0.0 → "否" (any other number is
    /// written as that number). Codes the scheme does not have are skipped, so one map can fill
    /// templates of several schemes.
    pub fields: BTreeMap<String, f64>,
    /// Written as raw text instead of a number (to make deliberately bad samples, e.g. "约30");
    /// wins over `fields`; codes the scheme does not have are skipped.
    pub field_text: BTreeMap<String, String>,
    /// By ledger id; each row's cells in the scheme's column order (`Cell::Date` → a real Excel
    /// date formatted yyyy-mm-dd, `Number` → number, `YesNo` → 是/否, `Text` → string, `Empty` →
    /// nothing).
    pub ledgers: BTreeMap<String, Vec<Vec<Cell>>>,
}

/// A template that could not be built or written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// rust_xlsxwriter refused something (a sheet name, a limit of Excel).
    #[error("生成填报模板的工作表“{sheet}”时出错：{source}")]
    Xlsx {
        sheet: String,
        #[source]
        source: Box<XlsxError>,
    },
    /// The file could not be written (the message names the path).
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
    /// A ledger's sheet name is one of the template's own sheets.
    #[error("台账{ledger}的工作表名“{sheet}”与模板自带的工作表重名")]
    SheetName { ledger: String, sheet: String },
    /// `Filled::ledgers` names a ledger the scheme does not have.
    #[error("填报数据中的台账{0}不在指标体系中")]
    UnknownLedger(String),
    /// A ledger row has more cells than the ledger has columns.
    #[error("台账{sheet}第{row}行有{cells}个单元格，多于该台账的{columns}列")]
    TooManyCells {
        sheet: String,
        row: u32,
        cells: usize,
        columns: usize,
    },
    /// NaN or infinity cannot be stored in a workbook.
    #[error("{sheet}!{cell}：数值{value}无法写入工作簿")]
    NotFinite {
        sheet: String,
        cell: String,
        value: f64,
    },
}

/// Adds the sheet name to a rust_xlsxwriter error.
trait OnSheet<T> {
    fn on(self, sheet: &str) -> Result<T, TemplateError>;
}

impl<T> OnSheet<T> for Result<T, XlsxError> {
    fn on(self, sheet: &str) -> Result<T, TemplateError> {
        self.map_err(|e| TemplateError::Xlsx {
            sheet: sheet.to_string(),
            source: Box::new(e),
        })
    }
}

/// File name for a region's submission: `{code}_{name}_{quarter}.xlsx`, e.g.
/// `440100_广州市_2025Q4.xlsx`. Characters that no file system accepts become `_`.
pub fn file_name(region: &Region, quarter: Quarter) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
                c if c.is_control() => '_',
                c => c,
            })
            .collect()
    };
    format!(
        "{}_{}_{}.xlsx",
        safe(&region.code),
        safe(&region.name),
        quarter
    )
}

/// The sheets of the workbook for this scheme, in order.
pub fn sheet_names(scheme: &Scheme) -> Vec<String> {
    let mut names: Vec<String> = [GUIDE_SHEET, BASIC_SHEET, SUMMARY_SHEET, WORK_SHEET]
        .iter()
        .map(|s| s.to_string())
        .collect();
    names.extend(scheme.ledgers.iter().map(|l| l.sheet.clone()));
    names.push(META_SHEET.to_string());
    if !long_lists(scheme).is_empty() {
        names.push(LISTS_SHEET.to_string());
    }
    names
}

/// Builds the workbook for one region (`None`: the generic blank, 区划代码 and 地区名称 left for
/// the region to fill) and quarter (`None` for the generic blank), optionally filled.
///
/// # Errors
///
/// A ledger sheet named like one of the template's own sheets, values in `filled` that do not fit
/// the scheme (unknown ledgers, rows with more cells than columns, NaN), or a limit of Excel.
pub fn build(
    scheme: &Scheme,
    region: Option<&Region>,
    quarter: Option<Quarter>,
    filled: Option<&Filled>,
) -> Result<Workbook, TemplateError> {
    let empty = Filled::default();
    let filled = filled.unwrap_or(&empty);
    check_filled(scheme, filled)?;
    if let Some(l) = scheme
        .ledgers
        .iter()
        .find(|l| RESERVED_SHEETS.contains(&l.sheet.as_str()))
    {
        return Err(TemplateError::SheetName {
            ledger: l.id.clone(),
            sheet: l.sheet.clone(),
        });
    }

    let hash = template_hash(scheme);
    let f = Formats::new();
    let lists = long_lists(scheme);
    let mut workbook = crate::xlsx::workbook();
    let created = ExcelDateTime::from_ymd(2020, 1, 1).on(GUIDE_SHEET)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} 季度填报表", scheme.name))
            .set_subject(format!("指标体系 {} 版本 {}", scheme.id, scheme.version))
            .set_author(&scheme.office.name)
            .set_creation_datetime(&created),
    );

    // Every visible sheet prints with the region and the quarter in its page header.
    let mut push = |mut ws: Worksheet| {
        styles::page_header_footer(&mut ws, region, quarter);
        workbook.push_worksheet(ws);
    };
    let places = fields::places(scheme);

    let mut ws = Worksheet::new();
    guide::guide(&mut ws, scheme, region, quarter, &hash, &f)?;
    push(ws);

    let mut ws = Worksheet::new();
    guide::basic(&mut ws, region, quarter, filled, &f)?;
    push(ws);

    let mut ws = Worksheet::new();
    fields::summary(&mut ws, &scheme.fields, &places, filled, &f)?;
    push(ws);

    let mut ws = Worksheet::new();
    fields::work(&mut ws, &scheme.work_items, &places, filled, &f)?;
    push(ws);

    for def in &scheme.ledgers {
        let rows = filled
            .ledgers
            .get(&def.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut ws = Worksheet::new();
        ledger::ledger(&mut ws, def, rows, scheme.ledger_rows, &lists, &f)?;
        push(ws);
    }

    let mut ws = Worksheet::new();
    hidden::meta(&mut ws, scheme, &hash, region, quarter, &f)?;
    workbook.push_worksheet(ws);

    if !lists.is_empty() {
        let mut ws = Worksheet::new();
        hidden::list_sheet(&mut ws, &lists, &f)?;
        workbook.push_worksheet(ws);
    }
    Ok(workbook)
}

/// [`build`] and save atomically (a temporary file renamed over `path`).
///
/// # Errors
///
/// As [`build`], or the file cannot be written.
pub fn write(
    path: &Path,
    scheme: &Scheme,
    region: Option<&Region>,
    quarter: Option<Quarter>,
    filled: Option<&Filled>,
) -> Result<(), TemplateError> {
    let mut workbook = build(scheme, region, quarter, filled)?;
    Ok(crate::output::save_workbook(&mut workbook, path)?)
}

/// Rejects filled ledger rows the scheme has no place for, before anything is written. (Field
/// codes the scheme lacks are skipped instead: see [`Filled::fields`].)
pub(crate) fn check_filled(scheme: &Scheme, filled: &Filled) -> Result<(), TemplateError> {
    for (id, rows) in &filled.ledgers {
        let def = scheme
            .ledger(id)
            .ok_or_else(|| TemplateError::UnknownLedger(id.clone()))?;
        if let Some((i, row)) = rows
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() > def.columns.len())
        {
            return Err(TemplateError::TooManyCells {
                sheet: def.sheet.clone(),
                row: u32::try_from(i + 2).unwrap_or(u32::MAX),
                cells: row.len(),
                columns: def.columns.len(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::BUILTIN_SCHEME;
    use std::io::Read;

    fn builtin() -> Scheme {
        Scheme::builtin().unwrap()
    }

    fn build_err(s: &Scheme, f: &Filled) -> String {
        match build(s, None, None, Some(f)) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn same_inputs_give_the_same_bytes() {
        let s = builtin();
        let a = build(&s, None, None, None)
            .unwrap()
            .save_to_buffer()
            .unwrap();
        let b = build(&s, None, None, None)
            .unwrap()
            .save_to_buffer()
            .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn long_choice_lists_point_at_a_hidden_sheet() {
        let long: Vec<String> = (1..=40)
            .map(|i| format!("\"很长的处置方式{i:02}\""))
            .collect();
        let text = BUILTIN_SCHEME.replacen(
            "choices = [\"焚烧\", \"填埋\", \"粉碎\", \"资源化利用\", \"其他\"]",
            &format!("choices = [{}]", long.join(", ")),
            1,
        );
        let s = Scheme::from_toml(&text).unwrap();
        let names = sheet_names(&s);
        assert_eq!(names.last().map(String::as_str), Some(LISTS_SHEET));
        let bytes = build(&s, None, None, None)
            .unwrap()
            .save_to_buffer()
            .unwrap();
        let book = part(&bytes, "xl/workbook.xml");
        assert!(book.contains("name=\"_lists\""), "{book}");
        // 销毁台账 is the 7th sheet; its 销毁方式 column (I) lists from _lists!A2:A41.
        let sheet = part(&bytes, "xl/worksheets/sheet7.xml");
        assert!(
            sheet.contains("<formula1>_lists!$A$2:$A$41</formula1>"),
            "{sheet}"
        );
        // The builtin scheme's lists are short: no _lists sheet.
        assert!(!sheet_names(&builtin()).contains(&LISTS_SHEET.to_string()));
    }

    /// A whole on another sheet is referred to by sheet and absolute cell: here W11 (工作情况
    /// row 6, input in C) may not exceed S01 (汇总指标 D2).
    #[test]
    fn a_whole_on_another_sheet_is_referred_to_by_sheet() {
        let from = "name = \"本季度案件入选全国典型案例数\"\nkind = \"count\"";
        assert!(BUILTIN_SCHEME.contains(from));
        let text = BUILTIN_SCHEME.replacen(from, &format!("{from}\nle = \"S01\""), 1);
        let s = Scheme::from_toml(&text).unwrap();
        let bytes = build(&s, None, None, None)
            .unwrap()
            .save_to_buffer()
            .unwrap();
        let work = part(&bytes, "xl/worksheets/sheet4.xml");
        assert!(
            work.contains(
                "sqref=\"C6\"><formula1>AND(ISNUMBER(C6),C6&gt;=0,C6=INT(C6),\
                 OR(NOT(ISNUMBER(汇总指标!$D$2)),C6&lt;=汇总指标!$D$2))</formula1>"
            ),
            "{work}"
        );
    }

    /// The sign-off rows are not rows ingest reads, so ingest passes over them by label.
    #[test]
    fn sign_off_labels_are_not_contract_labels() {
        use crate::contract::BasicRow;
        for (label, _) in guide::SIGN_OFF {
            assert!(BasicRow::ALL.iter().all(|r| r.label() != label), "{label}");
        }
        assert!(BasicRow::ALL
            .iter()
            .all(|r| r.label() != guide::SIGN_OFF_REMARK));
    }

    #[test]
    fn filled_rows_the_scheme_lacks_are_refused() {
        let s = builtin();
        // Unknown field codes are skipped, not refused.
        let mut f = Filled::default();
        f.fields.insert("S99".into(), 1.0);
        f.field_text.insert("S98".into(), "约30".into());
        assert!(build(&s, None, None, Some(&f)).is_ok());

        let mut f = Filled::default();
        f.ledgers.insert("nope".into(), vec![]);
        let err = build_err(&s, &f);
        assert!(err.contains("nope"), "{err}");

        let mut f = Filled::default();
        f.ledgers
            .insert("disclosure".into(), vec![vec![Cell::Empty; 5]]);
        let err = build_err(&s, &f);
        assert!(err.contains("信息公开台账第2行"), "{err}");

        let mut f = Filled::default();
        f.fields.insert("S03".into(), f64::NAN);
        let err = build_err(&s, &f);
        assert!(err.contains("汇总指标!D4"), "{err}");
    }

    #[test]
    fn file_names_are_safe() {
        let r = Region {
            code: "440100".into(),
            name: "广州/市".into(),
            parent: "440000".into(),
            population: 1.0,
            entities: 1.0,
        };
        let q = Quarter { year: 2025, q: 4 };
        assert_eq!(file_name(&r, q), "440100_广州_市_2025Q4.xlsx");
    }
}
