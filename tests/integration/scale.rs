//! Nationwide runs (issue 12): ingest's result does not depend on the number of threads or the
//! order of the files, and files written by another program by the same contract score as the
//! engine's own templates do.

use crate::util::samples;
use chrono::NaiveDate;
use kaoping::ingest::{self, Context, Limits, Silent};
use kaoping::pipeline::{Assessed, Setup};
use kaoping::problem::Kind;
use kaoping::quarter::Quarter;
use kaoping::samples::{Plan, Writer};
use std::path::{Path, PathBuf};

fn setup() -> Setup {
    let mut setup = Setup::load(None, None).unwrap();
    setup.today = NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();
    setup
}

fn q4() -> Quarter {
    "2025Q4".parse().unwrap()
}

/// The batch of `files` read on a pool of `threads` threads, written out in full.
fn batch(setup: &Setup, files: &[PathBuf], threads: usize) -> String {
    let ctx = Context {
        scheme: &setup.scheme,
        registry: &setup.registry,
        quarter: q4(),
        today: setup.today,
        limits: Limits::default(),
    };
    let hash = kaoping::template::template_hash(&setup.scheme);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let subs = pool.install(|| ingest::read_files(files, &ctx, &hash, &Silent));
    format!("{:#?}", ingest::select(subs, &ctx))
}

/// The samples' 2025Q4 (a duplicate, a file with errors, 21 regions) read with 1, 2 and 5
/// threads, in name order, reversed and interleaved: the same submissions, problems (in the same
/// order) and file list every time.
#[test]
fn ingest_is_the_same_with_any_thread_count_and_file_order() {
    let setup = setup();
    let dir = samples().join("2025Q4");
    let files = ingest::list_files(&dir, &setup.scheme).unwrap();
    assert!(files.len() > 20, "{files:?}");
    let mut reversed = files.clone();
    reversed.reverse();
    let (even, odd): (Vec<_>, Vec<_>) = files
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let interleaved: Vec<PathBuf> = odd.into_iter().chain(even).map(|(_, p)| p).collect();
    assert_ne!(interleaved, files);

    let one = batch(&setup, &files, 1);
    // The batch has what the comparison is about: both of 广州市's files, 潮州市's errors.
    assert!(
        one.contains("440100_广州市_2025Q4_初稿.xlsx"),
        "no duplicate"
    );
    assert!(one.contains("445100"), "no 潮州市");
    for (order, name) in [
        (&files, "name order"),
        (&reversed, "reversed"),
        (&interleaved, "interleaved"),
    ] {
        for threads in [1, 2, 5] {
            assert!(
                batch(&setup, order, threads) == one,
                "{name}, {threads} threads"
            );
        }
    }
}

fn assess(setup: &Setup, input: &Path) -> Assessed {
    crate::util::assess(setup, q4(), input)
}

/// The demo's 2025Q4 written twice from the same seed, by the template and as another program
/// writes it (only the contract's sheets, headers and values): every region gets the same
/// status, total, rank, 等次 and measures; the files of the other program are a third of the
/// size; and the only extra problem is one warning per file that it has no `_meta`.
#[test]
fn files_another_program_writes_score_as_the_templates_do() {
    let setup = setup();
    let tmp = tempfile::tempdir().unwrap();
    let mut folders = Vec::new();
    for writer in [Writer::Template, Writer::OtherProgram] {
        let out = tmp.path().join(format!("{writer:?}"));
        let plan = Plan {
            quarters: vec![q4()],
            seed: 2025,
            max_ledger_rows: 1000,
            scripted: true,
            writer,
        };
        kaoping::samples::write(&out, &setup.scheme, &setup.registry, &setup.calendar, &plan)
            .unwrap();
        folders.push(out.join("2025Q4"));
    }
    let size = |dir: &Path| -> u64 {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum()
    };
    let (template, other) = (size(&folders[0]), size(&folders[1]));
    assert!(other * 2 < template, "{other} vs {template} bytes");

    let a = assess(&setup, &folders[0]);
    let b = assess(&setup, &folders[1]);
    let shown = |x: &Assessed| -> Vec<String> {
        x.results
            .iter()
            .map(|r| {
                let flags: Vec<String> = x
                    .flags
                    .get(&r.code)
                    .map(|f| f.iter().map(|f| f.measure.id.clone()).collect())
                    .unwrap_or_default();
                format!(
                    "{} {:?} {:.2} {:?} {} {}",
                    r.code,
                    r.status,
                    r.total,
                    r.rank,
                    r.grade,
                    flags.join("/")
                )
            })
            .collect()
    };
    assert_eq!(shown(&a), shown(&b));
    assert_eq!(a.results.len(), 21);
    assert!(a.results.iter().filter(|r| r.is_scored()).count() == 20);

    let messages = |x: &Assessed| -> Vec<String> {
        let mut m: Vec<String> = x
            .problems
            .iter()
            .map(|p| format!("{} {}", p.source.located(), p.message))
            .collect();
        m.sort();
        m
    };
    let extra: Vec<&kaoping::problem::Problem> = b
        .problems
        .iter()
        .filter(|p| {
            !a.problems
                .iter()
                .any(|q| q.source == p.source && q.message == p.message)
        })
        .collect();
    let files = std::fs::read_dir(&folders[1])
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "xlsx")
        })
        .count();
    assert_eq!(extra.len(), files, "{:#?}", messages(&b));
    assert!(
        extra
            .iter()
            .all(|p| p.kind == Kind::Template && p.source.sheet == "_meta"),
        "{extra:#?}"
    );
    assert_eq!(messages(&a).len() + files, messages(&b).len());
}
