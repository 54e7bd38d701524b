//! Indicator values: numerator, denominator and value of each indicator for one region, from its
//! submission, the registry and 省级评定.csv, with the cells they came from.

use super::coverage::UncoveredDate;
use crate::problem::Source;
use crate::quarter::Quarter;
use crate::registry::calendar::Uncovered;
use crate::registry::{Calendar, Region};
use crate::scheme::{Filter, Indicator, Quantity, Scheme, ValueDef};
use crate::submission::{Cell, Ledger, LedgerRow, ProvinceData, Submission};

/// What scoring needs besides the submission.
pub struct Inputs<'a> {
    pub scheme: &'a Scheme,
    pub calendar: &'a Calendar,
    pub quarter: Quarter,
    pub province: &'a ProvinceData,
    /// Regions returned for correction when this quarter was scored before, with the deadline
    /// their 退回修改通知 gave: a resubmission filed by then is not 迟报.
    pub returned: &'a std::collections::BTreeMap<String, chrono::NaiveDate>,
}

/// An indicator's raw figures for one region. `value` is `None` when the denominator is zero or
/// the figure is missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub value: Option<f64>,
    pub sources: Vec<Source>,
    /// Ledger dates whose working-day count the holiday table cannot decide. Such a row is left
    /// out of the count here, and [`super::score`] refuses to score when any is found: these
    /// figures are never used.
    pub uncovered: Vec<UncoveredDate>,
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
                uncovered: Vec::new(),
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
                uncovered: Vec::new(),
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
                uncovered: Vec::new(),
            }
        }
        ValueDef::Ratio {
            numerator,
            denominator,
        } => {
            let mut uncovered = Vec::new();
            let at = (ind, region);
            let n = quantity(numerator, sub, inp, at, &mut sources, &mut uncovered);
            let d = quantity(denominator, sub, inp, at, &mut sources, &mut uncovered);
            Figures {
                numerator: Some(n),
                denominator: Some(d),
                value: (d > 0.0).then(|| (n / d).clamp(0.0, 1.0)),
                sources,
                uncovered,
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
                uncovered: Vec::new(),
            }
        }
    }
}

/// A field's value, or a count or sum over the ledger rows that pass the filters. A row whose
/// working-day filter the calendar cannot decide does not pass, and is listed in `uncovered`.
fn quantity(
    q: &Quantity,
    sub: &Submission,
    inp: &Inputs,
    (ind, region): (&Indicator, &Region),
    sources: &mut Vec<Source>,
    uncovered: &mut Vec<UncoveredDate>,
) -> f64 {
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
    let mut filters: Vec<(usize, Option<usize>, &Filter)> = q
        .filter
        .iter()
        .filter_map(|f| col(&f.column).map(|i| (i, f.from.as_deref().and_then(col), f)))
        .collect();
    // Working-day filters last: a row another filter excludes needs no calendar.
    filters.sort_by_key(|(_, _, f)| f.within_working_days.is_some());
    ledger
        .rows
        .iter()
        .filter(|row| {
            filters.iter().all(|(i, from, f)| {
                let cell = ledger.cell(row, *i);
                let from_cell = from.map(|j| ledger.cell(row, j));
                match passes(cell, from_cell, f, inp) {
                    Ok(pass) => pass,
                    Err(Uncovered { year }) => {
                        let name = |k: Option<usize>| {
                            k.and_then(|k| def.columns.get(k))
                                .map(|c| c.name.clone())
                                .unwrap_or_default()
                        };
                        let date = |c: Option<&Cell>| c.and_then(Cell::as_date).unwrap_or_default();
                        uncovered.push(UncoveredDate {
                            year,
                            region_code: region.code.clone(),
                            region_name: region.name.clone(),
                            indicator: ind.name.clone(),
                            source: cell_source(&sub.file, ledger, row, *i),
                            from_column: name(*from),
                            from: date(from_cell),
                            column: name(Some(*i)),
                            date: date(Some(cell)),
                        });
                        false
                    }
                }
            })
        })
        .map(|row| match sum_col {
            Some(i) => ledger.cell(row, i).as_number().unwrap_or(0.0),
            None => 1.0,
        })
        .sum()
}

/// Whether a cell passes a filter; [`Uncovered`] when a working-day count depends on a year the
/// holiday table lacks.
fn passes(cell: &Cell, from: Option<&Cell>, f: &Filter, inp: &Inputs) -> Result<bool, Uncovered> {
    if let Some(v) = &f.equals {
        return Ok(cell.text() == *v);
    }
    if f.not_empty {
        return Ok(!cell.is_empty());
    }
    if f.in_quarter {
        return Ok(cell.as_date().is_some_and(|d| inp.quarter.contains(d)));
    }
    if let Some(days) = f.within_working_days {
        return match (from.and_then(Cell::as_date), cell.as_date()) {
            (Some(start), Some(end)) if end >= start => inp.calendar.within(start, end, days),
            _ => Ok(false),
        };
    }
    Ok(true)
}

/// One ledger cell as the region sees it: `信息公开台账!C12`.
fn cell_source(file: &str, ledger: &Ledger, row: &LedgerRow, index: usize) -> Source {
    let col = ledger
        .columns
        .get(index)
        .copied()
        .unwrap_or(u32::try_from(index).unwrap_or(0));
    Source::new(
        file,
        &ledger.sheet,
        crate::problem::a1(row.row.saturating_sub(1), col),
    )
}

/// The rows of a ledger as one source: `信息公开台账!A2:D13`.
fn ledger_source(file: &str, ledger: &Ledger) -> Source {
    let cell = match (ledger.rows.first(), ledger.rows.last()) {
        (Some(a), Some(b)) => {
            let cols = ledger.columns.len().max(1);
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
