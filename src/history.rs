//! The history folder: one Parquet file per quarter with every region's results, so that
//! consecutive-quarter rules and trends can look back.

use crate::quarter::Quarter;
use crate::record::{FlagKind, QuarterRecord, Status};
use polars::prelude::*;
use std::path::{Path, PathBuf};

mod lock;
mod rerun;

pub use lock::{lock, HistoryLock, Holder, DEFAULT_WAIT, HOLDER_FILE, LOCK_FILE};
pub use rerun::{notice, reruns, Rerun, RERUN_FILE};

/// A history folder that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// Reading or writing a file of the folder failed; `source` is the I/O, Parquet or TOML
    /// error (or what was wrong in the file).
    #[error("历史数据 {path} 读写失败：{source}")]
    Io {
        path: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error(
        "历史数据中已有{quarter}的结果（{path}），且与本次结果不同；如确需覆盖，请加 --replace"
    )]
    Exists { quarter: Quarter, path: String },
    #[error(
        "历史数据中已有更晚的季度{later}，不能再写入{quarter}；如确需补录或重算，请加 --replace，之后再按季度顺序重新评分{quarter}以后的各季度"
    )]
    OutOfOrder { quarter: Quarter, later: Quarter },
    #[error(
        "历史数据文件夹 {dir} 正被另一次评分使用（{holder}），等待{seconds}秒后仍未完成；本次评分未写入任何结果。请待其完成后重新运行，或用 --wait 延长等待时间"
    )]
    Busy {
        dir: String,
        holder: String,
        seconds: u64,
    },
}

/// What writing a quarter did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    New,
    Unchanged,
    Replaced,
}

fn path_of(dir: &Path, quarter: Quarter) -> PathBuf {
    dir.join(format!("{quarter}.parquet"))
}

fn io_err(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> HistoryError {
    HistoryError::Io {
        path: path.display().to_string(),
        source: e.into(),
    }
}

/// The quarters present in a history folder, oldest first.
pub fn quarters(dir: &Path) -> Vec<Quarter> {
    let mut qs: Vec<Quarter> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".parquet")?.parse().ok()
        })
        .collect();
    qs.sort();
    qs
}

/// Reads every quarter in the folder before `before` (all of them when `None`), oldest first.
pub fn read(dir: &Path, before: Option<Quarter>) -> Result<Vec<QuarterRecord>, HistoryError> {
    let mut out = Vec::new();
    for q in quarters(dir) {
        if before.is_some_and(|b| q >= b) {
            continue;
        }
        out.extend(read_quarter(&path_of(dir, q), q)?);
    }
    Ok(out)
}

fn read_quarter(path: &Path, quarter: Quarter) -> Result<Vec<QuarterRecord>, HistoryError> {
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| io_err(path, e))?;
    from_frame(&df, quarter).map_err(|e| io_err(path, e))
}

fn from_frame(df: &DataFrame, quarter: Quarter) -> PolarsResult<Vec<QuarterRecord>> {
    let n = df.height();
    let s = |name: &str| -> PolarsResult<Vec<String>> {
        let ca = df.column(name)?.str()?;
        Ok((0..n)
            .map(|i| ca.get(i).unwrap_or("").to_string())
            .collect())
    };
    let f = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        let ca = df.column(name)?.f64()?;
        Ok((0..n).map(|i| ca.get(i)).collect())
    };
    let (codes, names, statuses, grades, flags) = (
        s("code")?,
        s("name")?,
        s("status")?,
        s("grade")?,
        s("flags")?,
    );
    let totals = f("total")?;
    let rank_ca = df.column("rank")?.u32()?;
    let ranks: Vec<u32> = (0..n).map(|i| rank_ca.get(i).unwrap_or(0)).collect();
    let ids: Vec<String> = df
        .get_column_names()
        .iter()
        .filter_map(|n| n.as_str().strip_suffix("_value").map(str::to_string))
        .collect();
    let funnel_ids: Vec<String> = df
        .get_column_names()
        .iter()
        .filter_map(|n| n.as_str().strip_suffix(FUNNEL_Z).map(str::to_string))
        .collect();
    let mut funnel_cols = Vec::new();
    for id in &funnel_ids {
        funnel_cols.push((id.clone(), f(&format!("{id}{FUNNEL_Z}"))?));
    }
    let mut ind_cols = Vec::new();
    for id in &ids {
        ind_cols.push((
            id.clone(),
            f(&format!("{id}_value"))?,
            f(&format!("{id}_score"))?,
        ));
    }
    (0..df.height())
        .map(|i| {
            Ok(QuarterRecord {
                quarter,
                code: codes[i].clone(),
                name: names[i].clone(),
                status: Status::parse(&statuses[i]).ok_or_else(
                    || polars_err!(ComputeError: "第{}行的状态“{}”无法识别", i + 1, statuses[i]),
                )?,
                total: totals[i].unwrap_or(0.0),
                rank: ranks[i],
                grade: grades[i].clone(),
                flags: flags[i]
                    .split([FLAG_SEPARATOR, '、'])
                    .filter(|f| !f.is_empty())
                    .map(|f| {
                        FlagKind::parse(f).ok_or_else(|| {
                        polars_err!(ComputeError: "第{}行的预警和处置“{}”无法识别", i + 1, f)
                    })
                    })
                    .collect::<PolarsResult<_>>()?,
                indicators: ind_cols
                    .iter()
                    .map(|(id, v, sc)| (id.clone(), v[i], sc[i].unwrap_or(0.0)))
                    .collect(),
                funnel: funnel_cols
                    .iter()
                    .filter_map(|(id, z)| Some((id.clone(), z[i]?)))
                    .collect(),
            })
        })
        .collect()
}

/// Between the codes of the flags a region carried (older files used `、` between labels).
const FLAG_SEPARATOR: char = ',';

/// Suffix of the columns that hold a region's adjusted z-score on a funnel.
const FUNNEL_Z: &str = "_funnel_z";

fn to_frame(records: &[QuarterRecord]) -> PolarsResult<DataFrame> {
    let col_s = |name: &str, f: &dyn Fn(&QuarterRecord) -> String| {
        Column::new(name.into(), records.iter().map(f).collect::<Vec<String>>())
    };
    let mut cols = vec![
        col_s("quarter", &|r| r.quarter.to_string()),
        col_s("code", &|r| r.code.clone()),
        col_s("name", &|r| r.name.clone()),
        col_s("status", &|r| r.status.code().to_string()),
        Column::new(
            "total".into(),
            records.iter().map(|r| r.total).collect::<Vec<f64>>(),
        ),
        Column::new(
            "rank".into(),
            records.iter().map(|r| r.rank).collect::<Vec<u32>>(),
        ),
        col_s("grade", &|r| r.grade.clone()),
        col_s("flags", &|r| {
            r.flags
                .iter()
                .map(|k| k.code())
                .collect::<Vec<_>>()
                .join(&FLAG_SEPARATOR.to_string())
        }),
    ];
    // Indicator ids in first-seen order (unscored regions have none).
    let mut ids: Vec<String> = Vec::new();
    for r in records {
        for (id, _, _) in &r.indicators {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    for id in &ids {
        let find = |r: &QuarterRecord| r.indicators.iter().find(|(i, _, _)| i == id).cloned();
        let values: Vec<Option<f64>> = records.iter().map(|r| find(r).and_then(|x| x.1)).collect();
        let scores: Vec<f64> = records
            .iter()
            .map(|r| find(r).map_or(0.0, |x| x.2))
            .collect();
        cols.push(Column::new(format!("{id}_value").into(), values));
        cols.push(Column::new(format!("{id}_score").into(), scores));
    }
    let mut funnel_ids: Vec<String> = Vec::new();
    for r in records {
        for (id, _) in &r.funnel {
            if !funnel_ids.contains(id) {
                funnel_ids.push(id.clone());
            }
        }
    }
    for id in &funnel_ids {
        let z: Vec<Option<f64>> = records.iter().map(|r| r.funnel_z(id)).collect();
        cols.push(Column::new(format!("{id}{FUNNEL_Z}").into(), z));
    }
    DataFrame::new(records.len(), cols)
}

/// Writes one quarter's records, atomically: [`prepare`], then [`Pending::commit`].
pub fn write(
    dir: &Path,
    quarter: Quarter,
    records: &[QuarterRecord],
    replace: bool,
    run_time: &str,
) -> Result<Written, HistoryError> {
    prepare(dir, quarter, records, replace, run_time)?.commit()
}

/// A quarter ready to be written: every check done, nothing written yet. The pipeline writes
/// the workbook between [`prepare`] and [`Pending::commit`], so a run that cannot write its
/// workbook leaves the history as it was.
#[derive(Debug)]
pub struct Pending {
    dir: PathBuf,
    path: PathBuf,
    bytes: Vec<u8>,
    outcome: Written,
    marks: rerun::Planned,
}

/// Checks that one quarter's records may be written and encodes them. An existing file for the
/// quarter is kept when the new one is identical, refused when different unless `replace`; a
/// quarter before one already in history is refused unless `replace`. The quarters to score
/// again (see `rerun`) are worked out as they will be after the write: `run_time` is when.
pub fn prepare(
    dir: &Path,
    quarter: Quarter,
    records: &[QuarterRecord],
    replace: bool,
    run_time: &str,
) -> Result<Pending, HistoryError> {
    let path = path_of(dir, quarter);
    if !replace {
        if let Some(later) = quarters(dir).into_iter().rfind(|q| *q > quarter) {
            return Err(HistoryError::OutOfOrder { quarter, later });
        }
    }
    let mut df = to_frame(records).map_err(|e| io_err(&path, e))?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .finish(&mut df)
        .map_err(|e| io_err(&path, e))?;
    let outcome = match std::fs::read(&path) {
        Ok(old) if old == bytes => Written::Unchanged,
        Ok(_) if !replace => {
            return Err(HistoryError::Exists {
                quarter,
                path: path.display().to_string(),
            })
        }
        Ok(_) => Written::Replaced,
        Err(_) => Written::New,
    };
    let marks = rerun::after_writing(dir, quarter, outcome, run_time)?;
    Ok(Pending {
        dir: dir.to_path_buf(),
        path,
        bytes,
        outcome,
        marks,
    })
}

impl Pending {
    /// What the write will do.
    pub fn outcome(&self) -> Written {
        self.outcome
    }

    /// The quarters that will need scoring again once written, oldest first.
    pub fn reruns(&self) -> Vec<Rerun> {
        self.marks.reruns()
    }

    /// Writes the quarter's file (unless unchanged) and the marks.
    pub fn commit(self) -> Result<Written, HistoryError> {
        if self.outcome != Written::Unchanged {
            crate::output::write_atomically(&self.path, &self.bytes)
                .map_err(|e| io_err(&self.path, e))?;
        }
        self.marks.apply(&self.dir)?;
        Ok(self.outcome)
    }
}
