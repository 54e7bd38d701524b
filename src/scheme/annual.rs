//! `[annual]`: how the year's result (年度考核) is made from the quarters the history holds.

use serde::Deserialize;

/// The annual rule. Every key has a default, so a scheme without `[annual]` averages the four
/// quarters, counts a quarter without a valid submission as 0, grades by `[[grades]]` and
/// makes any quarter's 一票否决 the year's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnnualRule {
    /// Weights of the first to the fourth quarter; empty means the mean (each a quarter).
    pub weights: Vec<f64>,
    /// How a quarter without a valid submission (数据有误 or 未报送) counts.
    pub missing: Missing,
    /// Points taken off the mean of the other quarters, for `missing = "mean_minus"`.
    pub missing_deduction: f64,
    /// Any quarter's 一票否决 makes the year's 等次 `[veto] grade` and ranks the region after
    /// the others.
    pub veto_downgrade: bool,
    /// A region that held this measure (or a more serious one) in any quarter of the year is
    /// graded no better than `cap_grade`.
    pub cap_after: Option<String>,
    pub cap_grade: Option<String>,
    /// Whether the printed ranking shows ranks; `false` lists regions by 等次, then by code
    /// (排名不分前后).
    pub publish_ranks: bool,
    /// The share of the quarters in the year (1 when there are no annual items): "quarters 70%
    /// + 年终检查 30%" is 0.7 here and an item of weight 0.3.
    pub quarters_weight: f64,
    /// Figures from the province's 年度评定 file, each `weight × value` added to the year.
    pub items: Vec<AnnualItem>,
    /// 年度一票否决 from the 年度评定 file.
    pub veto: Option<AnnualVeto>,
    /// 等次 by rank instead of by score bands: the first `top` (or ⌈share × n⌉) ranked regions
    /// get the first quota's 等次, the next the second's …, ties at a boundary counted in.
    pub quotas: Vec<Quota>,
    /// The 等次 of the ranked regions after the quotas; a total in the last band (不合格) stays
    /// there.
    pub rest_grade: Option<String>,
    /// Annual measures (`[[annual.rules]]`): the ladder's rules on the year's result, with
    /// `years = m` for "this year and the m − 1 before".
    pub rules: Vec<super::ladder::RuleDef>,
}

/// Placeholders an annual rule's wording may use.
pub const ANNUAL_PLACEHOLDERS: [&str; 16] = [
    "year",
    "measure",
    "n",
    "total",
    "rank",
    "grade",
    "position",
    "k",
    "share",
    "threshold",
    "veto",
    "quarters",
    "years",
    "held",
    "deadline",
    "status",
];

/// One rank quota: `top` regions, or a `share` of the ranked regions, get `grade`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    pub grade: String,
    #[serde(default)]
    pub top: Option<u32>,
    #[serde(default)]
    pub share: Option<f64>,
}

impl Quota {
    /// How many of `n` ranked regions the quota takes.
    pub fn count(&self, n: usize) -> usize {
        match (self.top, self.share) {
            (Some(k), _) => usize::try_from(k).unwrap_or(usize::MAX).min(n),
            (None, Some(s)) => crate::decimal::share_ceil(s, n),
            (None, None) => 0,
        }
    }
}

/// A column of the 年度评定 file counted in the year: 年终检查得分 × 0.3, or 年度加减分 × 1.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualItem {
    pub column: String,
    /// As printed: 年终检查, 领导评价, 年度加减分.
    pub label: String,
    pub weight: f64,
    /// A column with the reason, printed beside the figure (年度加减分's 事由).
    #[serde(default)]
    pub reason_column: Option<String>,
}

/// The 年度评定 file's 是/否 column of 年度一票否决 and its 事由.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualVeto {
    pub column: String,
    pub reason_column: String,
}

impl Default for AnnualRule {
    fn default() -> AnnualRule {
        AnnualRule {
            weights: Vec::new(),
            missing: Missing::Zero,
            missing_deduction: 0.0,
            veto_downgrade: true,
            cap_after: None,
            cap_grade: None,
            publish_ranks: true,
            quarters_weight: 1.0,
            items: Vec::new(),
            veto: None,
            quotas: Vec::new(),
            rest_grade: None,
            rules: Vec::new(),
        }
    }
}

/// How a quarter without a valid submission counts in the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// As 0 points.
    Zero,
    /// As the region's lowest scored quarter of the year.
    Lowest,
    /// As the mean of its scored quarters less `missing_deduction`.
    MeanMinus,
}

impl AnnualRule {
    /// The weight of quarter `i` (0–3).
    pub fn weight(&self, i: usize) -> f64 {
        if self.weights.is_empty() {
            0.25
        } else {
            self.weights.get(i).copied().unwrap_or(0.0)
        }
    }

    /// Whether the year reads a 年度评定 file.
    pub fn needs_findings(&self) -> bool {
        !self.items.is_empty() || self.veto.is_some()
    }

    /// The combination in words: "四个季度总分的平均值" or "第一季度×20%＋…", with the share of
    /// the quarters and the annual items.
    pub fn describe(&self) -> String {
        let pct = |x: f64| format!("{}%", crate::text::fmt_num(x * 100.0));
        let quarters = if self.weights.is_empty() {
            "四个季度总分的平均值（各占25%）".to_string()
        } else {
            let names = ["第一季度", "第二季度", "第三季度", "第四季度"];
            names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{n}×{}", pct(self.weight(i))))
                .collect::<Vec<_>>()
                .join(" + ")
        };
        if self.items.is_empty() && (self.quarters_weight - 1.0).abs() < 1e-12 {
            return quarters;
        }
        let mut parts = vec![format!("（{quarters}）×{}", pct(self.quarters_weight))];
        for i in &self.items {
            parts.push(format!("{}×{}", i.label, crate::text::fmt_num(i.weight)));
        }
        parts.join(" + ")
    }

    /// How 等次 are set, in words, when by quotas: "前3名为优秀，其余为良好（按总分应为不合格的仍为不合格）".
    pub fn describe_quotas(&self) -> Option<String> {
        if self.quotas.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        let mut first = true;
        for q in &self.quotas {
            let what = match (q.top, q.share) {
                (Some(k), _) => format!("{}{k}名", if first { "前" } else { "其后" }),
                (None, Some(s)) => format!(
                    "{}{}%",
                    if first { "前" } else { "其后" },
                    crate::text::fmt_num(s * 100.0)
                ),
                _ => String::new(),
            };
            parts.push(format!("{what}为{}", q.grade));
            first = false;
        }
        Some(format!(
            "等次按名额：{}，其余为{}（名次并列的一并计入；总分在最低一档的仍为该等次，被否决或受限的地区按其规定）",
            parts.join("，"),
            self.rest_grade.as_deref().unwrap_or("")
        ))
    }

    /// How a missing quarter counts, in words.
    pub fn describe_missing(&self) -> String {
        match self.missing {
            Missing::Zero => "未报送或数据有误、未评分的季度按0分计".to_string(),
            Missing::Lowest => {
                "未报送或数据有误、未评分的季度按该地区本年度已评分季度中的最低分计".to_string()
            }
            Missing::MeanMinus => format!(
                "未报送或数据有误、未评分的季度按该地区本年度已评分季度的平均分减{}分计",
                crate::text::fmt_num(self.missing_deduction)
            ),
        }
    }

    /// Problems of `[[annual.rules]]`, each naming its key.
    fn rule_problems(&self, measures: &[&str], grades: &[String]) -> Vec<String> {
        use super::ladder::{placeholders, Condition};
        fn supported(c: &Condition) -> bool {
            match c {
                Condition::Grade(_)
                | Condition::TotalBelow(_)
                | Condition::Bottom(_)
                | Condition::BottomShare(_)
                | Condition::Veto
                | Condition::Held { .. }
                | Condition::Status { .. } => true,
                Condition::All(cs) | Condition::Any(cs) => cs.iter().all(supported),
                Condition::Not(c) => supported(c),
                _ => false,
            }
        }
        let mut p = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            let at = format!("annual.rules[{i}]（{}）", r.id);
            match (&r.measure, r.points) {
                (Some(m), None) if measures.contains(&m.as_str()) => {}
                (Some(m), None) => {
                    p.push(format!("{at}.measure：措施 {m} 未在 [[measures]] 中定义"))
                }
                _ => p.push(format!(
                    "{at}：年度规则应写 measure（提出的措施）；年度加减分请写在 annual.items"
                )),
            }
            match Condition::parse(&r.when, &format!("{at}.when")) {
                Err((_, m)) => p.push(m),
                Ok(c) => {
                    if !supported(&c) {
                        p.push(format!(
                            "{at}.when：年度规则可用的条件为 grade、total_below、bottom、bottom_share、veto、held（本年度有几个季度被某措施）、status 及其组合"
                        ));
                    }
                    if let Some(why) = c.never(grades) {
                        p.push(format!("{at}.when：规则永远不会触发：{why}"));
                    }
                    for m in c.measures() {
                        if !measures.contains(&m) {
                            p.push(format!("{at}.when：措施 {m} 未在 [[measures]] 中定义"));
                        }
                    }
                }
            }
            if r.years == Some(0) {
                p.push(format!("{at}.years：应不小于1"));
            }
            for text in [&r.name, &r.reason] {
                for ph in placeholders(text) {
                    if !ANNUAL_PLACEHOLDERS.contains(&ph) {
                        p.push(format!(
                            "{at}：占位符 {{{ph}}} 不是年度规则所能提供的（可用：{}）",
                            ANNUAL_PLACEHOLDERS.join("、")
                        ));
                    }
                }
            }
        }
        p
    }

    /// Problems, each naming its key.
    pub(super) fn problems(&self, grades: &[String], measures: &[&str]) -> Vec<String> {
        let mut p = Vec::new();
        if !self.weights.is_empty() {
            let sum: f64 = self.weights.iter().sum();
            if self.weights.len() != 4 {
                p.push(format!(
                    "annual.weights：应为四个季度的权重，实际为{}个",
                    self.weights.len()
                ));
            } else if (sum - 1.0).abs() > 1e-9 || self.weights.iter().any(|w| *w < 0.0) {
                p.push(format!(
                    "annual.weights：应为非负数且和为1，实际和为{}",
                    crate::text::fmt_num(sum)
                ));
            }
        }
        if !(self.quarters_weight.is_finite() && self.quarters_weight > 0.0) {
            p.push("annual.quarters_weight：应为正数".to_string());
        }
        for (i, item) in self.items.iter().enumerate() {
            if item.column.trim().is_empty() || item.label.trim().is_empty() {
                p.push(format!("annual.items[{i}]：column 与 label 不能为空"));
            }
            if !item.weight.is_finite() {
                p.push(format!("annual.items[{i}].weight：应为数值"));
            }
        }
        for (i, q) in self.quotas.iter().enumerate() {
            if !grades.contains(&q.grade) {
                p.push(format!("annual.quotas[{i}].grade：等次 {} 不存在", q.grade));
            }
            match (q.top, q.share) {
                (Some(_), None) => {}
                (None, Some(s)) if s > 0.0 && s <= 1.0 => {}
                (None, Some(_)) => {
                    p.push(format!("annual.quotas[{i}].share：应大于0且不超过1"));
                }
                _ => p.push(format!(
                    "annual.quotas[{i}]：应写 top（名额）或 share（比例）二者之一"
                )),
            }
        }
        match (&self.rest_grade, self.quotas.is_empty()) {
            (Some(g), false) if !grades.contains(g) => {
                p.push(format!("annual.rest_grade：等次 {g} 不存在"));
            }
            (None, false) => p.push(
                "annual.rest_grade：按名额定等次（quotas）时应写明其余地区的等次".to_string(),
            ),
            (Some(_), true) => {
                p.push("annual.rest_grade：只在按名额定等次（quotas）时使用".to_string());
            }
            _ => {}
        }
        p.extend(self.rule_problems(measures, grades));
        if !self.missing_deduction.is_finite() || self.missing_deduction < 0.0 {
            p.push("annual.missing_deduction：应为非负数".to_string());
        }
        match (&self.cap_after, &self.cap_grade) {
            (Some(m), Some(g)) => {
                if !measures.contains(&m.as_str()) {
                    p.push(format!(
                        "annual.cap_after：措施 {m} 未在 [[measures]] 中定义"
                    ));
                }
                if !grades.contains(g) {
                    p.push(format!("annual.cap_grade：等次 {g} 不存在"));
                }
            }
            (None, None) => {}
            _ => p.push("annual.cap_after 与 annual.cap_grade 应同时写或同时不写".to_string()),
        }
        p
    }
}
