//! Escalation driven by the Parquet history folder over three quarters of scripted samples,
//! including a rerun of the same quarter and an out-of-order attempt; and one history, one
//! writer: the lock on the folder (two runs at once, a run that waits) and the quarters marked
//! for scoring again when an earlier one is rewritten.

use crate::util::samples;
use kaoping::history::{self, Written};
use kaoping::pipeline::{self, Error, ScoreOutcome, ScoreRun, Setup};
use kaoping::quarter::Quarter;
use kaoping::samples::{self, cast, Plan};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

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
        wait: history::DEFAULT_WAIT,
        on_wait: |_| {},
        progress: &kaoping::ingest::Silent,
        sends: Default::default(),
        scheme_change: None,
    })
}

fn kinds(o: &ScoreOutcome, code: &str) -> Vec<String> {
    o.flags
        .get(code)
        .map(|f| f.iter().map(|f| f.measure.id.clone()).collect())
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
        writer: Default::default(),
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
    assert!(!kinds(&q1, cast::ESCALATES).contains(&"notify".to_string()));
    let q2 = run(&setup, quarters[1], tmp.path(), false).unwrap();
    assert_eq!(kinds(&q2, cast::ESCALATES), ["notify"]);
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
        Some(kaoping::record::Status::Missing)
    );
    let q3 = run(&setup, quarters[2], tmp.path(), false).unwrap();
    assert_eq!(kinds(&q3, cast::ESCALATES), ["interview", "notify"]);
    let interview = &q3.flags[cast::ESCALATES][0];
    assert!(
        interview
            .reason
            .contains("2025年第二季度至第三季度连续2个季度被通报"),
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
    let ids: Vec<&str> = rec.flags.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["interview", "notify"]);
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

/// `kaoping score INPUT --quarter Q --history H --out OUT` and more arguments, not yet run.
fn score_cmd(input: &Path, q: &str, h: &Path, out: &Path, more: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kaoping"));
    c.arg("score")
        .arg(input)
        .args(["--quarter", q, "--new-history", "--history"])
        .arg(h)
        .arg("--out")
        .arg(out)
        .args(more)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Scores a committed sample quarter into `h`; the run must not stop (exit 0, or 1 for data
/// errors). Returns stderr.
fn score_sample(input: &Path, q: &str, h: &Path, out: &Path, more: &[&str]) -> String {
    let o = score_cmd(input, q, h, out, more).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{q}: {:?}\n{stderr}",
        o.status
    );
    stderr
}

fn parquet(h: &Path, q: &str) -> Vec<u8> {
    std::fs::read(h.join(format!("{q}.parquet"))).unwrap()
}

fn names(qs: &[Quarter]) -> Vec<String> {
    qs.iter().map(Quarter::to_string).collect()
}

/// Regression and "must show" of issue 9 ("one history, one writer"): two runs started at the
/// same moment on one empty history folder, 2025Q1 and 2025Q2, many times. Before the lock both
/// exited 0 and 2025Q2 was usually recorded without 2025Q1's 通报.
///
/// With the lock there are two honest outcomes, and the test accepts only these:
/// - 2025Q1 takes the lock first: 2025Q2 waits, reads 2025Q1 and records exactly what the
///   sequential run 2025Q1 → 2025Q2 records (the same Parquet bytes).
/// - 2025Q2 takes the lock first: it finds no 2025Q1 and records exactly what scoring 2025Q2
///   alone on an empty folder records (a history may well begin with 2025Q2). 2025Q1 then comes
///   second, after a later quarter, and stops (exit 2) with the out-of-order message telling to
///   use --replace and then score the later quarters again; it writes neither its quarter nor
///   its workbook. Nothing differs silently: the second run always says why it stopped.
#[test]
fn regression_two_runs_at_once_give_a_sequential_record_or_the_second_stops() {
    const ATTEMPTS: usize = 20;
    let started = Instant::now();
    let samples = samples();
    let refs = tempfile::tempdir().unwrap();
    let (seq, alone) = (refs.path().join("seq"), refs.path().join("alone"));
    let out = refs.path().join("x.xlsx");
    score_sample(&samples.join("2025Q1"), "2025Q1", &seq, &out, &[]);
    score_sample(&samples.join("2025Q2"), "2025Q2", &seq, &out, &[]);
    score_sample(&samples.join("2025Q2"), "2025Q2", &alone, &out, &[]);
    let (after_q1, q2_alone) = (parquet(&seq, "2025Q2"), parquet(&alone, "2025Q2"));
    assert_ne!(after_q1, q2_alone, "2025Q1's history must show in 2025Q2");

    let (mut q1_first, mut q2_first) = (0, 0);
    for attempt in 0..ATTEMPTS {
        let tmp = tempfile::tempdir().unwrap();
        let h = tmp.path().join("h");
        let barrier = Arc::new(Barrier::new(2));
        let runs: Vec<_> = ["2025Q1", "2025Q2"]
            .into_iter()
            .map(|q| {
                let mut cmd = score_cmd(
                    &samples.join(q),
                    q,
                    &h,
                    &tmp.path().join(format!("{q}.xlsx")),
                    &[],
                );
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    cmd.spawn().unwrap().wait_with_output().unwrap()
                })
            })
            .collect();
        let [one, two]: [Output; 2] = runs
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect::<Vec<_>>()
            .try_into()
            .unwrap();
        let err = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
        let context = format!(
            "attempt {attempt}: 2025Q1 {:?} {}\n2025Q2 {:?} {}",
            one.status,
            err(&one),
            two.status,
            err(&two)
        );
        assert!(two.status.success(), "{context}");
        let recorded = names(&history::quarters(&h).unwrap());
        if one.status.success() {
            assert_eq!(recorded, ["2025Q1", "2025Q2"], "{context}");
            assert!(
                parquet(&h, "2025Q2") == after_q1,
                "{context}: not the sequential record"
            );
            q1_first += 1;
        } else {
            assert_eq!(one.status.code(), Some(2), "{context}");
            let e = err(&one);
            assert!(
                e.contains("已有更晚的季度2025Q2，不能再写入2025Q1"),
                "{context}"
            );
            assert!(e.contains("--replace"), "{context}");
            assert_eq!(recorded, ["2025Q2"], "{context}");
            assert!(!tmp.path().join("2025Q1.xlsx").exists(), "{context}");
            assert!(
                parquet(&h, "2025Q2") == q2_alone,
                "{context}: not 2025Q2 alone"
            );
            q2_first += 1;
        }
        assert!(history::reruns(&h).unwrap().is_empty(), "{context}");
        assert!(!h.join(history::HOLDER_FILE).exists(), "{context}");
    }
    println!(
        "{ATTEMPTS} attempts in {:.1} s: 2025Q1 first {q1_first}, 2025Q2 first {q2_first}",
        started.elapsed().as_secs_f64()
    );
}

/// A run that finds the folder locked says for whom it waits, goes on when the lock is freed,
/// and after `--wait` stops (exit 2) saying so, having written nothing.
#[test]
fn a_run_waits_for_the_lock_saying_for_whom_then_stops_after_the_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let h = tmp.path().join("h");
    let input = samples().join("2025Q1");
    let q1: Quarter = "2025Q1".parse().unwrap();
    let held = history::lock(&h, q1, Duration::ZERO, |_| {}).unwrap();
    let who = std::fs::read_to_string(h.join(history::HOLDER_FILE)).unwrap();
    assert!(
        who.contains(&format!("pid = {}", std::process::id())),
        "{who}"
    );

    // Times out, with the message, and writes nothing.
    let out = tmp.path().join("1.xlsx");
    let started = Instant::now();
    let o = score_cmd(&input, "2025Q1", &h, &out, &["--wait", "1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    for part in [
        format!("历史数据文件夹 {} 正被另一次评分使用", h.display()),
        format!("进程 {}", std::process::id()),
        "正在评分 2025Q1".to_string(),
        "等待其完成".to_string(),
        "等待1秒后仍未完成".to_string(),
        "本次评分未写入任何结果".to_string(),
        "--wait".to_string(),
    ] {
        assert!(stderr.contains(&part), "{part} not in {stderr}");
    }
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(!out.exists());
    assert!(history::quarters(&h).unwrap().is_empty());

    // `--wait 0` stops at once.
    let o = score_cmd(&input, "2025Q1", &h, &out, &["--wait", "0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());

    // Freed while the run waits: it goes on and scores.
    let mut child = score_cmd(&input, "2025Q1", &h, &out, &["--wait", "60"])
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if line.contains("等待其完成") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the run says it waits");
    assert!(!out.exists());
    drop(held);
    assert!(!h.join(history::HOLDER_FILE).exists());
    let status = child.wait().unwrap();
    let stderr = reader.join().unwrap();
    assert!(matches!(status.code(), Some(0 | 1)), "{stderr}");
    assert!(out.exists());
    assert_eq!(names(&history::quarters(&h).unwrap()), ["2025Q1"]);
}

/// Every text cell of a sheet, one per line.
fn sheet_text(path: &Path, sheet: &str) -> String {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .used_cells()
        .filter_map(|(_, _, d)| match d {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn marked(h: &Path) -> Vec<String> {
    history::reruns(h)
        .unwrap()
        .iter()
        .map(|r| r.quarter.to_string())
        .collect()
}

/// A quarter rewritten under later ones (`--replace` with changed input) marks the later
/// quarters for scoring again; `score` says so on the terminal and in the workbook (数据质量,
/// 总排名, 评分说明) until they are scored again, in order. Identical bytes mark nothing.
#[test]
fn a_rewritten_quarter_marks_the_later_ones_until_they_are_scored_again() {
    let tmp = tempfile::tempdir().unwrap();
    let h = tmp.path().join("h");
    let s = samples();
    let out = |q: &str| tmp.path().join(format!("{q}.xlsx"));
    let sample = |q: &str, more: &[&str]| score_sample(&s.join(q), q, &h, &out(q), more);
    for q in ["2025Q1", "2025Q2", "2025Q3"] {
        let stderr = sample(q, &[]);
        assert!(!stderr.contains("需要重新评分"), "{stderr}");
    }
    // The same inputs again, even with --replace: the same bytes, nothing to score again.
    let stderr = sample("2025Q1", &["--replace"]);
    assert!(marked(&h).is_empty(), "{stderr}");
    assert!(!h.join(history::RERUN_FILE).exists());

    // 2025Q1 again with one submission fewer (广州市 now 未报送): 2025Q2 and 2025Q3 are marked.
    let changed = tmp.path().join("2025Q1-changed");
    std::fs::create_dir_all(&changed).unwrap();
    for e in std::fs::read_dir(s.join("2025Q1")).unwrap() {
        let e = e.unwrap();
        if !e.file_name().to_string_lossy().starts_with("440100_") {
            std::fs::copy(e.path(), changed.join(e.file_name())).unwrap();
        }
    }
    let stderr = score_sample(&changed, "2025Q1", &h, &out("2025Q1"), &["--replace"]);
    assert_eq!(marked(&h), ["2025Q2", "2025Q3"]);
    assert!(
        stderr.contains("警告：历史数据中2025Q2、2025Q3需要重新评分"),
        "{stderr}"
    );
    assert!(stderr.contains("2025Q2→2025Q3"), "{stderr}");
    assert!(
        stderr.contains("  2025Q3：2025Q1于2026-01-01 00:00:00重新评分后"),
        "{stderr}"
    );
    let reasons = history::reruns(&h).unwrap();
    assert!(
        reasons[0]
            .reason
            .contains("2025Q1于2026-01-01 00:00:00重新评分后，2025Q2的预警督办所依据的历史已变化"),
        "{}",
        reasons[0].reason
    );
    // 2025Q1's own results are right: its workbook names the later quarters, not itself.
    let ranking = sheet_text(&out("2025Q1"), "总排名");
    assert!(ranking.contains("注意：历史数据中2025Q2、2025Q3需要重新评分"));
    assert!(ranking.contains("各季度的原因见“数据质量”"));
    assert!(!ranking.contains("2025Q1的督办措施依据的历史尚未更新"));

    // A new quarter scored meanwhile read the stale 2025Q2 and 2025Q3: it is marked too, and
    // its workbook says so in 数据质量, 总排名 and 评分说明.
    let stderr = sample("2025Q4", &[]);
    assert_eq!(marked(&h), ["2025Q2", "2025Q3", "2025Q4"]);
    assert!(stderr.contains("2025Q2→2025Q3→2025Q4"), "{stderr}");
    let quality = sheet_text(&out("2025Q4"), "数据质量");
    assert!(
        quality.contains("历史数据中2025Q2需要重新评分：2025Q1于"),
        "{quality}"
    );
    assert!(quality.contains("2025Q4评分时所依据的2025Q2尚待重新评分"));
    assert!(quality.contains(history::RERUN_FILE));
    assert!(sheet_text(&out("2025Q4"), "总排名")
        .contains("2025Q4的督办措施依据的历史尚未更新，本次结果须在上述季度重新评分后才能作准"));
    assert!(sheet_text(&out("2025Q4"), "评分说明").contains("需重新评分"));

    // Out of order, 2025Q3 first: it read the stale 2025Q2, so it stays marked.
    sample("2025Q3", &["--replace"]);
    assert_eq!(marked(&h), ["2025Q2", "2025Q3", "2025Q4"]);
    // In order: each one scored clears its own mark, not the later ones'.
    sample("2025Q2", &["--replace"]);
    assert_eq!(marked(&h), ["2025Q3", "2025Q4"]);
    let stderr = sample("2025Q3", &["--replace"]);
    assert_eq!(marked(&h), ["2025Q4"], "{stderr}");
    assert!(stderr.contains("历史数据中2025Q4需要重新评分"), "{stderr}");
    let stderr = sample("2025Q4", &["--replace"]);
    assert!(marked(&h).is_empty());
    assert!(!h.join(history::RERUN_FILE).exists());
    assert!(!stderr.contains("需要重新评分"), "{stderr}");
    let quality = sheet_text(&out("2025Q4"), "数据质量");
    assert!(!quality.contains("需要重新评分"));
    assert!(!sheet_text(&out("2025Q4"), "总排名").contains("注意："));
}

/// History files from before the ASCII codes held the Chinese labels of statuses and flags
/// (`已评分`, `一票否决、通报`); they must read as the same records, and a quarter re-written
/// from them holds the codes.
#[test]
fn history_written_with_chinese_labels_reads_as_the_codes() {
    use polars::prelude::*;
    let old = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/history-with-labels");
    let records = history::read(&old, None).unwrap();
    let q4 = Quarter::new(2025, 4).unwrap();
    let vetoed = records
        .iter()
        .find(|r| r.quarter == q4 && r.has("veto"))
        .expect("the demo's 2025Q4 has a vetoed region");
    assert_eq!(vetoed.status, kaoping::record::Status::Scored);
    assert!(records
        .iter()
        .any(|r| r.status == kaoping::record::Status::Invalid));
    assert!(records.iter().any(|r| r.flags.len() > 1));

    let dir = tempfile::tempdir().unwrap();
    for q in [q4.prev(), q4] {
        let quarter: Vec<_> = records.iter().filter(|r| r.quarter == q).cloned().collect();
        history::write(dir.path(), q, &quarter, None, false, "2026-01-01 00:00:00").unwrap();
    }
    assert_eq!(history::read(dir.path(), None).unwrap(), records);

    let file = std::fs::File::open(dir.path().join("2025Q4.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let codes = |name: &str| -> Vec<String> {
        let ca = df.column(name).unwrap().str().unwrap();
        (0..ca.len())
            .map(|i| ca.get(i).unwrap_or("").to_string())
            .collect()
    };
    let statuses = codes("status");
    assert!(statuses.contains(&"scored".to_string()));
    assert!(statuses.contains(&"invalid".to_string()));
    assert!(statuses.iter().all(|s| s.is_ascii()), "{statuses:?}");
    let flags = codes("flags");
    assert!(flags.iter().any(|f| f.contains("veto")), "{flags:?}");
    assert!(flags.iter().all(|f| f.is_ascii()), "{flags:?}");
}

/// The default scheme's text, with a copy under another id (`zz-2026`) written to `dir/zz.toml`.
fn another_scheme(dir: &Path) -> String {
    let scheme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/scheme-2020.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("zz.toml"),
        scheme.replacen("id = \"dqqq-2020\"", "id = \"zz-2026\"", 1),
    )
    .unwrap();
    scheme
}

/// Issue 23 (the history bound to what produced it): a quarter scored under another scheme id,
/// or against another registry, than the history's earlier quarters stops, naming both, unless
/// `--scheme-change` says why (then 评分说明 says it too). A revision of the same scheme (same
/// id, another version) is not a change. 评分说明 names the history folder.
#[test]
fn a_history_cannot_be_mixed_with_another_scheme_or_registry_without_a_reason() {
    use crate::util::{kaoping, samples};
    let tmp = tempfile::tempdir().unwrap();
    let scheme = another_scheme(tmp.path());
    std::fs::write(
        tmp.path().join("revised.toml"),
        scheme.replacen("version = \"2020.1\"", "version = \"2026.1\"", 1),
    )
    .unwrap();
    let said = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let q = |q: &str| samples().join(q).to_string_lossy().into_owned();
    let score = |quarter: &str, extra: &[&str]| {
        let mut args = vec!["score".to_string(), q(quarter)];
        args.extend(["--new-history", "--history", "历史", "--out"].map(String::from));
        args.push(format!("{quarter}.xlsx"));
        args.extend(extra.iter().map(|s| s.to_string()));
        kaoping(
            tmp.path(),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    assert!(score("2025Q1", &[]).status.code().is_some_and(|c| c < 2));
    // Another scheme id: stops, naming both, and writes nothing.
    let o = score("2025Q2", &["--scheme", "zz.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(
        said(&o).contains("dqqq-2020") && said(&o).contains("zz-2026"),
        "{}",
        said(&o)
    );
    assert!(!tmp.path().join("2025Q2.xlsx").exists());
    // Another registry (one region's 市场主体数 changed): stops too.
    let regions = std::fs::read_to_string(samples().join("regions.csv")).unwrap();
    std::fs::write(
        tmp.path().join("名录.csv"),
        regions.replacen("3100000", "3100001", 1),
    )
    .unwrap();
    let o = score("2025Q2", &["--regions", "名录.csv"]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(said(&o).contains("地区名录"), "{}", said(&o));
    // A revision of the same scheme is read as before.
    let o = score("2025Q2", &["--scheme", "revised.toml"]);
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", said(&o));
    // Said on purpose: scored, and 评分说明 gives the reason and the folder.
    let o = score(
        "2025Q3",
        &["--scheme", "zz.toml", "--scheme-change", "启用市级方案"],
    );
    assert!(o.status.code().is_some_and(|c| c < 2), "{}", said(&o));
    let notes = crate::util::table(&tmp.path().join("2025Q3.xlsx"), "评分说明", "指标体系");
    let all: String = notes.iter().flatten().cloned().collect();
    assert!(all.contains("更换理由：启用市级方案"), "{all}");
    assert!(all.contains("文件夹 历史"), "{all}");
}

/// Issue 23: submissions whose `_meta` names another scheme id than the one in use (a
/// forgotten `--scheme` in an office with its own scheme) stop `score`, naming both ids and the
/// files; `--scheme-change` says it is meant.
#[test]
fn submissions_of_another_scheme_stop_score_unless_told_why() {
    use crate::util::{kaoping, samples};
    let tmp = tempfile::tempdir().unwrap();
    another_scheme(tmp.path());
    let q4 = samples().join("2025Q4");
    let args = [
        "score",
        q4.to_str().unwrap(),
        "--scheme",
        "zz.toml",
        "--out",
        "x.xlsx",
    ];
    let o = kaoping(tmp.path(), &args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("指标体系dqqq-2020") && err.contains("zz-2026"),
        "{err}"
    );
    assert!(err.contains("440100_广州市_2025Q4.xlsx"), "{err}");
    assert!(!tmp.path().join("x.xlsx").exists());
    let mut told = args.to_vec();
    told.extend(["--scheme-change", "试行市级方案"]);
    let o = kaoping(tmp.path(), &told);
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
