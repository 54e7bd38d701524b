//! Funnel-driven flags through the Parquet history folder: 预警 beyond the 95% limit, 约谈 after
//! two quarters beyond 99.8% (问题长期高发 for G1), a rerun that changes nothing, and a quarter
//! written out of order.

use kaoping::flag::{self, Flag};
use kaoping::history::{self, HistoryError, Written};
use kaoping::quarter::Quarter;
use kaoping::record::Status;
use kaoping::scheme::Scheme;
use kaoping::score::{IndicatorResult, RegionResult};
use kaoping::stats;
use std::collections::BTreeMap;
use std::path::Path;

const LARGE: &str = "r21";
const SMALL: &str = "r22";
const HIGH_G1: &str = "r05";

fn indicator(id: &str, numerator: f64, denominator: f64) -> IndicatorResult {
    IndicatorResult {
        id: id.into(),
        numerator: Some(numerator),
        denominator: Some(denominator),
        value: Some(numerator / denominator),
        empty: None,
        raw: 5.0,
        score: 5.0,
        sources: vec![],
    }
}

/// Twenty-two regions, all 合格, so only funnel rules can flag the
/// regions that matter here (the bottom three, r18–r20, are 通报 by rank and are not looked at).
/// D1: twenty regions disclose about 97% of 100–385 cases; r21 (LARGE) discloses `large` of
/// 1,000; r22 (SMALL) 1 of 2. G1: 2 complaints per 万户 everywhere, except r05 (HIGH_G1) with
/// `g1_high` complaints over 10 万户.
fn quarter(large: f64, g1_high: f64) -> Vec<RegionResult> {
    (1..=22)
        .map(|i| {
            let code = format!("r{i:02}");
            let (d1_n, d1_d) = match code.as_str() {
                LARGE => (large, 1000.0),
                SMALL => (1.0, 2.0),
                _ => {
                    let n = 100.0 + 15.0 * f64::from(i);
                    let missed = [2.0, 3.0, 4.0, 3.0][i as usize % 4] * n / 100.0;
                    ((n - missed).round(), n)
                }
            };
            let g1 = if code == HIGH_G1 {
                g1_high
            } else {
                20.0 + f64::from(i % 3)
            };
            // r21 and r22 lead the ranking; r01–r20 follow, so r18–r20 are the bottom three.
            let rank = if i > 20 { i - 20 } else { i + 2 };
            let total = 100.0 - f64::from(rank);
            RegionResult {
                indicators: vec![indicator("D1", d1_n, d1_d), indicator("G1", g1, 10.0)],
                total,
                grade: "合格".into(),
                rank,
                ..RegionResult::blank(&code, &format!("{code}市"), Status::Scored)
            }
        })
        .collect()
}

struct Scored {
    flags: BTreeMap<String, Vec<Flag>>,
    written: Result<Written, HistoryError>,
}

/// One quarter as `pipeline::score` runs it: history read from the folder, funnels, flags, then
/// the quarter written back.
fn score(
    scheme: &Scheme,
    dir: &Path,
    q: Quarter,
    results: &[RegionResult],
    replace: bool,
) -> Scored {
    let past = history::read(dir, Some(q)).unwrap();
    let funnels = stats::funnels(scheme, results);
    let flags = flag::evaluate(scheme, q, results, &past, &funnels);
    let records = kaoping::pipeline::records(q, results, &flags, &funnels);
    let written = history::write(dir, q, &records, None, replace, "2026-01-01 00:00:00");
    Scored { flags, written }
}

fn kinds(s: &Scored, code: &str) -> Vec<String> {
    s.flags
        .get(code)
        .map(|f| f.iter().map(|f| f.measure.id.clone()).collect())
        .unwrap_or_default()
}

fn rules(s: &Scored, code: &str) -> Vec<String> {
    s.flags
        .get(code)
        .map(|f| f.iter().map(|f| f.rule.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn funnel_flags_escalate_through_the_history_folder() {
    let scheme = Scheme::builtin().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let q1: Quarter = "2025Q1".parse().unwrap();
    let (q2, q3) = (q1.next(), q1.next().next());

    // Q1: 900 of 1,000 is beyond both D1 limits; 1 of 2 is not flagged at all. r05's 60
    // complaints per 10 万户 are beyond G1's upper limits. No history yet: 预警 only.
    let s1 = score(&scheme, dir, q1, &quarter(900.0, 60.0), false);
    assert_eq!(s1.written.as_ref().unwrap(), &Written::New);
    assert_eq!(kinds(&s1, LARGE), ["warn"]);
    assert_eq!(
        rules(&s1, LARGE),
        ["行政处罚案件信息公示率超出漏斗图95%控制限"]
    );
    assert!(kinds(&s1, SMALL).is_empty(), "{:?}", s1.flags.get(SMALL));
    let reason = &s1.flags[LARGE][0].reason;
    assert!(
        reason.starts_with("行政处罚案件信息公示率为90.0%（900/1000），低于漏斗图95%控制下限"),
        "{reason}"
    );
    assert_eq!(kinds(&s1, HIGH_G1), ["warn"]);

    // Q2: beyond 99.8% again → 约谈, read from the Q1 Parquet file.
    let s2 = score(&scheme, dir, q2, &quarter(905.0, 58.0), false);
    assert_eq!(s2.written.as_ref().unwrap(), &Written::New);
    assert_eq!(kinds(&s2, LARGE), ["interview", "warn"]);
    assert_eq!(
        rules(&s2, LARGE)[0],
        "行政处罚案件信息公示率连续2个季度超出漏斗图99.8%控制限"
    );
    assert!(
        s2.flags[LARGE][0].reason.starts_with(
            "行政处罚案件信息公示率2025年第一季度至第二季度连续2个季度低于漏斗图99.8%控制下限"
        ),
        "{}",
        s2.flags[LARGE][0].reason
    );
    assert_eq!(kinds(&s2, HIGH_G1), ["interview", "warn"]);
    assert_eq!(
        rules(&s2, HIGH_G1)[0],
        "侵权假冒投诉举报发生率连续2个季度超出漏斗图99.8%控制限（问题长期高发）"
    );
    assert!(kinds(&s2, SMALL).is_empty());

    // A rerun of Q2 over the same figures leaves the file as it was, with the same flags.
    let again = score(&scheme, dir, q2, &quarter(905.0, 58.0), false);
    assert_eq!(again.written.as_ref().unwrap(), &Written::Unchanged);
    assert_eq!(again.flags, s2.flags);

    // Q1 again with other figures, now that Q2 exists: refused, and Q1's file is untouched.
    let before = std::fs::read(dir.join("2025Q1.parquet")).unwrap();
    let late = score(&scheme, dir, q1, &quarter(990.0, 20.0), false);
    assert!(
        matches!(late.written, Err(HistoryError::OutOfOrder { later, .. }) if later == q2),
        "{:?}",
        late.written.err()
    );
    assert_eq!(std::fs::read(dir.join("2025Q1.parquet")).unwrap(), before);

    // Q3: r21 recovers to 970 of 1,000, so no funnel rule fires, but it was 约谈 in Q2 and its
    // total did not rise by 5 points → 挂牌督办 with 整改期限 2025-09-30 + 90 days. r05 stays
    // high: 约谈 again, and 挂牌督办 by the same rule.
    let s3 = score(&scheme, dir, q3, &quarter(970.0, 61.0), false);
    assert_eq!(s3.written.as_ref().unwrap(), &Written::New);
    assert_eq!(kinds(&s3, LARGE), ["supervise"]);
    assert_eq!(rules(&s3, LARGE), ["上季度被约谈且本季度总分提高不足5分"]);
    assert_eq!(
        s3.flags[LARGE][0].deadline,
        chrono::NaiveDate::from_ymd_opt(2025, 12, 29)
    );
    assert_eq!(kinds(&s3, HIGH_G1), ["supervise", "interview", "warn"]);

    // The z-scores behind the rule are in the Parquet files.
    let all = history::read(dir, None).unwrap();
    let z = |q: Quarter, code: &str, id: &str| {
        all.iter()
            .find(|r| r.quarter == q && r.code == code)
            .and_then(|r| r.funnel_z(id))
            .unwrap()
    };
    assert!(z(q1, LARGE, "D1") < -3.090232);
    assert!(z(q3, LARGE, "D1").abs() < 1.959964);
    assert!(z(q2, HIGH_G1, "G1") > 3.090232);
}
