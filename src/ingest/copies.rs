//! 疑似抄报: two regions whose submissions carry the same figures. A region that copies another's
//! workbook and changes only the names and codes sends every summary figure, work item and
//! ledger row equal to the other's; by chance that does not happen once a region has any cases.
//! Each such group becomes a warning for the office to verify: the scheme's 数据严重失实
//! deduction is the province's to decide, never the engine's.

use crate::office::Office;
use crate::problem::{Kind, Problem, Source};
use crate::registry::Registry;
use crate::submission::{Batch, Submission};
use std::collections::BTreeMap;

/// Below this many non-zero figures two submissions may agree by chance (a region with no cases
/// sends zeros, as its neighbour may).
const MIN_NONZERO: usize = 5;

/// One warning on each file of a group of regions whose valid submissions have equal figures and
/// equal ledgers, with enough non-zero figures that chance is ruled out; the message names them all.
pub fn suspected(batch: &Batch, registry: &Registry, office: &Office) -> Vec<Problem> {
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
            "疑似抄报：{}在“{}”“{}”和各台账中的内容完全相同，请核实数据是否真实（是否按数据严重失实处理，由{}研究决定）",
            all.join("、"),
            crate::contract::SUMMARY_SHEET,
            crate::contract::WORK_SHEET,
            office.short(),
        );
        out.extend(group.iter().map(|sub| warning(sub, &message)));
    }
    out
}

/// Keys shorter than this are too common to tell a copy ("1", "001").
const MIN_KEY_CHARS: usize = 4;

/// A key held by more regions than this is a placeholder ("无", "见附件"), not a case.
const MAX_HOLDERS: usize = 5;

/// Hashes of a submission's ledger keys (案件编号, 批次编号), each with its ledger's id.
pub fn case_keys(sub: &Submission, scheme: &crate::scheme::Scheme) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut out = Vec::new();
    for def in &scheme.ledgers {
        let (Some(k), Some(ledger)) = (
            def.columns.iter().position(|c| c.key),
            sub.ledgers.get(&def.id),
        ) else {
            continue;
        };
        for row in &ledger.rows {
            if let Some(crate::submission::Cell::Text(t)) = row.cells.get(k) {
                let t = t.trim();
                if t.chars().count() >= MIN_KEY_CHARS {
                    // SipHash with fixed keys: the same text hashes alike in every run.
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    (&def.id, t).hash(&mut h);
                    out.push(h.finish());
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// One warning on each of two regions' files whose ledgers share case or batch numbers: at
/// least 3, and at least half of the smaller one's, which chance does not give. Pairs already
/// named by [`suspected`] as whole copies are left out.
pub fn shared_cases(
    batch: &Batch,
    registry: &Registry,
    office: &Office,
    named: &[Problem],
) -> Vec<Problem> {
    let subs: Vec<&Submission> = batch
        .submissions
        .values()
        .filter(|s| !s.has_errors() && !s.case_keys.is_empty())
        .collect();
    let mut holders: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    for (i, s) in subs.iter().enumerate() {
        for k in &s.case_keys {
            holders.entry(*k).or_default().push(i);
        }
    }
    let mut shared: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for hs in holders
        .values()
        .filter(|h| h.len() > 1 && h.len() <= MAX_HOLDERS)
    {
        for (x, &i) in hs.iter().enumerate() {
            for &j in &hs[x + 1..] {
                *shared.entry((i.min(j), i.max(j))).or_default() += 1;
            }
        }
    }
    let copied = |s: &Submission| {
        named
            .iter()
            .any(|p| p.region.as_deref() == Some(&s.region_code))
    };
    let name = |code: &str| {
        registry
            .get(code)
            .map_or_else(|| code.to_string(), |r| format!("{}（{}）", r.name, r.code))
    };
    let mut out = Vec::new();
    for ((i, j), n) in shared {
        let (a, b) = (subs[i], subs[j]);
        let smaller = a.case_keys.len().min(b.case_keys.len());
        if n < 3 || 2 * n < smaller || (copied(a) && copied(b)) {
            continue;
        }
        let message = format!(
            "疑似抄报：{}的{}与{}的{}的台账中有{n}个案件编号或批次编号相同（两地分别共{}个、{}个），请核实是否为同一批案件（是否按数据严重失实处理，由{}研究决定）",
            name(&a.region_code),
            a.file,
            name(&b.region_code),
            b.file,
            a.case_keys.len(),
            b.case_keys.len(),
            office.short()
        );
        out.extend([a, b].map(|sub| warning(sub, &message)));
    }
    out
}

/// The 疑似抄报 warning on one submission's file, for its region.
fn warning(sub: &Submission, message: &str) -> Problem {
    let mut p = Problem::warning(Kind::SuspectedCopy, Source::new(&sub.file, "", ""), message);
    p.region = Some(sub.region_code.clone());
    p
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
    fn regions_sharing_case_numbers_are_named_once_a_pair() {
        let registry = Registry::builtin().unwrap();
        let mut batch = Batch::default();
        let keyed = |code: &str, keys: &[u64]| Submission {
            case_keys: keys.to_vec(),
            ..sub(code, &[1.0])
        };
        // 江门 and 湛江 share 4 of 5; 茂名 shares 2 with 江门 (too few); 肇庆 holds a key
        // that six regions hold (a placeholder).
        batch
            .submissions
            .insert("440700".into(), keyed("440700", &[1, 2, 3, 4, 5, 9]));
        batch
            .submissions
            .insert("440800".into(), keyed("440800", &[1, 2, 3, 4, 8]));
        batch
            .submissions
            .insert("440900".into(), keyed("440900", &[5, 9, 10, 11]));
        for code in ["441200", "441300", "441400", "441500", "441600", "441700"] {
            batch.submissions.insert(code.into(), keyed(code, &[77]));
        }
        let found = shared_cases(&batch, &registry, &Office::default(), &[]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].message.contains("有4个案件编号或批次编号相同"),
            "{}",
            found[0].message
        );
        let regions: Vec<_> = found.iter().filter_map(|p| p.region.clone()).collect();
        assert_eq!(regions, ["440700", "440800"]);
        // Already named as a whole copy: not again.
        assert!(shared_cases(&batch, &registry, &Office::default(), &found).is_empty());
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
        let found = suspected(&batch, &registry, &Office::default());
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
