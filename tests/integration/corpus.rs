//! The submission corpus (`tests/corpus/files`, listed in `tests/corpus/README.md`): valid
//! submissions re-saved by LibreOffice in every format, what people really type, and broken and
//! hostile files. For each file: the exact problems ingest reports, and for the valid ones the
//! exact values read.

#[path = "../corpus/bases.rs"]
pub mod bases;

use crate::util::kaoping;
use calamine::{open_workbook_auto, Data, Reader};
use kaoping::ingest::{self, Context, Limits};
use kaoping::problem::Kind;
use kaoping::problem::Severity;
use kaoping::quarter::Quarter;
use kaoping::registry::Registry;
use kaoping::scheme::Scheme;
use kaoping::submission::{Cell, Submission};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/files")
}

/// Reads one corpus file as `check` and `score` do.
fn read(name: &str) -> Submission {
    read_with(name, Limits::default())
}

fn read_with(name: &str, limits: Limits) -> Submission {
    let scheme = Scheme::builtin().unwrap();
    let registry = Registry::builtin().unwrap();
    let quarter: Quarter = "2025Q4".parse().unwrap();
    let ctx = Context {
        scheme: &scheme,
        registry: &registry,
        quarter,
        today: chrono::Local::now().date_naive(),
        limits,
    };
    let hash = kaoping::template::template_hash(&scheme);
    ingest::read_file(&corpus().join(name), &ctx, &hash)
}

/// Writes the engine-written bases the corpus is made from (run by `scripts/make-corpus.sh`).
#[test]
fn write_bases() {
    if let Ok(dir) = std::env::var("KAOPING_CORPUS_BASES") {
        bases::write_bases(Path::new(&dir));
    }
}

/// One expected problem: severity (E or W), kind, sheet and cell.
type Expected = (&'static str, Kind, &'static str, &'static str);

/// Asserts the exact problems of a file, in the order ingest reports them.
fn expect(name: &str, expected: &[Expected]) {
    let sub = read(name);
    let got: Vec<String> = sub
        .problems
        .iter()
        .map(|p| {
            let s = if p.severity == Severity::Error {
                "E"
            } else {
                "W"
            };
            format!(
                "{s} {:?} {}!{} {}",
                p.kind, p.source.sheet, p.source.cell, p.message
            )
        })
        .collect();
    let ok = got.len() == expected.len()
        && sub
            .problems
            .iter()
            .zip(expected)
            .all(|(p, (sev, kind, sheet, cell))| {
                let s = if p.severity == Severity::Error {
                    "E"
                } else {
                    "W"
                };
                s == *sev
                    && p.source.sheet == *sheet
                    && p.source.cell == *cell
                    && p.source.file == name
                    && p.kind == *kind
            });
    assert!(
        ok,
        "{name}\nexpected:\n{}\ngot:\n{}",
        expected
            .iter()
            .map(|(a, b, c, d)| format!("{a} {b:?} {c}!{d}"))
            .collect::<Vec<_>>()
            .join("\n"),
        got.join("\n")
    );
}

/// Asserts that the one problem of a file refused whole gives the reason in words.
fn assert_reason(name: &str, reason: &str) {
    let sub = read(name);
    assert!(
        sub.problems[0].message.contains(reason),
        "{name}: {}",
        sub.problems[0].message
    );
}

/// Asserts that a submission holds exactly the figures, ledgers and 基本情况 of its base.
fn assert_base_values(name: &str, sub: &Submission, code: &str) {
    assert_eq!(sub.region_code, code, "{name}");
    assert_eq!(sub.quarter, Some("2025Q4".parse().unwrap()), "{name}");
    assert_eq!(sub.filled_by, "李四", "{name}");
    assert_eq!(sub.phone, "020-87654321", "{name}");
    assert_eq!(sub.meta.region_code, code, "{name}");
    let fields: BTreeMap<&str, f64> = sub
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.value))
        .collect();
    let want: BTreeMap<&str, f64> = bases::FIGURES.iter().copied().collect();
    assert_eq!(fields, want, "{name}");
    // Each value knows its cell: S01 is 汇总指标!D2, W01 is 工作情况!C2.
    assert_eq!(sub.fields["S01"].source.address(), "汇总指标!D2", "{name}");
    assert_eq!(sub.fields["W01"].source.address(), "工作情况!C2", "{name}");
    let ledgers = bases::ledgers(code);
    assert_eq!(sub.ledgers.len(), 3, "{name}");
    for (id, rows) in &ledgers {
        let got = &sub.ledgers[id];
        let cells: Vec<&Vec<Cell>> = got.rows.iter().map(|r| &r.cells).collect();
        assert_eq!(cells, rows.iter().collect::<Vec<_>>(), "{name} {id}");
        let numbers: Vec<u32> = got.rows.iter().map(|r| r.row).collect();
        assert_eq!(
            numbers,
            (2..2 + rows.len() as u32).collect::<Vec<_>>(),
            "{name} {id}"
        );
    }
}

// ---------------------------------------------------------------- valid, in every format

#[test]
fn valid_submissions_read_exactly_in_every_format() {
    for (name, code) in [
        ("valid-engine.xlsx", "440700"),
        ("valid-lo.xlsx", "440300"),
        ("valid-lo.xls", "440400"),
        ("valid-lo.ods", "440500"),
        ("valid-lo.xlsm", "440600"),
        ("valid-gnumeric.ods", "440700"),
    ] {
        expect(name, &[]);
        let sub = read(name);
        assert_base_values(name, &sub, code);
        assert_eq!(sub.filed_on, Some(bases::filed_on()), "{name}");
        assert_eq!(sub.sha256.len(), 64);
    }
}

/// Gnumeric's ods (`ssconvert valid-engine.xlsx valid-gnumeric.ods`, Debian's gnumeric 1.12.55)
/// indents its content.xml, which calamine 0.38 cannot read between a row's cells: the guard
/// hands calamine the part without that whitespace. The file reads as the xlsx it was converted
/// from, cell for cell, and alone in a folder `check` accepts it and `explain` says the same.
#[test]
fn a_gnumeric_ods_reads_and_scores_as_the_xlsx_it_was_converted_from() {
    let xlsx = read("valid-engine.xlsx");
    let ods = read("valid-gnumeric.ods");
    expect("valid-gnumeric.ods", &[]);
    let fields = |s: &Submission| -> Vec<(String, f64, String)> {
        s.fields
            .iter()
            .map(|(k, v)| (k.clone(), v.value, v.source.address()))
            .collect()
    };
    assert_eq!(fields(&ods), fields(&xlsx));
    assert_eq!(ods.ledgers, xlsx.ledgers);
    assert_eq!(
        (
            &ods.region_code,
            &ods.region_name,
            ods.quarter,
            &ods.filled_by
        ),
        (
            &xlsx.region_code,
            &xlsx.region_name,
            xlsx.quarter,
            &xlsx.filled_by
        )
    );
    assert_eq!((&ods.phone, ods.filed_on), (&xlsx.phone, xlsx.filed_on));
    assert_eq!(ods.meta, xlsx.meta);

    let tmp = tempfile::tempdir().unwrap();
    // The file's name, and the spaces that align columns to it, aside.
    let plain = |out: &[u8], name: &str| -> String {
        String::from_utf8_lossy(out)
            .replace(name, "FILE")
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let run = |name: &str| -> (String, String) {
        let dir = tmp.path().join(name).join("2025Q4");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(corpus().join(name), dir.join(name)).unwrap();
        let d = dir.to_str().unwrap();
        let out = dir.with_file_name("q.xlsx");
        let check = kaoping(tmp.path(), &["check", d, "--out", out.to_str().unwrap()]);
        let check_out = plain(&check.stdout, name);
        assert_eq!(check.status.code(), Some(0), "{name}: {check_out}");
        let explain = kaoping(
            tmp.path(),
            &["explain", d, "440700", "--without-province-findings"],
        );
        let explain_out = plain(&explain.stdout, name);
        assert_eq!(
            explain.status.code(),
            Some(0),
            "{name}: {explain_out}\n{}",
            String::from_utf8_lossy(&explain.stderr)
        );
        (check_out, explain_out)
    };
    let (check_xlsx, explain_xlsx) = run("valid-engine.xlsx");
    let (check_ods, explain_ods) = run("valid-gnumeric.ods");
    assert!(
        check_ods.contains("FILE 采用 错误0条 警告0条"),
        "{check_ods}"
    );
    assert_eq!(check_ods, check_xlsx);
    assert!(explain_ods.contains("江门市"), "{explain_ods}");
    assert_eq!(explain_ods, explain_xlsx);
}

#[test]
fn an_xlsx_renamed_to_xls_is_read_with_a_warning() {
    expect("xlsx-named.xls", &[("W", Kind::Note, "", "")]);
    assert_base_values("xlsx-named.xls", &read("xlsx-named.xls"), "440200");
}

// ---------------------------------------------------------------- what people type

const TYPED: [Expected; 17] = [
    ("W", Kind::Note, "基本情况", "B7"),
    ("W", Kind::Note, "汇总指标", "D2"),
    ("W", Kind::Note, "汇总指标", "D3"),
    ("W", Kind::Note, "汇总指标", "D4"),
    ("W", Kind::Note, "汇总指标", "D6"),
    ("W", Kind::Note, "工作情况", "C2"),
    ("W", Kind::Note, "工作情况", "C3"),
    ("W", Kind::Note, "工作情况", "C4"),
    ("W", Kind::Note, "工作情况", "C5"),
    ("W", Kind::Note, "工作情况", "C6"),
    ("W", Kind::Note, "移送台账", "C2"),
    ("W", Kind::Note, "移送台账", "D2"),
    ("W", Kind::Note, "移送台账", "F3"),
    ("W", Kind::Note, "信息公开台账", "B2"),
    ("W", Kind::Note, "信息公开台账", "B3"),
    ("W", Kind::Note, "销毁台账", "E2"),
    ("W", Kind::Note, "销毁台账", "K2"),
];

/// Full-width digits, thousands separators, numbers as text, spaces, Y/√/×/有/N, text dates,
/// a serial date, a datetime and a formula (S04 = 10+2.25, its cached value): every guess is a
/// warning on its cell, and the values read are exactly the base's.
#[test]
fn what_people_type_is_read_with_a_warning_per_guess() {
    for (name, code) in [
        ("typed-lo.xlsx", "440800"),
        ("typed-lo.ods", "440900"),
        ("typed-lo.xls", "441200"),
    ] {
        expect(name, &TYPED);
        let sub = read(name);
        assert_base_values(name, &sub, code);
        assert_eq!(sub.filed_on, Some(bases::filed_on()));
        assert!(!sub.has_errors());
    }
}

// ---------------------------------------------------------------- faulty submissions

#[test]
fn values_that_cannot_be_read_or_contradict_each_other_are_errors() {
    expect(
        "bad-values.xlsx",
        &[
            ("E", Kind::BadValue, "汇总指标", "D3"),
            ("E", Kind::BadValue, "汇总指标", "D6"),
            ("E", Kind::BadValue, "汇总指标", "D10"),
            ("E", Kind::BadValue, "汇总指标", "D18"),
            ("E", Kind::BadValue, "汇总指标", "D19"),
            ("E", Kind::BadValue, "工作情况", "C2"),
            ("E", Kind::BadValue, "移送台账", "C2"),
            ("E", Kind::Date, "移送台账", "D2"),
            ("E", Kind::Duplicate, "移送台账", "A3"),
            ("E", Kind::Date, "信息公开台账", "C2"),
            // 销毁方式 is read by no score: a warning, not an error (issue 9).
            ("W", Kind::BadValue, "销毁台账", "I2"),
            // So is 物品类别: left empty, it is a warning (the batch is scored; issue 9).
            ("W", Kind::Blank, "销毁台账", "B3"),
            ("E", Kind::Inconsistent, "汇总指标", "D21"),
            ("E", Kind::Inconsistent, "汇总指标", "D2"),
        ],
    );
    // Nothing unreadable became a zero.
    let sub = read("bad-values.xlsx");
    for code in ["S02", "S05", "S09", "S17", "S18", "W01"] {
        assert_eq!(sub.field(code), None, "{code}");
    }
}

/// Issue 9, severity by consequence, over every file of the corpus: in a ledger column that no
/// rule reads (no score, ledger check or date-order check) nothing is an error; in a column a
/// rule reads, a value that cannot be read or is missing where required always is.
#[test]
fn every_problem_in_the_corpus_has_the_severity_of_its_consequence() {
    let scheme = Scheme::builtin().unwrap();
    let mut seen = (0, 0);
    for e in std::fs::read_dir(corpus()).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if ingest::workbook::format_of(&name).is_none() || name.starts_with("~$") {
            continue;
        }
        let sub = read(&name);
        for p in &sub.problems {
            let Some(def) = scheme.ledgers.iter().find(|l| l.sheet == p.source.sheet) else {
                continue;
            };
            let letters: String = p
                .source
                .cell
                .chars()
                .take_while(char::is_ascii_uppercase)
                .collect();
            let row: u32 = p.source.cell[letters.len()..].parse().unwrap_or(0);
            if letters.len() != 1 || row < 2 {
                continue;
            }
            let Some(col) = def.columns.get(usize::from(letters.as_bytes()[0] - b'A')) else {
                continue;
            };
            let orders = ingest::ledger::date_orders(&scheme, &def.id);
            let read_by_a_rule = col.key
                || scheme.scored_columns(&def.id).contains(&col.name)
                || orders.iter().any(|(a, b)| *a == col.name || *b == col.name);
            let unreadable = matches!(p.kind, Kind::BadValue | Kind::Blank);
            if read_by_a_rule && unreadable {
                assert_eq!(p.severity, Severity::Error, "{name}: {p}");
                seen.0 += 1;
            } else if !read_by_a_rule {
                assert_eq!(p.severity, Severity::Warning, "{name}: {p}");
                seen.1 += 1;
            }
        }
    }
    // The corpus has both kinds, so the test checks something.
    assert!(seen.0 > 0 && seen.1 > 0, "{seen:?}");
}

#[test]
fn missing_sheets_fields_and_rows() {
    expect(
        "missing-sheet.xlsx",
        &[("E", Kind::MissingSheet, "移送台账", "")],
    );
    expect(
        "missing-field.ods",
        &[
            ("E", Kind::MissingField, "基本情况", ""),
            ("E", Kind::MissingField, "汇总指标", ""),
        ],
    );
}

#[test]
fn templates_regions_and_quarters_that_do_not_fit() {
    // A template issued under scheme version 2019.1 of the same contract: a revision of weights
    // or rules does not make it stale, so it is read without a word.
    expect("other-version.xlsx", &[]);
    expect(
        "unknown-region.xlsx",
        &[
            ("E", Kind::Region, "基本情况", ""),
            ("E", Kind::Region, "基本情况", ""),
        ],
    );
    expect(
        "region-mismatch.xlsx",
        &[("E", Kind::Region, "基本情况", "")],
    );
    expect(
        "wrong-quarter.xlsx",
        &[
            ("E", Kind::Date, "基本情况", "B7"),
            ("E", Kind::Quarter, "基本情况", ""),
        ],
    );
}

#[test]
fn dates_in_the_future_are_errors() {
    expect(
        "future-dates.xlsx",
        &[
            ("E", Kind::Date, "基本情况", "B7"),
            ("E", Kind::Date, "信息公开台账", "C3"),
            ("E", Kind::Date, "销毁台账", "H3"),
        ],
    );
}

#[test]
fn blank_and_empty_workbooks() {
    let blank = read("blank-template.xlsx");
    assert_eq!(blank.problems.len(), 35);
    assert!(blank.problems.iter().all(|p| p.severity == Severity::Error));
    assert_eq!(blank.problems[0].source.address(), "基本情况!B2");
    assert_eq!(blank.problems[0].message, "“区划代码”未填写");
    assert_eq!(
        blank.problems[3].message,
        "S01（侵权假冒行政处罚案件数）未填写，如无请填0"
    );
    expect("empty-workbook.ods", &[("E", Kind::EmptyFile, "", "")]);
    expect("empty.xlsx", &[("E", Kind::Unreadable, "", "")]);
}

#[test]
fn a_very_long_string_is_cut_with_a_warning() {
    // LibreOffice itself keeps 32,767 characters of the 100,000 typed (Excel's cell limit).
    expect(
        "long-string.xlsx",
        &[("W", Kind::TooLarge, "基本情况", "B5")],
    );
    let sub = read("long-string.xlsx");
    assert_eq!(sub.filled_by.chars().count(), 2000);
    assert!(!sub.has_errors());
}

// ---------------------------------------------------------------- broken files

#[test]
fn broken_and_encrypted_files_are_listed_with_a_reason() {
    let cases: [(&str, &str); 11] = [
        (
            "truncated.xlsx",
            "不是有效的xlsx文件（文件损坏、不完整或已加密）",
        ),
        ("truncated.ods", "不是有效的ods文件（文件损坏或不完整）"),
        (
            "truncated.xls",
            "xls文件结构损坏（复合文档的扇区链越界或循环）",
        ),
        ("random.xlsx", "不是有效的xlsx文件"),
        ("=1+2.xlsx", "不是有效的xlsx文件"),
        (
            "html-table.xls",
            "文件内容是网页（HTML）或XML文本，不是Excel工作簿",
        ),
        (
            "binary.xlsb",
            "不支持的文件格式（.xlsb，Excel二进制工作簿），请在Excel中点“文件—另存为”",
        ),
        ("encrypted.xlsx", "文件已加密（设置了打开密码）"),
        ("encrypted.xls", "文件已加密（设置了打开密码）"),
        ("encrypted.ods", "文件已加密（设置了打开密码）"),
        ("billion-laughs.xlsx", "无法读取文件（Xml error"),
    ];
    for (name, message) in cases {
        let kind = if name.ends_with(".xlsb") {
            Kind::Unsupported
        } else {
            Kind::Unreadable
        };
        expect(name, &[("E", kind, "", "")]);
        assert_reason(name, message);
    }
}

// ---------------------------------------------------------------- hostile files

/// Each of these made the engine abort (allocation failure) or read forever before the guards:
/// they must be refused with a reason, quickly.
#[test]
fn hostile_files_are_refused_before_any_reader_allocates() {
    let cases: [(&str, &str); 11] = [
        (
            "zip-bomb.xlsx",
            "的压缩比异常（651289:1，上限200:1），疑似压缩炸弹，拒绝读取",
        ),
        (
            "zip-bomb-deflate.xlsx",
            "的压缩比异常（1026:1，上限200:1），疑似压缩炸弹",
        ),
        (
            "lying-sizes.xlsx",
            "File is larger than its declared uncompressed size",
        ),
        (
            "huge-dimension.xlsx",
            "工作表“基本情况”第1048576行有数据，超过行数上限200000",
        ),
        (
            "sst-billions.xlsx",
            "共享字符串声明数量3000000000超过上限2000000",
        ),
        (
            "sst-hidden.xlsx",
            "共享字符串声明数量3000000000超过上限2000000",
        ),
        (
            "huge-grid.ods",
            "工作表展开后的单元格数达90000600，超过上限4000000",
        ),
        (
            "space-bomb.ods",
            "单元格文本中的连续空格（text:s）合计超过1000000个",
        ),
        (
            "huge-dimensions.xls",
            "第1个工作表的尺寸记录声明281470681677825个单元格，超过上限4000000",
        ),
        (
            "far-cell.xls",
            "第2个工作表的数据区域达4294967296个单元格，超过上限4000000",
        ),
        (
            "cyclic-chain.xls",
            "xls文件结构损坏（复合文档的扇区链越界或循环）",
        ),
    ];
    for (name, message) in cases {
        let start = Instant::now();
        expect(name, &[("E", Kind::Unreadable, "", "")]);
        assert_reason(name, message);
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{name}: {:?}",
            start.elapsed()
        );
    }
    // Deep nesting is only slow to nobody: the file reads (its one sheet has no template layout).
    let nested = read("nested.xlsx");
    assert_eq!(nested.problems[0].message, "找不到表头“项目 | 内容”");
}

/// Peak resident memory of this process (VmHWM), in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A 2 KiB zip whose sheet inflates to 300 MiB is refused within a second, and the process's
/// peak memory does not grow by more than a few MiB (other tests share the process, so the bound
/// is loose; README records the measurement of the binary alone).
#[test]
fn the_zip_bomb_is_refused_fast_and_without_memory_growth() {
    let size = std::fs::metadata(corpus().join("zip-bomb.xlsx"))
        .unwrap()
        .len();
    assert!(size < 4096, "{size}");
    let before = peak_kib();
    let start = Instant::now();
    let sub = read("zip-bomb.xlsx");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(sub.problems[0].message.contains("疑似压缩炸弹"));
    let grown = peak_kib().saturating_sub(before);
    assert!(grown < 64 * 1024, "peak memory grew by {grown} KiB");
}

// ---------------------------------------------------------------- limits, one by one

#[test]
fn every_limit_is_enforced() {
    let l = Limits::default;
    let message = |name: &str, limits: Limits| read_with(name, limits).problems[0].message.clone();
    let cases: Vec<(&str, Limits, &str)> = vec![
        (
            "valid-lo.xlsx",
            Limits {
                file_bytes: 1000,
                ..l()
            },
            "文件大小超过上限",
        ),
        (
            "valid-lo.xlsx",
            Limits {
                zip_entries: 5,
                ..l()
            },
            "超过上限5",
        ),
        (
            "valid-lo.xlsx",
            Limits {
                unzipped_bytes: 100_000,
                ..l()
            },
            "解压后大小",
        ),
        (
            "zip-bomb-deflate.xlsx",
            Limits {
                zip_ratio: 2000,
                unzipped_bytes: 50 << 20,
                ..l()
            },
            "解压后大小100.0 MiB超过上限50.0 MiB",
        ),
        (
            "valid-lo.xlsx",
            Limits {
                shared_strings: 3,
                ..l()
            },
            "共享字符串声明数量",
        ),
        ("valid-lo.xlsx", Limits { rows: 3, ..l() }, "超过行数上限3"),
        (
            "valid-lo.xlsx",
            Limits {
                cells_per_sheet: 5,
                ..l()
            },
            "的单元格数超过上限5",
        ),
        (
            "valid-lo.ods",
            Limits {
                grid_cells: 50,
                ..l()
            },
            "超过上限50",
        ),
        (
            "valid-lo.xls",
            Limits {
                grid_cells: 50,
                ..l()
            },
            "超过上限50",
        ),
        ("valid-lo.ods", Limits { rows: 3, ..l() }, "超过行数上限3"),
        (
            "valid-lo.xlsx",
            Limits {
                text_bytes: 100,
                ..l()
            },
            "文本总量超过上限",
        ),
        (
            "valid-lo.ods",
            Limits {
                text_bytes: 100,
                ..l()
            },
            "文本总量超过上限",
        ),
        (
            "valid-lo.xls",
            Limits {
                text_bytes: 100,
                ..l()
            },
            "文本总量",
        ),
        (
            "valid-lo.xlsx",
            Limits {
                cell_chars: 3,
                ..l()
            },
            "只读取前3字",
        ),
        ("valid-lo.xls", Limits { rows: 3, ..l() }, "超过行数上限3"),
    ];
    for (name, limits, want) in cases {
        let got = message(name, limits);
        assert!(got.contains(want), "{name}: {got}");
    }
}

// ---------------------------------------------------------------- the binary on the whole corpus

fn corpus_copy(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for e in std::fs::read_dir(corpus()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    names
}

/// Every file of the corpus in one folder: `check` never crashes or hangs, lists every file with
/// its status and counts, exits 1, and writes 数据质量 with file names as text, never formulas.
#[test]
fn check_lists_every_file_of_the_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("2025Q4");
    std::fs::create_dir(&dir).unwrap();
    let names = corpus_copy(&dir);
    assert!(names.len() >= 30, "{}", names.len());
    // An Office lock file is not a submission.
    std::fs::write(dir.join("~$valid-lo.xlsx"), b"lock").unwrap();
    let out = tmp.path().join("q.xlsx");
    let start = Instant::now();
    let o = kaoping(
        tmp.path(),
        &[
            "check",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(start.elapsed() < Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Columns are aligned with spaces; compared with two spaces between them.
    let lines: BTreeMap<&str, String> = stdout
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(k, v)| (k, v.split_whitespace().collect::<Vec<_>>().join("  ")))
        .collect();
    for n in &names {
        assert!(lines.contains_key(n.as_str()), "{n} not listed:\n{stdout}");
    }
    assert!(!stdout.contains("~$valid-lo.xlsx"));
    // The valid corpus files are one base workbook with other region codes: each carries the
    // one 疑似抄报 warning naming the whole group (ingest::copies).
    assert_eq!(lines["valid-lo.ods"], "采用  错误0条  警告1条");
    // valid-gnumeric.ods is valid-engine.xlsx converted: one region, one 填报日期, the later name
    // used. The duplicate is noted once, on the file not used (issue 24).
    assert_eq!(lines["valid-gnumeric.ods"], "采用  错误0条  警告1条");
    assert_eq!(
        lines["valid-engine.xlsx"],
        "未采用（重复报送）  错误0条  警告1条"
    );
    assert_eq!(lines["typed-lo.xls"], "采用  错误0条  警告18条");
    assert_eq!(lines["dup-late.ods"], "采用  错误0条  警告1条");
    assert_eq!(
        lines["dup-early.xlsx"],
        "未采用（重复报送）  错误0条  警告1条"
    );
    assert_eq!(lines["bad-values.xlsx"], "有错误  错误12条  警告2条");
    assert_eq!(lines["zip-bomb.xlsx"], "无法读取  错误1条  警告0条");
    assert_eq!(lines["binary.xlsb"], "无法读取  错误1条  警告0条");

    // 数据质量: the duplicate pair is listed with both files; "=1+2.xlsx" is text.
    let mut wb = open_workbook_auto(&out).unwrap();
    let range = wb.worksheet_range("数据质量").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|d| d.to_string()).collect())
        .collect();
    let dup = rows
        .iter()
        .find(|r| r[2] == "dup-early.xlsx")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert!(dup[5].contains("同一地区收到2份报送"), "{dup:?}");
    assert!(dup[5].contains("按填报日期采用dup-late.ods"), "{dup:?}");
    assert!(rows.iter().any(|r| r[2] == "=1+2.xlsx"));
    let xml = sheet_xml(&out, "数据质量");
    assert!(!xml.contains("<f>"), "a formula in 数据质量");
    // Written through a temporary file that was renamed: nothing else is left beside it.
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "2025Q4" && n != "q.xlsx")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The XML of a sheet of an xlsx, by sheet name.
fn sheet_xml(path: &Path, sheet: &str) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut workbook = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut workbook)
        .unwrap();
    let names: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let index = names.iter().position(|n| *n == sheet).unwrap() + 1;
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{index}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// Good files and bad files in one batch: every good one is scored, every bad one is listed.
#[test]
fn score_ranks_every_good_file_of_a_mixed_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("2025Q4");
    std::fs::create_dir(&dir).unwrap();
    corpus_copy(&dir);
    let out = tmp.path().join("r.xlsx");
    let o = kaoping(
        tmp.path(),
        &[
            "score",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            // The corpus is submissions only: no 省级评定, on purpose.
            "--without-province-findings",
        ],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("注意：本次评分未计入省级评定（未找到省级评定.csv）"),
        "{stdout}"
    );
    let mut wb = open_workbook_auto(&out).unwrap();
    let range = wb.worksheet_range("总排名").unwrap();
    assert!(
        range
            .rows()
            .flatten()
            .any(|c| matches!(c, Data::String(s) if s == "注意：本表未计入省级评定")),
        "总排名 does not say the province's findings are left out"
    );
    let status: BTreeMap<String, String> = range
        .rows()
        .filter(|r| r.len() > 9 && matches!(&r[2], Data::String(s) if s.len() == 6))
        .map(|r| (r[2].to_string(), r[9].to_string()))
        .collect();
    // valid-*, typed-*, xlsx-named.xls, dup-late.ods, long-string.xlsx, and other-version.xlsx
    // (a template of another scheme version with this scheme's contract)
    for code in [
        "440200", "440300", "440400", "440500", "440600", "440700", "440800", "440900", "441200",
        "441600", "441900", "445200",
    ] {
        assert_eq!(status[code], "已评分", "{code}: {status:?}");
    }
    for code in ["441300", "441400", "441500", "442000", "445100", "440100"] {
        assert_eq!(status[code], "数据有误，退回修改", "{code}: {status:?}");
    }
    assert_eq!(status["445300"], "未报送");
}

// ---------------------------------------------------------------- rows out of order

/// `xml` with the `<row>` elements of its sheetData in reverse order.
fn rows_reversed(xml: &str) -> String {
    let (Some(start), Some(end)) = (xml.find("<sheetData>"), xml.find("</sheetData>")) else {
        return xml.to_string();
    };
    let body = &xml[start + "<sheetData>".len()..end];
    let mut rows: Vec<String> = body
        .split("<row ")
        .filter(|r| !r.is_empty())
        .map(|r| format!("<row {r}"))
        .collect();
    rows.reverse();
    format!(
        "{}{}{}",
        &xml[..start + "<sheetData>".len()],
        rows.concat(),
        &xml[end..]
    )
}

/// Ledgers are read row by row as their cells arrive; a file whose rows come last to first (a
/// hand-edited or hostile one: Excel writes them in order) is read whole and sorted instead, and
/// gives exactly what the file in order gives: every field, ledger row and problem.
#[test]
fn a_file_whose_rows_come_out_of_order_reads_as_in_order() {
    use std::io::Write;
    let name = "valid-engine.xlsx";
    let bytes = std::fs::read(corpus().join(name)).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut reversed = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let entry_name = entry.name().unwrap().to_string();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if entry_name.starts_with("xl/worksheets/sheet") {
            let xml = String::from_utf8(text).unwrap();
            let turned = rows_reversed(&xml);
            if turned != xml {
                reversed += 1;
            }
            text = turned.into_bytes();
        }
        out.start_file(entry_name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&text).unwrap();
    }
    let turned = out.finish().unwrap().into_inner();
    assert!(reversed >= 5, "{reversed} sheets reversed");
    let dir = std::env::temp_dir().join(format!("kaoping-rows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), turned).unwrap();

    let in_order = read(name);
    let scheme = Scheme::builtin().unwrap();
    let registry = Registry::builtin().unwrap();
    let ctx = Context {
        scheme: &scheme,
        registry: &registry,
        quarter: "2025Q4".parse().unwrap(),
        today: chrono::Local::now().date_naive(),
        limits: Limits::default(),
    };
    let hash = kaoping::template::template_hash(&scheme);
    let out_of_order = ingest::read_file(&dir.join(name), &ctx, &hash);
    std::fs::remove_dir_all(&dir).unwrap();

    assert!(in_order.problems.is_empty(), "{:?}", in_order.problems);
    assert_eq!(out_of_order.problems, in_order.problems);
    assert_eq!(out_of_order.fields, in_order.fields);
    assert_eq!(out_of_order.region_code, in_order.region_code);
    assert!(!in_order.ledgers.is_empty());
    assert_eq!(out_of_order.ledgers, in_order.ledgers);
    let rows: usize = in_order.ledgers.values().map(|l| l.rows.len()).sum();
    assert!(rows >= 5, "{rows} ledger rows");
}
