//! The indicators and how they are scored: groups, indicators, how a value is computed from a
//! submission, the scoring rules and what happens when there is no value.

use serde::Deserialize;

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
    /// 整改要求: what a region that lost points on it is to do (反馈单, explain); when the
    /// scheme gives none, [`Indicator::action`] words one from the rule.
    #[serde(default)]
    pub action: String,
}

impl Indicator {
    /// What a region that lost points on this indicator is to do: the scheme's `action`, or
    /// words from its rule ("提高…", "降低…", "完成…").
    pub fn action(&self) -> String {
        if !self.action.trim().is_empty() {
            return self.action.trim().to_string();
        }
        let lower_is_better = matches!(
            self.rule,
            Rule::RatioToBest { inverted: true }
                | Rule::MinMax { inverted: true }
                | Rule::Percentile { inverted: true }
        );
        match self.rule {
            Rule::Checklist => format!("按要求完成“{}”并留存佐证材料", self.name),
            _ if lower_is_better => format!(
                "查找{}偏高的原因，加强源头治理，降低{}",
                self.name, self.name
            ),
            _ => format!("查找{}失分的原因，制定措施，提高{}", self.name, self.name),
        }
    }
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
}

/// What happens when an indicator's denominator is zero or its value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhenEmpty {
    Full,
    Zero,
    Exclude,
}
