//! 总排名: the page leadership reads first. One row per region in rank order, coloured by its most
//! serious flag, with the change since last quarter, and a bar chart of the scored regions' totals.

use super::style::{page_setup, Fill, Grid, Kind, Layout, Styles};
use super::Assessment;
use crate::history::QuarterRecord;
use crate::score::{RegionResult, Status};
use rust_xlsxwriter::{Chart, ChartType, Worksheet, XlsxError};
use std::collections::HashMap;

pub(super) const NAME: &str = "总排名";

const HEADERS: [&str; 10] = [
    "排名",
    "排名区间",
    "区划代码",
    "地区",
    "总分",
    "等次",
    "较上季度得分",
    "较上季度排名",
    "预警督办",
    "状态",
];
const COL_NAME: u16 = 3;
const COL_TOTAL: u16 = 4;
const LAST_COL: u16 = HEADERS.len() as u16 - 1;
/// The title is row 0, the header row 1, regions from row 2.
const HEADER_ROW: u32 = 1;
const FIRST_ROW: u32 = 2;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment, st: &Styles) -> Result<(), XlsxError> {
    let title = format!("{} {} 排名", a.scheme.name, a.quarter.label());
    ws.merge_range(0, 0, 0, LAST_COL, &title, &st.title)?;
    ws.set_row_height(0, 30)?;

    let mut g = Grid::new(ws, st);
    g.header(HEADER_ROW, &HEADERS, 40.0)?;
    let ri = &a.scheme.statistics.rank_interval;
    g.note(
        HEADER_ROW,
        1,
        &format!(
            "各指标分值随机浮动±{}%、抽样{}次后名次的第{}至第{}百分位。区间重叠的地区，名次差别并不可靠。详见“评分说明”六。",
            crate::scheme::fmt_num(ri.spread * 100.0),
            ri.draws,
            crate::scheme::fmt_num(ri.percentiles[0]),
            crate::scheme::fmt_num(ri.percentiles[1])
        ),
    )?;
    // Last quarter's records by code (`Assessment::previous` searches, once per call).
    let prev_quarter = a.quarter.prev();
    let mut previous: HashMap<&str, &QuarterRecord> = HashMap::new();
    for rec in a.history.iter().filter(|rec| rec.quarter == prev_quarter) {
        previous.entry(rec.code.as_str()).or_insert(rec);
    }
    let mut row = FIRST_ROW;
    for r in &a.regions {
        write_region(&mut g, a, r, previous.get(r.code.as_str()).copied(), row)?;
        row += 1;
    }
    g.apply_widths()?;
    let last_row = row.saturating_sub(1).max(HEADER_ROW);

    let ws = g.ws;
    page_setup(
        ws,
        &Layout {
            repeat_rows: Some((0, HEADER_ROW)),
            freeze: Some((FIRST_ROW, COL_NAME + 1)),
            filter: Some((HEADER_ROW, last_row, LAST_COL)),
        },
    )?;
    // The chart sits to the right of the table; the printout is the table alone (a chart is
    // printed on its own by selecting it).
    ws.set_print_area(0, 0, last_row, LAST_COL)?;
    if let Some(chart) = totals_chart(a) {
        ws.insert_chart(HEADER_ROW, LAST_COL + 2, &chart)?;
    }
    Ok(())
}

fn write_region(
    g: &mut Grid,
    a: &Assessment,
    r: &RegionResult,
    prev: Option<&QuarterRecord>,
    row: u32,
) -> Result<(), XlsxError> {
    let fill = Fill::for_flag(a.top_flag(&r.code));
    let scored = r.is_scored();
    g.num(row, 0, f64::from(r.rank), Kind::Int, fill)?;
    match a.analysis.intervals.get(&r.code) {
        Some(i) => g.text(row, 1, &i.label(), fill)?,
        None => g.blank(row, 1, fill)?,
    }
    g.text(row, 2, &r.code, fill)?;
    g.text(row, COL_NAME, &r.name, fill)?;
    if scored {
        g.num(row, COL_TOTAL, r.total, Kind::Score, fill)?;
        g.text(row, 5, &r.grade, fill)?;
    } else {
        g.blank(row, COL_TOTAL, fill)?;
        g.blank(row, 5, fill)?;
    }
    let prev = prev.filter(|p| scored && p.status == Status::Scored.label());
    match prev {
        Some(p) => {
            g.num(row, 6, score_change(r.total, p.total), Kind::Change, fill)?;
            g.text(row, 7, &rank_change(p.rank, r.rank), fill)?;
        }
        None => {
            g.blank(row, 6, fill)?;
            g.blank(row, 7, fill)?;
        }
    }
    let labels: Vec<&str> = a
        .flag_kinds(&r.code)
        .into_iter()
        .map(|k| k.label())
        .collect();
    g.text(row, 8, &labels.join("、"), fill)?;
    g.text(row, 9, r.status.label(), fill)?;
    Ok(())
}

/// The change of total since last quarter, rounded to the 2 decimals shown (so that a tiny
/// negative difference does not show as "−0.00").
pub(super) fn score_change(now: f64, before: f64) -> f64 {
    let d = ((now - before) * 100.0).round() / 100.0;
    if d == 0.0 {
        0.0
    } else {
        d
    }
}

/// "↑2" when the region moved up two places (a smaller rank number), "↓1", or "持平".
pub(super) fn rank_change(before: u32, now: u32) -> String {
    match before.cmp(&now) {
        std::cmp::Ordering::Greater => format!("↑{}", before - now),
        std::cmp::Ordering::Less => format!("↓{}", now - before),
        std::cmp::Ordering::Equal => "持平".to_string(),
    }
}

/// A bar chart of the totals of the scored regions, rank 1 at the top; `None` when none was
/// scored.
fn totals_chart(a: &Assessment) -> Option<Chart> {
    let scored: Vec<u32> = (FIRST_ROW..)
        .zip(&a.regions)
        .filter(|(_, r)| r.is_scored())
        .map(|(row, _)| row)
        .collect();
    let (first, last) = (*scored.first()?, *scored.last()?);
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .add_series()
        .set_name("总分")
        .set_categories((NAME, first, COL_NAME, last, COL_NAME))
        .set_values((NAME, first, COL_TOTAL, last, COL_TOTAL));
    chart
        .title()
        .set_name(&format!("{} 各地区总分", a.quarter.label()));
    chart.x_axis().set_reverse();
    chart.y_axis().set_name("总分");
    chart.legend().set_hidden();
    let bars = last - first + 1;
    chart.set_width(640);
    chart.set_height(
        bars.saturating_mul(18)
            .saturating_add(120)
            .clamp(320, 16_000),
    );
    Some(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_since_last_quarter() {
        assert_eq!(score_change(85.25, 82.0), 3.25);
        assert_eq!(score_change(80.0, 81.1), -1.1);
        assert_eq!(score_change(80.0, 80.001), 0.0);
        assert!(score_change(80.0, 80.001).is_sign_positive());
        assert_eq!(rank_change(5, 3), "↑2");
        assert_eq!(rank_change(3, 4), "↓1");
        assert_eq!(rank_change(2, 2), "持平");
    }
}
