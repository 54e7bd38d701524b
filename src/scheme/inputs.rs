//! The parts of a scheme that shape a submission: the kinds of values, the fields of 汇总指标
//! and 工作情况, the ledgers and their columns, and the columns of 省级评定.csv.

use serde::Deserialize;

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
