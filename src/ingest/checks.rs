//! Checks across fields and sheets of one submission: a part above its whole, ledger rows that
//! disagree with the summary, a template from another scheme, a region or quarter that does not
//! match.

use crate::contract::{BASIC_SHEET, META_SHEET};
use crate::problem::{Kind, Problem, Source};
use crate::quarter::Quarter;
use crate::registry::Registry;
use crate::scheme::{LedgerDef, Scheme};
use crate::submission::Ledger;
use crate::submission::Submission;
use crate::text::fmt_num;

/// Adds the cross-checks' problems to the submission; `differs`: the template's contract is not
/// the scheme's (`fingerprint::same_contract`).
pub fn run(
    sub: &mut Submission,
    scheme: &Scheme,
    registry: &Registry,
    quarter: Quarter,
    differs: bool,
) {
    let mut found = Vec::new();
    for def in scheme.fields.iter().chain(scheme.work_items.iter()) {
        let (Some(le), Some(v)) = (&def.le, sub.fields.get(&def.code)) else {
            continue;
        };
        if let Some(whole) = sub.field(le) {
            if v.value > whole {
                found.push(Problem::error(
                    Kind::Inconsistent,
                    v.source.clone(),
                    format!(
                        "{}（{}）为{}，大于{}（{}）",
                        def.code,
                        def.name,
                        fmt_num(v.value),
                        le,
                        fmt_num(whole)
                    ),
                ));
            }
        }
    }
    for def in &scheme.ledgers {
        if let Some(ledger) = sub.ledgers.get(&def.id) {
            found.extend(ledger_totals(scheme, sub, def, ledger));
        }
    }

    let file = sub.file.clone();
    let whole = |sheet: &str| Source::new(&file, sheet, "");
    let meta = &sub.meta;
    if meta.scheme_id.is_empty() {
        found.push(Problem::warning(
            Kind::Template,
            whole(META_SHEET),
            format!(
                "缺少隐藏工作表{META_SHEET}，无法核对模板版本，请使用{}下发的模板",
                scheme.office.short()
            ),
        ));
    } else if differs {
        found.push(Problem::warning(
            Kind::Template,
            whole(META_SHEET),
            format!(
                "模板属于指标体系{}（版本{}），其填报内容与本次评分所用{}（版本{}）不同；已按评分方案读取，\
                 缺少的字段和列、评分方案没有的字段和列另行列出，评分需要而缺少的为错误",
                meta.scheme_id, meta.scheme_version, scheme.id, scheme.version
            ),
        ));
    }
    if !sub.region_code.is_empty() {
        if registry.get(&sub.region_code).is_none() {
            found.push(Problem::error(
                Kind::Region,
                whole(BASIC_SHEET),
                format!("区划代码{}不在地区名录中", sub.region_code),
            ));
        }
        if !meta.region_code.is_empty() && meta.region_code != sub.region_code {
            found.push(Problem::error(
                Kind::Region,
                whole(BASIC_SHEET),
                format!(
                    "区划代码{}与模板所属地区{}不一致",
                    sub.region_code, meta.region_code
                ),
            ));
        }
    }
    if let Some(q) = sub.quarter {
        if q != quarter {
            found.push(Problem::error(
                Kind::Quarter,
                whole(BASIC_SHEET),
                format!("季度为{q}，与本次评分季度{quarter}不一致"),
            ));
        }
    }
    sub.problems.extend(found);
}

/// A ledger's row count and column sums against the summary fields the scheme ties them to.
fn ledger_totals(
    scheme: &Scheme,
    sub: &Submission,
    def: &LedgerDef,
    ledger: &Ledger,
) -> Vec<Problem> {
    let mut found = Vec::new();
    let n = ledger.rows.len();
    let field = |code: &Option<String>| {
        let code = code.as_ref()?;
        Some((code.clone(), sub.fields.get(code)?))
    };
    if let Some((code, v)) = field(&def.rows_equal) {
        if (n as f64 - v.value).abs() > 1e-9 {
            found.push(Problem::error(
                Kind::Inconsistent,
                v.source.clone(),
                format!(
                    "{}为{}，与{}的{}行记录不一致",
                    scheme.item(&code),
                    fmt_num(v.value),
                    def.sheet,
                    n
                ),
            ));
        }
    }
    if let Some((code, v)) = field(&def.rows_at_most) {
        if n as f64 > v.value + 1e-9 {
            found.push(Problem::error(
                Kind::Inconsistent,
                v.source.clone(),
                format!(
                    "{}为{}，少于{}的{}行记录（台账记录数不应超过该项）",
                    scheme.item(&code),
                    fmt_num(v.value),
                    def.sheet,
                    n
                ),
            ));
        }
    }
    for check in &def.sums_equal {
        let (Some(v), Some(col)) = (
            sub.fields.get(&check.field),
            def.columns.iter().position(|c| c.name == check.column),
        ) else {
            continue;
        };
        let sum: f64 = ledger
            .rows
            .iter()
            .filter_map(|r| ledger.cell(r, col).as_number())
            .sum();
        // Amounts are kept to the cent; anything closer is rounding.
        if (sum - v.value).abs() > 0.005 + 1e-9 * v.value.abs() {
            found.push(Problem::error(
                Kind::Inconsistent,
                v.source.clone(),
                format!(
                    "{}为{}，与{}“{}”列合计{}不一致",
                    scheme.item(&check.field),
                    fmt_num(v.value),
                    def.sheet,
                    check.column,
                    fmt_num((sum * 100.0).round() / 100.0)
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submission::{Cell, FieldValue, LedgerRow};

    fn field(code: &str, value: f64, cell: &str) -> (String, FieldValue) {
        (
            code.to_string(),
            FieldValue {
                value,
                source: Source::new("f.xlsx", "汇总指标", cell),
            },
        )
    }

    /// The default transfer ledger (7 columns) with `n` rows; no amounts in it, so the sums
    /// test uses the destruction ledger's 重量（千克） (column 5).
    fn ledger(sheet: &str, width: usize, values: &[f64], col: usize) -> Ledger {
        Ledger {
            sheet: sheet.to_string(),
            columns: (0..width as u32).collect(),
            rows: values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let mut cells = vec![Cell::Empty; width];
                    cells[col] = Cell::Number(*v);
                    LedgerRow {
                        row: i as u32 + 2,
                        cells,
                    }
                })
                .collect(),
            held: None,
        }
    }

    #[test]
    fn ledger_rows_and_sums_against_the_summary() {
        let mut scheme = Scheme::builtin().unwrap();
        let at = scheme
            .ledgers
            .iter()
            .position(|l| l.id == "destruction")
            .unwrap();
        scheme.ledgers[at].sums_equal = vec![crate::scheme::SumEqual {
            column: "重量（千克）".into(),
            field: "S03".into(),
        }];
        assert!(scheme.validate().is_empty(), "{:?}", scheme.validate());
        let transfer = scheme.ledger("transfer").unwrap().clone();
        let destruction = scheme.ledger("destruction").unwrap().clone();

        let mut sub = Submission {
            fields: [field("S20", 2.0, "D19"), field("S03", 10.5, "D4")].into(),
            ..Submission::default()
        };
        // Three transfers against S20 = 2; weights 4.2 + 6.2 = 10.4 against S03 = 10.5.
        let t = ledger("移送台账", transfer.columns.len(), &[1.0, 1.0, 1.0], 0);
        let d = ledger("销毁台账", destruction.columns.len(), &[4.2, 6.2], 4);
        let mut found = ledger_totals(&scheme, &sub, &transfer, &t);
        found.extend(ledger_totals(&scheme, &sub, &destruction, &d));
        let shown: Vec<String> = found.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            [
                "f.xlsx 汇总指标!D19：S20（达到刑事追诉标准的案件数）为2，少于移送台账的3行记录（台账记录数不应超过该项）",
                "f.xlsx 汇总指标!D4：S03（涉案货值）为10.5，与销毁台账“重量（千克）”列合计10.4不一致",
            ]
        );

        // Within a cent, and at most as many transfers as S20: nothing.
        sub.fields = [field("S20", 3.0, "D19"), field("S03", 10.404, "D4")].into();
        assert!(ledger_totals(&scheme, &sub, &transfer, &t).is_empty());
        assert!(ledger_totals(&scheme, &sub, &destruction, &d).is_empty());
    }
}
