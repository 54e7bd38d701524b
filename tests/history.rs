//! Escalation driven by the Parquet history folder over three quarters of scripted samples,
//! including a rerun of the same quarter and an out-of-order attempt.

use kaoping::flag::FlagKind;
use kaoping::history::{self, Written};
use kaoping::pipeline::{self, Error, ScoreOutcome, ScoreRun, Setup};
use kaoping::quarter::Quarter;
use kaoping::samples::{self, cast, Plan};
use std::path::Path;

fn run(setup: &Setup, q: Quarter, dir: &Path, replace: bool) -> Result<ScoreOutcome, Error> {
    pipeline::score(&ScoreRun {
        setup,
        quarter: q,
        input: &dir.join(q.to_string()),
        history: Some(&dir.join("history")),
        out: &dir.join(format!("{q}.xlsx")),
        replace,
        without_province_findings: false,
        run_time: "2026-01-01 00:00:00".into(),
    })
}

fn kinds(o: &ScoreOutcome, code: &str) -> Vec<FlagKind> {
    o.flags
        .get(code)
        .map(|f| f.iter().map(|f| f.kind).collect())
        .unwrap_or_default()
}

#[test]
fn three_quarters_escalate_rerun_is_stable_and_order_is_enforced() {
    let setup = Setup::load(None, None).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let quarters: Vec<Quarter> = kaoping::quarter::parse_range("2025Q1..2025Q3").unwrap();
    let plan = Plan {
        quarters: quarters.clone(),
        seed: 2025,
        max_ledger_rows: 300,
        scripted: true,
    };
    samples::write(
        tmp.path(),
        &setup.scheme,
        &setup.registry,
        &setup.calendar,
        &plan,
    )
    .unwrap();

    let q1 = run(&setup, quarters[0], tmp.path(), false).unwrap();
    assert!(!kinds(&q1, cast::ESCALATES).contains(&FlagKind::Notify));
    let q2 = run(&setup, quarters[1], tmp.path(), false).unwrap();
    assert_eq!(kinds(&q2, cast::ESCALATES), [FlagKind::Notify]);
    // 韶关市 sent nothing in Q2.
    assert!(
        kinds(&q2, cast::MISSING).is_empty(),
        "a status is not a measure"
    );
    assert_eq!(
        q2.results
            .iter()
            .find(|r| r.code == cast::MISSING)
            .map(|r| r.status),
        Some(kaoping::score::Status::Missing)
    );
    let q3 = run(&setup, quarters[2], tmp.path(), false).unwrap();
    assert_eq!(
        kinds(&q3, cast::ESCALATES),
        [FlagKind::Interview, FlagKind::Notify]
    );
    let interview = &q3.flags[cast::ESCALATES][0];
    assert!(
        interview.reason.contains("2025Q2至2025Q3连续2个季度被通报"),
        "{}",
        interview.reason
    );

    // The history holds what was decided, quarter by quarter.
    let h = history::read(&tmp.path().join("history"), None).unwrap();
    assert_eq!(h.len(), 3 * 21);
    let rec = h
        .iter()
        .find(|r| r.quarter == quarters[2] && r.code == cast::ESCALATES)
        .unwrap();
    let res = q3
        .results
        .iter()
        .find(|r| r.code == cast::ESCALATES)
        .unwrap();
    assert_eq!(rec.flags, [FlagKind::Interview, FlagKind::Notify]);
    assert_eq!(rec.rank, res.rank);
    assert_eq!(rec.total, res.total);
    assert_eq!(rec.indicators.len(), setup.scheme.indicators.len());

    // A rerun over the same inputs gives the same file and the same flags.
    let again = run(&setup, quarters[2], tmp.path(), false).unwrap();
    assert_eq!(again.history, Some(Written::Unchanged));
    assert_eq!(again.flags, q3.flags);
    assert_eq!(again.results, q3.results);

    // Q2 after Q3 is refused without --replace, and allowed with it.
    let err = run(&setup, quarters[1], tmp.path(), false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("已有更晚的季度2025Q3"), "{err}");
    let redo = run(&setup, quarters[1], tmp.path(), true).unwrap();
    assert_eq!(redo.history, Some(Written::Unchanged));
}

/// Regression (issue 9): two runs started together on one empty history folder (Q1 and Q2, two
/// clerks) both exited 0 and Q2 was usually recorded without Q1's 通报. With the folder locked
/// from reading to writing, either Q1 is written first and Q2 is scored with it, or Q2 is written
/// first and Q1 is refused as an earlier quarter: never both silently.
#[test]
fn regression_two_runs_at_once_cannot_split_the_history() {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for attempt in 0..3 {
        let tmp = tempfile::tempdir().unwrap();
        let h = tmp.path().join("h");
        let spawn = |q: &str| {
            std::process::Command::new(env!("CARGO_BIN_EXE_kaoping"))
                .args(["score", samples.join(q).to_str().unwrap(), "--quarter", q])
                .args(["--history", h.to_str().unwrap()])
                .args([
                    "--out",
                    tmp.path().join(format!("{q}.xlsx")).to_str().unwrap(),
                ])
                .env("SOURCE_DATE_EPOCH", "1767225600")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (one, two) = (spawn("2025Q1"), spawn("2025Q2"));
        let (one, two) = (
            one.wait_with_output().unwrap(),
            two.wait_with_output().unwrap(),
        );
        let quarters = history::quarters(&h);
        if one.status.success() {
            // Q1 went first (or Q2 read it): Q2's records must know Q1's 通报.
            assert!(
                two.status.success(),
                "attempt {attempt}: Q2 failed after Q1"
            );
            let recs = history::read(&h, None).unwrap();
            let q2_notified = |code: &str| {
                recs.iter().any(|r| {
                    r.quarter.to_string() == "2025Q2"
                        && r.code == code
                        && r.has(FlagKind::Interview)
                })
            };
            // Every region 通报 in both quarters is 约谈 in Q2.
            for r in recs.iter().filter(|r| r.quarter.to_string() == "2025Q1") {
                let again = recs.iter().any(|x| {
                    x.quarter.to_string() == "2025Q2" && x.code == r.code && x.has(FlagKind::Notify)
                });
                if r.has(FlagKind::Notify) && again {
                    assert!(
                        q2_notified(&r.code),
                        "attempt {attempt}: {} lost its 约谈",
                        r.code
                    );
                }
            }
            assert_eq!(quarters.len(), 2);
        } else {
            // Q2 went first; Q1 was refused, with the reason, and not recorded.
            assert_eq!(one.status.code(), Some(2));
            assert!(String::from_utf8_lossy(&one.stderr).contains("已有更晚的季度2025Q2"));
            assert_eq!(
                quarters.iter().map(|q| q.to_string()).collect::<Vec<_>>(),
                ["2025Q2"]
            );
        }
    }
}
