//! An indicator's value in words: the field, the ratio of ledger counts or sums with their
//! filters, or the column of 省级评定.csv.

use crate::scheme::{Quantity, Scheme, ValueDef, ValueKind};
use crate::text::fmt_num;

/// "S01 侵权假冒行政处罚案件数".
pub(super) fn field_label(s: &Scheme, code: &str) -> String {
    match s.field(code) {
        Some(f) => format!("{} {}", f.code, f.name),
        None => code.to_string(),
    }
}

/// How an indicator's value is computed, in words.
pub(in crate::report) fn describe_value(s: &Scheme, v: &ValueDef) -> String {
    match v {
        ValueDef::Field { field } => {
            let yes_no = s.field(field).is_some_and(|f| f.kind == ValueKind::YesNo);
            if yes_no {
                format!("{}（是=1，否=0）", field_label(s, field))
            } else {
                field_label(s, field)
            }
        }
        ValueDef::PerUnit { field } => {
            let unit = if (s.per_unit - 10_000.0).abs() < 1e-9 {
                "万户".to_string()
            } else {
                format!("{}户", fmt_num(s.per_unit))
            };
            format!("{} ÷ 市场主体数（{}）", field_label(s, field), unit)
        }
        ValueDef::ShareNonzero { fields } => {
            format!("{}中大于0的项数 ÷ {}", fields.join("、"), fields.len())
        }
        ValueDef::Ratio {
            numerator,
            denominator,
        } => format!(
            "{} ÷ {}，不超过100%",
            describe_quantity(s, numerator),
            describe_quantity(s, denominator)
        ),
        ValueDef::Province { column, divide_by } => {
            format!("{}“{}” ÷ {}", s.province.file, column, fmt_num(*divide_by))
        }
    }
}

/// A numerator or denominator in words: a field, or a count or sum over ledger rows.
fn describe_quantity(s: &Scheme, q: &Quantity) -> String {
    if let Some(f) = &q.field {
        return field_label(s, f);
    }
    let Some(id) = &q.ledger else {
        return String::new();
    };
    let sheet = s.ledger(id).map_or(id.as_str(), |l| l.sheet.as_str());
    let what = match &q.sum {
        Some(col) => format!("{sheet}“{col}”合计"),
        None => format!("{sheet}行数"),
    };
    let conditions: Vec<String> = q
        .filter
        .iter()
        .map(|f| {
            if let Some(v) = &f.equals {
                format!("{}为“{}”", f.column, v)
            } else if f.not_empty {
                format!("{}已填", f.column)
            } else if f.in_quarter {
                format!("{}在本季度内", f.column)
            } else if let Some(days) = f.within_working_days {
                format!(
                    "{}在{}后{}个工作日内",
                    f.column,
                    f.from.as_deref().unwrap_or(""),
                    days
                )
            } else {
                f.column.clone()
            }
        })
        .collect();
    if conditions.is_empty() {
        what
    } else {
        format!("{what}（{}）", conditions.join("且"))
    }
}
