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
