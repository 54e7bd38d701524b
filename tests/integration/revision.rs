//! Revising the scheme after the forms are in: the samples' 2025Q4 submissions (templates of
//! the default scheme, version 2020.1) scored under a revision with other weights, targets,
//! rules and version, and under schemes whose contract differs (a field added, ledger columns
//! renamed).

use crate::util::samples;
use chrono::NaiveDate;
use kaoping::pipeline::{Assessed, Setup};
use kaoping::problem::{Kind, Severity};
use kaoping::quarter::Quarter;
use kaoping::score::RegionResult;
use std::path::{Path, PathBuf};

fn templates() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
}

/// `pipeline::assess` of the samples' 2025Q4 under `scheme` (no history), as `score` does it.
fn assess(scheme: &Path) -> Assessed {
    let mut setup = Setup::load(Some(scheme), None).unwrap();
    setup.today = NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();
    let q: Quarter = "2025Q4".parse().unwrap();
    crate::util::assess(&setup, q, &samples().join("2025Q4"))
}

fn region<'a>(a: &'a Assessed, code: &str) -> &'a RegionResult {
    a.results.iter().find(|r| r.code == code).unwrap()
}

/// `text` (the default scheme) with edits; written to `dir`.
fn edited(dir: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(templates().join("scheme-2020.toml")).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The shipped revision (templates/scheme-2025-revision.toml: weights moved to 信息公开 and
/// 无害化销毁, D1's target 95%, E1 stricter, version 2025.1) reads every 2025Q4 submission as
/// the default scheme does: the same regions scored, the same one (潮州市, its own data errors)
/// returned, no word about the template. Totals worked by hand from `kaoping explain` under the
/// default scheme (its figures and raw scores):
///
/// 广州市 (440100): A 10; B1 ratio_to_best 7 × 8.9863/10 = 6.290 → 6.29, B2 4.58, B3 1.97,
/// B4 4.19 → B 17.03; C1 100% → 8, C2 4.47, C3 4.91 → C 17.38; D1 290/317 = 91.48%, target
/// 95%: 13 − 0.2 × 3.517 = 12.297 → 12.30; D2 6 × 276/317 = 5.224 → 5.22 → D 17.52; E1 100% →
/// 7, E2 100% → 6 → E 13; F 4.96 + 4.91 = 9.87; G1 4.73, G2 3 × 91.8% = 2.754 → 2.75 → G 7.48.
/// Total 10 + 17.03 + 17.38 + 17.52 + 13 + 9.87 + 7.48 = 92.28 (default: 90.95).
///
/// 云浮市 (445300): A 4; B1 7 × 0.38447 = 2.691 → 2.69, B2 0.83, B3 2.01, B4 0 → B 5.53; C1
/// 0 ÷ 0, when_empty full → 8, C2 5, C3 0.71 → C 13.71; D1 3/7 = 42.86%: 13 − 0.2 × 52.14 =
/// 2.571 → 2.57; D2 6 × 3/7 = 2.571 → 2.57 → D 5.14; E1 1719/3377 = 50.90%: 7 − 0.2 × 49.10
/// < 0 → 0, E2 0/2 → 0 → E 0; F 3.13 + 0.71 = 3.84; G1 0.56, G2 3 × 69.7% = 2.091 → 2.09 → G
/// 2.65. Total 4 + 5.53 + 13.71 + 5.14 + 0 + 3.84 + 2.65 = 34.87 (default: 36.51).
#[test]
fn a_revision_of_weights_targets_and_rules_scores_every_submission() {
    let default = assess(&templates().join("scheme-2020.toml"));
    let revised = assess(&templates().join("scheme-2025-revision.toml"));

    let status = |a: &Assessed| -> Vec<(String, String)> {
        a.results
            .iter()
            .map(|r| (r.code.clone(), r.status.label().to_string()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    assert_eq!(status(&revised), status(&default));
    assert_eq!(revised.results.iter().filter(|r| r.is_scored()).count(), 20);
    assert!(
        !revised.problems.iter().any(|p| p.kind == Kind::Template),
        "{:?}",
        revised
            .problems
            .iter()
            .filter(|p| p.kind == Kind::Template)
            .collect::<Vec<_>>()
    );

    assert_eq!(region(&default, "440100").total, 90.95);
    assert_eq!(region(&revised, "440100").total, 92.28);
    assert_eq!(region(&default, "445300").total, 36.51);
    assert_eq!(region(&revised, "445300").total, 34.87);
    // The groups' subtotals, as worked above.
    let groups = |code: &str| -> Vec<f64> {
        region(&revised, code)
            .groups
            .iter()
            .map(|(_, v)| *v)
            .collect()
    };
    assert_eq!(
        groups("440100"),
        [10.0, 17.03, 17.38, 17.52, 13.0, 9.87, 7.48]
    );
    assert_eq!(groups("445300"), [4.0, 5.53, 13.71, 5.14, 0.0, 3.84, 2.65]);
}

/// The default scheme's edits that add field S33 (read by no rule) before the work items.
const WORK_ITEMS: &str =
    "# ---------------------------------------------------------------- 工作情况";
const NEW_FIELD: &str = "[[fields]]\ncode = \"S33\"\nname = \"侵权假冒案件涉案企业数\"\nunit = \"户\"\nkind = \"count\"\n\n# ---------------------------------------------------------------- 工作情况";

fn messages(a: &Assessed, file: &str) -> Vec<(Severity, Kind, String, String)> {
    a.problems
        .iter()
        .filter(|p| p.source.file == file)
        .map(|p| {
            (
                p.severity,
                p.kind,
                p.source.sheet.clone(),
                p.message.clone(),
            )
        })
        .collect()
}

/// A scheme whose contract differs: a field S33 the template lacks (no rule reads it), the
/// transfer ledger's 接收公安机关 renamed 接收单位 (no rule reads it) and 是否立案 renamed
/// 公安机关是否立案 (C2 counts it). Each difference is named; what scoring needs and is missing is
/// an error, the rest warnings.
#[test]
fn a_changed_contract_names_each_difference() {
    let tmp = tempfile::tempdir().unwrap();
    let changed = edited(
        tmp.path(),
        "changed.toml",
        &[
            ("version = \"2020.1\"", "version = \"2026.1\""),
            (WORK_ITEMS, NEW_FIELD),
            ("\"接收公安机关\"", "\"接收单位\""),
            ("{ name = \"是否立案\"", "{ name = \"公安机关是否立案\""),
            ("column = \"是否立案\"", "column = \"公安机关是否立案\""),
        ],
    );
    let a = assess(&changed);
    let file = "440100_广州市_2025Q4.xlsx";
    let got = messages(&a, file);
    let expected = [
        (
            Severity::Warning,
            Kind::Template,
            "_meta",
            "模板属于指标体系dqqq-2020（版本2020.1），其填报内容与本次评分所用dqqq-2020（版本2026.1）不同；\
             已按评分方案读取，缺少的字段和列、评分方案没有的字段和列另行列出，评分需要而缺少的为错误",
        ),
        (
            Severity::Warning,
            Kind::MissingField,
            "汇总指标",
            "缺少字段S33（侵权假冒案件涉案企业数）：模板中没有此字段；本次评分不用此字段，照常评分",
        ),
        (
            Severity::Warning,
            Kind::MissingHeader,
            "移送台账",
            "表头缺少“接收单位”列（模板此处为“接收公安机关”列，评分方案已改列名）；本次评分不用此列，按空白读取",
        ),
        (
            Severity::Error,
            Kind::MissingHeader,
            "移送台账",
            "表头缺少“公安机关是否立案”列（模板此处为“是否立案”列，评分方案已改列名）",
        ),
    ];
    for (severity, kind, sheet, message) in expected {
        assert!(
            got.iter()
                .any(|g| g == &(severity, kind, sheet.to_string(), message.to_string())),
            "no {severity:?} {kind:?} {sheet}: {message}\nin {got:#?}"
        );
    }
    // Nothing else, but the notice that a draft (初稿) was superseded.
    let others: Vec<_> = got.iter().filter(|g| g.1 != Kind::Superseded).collect();
    assert_eq!(others.len(), 4, "{got:#?}");
    // Without the transfer ledger's 是否立案, C2 cannot be worked out: no region is scored.
    assert_eq!(a.results.iter().filter(|r| r.is_scored()).count(), 0);
}

/// A submission that lacks only a field the scoring scheme does not read is scored, with a
/// warning that says so; its scores are the default scheme's.
#[test]
fn a_field_the_scores_do_not_read_may_be_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let added = edited(
        tmp.path(),
        "added.toml",
        &[
            ("version = \"2020.1\"", "version = \"2026.1\""),
            (WORK_ITEMS, NEW_FIELD),
        ],
    );
    let default = assess(&templates().join("scheme-2020.toml"));
    let a = assess(&added);
    assert_eq!(a.results.iter().filter(|r| r.is_scored()).count(), 20);
    for r in a.results.iter().filter(|r| r.is_scored()) {
        let file = r.file.as_deref().unwrap();
        let got = messages(&a, file);
        assert!(
            got.iter().any(|(s, k, sheet, m)| *s == Severity::Warning
                && *k == Kind::MissingField
                && sheet == "汇总指标"
                && m.starts_with("缺少字段S33")),
            "{file}: {got:#?}"
        );
        assert!(
            !got.iter().any(|(s, ..)| *s == Severity::Error),
            "{file}: {got:#?}"
        );
        assert_eq!(r.total, region(&default, &r.code).total, "{}", r.name);
        assert_eq!(r.rank, region(&default, &r.code).rank, "{}", r.name);
    }
}
