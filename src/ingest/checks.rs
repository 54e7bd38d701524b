//! Checks across fields and sheets of one submission: a part above its whole, ledger rows that
//! disagree with the summary, a template from another scheme, a region or quarter that does not
//! match.

use super::Submission;
use crate::problem::{Problem, Source};
use crate::quarter::Quarter;
use crate::registry::Registry;
use crate::scheme::{fmt_num, Scheme};

/// Adds the cross-checks' problems to the submission.
pub fn run(
    sub: &mut Submission,
    scheme: &Scheme,
    registry: &Registry,
    quarter: Quarter,
    template_hash: &str,
) {
    let mut found = Vec::new();
    for def in scheme.fields.iter().chain(scheme.work_items.iter()) {
        let (Some(le), Some(v)) = (&def.le, sub.fields.get(&def.code)) else {
            continue;
        };
        if let Some(whole) = sub.field(le) {
            if v.value > whole {
                found.push(Problem::error(
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
        let (Some(code), Some(ledger)) = (&def.rows_equal, sub.ledgers.get(&def.id)) else {
            continue;
        };
        if let Some(v) = sub.fields.get(code) {
            let n = ledger.rows.len() as f64;
            if (n - v.value).abs() > 1e-9 {
                found.push(Problem::error(
                    v.source.clone(),
                    format!(
                        "{}为{}，与{}的{}行记录不一致",
                        code,
                        fmt_num(v.value),
                        def.sheet,
                        ledger.rows.len()
                    ),
                ));
            }
        }
    }

    let file = sub.file.clone();
    let whole = |sheet: &str| Source::new(&file, sheet, "");
    let meta = &sub.meta;
    if meta.scheme_id.is_empty() {
        found.push(Problem::warning(
            whole("_meta"),
            "缺少隐藏工作表_meta，无法核对模板版本，请使用省办下发的模板",
        ));
    } else if meta.scheme_id != scheme.id || meta.scheme_version != scheme.version {
        found.push(Problem::error(
            whole("_meta"),
            format!(
                "模板属于指标体系{}（版本{}），与本次评分所用{}（版本{}）不一致，请使用最新模板重新填报",
                meta.scheme_id, meta.scheme_version, scheme.id, scheme.version
            ),
        ));
    } else if !meta.template_hash.is_empty() && meta.template_hash != template_hash {
        found.push(Problem::warning(
            whole("_meta"),
            "模板校验码与当前模板不一致，模板可能被修改过",
        ));
    }
    if !sub.region_code.is_empty() {
        if registry.get(&sub.region_code).is_none() {
            found.push(Problem::error(
                whole(super::basic::SHEET),
                format!("区划代码{}不在地区名录中", sub.region_code),
            ));
        }
        if !meta.region_code.is_empty() && meta.region_code != sub.region_code {
            found.push(Problem::error(
                whole(super::basic::SHEET),
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
                whole(super::basic::SHEET),
                format!("季度为{q}，与本次评分季度{quarter}不一致"),
            ));
        }
    }
    sub.problems.extend(found);
}
