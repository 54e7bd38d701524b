//! The history folder: one Parquet file per quarter with every region's results, so that
//! consecutive-quarter rules and trends can look back.

use crate::quarter::Quarter;
use crate::record::{Held, QuarterRecord, Status};
use polars::prelude::*;
use std::path::{Path, PathBuf};

mod lock;
mod notices;
mod rerun;
pub mod table;

pub use lock::{lock, HistoryLock, Holder, DEFAULT_WAIT, HOLDER_FILE, LOCK_FILE};
pub use notices::{deadlines, record as record_notices, NOTICES_FILE};
pub use rerun::{notice, reruns, Rerun, RERUN_FILE};

/// A history folder that could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// Reading or writing a file of the folder failed; `source` is the I/O, Parquet or TOML
    /// error (or what was wrong in the file).
    #[error("历史数据 {path} 读写失败：{}", reason(source.as_ref()))]
    Io {
        path: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A quarter's file that cannot be read as the engine wrote it: damaged, cut short, or with
    /// a value missing that every record has.
    #[error(
        "历史数据文件 {path} 已损坏或内容不完整，无法读取（{source}）。本次未评分、未写入任何结果。\
         请从备份恢复该文件，或用 --replace 按季度顺序重新评分该季度"
    )]
    Damaged {
        path: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A file in the history folder that the engine did not write.
    #[error(
        "历史数据文件夹中有无法识别的文件 {path}：历史数据文件夹只应存放本程序写入的“季度.parquet”文件（如 2025Q1.parquet）。\
         若它是同步软件或复制留下的副本，请核对后移出该文件夹再重新运行；若它才是正确的季度数据，请改名为“季度.parquet”"
    )]
    Stray { path: String },
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

/// What produced a quarter's records: the scheme (id, version, contract fingerprint) and the
/// registry (a hash of its regions). Kept in every quarter's file, so that a run cannot mix
/// another scheme's or another registry's quarter into the same history unnoticed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    pub scheme_id: String,
    pub scheme_version: String,
    pub contract: String,
    pub registry: String,
}

impl Provenance {
    /// The scheme and registry, as a reader names them ("指标体系gd-2020（版本2020.1），地区名录…").
    pub fn describe(&self) -> String {
        format!(
            "指标体系{}（版本{}），地区名录校验值{}",
            self.scheme_id,
            self.scheme_version,
            self.registry.get(..12).unwrap_or(&self.registry)
        )
    }
}

/// The columns that carry a quarter's [`Provenance`] (the same value on every row).
const PROVENANCE: [&str; 4] = [
    "made_scheme_id",
    "made_scheme_version",
    "made_contract",
    "made_registry",
];

/// Each quarter of the folder before `before` (all when `None`) with what produced it; `None`
/// for a file written before provenance was kept.
pub fn provenance(
    dir: &Path,
    before: Option<Quarter>,
) -> Result<Vec<(Quarter, Option<Provenance>)>, HistoryError> {
    let mut out = Vec::new();
    for q in quarters(dir)? {
        if before.is_some_and(|b| q >= b) {
            continue;
        }
        let path = path_of(dir, q);
        let file = std::fs::File::open(&path).map_err(|e| io_err(&path, e))?;
        let damaged = |e: PolarsError| HistoryError::Damaged {
            path: path.display().to_string(),
            source: e.into(),
        };
        let df = ParquetReader::new(file).finish().map_err(damaged)?;
        let first = |name: &str| -> Option<String> {
            df.column(name).ok()?.str().ok()?.get(0).map(str::to_string)
        };
        let made = match PROVENANCE.map(first) {
            [Some(scheme_id), Some(scheme_version), Some(contract), Some(registry)] => {
                Some(Provenance {
                    scheme_id,
                    scheme_version,
                    contract,
                    registry,
                })
            }
            _ => None,
        };
        out.push((q, made));
    }
    Ok(out)
}

/// The SHA-256 of a quarter's file, for a reader to check that a result came from it.
///
/// # Errors
///
/// [`HistoryError`] when the file cannot be read.
pub fn file_hash(dir: &Path, quarter: Quarter) -> Result<String, HistoryError> {
    use sha2::{Digest, Sha256};
    let path = path_of(dir, quarter);
    let mut file = std::fs::File::open(&path).map_err(|e| io_err(&path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| io_err(&path, e))?;
    Ok(format!("{:x}", hasher.finalize()))
}

/// What writing a quarter did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    New,
    Unchanged,
    Replaced,
}

/// An error's words for a clerk: an I/O error by its kind (no operating-system English), any
/// other as it says itself.
fn reason(e: &(dyn std::error::Error + 'static)) -> String {
    match e.downcast_ref::<std::io::Error>() {
        Some(io) => crate::text::io_reason(io),
        None => e.to_string(),
    }
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

/// The quarters present in a history folder, oldest first. A folder that does not exist holds
/// none; one that cannot be read, or that holds a file the engine did not write (a
/// `2025Q1 (1).parquet` left by a sync client, a copy under another name, a subfolder), stops
/// the run with its path: the history a run reads is never less than the folder holds.
pub fn quarters(dir: &Path) -> Result<Vec<Quarter>, HistoryError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(dir, e)),
    };
    let mut qs = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_err(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().map_err(|e| io_err(dir, e))?.is_file();
        match name.strip_suffix(".parquet").map(str::parse::<Quarter>) {
            Some(Ok(q)) if is_file && name == format!("{q}.parquet") => qs.push(q),
            _ if is_file && is_bookkeeping(&name) => {}
            _ => {
                return Err(HistoryError::Stray {
                    path: entry.path().display().to_string(),
                })
            }
        }
    }
    qs.sort();
    Ok(qs)
}

/// Files a history folder may hold besides its quarters: the lock, its holder, the rerun
/// marks, an interrupted write's temporary file, and what file managers leave (`desktop.ini`,
/// `Thumbs.db`, `.DS_Store`).
fn is_bookkeeping(name: &str) -> bool {
    let hidden = name.starts_with('.') && !name.to_lowercase().ends_with(".parquet");
    hidden
        || name == RERUN_FILE
        || name == NOTICES_FILE
        || name.eq_ignore_ascii_case("desktop.ini")
        || name.eq_ignore_ascii_case("Thumbs.db")
}

/// Reads every quarter in the folder before `before` (all of them when `None`), oldest first.
pub fn read(dir: &Path, before: Option<Quarter>) -> Result<Vec<QuarterRecord>, HistoryError> {
    let mut out = Vec::new();
    for q in quarters(dir)? {
        if before.is_some_and(|b| q >= b) {
            continue;
        }
        out.extend(read_quarter(&path_of(dir, q), q)?);
    }
    Ok(out)
}

/// The quarter's own records, when the folder has it (to score it again).
pub fn read_one(dir: &Path, quarter: Quarter) -> Result<Option<Vec<QuarterRecord>>, HistoryError> {
    if !quarters(dir)?.contains(&quarter) {
        return Ok(None);
    }
    read_quarter(&path_of(dir, quarter), quarter).map(Some)
}

fn read_quarter(path: &Path, quarter: Quarter) -> Result<Vec<QuarterRecord>, HistoryError> {
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let damaged = |e: PolarsError| HistoryError::Damaged {
        path: path.display().to_string(),
        source: e.into(),
    };
    let df = ParquetReader::new(file).finish().map_err(damaged)?;
    from_frame(&df, Some(quarter)).map_err(damaged)
}

/// The rows of the folder's [`table`] (collected) as records, each of its own quarter; the
/// table keeps no indicators, so neither do they.
///
/// # Errors
///
/// [`HistoryError::Damaged`] when a row lacks what every record has: naming the quarter's file
/// and its row (each file is read again alone to find it), else the folder.
pub fn records_of(dir: &Path, df: &DataFrame) -> Result<Vec<QuarterRecord>, HistoryError> {
    from_frame(df, None).or_else(|e| {
        for q in quarters(dir)? {
            read_quarter(&path_of(dir, q), q)?;
        }
        Err(HistoryError::Damaged {
            path: dir.display().to_string(),
            source: e.into(),
        })
    })
}

/// A frame's rows as records; the quarter is each row's `quarter` column, or `file_quarter`
/// for a file's rows (every row of a quarter's file is of that quarter).
fn from_frame(df: &DataFrame, file_quarter: Option<Quarter>) -> PolarsResult<Vec<QuarterRecord>> {
    let n = df.height();
    // A value the engine always writes and a reader depends on is never taken as 0 or "" when
    // missing: a damaged or hand-edited file stops the run, naming the row and column.
    let null = |name: &str, i: usize| polars_err!(ComputeError: "第{}行的“{}”为空", i + 1, name);
    let s = |name: &str| -> PolarsResult<Vec<String>> {
        let ca = df.column(name)?.str()?;
        (0..n)
            .map(|i| ca.get(i).map(str::to_string).ok_or_else(|| null(name, i)))
            .collect()
    };
    let f = |name: &str| -> PolarsResult<Vec<Option<f64>>> {
        let ca = df.column(name)?.f64()?;
        Ok((0..n).map(|i| ca.get(i)).collect())
    };
    let required = |name: &str| -> PolarsResult<Vec<f64>> {
        f(name)?
            .into_iter()
            .enumerate()
            .map(|(i, v)| v.ok_or_else(|| null(name, i)))
            .collect()
    };
    let (codes, names, statuses, grades, flags) = (
        s("code")?,
        s("name")?,
        s("status")?,
        s("grade")?,
        s("flags")?,
    );
    // Kept since the ladder became data; absent from older files.
    let rules = df
        .column("rules")
        .ok()
        .map(|c| c.str().cloned())
        .transpose()?;
    let late = df
        .column("late")
        .ok()
        .map(|c| c.bool().cloned())
        .transpose()?;
    let totals = required("total")?;
    let rank_ca = df.column("rank")?.u32()?;
    let ranks: Vec<u32> = (0..n)
        .map(|i| rank_ca.get(i).ok_or_else(|| null("rank", i)))
        .collect::<PolarsResult<_>>()?;
    if let Some(i) = codes.iter().position(|c| c.trim().is_empty()) {
        return Err(null("code", i));
    }
    let quarters: Vec<Quarter> = match file_quarter {
        Some(q) => vec![q; n],
        None => s("quarter")?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.parse()
                    .map_err(|_| polars_err!(ComputeError: "第{}行的季度“{}”无法识别", i + 1, v))
            })
            .collect::<PolarsResult<_>>()?,
    };
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
            required(&format!("{id}_score"))?,
        ));
    }
    (0..df.height())
        .map(|i| {
            Ok(QuarterRecord {
                quarter: quarters[i],
                code: codes[i].clone(),
                name: names[i].clone(),
                status: Status::parse(&statuses[i]).ok_or_else(
                    || polars_err!(ComputeError: "第{}行的状态“{}”无法识别", i + 1, statuses[i]),
                )?,
                total: totals[i],
                rank: ranks[i],
                grade: grades[i].clone(),
                flags: flags[i]
                    .split([FLAG_SEPARATOR, '、'])
                    .filter(|f| !f.is_empty())
                    .map(|f| {
                        Held::parse(f).ok_or_else(|| {
                            polars_err!(ComputeError: "第{}行的预警和处置“{}”无法识别", i + 1, f)
                        })
                    })
                    .collect::<PolarsResult<_>>()?,
                rules: rules
                    .as_ref()
                    .and_then(|c| c.get(i))
                    .map(|v| {
                        v.split(FLAG_SEPARATOR)
                            .filter(|x| !x.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                late: late.as_ref().and_then(|c| c.get(i)).unwrap_or(false),
                indicators: ind_cols
                    .iter()
                    .map(|(id, v, sc)| (id.clone(), v[i], sc[i]))
                    .collect(),
                funnel: funnel_cols
                    .iter()
                    .filter_map(|(id, z)| Some((id.clone(), z[i]?)))
                    .collect(),
            })
        })
        .collect()
}

/// Between the measures a region held, and between the rules that fired (older files used `、`
/// between labels).
const FLAG_SEPARATOR: char = ',';

/// Suffix of the columns that hold a region's adjusted z-score on a funnel.
const FUNNEL_Z: &str = "_funnel_z";

fn to_frame(records: &[QuarterRecord], made: Option<&Provenance>) -> PolarsResult<DataFrame> {
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
                .map(Held::code)
                .collect::<Vec<_>>()
                .join(&FLAG_SEPARATOR.to_string())
        }),
        col_s("rules", &|r| r.rules.join(&FLAG_SEPARATOR.to_string())),
        Column::new(
            "late".into(),
            records.iter().map(|r| r.late).collect::<Vec<bool>>(),
        ),
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
    if let Some(m) = made {
        let values = [&m.scheme_id, &m.scheme_version, &m.contract, &m.registry];
        for (name, v) in PROVENANCE.iter().zip(values) {
            cols.push(Column::new((*name).into(), vec![v.as_str(); records.len()]));
        }
    }
    DataFrame::new(records.len(), cols)
}

/// Writes one quarter's records, atomically: [`prepare`], then [`Pending::commit`].
pub fn write(
    dir: &Path,
    quarter: Quarter,
    records: &[QuarterRecord],
    made: Option<&Provenance>,
    replace: bool,
    run_time: &str,
) -> Result<Written, HistoryError> {
    prepare(dir, quarter, records, made, replace, run_time)?.commit()
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
    made: Option<&Provenance>,
    replace: bool,
    run_time: &str,
) -> Result<Pending, HistoryError> {
    let path = path_of(dir, quarter);
    if !replace {
        if let Some(later) = quarters(dir)?.into_iter().rfind(|q| *q > quarter) {
            return Err(HistoryError::OutOfOrder { quarter, later });
        }
    }
    let mut df = to_frame(records, made).map_err(|e| io_err(&path, e))?;
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
