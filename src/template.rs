//! The submission workbook a region fills in each quarter, generated from the scheme so that what
//! a region is asked for is exactly what ingest reads back.
//!
//! Its sheet names, field codes and column headers are a published contract (DESIGN.md "The
//! submission workbook"): ingest and other programs find fields by 编码 and ledger columns by
//! header text. Every input cell is unlocked and validated, everything else is protected without a
//! password; no cell holds a formula (calamine would read rust_xlsxwriter's cached 0); document
//! dates are fixed, so the same inputs give a byte-identical file.
//!
//! Layout (rows and columns 1-based; every sheet has its header in row 1, frozen):
//!
//! | sheet | content |
//! | --- | --- |
//! | 填报说明 | `事项 \| 说明`, one row per topic |
//! | 基本情况 | `项目 \| 内容`; rows 2–7: 区划代码, 地区名称, 季度, 填报人, 联系电话, 填报日期 |
//! | 汇总指标 | `编码 \| 指标名称 \| 单位 \| 本季度数值 \| 说明`; one row per field from row 2, input in D |
//! | 工作情况 | `编码 \| 项目 \| 填报值`; one row per work item from row 2, input in C |
//! | one per ledger | the ledger's columns; input rows 2..=ledger_rows+1 |
//! | _meta (hidden) | `key \| value`: scheme_id, scheme_version, template_hash, region_code, quarter |
//! | _lists (hidden) | only when a drop-down list is too long for a literal list |
//!
//! In a region's template 区划代码, 地区名称 and 季度 are pre-filled and locked; in the generic
//! blank (`templates/blank-submission.xlsx`) they are empty input cells.

use crate::contract::{
    BasicRow, MetaKey, BASIC_LABEL_HEADER, BASIC_SHEET, BASIC_VALUE_HEADER, GUIDE_HEADER,
    GUIDE_SHEET, LISTS_SHEET, META_HEADER, META_SHEET, RESERVED_SHEETS, SUMMARY_HEADER,
    SUMMARY_SHEET, SUMMARY_VALUE_HEADER, WORK_HEADER, WORK_SHEET, WORK_VALUE_HEADER,
};
use crate::quarter::Quarter;
use crate::registry::Region;
use crate::scheme::{ColumnDef, DeductionSource, FieldDef, LedgerDef, Scheme, ValueKind};
use crate::submission::Cell;
use crate::text::fmt_num;
use chrono::NaiveDate;
use rust_xlsxwriter::{
    worksheet_range_absolute, Color, DataValidation, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
    XlsxError,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The contact line of 填报说明.
pub const CONTACT: &str = "联系人：省打击侵权假冒工作领导小组办公室";

/// Changes whenever this module's layout changes, so that the template hash does too.
const LAYOUT: &str = "kaoping-submission-layout-1";
/// Excel's limit for a literal drop-down list, in UTF-16 units including the commas.
const LIST_LIMIT: usize = 255;
/// Excel's limits for data validation texts.
const VALIDATION_TITLE_LIMIT: usize = 32;
const VALIDATION_MESSAGE_LIMIT: usize = 255;
/// The dates a date cell accepts (the years `Quarter` accepts).
const FIRST_DATE: (i32, u32, u32) = (1990, 1, 1);
const LAST_DATE: (i32, u32, u32) = (2200, 12, 31);
/// Widths (Excel units) of prose columns, which wrap instead of growing.
const GUIDE_TEXT_WIDTH: f64 = 100.0;
const NOTE_COLUMN_MAX: f64 = 60.0;
const NOTE_AUTHOR: &str = "省打击侵权假冒工作领导小组办公室";

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
    #[error("生成填报模板的工作表“{sheet}”时出错：{message}")]
    Xlsx { sheet: String, message: String },
    /// The file could not be written (the message names the path).
    #[error("{0}")]
    Write(String),
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
            message: e.to_string(),
        })
    }
}

/// Short hash (16 hex chars of SHA-256) of everything in the scheme that shapes the workbook's
/// contract: id, version, fields and work items (code, name, unit, kind, le, note) and ledgers
/// (id, sheet, note, columns with name, kind, required, key, in_quarter, choices, max, note),
/// plus this module's layout version. Deadlines, weights and rules are not in it: changing them
/// does not make an issued template stale. Stable across runs and platforms.
pub fn template_hash(scheme: &Scheme) -> String {
    let mut h = Sha256::new();
    put(&mut h, LAYOUT);
    put(&mut h, &scheme.id);
    put(&mut h, &scheme.version);
    for (tag, defs) in [
        ("fields", &scheme.fields),
        ("work_items", &scheme.work_items),
    ] {
        put(&mut h, tag);
        put(&mut h, &defs.len().to_string());
        for f in defs.iter() {
            put(&mut h, &f.code);
            put(&mut h, &f.name);
            put(&mut h, &f.unit);
            put(&mut h, kind_key(f.kind));
            put(&mut h, f.le.as_deref().unwrap_or(""));
            put(&mut h, &f.note);
        }
    }
    put(&mut h, "ledgers");
    put(&mut h, &scheme.ledgers.len().to_string());
    for l in &scheme.ledgers {
        put(&mut h, &l.id);
        put(&mut h, &l.sheet);
        put(&mut h, &l.note);
        put(&mut h, &l.columns.len().to_string());
        for c in &l.columns {
            put(&mut h, &c.name);
            put(&mut h, kind_key(c.kind));
            put(&mut h, flag_key(c.required));
            put(&mut h, flag_key(c.key));
            put(&mut h, flag_key(c.in_quarter));
            put(&mut h, &c.choices.len().to_string());
            for choice in &c.choices {
                put(&mut h, choice);
            }
            put(&mut h, &c.max.map(|m| m.to_string()).unwrap_or_default());
            put(&mut h, &c.note);
        }
    }
    h.finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Feeds one length-prefixed string, so that ("ab","c") and ("a","bc") differ.
fn put(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

fn kind_key(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Count => "count",
        ValueKind::Amount => "amount",
        ValueKind::YesNo => "yes_no",
        ValueKind::Text => "text",
        ValueKind::Date => "date",
        ValueKind::Choice => "choice",
    }
}

fn flag_key(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
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
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2020, 1, 1).on(GUIDE_SHEET)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("{} 季度填报表", scheme.name))
            .set_subject(format!("指标体系 {} 版本 {}", scheme.id, scheme.version))
            .set_author(NOTE_AUTHOR)
            .set_creation_datetime(&created),
    );

    let mut ws = Worksheet::new();
    guide(&mut ws, scheme, region, quarter, &hash, &f)?;
    workbook.push_worksheet(ws);

    let mut ws = Worksheet::new();
    basic(&mut ws, region, quarter, filled, &f)?;
    workbook.push_worksheet(ws);

    let mut ws = Worksheet::new();
    summary(&mut ws, &scheme.fields, filled, &f)?;
    workbook.push_worksheet(ws);

    let mut ws = Worksheet::new();
    work(&mut ws, &scheme.work_items, filled, &f)?;
    workbook.push_worksheet(ws);

    for def in &scheme.ledgers {
        let rows = filled
            .ledgers
            .get(&def.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut ws = Worksheet::new();
        ledger(&mut ws, def, rows, scheme.ledger_rows, &lists, &f)?;
        workbook.push_worksheet(ws);
    }

    let mut ws = Worksheet::new();
    meta(&mut ws, scheme, &hash, region, quarter, &f)?;
    workbook.push_worksheet(ws);

    if !lists.is_empty() {
        let mut ws = Worksheet::new();
        list_sheet(&mut ws, &lists, &f)?;
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
    crate::output::save_workbook(&mut workbook, path)
        .map_err(|e| TemplateError::Write(e.to_string()))
}

/// Rejects filled ledger rows the scheme has no place for, before anything is written. (Field
/// codes the scheme lacks are skipped instead: see [`Filled::fields`].)
fn check_filled(scheme: &Scheme, filled: &Filled) -> Result<(), TemplateError> {
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

/// The formats of the workbook; input cells are the unlocked ones.
struct Formats {
    header: Format,
    label: Format,
    fixed: Format,
    prose: Format,
    input: Format,
    input_text: Format,
    input_date: Format,
    hidden: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let input = cell
            .clone()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF2CC));
        Formats {
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2)),
            label: cell.clone(),
            fixed: cell.clone().set_num_format("@"),
            prose: Format::new()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Top)
                .set_text_wrap(),
            input_text: input.clone().set_num_format("@"),
            input_date: input.clone().set_num_format("yyyy-mm-dd"),
            input,
            hidden: Format::new(),
        }
    }

    /// The input format for a value kind.
    fn input_for(&self, kind: ValueKind) -> &Format {
        match kind {
            ValueKind::Text | ValueKind::Choice => &self.input_text,
            ValueKind::Date => &self.input_date,
            ValueKind::Count | ValueKind::Amount | ValueKind::YesNo => &self.input,
        }
    }
}

/// Drop-down lists that cannot be literal lists (over 255 characters, or a choice with a comma
/// or quote), in scheme order; the n-th goes in column n of `_lists`.
type Lists = Vec<ListRef>;

/// One long list: which ledger column uses it, and where on `_lists` it lives.
struct ListRef {
    ledger: String,
    column: String,
    header: String,
    range: String,
    choices: Vec<String>,
}

fn long_lists(scheme: &Scheme) -> Lists {
    let mut out = Vec::new();
    for l in &scheme.ledgers {
        for c in l.columns.iter().filter(|c| c.kind == ValueKind::Choice) {
            let joined: usize = c.choices.iter().map(|s| utf16_len(s) + 1).sum();
            let literal_ok = joined.saturating_sub(1) <= LIST_LIMIT
                && !c.choices.iter().any(|s| s.contains(',') || s.contains('"'));
            if literal_ok || c.choices.is_empty() {
                continue;
            }
            let col = u16::try_from(out.len()).unwrap_or(u16::MAX);
            let last = u32::try_from(c.choices.len()).unwrap_or(u32::MAX);
            out.push(ListRef {
                ledger: l.id.clone(),
                column: c.name.clone(),
                header: format!("{}·{}", l.sheet, c.name),
                range: worksheet_range_absolute(LISTS_SHEET, 1, col, last, col),
                choices: c.choices.clone(),
            });
        }
    }
    out
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Text cut to at most `limit` UTF-16 units (Excel's limits are in those).
fn clip(s: &str, limit: usize) -> String {
    crate::text::clip_units(s, limit)
}

/// Display width in Excel units: two per CJK (wide) character, one otherwise; the widest line.
fn text_width(s: &str) -> f64 {
    crate::text::width(s) as f64
}

/// A column width fitting all `texts`, with padding, between `min` and `max`.
fn fit<'a>(texts: impl IntoIterator<Item = &'a str>, min: f64, max: f64) -> f64 {
    let w = texts.into_iter().map(text_width).fold(0.0, f64::max) + 2.0;
    w.clamp(min, max)
}

/// A row height (points) for `text` wrapped in a column of `width` units.
fn wrapped_height(text: &str, width: f64) -> f64 {
    let per_line = (width - 2.0).max(4.0);
    let lines: f64 = text
        .lines()
        .map(|l| (text_width(l) / per_line).ceil().max(1.0))
        .sum();
    lines.max(1.0) * 15.0 + 3.0
}

/// A note (comment) without the author prefix, sized to its text.
fn note(text: &str) -> Note {
    let lines: f64 = text
        .lines()
        .map(|l| (text_width(l) / 40.0).ceil().max(1.0))
        .sum();
    let height = (lines.max(1.0) * 16.0 + 12.0).min(400.0) as u32;
    Note::new(text)
        .set_author(NOTE_AUTHOR)
        .add_author_prefix(false)
        .set_width(280)
        .set_height(height)
}

/// What every visible sheet shares: frozen header, protection, A4 landscape fitted to width with
/// the header repeated on each page.
fn finish(ws: &mut Worksheet, widths: &[f64]) -> Result<(), TemplateError> {
    let sheet = ws.name();
    for (c, w) in widths.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.set_column_width(c, *w).on(&sheet)?;
    }
    ws.set_freeze_panes(1, 0).on(&sheet)?;
    ws.set_repeat_rows(0, 0).on(&sheet)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.protect();
    Ok(())
}

/// Writes a header row of locked cells.
fn header(ws: &mut Worksheet, names: &[&str], f: &Formats) -> Result<(), TemplateError> {
    let sheet = ws.name();
    for (c, name) in names.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, *name, &f.header)
            .on(&sheet)?;
    }
    Ok(())
}

/// The validation for an input of `kind`; `what` names the cell in the error message.
fn validation(
    kind: ValueKind,
    what: &str,
    col: Option<&ColumnDef>,
    lists: &Lists,
    ledger: &str,
) -> Result<Option<DataValidation>, XlsxError> {
    let max = col
        .and_then(|c| c.max)
        .filter(|m| m.is_finite() && *m >= 0.0);
    let (dv, expected) = match kind {
        ValueKind::Count => {
            let rule = match max {
                Some(m) => {
                    DataValidationRule::Between(0, m.floor().min(f64::from(i32::MAX)) as i32)
                }
                None => DataValidationRule::GreaterThanOrEqualTo(0),
            };
            let hint = match max {
                Some(m) => format!("不大于{}的非负整数", fmt_num(m)),
                None => "非负整数，如无请填0".to_string(),
            };
            (DataValidation::new().allow_whole_number(rule), hint)
        }
        ValueKind::Amount => {
            let rule = match max {
                Some(m) => DataValidationRule::Between(0.0, m),
                None => DataValidationRule::GreaterThanOrEqualTo(0.0),
            };
            let hint = match max {
                Some(m) => format!("0至{}之间的数", fmt_num(m)),
                None => "非负数（可有小数），如无请填0".to_string(),
            };
            (DataValidation::new().allow_decimal_number(rule), hint)
        }
        ValueKind::YesNo => (
            DataValidation::new().allow_list_strings(&["是", "否"])?,
            "“是”或“否”".to_string(),
        ),
        ValueKind::Date => {
            let (a, b) = (date(FIRST_DATE), date(LAST_DATE));
            let dv = DataValidation::new()
                .allow_date(DataValidationRule::Between(a, b))
                .set_input_title("日期")?
                .set_input_message("请按 yyyy-mm-dd 填写，如 2026-01-08")?;
            (dv, "日期，格式 yyyy-mm-dd，如 2026-01-08".to_string())
        }
        ValueKind::Choice => {
            let Some(col) = col else { return Ok(None) };
            let long = lists
                .iter()
                .find(|l| l.ledger == ledger && l.column == col.name);
            let dv = match long {
                Some(l) => {
                    DataValidation::new().allow_list_formula(Formula::new(format!("={}", l.range)))
                }
                None => DataValidation::new().allow_list_strings(col.choices.as_slice())?,
            };
            (dv, "下拉列表中的选项".to_string())
        }
        ValueKind::Text => return Ok(None),
    };
    let message = clip(&format!("{what}应填{expected}。"), VALIDATION_MESSAGE_LIMIT);
    Ok(Some(
        dv.set_error_title(clip("填写有误", VALIDATION_TITLE_LIMIT))?
            .set_error_message(message)?,
    ))
}

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// 填报说明: `事项 | 说明`.
fn guide(
    ws: &mut Worksheet,
    scheme: &Scheme,
    region: Option<&Region>,
    quarter: Option<Quarter>,
    hash: &str,
    f: &Formats,
) -> Result<(), TemplateError> {
    ws.set_name(GUIDE_SHEET).on(GUIDE_SHEET)?;
    header(ws, &GUIDE_HEADER, f)?;
    let late = scheme
        .deductions
        .items
        .iter()
        .find(|d| d.source == DeductionSource::Late)
        .map(|d| format!("每次扣{}分", fmt_num(d.points)))
        .unwrap_or_else(|| "按评分规则扣分".to_string());
    let ymd = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
    let mut rows: Vec<(String, String)> = vec![
        (
            "指标体系".into(),
            format!(
                "{}（编号：{}，版本：{}）",
                scheme.name, scheme.id, scheme.version
            ),
        ),
        (
            "填报地区".into(),
            match region {
                Some(r) => format!("{} {}", r.code, r.name),
                None => format!("通用空白模板：请在“{BASIC_SHEET}”中填写区划代码（6位数字）和地区名称"),
            },
        ),
        (
            "填报季度".into(),
            match quarter {
                Some(q) => format!(
                    "{}（{}），统计期间为{}至{}",
                    q.label(),
                    q,
                    ymd(q.first_day()),
                    ymd(q.last_day())
                ),
                None => format!("通用空白模板：请在“{BASIC_SHEET}”中填写季度，写作如 2025Q4"),
            },
        ),
        (
            "报送截止".into(),
            match quarter {
                Some(q) => format!(
                    "请于{}（含）前报送。填报日期晚于截止日期的为迟报，{late}。",
                    ymd(q.deadline(scheme.deadline_day))
                ),
                None => format!(
                    "每季度结束后次月{}日（含）前报送，如2025年第4季度的截止日期为{}。填报日期晚于截止日期的为迟报，{late}。",
                    scheme.deadline_day,
                    ymd(Quarter { year: 2025, q: 4 }.deadline(scheme.deadline_day))
                ),
            },
        ),
        (
            "填写方法".into(),
            "只填写浅黄色底纹的单元格（未锁定）；其他单元格已保护（无密码），请勿修改。\
             请勿增删或重命名工作表，勿修改表头、编码和列名：程序按编码和表头读取数据。\
             数值只填阿拉伯数字，不带单位、文字或公式，如无请填0；\
             日期填写为 yyyy-mm-dd（如 2026-01-08）；“是/否”和分类从下拉列表中选择。\
             鼠标停在指标名称或表头上可查看其定义（批注）。"
                .into(),
        ),
        (
            BASIC_SHEET.into(),
            if region.is_some() && quarter.is_some() {
                "区划代码、地区名称和季度已预先填写，请勿改动；请填写填报人、联系电话和填报日期（实际报送的日期）。".into()
            } else {
                "填写区划代码、地区名称、季度、填报人、联系电话和填报日期（实际报送的日期）。".into()
            },
        ),
        (
            SUMMARY_SHEET.into(),
            format!(
                "本季度各项汇总数，每个编码一行，填在“{SUMMARY_VALUE_HEADER}”列。“说明”列为指标定义；注明“不大于”某编码的，数值不得大于该编码的数值。"
            ),
        ),
        (
            WORK_SHEET.into(),
            format!(
                "每个编码一行，填在“{WORK_VALUE_HEADER}”列：是/否项目从下拉列表中选择“是”或“否”，次数项目填非负整数，如无请填0。"
            ),
        ),
    ];
    for l in &scheme.ledgers {
        let required: Vec<&str> = l
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name.as_str())
            .collect();
        let mut text = format!("{}。", l.note.trim_end_matches('。'));
        text.push_str(&format!(
            "自第2行起逐行连续填写，每行一条，最多{}行",
            scheme.ledger_rows
        ));
        if !required.is_empty() {
            text.push_str(&format!("；每行必填：{}", required.join("、")));
        }
        text.push('。');
        rows.push((l.sheet.clone(), text));
    }
    rows.push((
        "大案标准".into(),
        format!(
            "涉案货值达到{}万元（含）以上的行政处罚案件为大案。",
            fmt_num(scheme.big_case_threshold)
        ),
    ));
    rows.push(("联系方式".into(), CONTACT.into()));
    rows.push((
        "模板校验码".into(),
        format!("{hash}（由程序生成，用于核对模板版本；请勿修改隐藏的工作表）"),
    ));

    for (i, (topic, text)) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, topic, &f.label)
            .on(GUIDE_SHEET)?;
        ws.write_string_with_format(r, 1, text, &f.prose)
            .on(GUIDE_SHEET)?;
        ws.set_row_height(r, wrapped_height(text, GUIDE_TEXT_WIDTH))
            .on(GUIDE_SHEET)?;
    }
    let topics = fit(
        rows.iter()
            .map(|(t, _)| t.as_str())
            .chain([GUIDE_HEADER[0]]),
        10.0,
        30.0,
    );
    finish(ws, &[topics, GUIDE_TEXT_WIDTH])
}

/// 基本情况: `项目 | 内容`, rows 2–7.
fn basic(
    ws: &mut Worksheet,
    region: Option<&Region>,
    quarter: Option<Quarter>,
    filled: &Filled,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = BASIC_SHEET;
    ws.set_name(S).on(S)?;
    header(ws, &[BASIC_LABEL_HEADER, BASIC_VALUE_HEADER], f)?;
    let fixed_or_input = |value: Option<String>| -> (String, bool) {
        match value {
            Some(v) => (v, false),
            None => (String::new(), true),
        }
    };
    let rows: [(&str, (String, bool), &str); 5] = [
        (
            BasicRow::RegionCode.label(),
            fixed_or_input(region.map(|r| r.code.clone())),
            "GB/T 2260 六位行政区划代码，如 440100",
        ),
        (
            BasicRow::RegionName.label(),
            fixed_or_input(region.map(|r| r.name.clone())),
            "填报地区的名称，如 广州市",
        ),
        (
            BasicRow::Quarter.label(),
            fixed_or_input(quarter.map(|q| q.to_string())),
            "填报的季度，写作如 2025Q4",
        ),
        (
            BasicRow::FilledBy.label(),
            (filled.filled_by.clone(), true),
            "填报人姓名",
        ),
        (
            BasicRow::Phone.label(),
            (filled.phone.clone(), true),
            "填报人的联系电话",
        ),
    ];
    let mut texts = vec![BASIC_VALUE_HEADER.to_string()];
    for (i, (label, (value, input), definition)) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, *label, &f.label).on(S)?;
        ws.insert_note(r, 0, &note(definition)).on(S)?;
        let fmt = if *input { &f.input_text } else { &f.fixed };
        if value.is_empty() {
            ws.write_blank(r, 1, fmt).on(S)?;
        } else {
            ws.write_string_with_format(r, 1, value, fmt).on(S)?;
        }
        texts.push(value.clone());
    }
    let r = 6;
    ws.write_string_with_format(r, 0, BasicRow::FiledOn.label(), &f.label)
        .on(S)?;
    ws.insert_note(
        r,
        0,
        &note("实际报送的日期，格式 yyyy-mm-dd；晚于报送截止日期的为迟报"),
    )
    .on(S)?;
    match filled.filed_on {
        Some(d) => ws.write_date_with_format(r, 1, d, &f.input_date).on(S)?,
        None => ws.write_blank(r, 1, &f.input_date).on(S)?,
    };
    if let Some(dv) = validation(
        ValueKind::Date,
        BasicRow::FiledOn.label(),
        None,
        &Vec::new(),
        "",
    )
    .on(S)?
    {
        ws.add_data_validation(r, 1, r, 1, &dv).on(S)?;
    }
    let widths = [
        fit([BasicRow::Phone.label()], 12.0, 20.0),
        fit(texts.iter().map(String::as_str), 24.0, 50.0),
    ];
    finish(ws, &widths)
}

/// Writes one field's input cell from `filled`, or a blank input cell.
fn field_value(
    ws: &mut Worksheet,
    sheet: &str,
    r: u32,
    c: u16,
    def: &FieldDef,
    filled: &Filled,
    f: &Formats,
) -> Result<(), TemplateError> {
    let fmt = &f.input;
    if let Some(t) = filled.field_text.get(&def.code) {
        ws.write_string_with_format(r, c, t, fmt).on(sheet)?;
    } else if let Some(&v) = filled.fields.get(&def.code) {
        if !v.is_finite() {
            return Err(TemplateError::NotFinite {
                sheet: sheet.to_string(),
                cell: rust_xlsxwriter::row_col_to_cell(r, c),
                value: v,
            });
        }
        let yes_no = match (def.kind, v) {
            (ValueKind::YesNo, 1.0) => Some("是"),
            (ValueKind::YesNo, 0.0) => Some("否"),
            _ => None,
        };
        match yes_no {
            Some(t) => ws.write_string_with_format(r, c, t, fmt).on(sheet)?,
            None => ws.write_number_with_format(r, c, v, fmt).on(sheet)?,
        };
    } else {
        ws.write_blank(r, c, fmt).on(sheet)?;
    }
    if let Some(dv) = validation(
        def.kind,
        &format!("{}（{}）", def.code, def.name),
        None,
        &Vec::new(),
        "",
    )
    .on(sheet)?
    {
        ws.add_data_validation(r, c, r, c, &dv).on(sheet)?;
    }
    Ok(())
}

/// 汇总指标: `编码 | 指标名称 | 单位 | 本季度数值 | 说明`, one row per field from row 2.
fn summary(
    ws: &mut Worksheet,
    fields: &[FieldDef],
    filled: &Filled,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = SUMMARY_SHEET;
    ws.set_name(S).on(S)?;
    header(ws, &SUMMARY_HEADER, f)?;
    ws.insert_note(
        0,
        3,
        &note("填写本季度数值：件、人为非负整数，万元可有小数；如无请填0，不要留空"),
    )
    .on(S)?;
    let explain = |d: &FieldDef| -> String {
        let mut s = d.note.clone();
        if let Some(le) = &d.le {
            if !s.contains(&format!("不大于{le}")) {
                if !s.is_empty() {
                    s.push('，');
                }
                s.push_str(&format!("不大于{le}"));
            }
        }
        s
    };
    let notes: Vec<String> = fields.iter().map(explain).collect();
    let note_width = fit(notes.iter().map(String::as_str), 20.0, NOTE_COLUMN_MAX);
    for (i, (d, text)) in fields.iter().zip(&notes).enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, &d.code, &f.label).on(S)?;
        ws.write_string_with_format(r, 1, &d.name, &f.label).on(S)?;
        ws.insert_note(r, 1, &note(&format!("{} {}：{}", d.code, d.name, text)))
            .on(S)?;
        ws.write_string_with_format(r, 2, &d.unit, &f.label).on(S)?;
        field_value(ws, S, r, 3, d, filled, f)?;
        ws.write_string_with_format(r, 4, text, &f.prose).on(S)?;
        if text_width(text) + 2.0 > note_width {
            ws.set_row_height(r, wrapped_height(text, note_width))
                .on(S)?;
        }
    }
    let widths = [
        fit(
            fields
                .iter()
                .map(|d| d.code.as_str())
                .chain([SUMMARY_HEADER[0]]),
            6.0,
            12.0,
        ),
        fit(
            fields
                .iter()
                .map(|d| d.name.as_str())
                .chain([SUMMARY_HEADER[1]]),
            12.0,
            50.0,
        ),
        fit(
            fields
                .iter()
                .map(|d| d.unit.as_str())
                .chain([SUMMARY_HEADER[2]]),
            6.0,
            12.0,
        ),
        fit([SUMMARY_VALUE_HEADER], 14.0, 20.0),
        note_width,
    ];
    finish(ws, &widths)
}

/// 工作情况: `编码 | 项目 | 填报值`, one row per work item from row 2.
fn work(
    ws: &mut Worksheet,
    items: &[FieldDef],
    filled: &Filled,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = WORK_SHEET;
    ws.set_name(S).on(S)?;
    header(ws, &WORK_HEADER, f)?;
    ws.insert_note(
        0,
        2,
        &note("是/否项目从下拉列表中选择“是”或“否”；次数项目填非负整数，如无请填0"),
    )
    .on(S)?;
    for (i, d) in items.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, &d.code, &f.label).on(S)?;
        ws.write_string_with_format(r, 1, &d.name, &f.label).on(S)?;
        let definition = if d.note.is_empty() {
            d.kind.describe().to_string()
        } else {
            d.note.clone()
        };
        ws.insert_note(
            r,
            1,
            &note(&format!("{} {}：{}", d.code, d.name, definition)),
        )
        .on(S)?;
        field_value(ws, S, r, 2, d, filled, f)?;
    }
    let widths = [
        fit(
            items
                .iter()
                .map(|d| d.code.as_str())
                .chain([WORK_HEADER[0]]),
            6.0,
            12.0,
        ),
        fit(
            items
                .iter()
                .map(|d| d.name.as_str())
                .chain([WORK_HEADER[1]]),
            12.0,
            60.0,
        ),
        fit([WORK_VALUE_HEADER], 12.0, 20.0),
    ];
    finish(ws, &widths)
}

/// A ledger sheet: its columns as the header, input rows 2..=ledger_rows+1 (more if `rows` has
/// more).
fn ledger(
    ws: &mut Worksheet,
    def: &LedgerDef,
    rows: &[Vec<Cell>],
    ledger_rows: u32,
    lists: &Lists,
    f: &Formats,
) -> Result<(), TemplateError> {
    let s = def.sheet.as_str();
    ws.set_name(s).on(s)?;
    let names: Vec<&str> = def.columns.iter().map(|c| c.name.as_str()).collect();
    header(ws, &names, f)?;
    let area = ledger_rows.max(u32::try_from(rows.len()).unwrap_or(u32::MAX));
    let mut widths = Vec::with_capacity(def.columns.len());
    for (c, col) in def.columns.iter().enumerate() {
        let ci = u16::try_from(c).unwrap_or(u16::MAX);
        ws.insert_note(0, ci, &note(&column_note(col))).on(s)?;
        let fmt = f.input_for(col.kind);
        for r in 0..area {
            let cell = rows
                .get(r as usize)
                .and_then(|row| row.get(c))
                .unwrap_or(&Cell::Empty);
            write_cell(ws, s, r + 1, ci, cell, fmt, f)?;
        }
        if let Some(dv) = validation(
            col.kind,
            &format!("“{}”", col.name),
            Some(col),
            lists,
            &def.id,
        )
        .on(s)?
        {
            ws.add_data_validation(1, ci, area, ci, &dv).on(s)?;
        }
        let min = match col.kind {
            ValueKind::Text => 16.0,
            ValueKind::Date => 12.0,
            ValueKind::Count | ValueKind::Amount => 10.0,
            ValueKind::YesNo => 8.0,
            ValueKind::Choice => fit(col.choices.iter().map(String::as_str), 8.0, 40.0) + 2.0,
        };
        widths.push(fit([col.name.as_str()], min, 40.0));
    }
    finish(ws, &widths)
}

/// A ledger header's note: the definition, the kind and the constraints.
fn column_note(col: &ColumnDef) -> String {
    let mut s = format!("{}：", col.name);
    if !col.note.is_empty() {
        s.push_str(col.note.trim_end_matches('。'));
        s.push('。');
    }
    s.push_str(&format!("填写{}", col.kind.describe()));
    if col.kind == ValueKind::Date {
        s.push_str("（yyyy-mm-dd）");
    }
    if col.required {
        s.push_str("，必填");
    }
    if col.key {
        s.push_str("，不得重复");
    }
    if col.in_quarter {
        s.push_str("，应在本季度内");
    }
    if let Some(m) = col.max {
        s.push_str(&format!("，不大于{}", fmt_num(m)));
    }
    s.push('。');
    if col.kind == ValueKind::Choice && !col.choices.is_empty() {
        s.push_str(&format!("可选：{}。", col.choices.join("、")));
    }
    s
}

/// Writes one ledger cell as its value says.
fn write_cell(
    ws: &mut Worksheet,
    sheet: &str,
    r: u32,
    c: u16,
    cell: &Cell,
    fmt: &Format,
    f: &Formats,
) -> Result<(), TemplateError> {
    match cell {
        Cell::Empty => ws.write_blank(r, c, fmt).on(sheet)?,
        Cell::Number(v) => {
            if !v.is_finite() {
                return Err(TemplateError::NotFinite {
                    sheet: sheet.to_string(),
                    cell: rust_xlsxwriter::row_col_to_cell(r, c),
                    value: *v,
                });
            }
            ws.write_number_with_format(r, c, *v, fmt).on(sheet)?
        }
        Cell::Text(t) => ws.write_string_with_format(r, c, t, fmt).on(sheet)?,
        Cell::Date(d) => ws
            .write_date_with_format(r, c, d, &f.input_date)
            .on(sheet)?,
        Cell::YesNo(b) => ws
            .write_string_with_format(r, c, if *b { "是" } else { "否" }, fmt)
            .on(sheet)?,
    };
    Ok(())
}

/// `_meta` (hidden): `key | value`.
fn meta(
    ws: &mut Worksheet,
    scheme: &Scheme,
    hash: &str,
    region: Option<&Region>,
    quarter: Option<Quarter>,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = META_SHEET;
    ws.set_name(S).on(S)?;
    header(ws, &META_HEADER, f)?;
    let rows = [
        (MetaKey::SchemeId, scheme.id.clone()),
        (MetaKey::SchemeVersion, scheme.version.clone()),
        (MetaKey::TemplateHash, hash.to_string()),
        (
            MetaKey::RegionCode,
            region.map(|r| r.code.clone()).unwrap_or_default(),
        ),
        (
            MetaKey::Quarter,
            quarter.map(|q| q.to_string()).unwrap_or_default(),
        ),
    ];
    for (i, (key, value)) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, key.key(), &f.hidden)
            .on(S)?;
        if !value.is_empty() {
            ws.write_string_with_format(r, 1, value, &f.hidden).on(S)?;
        }
    }
    ws.set_column_width(0, 18).on(S)?;
    ws.set_column_width(1, 24).on(S)?;
    ws.set_hidden(true);
    ws.protect();
    Ok(())
}

/// `_lists` (hidden): one column per long drop-down list, header in row 1.
fn list_sheet(ws: &mut Worksheet, lists: &Lists, f: &Formats) -> Result<(), TemplateError> {
    const S: &str = LISTS_SHEET;
    ws.set_name(S).on(S)?;
    for (c, l) in lists.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, &l.header, &f.hidden)
            .on(S)?;
        for (r, choice) in l.choices.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write_string_with_format(r, c, choice, &f.hidden).on(S)?;
        }
        let width = fit(
            l.choices
                .iter()
                .map(String::as_str)
                .chain([l.header.as_str()]),
            8.0,
            60.0,
        );
        ws.set_column_width(c, width).on(S)?;
    }
    ws.set_hidden(true);
    ws.protect();
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
    fn hash_is_stable_and_short() {
        let a = template_hash(&builtin());
        let b = template_hash(&builtin());
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");
    }

    #[test]
    fn hash_changes_with_a_ledger_column_name() {
        let text = BUILTIN_SCHEME.replacen("\"接收公安机关\"", "\"接收单位\"", 1);
        let changed = Scheme::from_toml(&text).unwrap();
        assert_ne!(template_hash(&builtin()), template_hash(&changed));
    }

    #[test]
    fn hash_ignores_what_does_not_shape_the_workbook() {
        let text = BUILTIN_SCHEME.replacen("deadline_day = 10", "deadline_day = 15", 1);
        let changed = Scheme::from_toml(&text).unwrap();
        assert_eq!(template_hash(&builtin()), template_hash(&changed));
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

    #[test]
    fn widths_count_cjk_twice() {
        assert_eq!(text_width("ab"), 2.0);
        assert_eq!(text_width("大案"), 4.0);
        assert_eq!(text_width("短\n很长的一行"), 10.0);
        assert_eq!(clip("一二三", 2), "一二");
    }
}
