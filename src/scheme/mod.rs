//! The indicator system, read from a TOML file (`templates/scheme-2020.toml` by default).
//!
//! Everything the engine knows about fields, ledgers, indicators, rules, bonus, deductions, veto,
//! grades and flag rules comes from here, so a province changes the assessment by editing the file.
//! Loading validates it; every problem names the key it is about, in Chinese.
//!
//! `mod.rs` holds the scheme itself, its loading and its look-ups; the types of its parts live in
//! `inputs` (what a submission holds), `indicators` (how scores are computed), `outcomes` (bonus,
//! deductions, veto, grades, flag rules) and `statistics`, all re-exported here. `validate` and
//! `references` check a loaded scheme; `describe` puts its rules into words for the workbooks.

pub mod annual;
mod describe;
mod indicators;
mod inputs;
pub mod ladder;
mod ladder_check;
mod outcomes;
mod references;
mod statistics;
mod validate;

pub use indicators::{Filter, GroupDef, Indicator, Quantity, Rule, ValueDef, WhenEmpty};
pub use inputs::{ColumnDef, FieldDef, LedgerDef, ProvinceDef, SumEqual, ValueKind};
pub use ladder::{Condition, DeadlineDef, LadderIssue, MeasureDef, RuleDef};
pub use outcomes::{
    Bonus, BonusItem, DeductionItem, DeductionSource, Deductions, Feedback, Grade, Veto,
};
pub use statistics::{
    AnomalySettings, BadSide, FunnelIndicator, FunnelModel, FunnelSettings, RankIntervalSettings,
    Statistics,
};
pub use validate::{Part, SchemeProblem};

use serde::Deserialize;
use std::path::Path;

/// The scheme shipped with the engine.
pub const BUILTIN_SCHEME: &str = include_str!("../../templates/scheme-2020.toml");

/// A scheme that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    #[error("无法读取指标体系文件 {path}：{}", crate::text::io_reason(source))]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("指标体系文件格式错误：{0}")]
    Parse(String),
    #[error("指标体系校验失败：{}", join(.0))]
    Invalid(Vec<SchemeProblem>),
}

/// The problems of an invalid scheme, in one line.
fn join(problems: &[SchemeProblem]) -> String {
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    messages.join("；")
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
    /// 广东省打击侵权假冒工作领导小组办公室); its level sets the words (全省/全市).
    #[serde(default)]
    pub office: crate::office::Office,
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
    /// The measures rules can raise (`[[measures]]`), in any order; severity orders them.
    #[serde(default)]
    pub measures: Vec<MeasureDef>,
    /// The ladder's rules (`[[rules]]`), in the order they are tried and told.
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    /// The fixed ladder of earlier versions; refused on load with a word on what replaced it.
    #[serde(default)]
    pub flags: Option<toml::Value>,
    /// Funnel limits, anomaly warnings and rank intervals; defaults when the file has none.
    #[serde(default)]
    pub statistics: Statistics,
    /// What the office tells each region after scoring; defaults when the file has none.
    #[serde(default)]
    pub feedback: Feedback,
    /// How the year's result is made from the quarters (`[annual]`); defaults when absent.
    #[serde(default)]
    pub annual: annual::AnnualRule,
}

fn default_decimals() -> u32 {
    2
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

    /// The indices, ascending, of [`Scheme::scored_columns`] among the ledger's columns: the
    /// cells a submission holds once ingest is done.
    pub fn read_columns(&self, ledger: &str) -> Vec<usize> {
        let scored = self.scored_columns(ledger);
        self.ledger(ledger)
            .map(|def| {
                def.columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| scored.contains(&c.name))
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The fields and work items whose value scoring or a check reads: the indicators' fields,
    /// the bonus items', both sides of an `le` and the fields a ledger's rows or sums are
    /// checked against. A submission without any other field can still be scored.
    pub fn scored_fields(&self) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for ind in &self.indicators {
            match &ind.value {
                ValueDef::Field { field } | ValueDef::PerUnit { field } => {
                    out.insert(field.clone());
                }
                ValueDef::ShareNonzero { fields } => out.extend(fields.iter().cloned()),
                ValueDef::Ratio {
                    numerator,
                    denominator,
                } => out.extend(
                    [numerator, denominator]
                        .into_iter()
                        .filter_map(|q| q.field.clone()),
                ),
                ValueDef::Province { .. } => {}
            }
        }
        out.extend(self.bonus.items.iter().map(|b| b.field.clone()));
        for def in self.fields.iter().chain(&self.work_items) {
            if let Some(le) = &def.le {
                out.insert(le.clone());
                out.insert(def.code.clone());
            }
        }
        for l in &self.ledgers {
            out.extend(l.rows_equal.iter().chain(&l.rows_at_most).cloned());
            out.extend(l.sums_equal.iter().map(|s| s.field.clone()));
        }
        out
    }

    /// `v` rounded half away from zero (四舍五入) to the scheme's `decimals`.
    pub fn round(&self, v: f64) -> f64 {
        round_half_away(v, self.decimals)
    }

    /// A summary field or work item as a region's clerk finds it in the template: its 编码 and
    /// name, "S01（行政处罚案件数）"; the code alone when the scheme has no such item.
    pub fn item(&self, code: &str) -> String {
        self.fields
            .iter()
            .chain(&self.work_items)
            .find(|f| f.code == code)
            .map_or_else(|| code.to_string(), |f| format!("{code}（{}）", f.name))
    }

    /// A score as published: rounded, with every decimal place shown ("0.90", not "0.9"
    /// beside "0.58").
    pub fn fixed(&self, v: f64) -> String {
        let places = usize::try_from(self.decimals).unwrap_or(2);
        format!("{:.*}", places, self.round(v))
    }

    /// `v` as printed, in whole units of the scheme's last decimal place (64.02 → 6402): what
    /// every threshold, gain and grade boundary is decided on ([`crate::decimal`]).
    pub fn units(&self, v: f64) -> i64 {
        crate::decimal::units(v, self.decimals)
    }
}

pub use crate::decimal::round_half_away;

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
        let mut scheme: Scheme =
            toml::from_str(text).map_err(|e| SchemeError::Parse(e.to_string()))?;
        for (i, r) in scheme.rules.iter_mut().enumerate() {
            r.condition = ladder::Condition::parse(&r.when, &format!("rules[{i}].when")).ok();
        }
        for (i, r) in scheme.annual.rules.iter_mut().enumerate() {
            r.condition =
                ladder::Condition::parse(&r.when, &format!("annual.rules[{i}].when")).ok();
        }
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

    /// The measure with this id.
    pub fn measure(&self, id: &str) -> Option<&MeasureDef> {
        self.measures.iter().find(|m| m.id == id)
    }

    /// The measures, most serious first.
    pub fn measures_by_severity(&self) -> Vec<&MeasureDef> {
        let mut out: Vec<&MeasureDef> = self.measures.iter().collect();
        out.sort();
        out
    }

    /// The label of the most serious of the measures a region held in a quarter (by this
    /// scheme's severities, else the one recorded), "无" when none.
    pub fn held_label(&self, held: &[crate::record::Held]) -> String {
        let severity = |h: &crate::record::Held| {
            self.measure(&h.id)
                .map(|m| m.severity)
                .or(h.severity)
                .unwrap_or(0)
        };
        held.iter().max_by_key(|h| severity(h)).map_or_else(
            || "无".to_string(),
            |h| {
                self.measure(&h.id)
                    .map_or_else(|| h.id.clone(), |m| m.label.clone())
            },
        )
    }

    /// The grade band with this name.
    pub fn grade(&self, name: &str) -> Option<&Grade> {
        self.grades.iter().find(|g| g.name == name)
    }

    /// The grade for a total.
    pub fn grade_for(&self, total: f64) -> String {
        self.grades
            .iter()
            .find(|g| self.units(total) >= self.units(g.min))
            .or(self.grades.last())
            .map(|g| g.name.clone())
            .unwrap_or_default()
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

    use super::*;

    /// Regression (issue 22): a total exactly on a 等次 boundary as printed is in the upper
    /// 等次, whatever binary noise the sum of its printed parts carries.
    #[test]
    fn regression_a_total_on_a_grade_boundary_is_in_the_upper_grade() {
        let s = Scheme::builtin().unwrap();
        // Printed parts (subtotal + bonus − deductions) whose f64 sum lands an ulp below the
        // boundary: 60.01 + 0.01 − 0.02 is 59.99999999999999, 89.99 + 0.02 − 0.01 is
        // 89.99999999999999.
        let bb = std::hint::black_box;
        let sixty = bb(60.01) + bb(0.01) - bb(0.02);
        assert!(sixty < 60.0);
        assert_eq!(s.grade_for(sixty), "合格");
        let ninety = bb(89.99) + bb(0.02) - bb(0.01);
        assert!(ninety < 90.0);
        assert_eq!(s.grade_for(ninety), "优秀");
        assert_eq!(s.grade_for(79.99), "合格");
        assert_eq!(s.grade_for(80.0), "良好");
        assert_eq!(s.grade_for(59.99), "不合格");
    }

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
    fn unknown_rule_is_a_parse_error_naming_it() {
        let text = BUILTIN_SCHEME.replacen("kind = \"checklist\"", "kind = \"magic\"", 1);
        let err = Scheme::from_toml(&text).unwrap_err().to_string();
        assert!(err.contains("magic"), "{err}");
    }
}
