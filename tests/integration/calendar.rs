//! Calendar coverage (issue 9): a working-day count that depends on a year the holiday table does
//! not cover stops `score` (exit 2, nothing written) and is an error in `check`; `--holidays` with
//! that year added lets it count; `kaoping calendar --year` shows what the table knows.
//!
//! Fixture: 2026Q4, 广州市 (440100) with five 信息公开台账 rows (S01 = 5), filed on time on
//! 2027-01-08 (deadline 2027-01-10), the other regions unreported. 公开及时率 (D2) = rows
//! disclosed within 20 working days ÷ rows, 5 points, linear.
//!
//!   row  决定日期            公开日期            built-in table (2016–2026)       with 2027 元旦
//!   1    Thu 2026-12-10     Fri 2027-01-08     15 in 2026, ≤ 15 + 8 → refused     20 → timely
//!   2    Wed 2026-12-09     Fri 2027-01-08     16 in 2026, ≤ 16 + 8 → refused     21 → late
//!   3    Mon 2026-12-28     Wed 2027-01-06     ≤ 3 + 6 = 9 → timely anyway        6 → timely
//!   4    Mon 2026-11-02     Tue 2027-01-05     43 in 2026 alone → late anyway     late
//!   5    Tue 2026-12-01     Thu 2026-12-10     7 → timely                         7 → timely
//!
//! Hand count from Thu 2026-12-10, with 2027-01-01 (Fri) a holiday joined to the weekend:
//!   Fri 12-11 → 1, Mon 12-14 … Fri 12-18 → 2 … 6, Mon 12-21 … Fri 12-25 → 7 … 11,
//!   Mon 12-28 → 12, Tue 12-29 → 13, Wed 12-30 → 14, Thu 12-31 → 15,
//!   Fri 01-01 元旦, Sat 01-02, Sun 01-03 off,
//!   Mon 01-04 → 16, Tue 01-05 → 17, Wed 01-06 → 18, Thu 01-07 → 19, Fri 01-08 → 20.
//! From Wed 12-09 every day is one later: Fri 01-08 → 21.
//! So with 2027 added: rows 1, 3, 5 timely → D2 = 3/5 = 0.6 → 5 × 0.6 = 3 points. Skipping
//! weekends only (the old silent behaviour) made 01-01 a working day and row 1 the 21st day
//! (late): 2/5 → 2 points.
//!
//! Ingest refuses dates later than today; the runs set `KAOPING_TODAY=2027-01-15`, a day the
//! office would really score 2026Q4 on.

use calamine::{open_workbook_auto, Data, Reader};
use chrono::NaiveDate;
use kaoping::pipeline::{self, Error, ScoreRun, Setup};
use kaoping::submission::Cell;
use kaoping::template::{self, Filled};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

/// The 2027 元旦 arrangement. ILLUSTRATIVE: the State Council's notice for 2027 had not been
/// published when this test was written. 2027-01-01 is a Friday; in 2016 and 2021, the last years
/// 元旦 fell on a Friday, the notice gave "1月1日放假，与周末连休", and templates/holidays.csv lists
/// such a weekend as 休 too (2021-01-01 to 01-03).
const ILLUSTRATIVE_2027: &str =
    "2027-01-01,休,元旦（示例）\n2027-01-02,休,元旦（示例）\n2027-01-03,休,元旦（示例）\n";

/// The day the runs score 2026Q4 on (see the module comment).
const TODAY: &str = "2027-01-15";

/// The built-in setup as of [`TODAY`] (in-process runs; the binary gets `KAOPING_TODAY`).
fn setup_as_of_today() -> Setup {
    let mut s = Setup::load(None, None).unwrap();
    s.today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    s
}

/// The binary as of [`TODAY`].
fn kaoping(dir: &Path, args: &[&str]) -> Output {
    crate::util::kaoping_with(dir, args, &[("KAOPING_TODAY", TODAY)])
}

fn d(y: i32, m: u32, day: u32) -> Cell {
    Cell::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap())
}

/// 广州市's 2026Q4 submission (see the table above) and a 省级评定.csv, written into `dir`.
fn write_fixture(dir: &Path, s: &Setup) {
    let q = "2026Q4".parse().unwrap();
    let rows = [
        (d(2026, 12, 10), d(2027, 1, 8)),
        (d(2026, 12, 9), d(2027, 1, 8)),
        (d(2026, 12, 28), d(2027, 1, 6)),
        (d(2026, 11, 2), d(2027, 1, 5)),
        (d(2026, 12, 1), d(2026, 12, 10)),
    ];
    let disclosure: Vec<Vec<Cell>> = rows
        .iter()
        .enumerate()
        .map(|(i, (decided, published))| {
            vec![
                Cell::Text(format!("穗市监罚〔2026〕{}号", i + 1)),
                decided.clone(),
                published.clone(),
                Cell::Empty,
            ]
        })
        .collect();
    let mut fields: BTreeMap<String, f64> = (1..=32)
        .map(|k| (format!("S{k:02}"), 0.0))
        .chain((1..=4).map(|k| (format!("W{k:02}"), 1.0)))
        .chain((11..=15).map(|k| (format!("W{k:02}"), 0.0)))
        .collect();
    fields.insert("S01".into(), 5.0);
    fields.insert("S21".into(), 5.0);
    let filled = Filled {
        filled_by: "张三".into(),
        phone: "020-12345678".into(),
        filed_on: NaiveDate::from_ymd_opt(2027, 1, 8),
        fields,
        field_text: BTreeMap::new(),
        ledgers: BTreeMap::from([
            ("transfer".to_string(), Vec::new()),
            ("disclosure".to_string(), disclosure),
            ("destruction".to_string(), Vec::new()),
        ]),
    };
    let region = s.registry.get("440100").unwrap();
    template::write(
        &dir.join(template::file_name(region, q)),
        &s.scheme,
        Some(region),
        Some(q),
        Some(&filled),
    )
    .unwrap();
    // Every region has its row (the others with nothing found).
    let mut province = "区划代码,群众满意度,国家通报批评次数,省通报批评次数,中央媒体曝光次数,数据严重失实,一票否决,否决事由\n\
         440100,90,0,0,0,否,否,\n"
        .to_string();
    for r in s.registry.regions.iter().filter(|r| r.code != "440100") {
        province.push_str(&format!("{},,0,0,0,否,否,\n", r.code));
    }
    std::fs::write(dir.join("省级评定.csv"), province).unwrap();
}

/// A holiday file: the built-in table with the 2027 元旦 lines appended.
fn holidays_2027(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("节假日.csv");
    let text = format!(
        "{}{ILLUSTRATIVE_2027}",
        kaoping::registry::calendar::BUILTIN_HOLIDAYS
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn run<'a>(s: &'a Setup, input: &'a Path, history: &'a Path, out: &'a Path) -> ScoreRun<'a> {
    ScoreRun {
        setup: s,
        quarter: "2026Q4".parse().unwrap(),
        input,
        history: Some(history),
        out,
        replace: false,
        without_province_findings: false,
        run_time: "2027-01-15 09:00:00".into(),
        wait: kaoping::history::DEFAULT_WAIT,
        on_wait: |_| {},
        progress: &kaoping::ingest::Silent,
        sends: Default::default(),
        scheme_change: None,
    }
}

/// (a) The built-in table ends with 2026: the run stops before anything is written, naming 2027,
/// the first date and how many, and --holidays.
#[test]
fn a_2027_date_is_refused_with_the_year_and_what_to_do() {
    let s = setup_as_of_today();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("2026Q4");
    std::fs::create_dir_all(&input).unwrap();
    write_fixture(&input, &s);
    let history = tmp.path().join("history");
    let out = tmp.path().join("考评排名_2026Q4.xlsx");

    let err = pipeline::score(&run(&s, &input, &history, &out)).unwrap_err();
    let Error::CalendarGap(gap) = &err else {
        panic!("expected a calendar gap, got {err}");
    };
    assert_eq!(gap.years(), [2027]);
    assert_eq!(gap.dates.len(), 2, "rows 1 and 2 only: {:?}", gap.dates);
    let first = &gap.dates[0];
    assert_eq!(first.region_name, "广州市");
    assert_eq!(first.source.file, "440100_广州市_2026Q4.xlsx");
    assert_eq!(first.source.sheet, "信息公开台账");
    assert_eq!(first.column, "公开日期");
    assert_eq!(first.from, NaiveDate::from_ymd_opt(2026, 12, 10).unwrap());
    assert_eq!(first.date, NaiveDate::from_ymd_opt(2027, 1, 8).unwrap());
    let message = err.to_string();
    for part in [
        "节假日表（内置的 templates/holidays.csv）只含2016至2026年",
        "2026Q4的公开及时率要用到2027年的日期（共2处，第一处为广州市“440100_广州市_2026Q4.xlsx”信息公开台账!",
        "决定日期2026-12-10，公开日期2027-01-08",
        "评分已停止，未写入排名工作簿和历史数据",
        "补充2027年的节假日安排",
        "--holidays",
        "kaoping calendar --year 2027",
    ] {
        assert!(message.contains(part), "{part}\n{message}");
    }
    assert!(!out.exists(), "no workbook");
    assert!(!history.exists(), "no history, not even the lock");

    // The binary: exit code 2, the message on stderr, nothing written.
    std::fs::create_dir_all(&history).unwrap();
    let o = kaoping(
        tmp.path(),
        &[
            "score",
            input.to_str().unwrap(),
            "--history",
            history.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("2027年"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--holidays"), "{}", stderr(&o));
    assert!(!out.exists(), "no workbook");
    assert_eq!(
        std::fs::read_dir(&history).unwrap().count(),
        0,
        "no history"
    );

    // check: the same text as one error row in 数据质量, against the holiday table; exit 1.
    let quality = tmp.path().join("数据质量_2026Q4.xlsx");
    let o = kaoping(tmp.path(), &["check", input.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("错误：节假日表"), "{}", stdout(&o));
    let mut wb = open_workbook_auto(&quality).unwrap();
    let range = wb.worksheet_range("数据质量").unwrap();
    let row = range
        .rows()
        .find(|r| {
            r.iter()
                .any(|c| matches!(c, Data::String(t) if t.contains("只含2016至2026年")))
        })
        .expect("a row about the holiday table");
    let texts: Vec<String> = row.iter().map(|c| c.to_string()).collect();
    assert_eq!(texts[0], "错误", "{texts:?}");
    assert_eq!(texts[2], "内置的 templates/holidays.csv", "{texts:?}");
    assert!(texts[5].contains("score 会停止"), "{texts:?}");
}

/// (b) With the 2027 元旦 arrangement given by --holidays, the same submission is scored by the
/// hand count above: D2 = 3/5 → 3 points.
#[test]
fn holidays_with_2027_make_the_same_case_count() {
    let mut s = setup_as_of_today();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("2026Q4");
    std::fs::create_dir_all(&input).unwrap();
    write_fixture(&input, &s);
    let file = holidays_2027(tmp.path());
    s.calendar = pipeline::load_calendar(&file).unwrap();

    let history = tmp.path().join("history");
    let out = tmp.path().join("考评排名_2026Q4.xlsx");
    let o = pipeline::score(&run(&s, &input, &history, &out)).unwrap();
    let gz = o.results.iter().find(|r| r.code == "440100").unwrap();
    let d2 = gz.indicator("D2").unwrap();
    assert_eq!(d2.numerator, Some(3.0));
    assert_eq!(d2.denominator, Some(5.0));
    assert_eq!(d2.value, Some(0.6));
    assert_eq!(d2.score, 3.0);
    // D1 公开率: all five disclosed.
    assert_eq!(gz.indicator("D1").unwrap().value, Some(1.0));
    assert!(out.is_file());
    assert!(o.history.is_some());

    // The binary, with its own output and history.
    let out2 = tmp.path().join("排名.xlsx");
    let o = kaoping(
        tmp.path(),
        &[
            "score",
            input.to_str().unwrap(),
            "--holidays",
            file.to_str().unwrap(),
            "--new-history",
            "--history",
            tmp.path().join("history2").to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(out2.is_file());
    let o = kaoping(
        tmp.path(),
        &[
            "check",
            input.to_str().unwrap(),
            "--holidays",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

/// (c) `kaoping calendar --year`: a covered year lists its days and months (exit 0); 2027 is
/// not covered (exit 1) until --holidays adds it.
#[test]
fn calendar_command_shows_what_the_table_knows() {
    let tmp = tempfile::tempdir().unwrap();
    let o = kaoping(tmp.path(), &["calendar", "--year", "2026"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for part in [
        "2026年：已收录",
        "2026-10-01  星期四  休    国庆节",
        "2026-10-10  星期六  班    国庆节调休上班",
        "春节",
        "10月  18天",
        "全年工作日248天",
    ] {
        assert!(text.contains(part), "{part}\n{text}");
    }

    let o = kaoping(tmp.path(), &["calendar", "--year", "2027"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("2027年：节假日表没有这一年"), "{text}");
    assert!(text.contains("只知道周末"), "{text}");
    assert!(text.contains("--holidays"), "{text}");

    let file = holidays_2027(tmp.path());
    let o = kaoping(
        tmp.path(),
        &[
            "calendar",
            "--year",
            "2027",
            "--holidays",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("2027-01-01  星期五  休    元旦（示例）"),
        "{text}"
    );
    // January 2027: 21 weekdays, 01-01 off → 20.
    assert!(text.contains("1月   20天"), "{text}");

    assert_eq!(
        kaoping(tmp.path(), &["calendar", "--year", "99999"])
            .status
            .code(),
        Some(2)
    );
}
