//! What every test module shares: the binary run as a clerk runs it, and the committed samples.

use calamine::{open_workbook_auto, Data, Reader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `kaoping ARGS` in `dir`, with a fixed 评分时间 (`SOURCE_DATE_EPOCH`) so outputs compare.
pub fn kaoping(dir: &Path, args: &[&str]) -> Output {
    kaoping_with(dir, args, &[])
}

/// [`kaoping`] with more environment variables (e.g. `KAOPING_TODAY`).
pub fn kaoping_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// The committed sample quarters (`samples/2025Q1` … `samples/2025Q4`).
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// `kaoping demo` over the committed samples into `out`, which must succeed.
pub fn demo(dir: &Path, out: &Path) -> Output {
    let o = kaoping(
        dir,
        &[
            "demo",
            "--samples",
            samples().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// A cell as text (a number as Rust prints it, a date as yyyy-mm-dd).
pub fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|x| x.date().to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The rows of a sheet below the header row whose first cell is `first_header`, up to the first
/// empty row (what follows a table is its legend and notes).
pub fn table(path: &Path, sheet: &str, first_header: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
    let header = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some(first_header))
        .unwrap_or_else(|| panic!("{sheet}: no header starting with {first_header}"));
    rows[header + 1..]
        .iter()
        .take_while(|r| r.iter().any(|c| !c.is_empty()))
        .cloned()
        .collect()
}

/// `pipeline::assess` of a folder (no history, nothing sent), as `score` does it before it
/// writes anything.
pub fn assess(
    setup: &kaoping::pipeline::Setup,
    quarter: kaoping::quarter::Quarter,
    input: &Path,
) -> kaoping::pipeline::Assessed {
    let tmp = tempfile::tempdir().unwrap();
    let run = kaoping::pipeline::ScoreRun {
        setup,
        quarter,
        input,
        history: None,
        out: &tmp.path().join("out.xlsx"),
        replace: false,
        without_province_findings: false,
        run_time: "2026-01-20 00:00:00".into(),
        wait: kaoping::history::DEFAULT_WAIT,
        on_wait: |_| {},
        progress: &kaoping::ingest::Silent,
        sends: Default::default(),
        scheme_change: None,
    };
    kaoping::pipeline::assess(&run).unwrap()
}

/// Every cell of every sheet of a workbook, as text, in sheet and row order.
pub fn all_cells(path: &Path) -> Vec<String> {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        out.extend(range.rows().flat_map(|r| r.iter().map(text)));
    }
    out.retain(|c| !c.is_empty());
    out
}

/// The paragraphs of a `.docx` body, as text.
pub fn docx_paragraphs(path: &Path) -> Vec<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut out, mut para, mut in_text) = (Vec::new(), String::new(), false);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "w:t" => in_text = true,
            quick_xml::events::Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => out.push(std::mem::take(&mut para)),
                _ => {}
            },
            quick_xml::events::Event::Text(t) if in_text => para.push_str(&t.xml10_content()),
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}
