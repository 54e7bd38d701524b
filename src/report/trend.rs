//! 趋势: each region's total and rank over the quarters in history and the current one, so that
//! leadership sees who is improving and who keeps falling behind.

use super::style::{Fill, Kind};
use super::{Assessment, Regions};
use crate::quarter::Quarter;
use crate::record::QuarterRecord;
use crate::record::Status;
use rust_xlsxwriter::{Worksheet, XlsxError};
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
                    match p.total {
                        Some(t) => g.num(row, col, t, Kind::Score, fill),
                        None => g.text(row, col, p.status, fill),
                    }
                    g.num(row, col + 1, f64::from(p.rank), Kind::Int, fill);
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
    g.render(ws, &a.table_page(HEADER_ROW, last_row, last_col, 2))
}

/// A short word for a region that was not scored, shown in place of its total.
fn short_status(status: Status) -> &'static str {
    match status {
        Status::Missing => "未报送",
        Status::Invalid => "数据有误",
        Status::Unreadable => "无法读取",
        Status::Scored => "",
    }
}
