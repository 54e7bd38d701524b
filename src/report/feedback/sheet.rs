//! A scored region's 反馈单: its result and measure, every indicator against the province, bonus
//! and deductions, the problems in its file, its trend, and its 整改事项.

use super::super::details::{value_kind, value_label};
use super::super::standing::{self, Province};
use super::super::style::{Fill, Grid, Kind, Tone};
use super::super::Assessment;
use crate::problem::Problem;
use crate::scheme::{Indicator, WhenEmpty};
use crate::score::{IndicatorResult, Item, RegionResult};
use crate::text::fmt_num;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// The widths of the ten columns, in Excel units (about 93 in all: A4 portrait near 100%).
const WIDTHS: [f64; 10] = [26.0, 6.0, 8.0, 8.0, 9.0, 7.0, 7.0, 8.0, 8.0, 7.0];
const LAST_COL: u16 = 9;
/// The indicator table's columns; `whole` is 全省 or 全市.
fn headers(whole: &str) -> [String; 10] {
    [
        "指标".to_string(),
        "分值".to_string(),
        "分子".to_string(),
        "分母".to_string(),
        "指标值".to_string(),
        "得分".to_string(),
        "失分".to_string(),
        format!("{whole}平均"),
        format!("{whole}最高"),
        "本项位次".to_string(),
    ]
}

pub(super) fn write(
    ws: &mut Worksheet,
    a: &Assessment,
    province: &Province,
    r: &RegionResult,
) -> Result<(), XlsxError> {
    let mut g = Grid::new();
    for (col, w) in (0u16..).zip(WIDTHS) {
        g.set_width(col, w);
    }
    let title = format!(
        "{}{}打击侵权假冒工作考核评价反馈单",
        r.name,
        a.quarter.label()
    );
    g.title(&title, &a.subtitle_narrow(), LAST_COL);
    let mut row = 3;
    row = result(&mut g, a, r, row);
    row = indicators(&mut g, a, province, r, row + 1);
    // Page 2 begins with 三, so page 1 holds the result and the indicator table whole.
    let page_two = row + 1;
    row = bonus_and_deductions(&mut g, r, page_two);
    row = problems(&mut g, &a.problems_of(&r.code), row + 1);
    row = trend(&mut g, a, r, row + 1);
    row = rectifications(&mut g, a, r, row + 1);
    row = closing(&mut g, a, row + 1);
    let mut page = super::page(a, row, LAST_COL);
    page.row_breaks = vec![page_two];
    g.render(ws, &page)
}

/// A label cell over `span` columns (grey, bold, like a header).
fn label(g: &mut Grid, row: u32, col: u16, span: u16, text: &str) {
    g.header_span(row, col, span, text);
}

/// 一、考评结果: total, rank, 排名区间, 等次, measure with 整改期限 and reason, how it was filed.
fn result(g: &mut Grid, a: &Assessment, r: &RegionResult, mut row: u32) -> u32 {
    g.section(row, "一、考评结果");
    row += 1;
    let scored = a.regions.iter().filter(|x| x.is_scored()).count();
    let measure = a.measure(&r.code);
    let fill = Fill::for_measure(measure.as_ref().map(|m| &m.measure));
    let interval = a
        .analysis
        .intervals
        .get(&r.code)
        .map_or("—".to_string(), |i| i.label());
    let filed = match (r.filed_on, r.late) {
        (Some(d), true) => format!("逾期报送（填报日期{}）", d.format("%Y-%m-%d")),
        (Some(d), false) => format!("按时报送（填报日期{}）", d.format("%Y-%m-%d")),
        (None, true) => "逾期报送".to_string(),
        (None, false) => "按时报送".to_string(),
    };
    let pairs: [(&str, Value, &str, Value); 4] = [
        (
            "地区",
            Value::Text(format!("{}（{}）", r.name, r.code), Fill::None),
            "总分",
            Value::Score(r.total),
        ),
        (
            "排名",
            Value::Text(
                format!("第{}名（共{scored}个已评分地区）", r.rank),
                Fill::None,
            ),
            "排名区间",
            Value::Text(interval, Fill::None),
        ),
        (
            "等次",
            Value::Text(r.grade.clone(), Fill::None),
            "督办措施",
            Value::Text(
                measure
                    .as_ref()
                    .map_or("无", |m| m.measure.label.as_str())
                    .to_string(),
                fill,
            ),
        ),
        (
            "报送情况",
            Value::Text(filed, Fill::None),
            "整改期限",
            match measure.as_ref().and_then(|m| m.deadline) {
                Some(d) => Value::Text(d.format("%Y年%-m月%-d日").to_string(), fill),
                None => Value::Text("—".to_string(), Fill::None),
            },
        ),
    ];
    for (left, lv, right, rv) in pairs {
        label(g, row, 0, 1, left);
        lv.put(g, row, 1, 4);
        label(g, row, 5, 2, right);
        rv.put(g, row, 7, 3);
        row += 1;
    }
    if let Some(m) = &measure {
        label(g, row, 0, 1, "措施理由");
        g.styled_span(row, 1, LAST_COL, &m.reason, Kind::Text, Fill::None);
        row += 1;
    }
    // The measure's reason already gives a veto's cause.
    if let (Some(reason), None) = (&r.veto, &measure) {
        label(g, row, 0, 1, "一票否决");
        let text = format!(
            "否决事由：{reason}。等次为{}，排在未被否决的地区之后",
            r.grade
        );
        g.styled_span(row, 1, LAST_COL, &text, Kind::Text, Fill::None);
        row += 1;
    }
    let s = a.scheme;
    // Each point rule of the ladder that applied, on a line of its own with its rule.
    for item in &r.adjustments {
        label(g, row, 0, 1, "督办规则加减分");
        let sign = if item.points < 0.0 { "扣" } else { "加" };
        let text = format!(
            "{}：{sign}{}分（规则：{}）",
            item.detail,
            s.fixed(item.points.abs()),
            item.label
        );
        g.styled_span(row, 1, LAST_COL, &text, Kind::Text, Fill::None);
        row += 1;
    }
    let indicator_sum: f64 = r.groups.iter().map(|(_, v)| v).sum();
    label(g, row, 0, 1, "总分构成");
    let adjusted: f64 = s.round(r.adjustments.iter().map(|i| i.points).sum());
    let ladder = if r.adjustments.is_empty() {
        String::new()
    } else if adjusted < 0.0 {
        format!(" − 督办规则{}", s.fixed(-adjusted))
    } else {
        format!(" + 督办规则{}", s.fixed(adjusted))
    };
    let sum = format!(
        "指标得分{} + 加分{} − 扣分{}{ladder} = 总分{}",
        s.fixed(indicator_sum),
        s.fixed(r.bonus),
        s.fixed(r.deductions),
        s.fixed(r.total)
    );
    g.styled_span(row, 1, LAST_COL, &sum, Kind::Text, Fill::None);
    row + 1
}

/// A value of the result block: text, or a score.
enum Value {
    Text(String, Fill),
    Score(f64),
}

impl Value {
    fn put(self, g: &mut Grid, row: u32, col: u16, span: u16) {
        match self {
            Value::Text(t, fill) => g.styled_span(row, col, span, &t, Kind::Label, fill),
            Value::Score(v) => g.num_span(row, col, span, v, Kind::Score),
        }
    }
}

/// 二、各项指标得分: each group with its subtotal, then its indicators: figures, score, points
/// lost (yellow when it is a 整改事项), the province's average and best, and the region's place.
fn indicators(
    g: &mut Grid,
    a: &Assessment,
    province: &Province,
    r: &RegionResult,
    mut row: u32,
) -> u32 {
    let s = a.scheme;
    g.section(row, "二、各项指标得分");
    row += 1;
    let whole = s.office.whole();
    let headers = headers(whole);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    g.header(row, &headers, 10.0);
    row += 1;
    let mut empties: Vec<String> = Vec::new();
    for group in &s.groups {
        let subtotal = r.subtotal(&group.id).unwrap_or(0.0);
        let points = s.group_points(&group.id);
        g.styled(row, 0, &group.name, Kind::Text, Fill::None, Tone::Bold);
        g.num_toned(row, 1, points, Kind::General, Fill::None, Tone::Bold);
        for col in 2..=4 {
            g.blank(row, col, Fill::None);
        }
        g.num_toned(row, 5, subtotal, Kind::Score, Fill::None, Tone::Bold);
        let lost = s.round(points - subtotal).max(0.0);
        g.num_toned(row, 6, lost, Kind::Score, Fill::None, Tone::Bold);
        for col in 7..=LAST_COL {
            g.blank(row, col, Fill::None);
        }
        row += 1;
        for ind in s.indicators.iter().filter(|i| i.group == group.id) {
            let Some(res) = r.indicator(&ind.id) else {
                continue;
            };
            indicator_row(g, a, province, ind, res, row);
            if let Some(e) = res.empty {
                empties.push(format!("{}{}", ind.id, e.describe()));
            }
            row += 1;
        }
    }
    let mut note = format!(
        "注：失分为分值减得分；黄色底纹为失分超过{}分、列入整改事项的指标。{whole}平均为已评分地区的平均得分，{whole}最高为其中的最高得分，本项位次为本地区得分在已评分地区中的名次（同分同名次，“/”后为参与计算的地区数）。",
        fmt_num(s.feedback.rectify_above)
    );
    if !empties.is_empty() {
        note.push_str(&format!("本地区{}。", empties.join("；")));
    }
    if empties_excluded(r) {
        note.push_str(&format!("“不计”的指标，其分值按比例折入同组其他指标，失分记为0，{whole}平均、最高和位次只在计分的地区中计算。"));
    }
    g.para(row, 0, LAST_COL, &note);
    row + 1
}

fn empties_excluded(r: &RegionResult) -> bool {
    r.indicators
        .iter()
        .any(|i| i.empty == Some(WhenEmpty::Exclude))
}

fn indicator_row(
    g: &mut Grid,
    a: &Assessment,
    province: &Province,
    ind: &Indicator,
    res: &IndicatorResult,
    row: u32,
) {
    let s = a.scheme;
    g.text(row, 0, &value_label(ind), Fill::None);
    g.num(row, 1, ind.points, Kind::General, Fill::None);
    g.opt_num(row, 2, res.numerator, Kind::General, Fill::None);
    g.opt_num(row, 3, res.denominator, Kind::General, Fill::None);
    match (res.value, value_kind(s, ind)) {
        (None, _) => g.styled(row, 4, "无数据", Kind::Label, Fill::None, Tone::Normal),
        (Some(v), kind) => g.num(row, 4, v, kind, Fill::None),
    }
    let excluded = res.empty == Some(WhenEmpty::Exclude);
    if excluded {
        g.styled(row, 5, "不计", Kind::Label, Fill::None, Tone::Normal);
    } else {
        g.num(row, 5, res.score, Kind::Score, Fill::None);
    }
    let lost = standing::points_lost(s, ind, res);
    let lost_fill = if s.units(lost) > s.units(s.feedback.rectify_above) {
        Fill::PaleYellow
    } else {
        Fill::None
    };
    g.num(row, 6, lost, Kind::Score, lost_fill);
    match province.on(&ind.id) {
        Some(st) => {
            g.opt_num(row, 7, st.average, Kind::Score, Fill::None);
            g.opt_num(row, 8, st.best_score(), Kind::Score, Fill::None);
            let place = if excluded {
                "不计".to_string()
            } else {
                format!("{}/{}", st.place(res.score), st.of())
            };
            g.styled(row, 9, &place, Kind::Label, Fill::None, Tone::Normal);
        }
        None => {
            for col in 7..=LAST_COL {
                g.blank(row, col, Fill::None);
            }
        }
    }
}

/// 三、加分与扣分, each item with its cause.
fn bonus_and_deductions(g: &mut Grid, r: &RegionResult, mut row: u32) -> u32 {
    g.section(row, "三、加分与扣分");
    row += 1;
    label(g, row, 0, 1, "类别");
    label(g, row, 1, 7, "事项");
    label(g, row, 8, 2, "分数");
    row += 1;
    let items = |sign: f64, list: &[Item]| -> Vec<(f64, String)> {
        list.iter()
            .map(|i| {
                let detail = if i.detail.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", i.detail)
                };
                (sign * i.points, format!("{}{detail}", i.label))
            })
            .collect()
    };
    let mut any = false;
    for (kind, list) in [
        ("加分", items(1.0, &r.bonus_items)),
        ("扣分", items(-1.0, &r.deduction_items)),
    ] {
        for (points, text) in list {
            g.styled(row, 0, kind, Kind::Label, Fill::None, Tone::Normal);
            g.styled_span(row, 1, 7, &text, Kind::Text, Fill::None);
            g.num_span(row, 8, 2, points, Kind::Change);
            row += 1;
            any = true;
        }
    }
    if !any {
        g.styled_span(
            row,
            0,
            LAST_COL + 1,
            "本季度无加分、扣分事项",
            Kind::Text,
            Fill::None,
        );
        row += 1;
    }
    row
}

/// 四、数据问题与异常提示: what ingest and the statistics found in the region's file.
fn problems(g: &mut Grid, found: &[&Problem], mut row: u32) -> u32 {
    g.section(row, "四、数据问题与异常提示");
    row += 1;
    if found.is_empty() {
        g.para(
            row,
            0,
            LAST_COL,
            "本季度报送文件未发现数据问题，也没有需要核实的异常数据。",
        );
        return row + 1;
    }
    label(g, row, 0, 1, "位置（工作表!单元格）");
    label(g, row, 1, 8, "说明");
    label(g, row, 9, 1, "级别");
    row += 1;
    for p in found {
        let place = match (p.source.sheet.is_empty(), p.source.cell.is_empty()) {
            (true, _) => p.source.file.clone(),
            (false, true) => p.source.sheet.clone(),
            (false, false) => format!("{}!{}", p.source.sheet, p.source.cell),
        };
        g.text(row, 0, &place, Fill::None);
        g.styled_span(row, 1, 8, &p.message, Kind::Text, Fill::None);
        let fill = match p.severity {
            crate::problem::Severity::Error => Fill::Red,
            crate::problem::Severity::Warning => Fill::PaleYellow,
        };
        g.styled(row, 9, p.severity.label(), Kind::Label, fill, Tone::Normal);
        row += 1;
    }
    row
}

/// 五、近期走势: the quarters in history, then this one, with the change of total.
fn trend(g: &mut Grid, a: &Assessment, r: &RegionResult, mut row: u32) -> u32 {
    g.section(row, "五、近期走势");
    row += 1;
    label(g, row, 0, 1, "季度");
    label(g, row, 1, 2, "总分");
    label(g, row, 3, 2, "较上季度");
    label(g, row, 5, 1, "排名");
    label(g, row, 6, 2, "等次或状态");
    label(g, row, 8, 2, "督办措施");
    row += 1;
    let mut past: Vec<&crate::record::QuarterRecord> =
        a.history.iter().filter(|h| h.code == r.code).collect();
    past.sort_by_key(|h| h.quarter);
    let measure_of = |held: &[crate::record::Held]| a.scheme.held_label(held);
    let mut rows: Vec<TrendRow> = past
        .iter()
        .map(|h| {
            let scored = h.scored();
            TrendRow {
                quarter: h.quarter.label(),
                total: scored.then_some(h.total),
                rank: scored.then_some(h.rank),
                grade: if scored {
                    h.grade.clone()
                } else {
                    h.status.label().to_string()
                },
                measure: measure_of(&h.flags),
            }
        })
        .collect();
    let now_flags: Vec<crate::record::Held> = a
        .flags
        .get(&r.code)
        .map(|f| {
            f.iter()
                .map(|x| crate::record::Held {
                    id: x.measure.id.clone(),
                    severity: Some(x.measure.severity),
                })
                .collect()
        })
        .unwrap_or_default();
    rows.push(TrendRow {
        quarter: a.quarter.label(),
        total: Some(r.total),
        rank: Some(r.rank),
        grade: r.grade.clone(),
        measure: measure_of(&now_flags),
    });
    let mut before: Option<f64> = None;
    for TrendRow {
        quarter,
        total,
        rank,
        grade,
        measure,
    } in rows
    {
        g.styled(row, 0, &quarter, Kind::Label, Fill::None, Tone::Normal);
        match total {
            Some(t) => g.num_span(row, 1, 2, t, Kind::Score),
            None => g.styled_span(row, 1, 2, "—", Kind::Label, Fill::None),
        }
        match (total, before) {
            (Some(t), Some(b)) => g.num_span(row, 3, 2, a.scheme.round(t - b), Kind::Change),
            _ => g.styled_span(row, 3, 2, "—", Kind::Label, Fill::None),
        }
        match rank {
            Some(k) => g.num(row, 5, f64::from(k), Kind::Int, Fill::None),
            None => g.styled(row, 5, "—", Kind::Label, Fill::None, Tone::Normal),
        }
        g.styled_span(row, 6, 2, &grade, Kind::Label, Fill::None);
        g.styled_span(row, 8, 2, &measure, Kind::Label, Fill::None);
        before = total;
        row += 1;
    }
    if past.is_empty() {
        g.para(row, 0, LAST_COL, "历史数据中没有本地区此前季度的记录。");
        row += 1;
    }
    row
}

/// One quarter of 近期走势; a quarter the region was not scored has no total or rank.
struct TrendRow {
    quarter: String,
    total: Option<f64>,
    rank: Option<u32>,
    /// 等次, or the status when not scored.
    grade: String,
    measure: String,
}

/// 六、整改事项: each indicator on which the region lost more than the threshold, most first,
/// with the policy basis the scheme cites.
fn rectifications(g: &mut Grid, a: &Assessment, r: &RegionResult, mut row: u32) -> u32 {
    let s = a.scheme;
    g.section(
        row,
        &format!(
            "六、整改事项（失分超过{}分的指标，按失分从多到少）",
            fmt_num(s.feedback.rectify_above)
        ),
    );
    row += 1;
    let list = standing::rectifications(s, r);
    if list.is_empty() && r.veto.is_none() {
        g.para(row, 0, LAST_COL, "无。各项指标失分均未超过整改线。");
        return row + 1;
    }
    label(g, row, 0, 1, "事项");
    label(g, row, 1, 1, "失分");
    label(g, row, 2, 4, "整改要求");
    label(g, row, 6, 4, "政策依据");
    row += 1;
    let or_dash = |t: &str| {
        if t.trim().is_empty() {
            "—".to_string()
        } else {
            t.to_string()
        }
    };
    let mut k = 0;
    // The veto first: it, not any indicator, is why the region is 不合格.
    if let Some(incident) = &r.veto {
        k += 1;
        let by = a
            .measure(&r.code)
            .and_then(|m| m.deadline)
            .map_or_else(String::new, |d| {
                format!("（{}前）", d.format("%Y年%-m月%-d日"))
            });
        g.text(row, 0, &format!("{k}. 一票否决：{incident}"), Fill::Red);
        g.styled(row, 1, "—", Kind::Label, Fill::None, Tone::Normal);
        g.styled_span(
            row,
            2,
            4,
            &format!("{}{by}", s.veto.action()),
            Kind::Text,
            Fill::None,
        );
        g.styled_span(row, 6, 4, &or_dash(&s.veto.source), Kind::Text, Fill::None);
        row += 1;
    }
    for (ind, lost) in &list {
        k += 1;
        g.text(row, 0, &format!("{k}. {}", ind.name), Fill::None);
        g.num(row, 1, *lost, Kind::Score, Fill::PaleYellow);
        g.styled_span(row, 2, 4, &ind.action(), Kind::Text, Fill::None);
        g.styled_span(row, 6, 4, &or_dash(&ind.source), Kind::Text, Fill::None);
        row += 1;
    }
    row
}

/// The closing lines and the office with the 制表日期, right-aligned.
fn closing(g: &mut Grid, a: &Assessment, row: u32) -> u32 {
    g.para(
        row,
        0,
        LAST_COL,
        &format!(
            "请对照以上失分指标和整改事项认真整改，并在下季度报送时一并报告整改情况。对本反馈单所列数据或评分有异议的，请及时与{}联系核实{}。",
            a.scheme.office.name,
            a.scheme
                .office
                .contact_note()
                .map_or_else(String::new, |c| format!("（{c}）"))
        ),
    );
    g.para_right(row + 1, 0, LAST_COL, &a.scheme.office.name);
    g.para_right(row + 2, 0, LAST_COL, &a.made_on());
    row + 2
}
