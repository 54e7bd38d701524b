//! The year's arithmetic as polars expressions over the history table ([`history::table`]):
//! for each year asked, each region and each of the four quarters, the figure counted (the
//! quarter's total, or the scheme's missing-quarter rule), its weight and its part as published;
//! and each quarter's provincial mean for 季度走势. One pass over ten years of national history.
//!
//! [`history::table`]: crate::history::table

use crate::decimal::round_half_away;
use crate::history::table::{Q, YEAR};
use crate::quarter::Quarter;
use crate::record::Status;
use crate::scheme::annual::{AnnualRule, Missing};
use polars::prelude::*;
use std::collections::BTreeMap;

/// How a region's quarter is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Its total, scored that quarter.
    Scored,
    /// The missing-quarter rule: in the quarter's results but not scored (未报送, 退回修改).
    Unscored,
    /// The missing-quarter rule: the quarter is in the history but the region is not in it.
    Absent,
    /// Not counted: the history does not hold the quarter at all (`--partial`).
    QuarterMissing,
}

impl How {
    const SCORED: &'static str = "scored";
    const UNSCORED: &'static str = "unscored";
    const ABSENT: &'static str = "absent";
    const QUARTER_MISSING: &'static str = "quarter_missing";

    fn parse(s: &str) -> Option<How> {
        Some(match s {
            Self::SCORED => How::Scored,
            Self::UNSCORED => How::Unscored,
            Self::ABSENT => How::Absent,
            Self::QUARTER_MISSING => How::QuarterMissing,
            _ => return None,
        })
    }
}

/// One quarter of a region's year, as counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    pub how: How,
    /// The figure the year counts for the quarter.
    pub counted: f64,
    /// The quarter's weight in the year (quarters the history lacks weigh 0, the others scaled).
    pub weight: f64,
    /// `counted × weight`, rounded as published.
    pub contribution: f64,
}

/// The parts of one year: by region code, the four quarters in order.
pub type YearParts = BTreeMap<String, Vec<Part>>;

/// Names of the columns [`parts`] adds.
const HOW: &str = "how";
const COUNTED: &str = "counted";
const WEIGHT: &str = "weight";
const CONTRIBUTION: &str = "contribution";
const CODE: &str = "code";

/// `v` rounded as published, by the one rounding rule ([`round_half_away`]) applied to the
/// column's values: polars' own `round` and division by a literal (a multiplication by its
/// reciprocal) do not give the printed figure in every case.
fn rounded(v: Expr, decimals: u32) -> Expr {
    v.cast(DataType::Float64).map(
        move |c| {
            let values = c.f64()?.apply_values(|x| round_half_away(x, decimals));
            Ok(values.into_series().into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Float64)),
    )
}

/// The rows of `table` of one of `years`.
pub fn of_years(table: LazyFrame, years: &[i32]) -> LazyFrame {
    let wanted = years
        .iter()
        .fold(lit(false), |acc, y| acc.or(col(YEAR).eq(lit(*y))));
    table.filter(wanted)
}

/// Whether a row is of one of `quarters`.
fn of_quarters(quarters: &[Quarter]) -> Expr {
    quarters.iter().fold(lit(false), |acc, q| {
        acc.or(col(YEAR).eq(lit(q.year)).and(col(Q).eq(lit(q.q as i32))))
    })
}

/// Each quarter's weight in its year, as a table of [`YEAR`], [`Q`] and [`WEIGHT`]: the
/// rule's, scaled so that the quarters held add up to the quarters' share when some of a
/// year's are `missing` (which weigh 0).
fn weights(rule: &AnnualRule, years: &[i32], missing: &[Quarter]) -> PolarsResult<LazyFrame> {
    let (mut ys, mut qs, mut ws) = (Vec::new(), Vec::new(), Vec::new());
    for &y in years {
        let held = |q: u32| !missing.contains(&Quarter { year: y, q });
        let held_weight: f64 = (1..=4u32)
            .filter(|q| held(*q))
            .map(|q| rule.weight(q as usize - 1))
            .sum();
        for q in 1..=4u32 {
            let w = if held(q) && held_weight > 0.0 {
                rule.weight(q as usize - 1) / held_weight * rule.quarters_weight
            } else {
                0.0
            };
            ys.push(y);
            qs.push(q as i32);
            ws.push(w);
        }
    }
    Ok(df!(YEAR => ys, Q => qs, WEIGHT => ws)?.lazy())
}

/// From the table's `rows` of `years` ([`of_years`], collected once): for each year, each
/// region in any of its quarters and each quarter 1–4: [`How`], the
/// figure counted, its weight and its part, by `rule`. `missing` are quarters of those years
/// the history does not hold. Rows are ordered by year, region code and quarter.
///
/// # Errors
///
/// A polars error when the plan cannot be made.
pub fn parts(
    rows: &DataFrame,
    years: &[i32],
    rule: &AnnualRule,
    decimals: u32,
    missing: &[Quarter],
) -> PolarsResult<LazyFrame> {
    let rows = rows.clone().lazy();
    let regions = rows
        .clone()
        .select([col(YEAR), col(CODE)])
        .unique(None, UniqueKeepStrategy::Any);
    // Every region of a year in each of its four quarters, whether or not a file has its row.
    let grid: Vec<LazyFrame> = (1..=4)
        .map(|q| regions.clone().with_column(lit(q).alias(Q)))
        .collect();
    let grid = concat(grid, UnionArgs::default())?;
    let keys = [col(YEAR), col(CODE), col(Q)];
    let joined = grid
        .join(rows, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .join(
            weights(rule, years, missing)?,
            [col(YEAR), col(Q)],
            [col(YEAR), col(Q)],
            JoinArgs::new(JoinType::Left),
        );
    let region = [col(YEAR), col(CODE)];
    let scored = col("status")
        .eq(lit(Status::Scored.code()))
        .fill_null(lit(false));
    let held = of_quarters(missing).not();
    let scored_total = when(scored.clone())
        .then(col("total"))
        .otherwise(lit(NULL).cast(DataType::Float64));
    let substitute = match rule.missing {
        Missing::Zero => lit(0.0),
        Missing::Lowest => scored_total
            .clone()
            .min()
            .over(region.clone())?
            .fill_null(lit(0.0)),
        Missing::MeanMinus => rounded(
            scored_total
                .mean()
                .over(region.clone())?
                .fill_null(lit(0.0))
                - lit(rule.missing_deduction),
            decimals,
        ),
    };
    let how = when(held.clone().not())
        .then(lit(How::QUARTER_MISSING))
        .when(scored.clone())
        .then(lit(How::SCORED))
        .when(col("status").is_not_null())
        .then(lit(How::UNSCORED))
        .otherwise(lit(How::ABSENT));
    let counted = when(held.not())
        .then(lit(0.0))
        .when(scored)
        .then(col("total"))
        .otherwise(substitute);
    Ok(joined
        .with_columns([how.alias(HOW), counted.alias(COUNTED)])
        .with_column(rounded(col(COUNTED) * col(WEIGHT), decimals).alias(CONTRIBUTION))
        .select([
            col(YEAR),
            col(CODE),
            col(Q),
            col(HOW),
            col(COUNTED),
            col(WEIGHT),
            col(CONTRIBUTION),
        ])
        .sort([YEAR, CODE, Q], SortMultipleOptions::default()))
}

/// [`parts`] collected, by year.
///
/// # Errors
///
/// The polars error of a table that cannot be read (a file damaged after it was scanned).
pub fn collect(parts: LazyFrame) -> PolarsResult<BTreeMap<i32, YearParts>> {
    let df = parts.collect()?;
    let years = df.column(YEAR)?.i32()?;
    let codes = df.column(CODE)?.str()?;
    let hows = df.column(HOW)?.str()?;
    let [counted, weight, contribution] =
        [COUNTED, WEIGHT, CONTRIBUTION].map(|name| df.column(name).and_then(|c| c.f64().cloned()));
    let (counted, weight, contribution) = (counted?, weight?, contribution?);
    let mut out: BTreeMap<i32, YearParts> = BTreeMap::new();
    for i in 0..df.height() {
        let missing = || polars_err!(ComputeError: "年度汇总第{}行不完整", i + 1);
        let (Some(y), Some(code), Some(how)) = (years.get(i), codes.get(i), hows.get(i)) else {
            return Err(missing());
        };
        let part = Part {
            how: How::parse(how).ok_or_else(missing)?,
            counted: counted.get(i).ok_or_else(missing)?,
            weight: weight.get(i).ok_or_else(missing)?,
            contribution: contribution.get(i).ok_or_else(missing)?,
        };
        out.entry(y)
            .or_default()
            .entry(code.to_string())
            .or_default()
            .push(part);
    }
    Ok(out)
}

/// Each quarter of `year`: the mean total of the regions scored in it, unrounded; `None` for a
/// quarter in which none was (or that the history lacks).
///
/// # Errors
///
/// The polars error of a table that cannot be read.
pub fn province_means(rows: &DataFrame, year: i32) -> PolarsResult<Vec<Option<f64>>> {
    let df = rows
        .clone()
        .lazy()
        .filter(
            col(YEAR)
                .eq(lit(year))
                .and(col("status").eq(lit(Status::Scored.code()))),
        )
        .group_by([col(Q)])
        .agg([col("total").mean().alias("mean")])
        .collect()?;
    let qs = df.column(Q)?.i32()?;
    let means = df.column("mean")?.f64()?;
    let mut out = vec![None; 4];
    for i in 0..df.height() {
        if let (Some(q), Some(m)) = (qs.get(i), means.get(i)) {
            if let Some(slot) = usize::try_from(q - 1).ok().and_then(|k| out.get_mut(k)) {
                *slot = Some(m);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expression rounds exactly as the figures are printed, halves and drift included.
    #[test]
    fn rounding_as_an_expression_agrees_with_round_half_away() {
        let values = [
            2.675,
            -2.675,
            0.125,
            1.005,
            -0.004,
            64.015,
            99.995,
            0.0,
            12.344_999_999_999,
            0.1 + 0.2,
            1e-9,
            -1e-9,
            33.335,
        ];
        for decimals in [0, 1, 2, 3] {
            let df = df!("v" => values.to_vec()).unwrap();
            let out = df
                .lazy()
                .select([rounded(col("v"), decimals).alias("r")])
                .collect()
                .unwrap();
            let r = out.column("r").unwrap().f64().unwrap();
            for (i, v) in values.iter().enumerate() {
                assert_eq!(
                    r.get(i),
                    Some(round_half_away(*v, decimals)),
                    "{v} to {decimals} places"
                );
            }
        }
    }
}
