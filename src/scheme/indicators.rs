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
