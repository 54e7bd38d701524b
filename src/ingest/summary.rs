//! 汇总指标 and 工作情况: one row per field, found by its 编码, never by row number.

use super::cells::{self, Read};
use super::workbook::Grid;
use crate::contract::CODE_HEADER;
use crate::problem::{a1, Kind, Problem, Source};
use crate::scheme::{FieldDef, ValueKind};
use crate::submission::{FieldValue, Submission};
use std::collections::{BTreeMap, BTreeSet};

/// Reads the fields of one sheet: `value_header` is 本季度数值 or 填报值. `needed`: the fields
/// scoring or a check reads ([`crate::scheme::Scheme::scored_fields`]); `differs`: the
/// template's contract is not the scoring scheme's, so a field no rule reads may be missing (a
/// warning) and a code the scheme does not know is named.
pub fn read(
    grid: &Grid,
    (defs, needed): (&[FieldDef], &BTreeSet<String>),
    value_header: &str,
    differs: bool,
    sub: &mut Submission,
) {
    let sheet = grid.name.clone();
    let file = sub.file.clone();
    let src = |cell: String| Source::new(&file, &sheet, cell);
    let Some((hr, code_col)) = grid.find(CODE_HEADER, 10) else {
        sub.problems.push(Problem::error(
            Kind::MissingHeader,
            src(String::new()),
            format!("找不到表头“{CODE_HEADER}”"),
        ));
        return;
    };
    let value_col = (0..64).find(|&c| grid.text(hr, c) == value_header);
    let Some(value_col) = value_col else {
        sub.problems.push(Problem::error(
            Kind::MissingHeader,
            src(a1(hr, code_col)),
            format!("表头缺少“{value_header}”列"),
        ));
        return;
    };
    let mut rows: BTreeMap<String, u32> = BTreeMap::new();
    let last = grid.last_row().unwrap_or(hr);
    for r in hr + 1..=last {
        let code = grid.text(r, code_col).to_uppercase();
        if code.is_empty() {
            continue;
        }
        if differs && !defs.iter().any(|d| d.code == code) {
            sub.problems.push(Problem::warning(
                Kind::Template,
                src(a1(r, code_col)),
                format!("编码{code}不在评分方案中，未读取"),
            ));
        } else if defs.iter().any(|d| d.code == code) {
            if let Some(first) = rows.get(&code) {
                sub.problems.push(Problem::error(
                    Kind::Duplicate,
                    src(a1(r, code_col)),
                    format!("编码{code}重复出现（第一次在第{}行）", first + 1),
                ));
                continue;
            }
            rows.insert(code, r);
        }
    }
    for def in defs {
        let Some(&r) = rows.get(&def.code) else {
            let missing = format!("缺少字段{}（{}）", def.code, def.name);
            sub.problems
                .push(if differs && !needed.contains(&def.code) {
                    Problem::warning(
                        Kind::MissingField,
                        src(String::new()),
                        format!("{missing}：模板中没有此字段；本次评分不用此字段，照常评分"),
                    )
                } else {
                    Problem::error(Kind::MissingField, src(String::new()), missing)
                });
            continue;
        };
        let cell = a1(r, value_col);
        let data = grid.get(r, value_col);
        let read = match def.kind {
            ValueKind::YesNo => cells::yes_no(data).map(|b| f64::from(u8::from(b))),
            ValueKind::Amount => cells::amount(data),
            _ => cells::count(data),
        };
        let value = match read {
            Read::Ok(v) => v,
            Read::Guessed(v, note) => {
                sub.problems
                    .push(Problem::warning(Kind::Note, src(cell.clone()), note));
                v
            }
            Read::Empty => {
                let hint = if def.kind == ValueKind::YesNo {
                    "请填“是”或“否”"
                } else {
                    "如无请填0"
                };
                sub.problems.push(Problem::error(
                    Kind::Blank,
                    src(cell),
                    format!("{}（{}）未填写，{hint}", def.code, def.name),
                ));
                continue;
            }
            Read::Bad(m) => {
                // The item by its 编码 and name, as the clerk sees it in the template's row.
                sub.problems.push(Problem::error(
                    Kind::BadValue,
                    src(cell),
                    format!("{}（{}）{m}", def.code, def.name),
                ));
                continue;
            }
        };
        sub.fields.insert(
            def.code.clone(),
            FieldValue {
                value,
                source: src(cell),
            },
        );
    }
}
