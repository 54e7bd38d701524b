//! The ranking workbook, read back with calamine: sheet order, cell contents, dates, text that
//! must stay text, and byte-identical output; and the demo's workbook against its golden dump in
//! `tests/golden/` (regenerate with `KAOPING_UPDATE_GOLDEN=1 cargo test --release --test
//! integration report::demo_workbook_matches_golden_files`).

#[path = "../support/xlsx_dump.rs"]
pub(crate) mod xlsx_dump;

use calamine::{open_workbook_auto, Data, DataType, Range, Reader};
use chrono::NaiveDate;
use kaoping::flag::Flag;
use kaoping::problem::{Kind, Problem, Source};
use kaoping::quarter::Quarter;
use kaoping::record::{QuarterRecord, Status};
use kaoping::report::{self, Assessment};
use kaoping::scheme::{Scheme, WhenEmpty};
use kaoping::score::{IndicatorResult, Item, RegionResult};
use kaoping::submission::InputFile;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

const FORMULA_MESSAGE: &str = "=HYPERLINK(\"http://example.com\",\"点我\")";

fn q(s: &str) -> Quarter {
    s.parse().unwrap()
}

fn scored(
    scheme: &Scheme,
    code: &str,
    name: &str,
    rank: u32,
    total: f64,
    grade: &str,
) -> RegionResult {
    let file = format!("{name}.xlsx");
    let indicators: Vec<IndicatorResult> = scheme
        .indicators
        .iter()
        .map(|ind| IndicatorResult {
            id: ind.id.clone(),
            numerator: Some(3.0),
            denominator: Some(4.0),
            value: Some(0.75),
            empty: (ind.id == "C1").then_some(WhenEmpty::Full),
            raw: ind.points * 0.75,
            score: ind.points * 0.75,
            sources: vec![
                Source::new(&file, "汇总指标", "D2"),
                Source::new(&file, "移送台账", ""),
            ],
        })
        .collect();
    let groups = scheme
        .groups
        .iter()
        .map(|g| {
            let sum = indicators
                .iter()
                .zip(&scheme.indicators)
                .filter(|(_, i)| i.group == g.id)
                .map(|(r, _)| r.score)
                .sum();
            (g.id.clone(), sum)
        })
        .collect();
    RegionResult {
        code: code.into(),
        name: name.into(),
        status: Status::Scored,
        file: Some(file),
        filed_on: NaiveDate::from_ymd_opt(2026, 1, 8),
        late: false,
        indicators,
        groups,
        bonus: 1.5,
        bonus_items: vec![Item {
            label: "案件入选省级典型案例".into(),
            points: 1.5,
            detail: "3次".into(),
        }],
        deductions: 0.0,
        deduction_items: vec![],
        adjustments: vec![],
        veto: None,
        total,
        grade: grade.into(),
        rank,
    }
}

fn record(quarter: &str, code: &str, name: &str, total: f64, rank: u32) -> QuarterRecord {
    QuarterRecord {
        quarter: q(quarter),
        code: code.into(),
        name: name.into(),
        status: Status::Scored,
        total,
        rank,
        grade: "合格".into(),
        flags: vec![],
        rules: vec![],
        late: false,
        indicators: vec![],
        funnel: vec![],
    }
}

/// A flag of the builtin scheme's measure `id`, told in the place of the rule `order`.
fn flag(id: &str, order: usize, rule: &str, reason: &str, deadline: Option<NaiveDate>) -> Flag {
    let scheme = Scheme::builtin().unwrap();
    Flag {
        measure: scheme.measure(id).unwrap().clone(),
        rule_id: id.into(),
        order,
        rule: rule.into(),
        reason: reason.into(),
        deadline,
    }
}

pub(crate) fn assessment(scheme: &Scheme) -> Assessment<'_> {
    let mut vetoed = scored(scheme, "440105", "海珠区", 3, 85.0, "不合格");
    vetoed.veto = Some("发生重大制售假冒伪劣食品案件".into());
    let missing = RegionResult {
        code: "440106".into(),
        name: "天河区".into(),
        status: Status::Missing,
        file: None,
        filed_on: None,
        late: false,
        indicators: vec![],
        groups: vec![],
        bonus: 0.0,
        bonus_items: vec![],
        deductions: 0.0,
        deduction_items: vec![],
        adjustments: vec![],
        veto: None,
        total: 0.0,
        grade: String::new(),
        rank: 4,
    };
    let regions = vec![
        scored(scheme, "440103", "荔湾区", 1, 92.345_678, "优秀"),
        scored(scheme, "440104", "越秀区", 2, 71.5, "合格"),
        vetoed,
        missing,
    ];

    let mut flags = BTreeMap::new();
    flags.insert(
        "440104".to_string(),
        vec![
            flag(
                "supervise",
                7,
                "连续3个季度被通报",
                "2025年第二季度至第四季度连续3个季度被通报",
                NaiveDate::from_ymd_opt(2026, 3, 31),
            ),
            flag("notify", 2, "末位10%", "总分71.50，排名末位", None),
        ],
    );
    flags.insert(
        "440105".to_string(),
        vec![flag(
            "veto",
            0,
            "一票否决",
            "一票否决：发生重大制售假冒伪劣食品案件，等次定为不合格",
            None,
        )],
    );

    let mut formula_problem = Problem::error(
        Kind::BadValue,
        Source::new("越秀区.xlsx", "汇总指标", "D5"),
        FORMULA_MESSAGE,
    );
    formula_problem.region = Some("440104".into());
    let problems = vec![
        Problem::warning(
            Kind::Anomaly,
            Source::new("荔湾区.xlsx", "汇总指标", "D12"),
            "汇总指标!D12：数据异常，请核实",
        ),
        formula_problem,
    ];
    let files = ["荔湾区", "越秀区", "海珠区"]
        .iter()
        .zip(["440103", "440104", "440105"])
        .map(|(name, code)| InputFile {
            file: format!("{name}.xlsx"),
            sha256: format!("{:0>64}", code),
            region_code: Some(code.into()),
            status: "采用".into(),
            // 荔湾区 filled a template issued under the previous version of the scheme.
            template_version: if code == "440103" { "2019.1" } else { "2020.1" }.into(),
        })
        .collect();
    let history = vec![
        record("2025Q2", "440104", "越秀区", 60.0, 3),
        record("2025Q3", "440103", "荔湾区", 90.0, 2),
        record("2025Q3", "440104", "越秀区", 68.25, 2),
        record("2025Q3", "440105", "海珠区", 86.1, 1),
        record("2025Q3", "440106", "天河区", 62.0, 4),
    ];
    let analysis = kaoping::stats::analyse(scheme, &regions, &[]);
    Assessment {
        scheme,
        quarter: q("2025Q4"),
        analysis,
        regions,
        flags,
        problems,
        files,
        history,
        findings: Default::default(),
        run_time: "2026-01-15 09:30:00".into(),
        reruns: vec![],
        history_dir: None,
        scheme_change: None,
    }
}

/// The value at an absolute (row, column), Empty when there is none.
fn at(r: &Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

pub(crate) fn text(r: &Range<Data>, row: u32, col: u32) -> String {
    match at(r, row, col) {
        Data::String(s) => s,
        Data::Empty => String::new(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

fn num(r: &Range<Data>, row: u32, col: u32) -> f64 {
    match at(r, row, col) {
        Data::Float(f) => f,
        Data::Int(i) => i as f64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

pub(crate) fn write(dir: &Path, name: &str) -> std::path::PathBuf {
    let scheme = Scheme::builtin().unwrap();
    let a = assessment(&scheme);
    let path = dir.join(name);
    report::write(&a, &path).unwrap();
    path
}

#[test]
fn ranking_workbook_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "排名.xlsx");
    let mut wb = open_workbook_auto(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "总排名",
            "总分图",
            "分项得分",
            "指标明细",
            "预警与督办",
            "漏斗图",
            "趋势",
            "数据质量",
            "评分说明"
        ]
    );

    // 总排名: title block, header, then regions in rank order from row 3.
    let r = wb.worksheet_range("总排名").unwrap();
    // Wider than the table in 16 pt, so the office takes a line of its own.
    assert_eq!(
        text(&r, 0, 0),
        "广东省打击侵权假冒工作领导小组办公室\n2025年第四季度打击侵权假冒工作考核评价　总排名"
    );
    assert_eq!(
        text(&r, 1, 0),
        "指标体系：打击侵权假冒工作考核评价指标体系（2020年版）（版本2020.1）　　制表日期：2026年1月15日"
    );
    let header: Vec<String> = (0..10).map(|c| text(&r, 2, c)).collect();
    assert_eq!(
        header,
        [
            "排名",
            "排名区间",
            "区划代码",
            "地区",
            "总分（分）",
            "等次",
            "较上季度得分",
            "较上季度排名",
            "督办措施",
            "状态"
        ]
    );
    assert_eq!(num(&r, 3, 0), 1.0);
    // 20 points ahead of the next region: no draw of weights moves it.
    assert_eq!(text(&r, 3, 1), "1");
    assert_eq!(text(&r, 3, 2), "440103");
    assert_eq!(text(&r, 3, 3), "荔湾区");
    assert!(
        close(num(&r, 3, 4), 92.345_678),
        "the total as scoring gave it"
    );
    assert_eq!(text(&r, 3, 5), "优秀");
    assert!(close(num(&r, 3, 6), 2.35));
    assert_eq!(text(&r, 3, 7), "↑1");
    assert_eq!(text(&r, 3, 8), "");
    assert_eq!(text(&r, 3, 9), "已评分");

    // One measure per region: 挂牌督办 and 通报 of 越秀区 show as 挂牌督办 alone.
    assert_eq!(text(&r, 4, 3), "越秀区");
    assert!(close(num(&r, 4, 4), 71.5));
    assert_eq!(text(&r, 4, 5), "合格");
    assert!(close(num(&r, 4, 6), 3.25));
    assert_eq!(text(&r, 4, 7), "持平");
    assert_eq!(text(&r, 4, 8), "挂牌督办");

    assert_eq!(text(&r, 5, 3), "海珠区");
    assert!(close(num(&r, 5, 4), 85.0));
    assert_eq!(text(&r, 5, 5), "不合格");
    assert!(close(num(&r, 5, 6), -1.1));
    assert_eq!(text(&r, 5, 7), "↓2");
    assert_eq!(text(&r, 5, 8), "一票否决");

    // A status is not a measure, and a region not scored has no place in the ranking (issue
    // 24): it is listed last, without a rank.
    assert_eq!(text(&r, 6, 0), "—");
    assert_eq!(text(&r, 6, 3), "天河区");
    assert_eq!(at(&r, 6, 4), Data::Empty, "未报送 shows no total");
    assert_eq!(text(&r, 6, 6), "", "no change without a score");
    assert_eq!(text(&r, 6, 8), "");
    assert_eq!(text(&r, 6, 9), "未报送");

    // Under the table: the legend, what 排名区间 means, the vetoed region, the signatures.
    let below: Vec<String> = (7..r.height() as u32 + 1)
        .map(|row| text(&r, row, 0))
        .collect();
    assert!(below.contains(&"图例与说明".to_string()), "{below:?}");
    for label in ["一票否决", "挂牌督办", "约谈", "通报", "预警", "未评分"] {
        assert!(below.iter().any(|t| t == label), "legend lacks {label}");
    }
    assert!(below.iter().any(|t| t
        .starts_with("排名区间：各指标分值随机浮动±20%、抽样1000次后该地区名次的第5至第95百分位")));
    assert!(below.iter().any(|t| t
        == "注：海珠区被一票否决（发生重大制售假冒伪劣食品案件），总分85.00分，等次定为不合格，按规定排在未被否决的地区之后（第3名）。"));
    assert!(below
        .iter()
        .any(|t| t.starts_with("制表：") && t.contains("审核：") && t.contains("签发：")));

    // 分项得分: group names over their indicators, subtotals, tail; regions from row 4.
    let r = wb.worksheet_range("分项得分").unwrap();
    assert_eq!(text(&r, 3, 0), "排名");
    assert_eq!(text(&r, 2, 2), "组织领导（10分）");
    // The points on their own line, never split from their brackets (issue 24).
    assert_eq!(text(&r, 3, 2), "A1 领导小组健全\n（2分）");
    assert_eq!(text(&r, 3, 6), "小计");
    let tail = 2 + 19 + 7;
    assert_eq!(text(&r, 3, tail + 2), "总分（分）");
    assert_eq!(text(&r, 3, tail + 4), "一票否决");
    assert!(close(num(&r, 4, 2), 1.5));
    assert!(close(num(&r, 4, 6), 7.5));
    assert_eq!(text(&r, 6, tail + 4), "是");
    assert_eq!(text(&r, 7, 2), "未报送");

    // 指标明细: one row per scored region and indicator, sources as sheet and cells, the file
    // once per region.
    let r = wb.worksheet_range("指标明细").unwrap();
    assert_eq!(text(&r, 2, 8), "数据来源（工作表!单元格）");
    // The rows, an empty row, then the note saying where the unprinted file names are.
    assert_eq!(r.end().map(|(row, _)| row), Some(2 + 3 * 19 + 2));
    assert!(text(&r, 2 + 3 * 19 + 2, 0).contains("报送文件"));
    assert_eq!(text(&r, 3, 2), "A1 领导小组健全");
    assert_eq!(text(&r, 3 + 4, 2), "B1 办案强度（件/万户）");
    assert!(close(num(&r, 3, 5), 0.75));
    let c1 = 3 + 8; // A1–A4, B1–B4, then C1
    assert_eq!(text(&r, c1, 2), "C1 涉嫌犯罪案件移送率");
    assert_eq!(text(&r, c1, 7), "分母为0，按满分计");
    assert_eq!(text(&r, 3, 8), "汇总指标!D2；移送台账");
    assert_eq!(text(&r, 3, 9), "荔湾区.xlsx");
    assert_eq!(text(&r, 4, 9), "");
    // On paper (issue 24): 报送文件 is not printed, so the figures print larger, and a page
    // breaks only where a region begins.
    let dump = xlsx_dump::dump(&path);
    let sheet = dump
        .iter()
        .find(|(k, _)| k.ends_with("指标明细"))
        .map(|(_, v)| v.as_str())
        .unwrap();
    assert!(sheet.contains("print area 指标明细!$A$1:$I$"), "{sheet}");
    let starts: Vec<u32> = (0..3).map(|i| 3 + i * 19).collect();
    for line in sheet.lines().filter_map(|l| l.strip_prefix("row break ")) {
        let row: u32 = line.split_whitespace().next().unwrap().parse().unwrap();
        assert!(
            starts.contains(&row),
            "page break at row {row}, inside a region"
        );
    }

    // 预警与督办: one row per region with a measure, by seriousness, the deadline as a date;
    // then the regions not scored, with their status.
    let r = wb.worksheet_range("预警与督办").unwrap();
    let kinds: Vec<String> = (3..=4).map(|row| text(&r, row, 3)).collect();
    assert_eq!(kinds, ["一票否决", "挂牌督办"]);
    assert_eq!(text(&r, 4, 2), "越秀区");
    assert_eq!(text(&r, 4, 1), "440104");
    assert_eq!(text(&r, 4, 4), "末位10%；\n连续3个季度被通报");
    assert_eq!(
        text(&r, 4, 5),
        "总分71.50，排名末位；2025年第二季度至第四季度连续3个季度被通报；挂牌督办，限2026年3月31日前整改到位"
    );
    assert_eq!(at(&r, 4, 6).as_date(), NaiveDate::from_ymd_opt(2026, 3, 31));
    assert_eq!(at(&r, 3, 6), Data::Empty);
    assert!(text(&r, 6, 0).starts_with("颜色：深红底白字为一票否决"));
    assert_eq!(text(&r, 8, 0), "未评分的地区（不属于督办措施）");
    assert_eq!(text(&r, 9, 0), "—");
    assert_eq!(text(&r, 9, 2), "天河区");
    assert!(text(&r, 9, 3).starts_with("未报送："));

    // 趋势: past quarters then the current one.
    let r = wb.worksheet_range("趋势").unwrap();
    let header: Vec<String> = (0..8).map(|c| text(&r, 2, c)).collect();
    assert_eq!(
        header,
        [
            "区划代码",
            "地区",
            "2025Q2总分",
            "2025Q2排名",
            "2025Q3总分",
            "2025Q3排名",
            "2025Q4总分",
            "2025Q4排名"
        ]
    );
    assert!(close(num(&r, 4, 2), 60.0));
    assert!(close(num(&r, 4, 4), 68.25));
    assert!(close(num(&r, 4, 6), 71.5));
    assert_eq!(text(&r, 6, 6), "未报送");
    // Not scored, no place (issue 24), as in 总排名.
    assert_eq!(text(&r, 6, 7), "—");
    // Under the table, the figures of the chart of the regions under a measure (issue 24):
    // most serious first — 海珠区 (一票否决) then 越秀区 (挂牌督办) — one row a quarter.
    assert_eq!(text(&r, 8, 14), "季度");
    assert_eq!([text(&r, 8, 15), text(&r, 8, 16)], ["海珠区", "越秀区"]);
    assert_eq!(text(&r, 11, 14), "2025年第四季度");
    assert_eq!(num(&r, 11, 15), 3.0);

    // 数据质量: errors first; the "=" message is text, not a formula.
    let r = wb.worksheet_range("数据质量").unwrap();
    let row1: Vec<String> = (0..6).map(|c| text(&r, 3, c)).collect();
    assert_eq!(
        row1,
        [
            "错误",
            "440104 越秀区",
            "越秀区.xlsx",
            "汇总指标",
            "D5",
            FORMULA_MESSAGE
        ]
    );
    let row2: Vec<String> = (0..6).map(|c| text(&r, 4, c)).collect();
    assert_eq!(
        row2,
        [
            "警告",
            "440103 荔湾区",
            "荔湾区.xlsx",
            "汇总指标",
            "D12",
            "汇总指标!D12：数据异常，请核实"
        ]
    );
    assert_eq!(text(&r, 5, 1), "440106 天河区");
    assert!(text(&r, 5, 5).starts_with("未报送"));
    let formulas = wb.worksheet_formula("数据质量").unwrap();
    assert!(
        formulas.get_value((3, 5)).is_none_or(|f| f.is_empty()),
        "a message must never become a formula"
    );
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));

    // 评分说明: scheme and engine versions, indicator rules, input files.
    let r = wb.worksheet_range("评分说明").unwrap();
    let all: Vec<String> = r
        .used_cells()
        .filter_map(|(_, _, d)| d.get_string().map(str::to_string))
        .collect();
    assert!(all.iter().any(|s| s == "2020.1"), "scheme version");
    assert!(
        all.iter().any(|s| s
            == "2019.1版1份、2020.1版2份；填报内容与评分方案（2020.1）相同的模板照常读取，不同之处见“数据质量”"),
        "template versions"
    );
    assert!(all.iter().any(|s| s == "dqqq-2020"), "scheme id");
    assert!(all
        .iter()
        .any(|s| s == &format!("kaoping {}", env!("CARGO_PKG_VERSION"))));
    assert!(all.iter().any(|s| s == "目标值100%，每低1个百分点扣0.2分"));
    assert!(all.iter().any(|s| s == &format!("{:0>64}", "440104")));
    assert!(all.iter().any(|s| s == "2026-01-15 09:30:00"));
    assert!(all.iter().any(|s| s.contains("按四舍五入保留2位小数")));
    // The statistics, with the scheme's settings.
    assert!(all.iter().any(|s| s == "六、统计方法"));
    assert!(all.iter().any(|s| s.starts_with(
        "漏斗图（Spiegelhalter 2005）：C1（二项模型，偏低为不利）、D1（二项模型，偏低为不利）、G1（泊松模型，偏高为不利）。"
    )));
    assert!(all
        .iter()
        .any(|s| s.contains("共抽样1000次（随机数种子2020，结果可重现）")));
}

/// What a reader must know is on the page, not in cell comments (which do not print).
#[test]
fn explanations_are_printed_not_in_comments() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "notes.xlsx");
    let zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(
        !names.iter().any(|n| n.starts_with("xl/comments")),
        "{names:?}"
    );
    let mut wb = open_workbook_auto(&path).unwrap();
    let r = wb.worksheet_range("指标明细").unwrap();
    let notes = (0..r.height() as u32)
        .filter(|&row| text(&r, row, 7) == "分母为0，按满分计")
        .count();
    assert_eq!(notes, 3, "C1 of each scored region");
}

#[test]
fn the_same_assessment_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let one = std::fs::read(write(dir.path(), "1.xlsx")).unwrap();
    let two = std::fs::read(write(dir.path(), "2.xlsx")).unwrap();
    assert!(one == two, "two runs differ");
}

#[test]
fn quality_workbook_has_only_that_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let scheme = Scheme::builtin().unwrap();
    let a = assessment(&scheme);
    let path = dir.path().join("数据质量.xlsx");
    report::write_quality(&a, &path).unwrap();
    let mut wb = open_workbook_auto(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["数据质量"]);
    let r = wb.worksheet_range("数据质量").unwrap();
    assert_eq!(text(&r, 3, 5), FORMULA_MESSAGE);
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

/// Every scored region of the fixture has 3 of 4 for each indicator, so each funnel sits on its
/// target: z = 0, φ = 0, τ² = 0. For C1 (binomial) at n = 4: θ₀ = asin √0.75 = π/3, s = 1/(2√4)
/// = 0.25; 95%: sin²(π/3 ∓ 1.959964·0.25) = 0.279648 and 0.998871; 99.8%: sin²(π/3 − 0.772558)
/// = 0.073549, and the upper one passes π/2, so it is 1.
#[test]
fn funnel_sheet_has_the_tables_behind_its_charts() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "排名.xlsx");
    let mut wb = open_workbook_auto(&path).unwrap();
    let r = wb.worksheet_range("漏斗图").unwrap();
    assert!(text(&r, 2, 0).starts_with(
        "C1 涉嫌犯罪案件移送率（比例，二项模型，反正弦平方根变换）：全省合计75.0%；3个地区；离散度φ=0.000（检验p=1.000），τ²=0.00000，未见过度离散。"
    ));
    let headers: Vec<String> = (0..7).map(|c| text(&r, 3, c)).collect();
    assert_eq!(
        headers,
        [
            "区划代码",
            "地区",
            "分子",
            "分母",
            "指标值",
            "校正z值",
            "位置"
        ]
    );
    // The tables the chart plots are off the printed page, right of the chart.
    let lines: Vec<String> = (20..26).map(|c| text(&r, 3, c)).collect();
    assert_eq!(
        lines,
        [
            "分母",
            "目标值",
            "95%下限",
            "95%上限",
            "99.8%下限",
            "99.8%上限"
        ]
    );
    // The vetoed 海珠区 is on the funnel too; the missing 天河区 is not.
    let codes: Vec<String> = (4..8).map(|row| text(&r, row, 0)).collect();
    assert_eq!(codes, ["440103", "440104", "440105", ""]);
    assert_eq!(num(&r, 4, 2), 3.0);
    assert_eq!(num(&r, 4, 3), 4.0);
    assert!(close(num(&r, 4, 4), 0.75));
    assert!(num(&r, 4, 5).abs() < 1e-12);
    assert_eq!(text(&r, 4, 6), "控制限内");
    // The limit table at n = 4.
    assert!(close(num(&r, 4, 20), 4.0));
    assert!(close(num(&r, 4, 21), 0.75));
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(near(num(&r, 4, 22), 0.279648), "{}", num(&r, 4, 22));
    assert!(near(num(&r, 4, 23), 0.998871), "{}", num(&r, 4, 23));
    assert!(near(num(&r, 4, 24), 0.073549), "{}", num(&r, 4, 24));
    assert!(close(num(&r, 4, 25), 1.0));
    // Sixty denominators along each line.
    assert!(close(num(&r, 63, 21), 0.75));
    assert_eq!(at(&r, 64, 21), Data::Empty);

    // One section per funnel indicator, in the scheme's order.
    let headings: Vec<String> = (0..r.height() as u32)
        .map(|row| text(&r, row, 0))
        .filter(|t| t.contains("模型"))
        .map(|t| t.chars().take(2).collect())
        .collect();
    assert_eq!(headings, ["C1", "D1", "G1"]);

    // A scatter chart per funnel, its points and its limit lines from the sheet.
    let file = std::fs::File::open(&path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut funnel_charts = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if !entry.name().unwrap().starts_with("xl/charts/chart") {
            continue;
        }
        let mut xml = String::new();
        entry.read_to_string(&mut xml).unwrap();
        if xml.contains("<c:scatterChart>") {
            funnel_charts.push(xml);
        }
    }
    assert_eq!(funnel_charts.len(), 3);
    // C1's chart: points from rows 5–7 (分母 in D, 指标值 in E), lines from rows 5–64.
    let c1 = funnel_charts
        .iter()
        .find(|x| x.contains("C1 涉嫌犯罪案件移送率 漏斗图"))
        .unwrap();
    for range in ["$D$5:$D$7<", "$E$5:$E$7<", "$U$5:$U$64<", "$Z$5:$Z$64<"] {
        assert!(c1.contains(&format!("漏斗图!{range}")), "{range}");
    }
}

/// A nationwide workbook: 2,850 regions. Every sheet is written in row order in low-memory mode;
/// 总排名 then prints one page wide and as many tall as it takes. Prints how long writing took
/// (a figure for the benchmark notes, not a check).
#[test]
fn nationwide_workbook_is_complete_and_prints_one_page_wide() {
    let scheme = Scheme::builtin().unwrap();
    let regions: Vec<RegionResult> = (0..2850u32)
        .map(|i| {
            let total = 95.0 - f64::from(i) * 0.01;
            let code = format!("{}", 110_000 + i);
            scored(&scheme, &code, &format!("县{i}"), i + 1, total, "合格")
        })
        .collect();
    let analysis = kaoping::stats::analyse(&scheme, &regions, &[]);
    let a = Assessment {
        scheme: &scheme,
        quarter: q("2025Q4"),
        analysis,
        regions,
        flags: BTreeMap::new(),
        problems: vec![],
        files: vec![],
        history: vec![],
        findings: Default::default(),
        run_time: "2026-01-15 09:30:00".into(),
        reruns: vec![],
        history_dir: None,
        scheme_change: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("全国.xlsx");
    let started = std::time::Instant::now();
    report::write(&a, &path).unwrap();
    println!(
        "2,850 regions: ranking workbook written in {:.2} s, {} bytes",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&path).unwrap().len()
    );
    let mut wb = open_workbook_auto(&path).unwrap();
    let r = wb.worksheet_range("总排名").unwrap();
    assert_eq!(text(&r, 3 + 2849, 3), "县2849");
    let r = wb.worksheet_range("指标明细").unwrap();
    // Every region's rows, then the note under the table.
    assert_eq!(r.end().map(|(row, _)| row), Some(2 + 2850 * 19 + 2));
    // One page wide, any number tall: fitToHeight 0.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("fitToHeight=\"0\""), "{}", &xml[..400]);
}

const REGENERATE_GOLDEN: &str =
    "KAOPING_UPDATE_GOLDEN=1 cargo test --release --test integration report::demo_workbook_matches_golden_files";

/// The demo's last ranking workbook and two of its forms, sheet by sheet, as
/// `tests/golden/<name>/<key>.txt`: 考评排名_2025Q4, 揭阳市's 反馈单 and 潮州市's 退回修改通知; and
/// the 情况通报 draft part by part (`情况通报_2025Q4/`). Any change of layout, style, print setup,
/// chart or content shows as a diff of readable lines.
#[test]
fn demo_workbook_matches_golden_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .arg("demo")
        .arg("--samples")
        .arg(root.join("samples"))
        // Relative, as a clerk types it: 评分说明 names the history folder as given.
        .arg("--out")
        .arg("out")
        .current_dir(tmp.path())
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let forms = out.join("反馈单_2025Q4");
    let books = [
        ("考评排名_2025Q4", out.join("考评排名_2025Q4.xlsx")),
        (
            "反馈单_445200_揭阳市",
            forms.join("445200_揭阳市_2025Q4_反馈单.xlsx"),
        ),
        (
            "退回修改通知_445100_潮州市",
            forms.join("445100_潮州市_2025Q4_退回修改通知.xlsx"),
        ),
        ("年度考核_2025", out.join("年度考核_2025.xlsx")),
    ];
    let update = std::env::var("KAOPING_UPDATE_GOLDEN").as_deref() == Ok("1");
    let mut failures = Vec::new();
    for (name, path) in &books {
        let dir = root.join("tests/golden").join(name);
        let dump = xlsx_dump::dump(path);
        failures.extend(text_under_charts(&dump));
        failures.extend(golden(&dump, &dir, update));
    }
    let bulletin = std::fs::read(out.join("情况通报_2025Q4.docx")).unwrap();
    let dir = root.join("tests/golden/情况通报_2025Q4");
    failures.extend(golden(&crate::bulletin::dump(&bulletin), &dir, update));
    assert!(
        failures.is_empty(),
        "the demo's workbooks or 情况通报 differ from tests/golden (- expected, + got; line numbers of each side):\n\n{}\n\n\
         If the change is intended, regenerate the reference with\n  {REGENERATE_GOLDEN}\n\
         and review the diff of tests/golden/ before committing it.",
        failures.join("\n\n")
    );
}

/// Text cells a chart covers, in a workbook's dump: a chart's anchor ("twoCellAnchor from A3 … to
/// M41 …") against the sheet's text cells ("A39 s …").
/// Regression (issue 24): 总分图's line on the colours sat under the chart, its row counted at 20
/// pixels a row when rows of 宋体 are 18.
fn text_under_charts(dump: &BTreeMap<String, String>) -> Vec<String> {
    fn cell(s: &str) -> Option<(u32, u32)> {
        let digits = s.find(|c: char| c.is_ascii_digit())?;
        let (col, row) = s.split_at(digits);
        let col = col.bytes().try_fold(0u32, |n, b| {
            b.is_ascii_uppercase()
                .then(|| n * 26 + u32::from(b - b'A' + 1))
        })?;
        Some((col, row.parse().ok()?))
    }
    let mut found = Vec::new();
    for (sheet, text) in dump {
        let anchors: Vec<((u32, u32), (u32, u32))> = text
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix("twoCellAnchor from ")?;
                let mut words = rest.split_whitespace();
                let from = cell(words.next()?)?;
                let to = cell(words.nth(1).filter(|w| *w == "to").and(words.next())?)?;
                Some((from, to))
            })
            .collect();
        for line in text.lines() {
            let Some((addr, rest)) = line.split_once(' ') else {
                continue;
            };
            let Some((col, row)) = cell(addr).filter(|_| rest.starts_with("s ")) else {
                continue;
            };
            for (from, to) in &anchors {
                if (from.0..=to.0).contains(&col) && (from.1..=to.1).contains(&row) {
                    found.push(format!("{sheet}: {addr} lies under a chart: {line}"));
                }
            }
        }
    }
    found
}

/// A workbook's dump (`key` → text) against the golden files in `dir`: the differences, each
/// naming the golden folder and sheet. With `update`, writes the dump there instead.
fn golden(got: &BTreeMap<String, String>, dir: &Path, update: bool) -> Vec<String> {
    let mut expected = BTreeMap::new();
    if dir.is_dir() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "txt") {
                let key = path.file_stem().unwrap().to_str().unwrap().to_string();
                expected.insert(key, (path.clone(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
    if update {
        std::fs::create_dir_all(dir).unwrap();
        for (key, (path, _)) in &expected {
            if !got.contains_key(key) {
                std::fs::remove_file(path).unwrap();
            }
        }
        for (key, text) in got {
            std::fs::write(dir.join(format!("{key}.txt")), text).unwrap();
        }
        eprintln!("wrote {} golden files to {}", got.len(), dir.display());
        return Vec::new();
    }

    // A sheet is matched by its name, so one inserted or moved shows as moved, with its diff.
    let sheet_name = |key: &str| key.split_once('-').map_or(key, |(_, n)| n).to_string();
    let mut failures = Vec::new();
    let mut matched = std::collections::BTreeSet::new();
    for (key, text) in got {
        let old = if expected.contains_key(key) {
            Some(key.clone())
        } else {
            expected
                .keys()
                .find(|k| !got.contains_key(*k) && sheet_name(k) == sheet_name(key))
                .cloned()
        };
        let Some(old) = old else {
            failures.push(format!(
                "{folder}/{key}: in the workbook but not in tests/golden"
            ));
            continue;
        };
        let want = &expected[&old].1;
        let moved = if old == *key {
            String::new()
        } else {
            format!(" (was {old})")
        };
        if want != text {
            let diff = line_diff(want, text, 40);
            failures.push(format!("{folder}/{key}{moved}:\n{}", diff.trim_end()));
        } else if !moved.is_empty() {
            failures.push(format!("{folder}/{key}{moved}: moved, otherwise the same"));
        }
        matched.insert(old);
    }
    for key in expected.keys().filter(|k| !matched.contains(*k)) {
        failures.push(format!(
            "{folder}/{key}: in tests/golden but not in the workbook"
        ));
    }
    failures
}

/// The lines that differ between two texts, at most `limit` of them: `-  12 line` for a line of
/// `want` that `got` lacks, `+  12 line` for one `got` has instead (an LCS diff; past a few million
/// line pairs, line by line).
fn line_diff(want: &str, got: &str, limit: usize) -> String {
    let a: Vec<&str> = want.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let (n, m) = (a_mid.len(), b_mid.len());
    // (is it from `want`, its line number, the line)
    let mut ops: Vec<(bool, usize, &str)> = Vec::new();
    if n.saturating_mul(m) <= 16_000_000 {
        // lcs[i][j]: the longest common subsequence of a_mid[i..] and b_mid[j..].
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if a_mid[i] == b_mid[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && a_mid[i] == b_mid[j] {
                i += 1;
                j += 1;
            } else if j == m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                ops.push((true, head + i + 1, a_mid[i]));
                i += 1;
            } else {
                ops.push((false, head + j + 1, b_mid[j]));
                j += 1;
            }
        }
    } else {
        for k in 0..n.max(m) {
            match (a_mid.get(k), b_mid.get(k)) {
                (Some(x), Some(y)) if x == y => {}
                (x, y) => {
                    if let Some(x) = x {
                        ops.push((true, head + k + 1, x));
                    }
                    if let Some(y) = y {
                        ops.push((false, head + k + 1, y));
                    }
                }
            }
        }
    }
    let mut s = String::new();
    for (from_want, line, text) in ops.iter().take(limit) {
        s.push_str(&format!(
            "{}{line:>6} {text}\n",
            if *from_want { '-' } else { '+' }
        ));
    }
    if ops.len() > limit {
        s.push_str(&format!(
            "… and {} more differing lines\n",
            ops.len() - limit
        ));
    }
    s
}

#[test]
fn line_diff_shows_what_changed_with_line_numbers() {
    let d = line_diff("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n", 40);
    assert_eq!(d, "-     2 b\n+     2 B\n+     5 e\n");
    let many: String = (0..50).map(|i| format!("{i}\n")).collect();
    let d = line_diff(&many, "", 40);
    assert!(d.ends_with("… and 10 more differing lines\n"), "{d}");
}

/// The dumper itself, on a workbook made here: each thing it must catch is one exact line.
#[test]
fn xlsx_dump_shows_styles_merges_heights_and_print_titles() {
    use rust_xlsxwriter::{
        Chart, ChartType, Color, ConditionalFormatCell, ConditionalFormatCellRule, DocProperties,
        Format, FormatAlign, FormatBorder, Workbook,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("小样.xlsx");
    let mut wb = Workbook::new();
    let day = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
    wb.set_properties(
        &DocProperties::new()
            .set_title("小样")
            .set_creation_datetime(&day)
            .set_custom_property("quarter", "2025Q4"),
    );
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let score = Format::new()
        .set_num_format("0.00")
        .set_background_color(Color::RGB(0xFFC78F))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name("总排名").unwrap();
    ws.merge_range(0, 0, 0, 2, "标题", &title).unwrap();
    ws.set_row_height(0, 30).unwrap();
    ws.write_string(1, 0, "广州市").unwrap();
    ws.write_number_with_format(1, 1, 68.88, &score).unwrap();
    ws.write_formula(1, 2, "=B2*2").unwrap();
    ws.set_column_width(0, 12).unwrap();
    ws.set_repeat_rows(0, 1).unwrap();
    ws.set_landscape();
    ws.set_header("&C&A");
    ws.set_freeze_panes(2, 1).unwrap();
    let low = ConditionalFormatCell::new()
        .set_rule(ConditionalFormatCellRule::LessThan(60))
        .set_format(Format::new().set_background_color(Color::RGB(0xFF9F9F)));
    ws.add_conditional_format(1, 1, 21, 1, &low).unwrap();
    let hidden = wb.add_worksheet();
    hidden.set_name("底稿").unwrap();
    hidden.set_hidden(true);
    let mut chart = Chart::new(ChartType::Bar);
    chart.add_series().set_values(("总排名", 1, 1, 1, 1));
    chart.x_axis().set_reverse();
    let cs = wb.add_chartsheet();
    cs.set_name("总分图").unwrap();
    cs.insert_chart(0, 0, &chart).unwrap();
    wb.save(&path).unwrap();

    let dump = xlsx_dump::dump(&path);
    assert_eq!(
        dump.keys().collect::<Vec<_>>(),
        ["00-workbook", "01-总排名", "02-底稿", "03-总分图"]
    );
    let workbook = &dump["00-workbook"];
    for line in [
        "1 总排名 worksheet",
        "2 底稿 worksheet hidden",
        "_xlnm.Print_Titles [总排名] = 总排名!$1:$2",
        "dc:title \"小样\"",
        "dcterms:created xsi:type=dcterms:W3CDTF \"2025-12-31T00:00:00Z\"",
        "quarter (lpwstr) \"2025Q4\"",
        "xl/worksheets/sheet2.xml",
    ] {
        assert!(workbook.lines().any(|l| l == line), "{line}\n{workbook}");
    }
    assert!(dump["02-底稿"].contains("\nstate hidden\n"));
    let expected = r#"[sheet]
name 总排名
type worksheet
state visible
[print]
horizontalDpi 200
orientation landscape
verticalDpi 200
margin left 0.7
margin right 0.7
margin top 0.75
margin bottom 0.75
margin header 0.3
margin footer 0.3
oddHeader "&C&A"
print titles 总排名!$1:$2
[view]
sheetView tabSelected=1
freeze rows=2 cols=1 top-left=B3
active pane bottomRight
selection activeCell=B1 pane=topRight sqref=B1
selection activeCell=A3 pane=bottomLeft sqref=A3
selection pane=bottomRight
sheetFormatPr defaultRowHeight=15
[cols]
A 12.7109375
[rows]
1 height=30
[merged]
A1:C1
[conditional formats]
B2:B22 cellIs operator=lessThan priority=1 {fill=FF9F9F}
  formula "60"
[data validations]
[hyperlinks]
[notes]
[cells]
A1 s "标题" {size=16 bold h=center}
A2 s "广州市"
B2 n 68.88 {fmt="0.00" fill=FFC78F border wrap}
C2 f "B2*2" = 0
[drawing]
"#;
    let got = &dump["01-总排名"];
    assert!(got == expected, "{}", line_diff(expected, got, 40));
    // A chartsheet: its chart, element by element; the reversed axis is one line.
    let cs = &dump["03-总分图"];
    for line in [
        "type chartsheet",
        "  chart xl/charts/chart1.xml",
        "absoluteAnchor pos x=0 y=0 ext cx=9308969 cy=6078325",
        "            c:barDir val=bar",
        "              c:orientation val=maxMin",
    ] {
        assert!(cs.lines().any(|l| l == line), "{line}\n{cs}");
    }
}
