//! The engine-written submissions the corpus starts from: one filled workbook per region, every
//! one with the same known figures (`FIGURES`), so that each corpus file's expected values are
//! these figures whatever program re-saved it. `scripts/make-corpus.sh` writes them through
//! `KAOPING_CORPUS_BASES=DIR cargo test --release --test integration corpus::write_bases`, then edits and
//! re-saves them with openpyxl and LibreOffice.

use chrono::NaiveDate;
use kaoping::quarter::Quarter;
use kaoping::registry::Registry;
use kaoping::scheme::Scheme;
use kaoping::submission::Cell;
use kaoping::template::{self, Filled};
use std::collections::BTreeMap;
use std::path::Path;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 汇总指标 and 工作情况 of every base (是/否 as 1/0).
pub const FIGURES: [(&str, f64); 32] = [
    ("S01", 3.0),
    ("S02", 1.0),
    ("S03", 1125.5),
    ("S04", 12.25),
    ("S05", 2.0),
    ("S06", 0.0),
    ("S07", 0.0),
    ("S08", 0.0),
    ("S09", 1.0),
    ("S10", 0.0),
    ("S11", 0.0),
    ("S12", 0.0),
    ("S13", 0.0),
    ("S14", 0.0),
    ("S15", 0.0),
    ("S16", 0.0),
    ("S17", 1.0),
    ("S18", 2.0),
    ("S20", 2.0),
    ("S21", 3.0),
    ("S30", 10.0),
    ("S31", 9.0),
    ("S32", 3.0),
    ("W01", 1.0),
    ("W02", 1.0),
    ("W03", 0.0),
    ("W04", 1.0),
    ("W11", 1.0),
    ("W12", 0.0),
    ("W13", 0.0),
    ("W14", 1.0),
    ("W15", 0.0),
];

/// 填报日期 of every base.
pub fn filed_on() -> NaiveDate {
    d(2026, 1, 5)
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// Ledger rows of every base, by ledger id, in the scheme's column order.
pub fn ledgers(code: &str) -> BTreeMap<String, Vec<Vec<Cell>>> {
    let mut l = BTreeMap::new();
    l.insert(
        "transfer".to_string(),
        vec![
            vec![
                text(&format!("{code}-Y001")),
                text("商标"),
                Cell::Date(d(2025, 10, 9)),
                Cell::Date(d(2025, 10, 20)),
                text("市公安局"),
                Cell::YesNo(true),
                Cell::Date(d(2025, 11, 3)),
            ],
            vec![
                text(&format!("{code}-Y002")),
                text("互联网"),
                Cell::Date(d(2025, 11, 2)),
                Cell::Date(d(2025, 12, 1)),
                text("市公安局"),
                Cell::YesNo(false),
                Cell::Empty,
            ],
        ],
    );
    l.insert(
        "disclosure".to_string(),
        vec![
            vec![
                text(&format!("{code}-C001")),
                Cell::Date(d(2025, 10, 15)),
                Cell::Date(d(2025, 10, 20)),
                text("https://www.gsxt.gov.cn/C001"),
            ],
            vec![
                text(&format!("{code}-C002")),
                Cell::Date(d(2025, 11, 5)),
                Cell::Date(d(2025, 12, 10)),
                text("https://www.gsxt.gov.cn/C002"),
            ],
            vec![
                text(&format!("{code}-C003")),
                Cell::Date(d(2025, 12, 20)),
                Cell::Empty,
                Cell::Empty,
            ],
        ],
    );
    l.insert(
        "destruction".to_string(),
        vec![
            vec![
                text(&format!("{code}-X001")),
                text("服装鞋帽"),
                Cell::Number(1500.0),
                text("件"),
                Cell::Number(1200.0),
                Cell::Number(35.5),
                Cell::Date(d(2025, 11, 17)),
                Cell::Date(d(2025, 12, 2)),
                text("焚烧"),
                text("市环保处置有限公司"),
                Cell::YesNo(true),
                Cell::YesNo(true),
            ],
            vec![
                text(&format!("{code}-X002")),
                text("食品"),
                Cell::Number(300.0),
                text("箱"),
                Cell::Number(450.5),
                Cell::Empty,
                Cell::Date(d(2025, 12, 20)),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ],
        ],
    );
    l
}

/// The regions the corpus uses; each base is `{code}.xlsx`.
pub const REGIONS: [&str; 19] = [
    "440200", "445200", "440300", "440400", "440500", "440600", "440700", "440800", "440900",
    "441200", "441300", "441400", "441500", "441600", "441700", "441800", "441900", "442000",
    "445100",
];

/// Writes `{code}.xlsx` for every region of `REGIONS` into `dir`, and `blank.xlsx` (the generic
/// blank template).
pub fn write_bases(dir: &Path) {
    let scheme = Scheme::builtin().unwrap();
    let registry = Registry::builtin().unwrap();
    let quarter: Quarter = "2025Q4".parse().unwrap();
    std::fs::create_dir_all(dir).unwrap();
    for code in REGIONS {
        let region = registry.get(code).unwrap();
        let filled = Filled {
            filled_by: "李四".to_string(),
            phone: "020-87654321".to_string(),
            filed_on: Some(filed_on()),
            fields: FIGURES.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            field_text: BTreeMap::new(),
            ledgers: ledgers(code),
        };
        template::write(
            &dir.join(format!("{code}.xlsx")),
            &scheme,
            Some(region),
            Some(quarter),
            Some(&filled),
        )
        .unwrap();
    }
    template::write(&dir.join("blank.xlsx"), &scheme, None, None, None).unwrap();
}
