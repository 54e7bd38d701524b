//! Scoring: indicator values from the submissions, indicator scores by the scheme's rules, bonus,
//! deductions, veto, total, grade and rank.

mod types;

pub use types::*;
