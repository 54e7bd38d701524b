//! The history folder as one table: every quarter's file scanned into a single polars
//! [`LazyFrame`] with one schema, so that the year's aggregation and the look back over earlier
//! years are expressions over it rather than loops over records.

use super::{io_err, path_of, quarters, HistoryError};
use crate::quarter::Quarter;
use crate::record::Status;
use polars::prelude::*;
use std::path::Path;

/// The columns every quarter's file has, with their types: what the table holds of each row
/// (indicator and funnel columns differ between scheme versions and are left out).
pub const COLUMNS: [(&str, DataType); 10] = [
    ("quarter", DataType::String),
    ("code", DataType::String),
    ("name", DataType::String),
    ("status", DataType::String),
    ("total", DataType::Float64),
    ("rank", DataType::UInt32),
    ("grade", DataType::String),
    ("flags", DataType::String),
    ("rules", DataType::String),
    ("late", DataType::Boolean),
];

/// The table's column with the quarter's year.
pub const YEAR: &str = "year";
/// The table's column with the quarter's number in its year, 1–4.
pub const Q: &str = "q";

/// Every quarter of the folder, oldest first, as one table: the [`COLUMNS`] and [`YEAR`] and
/// [`Q`]. A quarter written before rules and lateness were kept reads them as none. Each file's
/// schema is read here, so a damaged file stops the run naming it before anything is computed.
///
/// # Errors
///
/// [`HistoryError::Damaged`] naming the file that cannot be read; the folder's own errors as
/// [`quarters`] gives them.
pub fn scan(dir: &Path) -> Result<(LazyFrame, Vec<Quarter>), HistoryError> {
    let held = quarters(dir)?;
    let mut frames = Vec::with_capacity(held.len());
    for &q in &held {
        frames.push(scan_quarter(dir, q)?);
    }
    if frames.is_empty() {
        return Ok((empty(), held));
    }
    // One chunk per column once collected: rows are then read by index without a search.
    let args = UnionArgs {
        rechunk: true,
        ..UnionArgs::default()
    };
    let table = concat(frames, args).map_err(|e| io_err(dir, e))?;
    Ok((table, held))
}

/// One quarter's file as the table's rows.
fn scan_quarter(dir: &Path, quarter: Quarter) -> Result<LazyFrame, HistoryError> {
    let path = path_of(dir, quarter);
    let damaged = |e: PolarsError| HistoryError::Damaged {
        path: path.display().to_string(),
        source: e.into(),
    };
    let source = PlRefPath::try_from_path(&path).map_err(damaged)?;
    let args = ScanArgsParquet {
        glob: false,
        ..ScanArgsParquet::default()
    };
    let mut lf = LazyFrame::scan_parquet(source, args).map_err(damaged)?;
    let schema = lf.collect_schema().map_err(damaged)?;
    let mut columns: Vec<Expr> = Vec::with_capacity(COLUMNS.len() + 2);
    for (name, dtype) in COLUMNS {
        let column = match (schema.get(name), name) {
            // The file's name says its quarter, as when it is read alone.
            (_, "quarter") => lit(quarter.to_string()).alias(name),
            // Files written before the codes held the Chinese labels: the table holds codes.
            (Some(_), "status") => Status::ALL
                .iter()
                .fold(col(name).strict_cast(dtype), |e, k| {
                    when(col(name).eq(lit(k.label())))
                        .then(lit(k.code()))
                        .otherwise(e)
                })
                .alias(name),
            (Some(_), _) => col(name).strict_cast(dtype),
            // Kept since the ladder became data; absent from older files.
            (None, "rules") => lit("").alias(name),
            (None, "late") => lit(false).alias(name),
            (None, _) => return Err(damaged(polars_err!(ColumnNotFound: "缺少“{}”列", name))),
        };
        columns.push(column);
    }
    columns.push(lit(quarter.year).alias(YEAR));
    columns.push(lit(quarter.q as i32).alias(Q));
    Ok(lf.select(columns))
}

/// A table without rows, for a folder without quarters.
fn empty() -> LazyFrame {
    let mut schema = Schema::with_capacity(COLUMNS.len() + 2);
    for (name, dtype) in COLUMNS {
        schema.insert(name.into(), dtype);
    }
    schema.insert(YEAR.into(), DataType::Int32);
    schema.insert(Q.into(), DataType::Int32);
    DataFrame::empty_with_schema(&schema).lazy()
}
