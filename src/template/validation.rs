//! Data validation of input cells, and the drop-down lists too long to be literal lists (which
//! live on the hidden `_lists` sheet).

use crate::contract::LISTS_SHEET;
use crate::scheme::{ColumnDef, FieldDef, Scheme, ValueKind};
use crate::text::fmt_num;
use chrono::NaiveDate;
use rust_xlsxwriter::{
    worksheet_range_absolute, DataValidation, DataValidationRule, Formula, XlsxError,
};

/// Excel's limit for a literal drop-down list, in UTF-16 units including the commas.
const LIST_LIMIT: usize = 255;
/// Excel's limits for data validation texts.
const VALIDATION_TITLE_LIMIT: usize = 32;
const VALIDATION_MESSAGE_LIMIT: usize = 255;
/// The dates a date cell accepts (the years `Quarter` accepts).
const FIRST_DATE: (i32, u32, u32) = (1990, 1, 1);
const LAST_DATE: (i32, u32, u32) = (2200, 12, 31);

/// Drop-down lists that cannot be literal lists (over 255 characters, or a choice with a comma
/// or quote), in scheme order; the n-th goes in column n of `_lists`.
pub(super) type Lists = Vec<ListRef>;

/// One long list: which ledger column uses it, and where on `_lists` it lives.
pub(super) struct ListRef {
    pub(super) ledger: String,
    pub(super) column: String,
    pub(super) header: String,
    pub(super) range: String,
    pub(super) choices: Vec<String>,
}

pub(super) fn long_lists(scheme: &Scheme) -> Lists {
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
pub(super) fn clip(s: &str, limit: usize) -> String {
    crate::text::clip_units(s, limit)
}

/// The validation for an input of `kind`; `what` names the cell in the error message, `unit`
/// (may be empty) goes into the input message, `col` is the ledger column (`None` for a field of
/// 汇总指标 or 工作情况).
pub(super) fn validation(
    kind: ValueKind,
    what: &str,
    unit: &str,
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
            let dv = DataValidation::new().allow_date(DataValidationRule::Between(a, b));
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
    let message = format!("{what}应填{expected}。");
    let (title, prompt) = prompt(kind, unit, max, col.is_none(), None);
    Ok(Some(texts(dv, "填写有误", &message, title, &prompt)?))
}

/// A field that may not exceed another (`le` in the scheme): where the whole's value is, as a
/// reference from the part's cell (`D2`, or `'工作情况'!$C$5` on another sheet), and how to
/// name it.
pub(super) struct Whole<'a> {
    pub(super) reference: String,
    pub(super) def: &'a FieldDef,
}

/// The validation of a field's input cell at `cell` (A1, on its own sheet). A field with a whole
/// (`le`) gets one custom rule that holds both its own check (a number ≥ 0, whole for a count)
/// and "not above the whole", since a cell has only one validation; a blank part is not
/// checked, and a whole that is blank or not a number does not make the part invalid (the whole
/// gets its own message).
pub(super) fn field_validation(
    def: &FieldDef,
    cell: &str,
    whole: Option<&Whole>,
) -> Result<Option<DataValidation>, XlsxError> {
    let what = format!("{}（{}）", def.code, def.name);
    let whole = whole.filter(|w| {
        matches!(def.kind, ValueKind::Count | ValueKind::Amount)
            && matches!(w.def.kind, ValueKind::Count | ValueKind::Amount)
    });
    let Some(w) = whole else {
        return validation(def.kind, &what, &def.unit, None, &Vec::new(), "");
    };
    let whole_what = format!("{}（{}）", w.def.code, w.def.name);
    let x = cell;
    let y = w.reference.as_str();
    let own = match def.kind {
        ValueKind::Count => format!("ISNUMBER({x}),{x}>=0,{x}=INT({x})"),
        _ => format!("ISNUMBER({x}),{x}>=0"),
    };
    let formula = format!("=AND({own},OR(NOT(ISNUMBER({y})),{x}<={y}))");
    let expected = match def.kind {
        ValueKind::Count => "非负整数",
        _ => "非负数（可有小数）",
    };
    let message = format!("{what}应填{expected}，且不能大于{whole_what}。");
    let (title, prompt) = prompt(def.kind, &def.unit, None, true, Some(&w.def.code));
    let dv = DataValidation::new()
        .allow_custom(Formula::new(formula))
        .ignore_blank(true);
    Ok(Some(texts(dv, "填写有误", &message, title, &prompt)?))
}

/// Error and input texts, clipped to Excel's limits.
fn texts(
    dv: DataValidation,
    error_title: &str,
    error: &str,
    title: &str,
    prompt: &str,
) -> Result<DataValidation, XlsxError> {
    dv.set_error_title(clip(error_title, VALIDATION_TITLE_LIMIT))?
        .set_error_message(clip(error, VALIDATION_MESSAGE_LIMIT))?
        .set_input_title(clip(title, VALIDATION_TITLE_LIMIT))?
        .set_input_message(clip(prompt, VALIDATION_MESSAGE_LIMIT))
}

/// The input message shown when the cell is selected: a title and what to enter. `field` is a
/// field of 汇总指标 or 工作情况 (which are never left blank: "如无请填0"), not a ledger cell;
/// `at_most` the code of the field it may not exceed.
pub(super) fn prompt(
    kind: ValueKind,
    unit: &str,
    max: Option<f64>,
    field: bool,
    at_most: Option<&str>,
) -> (&'static str, String) {
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!("（单位：{unit}）")
    };
    let mut tail = String::new();
    if let Some(code) = at_most {
        tail.push_str(&format!("，不得大于{code}"));
    }
    if field {
        tail.push_str("，如无请填0");
    }
    match kind {
        ValueKind::Count => {
            let what = match max {
                Some(m) => format!("不大于{}的非负整数", fmt_num(m)),
                None => "非负整数".to_string(),
            };
            ("填写整数", format!("请填写{what}{unit}{tail}。"))
        }
        ValueKind::Amount => {
            let what = match max {
                Some(m) => format!("0至{}之间的数", fmt_num(m)),
                None => "非负数，可有小数".to_string(),
            };
            ("填写数值", format!("请填写{what}{unit}{tail}。"))
        }
        ValueKind::YesNo => ("选择是或否", "请从下拉列表中选择“是”或“否”。".to_string()),
        ValueKind::Date => ("日期", "请按 yyyy-mm-dd 填写，如 2026-01-08".to_string()),
        ValueKind::Choice => ("选择", "请从下拉列表中选择。".to_string()),
        ValueKind::Text => ("", String::new()),
    }
}

/// The unit in a ledger header's trailing parentheses: `重量（千克）` → `千克`; empty when none.
pub(super) fn unit_of(header: &str) -> &str {
    header
        .strip_suffix('）')
        .and_then(|h| h.rfind('（').map(|i| &h[i + '（'.len_utf8()..]))
        .unwrap_or("")
}

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_come_from_a_header_s_trailing_parentheses() {
        assert_eq!(unit_of("重量（千克）"), "千克");
        assert_eq!(unit_of("货值（万元）"), "万元");
        assert_eq!(unit_of("数量"), "");
        assert_eq!(unit_of("（千克"), "");
    }

    #[test]
    fn prompts_follow_kind_unit_and_whole() {
        let p = |kind, unit, max, field, le| prompt(kind, unit, max, field, le);
        assert_eq!(
            p(ValueKind::Count, "件", None, true, Some("S01")),
            (
                "填写整数",
                "请填写非负整数（单位：件），不得大于S01，如无请填0。".to_string()
            )
        );
        assert_eq!(
            p(ValueKind::Count, "", Some(99.0), false, None),
            ("填写整数", "请填写不大于99的非负整数。".to_string())
        );
        assert_eq!(
            p(ValueKind::Amount, "万元", None, true, None),
            (
                "填写数值",
                "请填写非负数，可有小数（单位：万元），如无请填0。".to_string()
            )
        );
        // A long unit is clipped to Excel's limit instead of refused.
        let long = "长".repeat(300);
        let (title, message) = p(ValueKind::Amount, &long, None, true, None);
        let dv = texts(DataValidation::new(), "填写有误", &message, title, &message);
        assert!(dv.is_ok());
    }
}
