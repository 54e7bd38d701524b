//! The province's own files as offices keep them (issue 9): 省级评定 and the region registry saved
//! by Excel or WPS on Chinese Windows (GB18030), with a BOM, with headers typed with a Chinese
//! input method, and kept as `.xlsx`, each scoring exactly as the UTF-8 originals; and a 省级评定
//! that is missing or cannot be read in full stops `score` unless the clerk says otherwise.

use crate::util::kaoping;
use calamine::{open_workbook_auto, Data, Reader};
use kaoping::pipeline::{self, ScoreRun, Setup};
use std::path::{Path, PathBuf};

const PROVINCE: &str = "省级评定.csv";

fn samples_q4() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2025Q4")
}

fn original_province() -> String {
    std::fs::read_to_string(samples_q4().join(PROVINCE)).unwrap()
}

fn original_registry() -> String {
    kaoping::registry::BUILTIN_REGIONS.to_string()
}

/// The 2025Q4 sample submissions without their 省级评定.csv.
fn submissions(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(samples_q4()).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != PROVINCE {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// What a region's result is, without where each value came from (a workbook's cells have other
/// addresses than a CSV's).
type Outcome = Vec<(
    String,
    String,
    String,
    u32,
    String,
    Option<String>,
    String,
    String,
)>;

fn outcome(o: &pipeline::ScoreOutcome) -> Outcome {
    o.results
        .iter()
        .map(|r| {
            let scores: Vec<String> = r
                .indicators
                .iter()
                .map(|i| format!("{}={}", i.id, i.score))
                .collect();
            let deductions: Vec<String> = r
                .deduction_items
                .iter()
                .map(|d| format!("{}:{}", d.label, d.points))
                .collect();
            (
                r.code.clone(),
                r.status.label().to_string(),
                format!("{:.2}", r.total),
                r.rank,
                r.grade.clone(),
                r.veto.clone(),
                deductions.join(";"),
                scores.join(";"),
            )
        })
        .collect()
}

/// Scores the sample quarter with 省级评定 written as `province` (file name, bytes) and, when
/// given, the registry as `registry`.
fn score_with(province: (&str, &[u8]), registry: Option<(&str, &[u8])>) -> Outcome {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("2025Q4");
    submissions(&dir);
    std::fs::write(dir.join(province.0), province.1).unwrap();
    let regions = registry.map(|(name, bytes)| {
        let p = tmp.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    });
    let setup = Setup::load(None, regions.as_deref()).unwrap();
    let o = pipeline::score(&ScoreRun {
        setup: &setup,
        quarter: "2025Q4".parse().unwrap(),
        input: &dir,
        history: None,
        out: &tmp.path().join("r.xlsx"),
        replace: false,
        without_province_findings: false,
        run_time: "2026-01-15 09:30:00".into(),
        wait: kaoping::history::DEFAULT_WAIT,
        on_wait: |_| {},
        progress: &kaoping::ingest::Silent,
        sends: Default::default(),
        scheme_change: None,
    })
    .unwrap();
    outcome(&o)
}

/// A file to write: name and bytes.
type File = (&'static str, Vec<u8>);

fn gb18030(text: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(text).0.into_owned()
}

fn with_bom(text: &str) -> Vec<u8> {
    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice(text.as_bytes());
    b
}

/// The CSV as a workbook a clerk would keep: numbers as numbers (区划代码 too), text as text.
fn as_xlsx(csv_text: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    for (r, rec) in rdr.records().enumerate() {
        for (c, cell) in rec.unwrap().iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.replace(',', "").parse::<f64>() {
                Ok(v) => ws.write_number(r, c, v).unwrap(),
                Err(_) => ws.write_string(r, c, cell).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

/// Headers as typed with a Chinese input method: full-width brackets and spaces, CRLF lines.
fn full_width_headers(csv_text: &str) -> String {
    let (head, rest) = csv_text.split_once('\n').unwrap();
    let head = head
        .replace('(', "（")
        .replace(')', "）")
        .replace(',', "\u{3000},");
    format!("{head}\r\n{}", rest.replace('\n', "\r\n"))
}

#[test]
fn every_way_an_office_keeps_its_files_scores_as_the_utf8_originals() {
    let (province, registry) = (original_province(), original_registry());
    let want = score_with(
        (PROVINCE, province.as_bytes()),
        Some(("地区名录.csv", registry.as_bytes())),
    );
    // The originals carry a veto and deductions, so losing them would show.
    let jieyang = want.iter().find(|r| r.0 == "445200").unwrap();
    assert!(jieyang.5.is_some(), "揭阳市 is vetoed in the sample");
    assert!(
        want.iter().any(|r| !r.6.is_empty()),
        "some region has deductions"
    );

    let cases: Vec<(&str, File, File)> = vec![
        (
            "GB18030 (Excel's “CSV（逗号分隔）” on Chinese Windows)",
            (PROVINCE, gb18030(&province)),
            ("地区名录.csv", gb18030(&registry)),
        ),
        (
            "UTF-8 with BOM (Excel's “CSV UTF-8”)",
            (PROVINCE, with_bom(&province)),
            ("地区名录.csv", with_bom(&registry)),
        ),
        (
            "full-width headers, CRLF, GB18030",
            (PROVINCE, gb18030(&full_width_headers(&province))),
            ("地区名录.csv", gb18030(&full_width_headers(&registry))),
        ),
        (
            "xlsx",
            ("省级评定.xlsx", as_xlsx(&province)),
            ("地区名录.xlsx", as_xlsx(&registry)),
        ),
    ];
    for (what, (pname, pbytes), (rname, rbytes)) in &cases {
        let got = score_with((pname, pbytes), Some((rname, rbytes)));
        assert_eq!(got, want, "{what}");
    }
}

fn cells(path: &Path, sheet: &str) -> Vec<String> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .flatten()
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// Every file of a folder with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn an_unreadable_province_file_stops_score_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("2025Q4");
    submissions(&dir);
    std::fs::write(dir.join(PROVINCE), original_province()).unwrap();
    let (out, history) = (tmp.path().join("r.xlsx"), tmp.path().join("h"));
    let args = |extra: &[&'static str]| -> Vec<String> {
        let mut a: Vec<String> = [
            "score",
            dir.to_str().unwrap(),
            "--new-history",
            "--history",
            history.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--replace",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |extra: &[&'static str]| {
        let a = args(extra);
        kaoping(
            tmp.path(),
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    // The sample has one region with errors (潮州市): exit 1, workbook and history written.
    assert_eq!(run(&[]).status.code(), Some(1));
    let (workbook, recorded) = (std::fs::read(&out).unwrap(), snapshot(&history));
    assert!(cells(&out, "总排名")
        .iter()
        .any(|c| c.starts_with("注：揭阳市被一票否决")));

    // 揭阳市's veto typed as “待定”, saved by Excel in GB18030.
    let bad = original_province().replace(",是,辖区内", ",待定,辖区内");
    assert_ne!(bad, original_province());
    std::fs::write(dir.join(PROVINCE), gb18030(&bad)).unwrap();
    let o = run(&[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("省级评定.csv 第21行第7列（G21）：“一票否决”"),
        "{stderr}"
    );
    assert!(stderr.contains("--without-province-findings"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), workbook, "workbook untouched");
    assert_eq!(snapshot(&history), recorded, "history untouched");

    // A region code the registry does not have, and a file in no known encoding, stop it too.
    let unknown = format!("{}449900,90,0,0,0,否,否,\n", original_province());
    std::fs::write(dir.join(PROVINCE), unknown).unwrap();
    let o = run(&[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("“449900”不在地区名录中"), "{stderr}");
    std::fs::write(dir.join(PROVINCE), b"\xFF\xFE\x00\xD8garbage\x81").unwrap();
    assert_eq!(run(&[]).status.code(), Some(2));
    std::fs::remove_file(dir.join(PROVINCE)).unwrap();
    let o = run(&[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("没有省级评定.csv"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), workbook, "workbook untouched");
    assert_eq!(snapshot(&history), recorded, "history untouched");

    // The clerk's explicit word: scored without the findings, and every reader is told.
    std::fs::write(dir.join(PROVINCE), gb18030(&bad)).unwrap();
    let o = run(&["--without-province-findings"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("注意：本次评分未计入省级评定（省级评定.csv有1处错误）"),
        "{stdout}"
    );
    let ranking = cells(&out, "总排名");
    assert!(ranking.iter().any(|c| c == "注意：本表未计入省级评定"));
    assert!(ranking.iter().any(|c| c
        .starts_with("本次评分未计入省级评定（省级评定.csv有1处错误）")
        && c.contains("一票否决也未计入")));
    assert!(ranking[1].ends_with("\n【本表未计入省级评定，不能作为正式考评结果】"));
    let notes = cells(&out, "评分说明");
    let at = notes.iter().position(|c| c == "省级评定").unwrap();
    assert!(
        notes[at + 1].starts_with("本次评分未计入省级评定"),
        "{}",
        notes[at + 1]
    );
    // Without the findings nobody is vetoed.
    assert!(!ranking
        .iter()
        .any(|c| c.starts_with("注：揭阳市被一票否决")));
}
