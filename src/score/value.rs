//! Indicator values: numerator, denominator and value of each indicator for one region, from its
//! submission, the registry and 省级评定.csv, with the cells they came from.

use crate::ingest::{Cell, Ledger, ProvinceData, Submission};
use crate::problem::Source;
use crate::quarter::Quarter;
use crate::registry::{Calendar, Region};
use crate::scheme::{Filter, Indicator, Quantity, Scheme, ValueDef};

/// What scoring needs besides the submission.
pub struct Inputs<'a> {
    pub scheme: &'a Scheme,
    pub calendar: &'a Calendar,
    pub quarter: Quarter,
    pub province: &'a ProvinceData,
}

/// An indicator's raw figures for one region. `value` is `None` when the denominator is zero or
/// the figure is missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub sources: Vec<Source>,
}

/// Computes an indicator's figures for one region.
pub fn figures(ind: &Indicator, region: &Region, sub: &Submission, inp: &Inputs) -> Figures {
    let mut sources = Vec::new();
    let field = |code: &str, sources: &mut Vec<Source>| -> f64 {
        match sub.fields.get(code) {
            Some(f) => {
                sources.push(f.source.clone());
                f.value
            }
            None => 0.0,
        }
    };
    match &ind.value {
        ValueDef::Field { field: code } => {
            let v = field(code, &mut sources);
            Figures {
                numerator: Some(v),
                denominator: None,
                value: Some(v),
                sources,
            }
        }
        ValueDef::PerUnit { field: code } => {
            let n = field(code, &mut sources);
            let d = region.entities / inp.scheme.per_unit;
            Figures {
                numerator: Some(n),
                denominator: Some(d),
                value: (d > 0.0).then(|| n / d),
                sources,
            }
        }
        ValueDef::ShareNonzero { fields } => {
            let n = fields
                .iter()
                .filter(|c| field(c, &mut sources) > 0.0)
                .count() as f64;
            let d = fields.len() as f64;
            Figures {
                numerator: Some(n),
                denominator: Some(d),
                value: (d > 0.0).then(|| n / d),
                sources,
            }
        }
        ValueDef::Ratio {
            numerator,
            denominator,
        } => {
            let n = quantity(numerator, sub, inp, &mut sources);
            let d = quantity(denominator, sub, inp, &mut sources);
            Figures {
                numerator: Some(n),
                denominator: Some(d),
                value: (d > 0.0).then(|| (n / d).clamp(0.0, 1.0)),
                sources,
            }
        }
        ValueDef::Province { column, divide_by } => {
            if let Some(s) = inp.province.source(&region.code, column) {
                sources.push(s.clone());
            }
            let n = inp.province.cell(&region.code, column).as_number();
            Figures {
                numerator: n,
                denominator: Some(*divide_by),
                value: n.map(|n| n / divide_by),
                sources,
            }
        }
    }
}

/// A field's value, or a count or sum over the ledger rows that pass the filters.
fn quantity(q: &Quantity, sub: &Submission, inp: &Inputs, sources: &mut Vec<Source>) -> f64 {
    if let Some(code) = &q.field {
        return match sub.fields.get(code) {
            Some(f) => {
                if !sources.contains(&f.source) {
                    sources.push(f.source.clone());
                }
                f.value
            }
            None => 0.0,
        };
    }
    let Some(def) = q.ledger.as_deref().and_then(|id| inp.scheme.ledger(id)) else {
        return 0.0;
    };
    let Some(ledger) = sub.ledgers.get(&def.id) else {
        return 0.0;
    };
    let src = ledger_source(&sub.file, ledger);
    if !sources.contains(&src) {
        sources.push(src);
    }
    let col = |name: &str| def.columns.iter().position(|c| c.name == name);
    let sum_col = q.sum.as_deref().and_then(col);
    let filters: Vec<(usize, Option<usize>, &Filter)> = q
        .filter
        .iter()
        .filter_map(|f| col(&f.column).map(|i| (i, f.from.as_deref().and_then(col), f)))
        .collect();
    ledger
        .rows
        .iter()
        .filter(|row| {
            filters.iter().all(|(i, from, f)| {
                let cell = row.cells.get(*i).unwrap_or(&Cell::Empty);
                passes(cell, from.and_then(|j| row.cells.get(j)), f, inp)
            })
        })
        .map(|row| match sum_col {
            Some(i) => row.cells.get(i).and_then(Cell::as_number).unwrap_or(0.0),
            None => 1.0,
        })
        .sum()
}

fn passes(cell: &Cell, from: Option<&Cell>, f: &Filter, inp: &Inputs) -> bool {
    if let Some(v) = &f.equals {
        return cell.text() == *v;
    }
    if f.not_empty {
        return !cell.is_empty();
    }
    if f.in_quarter {
        return cell.as_date().is_some_and(|d| inp.quarter.contains(d));
    }
    if let Some(days) = f.within_working_days {
        return match (from.and_then(Cell::as_date), cell.as_date()) {
            (Some(start), Some(end)) => {
                end >= start && inp.calendar.working_days_between(start, end) <= days
            }
            _ => false,
        };
    }
    true
}

/// The rows of a ledger as one source: `信息公开台账!A2:D13`.
fn ledger_source(file: &str, ledger: &Ledger) -> Source {
    let cell = match (ledger.rows.first(), ledger.rows.last()) {
        (Some(a), Some(b)) => {
            let cols = ledger
                .rows
                .iter()
                .map(|r| r.cells.len())
                .max()
                .unwrap_or(1)
                .max(1);
            // Rows are 1-based and columns 0-based in `a1`.
            format!(
                "{}:{}",
                crate::problem::a1(a.row.saturating_sub(1), 0),
                crate::problem::a1(b.row.saturating_sub(1), cols as u32 - 1)
            )
        }
        _ => "（无记录）".to_string(),
    };
    Source::new(file, &ledger.sheet, cell)
}
