//! The annual workbook (年度考核): 年度排名 (each quarter beside the year), 年度构成 (how each
//! annual total is made, adding up as printed) and 评分说明 (the rule and the quarters read).

use super::style::{Fill, Fit, Grid, Kind, Page, Tone};
use super::ReportError;
use crate::annual::{AnnualResult, How, Year};
use crate::flag::Measure;
use crate::scheme::Scheme;
use rust_xlsxwriter::{DocProperties, Worksheet};
use std::path::Path;

/// What the workbook shows besides the year: the scheme, the 制表日期 and the quarters read.
pub struct AnnualReport<'a> {
    pub scheme: &'a Scheme,
    pub year: &'a Year,
    /// 制表日期 (`2026-01-20 09:00:00`).
    pub run_time: String,
    /// The history folder as given.
    pub history_dir: String,
    /// Each quarter read, with the scheme and version that scored it (from the history) and
    /// the SHA-256 of its file.
    pub quarters: Vec<(String, String, String)>,
    /// The 年度评定 file read, and its SHA-256.
    pub findings: Option<(String, String)>,
}

const RANKING: &str = "年度排名";
const MAKEUP: &str = "年度构成";
const NOTES: &str = "评分说明";
const MEASURES: &str = "年度督办";
const TREND: &str = "季度走势";
/// Regions followed on 季度走势's chart, besides the province's mean.
const FOLLOWED: usize = 8;
/// 季度走势's chart is this many default columns wide.
const CHART_COLS: u16 = 12;
/// Rows 0–1 the title, 2 the quarters over their columns, 3 the headers.
const GROUP_ROW: u32 = 2;
const HEADER_ROW: u32 = 3;
const FIRST_ROW: u32 = 4;
/// Up to this many regions 年度排名 prints on one page.
const ONE_PAGE_REGIONS: usize = 30;

impl AnnualReport<'_> {
    fn title(&self, sheet: &str) -> String {
        format!(
            "{}　{}年度打击侵权假冒工作考核评价　{sheet}",
            self.scheme.office.name, self.year.year
        )
    }

    /// The line under every title; with a quarter missing, a last line that says so.
    fn subtitle(&self) -> String {
        let mut s = format!(
            "指标体系：{}（版本{}）　　制表日期：{}",
            self.scheme.name,
            self.scheme.version,
            super::made_on(&self.run_time)
        );
        if let Some(w) = self.year.incomplete() {
            s.push_str(&format!(
                "\n【{w}：本表按已有季度计算，不是正式的年度结果】"
            ));
        }
        s
    }

    fn page(&self, header_row: u32, last_row: u32, last_col: u16, fixed: u16) -> Page {
        Page::table(
            &self.scheme.office.name,
            &format!("{}年度", self.year.year),
            header_row,
            last_row,
            last_col,
            fixed,
        )
    }
}

/// Writes the annual workbook atomically.
///
/// # Errors
///
/// As for [`super::write`].
pub fn write(r: &AnnualReport, path: &Path) -> Result<(), ReportError> {
    let mut wb = crate::xlsx::workbook();
    wb.set_zip_compression_level(3);
    let created = chrono::NaiveDate::from_ymd_opt(r.year.year, 12, 31)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let props = DocProperties::new()
        .set_title(format!("{} {}年度考核", r.scheme.name, r.year.year))
        .set_subject("打击侵权假冒工作年度考核评价")
        .set_author(format!("kaoping {}", env!("CARGO_PKG_VERSION")))
        .set_creation_datetime(
            &rust_xlsxwriter::ExcelDateTime::from_timestamp(created.and_utc().timestamp())
                .unwrap_or_default(),
        );
    wb.set_properties(&props);
    super::add_sheet(&mut wb, RANKING, |ws| ranking(ws, r))?;
    super::add_sheet(&mut wb, MAKEUP, |ws| makeup(ws, r))?;
    super::add_sheet(&mut wb, TREND, |ws| trend(ws, r))?;
    if !r.scheme.annual.rules.is_empty() {
        super::add_sheet(&mut wb, MEASURES, |ws| measures(ws, r))?;
    }
    super::add_sheet(&mut wb, NOTES, |ws| notes(ws, r))?;
    crate::output::save_workbook(&mut wb, path)?;
    Ok(())
}

/// 年度排名: rank, region, each quarter's total, rank and measure, the year's total and 等次.
fn ranking(ws: &mut Worksheet, r: &AnnualReport) -> Result<(), rust_xlsxwriter::XlsxError> {
    let s = r.scheme;
    let quarters = r.year.quarters();
    // 排名, 区划代码, 地区, then 3 per quarter, then 年度总分, 等次.
    let first_q: u16 = 3;
    let first_item = first_q + 3 * quarters.len() as u16;
    let items = &s.annual.items;
    let total_col = first_item + items.len() as u16;
    let grade_col = total_col + 1;
    let with_measures = !s.annual.rules.is_empty();
    let last_col = grade_col + u16::from(with_measures);
    let mut g = Grid::new();
    g.title(&r.title(RANKING), &r.subtitle(), last_col);
    if !items.is_empty() {
        g.header_span(GROUP_ROW, first_item, items.len() as u16, "年度评定");
    }
    for (i, item) in items.iter().enumerate() {
        let c = first_item + i as u16;
        g.header_span(HEADER_ROW, c, 1, &item.label);
        g.set_width(c, 8.0);
    }
    for (c, h) in [(0u16, "排名"), (1, "区划代码"), (2, "地区")] {
        g.header_span(GROUP_ROW, c, 1, "");
        g.header_span(HEADER_ROW, c, 1, h);
    }
    for (i, q) in quarters.iter().enumerate() {
        let c = first_q + 3 * i as u16;
        let head = if r.year.missing.contains(q) {
            format!("第{}季度（缺）", q.ordinal())
        } else {
            format!("第{}季度", q.ordinal())
        };
        g.header_span(GROUP_ROW, c, 3, &head);
        g.header_span(HEADER_ROW, c, 1, "总分");
        g.header_span(HEADER_ROW, c + 1, 1, "排名");
        g.header_span(HEADER_ROW, c + 2, 1, "措施");
        g.set_width(c, 7.0);
        g.set_width(c + 1, 5.0);
        g.set_width(c + 2, 9.0);
    }
    g.header_span(GROUP_ROW, total_col, last_col - total_col + 1, "年度");
    g.header_span(HEADER_ROW, total_col, 1, "年度总分");
    g.header_span(HEADER_ROW, grade_col, 1, "等次");
    if with_measures {
        g.header_span(HEADER_ROW, last_col, 1, "年度措施");
        g.set_width(last_col, 9.0);
    }
    g.set_width(0, 5.0);
    g.set_width(1, 8.0);
    g.set_width(2, 9.0);
    g.set_width(total_col, 8.0);
    g.set_width(grade_col, 7.0);
    let mut row = FIRST_ROW;
    for a in &r.year.regions {
        let fill = if a.scored() { Fill::None } else { Fill::Grey };
        if a.scored() && s.annual.publish_ranks {
            g.num(row, 0, f64::from(a.rank), Kind::Int, fill);
        } else {
            g.styled(row, 0, "—", Kind::Label, fill, Tone::Normal);
        }
        g.styled(row, 1, &a.code, Kind::Label, fill, Tone::Normal);
        g.text(row, 2, &a.name, fill);
        for (i, p) in a.quarters.iter().enumerate() {
            let c = first_q + 3 * i as u16;
            match &p.record {
                Some(rec) if rec.scored() => {
                    let qfill = if p.vetoed {
                        Fill::for_measure(veto_measure(s))
                    } else {
                        fill
                    };
                    // The quarter's measure in its colour, as 总排名 showed it.
                    let mfill = match s.measures.iter().find(|m| m.label == p.measure) {
                        Some(m) => Fill::for_measure(Some(m)),
                        None => qfill,
                    };
                    g.num(row, c, rec.total, Kind::Score, qfill);
                    g.num(row, c + 1, f64::from(rec.rank), Kind::Int, qfill);
                    g.styled(row, c + 2, &p.measure, Kind::Label, mfill, Tone::Normal);
                }
                _ => g.styled_span(row, c, 3, p.state(), Kind::Label, Fill::Grey),
            }
        }
        for (i, item) in a.items.iter().enumerate() {
            g.num(row, first_item + i as u16, item.value, Kind::General, fill);
        }
        g.num_toned(row, total_col, a.total, Kind::Score, fill, Tone::Bold);
        g.styled(
            row,
            grade_col,
            &a.grade,
            Kind::Label,
            fill,
            Tone::for_grade(s, &a.grade),
        );
        if with_measures {
            let m = r.year.flags.get(&a.code).and_then(|f| Measure::of(f));
            let mfill = Fill::for_measure(m.as_ref().map(|m| &m.measure));
            let label = m.as_ref().map_or("", |m| m.measure.label.as_str());
            g.styled(row, last_col, label, Kind::Label, mfill, Tone::Bold);
        }
        row += 1;
    }
    let last_region_row = row.saturating_sub(1).max(HEADER_ROW);
    g.set_fitting(false);
    row += 1;
    for line in ranking_notes(r) {
        g.para(row, 0, last_col, &line);
        row += 1;
    }
    row += 1;
    g.para(
        row,
        0,
        last_col,
        &format!(
            "制表：＿＿＿＿＿＿　　　审核：＿＿＿＿＿＿　　　签发：＿＿＿＿＿＿\n（{}，{}）",
            s.office.name,
            super::made_on(&r.run_time)
        ),
    );
    g.set_height(row, 30.0);
    let mut page = r.page(HEADER_ROW, last_region_row, last_col, 3);
    page.print_area = Some((row, last_col));
    if r.year.regions.len() <= ONE_PAGE_REGIONS {
        page.fit = Fit::OnePage;
    }
    g.render(ws, &page)
}

/// The measure a veto raises, for the colour of a vetoed quarter.
fn veto_measure(s: &Scheme) -> Option<&crate::scheme::MeasureDef> {
    s.rules
        .iter()
        .find(|r| matches!(r.condition, Some(crate::scheme::Condition::Veto)))
        .and_then(|r| r.measure.as_deref())
        .and_then(|m| s.measure(m))
}

/// The notes under 年度排名: the rule, then one footnote per region vetoed, counted by the
/// missing-quarter rule or capped.
fn ranking_notes(r: &AnnualReport) -> Vec<String> {
    let s = r.scheme;
    let rule = &s.annual;
    let mut out = vec![format!(
        "年度总分 = {}；{}。各季度折算分四舍五入保留{}位小数，年度总分为折算分之和（见“年度构成”）。",
        rule.describe(),
        rule.describe_missing(),
        s.decimals
    )];
    out.push(match rule.describe_quotas() {
        Some(q) => format!("{q}。"),
        None => format!("等次：{}。", super::legend::grades(s)),
    });
    out.push(format!(
        "颜色：措施列按各季度（及年度）的督办措施着色，{}。",
        super::legend::colours(s)
    ));
    if !rule.publish_ranks {
        out.push("按规定只公布等次，排名不分前后：同一等次的地区按区划代码排列。".to_string());
    }
    if let Some(w) = r.year.incomplete() {
        out.push(format!(
            "注意：{w}。历史数据中没有该季度的考核结果，本表按已有季度的权重折算，不是正式的年度结果；补齐该季度评分后重新生成。"
        ));
    }
    for a in &r.year.regions {
        out.extend(region_notes(a));
    }
    out
}

/// A region's footnotes: a downgrade, quarters counted by the missing-quarter rule, the 事由 of
/// an annual item.
fn region_notes(a: &AnnualResult) -> Vec<String> {
    let mut out = Vec::new();
    for i in a.items.iter().filter(|i| !i.reason.is_empty()) {
        out.push(format!(
            "注：{}{}{}（{}）。",
            a.name,
            i.label,
            crate::text::fmt_num(i.value),
            i.reason
        ));
    }
    if let Some(d) = &a.downgrade {
        out.push(format!("注：{}{d}。", a.name));
    }
    for p in a.substituted() {
        let status = p.state();
        out.push(format!(
            "注：{}{}{}，{}。",
            a.name,
            p.quarter.label(),
            status,
            p.substituted.as_deref().unwrap_or("")
        ));
    }
    out
}

/// 年度构成: per region, each quarter's figure as counted and its part (figure × weight, rounded
/// as published), and the year's total, the sum of the parts; what was substituted, said.
fn makeup(ws: &mut Worksheet, r: &AnnualReport) -> Result<(), rust_xlsxwriter::XlsxError> {
    let s = r.scheme;
    let quarters = r.year.quarters();
    let first_q: u16 = 2;
    let first_item = first_q + 2 * quarters.len() as u16;
    let items = &s.annual.items;
    let total_col = first_item + 2 * items.len() as u16;
    let note_col = total_col + 1;
    let mut g = Grid::new();
    g.title(&r.title(MAKEUP), &r.subtitle(), note_col);
    for (c, h) in [(0u16, "排名"), (1, "地区")] {
        g.header_span(GROUP_ROW, c, 1, "");
        g.header_span(HEADER_ROW, c, 1, h);
    }
    // The weights of the quarters held (every region has the same).
    let weights: Vec<f64> = r
        .year
        .regions
        .first()
        .map(|a| a.quarters.iter().map(|p| p.weight).collect())
        .unwrap_or_default();
    for (i, q) in quarters.iter().enumerate() {
        let c = first_q + 2 * i as u16;
        let w = weights.get(i).copied().unwrap_or(0.0);
        g.header_span(
            GROUP_ROW,
            c,
            2,
            &format!("第{}季度（{}）", q.ordinal(), pct(w)),
        );
        g.header_span(HEADER_ROW, c, 1, "计入分");
        g.header_span(HEADER_ROW, c + 1, 1, "折算分");
        g.set_width(c, 8.0);
        g.set_width(c + 1, 8.0);
    }
    for (i, item) in items.iter().enumerate() {
        let c = first_item + 2 * i as u16;
        g.header_span(
            GROUP_ROW,
            c,
            2,
            &format!("{}（×{}）", item.label, crate::text::fmt_num(item.weight)),
        );
        g.header_span(HEADER_ROW, c, 1, "分值");
        g.header_span(HEADER_ROW, c + 1, 1, "折算分");
        g.set_width(c, 8.0);
        g.set_width(c + 1, 8.0);
    }
    g.header_span(GROUP_ROW, total_col, 1, "");
    g.header_span(HEADER_ROW, total_col, 1, "年度总分");
    g.header_span(GROUP_ROW, note_col, 1, "");
    g.header_span(HEADER_ROW, note_col, 1, "说明");
    g.set_width(0, 5.0);
    g.set_width(1, 9.0);
    g.set_width(total_col, 9.0);
    g.set_width(note_col, 44.0);
    let mut row = FIRST_ROW;
    for a in &r.year.regions {
        if s.annual.publish_ranks && a.scored() {
            g.num(row, 0, f64::from(a.rank), Kind::Int, Fill::None);
        } else {
            g.styled(row, 0, "—", Kind::Label, Fill::None, Tone::Normal);
        }
        g.text(row, 1, &a.name, Fill::None);
        for (i, p) in a.quarters.iter().enumerate() {
            let c = first_q + 2 * i as u16;
            if p.how == How::QuarterMissing {
                g.styled_span(row, c, 2, "（缺）", Kind::Label, Fill::Grey);
                continue;
            }
            let fill = if p.substituted.is_some() {
                Fill::Grey
            } else {
                Fill::None
            };
            g.num(row, c, p.counted, Kind::Score, fill);
            g.num(row, c + 1, p.contribution, Kind::Score, fill);
        }
        for (i, item) in a.items.iter().enumerate() {
            let c = first_item + 2 * i as u16;
            g.num(row, c, item.value, Kind::General, Fill::None);
            g.num(row, c + 1, item.contribution, Kind::Score, Fill::None);
        }
        g.num_toned(row, total_col, a.total, Kind::Score, Fill::None, Tone::Bold);
        let mut said: Vec<String> = Vec::new();
        for i in a.items.iter().filter(|i| !i.reason.is_empty()) {
            said.push(format!("{}：{}", i.label, i.reason));
        }
        for p in a.substituted() {
            let status = p.state();
            said.push(format!(
                "第{}季度{status}，{}",
                p.quarter.ordinal(),
                p.substituted.as_deref().unwrap_or("")
            ));
        }
        if let Some(d) = &a.downgrade {
            said.push(d.clone());
        }
        g.text(row, note_col, &said.join("；"), Fill::None);
        row += 1;
    }
    let last_row = row.saturating_sub(1).max(HEADER_ROW);
    g.set_fitting(false);
    row += 1;
    g.para(
        row,
        0,
        note_col,
        &if items.is_empty() {
            format!(
                "折算分 = 计入分 × 权重，四舍五入保留{}位小数；年度总分 = 各季度折算分之和，逐项相加与总分一致。灰色为未评分季度按规定计入的分数（{}）。",
                s.decimals,
                s.annual.describe_missing()
            )
        } else {
            format!(
                "折算分 = 计入分（或年度评定分值）× 权重，四舍五入保留{}位小数；年度总分 = 各折算分之和，逐项相加与总分一致。灰色为未评分季度按规定计入的分数（{}）。",
                s.decimals,
                s.annual.describe_missing()
            )
        },
    );
    let mut page = r.page(HEADER_ROW, last_row, note_col, 2);
    page.print_area = Some((row, note_col));
    if r.year.regions.len() <= ONE_PAGE_REGIONS {
        page.fit = Fit::OnePage;
    }
    g.render(ws, &page)
}

/// "25%".
fn pct(w: f64) -> String {
    format!("{}%", crate::text::fmt_num(w * 100.0))
}

/// 季度走势: each quarter's total of the province's mean and of the regions a reader follows (those
/// under an annual measure, most serious first; else the first three and the last three), as a
/// table and a line chart.
fn trend(ws: &mut Worksheet, r: &AnnualReport) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Chart, ChartLineDashType, ChartMarkerType, ChartType};
    let s = r.scheme;
    let quarters = r.year.quarters();
    let mut followed: Vec<&AnnualResult> = r
        .year
        .regions
        .iter()
        .filter(|a| r.year.flags.contains_key(&a.code))
        .collect();
    followed.sort_by_key(|a| {
        (
            r.year
                .flags
                .get(&a.code)
                .and_then(|f| f.iter().map(|x| x.measure.clone()).min()),
            a.rank,
        )
    });
    if followed.is_empty() {
        let scored: Vec<&AnnualResult> = r.year.regions.iter().filter(|a| a.scored()).collect();
        let n = scored.len();
        followed = scored
            .iter()
            .take(3)
            .chain(scored.iter().skip(n.saturating_sub(3).max(3)))
            .copied()
            .collect();
    }
    followed.truncate(FOLLOWED);
    let mut headers: Vec<String> = vec!["季度".to_string(), "全省平均".to_string()];
    headers.extend(followed.iter().map(|a| a.name.clone()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let last_col = (headers.len() as u16 - 1).max(1);
    let mut g = Grid::new();
    g.title(&r.title(TREND), &r.subtitle(), last_col.max(9));
    let top = super::TABLE_HEADER_ROW;
    g.header(top, &header_refs, 10.0);
    let mut row = top + 1;
    // A quarter without a total is a gap in the chart, its status said under the table.
    let mut unscored: Vec<String> = Vec::new();
    for (i, q) in quarters.iter().enumerate() {
        g.text(row, 0, &format!("第{}季度", q.ordinal()), Fill::None);
        match r.year.province_mean.get(i).copied().flatten() {
            Some(mean) => g.num(row, 1, s.round(mean), Kind::Score, Fill::None),
            None => g.blank(row, 1, Fill::Grey),
        }
        for (j, a) in followed.iter().enumerate() {
            let col = 2 + j as u16;
            match a.quarters.get(i).and_then(|p| p.record.as_ref()) {
                Some(rec) if rec.scored() => g.num(row, col, rec.total, Kind::Score, Fill::None),
                _ => {
                    if let Some(p) = a.quarters.get(i).filter(|p| p.how != How::QuarterMissing) {
                        unscored.push(format!("{}第{}季度{}", a.name, q.ordinal(), p.state()));
                    }
                    g.blank(row, col, Fill::Grey);
                }
            }
        }
        row += 1;
    }
    let last_row = row - 1;
    row += 1;
    let what = if followed.iter().any(|a| r.year.flags.contains_key(&a.code)) {
        "图中为全省平均（黑色虚线）和被采取年度督办措施的地区（按措施轻重、名次排列，至多8个）"
    } else {
        "图中为全省平均（黑色虚线）和年度排名前三、后三的地区"
    };
    let gaps = if unscored.is_empty() {
        String::new()
    } else {
        format!("灰色为未评分的季度，图中不画点：{}", unscored.join("、"))
    };
    let wide = last_col.max(CHART_COLS - 1);
    g.para(row, 0, wide, &format!("各季度总分。{what}。{gaps}"));
    let chart_at = row + 2;
    let mut page = r.page(top, last_row, last_col, 1);
    page.print_area = Some((chart_at + 24, wide));
    g.render(ws, &page)?;
    let mut chart = Chart::new(ChartType::Line);
    let colours = [
        0xC00000, 0xED7D31, 0x7030A0, 0x2E75B6, 0x00B050, 0x806000, 0x595959, 0xFF66CC,
    ];
    for j in 0..=followed.len() {
        let col = 1 + j as u16;
        let (colour, dash, width) = if j == 0 {
            (0x000000, ChartLineDashType::Dash, 2.5)
        } else {
            (
                colours[(j - 1) % colours.len()],
                ChartLineDashType::Solid,
                2.0,
            )
        };
        chart
            .add_series()
            .set_name((TREND, top, col))
            .set_categories((TREND, top + 1, 0, last_row, 0))
            .set_values((TREND, top + 1, col, last_row, col))
            .set_marker(&super::style::chart::marker(
                ChartMarkerType::Circle,
                6,
                colour,
            ))
            .set_format(&mut super::style::chart::line(colour, width, dash));
    }
    chart
        .title()
        .set_name(&format!("{}年各季度总分走势", r.year.year))
        .set_overlay(false);
    chart.y_axis().set_name("总分（分）");
    chart
        .legend()
        .set_position(rust_xlsxwriter::ChartLegendPosition::Bottom);
    super::style::chart::in_font(&mut chart, 9.0);
    chart
        .set_width(u32::from(CHART_COLS) * crate::xlsx::COLUMN_PIXELS)
        .set_height(22 * crate::xlsx::ROW_PIXELS);
    ws.insert_chart(chart_at, 0, &chart)?;
    Ok(())
}

/// 年度督办: each region with an annual measure, most serious first, then by rank: the measure,
/// the rules that fired, the sentence that tells it, the 整改期限.
fn measures(ws: &mut Worksheet, r: &AnnualReport) -> Result<(), rust_xlsxwriter::XlsxError> {
    let s = r.scheme;
    let headers = [
        "排名",
        "区划代码",
        "地区",
        "年度措施",
        "触发规则",
        "情况说明",
        "整改期限",
    ];
    let last_col = headers.len() as u16 - 1;
    let mut g = Grid::new();
    g.title(&r.title(MEASURES), &r.subtitle(), last_col);
    g.header(super::TABLE_HEADER_ROW, &headers, 10.0);
    g.set_width(4, 24.0);
    g.set_width(5, 60.0);
    let mut rows: Vec<(&AnnualResult, Measure)> = r
        .year
        .regions
        .iter()
        .filter_map(|a| Some((a, Measure::of(r.year.flags.get(&a.code)?)?)))
        .collect();
    rows.sort_by(|x, y| {
        (&x.1.measure, x.0.rank, &x.0.code).cmp(&(&y.1.measure, y.0.rank, &y.0.code))
    });
    let mut row = super::TABLE_HEADER_ROW + 1;
    for (a, m) in &rows {
        let fill = Fill::for_measure(Some(&m.measure));
        if s.annual.publish_ranks && a.scored() {
            g.num(row, 0, f64::from(a.rank), Kind::Int, fill);
        } else {
            g.styled(row, 0, "—", Kind::Label, fill, Tone::Normal);
        }
        g.styled(row, 1, &a.code, Kind::Label, fill, Tone::Normal);
        g.text(row, 2, &a.name, fill);
        super::flags::measure_cells(&mut g, row, 3, m);
        row += 1;
    }
    if rows.is_empty() {
        g.para(row, 0, last_col, "本年度没有地区被采取年度督办措施。");
        row += 1;
    }
    let last_row = row.saturating_sub(1);
    if let Some(n) = &r.year.earlier_missing {
        row += 1;
        g.para(row, 0, last_col, &format!("注意：{n}。"));
        row += 1;
    }
    let mut page = r.page(super::TABLE_HEADER_ROW, last_row, last_col, 3);
    page.print_area = Some((row, last_col));
    g.render(ws, &page)
}

/// 评分说明: the rule, the quarters read and what scored them.
fn notes(ws: &mut Worksheet, r: &AnnualReport) -> Result<(), rust_xlsxwriter::XlsxError> {
    let s = r.scheme;
    let rule = &s.annual;
    let last_col: u16 = 5;
    let mut g = Grid::new();
    g.title(&r.title(NOTES), &r.subtitle(), last_col);
    for c in 0..=last_col {
        g.set_width(c, 20.0);
    }
    g.set_fitting(false);
    let mut row = super::TABLE_HEADER_ROW;
    g.section(row, "一、年度总分与等次");
    row += 1;
    let mut lines = vec![
        format!("年度总分 = {}。", rule.describe()),
        format!("{}；该季度在“年度排名”和“年度构成”中注明。", rule.describe_missing()),
        format!(
            "各季度折算分 = 季度总分 × 权重，四舍五入保留{}位小数；年度总分为各季度折算分之和，逐项相加与总分一致。",
            s.decimals
        ),
        match rule.describe_quotas() {
            Some(q) => format!("{q}；等次的颜色：{}。", super::legend::grades(s)),
            None => format!("等次按年度总分：{}。", super::legend::grades(s)),
        },
    ];
    for item in &rule.items {
        lines.push(format!(
            "{}：年度评定文件“{}”列的分值 × {}计入年度总分。",
            item.label,
            item.column,
            crate::text::fmt_num(item.weight)
        ));
    }
    if let Some(v) = &rule.veto {
        lines.push(format!(
            "年度一票否决：年度评定文件“{}”列为“是”的地区，年度等次定为{}，排在未被否决的地区之后，否决事由见“{}”列。",
            v.column, s.veto.grade, v.reason_column
        ));
    }
    if rule.veto_downgrade {
        lines.push(format!(
            "本年度任一季度被一票否决的地区，年度等次定为{}，排在未被否决的地区之后。",
            s.veto.grade
        ));
    }
    if let (Some(m), Some(g)) = (&rule.cap_after, &rule.cap_grade) {
        let label = s.measure(m).map_or(m.as_str(), |d| d.label.as_str());
        lines.push(format!(
            "本年度任一季度被{label}或更严重措施的地区，年度等次不高于{g}。"
        ));
    }
    lines.push(if rule.publish_ranks {
        "年度总分相同的地区名次并列，其后名次顺延；全年均未评分的地区列于最后。".to_string()
    } else {
        "按规定只公布等次，排名不分前后。".to_string()
    });
    for l in lines {
        g.para(row, 0, last_col, &l);
        row += 1;
    }
    row += 1;
    g.section(row, "二、读取的季度");
    row += 1;
    g.para(
        row,
        0,
        last_col,
        &format!("历史数据文件夹：{}", r.history_dir),
    );
    row += 1;
    if let Some((file, hash)) = &r.findings {
        g.para(
            row,
            0,
            last_col,
            &format!("年度评定文件：{file}；文件校验值（SHA-256）{hash}"),
        );
        row += 1;
    }
    for (q, made, hash) in &r.quarters {
        g.para(
            row,
            0,
            last_col,
            &format!("{q}：{made}；文件校验值（SHA-256）{hash}"),
        );
        row += 1;
    }
    if let Some(w) = r.year.incomplete() {
        g.para(row, 0, last_col, &format!("注意：{w}。"));
        row += 1;
    }
    let mut page = Page::document(&s.office.name, &format!("{}年度", r.year.year));
    page.print_area = Some((row, last_col));
    g.render(ws, &page)
}
