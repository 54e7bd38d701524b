//! The real binary on real files: the demo over the committed samples, `template`, `score`'s
//! history rules and its exit codes.

use calamine::{open_workbook_auto, Data, Reader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kaoping(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap()
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn text(d: &Data) -> String {
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

/// The rows of a sheet below the header row whose first cell is `first_header`.
fn table(path: &Path, sheet: &str, first_header: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
    let header = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some(first_header))
        .unwrap_or_else(|| panic!("{sheet}: no header starting with {first_header}"));
    rows[header + 1..]
        .iter()
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .cloned()
        .collect()
}

#[test]
fn demo_ranks_all_regions_and_raises_every_kind_of_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = kaoping(
        tmp.path(),
        &[
            "demo",
            "--samples",
            samples().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("最新排名工作簿"), "{stdout}");
    for q in ["2025Q1", "2025Q2", "2025Q3", "2025Q4"] {
        assert!(out.join(format!("考评排名_{q}.xlsx")).is_file(), "{q}");
    }
    let q4 = out.join("考评排名_2025Q4.xlsx");

    // 总排名: 排名 | 排名区间 | 区划代码 | 地区 | 总分 | 等次 | … | 预警督办 | 状态
    let ranking = table(&q4, "总排名", "排名");
    assert_eq!(ranking.len(), 21);
    let row = |code: &str| {
        ranking
            .iter()
            .find(|r| r[2] == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    assert!(
        row("445300")[8].starts_with("挂牌督办"),
        "{:?}",
        row("445300")
    );
    assert!(row("445300")[8].contains("约谈"));
    assert!(
        row("445200")[8].starts_with("一票否决"),
        "{:?}",
        row("445200")
    );
    assert_eq!(row("445200")[5], "不合格");
    assert_eq!(row("445100")[9], "数据有误，退回修改");
    // The tie: equal figures and equal 市场主体数 give one shared rank.
    assert_eq!(row("440700")[0], row("440800")[0]);
    assert_eq!(row("440700")[4], row("440800")[4]);
    // Ranks never go down the table.
    let ranks: Vec<f64> = ranking.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    // 排名区间: every scored region's interval holds its rank; the leader, 3 points clear, never
    // moves; the tied pair shares one interval; an unscored region has none.
    for r in ranking.iter().filter(|r| r[9] == "已评分") {
        let rank: u32 = r[0].parse().unwrap();
        let (lo, hi) = match r[1].split_once('–') {
            Some((a, b)) => (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap()),
            None => (r[1].parse().unwrap(), r[1].parse().unwrap()),
        };
        assert!(lo <= rank && rank <= hi, "{r:?}");
    }
    assert_eq!(row("440500")[1], "1");
    assert_eq!(row("440700")[1], row("440800")[1]);
    assert_eq!(row("445100")[1], "");

    // 预警与督办: 地区 | 区划代码 | 督办类型 | 规则 | 情况说明 | 整改期限
    let flags = table(&q4, "预警与督办", "地区");
    let find = |code: &str, kind: &str| {
        flags
            .iter()
            .find(|r| r[1] == code && r[2] == kind)
            .unwrap_or_else(|| panic!("{code} {kind} in {flags:?}"))
    };
    let supervise = find("445300", "挂牌督办");
    assert_eq!(supervise[5], "2026-03-31");
    assert!(supervise[4].contains("连续3个季度被通报"), "{supervise:?}");
    assert!(find("445300", "约谈")[4].contains("连续3个季度被通报（2025Q2至2025Q4）"));
    assert!(find("445300", "通报")[4].contains("排名第19（共20个有效报送地区）"));
    assert!(find("445200", "一票否决")[4].contains("重大假冒伪劣食品"));
    assert!(flags.iter().any(|r| r[2] == "预警"));
    // 云浮市 disclosed 3 of its 7 cases: beyond D1's 95% funnel limit even for so few cases.
    let funnel = flags
        .iter()
        .find(|r| r[1] == "445300" && r[3] == "D1超出漏斗图95%控制限")
        .unwrap_or_else(|| panic!("{flags:?}"));
    assert!(
        funnel[4].starts_with("D1 行政处罚案件信息公示率为42.9%（3/7），低于漏斗图95%控制下限"),
        "{funnel:?}"
    );

    // 数据质量: the deliberate errors of 潮州市, each with its cell.
    let quality = table(&q4, "数据质量", "级别");
    let chaozhou: Vec<&Vec<String>> = quality
        .iter()
        .filter(|r| r[2].starts_with("445100"))
        .collect();
    assert!(
        chaozhou
            .iter()
            .any(|r| r[3] == "汇总指标" && r[4] == "D6" && r[5] == "应为非负整数，实际为“约30”"),
        "{chaozhou:?}"
    );
    assert!(
        chaozhou
            .iter()
            .any(|r| r[4] == "D19" && r[5] == "应为非负整数，实际为“-3”"),
        "{chaozhou:?}"
    );
    // Both of 广州市's files are listed.
    assert!(quality.iter().any(|r| r[5].contains("同一地区收到2份报送")));
}

#[test]
fn template_writes_one_workbook_per_region() {
    let tmp = tempfile::tempdir().unwrap();
    let o = kaoping(
        tmp.path(),
        &["template", "--quarter", "2025Q4", "--out", "t"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(tmp.path().join("t"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 21);
    assert_eq!(names[0], "440100_广州市_2025Q4.xlsx");
    let mut wb = open_workbook_auto(tmp.path().join("t").join(&names[0])).unwrap();
    let basic = wb.worksheet_range("基本情况").unwrap();
    let cells: Vec<String> = basic
        .rows()
        .flat_map(|r| r.iter().map(text).collect::<Vec<_>>())
        .collect();
    assert!(
        cells.contains(&"440100".to_string()) && cells.contains(&"2025Q4".to_string()),
        "{cells:?}"
    );
}

#[test]
fn score_refuses_an_earlier_quarter_after_a_later_one() {
    let tmp = tempfile::tempdir().unwrap();
    let s = samples();
    let q4 = kaoping(
        tmp.path(),
        &[
            "score",
            s.join("2025Q4").to_str().unwrap(),
            "--history",
            "h",
            "--out",
            "q4.xlsx",
        ],
    );
    // 潮州市's errors make the exit code 1, but the workbook is written.
    assert_eq!(
        q4.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&q4.stderr)
    );
    assert!(tmp.path().join("q4.xlsx").is_file());
    let q3 = kaoping(
        tmp.path(),
        &[
            "score",
            s.join("2025Q3").to_str().unwrap(),
            "--history",
            "h",
            "--out",
            "q3.xlsx",
        ],
    );
    assert_eq!(q3.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&q3.stderr).contains("已有更晚的季度2025Q4"));
    assert!(!tmp.path().join("q3.xlsx").exists());
}

#[test]
fn bad_arguments_exit_with_2_and_a_chinese_message() {
    let tmp = tempfile::tempdir().unwrap();
    let o = kaoping(tmp.path(), &["score", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("无法从文件夹名“nowhere”推断季度"));
    let o = kaoping(tmp.path(), &["score", "nowhere", "--quarter", "2025Q4"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("无法读取报送文件夹"));
    let o = kaoping(
        tmp.path(),
        &["template", "--quarter", "2025Q9", "--out", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2025Q9"));
}
