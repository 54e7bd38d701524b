//! Validation of what an indicator's value refers to: fields, ledgers, their columns and
//! filters, and the columns of 省级评定.csv.

use super::{Quantity, Scheme, ValueDef, ValueKind};
use std::collections::{BTreeSet, HashMap};

impl Scheme {
    pub(super) fn validate_value(
        &self,
        key: &str,
        value: &ValueDef,
        codes: &BTreeSet<&str>,
        province_cols: &HashMap<&str, ValueKind>,
        p: &mut Vec<String>,
    ) {
        let missing = |f: &str| !codes.contains(f);
        match value {
            ValueDef::Field { field } | ValueDef::PerUnit { field } => {
                if missing(field) {
                    p.push(format!("{key}.value.field：字段 {field} 不存在"));
                }
            }
            ValueDef::ShareNonzero { fields } => {
                if fields.is_empty() {
                    p.push(format!("{key}.value.fields：不能为空"));
                }
                for f in fields.iter().filter(|f| missing(f)) {
                    p.push(format!("{key}.value.fields：字段 {f} 不存在"));
                }
            }
            ValueDef::Ratio {
                numerator,
                denominator,
            } => {
                self.validate_quantity(&format!("{key}.value.numerator"), numerator, codes, p);
                self.validate_quantity(&format!("{key}.value.denominator"), denominator, codes, p);
            }
            ValueDef::Province { column, divide_by } => {
                if !matches!(
                    province_cols.get(column.as_str()),
                    Some(ValueKind::Amount | ValueKind::Count)
                ) {
                    p.push(format!(
                        "{key}.value.column：省级评定.csv 没有数值列 {column}"
                    ));
                }
                if !divide_by.is_finite() || *divide_by <= 0.0 {
                    p.push(format!("{key}.value.divide_by：应为正数"));
                }
            }
        }
    }

    pub(super) fn validate_quantity(
        &self,
        key: &str,
        q: &Quantity,
        codes: &BTreeSet<&str>,
        p: &mut Vec<String>,
    ) {
        match (&q.field, &q.ledger) {
            (Some(f), None) => {
                if !codes.contains(f.as_str()) {
                    p.push(format!("{key}.field：字段 {f} 不存在"));
                }
                if q.sum.is_some() || !q.filter.is_empty() {
                    p.push(format!("{key}：sum 和 filter 只能用于台账"));
                }
            }
            (None, Some(l)) => {
                let Some(ledger) = self.ledger(l) else {
                    p.push(format!("{key}.ledger：台账 {l} 不存在"));
                    return;
                };
                let col = |name: &str| ledger.columns.iter().find(|c| c.name == name);
                if let Some(s) = &q.sum {
                    match col(s) {
                        Some(c) if matches!(c.kind, ValueKind::Amount | ValueKind::Count) => {}
                        Some(_) => p.push(format!("{key}.sum：列 {s} 不是数值列")),
                        None => p.push(format!("{key}.sum：台账 {} 没有列 {s}", ledger.sheet)),
                    }
                }
                for f in &q.filter {
                    let Some(c) = col(&f.column) else {
                        p.push(format!(
                            "{key}.filter：台账 {} 没有列 {}",
                            ledger.sheet, f.column
                        ));
                        continue;
                    };
                    let conditions = usize::from(f.equals.is_some())
                        + usize::from(f.not_empty)
                        + usize::from(f.in_quarter)
                        + usize::from(f.within_working_days.is_some());
                    if conditions != 1 {
                        p.push(format!(
                            "{key}.filter（{}）：应且只应有 equals、not_empty、in_quarter、within_working_days 之一",
                            f.column
                        ));
                    }
                    if (f.in_quarter || f.within_working_days.is_some())
                        && c.kind != ValueKind::Date
                    {
                        p.push(format!("{key}.filter（{}）：不是日期列", f.column));
                    }
                    if let Some(days) = f.within_working_days {
                        if days < 0 {
                            p.push(format!(
                                "{key}.filter（{}）：within_working_days 应为非负数",
                                f.column
                            ));
                        }
                        match f.from.as_deref().and_then(col) {
                            Some(fc) if fc.kind == ValueKind::Date => {}
                            _ => p.push(format!(
                                "{key}.filter（{}）：within_working_days 需要 from 指向一个日期列",
                                f.column
                            )),
                        }
                    }
                }
            }
            _ => p.push(format!("{key}：应且只应指定 field 或 ledger 之一")),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scheme::{Scheme, BUILTIN_SCHEME};

    #[test]
    fn reference_to_missing_field_is_named() {
        let text = BUILTIN_SCHEME.replacen(
            "numerator = { field = \"S21\" }",
            "numerator = { field = \"S99\" }",
            1,
        );
        let err = Scheme::from_toml(&text).unwrap_err().to_string();
        assert!(
            err.contains("indicators.C3.value.numerator.field：字段 S99 不存在"),
            "{err}"
        );
    }

    #[test]
    fn missing_ledger_column_in_filter_is_named() {
        let text = BUILTIN_SCHEME.replacen("column = \"是否立案\"", "column = \"是否批捕\"", 1);
        let err = Scheme::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("没有列 是否批捕"), "{err}");
    }
}
