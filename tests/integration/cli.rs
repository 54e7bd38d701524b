//! The real binary on real files: the demo over the committed samples, `template`, `score`'s
//! history rules and its exit codes.

use crate::util::{all_cells, demo, docx_paragraphs, kaoping, samples, table, text};
use calamine::{open_workbook_auto, Data, Reader};
use std::path::{Path, PathBuf};

#[test]
fn demo_ranks_all_regions_and_raises_every_kind_of_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = demo(tmp.path(), &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("最新排名工作簿"), "{stdout}");
    for q in ["2025Q1", "2025Q2", "2025Q3", "2025Q4"] {
        assert!(out.join(format!("考评排名_{q}.xlsx")).is_file(), "{q}");
    }
    let q4 = out.join("考评排名_2025Q4.xlsx");

    // 总排名: 排名 | 排名区间 | 区划代码 | 地区 | 总分 | 等次 | … | 督办措施 | 状态
    let ranking = table(&q4, "总排名", "排名");
    assert_eq!(ranking.len(), 21);
    let row = |code: &str| {
        ranking
            .iter()
            .find(|r| r[2] == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    // One measure per region, the most serious.
    assert_eq!(row("445300")[8], "挂牌督办", "{:?}", row("445300"));
    assert_eq!(row("445200")[8], "一票否决", "{:?}", row("445200"));
    assert_eq!(row("445200")[5], "不合格");
    // 潮州市 sent a faulty file: a status, not 未报送 and not a measure.
    assert_eq!(row("445100")[9], "数据有误，退回修改");
    assert_eq!(row("445100")[8], "");
    assert!(!stdout.contains("未报送数据有误") && !stdout.contains("退回修改未报送"));
    // The tie: equal figures and equal 市场主体数 give one shared rank.
    assert_eq!(row("440700")[0], row("440800")[0]);
    assert_eq!(row("440700")[4], row("440800")[4]);
    // 潮州市 (数据有误) takes no part in the ranking: no rank (the 通报 says so too).
    assert_eq!(row("445100")[0], "—");
    // Ranks never go down the table.
    let ranks: Vec<f64> = ranking
        .iter()
        .filter(|r| r[9] == "已评分")
        .map(|r| r[0].parse().unwrap())
        .collect();
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

    // 预警与督办: 排名 | 区划代码 | 地区 | 督办措施 | 触发规则 | 情况说明 | 整改期限, one row a region.
    let flags = table(&q4, "预警与督办", "排名");
    let find = |code: &str| {
        let rows: Vec<&Vec<String>> = flags.iter().filter(|r| r[1] == code).collect();
        assert_eq!(rows.len(), 1, "{code} in {flags:?}");
        rows[0]
    };
    let yunfu = find("445300");
    assert_eq!(yunfu[3], "挂牌督办");
    assert_eq!(yunfu[6], "2026-03-31");
    assert!(yunfu[4].contains("连续3个季度被通报"), "{yunfu:?}");
    // Its story: the place, the funnel, the streak told once, the measure and its deadline.
    assert!(yunfu[5].contains("总分36.51分，排名第19名"), "{yunfu:?}");
    assert_eq!(
        yunfu[5].matches("连续3个季度被通报").count(),
        1,
        "{yunfu:?}"
    );
    assert!(
        yunfu[5].contains("2025年第二季度至第四季度连续3个季度被通报"),
        "{yunfu:?}"
    );
    assert!(
        yunfu[5].ends_with("挂牌督办，限2026年3月31日前整改到位"),
        "{yunfu:?}"
    );
    // 云浮市 disclosed 3 of its 7 cases: beyond D1's 95% funnel limit even for so few cases.
    assert!(
        yunfu[4].contains("行政处罚案件信息公示率超出漏斗图95%控制限"),
        "{yunfu:?}"
    );
    assert!(
        yunfu[5].contains("行政处罚案件信息公示率为42.9%（3/7），低于漏斗图95%控制下限"),
        "{yunfu:?}"
    );
    assert!(find("445200")[5].contains("重大假冒伪劣食品"));
    assert!(flags.iter().any(|r| r[3] == "预警"));
    assert!(
        flags.iter().all(|r| r[1] != "445100"),
        "a status is not a measure"
    );

    // 数据质量: the deliberate errors of 潮州市, each with its cell.
    let quality = table(&q4, "数据质量", "级别");
    let chaozhou: Vec<&Vec<String>> = quality
        .iter()
        .filter(|r| r[2].starts_with("445100"))
        .collect();
    assert!(
        chaozhou.iter().any(|r| r[3] == "汇总指标"
            && r[4] == "D6"
            && r[5] == "S05（分领域案件数：互联网）应为非负整数，实际为“约30”"),
        "{chaozhou:?}"
    );
    assert!(
        chaozhou
            .iter()
            .any(|r| r[4] == "D19" && r[5] == "S18（抓获犯罪嫌疑人数）应为非负整数，实际为“-3”"),
        "{chaozhou:?}"
    );
    // Both of 广州市's files are named, in one note (issue 24: it was printed twice).
    let duplicate: Vec<&Vec<String>> = quality
        .iter()
        .filter(|r| r[5].contains("同一地区收到2份报送"))
        .collect();
    assert_eq!(duplicate.len(), 1, "{duplicate:?}");
    assert!(
        duplicate[0][5].contains("初稿")
            && duplicate[0][5].contains("采用440100_广州市_2025Q4.xlsx")
    );
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
    // 21 regions' templates and the office's blank 省级评定.
    assert_eq!(names.len(), 22);
    assert_eq!(names[0], "440100_广州市_2025Q4.xlsx");
    assert_eq!(names[21], "省级评定.xlsx");
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
            "--new-history",
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
    assert!(String::from_utf8_lossy(&o.stderr).contains("无法读取报送文件夹 nowhere"));
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = kaoping(tmp.path(), &["score", "empty"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("无法从文件夹名“empty”推断季度，文件夹中也没有填写了“季度”的报送文件"));
    let o = kaoping(tmp.path(), &["score", "nowhere", "--quarter", "2025Q4"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("无法读取报送文件夹"), "{err}");
    // In words, not the operating system's English (issue 23).
    assert!(
        err.contains("文件或文件夹不存在") && !err.contains("os error"),
        "{err}"
    );
    let o = kaoping(
        tmp.path(),
        &["template", "--quarter", "2025Q9", "--out", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("2025Q9"));
}

/// A number as the sheet shows it: to 2 decimals.
fn shown(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some((f * 100.0).round() / 100.0),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The printed figures add up, as shown: on every row of 分项得分 each group's scores sum to its
/// 小计 and the 小计 plus 加分 minus 扣分 to the 总分, which is the 总分 of 总排名. Checked on all
/// four quarters of the demo, and the demo twice gives byte-identical workbooks.
#[test]
fn printed_figures_add_up_and_two_runs_give_the_same_bytes() {
    // Two folders, the same command in each (评分说明 names the history folder as given).
    let (t1, t2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let run = |dir: &std::path::Path| {
        demo(dir, std::path::Path::new("out"));
        dir.join("out")
    };
    let (one, two) = (run(t1.path()), run(t2.path()));
    let (mut checked_rows, mut scored) = (0, 0);
    for q in ["2025Q1", "2025Q2", "2025Q3", "2025Q4"] {
        let name = format!("考评排名_{q}.xlsx");
        let (a, b) = (
            std::fs::read(one.join(&name)).unwrap(),
            std::fs::read(two.join(&name)).unwrap(),
        );
        assert!(a == b, "{name}: two runs differ");

        let mut wb = open_workbook_auto(one.join(&name)).unwrap();
        let scores = wb.worksheet_range("分项得分").unwrap();
        let (groups_row, header_row) = (2u32, 3u32);
        let width = scores.width() as u32;
        let header = |c: u32| text(scores.get_value((header_row, c)).unwrap_or(&Data::Empty));
        let col_of = |h: &str| (0..width).find(|&c| header(c) == h).unwrap();
        let (bonus, deduct, total) = (col_of("加分"), col_of("扣分"), col_of("总分（分）"));
        // Each group: its indicator columns and its 小计 column.
        let mut groups: Vec<(Vec<u32>, u32)> = Vec::new();
        let mut members = Vec::new();
        for c in 2..bonus {
            let starts =
                !text(scores.get_value((groups_row, c)).unwrap_or(&Data::Empty)).is_empty();
            if starts {
                members.clear();
            }
            if header(c) == "小计" {
                groups.push((std::mem::take(&mut members), c));
            } else {
                members.push(c);
            }
        }
        assert_eq!(groups.len(), 7, "{q}");
        let ranking = table(&one.join(&name), "总排名", "排名");
        scored += ranking.iter().filter(|r| r[9] == "已评分").count();
        for row in header_row + 1..scores.height() as u32 {
            let cell = |c: u32| scores.get_value((row, c)).cloned().unwrap_or(Data::Empty);
            let Some(shown_total) = shown(&cell(total)) else {
                continue;
            };
            let mut sum = 0.0;
            for (cols, sub) in &groups {
                // "不计" counts nothing.
                let parts: f64 = cols.iter().filter_map(|&c| shown(&cell(c))).sum();
                let subtotal = shown(&cell(*sub)).unwrap();
                assert!(
                    (parts - subtotal).abs() < 0.005,
                    "{q} row {row}: group in columns {cols:?} adds to {parts}, shown {subtotal}"
                );
                sum += subtotal;
            }
            let figured = sum + shown(&cell(bonus)).unwrap() - shown(&cell(deduct)).unwrap();
            assert!(
                (figured - shown_total).abs() < 0.005,
                "{q} row {row}: figures add to {figured}, total shown {shown_total}"
            );
            let region = text(&cell(1));
            let on_ranking = ranking.iter().find(|r| r[3] == region).unwrap();
            assert_eq!(
                on_ranking[4]
                    .parse::<f64>()
                    .map(|v| (v * 100.0).round() / 100.0),
                Ok(shown_total),
                "{q} {region}"
            );
            checked_rows += 1;
        }
    }
    // Every scored region of every quarter, and there are some.
    assert_eq!(checked_rows, scored);
    assert!(scored > 70, "{scored}");
}

/// Issue 9: a folder named otherwise (报送) is scored for the quarter its submissions state in
/// 基本情况; when they disagree, `score` stops and lists which file says which quarter.
#[test]
fn the_quarter_comes_from_the_submissions_when_the_folder_name_lacks_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("报送");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(samples().join("2025Q4")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let o = kaoping(tmp.path(), &["score", "报送"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("评分季度为2025Q4"), "{stdout}");
    let out = tmp.path().join("考评排名_2025Q4.xlsx");
    let rows = table(&out, "总排名", "排名");
    assert_eq!(rows.len(), 21);

    std::fs::copy(
        samples().join("2025Q3/440100_广州市_2025Q3.xlsx"),
        dir.join("440100_广州市_2025Q3.xlsx"),
    )
    .unwrap();
    let o = kaoping(tmp.path(), &["check", "报送"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("季度不一致"), "{stderr}");
    assert!(
        stderr.contains("  2025Q3：440100_广州市_2025Q3.xlsx\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  2025Q4：440100_广州市_2025Q4.xlsx、"),
        "{stderr}"
    );
}

/// `kaoping explain` over the demo's 2025Q4 and its history gives each region the total, rank,
/// grade and measure that 总排名 shows: 云浮市 (挂牌督办; C1 scored by when_empty), 揭阳市
/// (一票否决, a bonus and a deduction) and 汕头市 (first, no measure).
#[test]
fn explain_gives_the_ranking_workbooks_total_rank_and_measure() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let ranking = table(&out.join("考评排名_2025Q4.xlsx"), "总排名", "排名");
    let q4 = samples().join("2025Q4");
    let history = out.join("history");
    for name in ["云浮市", "揭阳市", "汕头市"] {
        let row = ranking.iter().find(|r| r[3] == name).unwrap();
        let (rank, total, grade, measure) = (&row[0], &row[4], &row[5], &row[8]);
        let o = kaoping(
            tmp.path(),
            &[
                "explain",
                q4.to_str().unwrap(),
                name,
                "--history",
                history.to_str().unwrap(),
            ],
        );
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{stdout}");
        let total: f64 = total.parse().unwrap();
        let measure = if measure.is_empty() { "无" } else { measure };
        let headline = stdout.lines().nth(1).unwrap();
        assert!(
            headline.starts_with(&format!(
                "总分{}分，第{rank}名",
                kaoping::text::fmt_num(total)
            )),
            "{name}: {headline} vs {row:?}"
        );
        assert!(
            headline.ends_with(&format!("等次{grade}，措施{measure}")),
            "{name}: {headline} vs {row:?}"
        );
    }
    let explain = |who: &str| {
        let args = [
            "explain",
            q4.to_str().unwrap(),
            who,
            "--history",
            history.to_str().unwrap(),
        ];
        String::from_utf8_lossy(&kaoping(tmp.path(), &args).stdout).into_owned()
    };
    let yunfu = explain("445300");
    assert!(yunfu.contains("计分：分母为0，按满分计"), "{yunfu}");
    assert!(yunfu.contains("整改期限：2026年3月31日"), "{yunfu}");
    // 整改事项, worked out by hand from 云浮市's scores (points − score, more than 1 point lost):
    // D1 10−0 = 10; B1 10−3.84 = 6.16; B4 5−0 = 5 and E2 5−0 = 5 (scheme order); E1 5−0.09 =
    // 4.91; G1 5−0.56 = 4.44; C3 5−0.71 = 4.29 and F2 5−0.71 = 4.29; B2 5−0.83 = 4.17; A2 3 and
    // A3 3; B3 5−2.01 = 2.99; D2 5−2.14 = 2.86; F1 5−3.13 = 1.87; G2 5−3.49 = 1.51. A1, A4 (full
    // marks) and C1, C2 (when_empty: full) lost nothing.
    let block: Vec<&str> = yunfu
        .lines()
        .skip_while(|l| !l.starts_with("五、整改事项"))
        .skip(1)
        .take_while(|l| !l.starts_with("六、"))
        .collect();
    let ids: Vec<&str> = block
        .iter()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        ids,
        [
            "D1", "B1", "B4", "E2", "E1", "G1", "C3", "F2", "B2", "A2", "A3", "B3", "D2", "F1",
            "G2"
        ],
        "{block:#?}"
    );
    assert!(block[1].contains("失6.16分（满分10分）"), "{}", block[1]);
    assert!(block[0].contains("依据：办字〔2017〕100号"), "{}", block[0]);
    assert!(block[0].contains("整改要求：对"), "{}", block[0]);
    let jieyang = explain("揭阳市");
    assert!(jieyang.contains("措施：一票否决"), "{jieyang}");
    // The incident is its first 整改事项, with what to do and by when (issue 24).
    let first = jieyang
        .lines()
        .skip_while(|l| !l.starts_with("五、整改事项"))
        .nth(1)
        .unwrap();
    assert!(
        first.starts_with("  1. 一票否决：") && first.contains("2026年3月31日前完成"),
        "{first}"
    );
    assert!(
        jieyang.contains("+0.5分") && jieyang.contains("-2分"),
        "{jieyang}"
    );

    // An unknown region: exit 2, saying what to give.
    let o = kaoping(tmp.path(), &["explain", q4.to_str().unwrap(), "北京市"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("地区名录中没有“北京市”"));
}

/// Issue 23, item 6: `check --feedback` writes the 退回修改通知 and 补报通知 the day files arrive,
/// without scoring or any history: only the regions not scored get a form.
#[test]
fn check_writes_the_notices_without_scoring() {
    let tmp = tempfile::tempdir().unwrap();
    for (q, expected) in [
        ("2025Q2", "440200_韶关市_2025Q2_补报通知.xlsx"),
        ("2025Q4", "445100_潮州市_2025Q4_退回修改通知.xlsx"),
    ] {
        let fb = format!("通知_{q}");
        let o = kaoping(
            tmp.path(),
            &[
                "check",
                samples().join(q).to_str().unwrap(),
                "--out",
                "q.xlsx",
                "--feedback",
                &fb,
            ],
        );
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let names: Vec<String> = std::fs::read_dir(tmp.path().join(&fb))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [expected], "{q}");
        assert!(String::from_utf8_lossy(&o.stdout).contains("1份；未评分，未写入历史数据"));
    }
    assert!(!tmp.path().join("考评排名_2025Q4.xlsx").exists());
}

/// Issue 23, item 5: after `score` the terminal says what a leader asks: the measures by region,
/// most serious first, then whom to call with the contact their file gives.
#[test]
fn score_tells_the_measures_and_whom_to_call() {
    let tmp = tempfile::tempdir().unwrap();
    let o = kaoping(
        tmp.path(),
        &[
            "score",
            samples().join("2025Q4").to_str().unwrap(),
            "--out",
            "x.xlsx",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let measures = out.find("督办措施：").expect("measures");
    let calls = out.find("需联系的地区：").expect("calls");
    assert!(measures < calls, "{out}");
    assert!(out.contains("  一票否决（1个）：揭阳市"), "{out}");
    let after: Vec<&str> = out[calls..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(
        after
            .iter()
            .any(|l| l.contains("揭阳市") && l.contains("一票否决") && l.contains("填报人")),
        "{after:?}"
    );
    assert!(
        after
            .iter()
            .any(|l| l.contains("潮州市") && l.contains("数据有误，退回修改")),
        "{after:?}"
    );
}

/// The 株洲市 case: six sample prefectures for 2025Q1 and 2025Q2 (seed 7) in `tmp/s`, and a
/// 市-level workspace `tmp/株洲` made with `init` (`contact` given after `--office … --level 市`)
/// whose 报送/ holds both quarters. Returns the workspace's root.
fn zhuzhou(tmp: &Path, contact: &[&str]) -> PathBuf {
    let o = kaoping(
        tmp,
        &[
            "samples",
            "--regions",
            "6",
            "--quarters",
            "2025Q1..2025Q2",
            "--seed",
            "7",
            "--max-ledger-rows",
            "20",
            "--out",
            "s",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut args = vec![
        "init",
        "株洲",
        "--office",
        "株洲市打击侵权假冒工作领导小组办公室",
        "--level",
        "市",
        "--regions",
        "s/regions.csv",
    ];
    args.extend_from_slice(contact);
    let o = kaoping(tmp, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let root = tmp.join("株洲");
    for q in ["2025Q1", "2025Q2"] {
        let to = root.join("报送").join(q);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(tmp.join("s").join(q)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
    root
}

/// Issue 23, item 1 (first slice): a prefecture's workspace. `init` makes it; inside it (here
/// from a subfolder) `template 2025Q3`, `check 2025Q1` and `score 2025Q1` need no paths and use
/// the workspace's scheme, registry and history; the flag form with another scheme stops,
/// naming both.
#[test]
fn a_workspace_needs_no_paths_and_keeps_its_own_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = zhuzhou(tmp.path(), &["--contact", "李四"]);
    let inside = root.join("报送");
    let o = kaoping(&inside, &["score", "2025Q1"]);
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(root.join("输出/2025Q1/考评排名_2025Q1.xlsx").is_file());
    // Titled by the workspace's office, not the scheme's (a copy of Guangdong's).
    let mut wb = open_workbook_auto(root.join("输出/2025Q1/考评排名_2025Q1.xlsx")).unwrap();
    let title = text(&wb.worksheet_range("总排名").unwrap()[(0, 0)]);
    assert!(
        title.contains("株洲市打击侵权假冒工作领导小组办公室"),
        "{title}"
    );
    assert!(root.join("历史/2025Q1.parquet").is_file());
    let o = kaoping(&inside, &["check", "2025Q2"]);
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(root.join("输出/2025Q2/数据质量_2025Q2.xlsx").is_file());
    let o = kaoping(&root, &["template", "2025Q3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The workspace's registry: six regions' templates and the 省级评定.
    assert_eq!(
        std::fs::read_dir(root.join("模板/2025Q3")).unwrap().count(),
        7
    );
    // The flag form, forced with another scheme: stops, naming both.
    let scheme = std::fs::read_to_string(root.join("指标体系.toml")).unwrap();
    std::fs::write(
        tmp.path().join("zz.toml"),
        scheme.replacen("id = \"dqqq-2020\"", "id = \"zz-2026\"", 1),
    )
    .unwrap();
    let zz = tmp.path().join("zz.toml");
    let o = kaoping(
        &root,
        &["score", "报送/2025Q2", "--scheme", zz.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("dqqq-2020") && err.contains("zz-2026"),
        "{err}"
    );
    assert!(!root.join("历史/2025Q2.parquet").exists());
    // compare with one scheme: the workspace's against the one given.
    let revised = tmp.path().join("revised.toml");
    std::fs::write(
        &revised,
        scheme.replacen("version = \"2020.1\"", "version = \"2026.1\"", 1),
    )
    .unwrap();
    let o = kaoping(
        &root,
        &["compare", "2025Q1", "--scheme", revised.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(root.join("输出/2025Q1/方案比较_2025Q1.xlsx").is_file());
    // Inside the workspace both schemes read its history, and page 1 says which (issue 24).
    let summary = all_cells(&root.join("输出/2025Q1/方案比较_2025Q1.xlsx"));
    assert!(
        summary
            .iter()
            .any(|c| c.starts_with("两个方案都读取了历史数据") && c.contains("2025Q1")),
        "{summary:?}"
    );
    // A second init on the same folder changes nothing.
    let o = kaoping(tmp.path(), &["init", "株洲", "--office", "x"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Issue 23, item 3: a prefecture's workspace speaks as a prefecture's office. Its 通报 counts
/// 全市 regions and 全市 averages, its 反馈单 compares with 全市平均, its templates, notices,
/// 反馈单 and 通报 name its own 联系人 and 电话, and nothing it issues says 全省 or 省办.
#[test]
fn a_prefecture_workspace_speaks_as_a_city_office_and_names_its_contact() {
    let tmp = tempfile::tempdir().unwrap();
    let office = "株洲市打击侵权假冒工作领导小组办公室";
    let root = zhuzhou(
        tmp.path(),
        &["--contact", "李四", "--phone", "0731-1234567"],
    );
    // One region has not sent its second quarter.
    for e in std::fs::read_dir(root.join("报送/2025Q2")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("440600")
        {
            std::fs::remove_file(p).unwrap();
        }
    }
    let o = kaoping(&root, &["score", "2025Q1", "--feedback", "--bulletin"]);
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = root.join("输出/2025Q1");
    let paras = docx_paragraphs(&out.join("情况通报_2025Q1.docx"));
    let all = paras.join("\n");
    assert!(all.contains("全市6个地区"), "{all}");
    assert!(all.contains("全市平均失分较多的指标"), "{all}");
    assert!(!all.contains("全省") && !all.contains("省办"), "{all}");
    assert!(
        paras
            .iter()
            .any(|p| p == "各县（市、区）打击侵权假冒工作领导小组办公室："),
        "{all}"
    );
    // 落款, 成文日期, then the 附注 with whom to call.
    let signed = paras.iter().position(|p| p == office).unwrap();
    assert_eq!(paras[signed + 2], "（联系人：李四，电话：0731-1234567）");

    let forms: Vec<_> = std::fs::read_dir(out.join("反馈单_2025Q1"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(forms.len(), 6);
    for form in &forms {
        let cells = all_cells(form);
        assert!(cells.iter().any(|c| c == "全市平均"), "{form:?}");
        assert!(
            cells.iter().any(|c| c.contains(&format!(
                "请及时与{office}联系核实（联系人：李四，电话：0731-1234567）"
            ))),
            "{form:?}"
        );
        assert!(!cells.iter().any(|c| c.contains("全省")), "{form:?}");
    }
    let ranking = all_cells(&out.join("考评排名_2025Q1.xlsx"));
    assert!(ranking.iter().any(|c| c.contains("全市")));

    // The notices of the second quarter, before scoring: a 补报通知 naming the contact.
    let o = kaoping(&root, &["check", "2025Q2", "--feedback"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let notice = root.join("输出/2025Q2/反馈单_2025Q2/440600_佛山市_2025Q2_补报通知.xlsx");
    let cells = all_cells(&notice);
    assert!(
        cells.iter().any(
            |c| c.contains(&format!("请将填好的本季度填报模板报送{office}"))
                && c.ends_with("联系人：李四，电话：0731-1234567。")
        ),
        "{cells:?}"
    );

    // The templates: 填报说明 names the office's contact.
    let o = kaoping(&root, &["template", "2025Q3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let template = root.join("模板/2025Q3/440100_广州市_2025Q3.xlsx");
    let mut wb = open_workbook_auto(&template).unwrap();
    let guide = wb.worksheet_range("填报说明").unwrap();
    let contact = guide
        .rows()
        .find(|r| r.first().map(text).as_deref() == Some("联系方式"))
        .map(|r| text(&r[1]));
    assert_eq!(
        contact,
        Some(format!("联系人：{office} 李四，电话：0731-1234567"))
    );
}

/// Issue 24: the 制表日期 is the office's to set (`--date`), not the clock's: the ranking
/// workbook, the notices and their resubmission deadline (5 working days on) follow it. A date
/// that is not one stops with a message saying how to write it.
#[test]
fn the_date_on_the_outputs_is_the_one_given() {
    let tmp = tempfile::tempdir().unwrap();
    let q4 = samples().join("2025Q4");
    let o = kaoping(
        tmp.path(),
        &[
            "score",
            q4.to_str().unwrap(),
            "--new-history",
            "--history",
            "历史",
            "--date",
            "2026-01-20",
            "--feedback",
            "--bulletin",
            "--number",
            "粤打假办〔2026〕3号",
            "--copy-to",
            "省委政法委，省公安厅",
        ],
    );
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ranking = all_cells(&tmp.path().join("考评排名_2025Q4.xlsx"));
    assert!(
        ranking
            .iter()
            .any(|c| c.starts_with("制表：") && c.contains("2026年1月20日")),
        "{ranking:?}"
    );
    // The 通报: its 发文字号 and 抄送 as given, dated and 印发 on that day (issue 24).
    let paras = docx_paragraphs(&tmp.path().join("情况通报_2025Q4.docx"));
    assert_eq!(paras[0], "粤打假办〔2026〕3号");
    assert!(paras.iter().any(|p| p == "2026年1月20日"), "{paras:?}");
    let n = paras.len();
    assert_eq!(paras[n - 2], "抄送：省委政法委，省公安厅");
    assert!(
        paras[n - 1].ends_with("2026年1月20日印发"),
        "{}",
        paras[n - 1]
    );
    // 20 January 2026 is a Tuesday: 21, 22, 23, 26, 27 → 27 January.
    let notice = all_cells(
        &tmp.path()
            .join("反馈单_2025Q4/445100_潮州市_2025Q4_退回修改通知.xlsx"),
    );
    assert!(
        notice
            .iter()
            .any(|c| c.contains("于2026年1月27日前（2026年1月20日后5个工作日内）")),
        "{notice:?}"
    );
    let o = kaoping(
        tmp.path(),
        &["check", q4.to_str().unwrap(), "--date", "2026-13-01"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("应写作 年-月-日"));
}

/// A clerk's command-line slips are answered in Chinese, with the usage and where the help is,
/// and exit 2 (clap's own words were English).
#[test]
fn command_line_mistakes_are_explained_in_chinese() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &["score", "--foo"],
            &[
                "没有 --foo 这个选项",
                "用法：kaoping score",
                "kaoping score --help",
            ],
        ),
        (&["scor"], &["没有 scor 这个命令", "是不是要写", "score"]),
        (
            &["serve", "--tls-cert", "证书.pem"],
            &["缺少必须给出的 --tls-key"],
        ),
        (
            &["serve", "--listen", "abc"],
            &["“abc”无效", "127.0.0.1:8080", "kaoping serve --help"],
        ),
        (
            &["score", "报送", "--date", "2026-13-01"],
            &["不是日期", "年-月-日"],
        ),
    ];
    for (args, said) in cases {
        let o = crate::util::kaoping(tmp.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("错误："), "{args:?}: {err}");
        for s in said {
            assert!(err.contains(s), "{args:?}: no {s} in {err}");
        }
        assert!(!err.contains("error:") && !err.contains("Usage:"), "{err}");
    }
    // Help is still help, on stdout, exit 0.
    let o = crate::util::kaoping(tmp.path(), &["score", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("--history"));
}
