//! 分项得分: region × indicator scores, group subtotals, bonus, deductions and veto, so a reader
//! can see where each total comes from. A score that `when_empty` decided carries a note saying so.

use super::style::{page_setup, Fill, Grid, Kind, Layout, Styles};
use super::Assessment;
use crate::scheme::fmt_num;
use crate::score::RegionResult;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub(super) const NAME: &str = "分项得分";

/// Header texts wrap beyond this width.
const HEADER_WIDTH: f64 = 12.0;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment, st: &Styles) -> Result<(), XlsxError> {
    let s = a.scheme;
    let mut headers: Vec<String> = vec!["排名".into(), "地区".into()];
    headers.extend(
        s.indicators
            .iter()
            .map(|i| format!("{} {}（{}分）", i.id, i.name, fmt_num(i.points))),
    );
    headers.extend(s.groups.iter().map(|g| format!("{}小计", g.name)));
    headers.extend(
        ["加分", "扣分", "一票否决", "总分", "等次"]
            .iter()
            .map(|h| h.to_string()),
    );
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let last_col = u16::try_from(headers.len().saturating_sub(1)).unwrap_or(u16::MAX);

    let mut g = Grid::new(ws, st);
    g.header(0, &header_refs, HEADER_WIDTH)?;
    g.ws.set_row_height(0, 48)?;
    let mut row = 1;
    for r in &a.regions {
        write_region(&mut g, a, r, row)?;
        row += 1;
    }
    g.apply_widths()?;
    page_setup(g.ws, &Layout::table(row - 1, last_col, 2))
}

fn write_region(g: &mut Grid, a: &Assessment, r: &RegionResult, row: u32) -> Result<(), XlsxError> {
    let s = a.scheme;
    let fill = Fill::None;
    let scored = r.is_scored();
    g.num(row, 0, f64::from(r.rank), Kind::Int, fill)?;
    g.text(row, 1, &r.name, fill)?;
    let mut col: u16 = 2;
    for ind in &s.indicators {
        match r.indicator(&ind.id).filter(|_| scored) {
            Some(res) => {
                g.num(row, col, res.score, Kind::Score, fill)?;
                if let Some(e) = res.empty {
                    g.note(row, col, e.describe())?;
                }
            }
            None => g.blank(row, col, fill)?,
        }
        col += 1;
    }
    for group in &s.groups {
        let subtotal = r
            .groups
            .iter()
            .find(|(id, _)| *id == group.id)
            .map(|(_, v)| *v)
            .filter(|_| scored);
        g.opt_num(row, col, subtotal, Kind::Score, fill)?;
        col += 1;
    }
    let when_scored = |v: f64| scored.then_some(v);
    g.opt_num(row, col, when_scored(r.bonus), Kind::Score, fill)?;
    g.opt_num(row, col + 1, when_scored(r.deductions), Kind::Score, fill)?;
    g.text(row, col + 2, r.veto.as_deref().unwrap_or(""), fill)?;
    g.opt_num(row, col + 3, when_scored(r.total), Kind::Score, fill)?;
    let grade = if scored {
        r.grade.as_str()
    } else {
        r.status.label()
    };
    g.text(row, col + 4, grade, fill)?;
    Ok(())
}
