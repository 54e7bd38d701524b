//! 总分图: a bar chart of the scored regions' totals on a page of its own, rank 1 at the top,
//! each bar coloured by the region's measure (the colours of 总排名). It plots the cells of 总排名,
//! so the chart and the table cannot disagree.

use super::ranking;
use super::style::{Fill, Fit, Grid};
use super::Assessment;
use rust_xlsxwriter::{
    Chart, ChartAxisCrossing, ChartDataLabel, ChartFormat, ChartLine, ChartPoint, ChartSolidFill,
    ChartType, Worksheet, XlsxError,
};

pub(super) const NAME: &str = "总分图";

/// Columns the chart and its title span, at the default column width.
const COLS: u16 = 14;
const CHART_WIDTH: u32 = crate::xlsx::COLUMN_PIXELS * COLS as u32;
/// The colour of a bar with no measure.
const PLAIN_BAR: u32 = 0x5B9BD5;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    let mut g = Grid::new();
    let last_col = COLS - 1;
    g.title(&a.title(NAME), &a.subtitle(), last_col);
    for col in 0..COLS {
        g.set_width(col, 8.43);
    }
    let scored: Vec<(u32, &crate::score::RegionResult)> = (ranking::FIRST_ROW..)
        .zip(&a.regions)
        .filter(|(_, r)| r.is_scored())
        .collect();
    let chart_rows = match (scored.first(), scored.last()) {
        (Some(&(first, _)), Some(&(last, _))) => {
            let n = last - first + 1;
            let height = n.saturating_mul(30).saturating_add(110).clamp(420, 16_000);
            let mut chart = Chart::new(ChartType::Bar);
            let points: Vec<ChartPoint> = scored
                .iter()
                .map(|(_, r)| {
                    let rgb = Fill::for_measure(a.top_flag(&r.code))
                        .rgb()
                        .unwrap_or(PLAIN_BAR);
                    // A thin outline keeps the pale 预警 bar visible on white paper.
                    ChartPoint::new().set_format(
                        ChartFormat::new()
                            .set_solid_fill(ChartSolidFill::new().set_color(rgb))
                            .set_border(ChartLine::new().set_color(0x7F7F7F).set_width(0.5)),
                    )
                })
                .collect();
            chart
                .add_series()
                .set_name("总分")
                .set_categories((
                    ranking::NAME,
                    first,
                    ranking::COL_NAME,
                    last,
                    ranking::COL_NAME,
                ))
                .set_values((
                    ranking::NAME,
                    first,
                    ranking::COL_TOTAL,
                    last,
                    ranking::COL_TOTAL,
                ))
                .set_points(&points)
                .set_gap(40)
                .set_data_label(ChartDataLabel::new().show_value().set_num_format("0.00"));
            chart.title().set_name(&format!(
                "{} 各地区总分（按排名，颜色同“总排名”的督办措施）",
                a.quarter.label()
            ));
            // For a bar chart the y axis holds the categories: reversed, rank 1 is at the top,
            // and the value axis then crosses at the last category, i.e. stays at the bottom.
            chart
                .y_axis()
                .set_reverse()
                .set_crossing(ChartAxisCrossing::Max)
                .set_label_interval(1);
            chart
                .x_axis()
                .set_name("总分（分）")
                .set_min(0.0)
                .set_num_format("0");
            chart.legend().set_hidden();
            super::style::chart::in_font(&mut chart, 9.0);
            chart.set_width(CHART_WIDTH).set_height(height);
            ws.insert_chart(2, 0, &chart)?;
            // The rows the chart covers (regression, issue 24: counted at 20 pixels when rows of
            // 宋体 are 18, the line below printed under the chart), then what the colours mean.
            let below = 2 + height.div_ceil(crate::xlsx::ROW_PIXELS) + 1;
            g.para(
                below,
                0,
                last_col,
                &format!("颜色：{}。", super::legend::bar_colours(a.scheme)),
            );
            below
        }
        _ => {
            g.para(2, 0, last_col, "本季度没有已评分的地区。");
            3
        }
    };
    let mut page = a.document_page();
    page.print_area = Some((chart_rows, last_col));
    page.fit = Fit::OnePage;
    g.render(ws, &page)
}
