//! The prose sections of 评分说明: 五、预警与督办 (the flag rules) and 六、统计方法 (the
//! statistics with the scheme's settings).

use super::{section, LAST_COL};
use crate::report::legend;
use crate::report::style::Grid;
use crate::report::Assessment;
use crate::scheme::Scheme;
use crate::text::fmt_num;

/// 五、预警与督办: the flag rules, a paragraph each.
pub(super) fn flag_section(g: &mut Grid, a: &Assessment, mut row: u32) -> u32 {
    row = section(g, row, "五、预警与督办");
    for text in flag_rules(a) {
        g.para(row, 0, LAST_COL, &text);
        row += 1;
    }
    row + 1
}

/// 六、统计方法: the statistics, a paragraph each.
pub(super) fn statistics_section(g: &mut Grid, s: &Scheme, mut row: u32) -> u32 {
    row = section(g, row, "六、统计方法");
    for text in statistics(s) {
        g.para(row, 0, LAST_COL, &text);
        row += 1;
    }
    row + 1
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
            .map(|(m, rule)| format!("{}：{rule}。", m.label)),
    );
    out.extend(
        legend::point_rules(a.scheme)
            .into_iter()
            .map(|rule| format!("加减分：{rule}（计入总分，在分项得分中单列）。")),
    );
    let order: Vec<&str> = a
        .scheme
        .measures_by_severity()
        .into_iter()
        .map(|m| m.label.as_str())
        .collect();
    out.push(format!(
        "每个地区只有一项督办措施，取最严重的一类（{}）；触发的每条规则都写入同一句情况说明，按升级的先后叙述，并列出数据。",
        order.join(" > ")
    ));
    out.push(
        "数据有误，退回修改与未报送是报送状态，不是督办措施：这些地区不评分，列于排名最后。"
            .to_string(),
    );
    out.push(format!("颜色：{}。", legend::colours(a.scheme)));
    out
}

/// The statistics in words, with the scheme's settings.
fn statistics(s: &Scheme) -> Vec<String> {
    let st = &s.statistics;
    let whole = s.office.whole();
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
            "漏斗图（Spiegelhalter 2005）：{}。目标值为{whole}合计率；比例取反正弦平方根、发生率取平方根后，分母为 n 的地区标准误 s = 1/(2√n)，控制限为 目标 ± z·√(s² + τ²)，z 取 {} 和 {} 的双侧正态分位数。",
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
            "数据异常，请核实：各地区“件/万户”类指标（取对数）与{whole}中位数相比，比例类指标较上季度的变化（本季度分母不少于{}）与{whole}变化中位数相比，稳健z值 = (x − 中位数)/(1.4826 × MAD) 的绝对值（提示中称“偏离程度为各地区通常差异的N倍”）超过{}即提示；参与比较的地区少于{}个时不提示。只提示，不影响得分。",
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
