//! The 方案比较 workbook: 比较摘要 (what the revision changes, the largest moves and the chart of
//! rank under A against rank under B) and 逐地区比较 (every region under both schemes). Landscape
//! A4, title and header repeated on every page, as the ranking workbook.

use super::{Change, Comparison};
use crate::report::style::{chart, Fill, Fit, Grid, Kind, Page, Tone, TITLE_ROW};
use crate::report::{ReportError, TABLE_HEADER_ROW};
use crate::text::fmt_num;
use rust_xlsxwriter::{
    Chart, ChartAxisCrossing, ChartDataLabel, ChartFormat, ChartLineDashType, ChartMarker,
    ChartMarkerType, ChartType, DocProperties, Workbook, Worksheet, XlsxError,
};

pub(super) const SUMMARY: &str = "比较摘要";
pub(super) const REGIONS: &str = "逐地区比较";

const HEADERS: [&str; 13] = [
    "区划代码",
    "地区",
    "方案A总分",
    "方案A排名",
    "方案A等次",
    "方案A措施",
    "方案B总分",
    "方案B排名",
    "方案B等次",
    "方案B措施",
    "总分变化",
    "名次变化",
    "影响最大的指标（方案B − 方案A）",
];
const LAST_COL: u16 = HEADERS.len() as u16 - 1;
/// The columns of the two ranks (the chart's x and y).
const RANK_A: u16 = 3;
const RANK_B: u16 = 7;
/// The 比较摘要 is printed over these columns; the chart's reference line is kept to the right.
const SUMMARY_LAST_COL: u16 = 7;
const LINE_COL: u16 = SUMMARY_LAST_COL + 2;

pub(super) fn build(c: &Comparison) -> Result<Workbook, ReportError> {
    let mut wb = crate::xlsx::workbook();
    wb.set_zip_compression_level(3);
    let props = DocProperties::new()
        .set_title(format!("方案比较 {}", c.quarter.label()))
        .set_subject("打击侵权假冒工作考核评价")
        .set_author(format!("kaoping {}", env!("CARGO_PKG_VERSION")))
        .set_comment(format!(
            "方案A {} 版本 {}；方案B {} 版本 {}；季度 {}",
            c.a.scheme.id, c.a.scheme.version, c.b.scheme.id, c.b.scheme.version, c.quarter
        ))
        .set_creation_datetime(&c.quarter.last_day());
    wb.set_properties(&props);
    let err = |sheet: &'static str| {
        move |e: XlsxError| ReportError::Sheet {
            sheet,
            source: Box::new(e),
        }
    };
    let ws = wb.add_worksheet();
    ws.set_name(SUMMARY).map_err(err(SUMMARY))?;
    summary(ws, c).map_err(err(SUMMARY))?;
    let ws = wb.add_worksheet();
    ws.set_name(REGIONS).map_err(err(REGIONS))?;
    regions(ws, c).map_err(err(REGIONS))?;
    Ok(wb)
}

fn title(c: &Comparison, sheet: &str) -> String {
    crate::report::sheet_title(&c.b.scheme.office.name, c.quarter, sheet)
}

fn subtitle(c: &Comparison) -> String {
    format!(
        "方案A：版本{}　方案B：版本{}　　制表日期：{}　　同一批报送分别按两个方案评分，不写入历史数据",
        c.a.scheme.version,
        c.b.scheme.version,
        crate::report::made_on(&c.run_time)
    )
}

fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", fmt_num(v))
    } else if v < 0.0 {
        format!("−{}", fmt_num(-v))
    } else {
        "0".to_string()
    }
}

fn moved_by(ch: &Change) -> String {
    ch.moved_by
        .iter()
        .map(|(id, _, d)| format!("{id} {}", signed((d * 100.0).round() / 100.0)))
        .collect::<Vec<_>>()
        .join("；")
}

/// 逐地区比较: one row per region, in rank order under B.
fn regions(ws: &mut Worksheet, c: &Comparison) -> Result<(), XlsxError> {
    let mut g = Grid::new();
    g.title(&title(c, REGIONS), &subtitle(c), LAST_COL);
    g.header(TABLE_HEADER_ROW, &HEADERS, 10.0);
    g.set_width(LAST_COL, 28.0);
    let mut row = TABLE_HEADER_ROW + 1;
    for ch in &c.changes {
        // Not a measure's colour: grey-blue, said in the note under the table.
        let changed = |x: bool| if x { Fill::Blue } else { Fill::None };
        g.styled(row, 0, &ch.code, Kind::Label, Fill::None, Tone::Normal);
        g.text(row, 1, &ch.name, Fill::None);
        for (col, s, other, scheme) in [
            (2u16, &ch.a, &ch.b, c.a.scheme),
            (6, &ch.b, &ch.a, c.b.scheme),
        ] {
            if s.scored {
                g.num(row, col, s.total, Kind::Score, Fill::None);
                g.num(row, col + 1, f64::from(s.rank), Kind::Int, Fill::None);
                let grade_fill = changed(ch.both() && s.grade != other.grade);
                g.styled(
                    row,
                    col + 2,
                    &s.grade,
                    Kind::Label,
                    grade_fill,
                    Tone::for_grade(scheme, &s.grade),
                );
                let measure_fill = if s.measure.is_some() {
                    Fill::for_measure(s.measure.as_ref())
                } else {
                    changed(ch.both() && s.measure_label() != other.measure_label())
                };
                g.styled(
                    row,
                    col + 3,
                    s.measure_label(),
                    Kind::Label,
                    measure_fill,
                    Tone::Normal,
                );
            } else {
                g.styled_span(row, col, 4, &s.status, Kind::Label, Fill::Grey);
            }
        }
        match (ch.total_change(), ch.rank_change()) {
            (Some(d), Some(r)) => {
                g.num(row, 10, d, Kind::Change, Fill::None);
                g.text(row, 11, &rank_words(r), Fill::None);
            }
            _ => {
                g.blank(row, 10, Fill::None);
                g.blank(row, 11, Fill::None);
            }
        }
        g.text(row, LAST_COL, &moved_by(ch), Fill::None);
        row += 1;
    }
    let last = row.saturating_sub(1);
    row += 1;
    g.para(
        row,
        0,
        LAST_COL,
        "按方案B的名次排列，未评分的地区在后。名次变化为正表示在方案B下名次上升。浅蓝色：两个方案下等次或督办措施不同。\
         影响最大的指标：该地区得分变化最大的至多三项指标及其得分变化（方案B得分减方案A得分），指标名称见排名工作簿的“评分说明”。",
    );
    let mut page = Page::table(
        &c.b.scheme.office.name,
        &c.quarter.label(),
        TABLE_HEADER_ROW,
        last,
        LAST_COL,
        2,
    );
    page.print_area = Some((row, LAST_COL));
    g.render(ws, &page)
}

fn rank_words(r: i64) -> String {
    match r {
        0 => "不变".to_string(),
        r if r > 0 => format!("升{r}位"),
        r => format!("降{}位", -r),
    }
}

/// 比较摘要: the counts, the correlation, the largest moves and the chart.
fn summary(ws: &mut Worksheet, c: &Comparison) -> Result<(), XlsxError> {
    let mut g = Grid::new();
    g.title(&title(c, SUMMARY), &subtitle(c), SUMMARY_LAST_COL);
    let mut row = TABLE_HEADER_ROW;
    let n = c.scored_both();
    let rho = c.spearman().map_or(
        "无法计算（评分地区少于2个）".to_string(),
        |r| format!("{r:.3}（1表示两个方案的排名完全一致）"),
    );
    let named = |n: usize, names: Vec<String>| {
        if names.is_empty() {
            String::new()
        } else {
            debug_assert_eq!(n, names.len());
            format!("：{}", names.join("、"))
        }
    };
    let history = match &c.history {
        Some(h) => format!("两个方案都读取了{h}，涉及以前季度的督办规则按历史判断，与排名工作簿一致"),
        None => "未读取历史数据（没有给出 --history）：涉及以前季度的督办规则（连续季度、上季度的措施、排名变化）都无法判断，两个方案下的督办措施只按本季度判断，可能与排名工作簿不同".to_string(),
    };
    let facts: [(&str, String); 7] = [
        (
            "方案A",
            format!("{}（版本{}）", c.a.scheme.name, c.a.scheme.version),
        ),
        (
            "方案B",
            format!("{}（版本{}）", c.b.scheme.name, c.b.scheme.version),
        ),
        ("历史数据", history),
        (
            "评分地区",
            format!(
                "两个方案下均评分{n}个；评分与否不同的{}个",
                c.status_changes()
            ),
        ),
        (
            "等次变化",
            format!(
                "{}个地区的等次不同{}",
                c.grade_changes(),
                named(c.grade_changes(), c.grade_changes_named())
            ),
        ),
        (
            "措施变化",
            format!(
                "{}个地区的督办措施不同（含由无到有、由有到无）{}",
                c.measure_changes(),
                named(c.measure_changes(), c.measure_changes_named())
            ),
        ),
        ("排名相关", format!("斯皮尔曼等级相关系数 {rho}")),
    ];
    for (key, value) in &facts {
        g.section(row, key);
        g.para(row, 1, SUMMARY_LAST_COL, value);
        row += 1;
    }
    row += 1;
    g.section(row, "名次变化最大的地区");
    row += 1;
    let headers = [
        "地区",
        "方案A排名",
        "方案B排名",
        "名次变化",
        "方案A总分",
        "方案B总分",
        "总分变化",
    ];
    for (col, h) in (0u16..).zip(headers) {
        g.styled(row, col, h, Kind::Label, Fill::None, Tone::Bold);
    }
    row += 1;
    let moves = c.largest_moves(5);
    for ch in &moves {
        g.text(row, 0, &ch.name, Fill::None);
        g.num(row, 1, f64::from(ch.a.rank), Kind::Int, Fill::None);
        g.num(row, 2, f64::from(ch.b.rank), Kind::Int, Fill::None);
        g.text(
            row,
            3,
            &rank_words(ch.rank_change().unwrap_or(0)),
            Fill::None,
        );
        g.num(row, 4, ch.a.total, Kind::Score, Fill::None);
        g.num(row, 5, ch.b.total, Kind::Score, Fill::None);
        g.num(
            row,
            6,
            ch.total_change().unwrap_or(0.0),
            Kind::Change,
            Fill::None,
        );
        row += 1;
    }
    if moves.is_empty() {
        g.para(row, 0, SUMMARY_LAST_COL, "两个方案下各地区的名次相同。");
        row += 1;
    }
    row += 1;
    g.section(row, "名次对照图");
    row += 1;
    let chart_row = row;
    // The chart covers 20 rows; the reference line's two points sit right of the print area.
    let last = chart_row + 20;
    g.styled(
        TABLE_HEADER_ROW,
        LINE_COL,
        "参考线",
        Kind::Label,
        Fill::None,
        Tone::Normal,
    );
    let max_rank = c
        .changes
        .iter()
        .filter(|ch| ch.both())
        .map(|ch| ch.a.rank.max(ch.b.rank))
        .max()
        .unwrap_or(1);
    for (i, v) in [1.0, f64::from(max_rank)].into_iter().enumerate() {
        let r = TABLE_HEADER_ROW + 1 + i as u32;
        g.num(r, LINE_COL, v, Kind::Int, Fill::None);
        g.num(r, LINE_COL + 1, v, Kind::Int, Fill::None);
    }
    g.para(
        last + 1,
        0,
        SUMMARY_LAST_COL,
        "横轴为方案A下的名次，纵轴为方案B下的名次，每点一个地区（两个方案下均评分的地区）；落在虚线上的名次不变，\
         虚线上方的在方案B下名次靠前，下方的靠后；名次变化最大的地区标有名称。逐个地区的数字见“逐地区比较”。",
    );
    let mut page = Page::document(&c.b.scheme.office.name, &c.quarter.label());
    page.fit = Fit::OnePage;
    page.print_area = Some((last + 1, SUMMARY_LAST_COL));
    page.repeat_rows = Some((TITLE_ROW, TITLE_ROW + 1));
    for col in 0..=SUMMARY_LAST_COL {
        g.set_width(col, if col == 0 { 14.0 } else { 13.0 });
    }
    ws.insert_chart(chart_row, 0, &chart(c, max_rank))?;
    g.render(ws, &page)
}

fn chart(c: &Comparison, max_rank: u32) -> Chart {
    let first = TABLE_HEADER_ROW + 1;
    let last = first
        + u32::try_from(c.changes.len())
            .unwrap_or(1)
            .saturating_sub(1);
    let mut chart = Chart::new(ChartType::ScatterStraight);
    // Names only on the largest moves: twenty names would cover each other.
    let named: Vec<&str> = c
        .largest_moves(5)
        .iter()
        .map(|ch| ch.code.as_str())
        .collect();
    let labels: Vec<ChartDataLabel> = c
        .changes
        .iter()
        .map(|ch| {
            if named.contains(&ch.code.as_str()) {
                ChartDataLabel::new()
                    .set_value(ch.name.as_str())
                    .to_custom()
            } else {
                ChartDataLabel::new().set_hidden().to_custom()
            }
        })
        .collect();
    chart
        .add_series()
        .set_name("各地区")
        .set_categories((REGIONS, first, RANK_A, last, RANK_A))
        .set_values((REGIONS, first, RANK_B, last, RANK_B))
        .set_format(ChartFormat::new().set_no_line())
        .set_marker(&chart::marker(
            ChartMarkerType::Circle,
            6,
            chart::POINT_COLOUR,
        ))
        .set_custom_data_labels(&labels);
    chart
        .add_series()
        .set_name("名次不变")
        .set_categories((
            SUMMARY,
            TABLE_HEADER_ROW + 1,
            LINE_COL,
            TABLE_HEADER_ROW + 2,
            LINE_COL,
        ))
        .set_values((
            SUMMARY,
            TABLE_HEADER_ROW + 1,
            LINE_COL + 1,
            TABLE_HEADER_ROW + 2,
            LINE_COL + 1,
        ))
        .set_marker(ChartMarker::new().set_none())
        .set_format(&mut chart::line(0x7F7F7F, 1.0, ChartLineDashType::Dash));
    let top = f64::from(max_rank) + 1.0;
    chart
        .title()
        .set_name(&format!("名次对照（{}）", c.quarter))
        .set_overlay(false);
    chart
        .x_axis()
        .set_name("方案A名次")
        .set_min(0.0)
        .set_max(top)
        .set_major_unit(1.0);
    chart
        .y_axis()
        .set_name("方案B名次")
        .set_min(0.0)
        .set_max(top)
        .set_major_unit(1.0)
        .set_reverse()
        // Reversed (first place at the top), the x axis would cross at the top: keep it below.
        .set_crossing(ChartAxisCrossing::Max);
    chart.legend().set_hidden();
    crate::report::style::chart::in_font(&mut chart, 9.0);
    chart
        .set_width(7 * 96)
        .set_height(20 * crate::xlsx::ROW_PIXELS);
    chart
}
