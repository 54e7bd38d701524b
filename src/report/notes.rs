//! 评分说明: how the scores were made, so that a reader can check any figure without the engine:
//! the scheme (id, version, indicators, rules, bonus, deductions, veto, grades, flag rules), the
//! engine version, the quarter, the run time and every input file with its SHA-256.

use super::legend;
use super::style::{Fill, Grid, Kind};
use super::{Assessment, Regions};
use crate::scheme::{DeductionSource, Quantity, Scheme, ValueDef, ValueKind};
use crate::text::fmt_num;
use rust_xlsxwriter::{Worksheet, XlsxError};

pub(super) const NAME: &str = "评分说明";

const INDICATOR_HEADERS: [&str; 8] = [
    "编号",
    "一级指标",
    "二级指标",
    "分值",
    "指标值",
    "评分规则",
    "无数据时",
    "依据",
];
/// Column A is at least this wide, for the keys and the first column of the smaller tables.
const MIN_FIRST_COL: f64 = 14.0;

/// The sheet is as wide as the indicator table; every paragraph wraps within it.
const LAST_COL: u16 = INDICATOR_HEADERS.len() as u16 - 1;
/// Widths of the indicator table's text columns.
const WIDTHS: [(u16, f64); 4] = [(4, 28.0), (5, 30.0), (6, 16.0), (7, 24.0)];

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    let s = a.scheme;
    let mut g = Grid::new();
    g.title(&a.title(NAME), &a.subtitle(), LAST_COL);
    for (col, w) in WIDTHS {
        g.set_width(col, w);
    }
    let mut row: u32 = 3;

    // Only the indicator table sizes the columns; the other tables wrap within them.
    g.set_fitting(false);
    let scored = a.regions.iter().filter(|r| r.is_scored()).count();
    let province = match a.findings.warning(s) {
        Some(warning) => warning,
        None => a
            .files
            .iter()
            .find(|f| f.status == crate::submission::STATUS)
            .map_or_else(
                || "已计入".to_string(),
                |f| format!("已计入（{}，校验值见下文“七、输入文件”）", f.file),
            ),
    };
    let facts: [(&str, String); 10] = [
        ("指标体系", s.name.clone()),
        ("方案编号", s.id.clone()),
        ("方案版本", s.version.clone()),
        ("引擎版本", format!("kaoping {}", env!("CARGO_PKG_VERSION"))),
        (
            "考核季度",
            format!("{}（{}）", a.quarter, a.quarter.label()),
        ),
        ("评分时间", a.run_time.clone()),
        (
            "满分",
            format!("{}分（另设加分、扣分和一票否决）", fmt_num(s.total_points)),
        ),
        (
            "参评地区",
            format!("共{}个，有效报送并评分{}个", a.regions.len(), scored),
        ),
        ("省级评定", province),
        (
            "报送截止",
            format!(
                "{}（季度结束后次月{}日）",
                a.quarter.deadline(s.deadline_day).format("%Y-%m-%d"),
                s.deadline_day
            ),
        ),
    ];
    for (key, value) in &facts {
        g.section(row, key);
        g.para(row, 1, LAST_COL, value);
        row += 1;
    }
    if let Some(notice) = a.rerun_notice() {
        g.section(row, "需重新评分");
        g.para(row, 1, LAST_COL, &notice);
        row += 1;
    }
    row += 1;

    row = section(&mut g, row, "一、指标及评分规则");
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

    row = section(
        &mut g,
        row,
        &format!("二、加分（合计不超过{}分）", fmt_num(s.bonus.cap)),
    );
    g.header(row, &["项目", "填报项", "每次加分"], 0.0);
    row += 1;
    for b in &s.bonus.items {
        g.text(row, 0, &b.label, fill);
        g.text(row, 1, &field_label(s, &b.field), fill);
        g.num(row, 2, b.points, Kind::General, fill);
        row += 1;
    }
    row += 1;

    row = section(&mut g, row, "三、扣分（不设上限）");
    g.header(row, &["项目", "依据", "扣分"], 0.0);
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
        g.text(row, 0, &d.label, fill);
        g.text(row, 1, &basis, fill);
        g.num(row, 2, d.points, Kind::General, fill);
        row += 1;
    }
    row += 1;

    row = section(&mut g, row, "四、总分、一票否决、等次与排名");
    let rules = [
        format!(
            "总分 = 各指标得分之和 + 加分 − 扣分（可低于0）。每项指标得分、加分和扣分在计算时按四舍五入保留{}位小数（方案的 decimals），分组小计和总分是这些已取舍数字之和，排名、并列和等次都按取舍后的总分，因此表中数字逐项相加与总分一致。",
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
    g.header(row, &["等次", "总分"], 0.0);
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
        g.text(row, 0, &grade.name, fill);
        g.text(row, 1, &band, fill);
        row += 1;
    }
    row += 1;

    row = section(&mut g, row, "五、预警与督办");
    for text in flag_rules(a) {
        g.para(row, 0, LAST_COL, &text);
        row += 1;
    }
    row += 1;

    row = section(&mut g, row, "六、统计方法");
    for text in statistics(s) {
        g.para(row, 0, LAST_COL, &text);
        row += 1;
    }
    row += 1;

    row = section(&mut g, row, "七、输入文件");
    g.header(row, &["文件", "地区", "状态", "SHA-256"], 0.0);
    row += 1;
    let regions = Regions::new(&a.regions);
    for f in &a.files {
        let region = f
            .region_code
            .as_deref()
            .map(|c| regions.label(c))
            .unwrap_or_default();
        g.text(row, 0, &f.file, fill);
        g.text(row, 1, &region, fill);
        g.text(row, 2, &f.status, fill);
        // The hash across the rest of the row, so it prints whole.
        g.styled_span(row, 3, LAST_COL - 2, &f.sha256, Kind::Text, fill);
        row += 1;
    }

    let mut page = a.document_page();
    page.print_area = Some((row.saturating_sub(1), LAST_COL));
    g.render(ws, &page)
}

/// A section heading; returns the next row.
fn section(g: &mut Grid, row: u32, title: &str) -> u32 {
    g.section(row, title);
    row + 1
}

/// "S01 侵权假冒行政处罚案件数".
fn field_label(s: &Scheme, code: &str) -> String {
    match s.field(code) {
        Some(f) => format!("{} {}", f.code, f.name),
        None => code.to_string(),
    }
}

/// How an indicator's value is computed, in words.
fn describe_value(s: &Scheme, v: &ValueDef) -> String {
    match v {
        ValueDef::Field { field } => {
            let yes_no = s.field(field).is_some_and(|f| f.kind == ValueKind::YesNo);
            if yes_no {
                format!("{}（是=1，否=0）", field_label(s, field))
            } else {
                field_label(s, field)
            }
        }
        ValueDef::PerUnit { field } => {
            let unit = if (s.per_unit - 10_000.0).abs() < 1e-9 {
                "万户".to_string()
            } else {
                format!("{}户", fmt_num(s.per_unit))
            };
            format!("{} ÷ 市场主体数（{}）", field_label(s, field), unit)
        }
        ValueDef::ShareNonzero { fields } => {
            format!("{}中大于0的项数 ÷ {}", fields.join("、"), fields.len())
        }
        ValueDef::Ratio {
            numerator,
            denominator,
        } => format!(
            "{} ÷ {}，不超过100%",
            describe_quantity(s, numerator),
            describe_quantity(s, denominator)
        ),
        ValueDef::Province { column, divide_by } => {
            format!("{}“{}” ÷ {}", s.province.file, column, fmt_num(*divide_by))
        }
    }
}

/// A numerator or denominator in words: a field, or a count or sum over ledger rows.
fn describe_quantity(s: &Scheme, q: &Quantity) -> String {
    if let Some(f) = &q.field {
        return field_label(s, f);
    }
    let Some(id) = &q.ledger else {
        return String::new();
    };
    let sheet = s.ledger(id).map_or(id.as_str(), |l| l.sheet.as_str());
    let what = match &q.sum {
        Some(col) => format!("{sheet}“{col}”合计"),
        None => format!("{sheet}行数"),
    };
    let conditions: Vec<String> = q
        .filter
        .iter()
        .map(|f| {
            if let Some(v) = &f.equals {
                format!("{}为“{}”", f.column, v)
            } else if f.not_empty {
                format!("{}已填", f.column)
            } else if f.in_quarter {
                format!("{}在本季度内", f.column)
            } else if let Some(days) = f.within_working_days {
                format!(
                    "{}在{}后{}个工作日内",
                    f.column,
                    f.from.as_deref().unwrap_or(""),
                    days
                )
            } else {
                f.column.clone()
            }
        })
        .collect();
    if conditions.is_empty() {
        what
    } else {
        format!("{what}（{}）", conditions.join("且"))
    }
}

/// The scheme's flag rules as sentences.
fn flag_rules(a: &Assessment) -> Vec<String> {
    let n = a.regions.iter().filter(|r| r.is_scored()).count();
    let mut out = vec![format!(
        "n 为本季度有效报送的地区数（含被一票否决的地区），本季度 n = {n}；“末位 k 名”含在边界上并列的地区。"
    )];
    out.extend(
        legend::measure_rules(a)
            .into_iter()
            .map(|(kind, rule)| format!("{}：{rule}。", kind.label())),
    );
    out.push(
        "每个地区只有一项督办措施，取最严重的一类（一票否决 > 挂牌督办 > 约谈 > 通报 > 预警）；触发的每条规则都写入同一句情况说明，按升级的先后叙述，并列出数据。"
            .to_string(),
    );
    out.push(
        "数据有误，退回修改与未报送是报送状态，不是督办措施：这些地区不评分，列于排名最后。"
            .to_string(),
    );
    out.push(format!("颜色：{}。", legend::COLOURS));
    out
}

/// The statistics in words, with the scheme's settings.
fn statistics(s: &Scheme) -> Vec<String> {
    let st = &s.statistics;
    let pct = |x: f64| format!("{}%", fmt_num(x * 100.0));
    let models: Vec<String> = st
        .funnel
        .indicators
        .iter()
        .map(|f| {
            let model = match f.model {
                crate::scheme::FunnelModel::Binomial => "二项模型",
                crate::scheme::FunnelModel::Poisson => "泊松模型",
            };
            let bad = match f.bad {
                crate::scheme::BadSide::Low => "偏低为不利",
                crate::scheme::BadSide::High => "偏高为不利",
            };
            format!("{}（{model}，{bad}）", f.id)
        })
        .collect();
    let r = &st.rank_interval;
    vec![
        format!(
            "漏斗图（Spiegelhalter 2005）：{}。目标值为全省合计率；比例取反正弦平方根、发生率取平方根后，分母为 n 的地区标准误 s = 1/(2√n)，控制限为 目标 ± z·√(s² + τ²)，z 取 {} 和 {} 的双侧正态分位数。",
            if models.is_empty() { "未设置".to_string() } else { models.join("、") },
            pct(st.funnel.levels[0]),
            pct(st.funnel.levels[1])
        ),
        format!(
            "过度离散：各地区 z 值两端各缩尾{}后，φ = z² 的均值；{}当 I·φ > I − 1 时，τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw)，w = 1/s²（I 为地区数）。",
            pct(st.funnel.winsorise),
            if st.funnel.overdispersion { "" } else { "（本方案不做校正，τ² = 0）" }
        ),
        format!(
            "数据异常，请核实：各地区“件/万户”类指标（取对数）与全省中位数相比，比例类指标较上季度的变化（本季度分母不少于{}）与全省变化中位数相比，稳健z值 = (x − 中位数)/(1.4826 × MAD) 的绝对值超过{}即提示；参与比较的地区少于{}个时不提示。只提示，不影响得分。",
            fmt_num(st.anomaly.min_denominator),
            fmt_num(st.anomaly.threshold),
            st.anomaly.min_regions
        ),
        format!(
            "排名区间：各指标分值乘以 U({}, {}) 后按比例调整回原满分，重新计算总分和名次，共抽样{}次（随机数种子{}，结果可重现）；取每个地区名次的第{}至第{}百分位（最近秩法）。区间相互重叠的地区，名次差别并不可靠。",
            fmt_num(1.0 - r.spread),
            fmt_num(1.0 + r.spread),
            r.draws,
            r.seed,
            fmt_num(r.percentiles[0]),
            fmt_num(r.percentiles[1])
        ),
    ]
}
