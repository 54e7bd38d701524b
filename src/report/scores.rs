//! 分项得分: region × indicator scores, group subtotals, bonus, deductions and total, so a reader
//! can add up any total with a calculator. Printed at 90% (10 pt text), split by group across
//! pages wide, 排名 and 地区 repeated on every page; a score that `when_empty = exclude` dropped
//! reads 不计.

use super::style::{Fill, Fit, Grid, Kind, Tone};
use super::Assessment;
use crate::scheme::WhenEmpty;
use crate::score::RegionResult;
use crate::text::fmt_num;
use rust_xlsxwriter::{ConditionalFormatDataBar, Worksheet, XlsxError};

pub(super) const NAME: &str = "分项得分";

/// Title rows 0–1, group names in row 2, indicator headers in row 3, regions from row 4.
const GROUP_ROW: u32 = 2;
const HEADER_ROW: u32 = 3;
const FIRST_ROW: u32 = 4;
/// Width of every score column, in Excel units (about 61 pixels).
const SCORE_WIDTH: f64 = 8.0;
const FIXED: [(&str, f64); 2] = [("排名", 6.0), ("地区", 12.0)];
/// Print scale, and the pixels (at 100%) that fit across an A4 landscape page within the margins
/// at that scale, with a little to spare: about 790 at 100% as LibreOffice prints.
const SCALE: u16 = 90;
const PAGE_PIXELS: f64 = 860.0;
/// The columns after the groups.
const TAIL: [&str; 5] = ["加分", "扣分", "总分（分）", "等次", "一票否决"];
/// The column of the ladder's points, after 扣分, when the scheme has rules that give them.
const ADJUSTED: &str = "督办规则加减分";

/// The columns after the groups: 加分, 扣分, the ladder's points when the scheme gives any,
/// 总分, 等次, 一票否决.
fn tail(s: &crate::scheme::Scheme) -> Vec<&'static str> {
    let mut out = TAIL.to_vec();
    if s.rules.iter().any(|r| r.points.is_some()) {
        out.insert(2, ADJUSTED);
    }
    out
}

/// A run of columns printed together: a group (its indicators and subtotal) or the tail.
struct Part {
    /// The group's name, empty for the tail.
    name: String,
    /// Indicator indices into the scheme, empty for the tail.
    indicators: Vec<usize>,
    /// Index of the group in the scheme, for its subtotal.
    group: Option<usize>,
    first_col: u16,
    width: u16,
}

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    let s = a.scheme;
    let mut parts = Vec::new();
    let mut col = FIXED.len() as u16;
    for (gi, group) in s.groups.iter().enumerate() {
        let indicators: Vec<usize> = (0..s.indicators.len())
            .filter(|&i| s.indicators[i].group == group.id)
            .collect();
        let width = indicators.len() as u16 + 1;
        parts.push(Part {
            name: group.name.clone(),
            indicators,
            group: Some(gi),
            first_col: col,
            width,
        });
        col += width;
    }
    parts.push(Part {
        name: String::new(),
        indicators: Vec::new(),
        group: None,
        first_col: col,
        width: tail(s).len() as u16,
    });
    let last_col = col + tail(s).len() as u16 - 1;

    let mut g = Grid::new();
    // A title on each page across, right of the repeated 排名 and 地区 (a title merged over them
    // would print cut off in the repeated columns of the later pages).
    let pages = pages_across(&parts, last_col);
    for (i, (first, last)) in pages.iter().enumerate() {
        // A page holds one or two groups: too narrow for the office and the rest of the title
        // on one line, so the office heads the first page's title on a line of its own.
        let title = if i == 0 {
            format!(
                "{}\n{}打击侵权假冒工作考核评价　{NAME}",
                s.office.name,
                a.quarter.label()
            )
        } else {
            format!("{}　{}（续）", a.quarter.label(), NAME)
        };
        g.title_at(*first, *last, &title, &a.subtitle_narrow());
    }
    for (c, (h, w)) in (0u16..).zip(FIXED) {
        g.header_span(GROUP_ROW, c, 1, "");
        g.header_span(HEADER_ROW, c, 1, h);
        g.set_width(c, w);
    }
    for part in &parts {
        let group_title = if part.name.is_empty() {
            "加减分与总分".to_string()
        } else {
            let points: f64 = part
                .indicators
                .iter()
                .map(|&i| s.indicators[i].points)
                .sum();
            format!("{}（{}分）", part.name, fmt_num(points))
        };
        g.header_span(GROUP_ROW, part.first_col, part.width, &group_title);
        let mut c = part.first_col;
        for &i in &part.indicators {
            let ind = &s.indicators[i];
            // The points on a line of their own: a narrow column wrapped "（10分" and left "）"
            // alone on the next line.
            let h = format!("{} {}\n（{}分）", ind.id, ind.name, fmt_num(ind.points));
            g.header_span(HEADER_ROW, c, 1, &h);
            g.set_width(c, SCORE_WIDTH);
            c += 1;
        }
        if part.group.is_some() {
            g.header_span(HEADER_ROW, c, 1, "小计");
            g.set_width(c, SCORE_WIDTH);
        } else {
            for h in tail(s) {
                g.header_span(HEADER_ROW, c, 1, h);
                g.set_width(c, SCORE_WIDTH);
                c += 1;
            }
        }
    }

    let mut row = FIRST_ROW;
    for r in &a.regions {
        write_region(&mut g, a, r, &parts, row);
        row += 1;
    }
    let last_row = row.saturating_sub(1).max(HEADER_ROW);
    let (notes_first, notes_last) = pages.first().copied().unwrap_or((0, last_col));
    let adjusted = if tail(s).contains(&ADJUSTED) {
        "（督办规则加减分为排名变化等督办规则加或扣的分，每个地区的规则与原因见“反馈单”和 kaoping explain）"
    } else {
        ""
    };
    let notes = [
        format!(
            "注：各项得分、加分、扣分四舍五入保留{}位小数；小计为本组各项之和，总分 = 各组小计 + 加分 − 扣分{}{adjusted}。小计列的条形长度表示本组得分高低。",
            s.decimals,
            if adjusted.is_empty() { "" } else { " + 督办规则加减分" }
        ),
        "“不计”：该项无数据且规则为不计，本组其他指标按比例折算；分子、分母和数据来源见“指标明细”，否决事由见“预警与督办”。".to_string(),
    ];
    row += 1;
    for n in &notes {
        g.para(row, notes_first, notes_last, n);
        row += 1;
    }

    let mut page = a.table_page(HEADER_ROW, last_row, last_col, FIXED.len() as u16);
    page.repeat_cols = Some((0, FIXED.len() as u16 - 1));
    page.repeat_rows = Some((GROUP_ROW, HEADER_ROW));
    page.fit = Fit::Scale(SCALE);
    page.col_breaks = breaks(&parts);
    page.print_area = Some((row.saturating_sub(1), last_col));
    g.render(ws, &page)?;

    // A data bar in each subtotal column, over the regions.
    if last_row >= FIRST_ROW {
        for part in parts.iter().filter(|p| p.group.is_some()) {
            let c = part.first_col + part.width - 1;
            let bar = ConditionalFormatDataBar::new().set_fill_color(0x9BC2E6);
            ws.add_conditional_format(FIRST_ROW, c, last_row, c, &bar)?;
        }
    }
    Ok(())
}

/// The columns where a new page starts: before a part that would not fit on the current page.
fn breaks(parts: &[Part]) -> Vec<u16> {
    let px = |w: f64| w * 7.0 + 5.0;
    let fixed: f64 = FIXED.iter().map(|(_, w)| px(*w)).sum();
    let mut out = Vec::new();
    let mut used = fixed;
    for part in parts {
        let need = f64::from(part.width) * px(SCORE_WIDTH);
        if used + need > PAGE_PIXELS && used > fixed {
            out.push(part.first_col);
            used = fixed;
        }
        used += need;
    }
    out
}

/// The columns of each page across, after the repeated ones: (first, last).
fn pages_across(parts: &[Part], last_col: u16) -> Vec<(u16, u16)> {
    let mut starts = vec![FIXED.len() as u16];
    starts.extend(breaks(parts));
    let ends: Vec<u16> = starts
        .iter()
        .skip(1)
        .map(|b| b - 1)
        .chain([last_col])
        .collect();
    starts.into_iter().zip(ends).collect()
}

fn write_region(g: &mut Grid, a: &Assessment, r: &RegionResult, parts: &[Part], row: u32) {
    let s = a.scheme;
    let fill = Fill::None;
    super::rank_cell(g, row, 0, r, fill);
    g.text(row, 1, &r.name, fill);
    if !r.is_scored() {
        let first = parts.first().map_or(2, |p| p.first_col);
        let span = parts.first().map_or(1, |p| p.width);
        g.styled_span(row, first, span, r.status.label(), Kind::Label, Fill::Grey);
        for part in parts.iter().skip(1) {
            for c in part.first_col..part.first_col + part.width {
                g.blank(row, c, Fill::Grey);
            }
        }
        return;
    }
    for part in parts {
        let mut c = part.first_col;
        for &i in &part.indicators {
            let ind = &s.indicators[i];
            match r.indicator(&ind.id) {
                Some(res) if res.empty == Some(WhenEmpty::Exclude) => {
                    g.styled(row, c, "不计", Kind::Label, fill, Tone::Normal);
                }
                Some(res) => g.num(row, c, res.score, Kind::Score, fill),
                None => g.blank(row, c, fill),
            }
            c += 1;
        }
        match part.group {
            Some(gi) => {
                let id = &s.groups[gi].id;
                let subtotal = r.subtotal(id);
                match subtotal {
                    Some(v) => g.num_toned(row, c, v, Kind::Score, fill, Tone::Bold),
                    None => g.blank(row, c, fill),
                }
            }
            None => {
                g.num(row, c, r.bonus, Kind::Score, fill);
                g.num(row, c + 1, r.deductions, Kind::Score, fill);
                let mut c = c;
                if tail(s).contains(&ADJUSTED) {
                    let points: f64 = r.adjustments.iter().map(|i| i.points).sum();
                    g.num(row, c + 2, s.round(points), Kind::Change, fill);
                    c += 1;
                }
                g.num_toned(row, c + 2, r.total, Kind::Score, fill, Tone::Bold);
                g.styled(
                    row,
                    c + 3,
                    &r.grade,
                    Kind::Label,
                    fill,
                    Tone::for_grade(a.scheme, &r.grade),
                );
                let veto = if r.veto.is_some() { "是" } else { "" };
                g.styled(
                    row,
                    c + 4,
                    veto,
                    Kind::Label,
                    fill,
                    Tone::for_grade(a.scheme, &a.scheme.veto.grade),
                );
            }
        }
    }
}
