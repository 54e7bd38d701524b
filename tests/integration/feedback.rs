//! The 反馈单 the demo writes for 2025Q4, read back with calamine and checked against the ranking
//! workbook of the same run: result, every indicator's figures and score, the province's
//! average, best and the region's place, bonus and deductions, the trend against the earlier
//! quarters' workbooks, the 整改事项 worked out by hand, and 潮州市's 退回修改通知.

use crate::util::{demo, table, text};
use calamine::{open_workbook_auto, Reader};
use std::path::Path;

/// Every row of a sheet as text.
fn rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.iter().map(text).collect()).collect()
}

/// The first non-empty cell right of the first cell that reads `label`.
fn after<'a>(rows: &'a [Vec<String>], label: &str) -> &'a str {
    for row in rows {
        if let Some(i) = row.iter().position(|c| c == label) {
            return row[i + 1..]
                .iter()
                .find(|c| !c.is_empty())
                .map_or("", String::as_str);
        }
    }
    panic!("no cell reads {label}")
}

/// The rows of a section: those after the row whose first cell starts with `heading`, up to
/// the next section heading (a first cell starting with a Chinese numeral and "、").
fn section<'a>(rows: &'a [Vec<String>], heading: &str) -> Vec<&'a Vec<String>> {
    let numbered = |c: &str| {
        c.chars()
            .next()
            .is_some_and(|ch| "一二三四五六七八九".contains(ch))
            && c.chars().nth(1) == Some('、')
    };
    rows.iter()
        .skip_while(|r| !r[0].starts_with(heading))
        .skip(1)
        .take_while(|r| !numbered(&r[0]))
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("“{s}” is not a number"))
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// 揭阳市 (一票否决), 云浮市 (挂牌督办; C1 and C2 scored by when_empty), 河源市 (G2 left out by
/// when_empty), 广州市 and 汕头市:
/// each 反馈单 gives the ranking workbook's rank, 排名区间, total, grade and measure, and each
/// indicator's figures and score as 指标明细 and 分项得分 show them; its points lost, province
/// average, best and place are those of the 分项得分 column; its bonus and deductions those of
/// 分项得分; its trend the totals and ranks of the four quarters' 总排名.
#[test]
fn feedback_agrees_with_the_ranking_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let book = |q: &str| out.join(format!("考评排名_{q}.xlsx"));
    let ranking = table(&book("2025Q4"), "总排名", "排名");
    let details = table(&book("2025Q4"), "指标明细", "区划代码");
    let all_scores = rows(&book("2025Q4"), "分项得分");
    let header_at = all_scores.iter().position(|r| r[0] == "排名").unwrap();
    let header = &all_scores[header_at];
    let scores: Vec<&Vec<String>> = all_scores[header_at + 1..]
        .iter()
        .take_while(|r| !r[0].is_empty())
        .collect();
    let column = |start: &str| header.iter().position(|h| h.starts_with(start)).unwrap();
    let dir = out.join("反馈单_2025Q4");
    let written = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(written, 21, "one form per region of the registry");

    for (code, name) in [
        ("445200", "揭阳市"),
        ("445300", "云浮市"),
        ("440100", "广州市"),
        ("440500", "汕头市"),
        ("441600", "河源市"),
    ] {
        let form = rows(
            &dir.join(format!("{code}_{name}_2025Q4_反馈单.xlsx")),
            "反馈单",
        );
        let rank_row = ranking.iter().find(|r| r[2] == code).unwrap();
        let score_row = scores.iter().find(|r| r[1] == name).unwrap();
        // 总排名: 排名 | 排名区间 | 区划代码 | 地区 | 总分 | 等次 | … | 督办措施
        assert_eq!(after(&form, "地区"), format!("{name}（{code}）"));
        assert_eq!(after(&form, "总分"), rank_row[4], "{name}");
        let scored = ranking.iter().filter(|r| !r[4].is_empty()).count();
        assert_eq!(
            after(&form, "排名"),
            format!("第{}名（共{scored}个已评分地区）", rank_row[0]),
            "{name}"
        );
        assert_eq!(after(&form, "排名区间"), rank_row[1], "{name}");
        assert_eq!(after(&form, "等次"), rank_row[5], "{name}");
        let measure = if rank_row[8].is_empty() {
            "无"
        } else {
            &rank_row[8]
        };
        assert_eq!(after(&form, "督办措施"), measure, "{name}");

        // 二、各项指标得分: 指标 | 分值 | 分子 | 分母 | 指标值 | 得分 | 失分 | 全省平均 | 全省最高 | 本项位次
        let table2 = section(&form, "二、");
        let indicators: Vec<&&Vec<String>> = table2
            .iter()
            .filter(|r| r[0].split(' ').next().is_some_and(|id| id.len() == 2))
            .collect();
        let scheme = kaoping::scheme::Scheme::builtin().unwrap();
        assert_eq!(indicators.len(), scheme.indicators.len(), "{name}");
        for row in indicators {
            let label = &row[0];
            let id = label.split(' ').next().unwrap();
            let detail = details
                .iter()
                .find(|d| d[0] == code && d[2] == *label)
                .unwrap_or_else(|| panic!("{name} {label} not in 指标明细"));
            assert_eq!(row[2], detail[3], "{name} {label} 分子");
            assert_eq!(row[3], detail[4], "{name} {label} 分母");
            if detail[5].is_empty() {
                assert_eq!(row[4], "无数据", "{name} {label}");
            } else {
                assert_eq!(row[4], detail[5], "{name} {label} 指标值");
            }
            assert_eq!(row[5], detail[6], "{name} {label} 得分 vs 指标明细");
            let col = column(&format!("{id} "));
            assert_eq!(row[5], score_row[col], "{name} {label} 得分 vs 分项得分");
            if row[5] == "不计" {
                // when_empty = "exclude": no points lost, no place.
                assert_eq!(
                    (row[6].as_str(), row[9].as_str()),
                    ("0", "不计"),
                    "{name} {label}"
                );
                continue;
            }
            let points = num(&row[1]);
            assert_eq!(
                num(&row[6]),
                round2(points - num(&row[5])),
                "{name} {label} 失分"
            );
            // The scored regions (a region not scored has its status across its row).
            let province: Vec<f64> = scores
                .iter()
                .filter(|r| r[col].parse::<f64>().is_ok())
                .map(|r| num(&r[col]))
                .collect();
            // In whole hundredths, so that x.xx5 rounds half up as the published figures do.
            let cents: i64 = province.iter().map(|s| (s * 100.0).round() as i64).sum();
            let n = province.len() as i64;
            let average = (2 * cents + n) / (2 * n);
            assert_eq!(
                (num(&row[7]) * 100.0).round() as i64,
                average,
                "{name} {label} 全省平均"
            );
            let best = province.iter().copied().fold(f64::MIN, f64::max);
            assert_eq!(num(&row[8]), best, "{name} {label} 全省最高");
            let mine = num(&row[5]);
            let place = 1 + province.iter().filter(|s| **s > mine).count();
            assert_eq!(
                row[9],
                format!("{place}/{}", province.len()),
                "{name} {label}"
            );
        }

        // 三、加分与扣分: the items add up to 分项得分's 加分 and 扣分.
        let items = section(&form, "三、");
        let sum = |kind: &str| -> f64 {
            items
                .iter()
                .filter(|r| r[0] == kind)
                .map(|r| num(r.iter().rev().find(|c| !c.is_empty()).unwrap()))
                .sum()
        };
        assert_eq!(
            round2(sum("加分")),
            num(&score_row[column("加分")]),
            "{name}"
        );
        assert_eq!(
            round2(-sum("扣分")),
            num(&score_row[column("扣分")]),
            "{name}"
        );

        // 五、近期走势: each quarter's total and rank as that quarter's 总排名 gave them.
        let trend = section(&form, "五、");
        for (k, q) in ["2025Q1", "2025Q2", "2025Q3", "2025Q4"].iter().enumerate() {
            let then = table(&book(q), "总排名", "排名");
            let r = then.iter().find(|r| r[2] == code).unwrap();
            let row = trend
                .iter()
                .find(|t| t[0] == format!("2025年第{}季度", ["一", "二", "三", "四"][k]))
                .unwrap_or_else(|| panic!("{name}: no {q} in 近期走势"));
            assert_eq!(row[1], r[4], "{name} {q} 总分");
            assert_eq!(row[5], r[0], "{name} {q} 排名");
        }
    }

    let heyuan = rows(&dir.join("441600_河源市_2025Q4_反馈单.xlsx"), "反馈单");
    assert!(heyuan
        .iter()
        .any(|r| r[0] == "G2 群众满意度" && r[5] == "不计"));

    // 揭阳市 is vetoed: the measure's reason gives the 否决事由, the grade is 不合格.
    let jieyang = rows(&dir.join("445200_揭阳市_2025Q4_反馈单.xlsx"), "反馈单");
    assert!(after(&jieyang, "措施理由").starts_with("一票否决："));
    assert_eq!(after(&jieyang, "等次"), "不合格");
    // Its first 整改事项 is the incident itself, with what to do and by when (issue 24): the
    // veto, not any indicator, is why it is 不合格. The deadline is the scheme's rectify_days
    // after the quarter (2025-12-31 + 90 days).
    assert_eq!(after(&jieyang, "整改期限"), "2026年3月31日");
    let items: Vec<Vec<String>> = section(&jieyang, "六、")
        .into_iter()
        .filter(|r| r[0].contains(". "))
        .cloned()
        .collect();
    assert!(items[0][0].starts_with("1. 一票否决："), "{:?}", items[0]);
    assert!(
        items[0]
            .iter()
            .any(|c| c.contains("整改报告") && c.contains("2026年3月31日前")),
        "{:?}",
        items[0]
    );
    assert!(items[1][0].starts_with("2. "), "{:?}", items[1]);

    // 云浮市's 整改事项, worked out by hand from its scores (points − score, more than 1 point
    // lost, most first, scheme order among equals): D1 10−0; B1 10−3.84; B4 5−0 and E2 5−0;
    // E1 5−0.09; G1 5−0.56; C3 5−0.71 and F2 5−0.71; B2 5−0.83; A2 3−0 and A3 3−0; B3 5−2.01;
    // D2 5−2.14; F1 5−3.13; G2 5−3.49. C1 and C2 (when_empty: full marks) lost nothing.
    let yunfu = rows(&dir.join("445300_云浮市_2025Q4_反馈单.xlsx"), "反馈单");
    // Each item by its name (a region reads words, not codes), each with what to do.
    let scheme = kaoping::scheme::Scheme::builtin().unwrap();
    let id_of = |name: &str| {
        scheme
            .indicators
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.id.clone())
            .unwrap_or_else(|| panic!("no indicator named {name}"))
    };
    let items: Vec<Vec<String>> = section(&yunfu, "六、")
        .into_iter()
        .filter(|r| r[0].contains(". "))
        .cloned()
        .collect();
    assert!(
        items.iter().all(|r| r.len() > 2 && !r[2].is_empty()),
        "{items:?}"
    );
    let listed: Vec<(String, f64)> = items
        .iter()
        .map(|r| (id_of(r[0].split_once(". ").unwrap().1), num(&r[1])))
        .collect();
    let expected = [
        ("D1", 10.0),
        ("B1", 6.16),
        ("B4", 5.0),
        ("E2", 5.0),
        ("E1", 4.91),
        ("G1", 4.44),
        ("C3", 4.29),
        ("F2", 4.29),
        ("B2", 4.17),
        ("A2", 3.0),
        ("A3", 3.0),
        ("B3", 2.99),
        ("D2", 2.86),
        ("F1", 1.87),
        ("G2", 1.51),
    ];
    let expected: Vec<(String, f64)> = expected.iter().map(|(i, v)| (i.to_string(), *v)).collect();
    assert_eq!(listed, expected);
    // Its when_empty indicators say so in the note under the table.
    let note = section(&yunfu, "二、")
        .into_iter()
        .find(|r| r[0].starts_with("注："))
        .unwrap();
    assert!(note[0].contains("C1分母为0，按满分计"), "{}", note[0]);
    assert_eq!(after(&yunfu, "整改期限"), "2026年3月31日");
}

/// 潮州市 sent a file with errors: it gets a 退回修改通知, not a 反馈单, listing every error that
/// 数据质量 lists for its file, with the resubmission deadline: 5 working days after the 制表日期
/// 2026-01-01 (元旦 1–3 January off, Sunday 4 January a make-up working day): 4, 5, 6, 7, 8 →
/// 8 January.
#[test]
fn a_returned_region_gets_the_errors_and_the_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    demo(tmp.path(), &out);
    let dir = out.join("反馈单_2025Q4");
    assert!(!dir.join("445100_潮州市_2025Q4_反馈单.xlsx").exists());
    let notice = rows(
        &dir.join("445100_潮州市_2025Q4_退回修改通知.xlsx"),
        "退回修改通知",
    );
    let body = notice
        .iter()
        .flatten()
        .find(|c| c.contains("经校验发现"))
        .unwrap();
    assert!(body.contains("于2026年1月8日前"), "{body}");
    // 潮州市's file has errors only: no word of warnings the table does not list (issue 24).
    assert!(!body.contains("警告"), "{body}");
    // Each error names the item as the clerk sees it in the template: 编码 and name.
    let named = notice
        .iter()
        .flatten()
        .filter(|c| c.contains("应为非负整数") || c.contains("不一致"))
        .count();
    assert_eq!(named, 3);
    assert!(
        notice
            .iter()
            .flatten()
            .filter(|c| c.contains("应为非负整数") || c.contains("不一致"))
            .all(|c| c.starts_with('S') && c.contains('（')),
        "{notice:?}"
    );
    // 数据质量: 级别 | 地区 | 文件 | 工作表 | 单元格 | 说明
    let quality = table(&out.join("考评排名_2025Q4.xlsx"), "数据质量", "级别");
    let errors: Vec<&Vec<String>> = quality
        .iter()
        .filter(|r| r[0] == "错误" && r[2] == "445100_潮州市_2025Q4.xlsx")
        // The last rows say which regions were not scored; the notice says that in its text.
        .filter(|r| !r[5].starts_with("数据有误，退回修改"))
        .collect();
    assert_eq!(errors.len(), 3);
    assert!(
        body.contains(&format!("发现{}处错误", errors.len())),
        "{body}"
    );
    for e in errors {
        let place = format!("{}\n{}!{}", e[2], e[3], e[4]);
        let row = notice
            .iter()
            .find(|r| r[0] == place)
            .unwrap_or_else(|| panic!("{place} not in the notice"));
        assert!(row.contains(&e[5]), "{row:?} vs {e:?}");
        assert!(row.contains(&"错误".to_string()));
    }
}

/// `kaoping demo` drafts the 情况通报 for 2025Q4 beside the ranking workbook, dated the 制表日期
/// of the run (SOURCE_DATE_EPOCH: 2026-01-01); every region 总排名 gives a measure other than 预警
/// is named in it, in the section of its measure.
#[test]
fn the_demo_drafts_the_bulletin_beside_the_ranking_workbook() {
    use std::io::Read as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = demo(tmp.path(), &out);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("情况通报（草稿）：") && stdout.contains("情况通报_2025Q4.docx"),
        "{stdout}"
    );
    let file = std::fs::File::open(out.join("情况通报_2025Q4.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    // The words of the document, without the markup.
    let mut words = String::new();
    let mut inside = false;
    for c in xml.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => words.push(c),
            _ => {}
        }
    }
    assert!(words.contains("2026年1月1日"), "成文日期");
    let ranking = table(&out.join("考评排名_2025Q4.xlsx"), "总排名", "排名");
    let mut named = 0;
    for row in &ranking {
        let (name, measure) = (&row[3], &row[8]);
        if measure.is_empty() || measure == "预警" {
            continue;
        }
        let heading = words
            .find(measure.as_str())
            .unwrap_or_else(|| panic!("no section for {measure}"));
        let at = words[heading..]
            .find(&format!("{name}："))
            .unwrap_or_else(|| {
                panic!("{name} ({measure}) is not in the bulletin after its heading")
            });
        assert!(at > 0);
        named += 1;
    }
    // 揭阳市 一票否决, 河源市 and 云浮市 挂牌督办, 珠海市 通报.
    assert_eq!(named, 4);
}
