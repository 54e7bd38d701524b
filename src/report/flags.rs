//! 预警与督办: one row per region with a measure, most serious first and then by rank: the
//! measure, every rule that fired, the one sentence that tells how it came to this, and the
//! 整改期限. Below, the regions that were not scored, with their status (a status is not a
//! measure).

use super::style::{Fill, Kind, Tone};
use super::{Assessment, Regions};
use crate::flag::Measure;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub(super) const NAME: &str = "预警与督办";

const HEADERS: [&str; 7] = [
    "排名",
    "区划代码",
    "地区",
    "督办措施",
    "触发规则",
    "情况说明",
    "整改期限",
];
const HEADER_ROW: u32 = super::TABLE_HEADER_ROW;
const LAST_COL: u16 = HEADERS.len() as u16 - 1;
const RULE_WIDTH: f64 = 24.0;
const REASON_WIDTH: f64 = 60.0;

/// A measure in four cells from `col`, in its colour: the measure, the rules that fired (one a
/// line), the sentence that tells it, the 整改期限 — as 预警与督办 and 年度督办 print it.
pub(super) fn measure_cells(g: &mut super::style::Grid, row: u32, col: u16, m: &Measure) {
    let fill = Fill::for_measure(Some(&m.measure));
    g.styled(row, col, &m.measure.label, Kind::Label, fill, Tone::Bold);
    g.text(row, col + 1, &m.rules.join("；\n"), fill);
    g.text(row, col + 2, &m.reason, fill);
    match m.deadline {
        Some(d) => g.date(row, col + 3, d, fill),
        None => g.blank(row, col + 3, fill),
    }
}

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    let mut g = a.table_grid(NAME, &HEADERS, 10.0, &[(4, RULE_WIDTH), (5, REASON_WIDTH)]);
    let regions = Regions::new(&a.regions);
    let mut row = HEADER_ROW + 1;
    for (code, m) in ordered(a, &regions) {
        let fill = Fill::for_measure(Some(&m.measure));
        let r = regions.get(code);
        g.opt_num(row, 0, r.map(|r| f64::from(r.rank)), Kind::Int, fill);
        g.styled(row, 1, code, Kind::Label, fill, Tone::Normal);
        g.text(row, 2, r.map_or("", |r| r.name.as_str()), fill);
        measure_cells(&mut g, row, 3, &m);
        row += 1;
    }
    if row == HEADER_ROW + 1 {
        g.para(
            row,
            0,
            LAST_COL,
            &format!(
                "本季度没有地区被{}。",
                super::legend::measures_or(a.scheme, false)
            ),
        );
        row += 1;
    }
    let last_row = row.saturating_sub(1);
    row += 1;
    g.para(
        row,
        0,
        LAST_COL,
        &format!(
            "颜色：{}的地区。每个地区只列最严重的一项措施，触发的每条规则按升级的先后写入同一句情况说明。",
            super::legend::colours(a.scheme)
        ),
    );
    row += 1;
    if let Some(notice) = a.history_gap_notice() {
        g.para(row, 0, LAST_COL, &format!("注意：{notice}"));
        row += 1;
    }
    // Told once a pair (the warning is on both regions' files in 数据质量).
    let mut copies: Vec<&str> = a
        .problems
        .iter()
        .filter(|p| p.kind == crate::problem::Kind::SuspectedCopy)
        .map(|p| p.message.as_str())
        .collect();
    copies.dedup();
    if !copies.is_empty() {
        row += 1;
        g.section(row, "疑似抄报（待核实，不属于督办措施）");
        row += 1;
        for m in copies {
            g.para(row, 0, LAST_COL, m);
            row += 1;
        }
    }

    let unscored: Vec<_> = a.regions.iter().filter(|r| !r.is_scored()).collect();
    if !unscored.is_empty() {
        row += 1;
        g.section(row, "未评分的地区（不属于督办措施）");
        row += 1;
        for r in unscored {
            let what = match &r.file {
                Some(f) if r.status == crate::record::Status::Unreadable => format!(
                    "{}：报送文件{}无法读取（原因见“数据质量”），未予评分，请重新报送",
                    r.status.label(),
                    f
                ),
                Some(f) => format!(
                    "{}：报送文件{}有错误，未予评分，请按“数据质量”所列问题修改后重新报送",
                    r.status.label(),
                    f
                ),
                None => format!(
                    "{}：本季度未收到该地区的报送文件，不参与评分",
                    r.status.label()
                ),
            };
            super::rank_cell(&mut g, row, 0, r, Fill::Grey);
            g.styled(row, 1, &r.code, Kind::Label, Fill::Grey, Tone::Normal);
            g.text(row, 2, &r.name, Fill::Grey);
            g.styled_span(row, 3, LAST_COL - 2, &what, Kind::Text, Fill::Grey);
            row += 1;
        }
    }
    let mut page = a.table_page(HEADER_ROW, last_row, LAST_COL, 3);
    page.print_area = Some((row.saturating_sub(1), LAST_COL));
    g.render(ws, &page)
}

/// Each region's measure, by seriousness, then by the region's place in the ranking (regions not
/// among the results last, by code).
fn ordered<'a>(a: &'a Assessment, regions: &Regions) -> Vec<(&'a str, Measure)> {
    let mut rows: Vec<(usize, &str, Measure)> = a
        .flags
        .iter()
        .filter_map(|(code, fs)| {
            let m = Measure::of(fs)?;
            Some((regions.place(code).unwrap_or(usize::MAX), code.as_str(), m))
        })
        .collect();
    rows.sort_by(|x, y| (&x.2.measure, x.0, x.1).cmp(&(&y.2.measure, y.0, y.1)));
    rows.into_iter().map(|(_, code, m)| (code, m)).collect()
}
