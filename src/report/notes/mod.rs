//! 评分说明: how the scores were made, so that a reader can check any figure without the engine:
//! the scheme (id, version, indicators, rules, bonus, deductions, veto, grades, flag rules), the
//! engine version, the quarter, the run time and every input file with its SHA-256.
//!
//! [`write`] lays the sheet out block by block, each block a function that takes the row it
//! starts on and returns the row after it: the facts and the input files here, the scheme's
//! tables (indicators, bonus, deductions, totals and grades) in `rules`, how an indicator's value
//! is computed in words in `values`, and the flag rules and statistics in `methods`.

mod methods;
mod rules;
pub(super) mod values;

use super::style::{Fill, Grid, Kind};
use super::{Assessment, Regions};
use crate::text::fmt_num;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub(super) const NAME: &str = "评分说明";

const INDICATOR_HEADERS: [&str; 8] = [
    "编号",
    "一级指标",
    "二级指标",
    "分值",
    "指标值",
    "评分规则",
    "无数据时",
    "依据",
];
/// Column A is at least this wide, for the keys and the first column of the smaller tables.
const MIN_FIRST_COL: f64 = 14.0;

/// The sheet is as wide as the indicator table; every paragraph wraps within it.
const LAST_COL: u16 = INDICATOR_HEADERS.len() as u16 - 1;
/// Widths of the indicator table's text columns.
const WIDTHS: [(u16, f64); 4] = [(4, 28.0), (5, 30.0), (6, 16.0), (7, 24.0)];

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    let mut g = Grid::new();
    g.title(&a.title(NAME), &a.subtitle(), LAST_COL);
    for (col, w) in WIDTHS {
        g.set_width(col, w);
    }
    // Only the indicator table sizes the columns; the other tables wrap within them.
    g.set_fitting(false);
    let row = facts(&mut g, a, 3);
    let row = rules::indicator_section(&mut g, a.scheme, row);
    let row = rules::bonus_section(&mut g, a.scheme, row);
    let row = rules::deduction_section(&mut g, a.scheme, row);
    let row = rules::total_section(&mut g, a.scheme, row);
    let row = methods::flag_section(&mut g, a, row);
    let row = methods::statistics_section(&mut g, a.scheme, row);
    let row = files(&mut g, a, row);

    let mut page = a.document_page();
    // A table running on to the next page carries its header there (issue 24); the rows it adds
    // move the end of the print area down.
    let before = g.row_count();
    g.paginate(&mut page, LAST_COL);
    let row = row + (g.row_count() - before);
    page.print_area = Some((row.saturating_sub(1), LAST_COL));
    g.render(ws, &page)
}

/// The facts of the run, a key and its value a row, and the notice when the scores must be made
/// again.
fn facts(g: &mut Grid, a: &Assessment, mut row: u32) -> u32 {
    let s = a.scheme;
    let scored = a.regions.iter().filter(|r| r.is_scored()).count();
    let province = match a.findings.warning(s) {
        Some(warning) => warning,
        None => a
            .files
            .iter()
            .find(|f| f.status == crate::submission::STATUS)
            .map_or_else(
                || "已计入".to_string(),
                |f| format!("已计入（{}，校验值见下文“七、输入文件”）", f.file),
            ),
    };
    let facts: [(&str, String); 11] = [
        ("指标体系", s.name.clone()),
        ("方案编号", s.id.clone()),
        ("方案版本", s.version.clone()),
        ("模板版本", template_versions(a)),
        ("引擎版本", format!("kaoping {}", env!("CARGO_PKG_VERSION"))),
        (
            "考核季度",
            format!("{}（{}）", a.quarter, a.quarter.label()),
        ),
        ("评分时间", a.run_time.clone()),
        (
            "满分",
            format!("{}分（另设加分、扣分和一票否决）", fmt_num(s.total_points)),
        ),
        (
            "参评地区",
            format!("共{}个，有效报送并评分{}个", a.regions.len(), scored),
        ),
        ("省级评定", province),
        (
            "报送截止",
            format!(
                "{}（季度结束后次月{}日）",
                a.quarter.deadline(s.deadline_day).format("%Y-%m-%d"),
                s.deadline_day
            ),
        ),
    ];
    for (key, value) in &facts {
        g.section(row, key);
        g.para(row, 1, LAST_COL, value);
        row += 1;
    }
    let held = a.history_quarters();
    let folder = match &a.history_dir {
        Some(d) => format!("文件夹 {d}，"),
        None => "未使用历史数据（未指定 --history），".to_string(),
    };
    let history = if held.is_empty() {
        format!("{folder}本季度之前无历史数据，连续季度的规则从本季度起算")
    } else {
        let names: Vec<String> = held.iter().map(ToString::to_string).collect();
        format!(
            "{folder}本季度之前有{}个季度：{}",
            held.len(),
            names.join("、")
        )
    };
    g.section(row, "历史数据");
    g.para(row, 1, LAST_COL, &history);
    row += 1;
    if let Some(why) = &a.scheme_change {
        g.section(row, "更换指标体系");
        g.para(
            row,
            1,
            LAST_COL,
            &format!("历史数据中以前的季度按另一指标体系或地区名录评分；更换理由：{why}"),
        );
        row += 1;
    }
    if let Some(notice) = a.history_gap_notice() {
        g.section(row, "历史数据缺季度");
        g.para(row, 1, LAST_COL, &notice);
        row += 1;
    }
    if let Some(notice) = a.rerun_notice() {
        g.section(row, "需重新评分");
        g.para(row, 1, LAST_COL, &notice);
        row += 1;
    }
    row + 1
}

/// The scheme versions the used submissions' templates were issued under, with how many of
/// each: a template of another version with the same contract is read as any other.
fn template_versions(a: &Assessment) -> String {
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in a.files.iter().filter(|f| f.region_code.is_some()) {
        if f.status != crate::submission::SUPERSEDED && f.status != crate::submission::UNREADABLE {
            *count.entry(f.template_version.as_str()).or_default() += 1;
        }
    }
    let version = a.scheme.version.as_str();
    match count.len() {
        0 => "无".to_string(),
        1 if count.contains_key(version) => format!("{version}（与评分方案相同）"),
        _ => {
            let list: Vec<String> = count
                .iter()
                .map(|(v, n)| match *v {
                    "" => format!("未注明版本{n}份"),
                    v => format!("{v}版{n}份"),
                })
                .collect();
            format!(
                "{}；填报内容与评分方案（{version}）相同的模板照常读取，不同之处见“数据质量”",
                list.join("、")
            )
        }
    }
}

/// 七、输入文件: every input file with its region, status and SHA-256.
fn files(g: &mut Grid, a: &Assessment, mut row: u32) -> u32 {
    let fill = Fill::None;
    row = section(g, row, "七、输入文件");
    g.header(row, &["文件", "地区", "状态"], 0.0);
    // Over the same columns as the hashes below it: one column alone wrapped it "SHA-/256".
    g.header_span(row, 3, LAST_COL - 2, "文件校验码（SHA-256）");
    row += 1;
    let regions = Regions::new(&a.regions);
    for f in &a.files {
        let region = f
            .region_code
            .as_deref()
            .map(|c| regions.label(c))
            .unwrap_or_default();
        g.text(row, 0, &f.file, fill);
        g.text(row, 1, &region, fill);
        g.text(row, 2, &f.status, fill);
        // The hash across the rest of the row, so it prints whole.
        g.styled_span(row, 3, LAST_COL - 2, &f.sha256, Kind::Text, fill);
        row += 1;
    }
    row
}

/// A section heading; returns the next row.
fn section(g: &mut Grid, row: u32, title: &str) -> u32 {
    g.section(row, title);
    row + 1
}
