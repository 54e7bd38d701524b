//! 总排名: the page leadership reads first, and prints on one page for up to 30 regions. One row
//! per region in rank order, coloured by its one measure, with the change since last quarter;
//! under the table, what every colour and column means, a footnote on vetoed regions, and the
//! 制表/审核/签发 block. The bar chart of totals is on its own sheet (`bars`).

use super::legend;
use super::style::{Fill, Fit, Grid, Kind, Tone};
use super::Assessment;
use crate::record::QuarterRecord;
use crate::score::RegionResult;
use crate::text::fmt_num;
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::collections::HashMap;

/// The ranking sheet's name (the page reads it back for the leader).
pub const NAME: &str = "总排名";

const HEADERS: [&str; 10] = [
    "排名",
    "排名区间",
    "区划代码",
    "地区",
    "总分（分）",
    "等次",
    "较上季度得分",
    "较上季度排名",
    "督办措施",
    "状态",
];
pub(super) const COL_NAME: u16 = 3;
pub(super) const COL_TOTAL: u16 = 4;
const LAST_COL: u16 = HEADERS.len() as u16 - 1;
/// Title rows 0–1, the header row 2, regions from row 3.
const HEADER_ROW: u32 = 2;
pub(super) const FIRST_ROW: u32 = 3;
/// Up to this many regions, 总排名 is printed on one page.
const ONE_PAGE_REGIONS: usize = 30;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    let mut g = Grid::new();
    g.title(&a.title(NAME), &a.subtitle(), LAST_COL);
    g.header(HEADER_ROW, &HEADERS, 8.0);
    // Last quarter's records by code (`Assessment::previous` searches, once per call).
    let prev_quarter = a.quarter.prev();
    let mut previous: HashMap<&str, &QuarterRecord> = HashMap::new();
    for rec in a.history.iter().filter(|rec| rec.quarter == prev_quarter) {
        previous.entry(rec.code.as_str()).or_insert(rec);
    }
    let mut row = FIRST_ROW;
    for r in &a.regions {
        write_region(&mut g, a, r, previous.get(r.code.as_str()).copied(), row);
        row += 1;
    }
    let last_region_row = row.saturating_sub(1).max(HEADER_ROW);
    // Columns are sized by the table; the notes below wrap within them.
    g.set_fitting(false);
    row = notes(&mut g, a, row + 1);

    let mut page = a.table_page(HEADER_ROW, last_region_row, LAST_COL, COL_NAME + 1);
    page.print_area = Some((row.saturating_sub(1), LAST_COL));
    if a.regions.len() <= ONE_PAGE_REGIONS {
        page.fit = Fit::OnePage;
    }
    g.render(ws, &page)
}

fn write_region(
    g: &mut Grid,
    a: &Assessment,
    r: &RegionResult,
    prev: Option<&QuarterRecord>,
    row: u32,
) {
    let measure = a.top_flag(&r.code);
    let fill = if r.is_scored() {
        Fill::for_measure(measure)
    } else {
        Fill::Grey
    };
    let scored = r.is_scored();
    super::rank_cell(g, row, 0, r, fill);
    match a.analysis.intervals.get(&r.code) {
        Some(i) => g.styled(row, 1, &i.label(), Kind::Label, fill, Tone::Normal),
        None => g.blank(row, 1, fill),
    }
    g.styled(row, 2, &r.code, Kind::Label, fill, Tone::Normal);
    g.text(row, COL_NAME, &r.name, fill);
    if scored {
        g.num_toned(row, COL_TOTAL, r.total, Kind::Score, fill, Tone::Bold);
        g.styled(
            row,
            5,
            &r.grade,
            Kind::Label,
            fill,
            Tone::for_grade(a.scheme, &r.grade),
        );
    } else {
        g.blank(row, COL_TOTAL, fill);
        g.blank(row, 5, fill);
    }
    let prev = prev.filter(|p| scored && p.scored());
    match prev {
        Some(p) => {
            g.num(
                row,
                6,
                score_change(a, r.total, p.total),
                Kind::Change,
                fill,
            );
            g.styled(
                row,
                7,
                &rank_change(p.rank, r.rank),
                Kind::Label,
                fill,
                Tone::Normal,
            );
        }
        None => {
            g.blank(row, 6, fill);
            g.blank(row, 7, fill);
        }
    }
    let label = measure.filter(|_| scored).map_or("", |k| k.label.as_str());
    g.styled(row, 8, label, Kind::Label, fill, Tone::Bold);
    g.text(row, 9, r.status.label(), fill);
}

/// The legend, the notes on the columns and on vetoed regions, and the signature block, from
/// `row`; returns the row after them.
fn notes(g: &mut Grid, a: &Assessment, mut row: u32) -> u32 {
    // Quarters to score again come first: they may change this page.
    if let Some(notice) = a.rerun_notice() {
        g.para(row, 0, LAST_COL, &format!("注意：{notice}"));
        row += 2;
    }
    if let Some(warning) = a.findings.warning(a.scheme) {
        g.section(row, "注意：本表未计入省级评定");
        g.para(row + 1, 0, LAST_COL, &warning);
        row += 3;
    }
    g.section(row, "图例与说明");
    row += 1;
    for (fill, label, meaning) in legend::fills(a) {
        g.styled_span(row, 0, 2, &label, Kind::Label, fill);
        g.para(row, 2, LAST_COL, &meaning);
        // Every colour box the same height: two lines, whatever the text beside it.
        g.set_min_lines(row, 2);
        row += 1;
    }
    let s = a.scheme;
    let ri = &s.statistics.rank_interval;
    let mut lines = vec![format!(
        "总分 = {}。每项指标得分、加分和扣分按四舍五入保留{}位小数，小计和总分是表中数字之和，可逐项核对（见“分项得分”）。",
        legend::total_formula(s),
        s.decimals
    )];
    let points = legend::point_rules(s);
    if !points.is_empty() {
        lines.push(format!(
            "督办规则加减分（按加减分之前的排名判定，加减后重新排名）：{}。",
            points.join("；")
        ));
    }
    lines.extend([

        format!("等次：{}；被一票否决的地区定为{}。", legend::grades(s), s.veto.grade),
        format!(
            "排名区间：各指标分值随机浮动±{}%、抽样{}次后该地区名次的第{}至第{}百分位。两个地区的排名区间相互重叠时，其名次先后并不可靠。",
            fmt_num(ri.spread * 100.0),
            ri.draws,
            fmt_num(ri.percentiles[0]),
            fmt_num(ri.percentiles[1])
        ),
        "较上季度：得分为本季度总分减上季度总分；排名↑表示名次上升。督办措施每个地区只列最严重的一项，触发的各条规则及数据见“预警与督办”。"
            .to_string(),
    ]);
    for r in a.regions.iter().filter(|r| r.is_scored()) {
        if let Some(reason) = &r.veto {
            lines.push(format!(
                "注：{}被一票否决（{}），总分{:.2}分，等次定为{}，按规定排在未被否决的地区之后（第{}名）。",
                r.name, reason, r.total, s.veto.grade, r.rank
            ));
        }
    }
    for line in lines {
        g.para(row, 0, LAST_COL, &line);
        row += 1;
    }
    row += 1;
    g.para(
        row,
        0,
        LAST_COL,
        &format!(
            // The office and date on a line of their own: after the blanks on one line, the
            // closing bracket wrapped onto a line by itself (issue 24).
            "制表：＿＿＿＿＿＿　　　审核：＿＿＿＿＿＿　　　签发：＿＿＿＿＿＿\n（{}，{}）",
            s.office.name,
            a.made_on()
        ),
    );
    g.set_height(row, 30.0);
    row + 1
}

/// The change of total since last quarter, rounded to the published decimals (so that a tiny
/// negative difference does not show as "−0.00").
pub(super) fn score_change(a: &Assessment, now: f64, before: f64) -> f64 {
    a.scheme.round(now - before)
}

/// "↑2" when the region moved up two places (a smaller rank number), "↓1", or "持平".
pub(super) fn rank_change(before: u32, now: u32) -> String {
    match before.cmp(&now) {
        std::cmp::Ordering::Greater => format!("↑{}", before - now),
        std::cmp::Ordering::Less => format!("↓{}", now - before),
        std::cmp::Ordering::Equal => "持平".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_changes_since_last_quarter() {
        assert_eq!(rank_change(5, 3), "↑2");
        assert_eq!(rank_change(3, 4), "↓1");
        assert_eq!(rank_change(2, 2), "持平");
    }
}
