//! 漏斗图: for each funnel indicator, the regions' values against their denominators with the
//! target and the inner and outer control limits, as a scatter chart and the two tables behind
//! it (the regions, and the limit lines over a range of denominators).

use super::style::{page_setup, Fill, Grid, Kind, Layout, Styles};
use super::{Assessment, Regions};
use crate::scheme::{fmt_num, FunnelModel};
use crate::stats::funnel::z_of;
use crate::stats::{Funnel, Point};
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType, ChartType,
    Worksheet, XlsxError,
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
/// The limit table starts here, after one empty column.
const LINE_COL: u16 = 8;
const LINE_HEADERS: [&str; 6] = [
    "分母",
    "目标值",
    "内限下限",
    "内限上限",
    "外限下限",
    "外限上限",
];
/// The chart starts here, after one empty column.
const CHART_COL: u16 = LINE_COL + LINE_HEADERS.len() as u16 + 1;
/// Denominators along each limit line.
const LINE_STEPS: u32 = 60;
/// Rows the chart takes, at the default row height.
const CHART_ROWS: u32 = 24;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment, st: &Styles) -> Result<(), XlsxError> {
    let mut g = Grid::new(ws, st);
    if a.analysis.funnels.is_empty() {
        g.plain(
            0,
            0,
            "本季度没有可绘制漏斗图的指标（指标体系未设置，或有效报送地区少于2个）。",
        )?;
        return Ok(());
    }
    let regions = Regions::new(&a.regions);
    let mut row = 0;
    let mut charts = Vec::new();
    for f in &a.analysis.funnels {
        let (next, chart) = section(&mut g, a, &regions, f, row)?;
        charts.push((row + 2, chart));
        row = next + 2;
    }
    g.apply_widths()?;
    let ws = g.ws;
    page_setup(
        ws,
        &Layout {
            repeat_rows: None,
            freeze: None,
            filter: None,
        },
    )?;
    for (at, chart) in charts {
        ws.insert_chart(at, CHART_COL, &chart)?;
    }
    Ok(())
}

/// One indicator's heading, tables and chart from `top`; returns the last row used.
fn section(
    g: &mut Grid,
    a: &Assessment,
    regions: &Regions,
    f: &Funnel,
    top: u32,
) -> Result<(u32, Chart), XlsxError> {
    let [inner, outer] = a.scheme.statistics.funnel.levels;
    let fit = &f.fit;
    let model = match f.setting.model {
        FunnelModel::Binomial => "比例，二项模型，反正弦平方根变换",
        FunnelModel::Poisson => "发生率，泊松模型，平方根变换",
    };
    let heading = format!(
        "{} {}（{}）：全省合计{}；{}个地区；离散度φ={:.3}（检验p={}），τ²={:.5}{}",
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
        }
    );
    g.ws.write_string_with_format(top, 0, &heading, &g.st.section)?;
    let header = top + 1;
    g.header(header, &POINT_HEADERS, 30.0)?;
    let line_headers: Vec<String> = LINE_HEADERS
        .iter()
        .map(|h| {
            h.replace("内限", &format!("{}%", fmt_num(inner * 100.0)))
                .replace("外限", &format!("{}%", fmt_num(outer * 100.0)))
        })
        .collect();
    for (i, h) in line_headers.iter().enumerate() {
        g.ws.write_string_with_format(header, LINE_COL + i as u16, h, &g.st.header)?;
        g.fit(LINE_COL + i as u16, super::style::text_width(h));
    }

    let value_kind = match f.setting.model {
        FunnelModel::Binomial => Kind::Percent,
        FunnelModel::Poisson => Kind::PerUnit,
    };
    // Points in rank order of the regions.
    let mut points: Vec<&Point> = f.points.iter().collect();
    points.sort_by_key(|p| regions.place(&p.code).unwrap_or(usize::MAX));
    let first = header + 1;
    for (row, p) in (first..).zip(&points) {
        let place = position(f, p, inner, outer);
        let fill = match place.1 {
            2 => Fill::Orange,
            1 => Fill::Yellow,
            _ => Fill::None,
        };
        g.text(row, 0, &p.code, fill)?;
        let name = regions.get(&p.code).map_or("", |r| r.name.as_str());
        g.text(row, 1, name, fill)?;
        g.num(row, 2, p.observed, Kind::General, fill)?;
        g.num(row, 3, p.exposure, Kind::General, fill)?;
        g.num(row, 4, p.value, value_kind, fill)?;
        g.num(row, 5, p.z_adjusted, Kind::Score, fill)?;
        g.text(row, 6, &place.0, fill)?;
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
            g.num(row, LINE_COL + i as u16, *v, kind, Fill::None)?;
        }
        row += 1;
    }
    let last_line = row - 1;
    let chart = chart(f, (first, last_point), (first, last_line), &line_headers, a);
    let bottom = last_point.max(last_line).max(top + CHART_ROWS + 2);
    Ok((bottom, chart))
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

/// The scatter of the regions with the target and the four limits as lines.
fn chart(
    f: &Funnel,
    points: (u32, u32),
    lines: (u32, u32),
    line_headers: &[String],
    a: &Assessment,
) -> Chart {
    let mut chart = Chart::new(ChartType::ScatterStraight);
    chart
        .add_series()
        .set_name("各地区")
        .set_categories((NAME, points.0, 3, points.1, 3))
        .set_values((NAME, points.0, 4, points.1, 4))
        .set_format(ChartFormat::new().set_no_line())
        .set_marker(
            ChartMarker::new()
                .set_type(ChartMarkerType::Circle)
                .set_size(6),
        );
    let styles: [(usize, u32, ChartLineDashType); 5] = [
        (1, 0x2E7D32, ChartLineDashType::Solid),
        (2, 0xF9A825, ChartLineDashType::Dash),
        (3, 0xF9A825, ChartLineDashType::Dash),
        (4, 0xC62828, ChartLineDashType::Solid),
        (5, 0xC62828, ChartLineDashType::Solid),
    ];
    for (i, color, dash) in styles {
        let col = LINE_COL + i as u16;
        chart
            .add_series()
            .set_name(line_headers[i].as_str())
            .set_categories((NAME, lines.0, LINE_COL, lines.1, LINE_COL))
            .set_values((NAME, lines.0, col, lines.1, col))
            .set_marker(ChartMarker::new().set_none())
            .set_format(
                ChartFormat::new().set_line(
                    ChartLine::new()
                        .set_color(color)
                        .set_width(1.25)
                        .set_dash_type(dash),
                ),
            );
    }
    chart.title().set_name(&format!(
        "{} {} 漏斗图（{}）",
        f.setting.id,
        f.name,
        a.quarter.label()
    ));
    chart.x_axis().set_name("分母（对数刻度）").set_log_base(10);
    let y_name = match f.setting.model {
        FunnelModel::Binomial => f.name.clone(),
        FunnelModel::Poisson => format!("{}（{}）", f.name, f.unit),
    };
    chart.y_axis().set_name(&y_name);
    if f.setting.model == FunnelModel::Binomial {
        chart.y_axis().set_max(1.0);
    }
    chart.set_width(720).set_height(CHART_ROWS * 20);
    chart
}
