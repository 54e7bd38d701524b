//! 趋势: each region's total and rank over the quarters in history and the current one, so that
//! leadership sees who is improving and who keeps falling behind.

use super::style::{Fill, Kind, SUBTITLE_ROW, TITLE_ROW};
use super::{Assessment, Regions};
use crate::quarter::Quarter;
use crate::record::QuarterRecord;
use crate::record::Status;
use crate::scheme::MeasureDef;
use rust_xlsxwriter::{Chart, ChartMarkerType, ChartType, Worksheet, XlsxError};
use std::collections::{BTreeMap, BTreeSet};

pub(super) const NAME: &str = "趋势";

/// One cell pair (total, rank) of a region in a quarter.
struct Point {
    total: Option<f64>,
    /// What to show instead of a total for a region that was not scored.
    status: &'static str,
    rank: u32,
}

const HEADER_ROW: u32 = super::TABLE_HEADER_ROW;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    // Quarters before the current one, from history; a history record of the current quarter
    // (a rerun) is superseded by the current results.
    let past: BTreeSet<Quarter> = a
        .history
        .iter()
        .map(|r| r.quarter)
        .filter(|q| *q < a.quarter)
        .collect();
    let quarters: Vec<Quarter> = past.iter().copied().chain([a.quarter]).collect();
    let mut by_key: BTreeMap<(&str, Quarter), &QuarterRecord> = BTreeMap::new();
    for r in a.history.iter().filter(|r| r.quarter < a.quarter) {
        by_key.insert((r.code.as_str(), r.quarter), r);
    }

    let regions = Regions::new(&a.regions);
    // Current regions in rank order, then regions only history knows, by code.
    let mut rows: Vec<(&str, &str)> = a
        .regions
        .iter()
        .map(|r| (r.code.as_str(), r.name.as_str()))
        .collect();
    let mut extra: BTreeMap<&str, &str> = BTreeMap::new();
    for r in a.history.iter().filter(|r| r.quarter < a.quarter) {
        if regions.get(&r.code).is_none() {
            // History is oldest first, so the latest name wins.
            extra.insert(r.code.as_str(), r.name.as_str());
        }
    }
    rows.extend(extra);

    let mut headers: Vec<String> = vec!["区划代码".into(), "地区".into()];
    for q in &quarters {
        headers.push(format!("{q}总分"));
        headers.push(format!("{q}排名"));
    }
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let last_col = u16::try_from(headers.len().saturating_sub(1)).unwrap_or(u16::MAX);

    let rows_count = rows.len();
    let mut g = a.table_grid(NAME, &header_refs, 40.0, &[]);
    let fill = Fill::None;
    let mut row = HEADER_ROW + 1;
    for (code, name) in rows {
        g.text(row, 0, code, fill);
        g.text(row, 1, name, fill);
        let mut col: u16 = 2;
        for q in &quarters {
            let point = if *q == a.quarter {
                regions.get(code).map(|r| Point {
                    total: r.is_scored().then_some(r.total),
                    status: short_status(r.status),
                    rank: r.rank,
                })
            } else {
                by_key.get(&(code, *q)).map(|r| Point {
                    total: r.scored().then_some(r.total),
                    status: short_status(r.status),
                    rank: r.rank,
                })
            };
            match point {
                Some(p) => {
                    // A region not scored has no place, as in 总排名.
                    match p.total {
                        Some(t) => {
                            g.num(row, col, t, Kind::Score, fill);
                            g.num(row, col + 1, f64::from(p.rank), Kind::Int, fill);
                        }
                        None => {
                            g.text(row, col, p.status, fill);
                            g.text(row, col + 1, "—", fill);
                        }
                    }
                }
                None => {
                    g.blank(row, col, fill);
                    g.blank(row, col + 1, fill);
                }
            }
            col += 2;
        }
        row += 1;
    }
    let last_row = row.saturating_sub(1);
    let mut page = a.table_page(HEADER_ROW, last_row, last_col, 2);
    // The chart of the regions under a measure, under the table, on a page of its own; its
    // figures right of the print area.
    let followed = followed(a);
    let chart_at = row + 1;
    let mut chart = None;
    if quarters.len() >= 2 && !followed.is_empty() {
        // Right of the print area (the chart may be wider than the table).
        let data_col = last_col.max(CHART_COLS) + 2;
        g.text(chart_at, data_col, "季度", fill);
        for (k, q) in quarters.iter().enumerate() {
            g.text(chart_at + 1 + k as u32, data_col, &q.label(), fill);
        }
        for (j, (code, name)) in followed.iter().enumerate() {
            let col = data_col + 1 + j as u16;
            g.text(chart_at, col, name, fill);
            for (k, q) in quarters.iter().enumerate() {
                let rank = if *q == a.quarter {
                    regions.get(code).filter(|r| r.is_scored()).map(|r| r.rank)
                } else {
                    by_key
                        .get(&(*code, *q))
                        .filter(|r| r.scored())
                        .map(|r| r.rank)
                };
                match rank {
                    Some(rank) => g.num(
                        chart_at + 1 + k as u32,
                        col,
                        f64::from(rank),
                        Kind::Int,
                        fill,
                    ),
                    None => g.blank(chart_at + 1 + k as u32, col, fill),
                }
            }
        }
        // Places run to the number of regions (a past quarter may have ranked more than this
        // one scored).
        let places = a.regions.len().max(rows_count);
        chart = Some(rank_chart(
            a,
            chart_at,
            data_col,
            quarters.len(),
            followed.len(),
            places,
        ));
        page.row_breaks.push(chart_at);
        page.print_area = Some((chart_at + CHART_ROWS, last_col.max(CHART_COLS)));
    }
    if let Some(chart) = chart {
        ws.insert_chart(chart_at + 1, 0, &chart)?;
        // A table that fits on the first page needs no header repeated over the chart's page
        // (issue 24: the chart's page carried the table's header row); a longer one does.
        let heights = g.row_heights();
        let table: f64 = heights.iter().take(chart_at as usize).sum();
        if table <= page.room(&g.printed_widths(last_col), 0.0) {
            page.repeat_rows = Some((TITLE_ROW, SUBTITLE_ROW));
        }
    }
    g.render(ws, &page)
}

/// Rows and columns the rank chart takes.
const CHART_ROWS: u32 = 26;
const CHART_COLS: u16 = 12;

/// The regions under a measure the 情况通报 names (通报 or more serious), most serious first, then
/// by rank: whose course leadership follows.
fn followed<'a>(a: &'a Assessment) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(MeasureDef, u32, &str, &str)> = a
        .regions
        .iter()
        .filter(|r| r.is_scored())
        .filter_map(|r| {
            let m = a.measure(&r.code)?;
            m.measure
                .named
                .then_some((m.measure, r.rank, r.code.as_str(), r.name.as_str()))
        })
        .collect();
    out.sort();
    out.into_iter().map(|(_, _, c, n)| (c, n)).collect()
}

/// Ranks over the quarters, first place at the top, one line per followed region.
fn rank_chart(
    a: &Assessment,
    top: u32,
    data_col: u16,
    quarters: usize,
    regions: usize,
    scored: usize,
) -> Chart {
    let mut chart = Chart::new(ChartType::Line);
    let (first, last) = (top + 1, top + quarters as u32);
    for j in 0..regions {
        let col = data_col + 1 + j as u16;
        chart
            .add_series()
            .set_name((NAME, top, col))
            .set_categories((NAME, first, data_col, last, data_col))
            .set_values((NAME, first, col, last, col))
            .set_marker(&super::style::chart::marker(
                ChartMarkerType::Circle,
                6,
                SERIES_COLOURS[j % SERIES_COLOURS.len()],
            ))
            .set_format(&mut super::style::chart::line(
                SERIES_COLOURS[j % SERIES_COLOURS.len()],
                2.0,
                rust_xlsxwriter::ChartLineDashType::Solid,
            ));
    }
    chart
        .title()
        .set_name(&format!("{}督办地区的名次走势", a.quarter.label()))
        .set_overlay(false);
    chart
        .y_axis()
        .set_name("名次")
        .set_min(1.0)
        .set_max(scored.max(2) as f64)
        .set_reverse()
        .set_crossing(rust_xlsxwriter::ChartAxisCrossing::Max);
    chart
        .legend()
        .set_position(rust_xlsxwriter::ChartLegendPosition::Bottom);
    super::style::chart::in_font(&mut chart, 9.0);
    chart
        .set_width(u32::from(CHART_COLS) * crate::xlsx::COLUMN_PIXELS)
        .set_height((CHART_ROWS - 1) * crate::xlsx::ROW_PIXELS);
    chart
}

/// Line colours, one per followed region.
const SERIES_COLOURS: [u32; 8] = [
    0xC00000, 0xED7D31, 0x7030A0, 0x2E75B6, 0x00B050, 0x806000, 0x595959, 0xFF66CC,
];

/// A short word for a region that was not scored, shown in place of its total.
fn short_status(status: Status) -> &'static str {
    match status {
        Status::Missing => "未报送",
        Status::Invalid => "数据有误",
        Status::Unreadable => "无法读取",
        Status::Scored => "",
    }
}
