//! 疑似抄报: two regions whose submissions carry the same figures. A region that copies another's
//! workbook and changes only the names and codes sends every summary figure, work item and
//! ledger row equal to the other's; by chance that does not happen once a region has any cases.
//! Each such group becomes a warning for the office to verify: the scheme's 数据严重失实
//! deduction is the province's to decide, never the engine's.

use crate::problem::{Kind, Problem, Source};
use crate::registry::Registry;
use crate::submission::{Batch, Submission};
use std::collections::BTreeMap;

/// Below this many non-zero figures two submissions may agree by chance (a region with no cases
/// sends zeros, as its neighbour may).
const MIN_NONZERO: usize = 5;

/// One warning on each file of a group of regions whose valid submissions have equal figures and
/// equal ledgers, with enough non-zero figures that chance is ruled out; the message names them all.
pub fn suspected(batch: &Batch, registry: &Registry) -> Vec<Problem> {
    let mut by_figures: BTreeMap<String, Vec<&Submission>> = BTreeMap::new();
    for sub in batch.submissions.values().filter(|s| !s.has_errors()) {
        let nonzero = sub.fields.values().filter(|f| f.value != 0.0).count();
        if nonzero >= MIN_NONZERO {
            by_figures.entry(fingerprint(sub)).or_default().push(sub);
        }
    }
    let name = |code: &str| {
        registry
            .get(code)
            .map_or_else(|| code.to_string(), |r| format!("{}（{}）", r.name, r.code))
    };
    let mut out = Vec::new();
    for group in by_figures.values().filter(|g| g.len() > 1) {
        let all: Vec<String> = group
            .iter()
            .map(|s| format!("{}的{}", name(&s.region_code), s.file))
            .collect();
        // One message a group, on each of its files: the pairs of a group of 12 would be 66.
        let message = format!(
            "疑似抄报：{}在“{}”“{}”和各台账中的内容完全相同，请核实数据是否真实（是否按数据严重失实处理由省办决定）",
            all.join("、"),
            crate::contract::SUMMARY_SHEET,
            crate::contract::WORK_SHEET,
        );
        for sub in group {
            let mut p = Problem::warning(
                Kind::SuspectedCopy,
                Source::new(&sub.file, "", ""),
                message.clone(),
            );
            p.region = Some(sub.region_code.clone());
            out.push(p);
        }
    }
    out
}

/// Every figure and every ledger cell a score reads, as text: equal for two submissions only
/// when all of them are equal.
fn fingerprint(sub: &Submission) -> String {
    let mut s = String::new();
    for (code, f) in &sub.fields {
        s.push_str(&format!("{code}={};", f.value));
    }
    for (id, ledger) in &sub.ledgers {
        s.push_str(&format!("|{id}:{}", ledger.rows.len()));
        for row in &ledger.rows {
            s.push_str(&format!("{:?};", row.cells));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submission::FieldValue;

    fn sub(code: &str, values: &[f64]) -> Submission {
        Submission {
            file: format!("{code}.xlsx"),
            region_code: code.to_string(),
            fields: values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        format!("S{:02}", i + 1),
                        FieldValue {
                            value: *v,
                            source: Source::default(),
                        },
                    )
                })
                .collect(),
            ..Submission::default()
        }
    }

    #[test]
    fn a_copied_submission_is_named_on_both_regions_and_zeros_are_not() {
        let registry = Registry::builtin().unwrap();
        let mut batch = Batch::default();
        let figures = [12.0, 3.0, 40.5, 8.0, 2.0, 1.0];
        batch
            .submissions
            .insert("440700".into(), sub("440700", &figures));
        batch
            .submissions
            .insert("440800".into(), sub("440800", &figures));
        batch.submissions.insert(
            "440900".into(),
            sub("440900", &[12.0, 3.0, 40.5, 8.0, 2.0, 2.0]),
        );
        batch
            .submissions
            .insert("441200".into(), sub("441200", &[0.0; 6]));
        batch
            .submissions
            .insert("441300".into(), sub("441300", &[0.0; 6]));
        let found = suspected(&batch, &registry);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|p| p.kind == Kind::SuspectedCopy));
        assert!(
            found[0].message.contains("江门市（440700）")
                && found[0].message.contains("湛江市（440800）")
        );
        let regions: Vec<_> = found.iter().filter_map(|p| p.region.clone()).collect();
        assert_eq!(regions, ["440700", "440800"]);
    }
}
