//! The scheme's tables on 评分说明: 一、indicators and their rules, 二、bonus, 三、deductions and
//! 四、the total, the veto, the grades and the ranking.

use super::values::{describe_value, field_label};
use super::{section, INDICATOR_HEADERS, LAST_COL, MIN_FIRST_COL};
use crate::report::style::{Fill, Grid, Kind};
use crate::scheme::{DeductionSource, Scheme, ValueKind};
use crate::text::fmt_num;

/// 一、指标及评分规则: one row per indicator and the total; this table alone sizes the columns.
pub(super) fn indicator_section(g: &mut Grid, s: &Scheme, mut row: u32) -> u32 {
    row = section(g, row, "一、指标及评分规则");
    g.set_fitting(true);
    g.fit(0, MIN_FIRST_COL);
    g.header(row, &INDICATOR_HEADERS, 12.0);
    row += 1;
    let fill = Fill::None;
    for ind in &s.indicators {
        let group = s
            .group(&ind.group)
            .map_or(ind.group.as_str(), |g| g.name.as_str());
        g.text(row, 0, &ind.id, fill);
        g.text(row, 1, group, fill);
        g.text(row, 2, &ind.name, fill);
        g.num(row, 3, ind.points, Kind::General, fill);
        g.text(row, 4, &describe_value(s, &ind.value), fill);
        g.text(row, 5, &ind.rule.describe(), fill);
        g.text(row, 6, ind.when_empty.map_or("—", |e| e.describe()), fill);
        g.text(row, 7, &ind.source, fill);
        row += 1;
    }
    g.text(row, 0, "合计", fill);
    for col in [1, 2, 4, 5, 6, 7] {
        g.blank(row, col, fill);
    }
    g.num(row, 3, s.total_points, Kind::General, fill);
    row += 2;
    g.set_fitting(false);
    row
}

/// The columns (first, span) of the small tables (bonus, deductions, grades) over the indicator
/// table's: an item across 编号–二级指标, its basis across 分值–评分规则, its points across the
/// rest. In the indicator table's narrow columns they wrapped a word a line (issue 24).
const SMALL_COLUMNS: [(u16, u16); 3] = [(0, 3), (3, 3), (6, 2)];

fn small_header(g: &mut Grid, row: u32, headers: [&str; 3]) {
    for ((col, span), h) in SMALL_COLUMNS.into_iter().zip(headers) {
        g.header_span(row, col, span, h);
    }
}

fn small_row(g: &mut Grid, row: u32, item: &str, basis: &str, points: f64) {
    let [(a, a_span), (b, b_span), (c, c_span)] = SMALL_COLUMNS;
    g.styled_span(row, a, a_span, item, Kind::Text, Fill::None);
    g.styled_span(row, b, b_span, basis, Kind::Text, Fill::None);
    g.num_span(row, c, c_span, points, Kind::General);
}

/// 二、加分: one row per bonus item.
pub(super) fn bonus_section(g: &mut Grid, s: &Scheme, mut row: u32) -> u32 {
    row = section(
        g,
        row,
        &format!("二、加分（合计不超过{}分）", fmt_num(s.bonus.cap)),
    );
    small_header(g, row, ["项目", "填报项", "每次加分"]);
    row += 1;
    for b in &s.bonus.items {
        small_row(g, row, &b.label, &field_label(s, &b.field), b.points);
        row += 1;
    }
    row + 1
}

/// 三、扣分: one row per deduction, with what it is based on.
pub(super) fn deduction_section(g: &mut Grid, s: &Scheme, mut row: u32) -> u32 {
    row = section(g, row, "三、扣分（不设上限）");
    small_header(g, row, ["项目", "依据", "扣分"]);
    row += 1;
    for d in &s.deductions.items {
        let basis = match (d.source, &d.column) {
            (DeductionSource::Late, _) => format!(
                "填报日期晚于报送截止日（季度结束后次月{}日）",
                s.deadline_day
            ),
            (DeductionSource::Province, Some(c)) => {
                let yes_no = s
                    .province
                    .columns
                    .iter()
                    .any(|pc| pc.name == *c && pc.kind == ValueKind::YesNo);
                if yes_no {
                    format!("{}“{}”为“是”", s.province.file, c)
                } else {
                    format!("{}“{}”，每次", s.province.file, c)
                }
            }
            (DeductionSource::Province, None) => s.province.file.clone(),
        };
        small_row(g, row, &d.label, &basis, d.points);
        row += 1;
    }
    row + 1
}

/// 四、总分、一票否决、等次与排名: the rules as paragraphs, then the grade bands.
pub(super) fn total_section(g: &mut Grid, s: &Scheme, mut row: u32) -> u32 {
    let fill = Fill::None;
    row = section(g, row, "四、总分、一票否决、等次与排名");
    let rules = [
        format!(
            "总分 = {}（可低于0）。每项指标得分、加分和扣分在计算时按四舍五入保留{}位小数（指标体系中设定），分组小计和总分是这些已取舍数字之和，排名、并列和等次都按取舍后的总分，因此表中数字逐项相加与总分一致。",
            super::super::legend::total_formula(s),
            s.decimals
        ),
        "相对评价的指标（与最优地区之比、极差标准化、百分位）只在本季度有效报送的地区之间比较。".to_string(),
        format!(
            "一票否决：{}中“{}”为“是”的地区，等次定为“{}”，不论得分；否决事由见“{}”列（国办发〔2017〕46号（二十二））。",
            s.province.file, s.veto.column, s.veto.grade, s.veto.reason_column
        ),
        "排名：有效报送且未被否决的地区按总分从高到低排名，总分相同的名次并列、其后名次顺延（如1、2、2、4）；其后为被一票否决的地区（按总分）；未报送或数据有误的地区列于最后，名次并列。".to_string(),
    ];
    for text in &rules {
        g.para(row, 0, LAST_COL, text);
        row += 1;
    }
    row += 1;
    let [(first, first_span), (second, second_span), _] = SMALL_COLUMNS;
    g.header_span(row, first, first_span, "等次");
    g.header_span(row, second, second_span, "总分");
    row += 1;
    for (i, grade) in s.grades.iter().enumerate() {
        let above = i.checked_sub(1).and_then(|p| s.grades.get(p));
        let band = if i + 1 < s.grades.len() {
            format!("{}分及以上", fmt_num(grade.min))
        } else if let Some(above) = above {
            format!("低于{}分", fmt_num(above.min))
        } else {
            "任意".to_string()
        };
        g.styled_span(row, first, first_span, &grade.name, Kind::Text, fill);
        g.styled_span(row, second, second_span, &band, Kind::Text, fill);
        row += 1;
    }
    row + 1
}
