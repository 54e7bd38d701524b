//! Data validation of input cells, and the drop-down lists too long to be literal lists (which
//! live on the hidden `_lists` sheet).

use crate::contract::LISTS_SHEET;
use crate::scheme::{ColumnDef, Scheme, ValueKind};
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

/// The validation for an input of `kind`; `what` names the cell in the error message.
pub(super) fn validation(
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
