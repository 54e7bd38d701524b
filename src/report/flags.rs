//! 预警与督办: one row per rule that fired, most serious first and then by rank, with the sentence
//! a leader reads and, for 挂牌督办, the 整改期限.

use super::style::{page_setup, Fill, Grid, Layout, Styles};
use super::{Assessment, Regions};
use crate::flag::Flag;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub(super) const NAME: &str = "预警与督办";

const HEADERS: [&str; 6] = [
    "地区",
    "区划代码",
    "督办类型",
    "规则",
    "情况说明",
    "整改期限",
];

pub(super) fn write(ws: &mut Worksheet, a: &Assessment, st: &Styles) -> Result<(), XlsxError> {
    let mut g = Grid::new(ws, st);
    g.header(0, &HEADERS, 40.0)?;
    let regions = Regions::new(&a.regions);
    let mut row = 1;
    for (code, f) in ordered(a, &regions) {
        let fill = Fill::for_flag(Some(f.kind));
        let name = regions.get(code).map_or("", |r| r.name.as_str());
        g.text(row, 0, name, fill)?;
        g.text(row, 1, code, fill)?;
        g.text(row, 2, f.kind.label(), fill)?;
        g.text(row, 3, &f.rule, fill)?;
        g.text(row, 4, &f.reason, fill)?;
        match f.deadline {
            Some(d) => g.date(row, 5, d, fill)?,
            None => g.blank(row, 5, fill)?,
        }
        row += 1;
    }
    g.apply_widths()?;
    page_setup(g.ws, &Layout::table(row - 1, HEADERS.len() as u16 - 1, 1))
}

/// Every flag with its region code, by seriousness, then by the region's place in the ranking
/// (regions not among the results last, by code), then in the order the flag stage gave.
fn ordered<'a>(a: &'a Assessment, regions: &Regions) -> Vec<(&'a str, &'a Flag)> {
    let mut rows: Vec<(usize, &str, &Flag)> = a
        .flags
        .iter()
        .flat_map(|(code, fs)| {
            let place = regions.place(code).unwrap_or(usize::MAX);
            fs.iter().map(move |f| (place, code.as_str(), f))
        })
        .collect();
    // A stable sort keeps the flag stage's order among equals.
    rows.sort_by_key(|(place, code, f)| (f.kind, *place, *code));
    rows.into_iter().map(|(_, code, f)| (code, f)).collect()
}
