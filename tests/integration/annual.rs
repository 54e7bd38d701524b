//! 年度考核 over the demo's four quarters: each region's annual total, rank and 等次 from the
//! history, worked out by hand for three regions from the quarterly workbooks; a quarter missing
//! from the history (the stop, and `--partial` marking every page); the scheme's `[annual]`
//! rule for a missing quarter.

use crate::util::{demo, kaoping, table};
use std::path::Path;

/// The 年度排名 row of `name`: [排名, 代码, 地区, Q1 总分, 排名, 措施, … Q4 …, 年度总分, 等次].
fn row<'a>(rows: &'a [Vec<String>], name: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r.get(2).map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("{name} not in 年度排名"))
}

fn annual(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["annual", "--year", "2025"];
    all.extend_from_slice(args);
    kaoping(dir, &all)
}

#[test]
fn the_demo_year_from_its_four_quarters() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let book = out.join("年度考核_2025.xlsx");
    let rows = table(&book, "年度排名", "排名");
    assert_eq!(rows.len(), 21);

    // 汕头市, an ordinary year: 91.25, 86.77, 85.26, 94.02 in the four 总排名 sheets. Each a
    // quarter, rounded as printed: 22.81 (22.8125), 21.69 (21.6925), 21.32 (21.315), 23.51
    // (23.505); 89.33 in all, below 90: 良好, and the first of the province.
    let st = row(&rows, "汕头市");
    assert_eq!(st[3], "91.25");
    assert_eq!(st[15], "89.33");
    assert_eq!((st[0].as_str(), st[16].as_str()), ("1", "良好"));

    // 韶关市 sent nothing in Q2: counted as 0 (the default rule), and said so. 78.10, —, 77.10,
    // 71.88 → 19.53 + 0 + 19.28 + 17.97 = 56.78: 不合格, 18th.
    let sg = row(&rows, "韶关市");
    assert_eq!(sg[6], "未报送");
    assert_eq!(sg[15], "56.78");
    assert_eq!((sg[0].as_str(), sg[16].as_str()), ("18", "不合格"));

    // 揭阳市 was vetoed in Q4: 60.48, 77.78, 69.47, 68.89 → 15.12 + 19.45 (19.445) + 17.37
    // (17.3675) + 17.22 (17.2225) = 69.16, a 合格 total, but the year's 等次 is the veto's
    // 不合格 and it ranks after every region not vetoed: 21st, below 潮州市's 44.62.
    let jy = row(&rows, "揭阳市");
    assert_eq!(jy[12], "68.89");
    assert_eq!(jy[14], "一票否决");
    assert_eq!(jy[15], "69.16");
    assert_eq!((jy[0].as_str(), jy[16].as_str()), ("21", "不合格"));
    let cz = row(&rows, "潮州市");
    assert_eq!((cz[0].as_str(), cz[15].as_str()), ("20", "44.62"));

    // The footnotes say why, region by region.
    let cells = crate::util::all_cells(&book);
    for said in [
        "注：韶关市2025年第二季度未报送，按0分计。",
        "注：揭阳市2025年第四季度被一票否决，年度等次定为不合格。",
    ] {
        assert!(cells.iter().any(|c| c == said), "{said}");
    }
    // `explain --year` tells the same figures.
    let o = kaoping(
        tmp.path(),
        &[
            "explain",
            "--year",
            "2025",
            "揭阳市",
            "--history",
            "out/history",
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for line in [
        "揭阳市（445200）2025年度：年度总分69.16分，第21名（共21个地区），等次不合格",
        "  第四季度：总分68.89分，第20名，一票否决；68.89 × 25% = 17.22分",
        "二、年度总分：15.12 + 19.45 + 17.37 + 17.22 = 69.16分",
        "三、等次：按年度总分为合格；2025年第四季度被一票否决，年度等次定为不合格",
    ] {
        assert!(text.lines().any(|l| l == line), "{line}\n{text}");
    }

    // The annual 反馈单 tells 揭阳市 the same.
    let o = kaoping(
        tmp.path(),
        &[
            "annual",
            "--year",
            "2025",
            "--history",
            "out/history",
            "--out",
            "a.xlsx",
            "--feedback",
            "forms",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let forms: Vec<_> = std::fs::read_dir(tmp.path().join("forms"))
        .unwrap()
        .collect();
    assert_eq!(forms.len(), 21);
    let jy = crate::util::all_cells(&tmp.path().join("forms/445200_揭阳市_2025年度_反馈单.xlsx"));
    for said in [
        "69.16分",
        "第21名（共21个地区）",
        "不合格",
        "15.12 + 19.45 + 17.37 + 17.22 =",
        "2025年第四季度被一票否决，年度等次定为不合格。",
    ] {
        assert!(jy.iter().any(|c| c == said), "{said} not in {jy:?}");
    }

    // And the annual 情况通报 draft: the 等次 counted, the veto and the measures named.
    let o = kaoping(
        tmp.path(),
        &[
            "annual",
            "--year",
            "2025",
            "--history",
            "out/history",
            "--out",
            "a.xlsx",
            "--bulletin",
            "通报.docx",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let paras = crate::util::docx_paragraphs(&tmp.path().join("通报.docx"));
    for said in [
        "关于2025年度打击侵权假冒工作考核评价情况的通报",
        "全年参加考核评价的地区21个。按年度总分和考核评价办法，优秀0个、良好6个、合格10个、不合格5个。",
        "揭阳市：2025年第四季度被一票否决，年度等次定为不合格。",
        "韶关市：年度总分56.78分，排名第18名，年度等次为不合格；通报。",
    ] {
        assert!(paras.iter().any(|p| p == said), "{said} not in {paras:?}");
    }

    // 年度构成 adds up as printed.
    let parts = table(&book, "年度构成", "排名");
    let sg = parts.iter().find(|r| r[1] == "韶关市").unwrap();
    let sum: f64 = [3, 5, 7, 9]
        .iter()
        .map(|&c| sg[c].parse::<f64>().unwrap())
        .sum();
    assert_eq!(format!("{sum:.2}"), sg[10]);
    assert_eq!(sg[11], "第二季度未报送，按0分计");
}

#[test]
fn a_quarter_missing_from_the_history_stops_and_partial_marks_every_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let partial = tmp.path().join("h");
    std::fs::create_dir(&partial).unwrap();
    for q in ["2025Q1", "2025Q3", "2025Q4"] {
        let name = format!("{q}.parquet");
        std::fs::copy(out.join("history").join(&name), partial.join(&name)).unwrap();
    }
    let book = tmp.path().join("年度.xlsx");
    let args = ["--history", "h", "--out", "年度.xlsx"];
    let o = annual(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("缺少2025Q2") && err.contains("--partial"),
        "{err}"
    );
    assert!(!book.exists(), "nothing written");

    let mut with = args.to_vec();
    with.push("--partial");
    let o = annual(tmp.path(), &with);
    assert_eq!(o.status.code(), Some(1));
    let dump = crate::report::xlsx_dump::dump(&book);
    for (sheet, text) in &dump {
        if sheet.starts_with("00") {
            continue;
        }
        assert!(
            text.contains("年度结果未完成（缺第二季度）"),
            "{sheet} does not say the year is incomplete"
        );
    }
    // The three quarters held, each a third: 汕头市 (91.25 + 85.26 + 94.02) / 3.
    let rows = table(&book, "年度排名", "排名");
    let st = row(&rows, "汕头市");
    assert_eq!(st[15], "90.18");

    // A year the history does not hold at all.
    let o = kaoping(
        tmp.path(),
        &["annual", "--year", "2024", "--history", "h", "--partial"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("没有2024年的任何季度"));
}

/// `missing = "lowest"`: 韶关市's missing Q2 counts as its lowest scored quarter (71.88), the
/// rule printed beside it: 19.53 + 17.97 + 19.28 + 17.97 = 74.75, 合格.
#[test]
fn the_scheme_says_how_a_missing_quarter_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("templates/scheme-2020.toml")).unwrap();
    let scheme = tmp.path().join("scheme.toml");
    let text = text.replacen("missing = \"zero\"", "missing = \"lowest\"", 1);
    std::fs::write(&scheme, text).unwrap();
    let o = annual(
        tmp.path(),
        &[
            "--history",
            "out/history",
            "--out",
            "年度.xlsx",
            "--scheme",
            scheme.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let book = tmp.path().join("年度.xlsx");
    let rows = table(&book, "年度排名", "排名");
    let sg = row(&rows, "韶关市");
    assert_eq!((sg[15].as_str(), sg[16].as_str()), ("74.75", "合格"));
    let cells = crate::util::all_cells(&book);
    assert!(
        cells
            .iter()
            .any(|c| c == "注：韶关市2025年第二季度未报送，按本年度最低分71.88分计。"),
        "no footnote"
    );
}

/// The scheme of the test below: quarters 70% (`QUARTERS`, in place of the default's share),
/// 年终检查 30%, 年度加减分 as they are, and a 年度一票否决, all read from the province's 年度评定
/// file.
const QUARTERS: &str = r#"quarters_weight = 0.7
veto = { column = "年度一票否决", reason_column = "否决事由" }"#;
const WITH_FINDINGS: &str = r#"
[[annual.items]]
column = "年终检查得分"
label = "年终检查"
weight = 0.3

[[annual.items]]
column = "年度加减分"
label = "年度加减分"
weight = 1.0
reason_column = "加减分事由"
"#;

/// A 年度评定 file: 年终检查 80 for all, 90 for 汕头市; 广州市 +2 for a national model case;
/// 茂名市 vetoed for the year. `bad` replaces one cell to make it wrong.
fn findings_csv(bad: Option<(&str, &str)>) -> String {
    let regions = kaoping::registry::Registry::builtin().unwrap();
    let mut out =
        String::from("区划代码,名称,年终检查得分,年度加减分,加减分事由,年度一票否决,否决事由\n");
    for r in &regions.regions {
        let check = if r.name == "汕头市" { "90" } else { "80" };
        let (plus, why) = if r.name == "广州市" {
            ("2", "案件入选全国典型案例")
        } else {
            ("0", "")
        };
        let (veto, veto_why) = if r.name == "茂名市" {
            ("是", "年底发生重大制售假药案件")
        } else {
            ("否", "")
        };
        let mut check = check.to_string();
        if let Some((name, value)) = bad {
            if r.name == name {
                check = value.to_string();
            }
        }
        out.push_str(&format!(
            "{},{},{check},{plus},{why},{veto},{veto_why}\n",
            r.code, r.name
        ));
    }
    out
}

#[test]
fn the_province_file_adds_its_annual_items_and_veto_as_the_scheme_says() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("templates/scheme-2020.toml")).unwrap();
    let scheme = tmp.path().join("scheme.toml");
    let text = text.replacen("quarters_weight = 1.0", QUARTERS, 1);
    std::fs::write(&scheme, format!("{text}{WITH_FINDINGS}")).unwrap();
    let scheme = scheme.to_str().unwrap();
    std::fs::write(tmp.path().join("年度评定.csv"), findings_csv(None)).unwrap();
    let args = |findings: Option<&'static str>| {
        let mut a = vec![
            "--history",
            "out/history",
            "--out",
            "年度.xlsx",
            "--scheme",
            scheme,
        ];
        if let Some(f) = findings {
            a.extend(["--findings", f]);
        }
        a
    };

    // The scheme reads a 年度评定 file: without one, a stop that says so.
    let o = annual(tmp.path(), &args(None));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--findings"));

    let o = annual(tmp.path(), &args(Some("年度评定.csv")));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let book = tmp.path().join("年度.xlsx");
    let rows = table(&book, "年度排名", "排名");
    // Columns: 3 fixed, 12 for the quarters, 年终检查 (15), 年度加减分 (16), 年度总分 (17), 等次.
    // 汕头市: each quarter 17.5% (25% of 70%): 91.25 → 15.97 (15.96875), 86.77 → 15.18
    // (15.18475), 85.26 → 14.92 (14.9205), 94.02 → 16.45 (16.4535) = 62.52; 年终检查 90 × 0.3 =
    // 27.00; 89.52 in all: 良好.
    let st = row(&rows, "汕头市");
    assert_eq!((st[15].as_str(), st[16].as_str()), ("90", "0"));
    assert_eq!((st[17].as_str(), st[18].as_str()), ("89.52", "良好"));
    // 广州市 +2, with its 事由 under the table.
    let gz = row(&rows, "广州市");
    assert_eq!(gz[16], "2");
    let cells = crate::util::all_cells(&book);
    assert!(cells
        .iter()
        .any(|c| c == "注：广州市年度加减分2（案件入选全国典型案例）。"));
    // 茂名市 is vetoed for the year: 不合格 and after every region not vetoed, with 揭阳市.
    let mm = row(&rows, "茂名市");
    assert_eq!(mm[18], "不合格");
    assert!(mm[0].parse::<u32>().unwrap() >= 20, "{}", mm[0]);
    assert!(cells
        .iter()
        .any(|c| c == "注：茂名市年度一票否决（年底发生重大制售假药案件），年度等次定为不合格。"));

    // A bad cell stops the run, naming the file, row and column.
    std::fs::write(
        tmp.path().join("年度评定.csv"),
        findings_csv(Some(("佛山市", "优"))),
    )
    .unwrap();
    let o = annual(tmp.path(), &args(Some("年度评定.csv")));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("年度评定.csv 第")
            && err.contains("“年终检查得分”列")
            && err.contains("“优”不是数值"),
        "{err}"
    );
}

/// 等次 by rank quota: the top 3 优秀, the rest 良好, a total in the 不合格 band staying 不合格 and
/// the vetoed 揭阳市 不合格. The demo's first three are 汕头市 89.33, 茂名市 89.17, 广州市 86.30.
#[test]
fn grades_by_rank_quota() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("templates/scheme-2020.toml")).unwrap();
    let text = text.replacen(
        "publish_ranks = true",
        "publish_ranks = true\nquotas = [{ grade = \"优秀\", top = 3 }]\nrest_grade = \"良好\"",
        1,
    );
    let scheme = tmp.path().join("scheme.toml");
    std::fs::write(&scheme, text).unwrap();
    let o = annual(
        tmp.path(),
        &[
            "--history",
            "out/history",
            "--out",
            "年度.xlsx",
            "--scheme",
            scheme.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = table(&tmp.path().join("年度.xlsx"), "年度排名", "排名");
    let grade = |name: &str| row(&rows, name)[16].clone();
    for name in ["汕头市", "茂名市", "广州市"] {
        assert_eq!(grade(name), "优秀", "{name}");
    }
    assert_eq!(grade("阳江市"), "良好");
    // 江门市 79.77 is 合格 by band, 良好 by the quota's rest.
    assert_eq!(grade("江门市"), "良好");
    assert_eq!(grade("韶关市"), "不合格");
    assert_eq!(grade("揭阳市"), "不合格");
}

/// An annual rule over two years: last place this year and the year before → 约谈. The history
/// holds 2025 and, copied from it, a 2024 in which 揭阳市 was last too. Without 2024 the rule
/// cannot be judged, and 年度督办 says so.
#[test]
fn an_annual_rule_over_two_years_reads_the_year_before() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("templates/scheme-2020.toml")).unwrap();
    let rule = "\n[[annual.rules]]\nid = \"annual-interview-last\"\nmeasure = \"interview\"\nname = \"连续{years}年排名末位\"\nwhen = { bottom = 1 }\nyears = 2\nreason = \"{position}，连续{years}年排名末位\"\n";
    let scheme = tmp.path().join("scheme.toml");
    std::fs::write(&scheme, format!("{text}{rule}")).unwrap();
    let scheme = scheme.to_str().unwrap();

    let run = |history: &str| {
        let o = annual(
            tmp.path(),
            &[
                "--history",
                history,
                "--out",
                "年度.xlsx",
                "--scheme",
                scheme,
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        crate::report::xlsx_dump::dump(&tmp.path().join("年度.xlsx"))
    };
    let alone = run("out/history");
    let sheet = &alone["04-年度督办"];
    assert!(
        sheet.contains("历史数据中没有2024年的完整四个季度"),
        "{sheet}"
    );
    assert!(!sheet.contains("连续2年排名末位"));

    let two = tmp.path().join("two");
    std::fs::create_dir(&two).unwrap();
    for q in 1..=4 {
        for y in [2024, 2025] {
            std::fs::copy(
                out.join("history").join(format!("2025Q{q}.parquet")),
                two.join(format!("{y}Q{q}.parquet")),
            )
            .unwrap();
        }
    }
    let both = run("two");
    let sheet = &both["04-年度督办"];
    assert!(
        sheet.contains("年度总分69.16分，排名第21名，年度等次为不合格，连续2年排名末位；约谈"),
        "{sheet}"
    );
    // 年度排名's column of the year's measure, in the measure's colour.
    let rows = table(&tmp.path().join("年度.xlsx"), "年度排名", "排名");
    assert_eq!(row(&rows, "揭阳市")[17], "约谈");
    assert_eq!(row(&rows, "韶关市")[17], "通报");
    assert_eq!(row(&rows, "汕头市")[17], "");
}

/// Regression (issue 26): a region without a row in a quarter the history holds (a file scored
/// with another registry, a row lost) was counted 0 under "（历史数据缺）" whatever the scheme's
/// missing-quarter rule said. It is counted by the rule and said to be absent: 汕头市 without
/// its Q3 row, by `missing = "lowest"`, counts its lowest scored quarter, 86.77 (Q2): 22.81 +
/// 21.69 + 21.69 (21.6925) + 23.51 = 89.70.
#[test]
fn regression_a_region_absent_from_a_quarter_counts_by_the_missing_rule() {
    use polars::prelude::*;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let q3 = out.join("history/2025Q3.parquet");
    let df = ParquetReader::new(std::fs::File::open(&q3).unwrap())
        .finish()
        .unwrap();
    let mut kept = df
        .lazy()
        .filter(col("name").neq(lit("汕头市")))
        .collect()
        .unwrap();
    ParquetWriter::new(std::fs::File::create(&q3).unwrap())
        .finish(&mut kept)
        .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("templates/scheme-2020.toml")).unwrap();
    let scheme = tmp.path().join("scheme.toml");
    let text = text.replacen("missing = \"zero\"", "missing = \"lowest\"", 1);
    std::fs::write(&scheme, text).unwrap();
    let o = annual(
        tmp.path(),
        &[
            "--history",
            "out/history",
            "--out",
            "年度.xlsx",
            "--scheme",
            scheme.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let book = tmp.path().join("年度.xlsx");
    let rows = table(&book, "年度排名", "排名");
    let st = row(&rows, "汕头市");
    assert_eq!(st[9], "历史数据中无该地区");
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("注意：历史数据中2025Q3没有汕头市的结果"),
        "{said}"
    );
    assert_eq!(st[15], "89.7");
    let cells = crate::util::all_cells(&book);
    assert!(
        cells
            .iter()
            .any(|c| c == "注：汕头市2025年第三季度历史数据中无该地区，按本年度最低分86.77分计。"),
        "no footnote"
    );
}

/// Regression (issue 26): the history table compared statuses with their codes, so a history
/// written before the codes (statuses as Chinese labels, `已评分`) would have counted every
/// quarter as not scored. The labelled 2025Q3–Q4 and the same records written with codes give
/// the same year (`--partial`, two quarters).
#[test]
fn regression_a_history_with_chinese_labels_gives_the_same_year() {
    use kaoping::history;
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let old = root.join("tests/data/history-with-labels");
    let records = history::read(&old, None).unwrap();
    let new = tmp.path().join("codes");
    for q in ["2025Q3", "2025Q4"] {
        let q: kaoping::quarter::Quarter = q.parse().unwrap();
        let quarter: Vec<_> = records.iter().filter(|r| r.quarter == q).cloned().collect();
        history::write(&new, q, &quarter, None, false, "2026-01-01 00:00:00").unwrap();
    }
    let year = |dir: &Path, out: &str| {
        let o = annual(
            tmp.path(),
            &[
                "--history",
                dir.to_str().unwrap(),
                "--out",
                out,
                "--partial",
            ],
        );
        // 1: a partial year is not the official result.
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        table(&tmp.path().join(out), "年度排名", "排名")
    };
    let labelled = year(&old, "旧.xlsx");
    let coded = year(&new, "新.xlsx");
    assert_eq!(labelled, coded);
    // 汕头市 scored in both quarters: 85.26 and 94.02, each half the year's quarters.
    let st = row(&labelled, "汕头市");
    assert_eq!((st[9].as_str(), st[12].as_str()), ("85.26", "94.02"));
    assert_eq!(st[15], "89.64");
}
