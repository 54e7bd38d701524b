//! End-to-end scoring of a small fixture whose scores are worked out by hand below, indicator by
//! indicator. The submissions are real .xlsx files written by the template module, read back by
//! ingest, scored, flagged and reported.
//!
//! Quarter 2025Q3 (2025-07-01 – 2025-09-30), deadline 2025-10-10. Registry (市场主体数):
//!   甲市 440100: 100,000 (10 万户)   乙市 440200: 200,000 (20 万户)   丙市 440300: 50,000 (5 万户)
//!   丁市 440400: sends a file with a bad cell   戊市 440500: sends nothing
//!
//! Relative rules compare 甲, 乙, 丙 (the valid submissions):
//!   B1 S01 per 万户: 甲 10/10 = 1.0, 乙 10/20 = 0.5, 丙 2/5 = 0.4 → best 1.0 → 10, 5, 4
//!   B3 S02 per 万户: 甲 2/10 = 0.2, 乙 4/20 = 0.2, 丙 0 → best 0.2 → 5, 5, 0
//!   B4 S17 per 万户: 甲 1/10 = 0.1, 乙 4/20 = 0.2, 丙 0 → best 0.2 → 2.5, 5, 0
//!   G1 S30 per 万户 (min_max inverted): 甲 20/10 = 2, 乙 0, 丙 15/5 = 3 → 5×(3−2)/3 = 1.666667, 5, 0
//!
//! 甲市: A 2+3+0+2 = 7 (W03 否)
//!   B1 10, B2 6 of 12 domains → 0.5 × 5 = 2.5, B3 5, B4 2.5 → B = 20
//!   C1 3 transfers ÷ S20 4 = 75% → 10 − 0.2×25 = 5; C2 2 of 3 立案 → 5 × 2/3 = 3.333… → 3.33;
//!   C3 S21 9 ÷ S01 10 = 90% → 5 − 0.1×10 = 4 → C = 12.33
//!   D1 8 of 10 disclosed = 80% → 10 − 0.2×20 = 6; D2 6 of 10 within 20 working days → 5 × 0.6 = 3
//!     (decided Fri 2025-09-26: disclosed 2025-10-30 is exactly 20 working days — Sun 09-28 is a
//!     make-up day, 10-01..10-08 are National Day, Sat 10-11 is a make-up day — so it counts;
//!     2025-10-31 is 21 and does not; counting weekdays only would make 10-30 the 24th day)
//!     → D = 9
//!   E1 destroyed weight 100+200+100 of 500 = 80% → 5 − 0.1×20 = 3; E2 2 of 3 destroyed batches
//!     compliant → 5 − 0.1×33.333… = 1.666… → 1.67 → E = 4.67
//!   F1 S31 18 ÷ S30 20 = 90% → 4.5; F2 S32 10 ÷ 10 → 5 → F = 9.5
//!   G1 1.666… → 1.67; G2 survey 90 → 4.5 → G = 6.17
//!   Σ = 7 + 20 + 12.33 + 9 + 4.67 + 9.5 + 6.17 = 68.67; bonus W11 1×1 + W12 2×0.5 = 2; deductions
//!   迟报 (filed 2025-11-03) 1 + 省通报批评 1×2 = 3 → total 67.67, 合格
//!   (each score is rounded half away from zero to the scheme's 2 decimals when computed; subtotals
//!   and the total are sums of the rounded scores, so the printed figures add up)
//! 乙市: A 10; B 5+5+5+5 = 20 (12 of 12 domains)
//!   C1 S20 = 0 → when_empty full 10; C2 no transfers → full 5; C3 100% → 5 → C = 20
//!   D1 100% → 10; D2 100% → 5 → D = 15; E no batches → full 5 + 5 = 10
//!   F1 S30 = 0 → full 5; F2 8 of 10 = 80% → 5 − 2 = 3 → F = 8
//!   G1 5; G2 no survey → exclude, G1 scaled × 10/5 → G = 10
//!   Σ = 93; bonus W11 3×1 + W13 3×1 = 6 → capped at 5 → total 98, 优秀
//! 丙市: A 10; B 4 + 3/12×5 = 1.25 + 0 + 0 = 5.25; C1 1 of 1 → 10, C2 0 of 1 → 0, C3 100% → 5 → 15
//!   D1 1 of 2 = 50% → 10 − 10 = 0; D2 1 of 2 → 2.5 → D = 2.5; E 5 + 5 = 10; F 5 + 5 = 10
//!   G1 0, G2 60 → 3 → G = 3; Σ = 55.75; vetoed → 不合格, ranked after 甲 and 乙
//! Ranks: 乙 1, 甲 2, 丙 3 (vetoed), 丁 and 戊 4 (no valid submission).

use chrono::NaiveDate;
use kaoping::pipeline::{self, ScoreRun, Setup};
use kaoping::problem::Severity;
use kaoping::record::Status;
use kaoping::registry::{Calendar, Registry};
use kaoping::scheme::{Scheme, WhenEmpty};
use kaoping::submission::Cell;
use kaoping::template::{self, Filled};
use std::collections::BTreeMap;
use std::path::Path;

fn d(y: i32, m: u32, day: u32) -> Cell {
    Cell::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap())
}

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

const REGIONS: &str = "区划代码,名称,上级代码,常住人口(万人),市场主体数(户)
440100,甲市,440000,100,100000
440200,乙市,440000,100,200000
440300,丙市,440000,100,50000
440400,丁市,440000,100,100000
440500,戊市,440000,100,100000
";

fn setup() -> Setup {
    Setup {
        scheme: Scheme::builtin().unwrap(),
        registry: Registry::from_csv(REGIONS).unwrap(),
        calendar: Calendar::builtin().unwrap(),
        today: chrono::Local::now().date_naive(),
    }
}

/// Summary fields: S05..S16 get `domains` ones then zeros.
fn fields(pairs: &[(&str, f64)], domains: usize) -> BTreeMap<String, f64> {
    let mut m: BTreeMap<String, f64> = (1..=32)
        .map(|k| (format!("S{k:02}"), 0.0))
        .chain((11..=15).map(|k| (format!("W{k:02}"), 0.0)))
        .chain((1..=4).map(|k| (format!("W{k:02}"), 1.0)))
        .collect();
    for k in 0..12 {
        m.insert(
            format!("S{:02}", 5 + k),
            if k < domains { 1.0 } else { 0.0 },
        );
    }
    for (k, v) in pairs {
        m.insert(k.to_string(), *v);
    }
    m
}

fn transfer(n: usize, accepted: usize) -> Vec<Vec<Cell>> {
    (0..n)
        .map(|i| {
            let yes = i < accepted;
            vec![
                t(&format!("Y{i}")),
                t("商标"),
                d(2025, 7, 1),
                d(2025, 8, 1),
                t("某公安局"),
                Cell::YesNo(yes),
                if yes { d(2025, 8, 10) } else { Cell::Empty },
            ]
        })
        .collect()
}

fn disclosure(rows: &[(Cell, Cell)]) -> Vec<Vec<Cell>> {
    rows.iter()
        .enumerate()
        .map(|(i, (decided, published))| {
            vec![
                t(&format!("C{i}")),
                decided.clone(),
                published.clone(),
                Cell::Empty,
            ]
        })
        .collect()
}

/// 批次编号, 物品类别, 数量, 计量单位, 重量, 货值, 应销毁日期, 销毁日期, 销毁方式, 处置单位, 名录内, 程序完备
fn batch(weight: f64, destroyed: Option<Cell>, compliant: bool) -> Vec<Cell> {
    let done = destroyed.is_some();
    vec![
        t("X"),
        t("服装鞋帽"),
        Cell::Number(10.0),
        t("件"),
        Cell::Number(weight),
        Cell::Number(1.0),
        d(2025, 7, 15),
        destroyed.unwrap_or(Cell::Empty),
        if done { t("焚烧") } else { Cell::Empty },
        if done {
            t("某处置公司")
        } else {
            Cell::Empty
        },
        if done {
            Cell::YesNo(compliant)
        } else {
            Cell::Empty
        },
        if done { Cell::YesNo(true) } else { Cell::Empty },
    ]
}

fn numbered(mut rows: Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
    for (i, r) in rows.iter_mut().enumerate() {
        if let Some(Cell::Text(id)) = r.first_mut() {
            *id = format!("{id}{i}");
        }
    }
    rows
}

fn write_fixture(dir: &Path, s: &Setup) {
    let q = "2025Q3".parse().unwrap();
    let region = |code: &str| s.registry.get(code).unwrap().clone();

    // 甲市
    let mut jia_disc = vec![
        (d(2025, 9, 26), d(2025, 10, 30)), // 20 working days: timely
        (d(2025, 9, 26), d(2025, 10, 31)), // 21: late
        (d(2025, 7, 1), d(2025, 8, 29)),   // late
        (d(2025, 7, 2), Cell::Empty),      // not disclosed
        (d(2025, 7, 3), Cell::Empty),      // not disclosed
    ];
    for day in 7..12 {
        jia_disc.push((d(2025, 7, day), d(2025, 7, day + 7))); // 5 timely
    }
    let jia = Filled {
        filled_by: "甲".into(),
        phone: "1".into(),
        filed_on: NaiveDate::from_ymd_opt(2025, 11, 3),
        fields: {
            let mut f = fields(
                &[
                    ("S01", 10.0),
                    ("S02", 2.0),
                    ("S17", 1.0),
                    ("S20", 4.0),
                    ("S21", 9.0),
                    ("S30", 20.0),
                    ("S31", 18.0),
                    ("S32", 10.0),
                    ("W03", 0.0),
                    ("W11", 1.0),
                    ("W12", 2.0),
                ],
                6,
            );
            f.insert("S03".into(), 123.45);
            f
        },
        field_text: BTreeMap::new(),
        ledgers: BTreeMap::from([
            ("transfer".to_string(), transfer(3, 2)),
            ("disclosure".to_string(), disclosure(&jia_disc)),
            (
                "destruction".to_string(),
                numbered(vec![
                    batch(100.0, Some(d(2025, 8, 1)), true),
                    batch(200.0, Some(d(2025, 9, 10)), false),
                    batch(100.0, Some(d(2025, 9, 12)), true),
                    batch(100.0, None, true),
                ]),
            ),
        ]),
    };
    // 乙市
    let yi = Filled {
        filled_by: "乙".into(),
        phone: "2".into(),
        filed_on: NaiveDate::from_ymd_opt(2025, 10, 9),
        fields: fields(
            &[
                ("S01", 10.0),
                ("S02", 4.0),
                ("S17", 4.0),
                ("S21", 10.0),
                ("S32", 8.0),
                ("W11", 3.0),
                ("W13", 3.0),
            ],
            12,
        ),
        field_text: BTreeMap::new(),
        ledgers: BTreeMap::from([
            ("transfer".to_string(), Vec::new()),
            (
                "disclosure".to_string(),
                disclosure(&vec![(d(2025, 8, 1), d(2025, 8, 5)); 10]),
            ),
            ("destruction".to_string(), Vec::new()),
        ]),
    };
    // 丙市
    let bing = Filled {
        filled_by: "丙".into(),
        phone: "3".into(),
        filed_on: NaiveDate::from_ymd_opt(2025, 10, 8),
        fields: fields(
            &[
                ("S01", 2.0),
                ("S20", 1.0),
                ("S21", 2.0),
                ("S30", 15.0),
                ("S31", 15.0),
                ("S32", 2.0),
            ],
            3,
        ),
        field_text: BTreeMap::new(),
        ledgers: BTreeMap::from([
            ("transfer".to_string(), transfer(1, 0)),
            (
                "disclosure".to_string(),
                disclosure(&[(d(2025, 9, 1), d(2025, 9, 3)), (d(2025, 9, 2), Cell::Empty)]),
            ),
            (
                "destruction".to_string(),
                vec![batch(50.0, Some(d(2025, 9, 1)), true)],
            ),
        ]),
    };
    // 丁市: like 乙市 but S05 typed as "约30".
    let mut ding = yi.clone();
    ding.field_text.insert("S05".into(), "约30".into());

    for (code, f) in [
        ("440100", &jia),
        ("440200", &yi),
        ("440300", &bing),
        ("440400", &ding),
    ] {
        let r = region(code);
        template::write(
            &dir.join(template::file_name(&r, q)),
            &s.scheme,
            Some(&r),
            Some(q),
            Some(f),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("省级评定.csv"),
        "区划代码,群众满意度,国家通报批评次数,省通报批评次数,中央媒体曝光次数,数据严重失实,一票否决,否决事由
440100,90,0,1,0,否,否,
440200,,0,0,0,否,否,
440300,60,0,0,0,否,是,发生重大假冒伪劣事件
440400,,0,0,0,否,否,
440500,,0,0,0,否,否,
",
    )
    .unwrap();
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn hand_worked_fixture_scores_ranks_and_flags() {
    let s = setup();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    write_fixture(&input, &s);
    let out = tmp.path().join("rank.xlsx");
    let o = pipeline::score(&ScoreRun {
        setup: &s,
        quarter: "2025Q3".parse().unwrap(),
        input: &input,
        history: None,
        out: &out,
        replace: false,
        without_province_findings: false,
        run_time: "2025-10-15 09:00:00".into(),
        wait: std::time::Duration::ZERO,
        on_wait: |_| {},
        progress: &kaoping::ingest::Silent,
        sends: Default::default(),
        scheme_change: None,
    })
    .unwrap();
    let r = |code: &str| o.results.iter().find(|r| r.code == code).unwrap();
    let score = |code: &str, id: &str| r(code).indicator(id).unwrap().score;

    // 甲市, indicator by indicator.
    let jia = [
        ("A1", 2.0),
        ("A2", 3.0),
        ("A3", 0.0),
        ("A4", 2.0),
        ("B1", 10.0),
        ("B2", 2.5),
        ("B3", 5.0),
        ("B4", 2.5),
        ("C1", 5.0),
        ("C2", 3.33),
        ("C3", 4.0),
        ("D1", 6.0),
        ("D2", 3.0),
        ("E1", 3.0),
        ("E2", 1.67),
        ("F1", 4.5),
        ("F2", 5.0),
        ("G1", 1.67),
        ("G2", 4.5),
    ];
    for (id, want) in jia {
        assert!(
            close(score("440100", id), want),
            "甲市 {id}: {} ≠ {want}",
            score("440100", id)
        );
    }
    assert!(close(r("440100").bonus, 2.0));
    assert!(close(r("440100").deductions, 3.0));
    assert!(r("440100").late);
    assert_eq!(r("440100").total, 67.67, "{}", r("440100").total);
    let groups: Vec<f64> = r("440100").groups.iter().map(|(_, v)| *v).collect();
    assert_eq!(groups, [7.0, 20.0, 12.33, 9.0, 4.67, 9.5, 6.17]);
    assert_eq!(r("440100").grade, "合格");

    // 乙市: when_empty full on C1, C2, E1, E2, F1; G2 excluded and G1 doubled; bonus capped.
    let yi = r("440200");
    for id in ["C1", "C2", "E1", "E2", "F1"] {
        assert_eq!(
            yi.indicator(id).unwrap().empty,
            Some(WhenEmpty::Full),
            "{id}"
        );
    }
    assert_eq!(yi.indicator("G2").unwrap().empty, Some(WhenEmpty::Exclude));
    assert!(close(score("440200", "G1"), 10.0));
    assert!(close(score("440200", "G2"), 0.0));
    assert!(close(score("440200", "F2"), 3.0));
    assert!(close(yi.bonus, 5.0));
    assert!(close(yi.total, 98.0), "{}", yi.total);
    assert_eq!(yi.grade, "优秀");

    // 丙市: vetoed.
    let bing = r("440300");
    assert!(close(bing.total, 55.75), "{}", bing.total);
    assert_eq!(bing.grade, "不合格");
    assert_eq!(bing.veto.as_deref(), Some("发生重大假冒伪劣事件"));

    // Ranks: vetoed after the others; no valid submission shares the last rank.
    let ranks: Vec<(&str, u32)> = o
        .results
        .iter()
        .map(|r| (r.code.as_str(), r.rank))
        .collect();
    assert_eq!(
        ranks,
        [
            ("440200", 1),
            ("440100", 2),
            ("440300", 3),
            ("440400", 4),
            ("440500", 4)
        ]
    );
    assert_eq!(r("440400").status, Status::Invalid);
    assert_eq!(r("440500").status, Status::Missing);

    // The bad cell, with its exact address; the others were still scored.
    let bad: Vec<_> = o
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].source.file, "440400_丁市_2025Q3.xlsx");
    assert_eq!(bad[0].source.sheet, "汇总指标");
    assert_eq!(bad[0].source.cell, "D6");
    assert_eq!(
        bad[0].message,
        "S05（分领域案件数：互联网）应为非负整数，实际为“约30”"
    );

    // Flags: 丙市 一票否决 first, then 通报 (不合格); 丁 and 戊 have a status, not a measure.
    let kinds = |code: &str| {
        o.flags
            .get(code)
            .map(|f| f.iter().map(|f| f.measure.id.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(kinds("440300"), ["veto", "notify"]);
    assert!(kinds("440400").is_empty() && kinds("440500").is_empty());
    assert!(kinds("440100").is_empty() && kinds("440200").is_empty());
}

/// With `--feedback`, every region of the fixture gets its form: 甲, 乙 and 丙 a 反馈单, 丁 (a
/// bad cell) a 退回修改通知 and 戊 (nothing sent) a 补报通知, whose deadline is 5 working days
/// after the 制表日期 Wed 2025-10-15: Thu 16, Fri 17, Mon 20, Tue 21, Wed 22 October. A
/// 反馈单 left for 丁市 by an earlier run is removed. 乙市's G2 (no survey, when_empty
/// exclude) shows 不计, and G1, re-scaled to 10 of its 5 points, lost nothing.
#[test]
fn every_region_gets_its_form_and_a_stale_one_goes() {
    let s = setup();
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    write_fixture(&input, &s);
    let forms = tmp.path().join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    let stale = forms.join("440400_丁市_2025Q3_反馈单.xlsx");
    std::fs::write(&stale, b"from an earlier run").unwrap();
    let o = pipeline::score(&ScoreRun {
        setup: &s,
        quarter: "2025Q3".parse().unwrap(),
        input: &input,
        history: None,
        out: &tmp.path().join("rank.xlsx"),
        replace: false,
        without_province_findings: false,
        run_time: "2025-10-15 09:00:00".into(),
        wait: std::time::Duration::ZERO,
        on_wait: |_| {},
        progress: &kaoping::ingest::Silent,
        sends: kaoping::pipeline::Sends {
            feedback: Some(&forms),
            ..Default::default()
        },
        scheme_change: None,
    })
    .unwrap();
    let (dir, files) = o.sent.feedback.unwrap();
    assert_eq!(dir, forms);
    let mut names: Vec<String> = std::fs::read_dir(&forms)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "440100_甲市_2025Q3_反馈单.xlsx",
            "440200_乙市_2025Q3_反馈单.xlsx",
            "440300_丙市_2025Q3_反馈单.xlsx",
            "440400_丁市_2025Q3_退回修改通知.xlsx",
            "440500_戊市_2025Q3_补报通知.xlsx",
        ]
    );
    assert_eq!(files.len(), 5);
    assert!(!stale.exists());

    let cells = |file: &str, sheet: &str| -> Vec<Vec<String>> {
        let mut wb = calamine::open_workbook_auto(forms.join(file)).unwrap();
        let range = calamine::Reader::worksheet_range(&mut wb, sheet).unwrap();
        range
            .rows()
            .map(|r| r.iter().map(crate::util::text).collect())
            .collect()
    };
    let missing = cells("440500_戊市_2025Q3_补报通知.xlsx", "补报通知");
    let body = missing
        .iter()
        .flatten()
        .find(|c| c.contains("未收到你单位"))
        .unwrap();
    assert!(body.contains("于2025年10月22日前"), "{body}");
    let returned = cells("440400_丁市_2025Q3_退回修改通知.xlsx", "退回修改通知");
    assert!(returned
        .iter()
        .flatten()
        .any(|c| c.contains("发现1处错误") && c.contains("于2025年10月22日前")));

    let yi = cells("440200_乙市_2025Q3_反馈单.xlsx", "反馈单");
    let row = |id: &str| yi.iter().find(|r| r[0].starts_with(id)).unwrap().clone();
    let g2 = row("G2 ");
    assert_eq!(
        (g2[5].as_str(), g2[6].as_str(), g2[9].as_str()),
        ("不计", "0", "不计")
    );
    let g1 = row("G1 ");
    assert_eq!((g1[5].as_str(), g1[6].as_str()), ("10", "0"), "{g1:?}");
    // 总分 98 as hand-worked above; no history, so 近期走势 says so.
    let total = yi.iter().find(|r| r.contains(&"总分".to_string())).unwrap();
    assert_eq!(total.iter().rev().find(|c| !c.is_empty()).unwrap(), "98");
    assert!(yi
        .iter()
        .flatten()
        .any(|c| c == "历史数据中没有本地区此前季度的记录。"));
}
