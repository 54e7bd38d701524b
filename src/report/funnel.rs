//! 漏斗图: for each funnel indicator, the regions' values against their denominators with the
//! target and the inner and outer control limits, as a scatter chart and the two tables behind
//! it (the regions, and the limit lines over a range of denominators).

use super::style::{chart, Fill, Grid, Kind, TITLE_ROW};
use super::{Assessment, Regions};
use crate::scheme::FunnelModel;
use crate::stats::funnel::z_of;
use crate::stats::{Funnel, Point};
use crate::text::fmt_num;
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartDataLabelPosition, ChartFormat, ChartLegendPosition,
    ChartLineDashType, ChartMarker, ChartMarkerType, ChartType, Worksheet, XlsxError,
};

pub(super) const NAME: &str = "漏斗图";

const POINT_HEADERS: [&str; 7] = [
    "区划代码",
    "地区",
    "分子",
    "分母",
    "指标值",
    "校正z值",
    "位置",
];
/// The chart starts here, after one empty column, and spans `CHART_COLS` columns of the default
/// width: wide enough that two indicators print on one landscape page (issue 24).
const CHART_COL: u16 = POINT_HEADERS.len() as u16 + 1;
const CHART_COLS: u16 = 11;
/// The last printed column: the region table and the chart; the tables the chart plots lie to
/// the right of it, off the printed page.
const PRINT_LAST_COL: u16 = CHART_COL + CHART_COLS - 1;
/// The tables the charts plot start here: for each indicator the limit lines' table, then the
/// flagged regions' table (the labelled series), side by side so that indicators whose sections
/// are shorter than their 60-row limit tables never share cells.
const DATA_COL: u16 = PRINT_LAST_COL + 2;
const LINE_HEADERS: [&str; 6] = [
    "分母",
    "目标值",
    "内限下限",
    "内限上限",
    "外限下限",
    "外限上限",
];
const FLAG_HEADERS: [&str; 3] = ["预警地区", "分母", "指标值"];

/// Where one indicator's chart data lies.
#[derive(Clone, Copy)]
struct DataCols {
    line: u16,
    flag: u16,
}

impl DataCols {
    fn of(index: usize) -> DataCols {
        let block = (LINE_HEADERS.len() + FLAG_HEADERS.len() + 2) as u16;
        let line = DATA_COL + block * index as u16;
        DataCols {
            line,
            flag: line + LINE_HEADERS.len() as u16 + 1,
        }
    }
}
/// Denominators along each limit line.
const LINE_STEPS: u32 = 60;
/// Rows the chart takes at the least, at the default row height (`xlsx::ROW_PIXELS`); else as
/// many as the region table beside it.
const MIN_CHART_ROWS: u32 = 16;
/// Marker colours of the flagged points: beyond the inner and the outer limit on the bad side.
const INNER_COLOUR: u32 = 0xED7D31;
const OUTER_COLOUR: u32 = 0xC00000;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    let mut g = Grid::new();
    g.title(&a.title(NAME), &a.subtitle(), PRINT_LAST_COL);
    for c in POINT_HEADERS.len() as u16..=PRINT_LAST_COL {
        g.set_width(c, 8.43);
    }
    let mut page = a.document_page();
    if a.analysis.funnels.is_empty() {
        g.para(
            2,
            0,
            PRINT_LAST_COL,
            "本季度没有可绘制漏斗图的指标（指标体系未设置，或有效报送地区少于2个）。",
        );
        page.print_area = Some((2, PRINT_LAST_COL));
        return g.render(ws, &page);
    }
    let regions = Regions::new(&a.regions);
    let mut row = 2;
    let mut charts = Vec::new();
    let mut sections = Vec::new();
    for (i, f) in a.analysis.funnels.iter().enumerate() {
        let (next, chart) = section(&mut g, a, &regions, f, row, DataCols::of(i));
        charts.push((row + 1, chart));
        // With the empty row after it.
        sections.push((row, next + 1));
        row = next + 2;
    }
    page.print_area = Some((row.saturating_sub(2), PRINT_LAST_COL));
    page.repeat_rows = Some((TITLE_ROW, TITLE_ROW + 1));
    // As many indicators a page as fit, none split (two of 21 regions on a landscape page).
    g.keep_together(&mut page, PRINT_LAST_COL, &sections);
    for (at, chart) in charts {
        ws.insert_chart(at, CHART_COL, &chart)?;
    }
    g.render(ws, &page)
}

/// One indicator's heading, tables and chart from `top`; returns the last row used.
fn section(
    g: &mut Grid,
    a: &Assessment,
    regions: &Regions,
    f: &Funnel,
    top: u32,
    cols: DataCols,
) -> (u32, Chart) {
    let [inner, outer] = a.scheme.statistics.funnel.levels;
    let whole = a.scheme.office.whole();
    let fit = &f.fit;
    let model = match f.setting.model {
        FunnelModel::Binomial => "比例，二项模型，反正弦平方根变换",
        FunnelModel::Poisson => "发生率，泊松模型，平方根变换",
    };
    let heading = format!(
        "{} {}（{}）：{whole}合计{}；{}个地区；离散度φ={:.3}（检验p={}），τ²={:.5}{}。图中：蓝点为各地区，绿线为{whole}合计，橙色虚线为{}控制限，红线为{}控制限；超出控制限（不利一侧）的地区为带名称的菱形点。",
        f.setting.id,
        f.name,
        model,
        f.show(fit.target),
        fit.units,
        fit.phi,
        p_text(fit.p_value),
        fit.tau2,
        if fit.tau2 > 0.0 {
            "，控制限已按过度离散放宽"
        } else {
            "，未见过度离散"
        },
        level(inner),
        level(outer),
    );
    g.para(top, 0, PRINT_LAST_COL, &heading);
    let header = top + 1;
    g.header(header, &POINT_HEADERS, 30.0);
    let line_headers: Vec<String> = LINE_HEADERS
        .iter()
        .map(|h| {
            h.replace("内限", &level(inner))
                .replace("外限", &level(outer))
        })
        .collect();
    for (i, h) in line_headers.iter().enumerate() {
        g.header_span(header, cols.line + i as u16, 1, h);
        g.fit(cols.line + i as u16, super::style::text_width(h));
    }
    for (i, h) in FLAG_HEADERS.iter().enumerate() {
        g.header_span(header, cols.flag + i as u16, 1, h);
        g.fit(cols.flag + i as u16, super::style::text_width(h));
    }

    let value_kind = match f.setting.model {
        FunnelModel::Binomial => Kind::Percent,
        FunnelModel::Poisson => Kind::PerUnit,
    };
    // Points in rank order of the regions.
    let mut points: Vec<&Point> = f.points.iter().collect();
    points.sort_by_key(|p| regions.place(&p.code).unwrap_or(usize::MAX));
    let first = header + 1;
    let mut flagged: Vec<(u32, &str, u8)> = Vec::new();
    for (row, p) in (first..).zip(&points) {
        let place = position(f, p, inner, outer);
        let fill = match place.1 {
            2 => Fill::Red,
            1 => Fill::Orange,
            _ => Fill::None,
        };
        g.text(row, 0, &p.code, fill);
        let name = regions.get(&p.code).map_or("", |r| r.name.as_str());
        g.text(row, 1, name, fill);
        g.num(row, 2, p.observed, Kind::General, fill);
        g.num(row, 3, p.exposure, Kind::General, fill);
        g.num(row, 4, p.value, value_kind, fill);
        g.num(row, 5, p.z_adjusted, Kind::Score, fill);
        g.text(row, 6, &place.0, fill);
        if place.1 > 0 {
            let r = first + flagged.len() as u32;
            g.text(r, cols.flag, name, Fill::None);
            g.num(r, cols.flag + 1, p.exposure, Kind::General, Fill::None);
            g.num(r, cols.flag + 2, p.value, value_kind, Fill::None);
            flagged.push((r, name, place.1));
        }
    }
    let last_point = first + points.len() as u32 - 1;

    // Limit lines over denominators spaced evenly on a log scale.
    let (lo, hi) = points.iter().fold((f64::MAX, 0.0f64), |(lo, hi), p| {
        (lo.min(p.exposure), hi.max(p.exposure))
    });
    let (lo, hi) = (lo.max(1e-6), hi.max(lo * 1.01));
    let mut row = first;
    for k in 0..LINE_STEPS {
        let n = lo * (hi / lo).powf(f64::from(k) / f64::from(LINE_STEPS - 1));
        let values = [
            n,
            fit.target,
            fit.limit(inner, n, false),
            fit.limit(inner, n, true),
            fit.limit(outer, n, false),
            fit.limit(outer, n, true),
        ];
        for (i, v) in values.iter().enumerate() {
            let kind = if i == 0 { Kind::Score } else { value_kind };
            g.num(row, cols.line + i as u16, *v, kind, Fill::None);
        }
        row += 1;
    }
    let last_line = row - 1;
    // From the header row down to the table's last row.
    let chart_rows = (last_point - header + 1).max(MIN_CHART_ROWS);
    let chart = chart(
        f,
        (first, last_point),
        (first, last_line),
        (&flagged, cols),
        &line_headers,
        a,
        chart_rows,
    );
    let bottom = last_point.max(header + chart_rows - 1);
    (bottom, chart)
}

/// The power of ten at or below the smallest of `xs` (1 when there are none).
fn axis_floor(xs: impl Iterator<Item = f64>) -> f64 {
    let lo = xs.filter(|x| *x > 0.0).fold(f64::MAX, f64::min);
    if lo == f64::MAX {
        1.0
    } else {
        10f64.powf(lo.log10().floor())
    }
}

/// The first of 1, 2, 5 × 10ᵏ at or above the largest of `xs` (10 when there are none).
fn axis_ceiling(xs: impl Iterator<Item = f64>) -> f64 {
    let hi = xs.fold(0.0f64, f64::max);
    if hi <= 0.0 {
        return 10.0;
    }
    let p = 10f64.powf(hi.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= hi)
        .unwrap_or(10.0 * p)
}

fn level(l: f64) -> String {
    format!("{}%", fmt_num(l * 100.0))
}

/// Where a point lies, and how bad that is: 0 within the limits or on the good side, 1 beyond
/// the inner limit on the bad side, 2 beyond the outer one.
fn position(f: &Funnel, p: &Point, inner: f64, outer: f64) -> (String, u8) {
    let level = |l: f64| format!("{}%", fmt_num(l * 100.0));
    let (zi, zo) = (z_of(inner), z_of(outer));
    let z = p.z_adjusted;
    let (text, beyond) = if z > zo {
        (format!("高于{}上限", level(outer)), 2)
    } else if z > zi {
        (format!("高于{}上限", level(inner)), 1)
    } else if z < -zo {
        (format!("低于{}下限", level(outer)), 2)
    } else if z < -zi {
        (format!("低于{}下限", level(inner)), 1)
    } else {
        ("控制限内".to_string(), 0)
    };
    let bad = match f.setting.bad {
        crate::scheme::BadSide::High => z > 0.0,
        crate::scheme::BadSide::Low => z < 0.0,
    };
    if beyond > 0 && !bad {
        (format!("{text}（较好）"), 0)
    } else {
        (text, if bad { beyond } else { 0 })
    }
}

fn p_text(p: f64) -> String {
    if !p.is_finite() {
        "—".to_string()
    } else if p < 0.001 {
        "<0.001".to_string()
    } else {
        format!("{p:.3}")
    }
}

/// The scatter of the regions with the target and the four limits as lines; the flagged regions
/// again on top, in orange or red, labelled with their names.
fn chart(
    f: &Funnel,
    points: (u32, u32),
    lines: (u32, u32),
    (flagged, cols): (&[(u32, &str, u8)], DataCols),
    line_headers: &[String],
    a: &Assessment,
    rows: u32,
) -> Chart {
    let mut chart = Chart::new(ChartType::ScatterStraight);
    chart
        .add_series()
        .set_name("各地区")
        .set_categories((NAME, points.0, 3, points.1, 3))
        .set_values((NAME, points.0, 4, points.1, 4))
        .set_format(ChartFormat::new().set_no_line())
        .set_marker(&chart::marker(
            ChartMarkerType::Circle,
            6,
            chart::POINT_COLOUR,
        ));
    let styles: [(usize, u32, ChartLineDashType); 5] = [
        (1, 0x2E7D32, ChartLineDashType::Solid),
        (2, INNER_COLOUR, ChartLineDashType::Dash),
        (3, INNER_COLOUR, ChartLineDashType::Dash),
        (4, OUTER_COLOUR, ChartLineDashType::Solid),
        (5, OUTER_COLOUR, ChartLineDashType::Solid),
    ];
    // In the legend: the target, and each pair of limits once (the upper one's entry is
    // deleted below).
    let [inner, outer] = a.scheme.statistics.funnel.levels;
    let legend_name = |i: usize| match i {
        1 => format!("{}合计（目标值）", a.scheme.office.whole()),
        2 | 3 => format!("{}控制限", level(inner)),
        4 | 5 => format!("{}控制限", level(outer)),
        _ => line_headers[i].clone(),
    };
    for (i, color, dash) in styles {
        let col = cols.line + i as u16;
        chart
            .add_series()
            .set_name(legend_name(i).as_str())
            .set_categories((NAME, lines.0, cols.line, lines.1, cols.line))
            .set_values((NAME, lines.0, col, lines.1, col))
            .set_marker(ChartMarker::new().set_none())
            .set_format(&mut chart::line(color, 1.25, dash));
    }
    if let (Some(first), Some(last)) = (flagged.first(), flagged.last()) {
        let labels: Vec<ChartDataLabel> = flagged
            .iter()
            .map(|(_, name, _)| ChartDataLabel::new().set_value(*name).to_custom())
            .collect();
        let worst = flagged.iter().map(|(_, _, b)| *b).max().unwrap_or(1);
        let colour = if worst >= 2 {
            OUTER_COLOUR
        } else {
            INNER_COLOUR
        };
        chart
            .add_series()
            .set_name("超出控制限的地区")
            .set_categories((NAME, first.0, cols.flag + 1, last.0, cols.flag + 1))
            .set_values((NAME, first.0, cols.flag + 2, last.0, cols.flag + 2))
            .set_format(ChartFormat::new().set_no_line())
            .set_marker(&chart::marker(ChartMarkerType::Diamond, 9, colour))
            .set_data_label(ChartDataLabel::new().set_position(ChartDataLabelPosition::Right))
            .set_custom_data_labels(&labels);
    }
    chart
        .title()
        .set_name(&format!(
            "{} {} 漏斗图（{}）",
            f.setting.id, f.name, a.quarter
        ))
        .set_overlay(false);
    // The axis spans the denominators there are (the lines run over the same range), not to the
    // next power of ten: 19 at most reads from 1 to 20, not to 100.
    chart
        .x_axis()
        .set_name("分母（对数刻度）")
        .set_log_base(10)
        .set_min(axis_floor(f.points.iter().map(|p| p.exposure)))
        .set_max(axis_ceiling(f.points.iter().map(|p| p.exposure)));
    let y_name = match f.setting.model {
        FunnelModel::Binomial => f.name.clone(),
        FunnelModel::Poisson => format!("{}（{}）", f.name, f.unit),
    };
    chart.y_axis().set_name(&y_name);
    match f.setting.model {
        FunnelModel::Binomial => {
            chart.y_axis().set_max(1.0).set_num_format("0%");
        }
        FunnelModel::Poisson => {
            chart.y_axis().set_num_format("0.0");
        }
    }
    // Series 3 and 5 are the upper limits: the lower ones' entries name each pair.
    chart
        .legend()
        .set_position(ChartLegendPosition::Bottom)
        .delete_entries(&[3, 5]);
    super::style::chart::in_font(&mut chart, 9.0);
    chart
        // A column's width short of the columns it spans: printers differ in column widths.
        .set_width(u32::from(CHART_COLS - 1) * crate::xlsx::COLUMN_PIXELS)
        .set_height(rows * crate::xlsx::ROW_PIXELS);
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: at C1 the largest denominator was 19 and the axis ran to 100.
    #[test]
    fn the_denominator_axis_ends_at_the_data() {
        assert_eq!(axis_ceiling([3.0, 19.0].into_iter()), 20.0);
        assert_eq!(axis_ceiling([310.0].into_iter()), 500.0);
        assert_eq!(axis_ceiling([100.0].into_iter()), 100.0);
        assert_eq!(axis_floor([3.0, 19.0].into_iter()), 1.0);
        assert_eq!(axis_floor([42.0].into_iter()), 10.0);
    }
}
