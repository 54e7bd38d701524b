//! The indicator system, read from a TOML file (`templates/scheme-2020.toml` by default).
//!
//! Everything the engine knows about fields, ledgers, indicators, rules, bonus, deductions, veto,
//! grades and flag rules comes from here, so a province changes the assessment by editing the file.
//! Loading validates it; every problem names the key it is about, in Chinese.

use crate::text::fmt_num;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The scheme shipped with the engine.
pub const BUILTIN_SCHEME: &str = include_str!("../templates/scheme-2020.toml");

/// A scheme that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    #[error("无法读取指标体系文件 {path}：{source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("指标体系文件格式错误：{0}")]
    Parse(String),
    #[error("指标体系校验失败：{}", .0.join("；"))]
    Invalid(Vec<String>),
}

/// The whole indicator system.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub id: String,
    pub version: String,
    pub name: String,
    pub total_points: f64,
    /// Decimal places of every published score: each indicator score, the bonus and the
    /// deductions are rounded half away from zero to this many places when computed, and
    /// subtotals and totals are sums of the rounded figures (default 2).
    #[serde(default = "default_decimals")]
    pub decimals: u32,
    /// The office that issues the ranking, named in every sheet's title (e.g.
    /// 广东省打击侵权假冒工作领导小组办公室).
    #[serde(default = "default_office")]
    pub office: String,
    pub big_case_threshold: f64,
    pub deadline_day: u32,
    pub per_unit: f64,
    pub ledger_rows: u32,
    pub fields: Vec<FieldDef>,
    pub work_items: Vec<FieldDef>,
    pub ledgers: Vec<LedgerDef>,
    pub province: ProvinceDef,
    pub groups: Vec<GroupDef>,
    pub indicators: Vec<Indicator>,
    pub bonus: Bonus,
    pub deductions: Deductions,
    pub veto: Veto,
    pub grades: Vec<Grade>,
    pub flags: FlagRules,
    /// Funnel limits, anomaly warnings and rank intervals; defaults when the file has none.
    #[serde(default)]
    pub statistics: Statistics,
}

fn default_decimals() -> u32 {
    2
}

fn default_office() -> String {
    "省打击侵权假冒工作领导小组办公室".to_string()
}

impl Scheme {
    /// The columns of ledger `ledger` that scoring or a ledger check reads: a value in any other
    /// column cannot change a score, so a bad value there is a warning, not an error.
    pub fn scored_columns(&self, ledger: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |c: &str| {
            if !out.iter().any(|x| x == c) {
                out.push(c.to_string());
            }
        };
        for ind in &self.indicators {
            if let ValueDef::Ratio {
                numerator,
                denominator,
            } = &ind.value
            {
                for q in [numerator, denominator] {
                    if q.ledger.as_deref() != Some(ledger) {
                        continue;
                    }
                    if let Some(sum) = &q.sum {
                        add(sum);
                    }
                    for f in &q.filter {
                        add(&f.column);
                        if let Some(from) = &f.from {
                            add(from);
                        }
                    }
                }
            }
        }
        if let Some(def) = self.ledgers.iter().find(|l| l.id == ledger) {
            for s in &def.sums_equal {
                add(&s.column);
            }
        }
        out
    }

    /// `v` rounded half away from zero (四舍五入) to the scheme's `decimals`.
    pub fn round(&self, v: f64) -> f64 {
        round_half_away(v, self.decimals)
    }
}

/// `v` rounded half away from zero to `decimals` places, as a person rounds the decimal figure
/// (2.675 → 2.68, although the nearest double to 2.675 lies just below it).
pub fn round_half_away(v: f64, decimals: u32) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(decimals as i32);
    let x = v.abs() * scale;
    // A value within a few ulps of a half is that half: the binary form of a decimal like 2.675
    // is slightly below it, and a sum of such numbers drifts by a few ulps more.
    let nudge = x * 4.0 * f64::EPSILON;
    let out = (x + nudge).round() / scale;
    // No "−0.00": a negative value that rounds to zero is zero.
    if v < 0.0 && out > 0.0 {
        -out
    } else {
        out
    }
}

/// What kind of value a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    /// Whole number ≥ 0.
    Count,
    /// Decimal ≥ 0.
    Amount,
    /// 是/否.
    YesNo,
    /// Free text.
    Text,
    /// A calendar date.
    Date,
    /// One of a list of texts.
    Choice,
}

impl ValueKind {
    /// How the kind is described to a person.
    pub fn describe(self) -> &'static str {
        match self {
            ValueKind::Count => "非负整数",
            ValueKind::Amount => "非负数",
            ValueKind::YesNo => "“是”或“否”",
            ValueKind::Text => "文本",
            ValueKind::Date => "日期",
            ValueKind::Choice => "下拉列表中的选项",
        }
    }
}

/// A field of 汇总指标 or a row of 工作情况.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    pub kind: ValueKind,
    /// The field may not exceed this other field.
    #[serde(default)]
    pub le: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// A ledger sheet.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerDef {
    pub id: String,
    pub sheet: String,
    #[serde(default)]
    pub note: String,
    /// The number of rows must equal this summary field.
    #[serde(default)]
    pub rows_equal: Option<String>,
    /// The number of rows may not exceed this summary field.
    #[serde(default)]
    pub rows_at_most: Option<String>,
    /// Columns whose sum must equal a summary field.
    #[serde(default)]
    pub sums_equal: Vec<SumEqual>,
    pub columns: Vec<ColumnDef>,
}

/// A ledger column whose sum must equal a summary field (to the cent).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SumEqual {
    pub column: String,
    pub field: String,
}

/// A column of a ledger or of 省级评定.csv.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    pub name: String,
    pub kind: ValueKind,
    #[serde(default)]
    pub required: bool,
    /// Values may not repeat within the ledger.
    #[serde(default)]
    pub key: bool,
    /// The date must fall within the quarter.
    #[serde(default)]
    pub in_quarter: bool,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub max: Option<f64>,
    /// A date that may not come before the date in this other column of the row.
    #[serde(default)]
    pub not_before: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// 省级评定.csv, the province's own findings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvinceDef {
    pub file: String,
    pub columns: Vec<ColumnDef>,
}

/// An indicator group (一级指标).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub id: String,
    pub name: String,
}

/// An indicator (二级指标).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub group: String,
    pub name: String,
    pub points: f64,
    pub value: ValueDef,
    pub rule: Rule,
    #[serde(default)]
    pub when_empty: Option<WhenEmpty>,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub source: String,
}

/// How an indicator's value is computed.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ValueDef {
    /// The field itself (是 = 1, 否 = 0).
    Field { field: String },
    /// The field per `per_unit` market entities of the registry.
    PerUnit { field: String },
    /// Share of the listed fields that are above zero.
    ShareNonzero { fields: Vec<String> },
    /// Numerator ÷ denominator, capped at 1.
    Ratio {
        numerator: Quantity,
        denominator: Quantity,
    },
    /// A column of 省级评定.csv divided by `divide_by`.
    Province { column: String, divide_by: f64 },
}

/// A number taken from a submission: a field, or a count or sum over ledger rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub ledger: Option<String>,
    #[serde(default)]
    pub sum: Option<String>,
    #[serde(default)]
    pub filter: Vec<Filter>,
}

/// A condition on a ledger row.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    pub column: String,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub not_empty: bool,
    #[serde(default)]
    pub in_quarter: bool,
    /// The column's date is at most this many working days after the `from` column's date.
    #[serde(default)]
    pub within_working_days: Option<i64>,
    #[serde(default)]
    pub from: Option<String>,
}

/// A scoring rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    Checklist,
    Linear,
    Target {
        target: f64,
        per_point: f64,
    },
    RatioToBest {
        #[serde(default)]
        inverted: bool,
    },
    MinMax {
        #[serde(default)]
        inverted: bool,
    },
    Percentile {
        #[serde(default)]
        inverted: bool,
    },
}

impl Rule {
    /// Whether the rule compares regions with each other.
    pub fn is_relative(&self) -> bool {
        matches!(
            self,
            Rule::RatioToBest { .. } | Rule::MinMax { .. } | Rule::Percentile { .. }
        )
    }

    /// The rule in a short Chinese phrase, for 评分说明.
    pub fn describe(&self) -> String {
        let inv = |b: bool| if b { "（逆向，越低越好）" } else { "" };
        match self {
            Rule::Checklist => "是得满分，否得0分".to_string(),
            Rule::Linear => "分值 × 指标值".to_string(),
            Rule::Target { target, per_point } => format!(
                "目标值{}%，每低1个百分点扣{}分",
                fmt_num(target * 100.0),
                fmt_num(*per_point)
            ),
            Rule::RatioToBest { inverted } => format!("与最优地区之比{}", inv(*inverted)),
            Rule::MinMax { inverted } => format!("极差标准化{}", inv(*inverted)),
            Rule::Percentile { inverted } => format!("百分位{}", inv(*inverted)),
        }
    }
}

/// What happens when an indicator's denominator is zero or its value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenEmpty {
    Full,
    Zero,
    Exclude,
}

impl WhenEmpty {
    /// A note for the workbook.
    pub fn describe(self) -> &'static str {
        match self {
            WhenEmpty::Full => "分母为0，按满分计",
            WhenEmpty::Zero => "分母为0，按0分计",
            WhenEmpty::Exclude => "无数据，不计（同组其他指标按比例折算）",
        }
    }
}

/// Bonus points (加分), capped.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    pub cap: f64,
    pub items: Vec<BonusItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BonusItem {
    pub field: String,
    pub points: f64,
    pub label: String,
}

/// Deductions (扣分), not capped.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deductions {
    pub items: Vec<DeductionItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeductionItem {
    pub source: DeductionSource,
    #[serde(default)]
    pub column: Option<String>,
    pub points: f64,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeductionSource {
    Province,
    Late,
}

/// 一票否决.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    pub column: String,
    pub reason_column: String,
    pub grade: String,
}

/// A grade band (等次).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    pub name: String,
    pub min: f64,
}

/// Flag rules (预警与督办).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagRules {
    pub warn_share: f64,
    pub notify_share: f64,
    pub notify_grades: Vec<String>,
    pub interview_after: u32,
    pub supervise_after: u32,
    pub supervise_min_gain: f64,
    pub rectify_days: i64,
}

/// Settings of the statistics (漏斗图, 数据异常, 排名区间).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Statistics {
    pub funnel: FunnelSettings,
    pub anomaly: AnomalySettings,
    pub rank_interval: RankIntervalSettings,
}

/// Funnel limits (Spiegelhalter 2005) for indicators whose denominators differ widely.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FunnelSettings {
    /// The inner and outer limit, as two-sided coverage (0.95 and 0.998).
    pub levels: [f64; 2],
    /// Share of z-scores winsorised at each end before φ is estimated.
    pub winsorise: f64,
    /// Whether an additive random-effects τ² widens the limits when φ shows overdispersion.
    pub overdispersion: bool,
    /// Consecutive quarters beyond the outer limit on the bad side that lead to 约谈.
    pub interview_after: u32,
    pub indicators: Vec<FunnelIndicator>,
}

impl Default for FunnelSettings {
    fn default() -> FunnelSettings {
        FunnelSettings {
            levels: [0.95, 0.998],
            winsorise: 0.10,
            overdispersion: true,
            interview_after: 2,
            indicators: Vec::new(),
        }
    }
}

/// One indicator that gets funnel limits.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunnelIndicator {
    pub id: String,
    pub model: FunnelModel,
    /// Which side of the limits is bad.
    pub bad: BadSide,
    /// What persistently being beyond the outer limit means, e.g. 问题长期高发.
    #[serde(default)]
    pub label: String,
}

/// The sampling model of a funnel indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelModel {
    /// A proportion: numerator cases out of denominator cases.
    Binomial,
    /// An incidence: a count over an exposure (e.g. per 万户).
    Poisson,
}

/// The side of a funnel that is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadSide {
    Low,
    High,
}

/// Robust z-scores that raise 数据异常，请核实 warnings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnomalySettings {
    /// |robust z| above this is an anomaly (Iglewicz and Hoaglin suggest 3.5).
    pub threshold: f64,
    /// Fewer regions than this give no warnings (a median of a handful is no yardstick).
    pub min_regions: usize,
    /// A rate's change is only judged when its denominator is at least this (1 case of 1 swings
    /// between 0% and 100% by chance).
    pub min_denominator: f64,
}

impl Default for AnomalySettings {
    fn default() -> AnomalySettings {
        AnomalySettings {
            threshold: 3.5,
            min_regions: 8,
            min_denominator: 20.0,
        }
    }
}

/// The Monte Carlo simulation of rank uncertainty over weights.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RankIntervalSettings {
    pub draws: u32,
    /// Each weight is multiplied by U(1 − spread, 1 + spread).
    pub spread: f64,
    pub seed: u64,
    /// The percentiles shown as 排名区间.
    pub percentiles: [f64; 2],
}

impl Default for RankIntervalSettings {
    fn default() -> RankIntervalSettings {
        RankIntervalSettings {
            draws: 1000,
            spread: 0.2,
            seed: 2020,
            percentiles: [5.0, 95.0],
        }
    }
}

impl Scheme {
    /// The scheme shipped in `templates/`.
    pub fn builtin() -> Result<Scheme, SchemeError> {
        Scheme::from_toml(BUILTIN_SCHEME)
    }

    /// Loads and validates a scheme file.
    pub fn load(path: &Path) -> Result<Scheme, SchemeError> {
        let text = std::fs::read_to_string(path).map_err(|source| SchemeError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Scheme::from_toml(&text)
    }

    /// Parses and validates scheme text.
    pub fn from_toml(text: &str) -> Result<Scheme, SchemeError> {
        let scheme: Scheme = toml::from_str(text).map_err(|e| SchemeError::Parse(e.to_string()))?;
        let problems = scheme.validate();
        if problems.is_empty() {
            Ok(scheme)
        } else {
            Err(SchemeError::Invalid(problems))
        }
    }

    /// The 汇总指标 field or 工作情况 item with this code.
    pub fn field(&self, code: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .chain(self.work_items.iter())
            .find(|f| f.code == code)
    }

    /// The ledger with this id.
    pub fn ledger(&self, id: &str) -> Option<&LedgerDef> {
        self.ledgers.iter().find(|l| l.id == id)
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&GroupDef> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Points of a group: the sum of its indicators' points.
    pub fn group_points(&self, id: &str) -> f64 {
        self.indicators
            .iter()
            .filter(|i| i.group == id)
            .map(|i| i.points)
            .sum()
    }

    /// The grade for a total.
    pub fn grade_for(&self, total: f64) -> String {
        self.grades
            .iter()
            .find(|g| total >= g.min)
            .or(self.grades.last())
            .map(|g| g.name.clone())
            .unwrap_or_default()
    }

    /// Every problem with the scheme, each naming its key.
    pub fn validate(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.id.trim().is_empty() {
            p.push("id 不能为空".to_string());
        }
        if self.version.trim().is_empty() {
            p.push("version 不能为空".to_string());
        }
        if !(1..=28).contains(&self.deadline_day) {
            p.push(format!(
                "deadline_day 应在1至28之间，实际为{}",
                self.deadline_day
            ));
        }
        if self.decimals > 6 {
            p.push(format!("decimals 应在0至6之间，实际为{}", self.decimals));
        }
        if self.per_unit <= 0.0 || !self.per_unit.is_finite() {
            p.push("per_unit 应为正数".to_string());
        }
        if self.ledger_rows == 0 || self.ledger_rows > 100_000 {
            p.push("ledger_rows 应在1至100000之间".to_string());
        }

        let mut codes = BTreeSet::new();
        for f in self.fields.iter().chain(self.work_items.iter()) {
            if !codes.insert(f.code.as_str()) {
                p.push(format!("字段编码 {} 重复", f.code));
            }
            if !matches!(
                f.kind,
                ValueKind::Count | ValueKind::Amount | ValueKind::YesNo
            ) {
                p.push(format!(
                    "字段 {} 的 kind 只能是 count、amount 或 yes_no",
                    f.code
                ));
            }
        }
        for f in self.fields.iter().chain(self.work_items.iter()) {
            if let Some(le) = &f.le {
                if !codes.contains(le.as_str()) {
                    p.push(format!("字段 {} 的 le 引用了不存在的字段 {}", f.code, le));
                }
            }
        }

        let mut ledger_ids = BTreeSet::new();
        let mut sheet_names: BTreeSet<&str> = crate::contract::RESERVED_SHEETS.into();
        for l in &self.ledgers {
            if !ledger_ids.insert(l.id.as_str()) {
                p.push(format!("台账 id {} 重复", l.id));
            }
            if !sheet_names.insert(l.sheet.as_str()) {
                p.push(format!(
                    "台账 {} 的工作表名 {} 与其他工作表重名",
                    l.id, l.sheet
                ));
            }
            if l.columns.is_empty() {
                p.push(format!("台账 {} 没有列", l.id));
            }
            let mut names = BTreeSet::new();
            for c in &l.columns {
                if !names.insert(c.name.as_str()) {
                    p.push(format!("台账 {} 的列 {} 重复", l.id, c.name));
                }
                if c.kind == ValueKind::Choice && c.choices.is_empty() {
                    p.push(format!(
                        "台账 {} 的列 {} 为 choice 但没有 choices",
                        l.id, c.name
                    ));
                }
                if let Some(other) = &c.not_before {
                    let dates = |name: &str| {
                        l.columns
                            .iter()
                            .any(|x| x.name == name && x.kind == ValueKind::Date)
                    };
                    if !dates(&c.name) || !dates(other) {
                        p.push(format!(
                            "台账 {} 的列 {} 的 not_before：两列都应为日期列（{}）",
                            l.id, c.name, other
                        ));
                    }
                }
            }
            for (key, f) in [
                ("rows_equal", &l.rows_equal),
                ("rows_at_most", &l.rows_at_most),
            ] {
                if let Some(f) = f {
                    if !codes.contains(f.as_str()) {
                        p.push(format!("台账 {} 的 {key} 引用了不存在的字段 {}", l.id, f));
                    }
                }
            }
            for s in &l.sums_equal {
                if !codes.contains(s.field.as_str()) {
                    p.push(format!(
                        "台账 {} 的 sums_equal 引用了不存在的字段 {}",
                        l.id, s.field
                    ));
                }
                let numeric = l.columns.iter().any(|c| {
                    c.name == s.column && matches!(c.kind, ValueKind::Count | ValueKind::Amount)
                });
                if !numeric {
                    p.push(format!(
                        "台账 {} 的 sums_equal 引用的列 {} 不存在或不是数值列",
                        l.id, s.column
                    ));
                }
            }
        }

        let province_cols: HashMap<&str, ValueKind> = self
            .province
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.kind))
            .collect();

        let mut group_ids = BTreeSet::new();
        for g in &self.groups {
            if !group_ids.insert(g.id.as_str()) {
                p.push(format!("指标组 {} 重复", g.id));
            }
        }
        let mut ids = BTreeSet::new();
        let mut total = 0.0;
        for ind in &self.indicators {
            let key = format!("indicators.{}", ind.id);
            if !ids.insert(ind.id.as_str()) {
                p.push(format!("{key}：指标编号重复"));
            }
            if !group_ids.contains(ind.group.as_str()) {
                p.push(format!("{key}.group：指标组 {} 不存在", ind.group));
            }
            if !(ind.points.is_finite() && ind.points >= 0.0) {
                p.push(format!("{key}.points：分值应为非负数"));
            }
            total += ind.points;
            self.validate_value(&key, &ind.value, &codes, &province_cols, &mut p);
            match &ind.rule {
                Rule::Checklist => {
                    let yes_no = matches!(&ind.value, ValueDef::Field { field }
                        if self.field(field).is_some_and(|f| f.kind == ValueKind::YesNo));
                    if !yes_no {
                        p.push(format!("{key}.rule：checklist 只能用于是/否字段"));
                    }
                }
                Rule::Target { target, per_point } => {
                    if !(0.0..=1.0).contains(target) {
                        p.push(format!("{key}.rule.target：目标值应在0至1之间"));
                    }
                    if !(per_point.is_finite() && *per_point >= 0.0) {
                        p.push(format!("{key}.rule.per_point：应为非负数"));
                    }
                }
                _ => {}
            }
            let can_be_empty = matches!(
                &ind.value,
                ValueDef::Ratio { .. } | ValueDef::Province { .. } | ValueDef::PerUnit { .. }
            );
            if can_be_empty && ind.when_empty.is_none() && !ind.rule.is_relative() {
                p.push(format!(
                    "{key}.when_empty：该指标可能无分母或无数据，须指定 full、zero 或 exclude"
                ));
            }
        }
        if (total - self.total_points).abs() > 1e-6 {
            p.push(format!(
                "indicators：各指标分值之和为{}，与 total_points（{}）不一致",
                fmt_num(total),
                fmt_num(self.total_points)
            ));
        }
        for g in &self.groups {
            if !self.indicators.iter().any(|i| i.group == g.id) {
                p.push(format!("groups.{}：该组没有指标", g.id));
            }
        }

        if !self.bonus.cap.is_finite() || self.bonus.cap < 0.0 {
            p.push("bonus.cap：应为非负数".to_string());
        }
        for b in &self.bonus.items {
            if !codes.contains(b.field.as_str()) {
                p.push(format!("bonus.items：字段 {} 不存在", b.field));
            }
        }
        for d in &self.deductions.items {
            match (d.source, &d.column) {
                (DeductionSource::Province, Some(c)) => match province_cols.get(c.as_str()) {
                    Some(ValueKind::Count | ValueKind::YesNo) => {}
                    Some(_) => p.push(format!("deductions.items：省级评定列 {c} 应为次数或是/否")),
                    None => p.push(format!("deductions.items：省级评定.csv 没有列 {c}")),
                },
                (DeductionSource::Province, None) => {
                    p.push(format!("deductions.items：{} 缺少 column", d.label))
                }
                (DeductionSource::Late, _) => {}
            }
        }
        if province_cols.get(self.veto.column.as_str()) != Some(&ValueKind::YesNo) {
            p.push(format!(
                "veto.column：省级评定.csv 没有是/否列 {}",
                self.veto.column
            ));
        }
        if !province_cols.contains_key(self.veto.reason_column.as_str()) {
            p.push(format!(
                "veto.reason_column：省级评定.csv 没有列 {}",
                self.veto.reason_column
            ));
        }
        if self.grades.is_empty() {
            p.push("grades：至少需要一个等次".to_string());
        }
        if self.grades.windows(2).any(|w| w[0].min <= w[1].min) {
            p.push("grades：等次应按 min 从高到低排列".to_string());
        }
        if !self.grades.iter().any(|g| g.name == self.veto.grade) {
            p.push(format!("veto.grade：等次 {} 不存在", self.veto.grade));
        }
        for g in &self.flags.notify_grades {
            if !self.grades.iter().any(|x| &x.name == g) {
                p.push(format!("flags.notify_grades：等次 {g} 不存在"));
            }
        }
        let f = &self.flags;
        if !(0.0..=1.0).contains(&f.warn_share) || !(0.0..=1.0).contains(&f.notify_share) {
            p.push("flags.warn_share/notify_share：应在0至1之间".to_string());
        }
        if f.interview_after < 1 || f.supervise_after < 1 {
            p.push("flags.interview_after/supervise_after：应不小于1".to_string());
        }
        if !(0..=3650).contains(&f.rectify_days) {
            p.push("flags.rectify_days：应在0至3650之间".to_string());
        }
        self.validate_statistics(&mut p);
        p
    }

    fn validate_statistics(&self, p: &mut Vec<String>) {
        let s = &self.statistics;
        let [inner, outer] = s.funnel.levels;
        if !(0.5 < inner && inner < outer && outer < 1.0) {
            p.push(
                "statistics.funnel.levels：应为两个0.5至1之间、由小到大的覆盖率，如 [0.95, 0.998]"
                    .to_string(),
            );
        }
        if !(0.0..0.5).contains(&s.funnel.winsorise) {
            p.push("statistics.funnel.winsorise：应在0至0.5之间".to_string());
        }
        if s.funnel.interview_after < 1 {
            p.push("statistics.funnel.interview_after：应不小于1".to_string());
        }
        let mut seen = BTreeSet::new();
        for f in &s.funnel.indicators {
            if !seen.insert(f.id.as_str()) {
                p.push(format!("statistics.funnel.indicators：指标 {} 重复", f.id));
            }
            let Some(ind) = self.indicators.iter().find(|i| i.id == f.id) else {
                p.push(format!(
                    "statistics.funnel.indicators：指标 {} 不存在",
                    f.id
                ));
                continue;
            };
            let fits = match f.model {
                FunnelModel::Binomial => matches!(ind.value, ValueDef::Ratio { .. }),
                FunnelModel::Poisson => matches!(ind.value, ValueDef::PerUnit { .. }),
            };
            if !fits {
                p.push(format!(
                    "statistics.funnel.indicators：指标 {} 的 model 应与取值方式相符（binomial 对应 ratio，poisson 对应 per_unit）",
                    f.id
                ));
            }
        }
        if !(s.anomaly.threshold > 0.0 && s.anomaly.threshold.is_finite()) {
            p.push("statistics.anomaly.threshold：应为正数".to_string());
        }
        let r = &s.rank_interval;
        if !(1..=100_000).contains(&r.draws) {
            p.push("statistics.rank_interval.draws：应在1至100000之间".to_string());
        }
        if !(0.0..1.0).contains(&r.spread) {
            p.push("statistics.rank_interval.spread：应在0至1之间".to_string());
        }
        let [lo, hi] = r.percentiles;
        if !(0.0 < lo && lo <= hi && hi <= 100.0) {
            p.push(
                "statistics.rank_interval.percentiles：应为0至100之间、由小到大的两个百分位"
                    .to_string(),
            );
        }
    }

    fn validate_value(
        &self,
        key: &str,
        value: &ValueDef,
        codes: &BTreeSet<&str>,
        province_cols: &HashMap<&str, ValueKind>,
        p: &mut Vec<String>,
    ) {
        let missing = |f: &str| !codes.contains(f);
        match value {
            ValueDef::Field { field } | ValueDef::PerUnit { field } => {
                if missing(field) {
                    p.push(format!("{key}.value.field：字段 {field} 不存在"));
                }
            }
            ValueDef::ShareNonzero { fields } => {
                if fields.is_empty() {
                    p.push(format!("{key}.value.fields：不能为空"));
                }
                for f in fields.iter().filter(|f| missing(f)) {
                    p.push(format!("{key}.value.fields：字段 {f} 不存在"));
                }
            }
            ValueDef::Ratio {
                numerator,
                denominator,
            } => {
                self.validate_quantity(&format!("{key}.value.numerator"), numerator, codes, p);
                self.validate_quantity(&format!("{key}.value.denominator"), denominator, codes, p);
            }
            ValueDef::Province { column, divide_by } => {
                if !matches!(
                    province_cols.get(column.as_str()),
                    Some(ValueKind::Amount | ValueKind::Count)
                ) {
                    p.push(format!(
                        "{key}.value.column：省级评定.csv 没有数值列 {column}"
                    ));
                }
                if !divide_by.is_finite() || *divide_by <= 0.0 {
                    p.push(format!("{key}.value.divide_by：应为正数"));
                }
            }
        }
    }

    fn validate_quantity(
        &self,
        key: &str,
        q: &Quantity,
        codes: &BTreeSet<&str>,
        p: &mut Vec<String>,
    ) {
        match (&q.field, &q.ledger) {
            (Some(f), None) => {
                if !codes.contains(f.as_str()) {
                    p.push(format!("{key}.field：字段 {f} 不存在"));
                }
                if q.sum.is_some() || !q.filter.is_empty() {
                    p.push(format!("{key}：sum 和 filter 只能用于台账"));
                }
            }
            (None, Some(l)) => {
                let Some(ledger) = self.ledger(l) else {
                    p.push(format!("{key}.ledger：台账 {l} 不存在"));
                    return;
                };
                let col = |name: &str| ledger.columns.iter().find(|c| c.name == name);
                if let Some(s) = &q.sum {
                    match col(s) {
                        Some(c) if matches!(c.kind, ValueKind::Amount | ValueKind::Count) => {}
                        Some(_) => p.push(format!("{key}.sum：列 {s} 不是数值列")),
                        None => p.push(format!("{key}.sum：台账 {} 没有列 {s}", ledger.sheet)),
                    }
                }
                for f in &q.filter {
                    let Some(c) = col(&f.column) else {
                        p.push(format!(
                            "{key}.filter：台账 {} 没有列 {}",
                            ledger.sheet, f.column
                        ));
                        continue;
                    };
                    let conditions = usize::from(f.equals.is_some())
                        + usize::from(f.not_empty)
                        + usize::from(f.in_quarter)
                        + usize::from(f.within_working_days.is_some());
                    if conditions != 1 {
                        p.push(format!(
                            "{key}.filter（{}）：应且只应有 equals、not_empty、in_quarter、within_working_days 之一",
                            f.column
                        ));
                    }
                    if (f.in_quarter || f.within_working_days.is_some())
                        && c.kind != ValueKind::Date
                    {
                        p.push(format!("{key}.filter（{}）：不是日期列", f.column));
                    }
                    if let Some(days) = f.within_working_days {
                        if days < 0 {
                            p.push(format!(
                                "{key}.filter（{}）：within_working_days 应为非负数",
                                f.column
                            ));
                        }
                        match f.from.as_deref().and_then(col) {
                            Some(fc) if fc.kind == ValueKind::Date => {}
                            _ => p.push(format!(
                                "{key}.filter（{}）：within_working_days 需要 from 指向一个日期列",
                                f.column
                            )),
                        }
                    }
                }
            }
            _ => p.push(format!("{key}：应且只应指定 field 或 ledger 之一")),
        }
    }
}

#[cfg(test)]
mod tests {
    /// 销毁方式 is read by no indicator and no ledger check, so a bad choice there cannot change a
    /// score; the weight and the dates and the two compliance columns are read.
    #[test]
    fn scored_columns_of_the_destruction_ledger() {
        let s = Scheme::builtin().unwrap();
        let id = &s.ledgers.iter().find(|l| l.sheet == "销毁台账").unwrap().id;
        let cols = s.scored_columns(id);
        for c in ["重量（千克）", "销毁日期", "处置单位在名录内", "程序完备"]
        {
            assert!(cols.iter().any(|x| x == c), "{c} in {cols:?}");
        }
        assert!(!cols.iter().any(|x| x == "销毁方式"), "{cols:?}");
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_half_away(2.675, 2), 2.68);
        assert_eq!(round_half_away(1.005, 2), 1.01);
        assert_eq!(round_half_away(0.125, 2), 0.13);
        assert_eq!(round_half_away(-2.675, 2), -2.68);
        assert_eq!(round_half_away(10.0 / 3.0, 2), 3.33);
        assert_eq!(round_half_away(5.0 / 3.0, 2), 1.67);
        assert_eq!(round_half_away(2.5, 0), 3.0);
        assert_eq!(round_half_away(-0.001, 2), 0.0);
        assert!(round_half_away(-0.001, 2).is_sign_positive());
        // A sum of rounded figures is itself a 2-decimal figure.
        assert_eq!(round_half_away(0.1 + 0.2, 2), 0.3);
        assert_eq!(round_half_away(68.666_666_7, 2), 68.67);
    }

    use super::*;

    #[test]
    fn builtin_scheme_loads_and_adds_up() {
        let s = Scheme::builtin().unwrap();
        assert_eq!(s.indicators.len(), 19);
        let total: f64 = s.indicators.iter().map(|i| i.points).sum();
        assert_eq!(total, 100.0);
        assert_eq!(s.group_points("A"), 10.0);
        assert_eq!(s.group_points("G"), 10.0);
        assert_eq!(s.grade_for(90.0), "优秀");
        assert_eq!(s.grade_for(89.99), "良好");
        assert_eq!(s.grade_for(-3.0), "不合格");
    }

    #[test]
    fn weights_that_do_not_add_up_are_named() {
        let text = BUILTIN_SCHEME.replacen("points = 10.0", "points = 11.0", 1);
        let err = Scheme::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("各指标分值之和为101"), "{err}");
    }

    #[test]
    fn unknown_rule_is_a_parse_error_naming_it() {
        let text = BUILTIN_SCHEME.replacen("kind = \"checklist\"", "kind = \"magic\"", 1);
        let err = Scheme::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("magic"), "{err}");
    }

    #[test]
    fn reference_to_missing_field_is_named() {
        let text = BUILTIN_SCHEME.replacen(
            "numerator = { field = \"S21\" }",
            "numerator = { field = \"S99\" }",
            1,
        );
        let err = Scheme::from_toml(&text).unwrap_err().to_string();
        assert!(
            err.contains("indicators.C3.value.numerator.field：字段 S99 不存在"),
            "{err}"
        );
    }

    #[test]
    fn regression_a_ledger_named_lists_is_refused_by_the_scheme() {
        // `_lists` is the template's hidden sheet for long drop-down lists; validation used to
        // miss it, so the scheme loaded and the template then failed.
        let text = BUILTIN_SCHEME.replacen("sheet = \"销毁台账\"", "sheet = \"_lists\"", 1);
        assert_ne!(text, BUILTIN_SCHEME);
        let err = Scheme::from_toml(&text).unwrap_err();
        assert!(matches!(err, SchemeError::Invalid(_)), "{err}");
        let err = err.to_string();
        assert!(err.contains("的工作表名 _lists 与其他工作表重名"), "{err}");
    }

    #[test]
    fn missing_ledger_column_in_filter_is_named() {
        let text = BUILTIN_SCHEME.replacen("column = \"是否立案\"", "column = \"是否批捕\"", 1);
        let err = Scheme::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("没有列 是否批捕"), "{err}");
    }
}
