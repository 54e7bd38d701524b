//! One regression test per bug fixed, named after what it was (`regression_…`). Those that
//! need no more than one module's internals live beside the code instead (`cargo test --release
//! regression_` runs them all).

use crate::report::{assessment, text, write};
use crate::util::samples;
use calamine::{open_workbook_auto, DataType, Reader};
use kaoping::history::{self, Written};
use kaoping::pipeline::{self, Error, ScoreRun, Setup};
use kaoping::quarter::Quarter;
use kaoping::record::Status;
use kaoping::report;
use kaoping::scheme::Scheme;
use std::io::Read;
use std::process::Command;

/// Regression: `kaoping check … | head -1` panicked ("failed printing to stdout: Broken pipe")
/// once the reader went away. The output is dropped; the run finishes and writes its workbook.
#[test]
fn regression_a_closed_output_pipe_does_not_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args([
            "check",
            samples().join("2025Q4").to_str().unwrap(),
            "--out",
            "q.xlsx",
        ])
        .current_dir(tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the first line is printed.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // 潮州市's errors: exit 1, and the workbook is written.
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(tmp.path().join("q.xlsx").is_file());
}

/// Regression (issue 8): a region that sent a faulty file was labelled 未报送 on 总排名 and in
/// 预警与督办. Its status is 数据有误，退回修改 everywhere, and it carries no measure.
#[test]
fn regression_faulty_file_reads_as_returned_not_unreported() {
    let scheme = Scheme::builtin().unwrap();
    let mut a = assessment(&scheme);
    let r = a.regions.iter_mut().find(|r| r.code == "440106").unwrap();
    r.status = Status::Invalid;
    r.file = Some("天河区.xlsx".into());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("排名.xlsx");
    report::write(&a, &path).unwrap();
    let mut wb = open_workbook_auto(&path).unwrap();
    let r = wb.worksheet_range("总排名").unwrap();
    assert_eq!(text(&r, 6, 3), "天河区");
    assert_eq!(text(&r, 6, 8), "", "no measure");
    assert_eq!(text(&r, 6, 9), "数据有误，退回修改");
    let r = wb.worksheet_range("预警与督办").unwrap();
    assert_eq!(text(&r, 9, 2), "天河区");
    assert!(
        text(&r, 9, 3).starts_with("数据有误，退回修改：报送文件天河区.xlsx有错误"),
        "{}",
        text(&r, 9, 3)
    );
    let all: Vec<String> = r
        .used_cells()
        .filter_map(|(_, _, d)| d.get_string().map(str::to_string))
        .collect();
    assert!(!all.iter().any(|s| s.contains("未报送")), "{all:?}");
}

/// Regression (issue 8): wrapped text printed over the rows below it because no row heights were
/// set. The row of a long 情况说明 gets a height for all its lines.
#[test]
fn regression_wrapped_text_rows_are_tall_enough() {
    let scheme = Scheme::builtin().unwrap();
    let mut a = assessment(&scheme);
    let long = "很长的情况说明".repeat(30); // 210 CJK characters = 420 units
    a.flags.get_mut("440104").unwrap()[0].reason = long;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("排名.xlsx");
    report::write(&a, &path).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    // 预警与督办 is the fifth sheet; 越秀区 is its second region, row 5 in A1 terms.
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet5.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let at = xml.find("<row r=\"5\"").unwrap();
    let tag = &xml[at..at + xml[at..].find('>').unwrap()];
    let height: f64 = tag
        .split("ht=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(tag.contains("customHeight=\"1\""), "{tag}");
    // The 情况说明 column is 60 units wide (59 usable): the text and the measure take at least 8
    // lines of 14.5 points.
    assert!(height >= 8.0 * 14.5, "{height} in {tag}");
}

/// Regression (issue 8): in low-memory mode rust_xlsxwriter wrote a sheet's last row twice when
/// that row had its own height, a file Excel repairs or refuses. Every row of every sheet of the
/// demo's workbook appears once, in order.
#[test]
fn regression_low_memory_last_row_written_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "排名.xlsx");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .collect();
    assert_eq!(names.len(), 9);
    for name in names {
        let mut xml = String::new();
        zip.by_name(&name)
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let rows: Vec<u32> = xml
            .split("<row r=\"")
            .skip(1)
            .map(|t| t.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(
            rows.windows(2).all(|w| w[0] < w[1]),
            "{name}: rows {rows:?}"
        );
    }
}

/// Regression (issue 10): history was written before the workbook, so a run whose workbook
/// could not be written (here the output path is a folder) still recorded the quarter, with no
/// ranking to show for it. Now it leaves the history as it was; the same run with a writable
/// path then records it.
#[test]
fn regression_a_workbook_that_cannot_be_written_left_the_quarter_in_history() {
    let setup = Setup::load(None, None).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let h = tmp.path().join("h");
    let q1: Quarter = "2025Q1".parse().unwrap();
    let blocked = tmp.path().join("blocked.xlsx");
    std::fs::create_dir_all(blocked.join("inside")).unwrap();
    let mut score = ScoreRun {
        setup: &setup,
        quarter: q1,
        input: &samples().join("2025Q1"),
        history: Some(&h),
        out: &blocked,
        replace: false,
        without_province_findings: false,
        run_time: "2026-01-01 00:00:00".into(),
        wait: history::DEFAULT_WAIT,
        on_wait: |_| {},
        progress: &kaoping::ingest::Silent,
        sends: Default::default(),
    };
    let err = pipeline::score(&score).unwrap_err();
    assert!(matches!(err, Error::Report(_)), "{err}");
    assert!(history::quarters(&h).unwrap().is_empty());
    assert!(!h.join(history::RERUN_FILE).exists());

    let out = tmp.path().join("q1.xlsx");
    score.out = &out;
    let o = pipeline::score(&score).unwrap();
    assert_eq!(o.history, Some(Written::New));
    assert_eq!(history::quarters(&h).unwrap(), vec![q1]);
}
