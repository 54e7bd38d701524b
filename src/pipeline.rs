//! The pipeline's public API: one call per CLI command, each taking plain settings and returning
//! plain results. Data flows one way: ingest → score → flag → report (+ history).

use crate::flag::{self, Flag};
use crate::history::{self, HistoryError, Written};
use crate::ingest::{self, Batch, Context, IngestError, InputFile, Limits};
use crate::problem::{Problem, Severity};
use crate::quarter::Quarter;
use crate::registry::{Calendar, Registry, RegistryError};
use crate::report::{self, Assessment, ReportError};
use crate::scheme::{Scheme, SchemeError};
use crate::score::{self, RegionResult};
use crate::stats;
use crate::template::{self, TemplateError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Anything that stops a command (as opposed to problems in the data, which never do).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Scheme(#[from] SchemeError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Calendar(#[from] crate::registry::calendar::CalendarError),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Working days to count in a year the holiday table lacks: nothing is scored or written.
    #[error("{}评分已停止，未写入排名工作簿和历史数据。{}", .0.what(), .0.remedy())]
    CalendarGap(#[from] score::CalendarGap),
    #[error(transparent)]
    Samples(#[from] crate::samples::SamplesError),
    #[error("{0}")]
    Usage(String),
}

/// The province's files: scheme, registry and calendar.
#[derive(Debug, Clone)]
pub struct Setup {
    pub scheme: Scheme,
    pub registry: Registry,
    pub calendar: Calendar,
}

impl Setup {
    /// Loads the given files, or the ones shipped in `templates/` where a path is `None`.
    pub fn load(scheme: Option<&Path>, regions: Option<&Path>) -> Result<Setup, Error> {
        let scheme = match scheme {
            Some(p) => Scheme::load(p)?,
            None => Scheme::builtin()?,
        };
        let registry = match regions {
            Some(p) => Registry::load(p)?,
            None => Registry::builtin()?,
        };
        let calendar = Calendar::from_csv(crate::registry::calendar::BUILTIN_HOLIDAYS)?;
        Ok(Setup {
            scheme,
            registry,
            calendar,
        })
    }
}

/// A holiday table kept by the province (UTF-8 or GB18030, as `templates/holidays.csv`).
///
/// # Errors
///
/// [`Error::Usage`] when the file cannot be read or decoded; [`Error::Calendar`] when a line is
/// wrong.
pub fn load_calendar(path: &Path) -> Result<Calendar, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Usage(format!("无法读取节假日表 {}：{e}", path.display())))?;
    let Some((text, _)) = crate::csvfile::decode(&bytes) else {
        return Err(Error::Usage(format!(
            "节假日表 {} 既不是UTF-8也不是GB18030（GBK）编码",
            path.display()
        )));
    };
    Ok(Calendar::from_csv(&text)?.with_origin(path.display().to_string()))
}

/// Writes one blank submission workbook per region; returns the paths.
pub fn templates(setup: &Setup, quarter: Quarter, out: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut paths = Vec::new();
    for region in &setup.registry.regions {
        let path = out.join(template::file_name(region, quarter));
        template::write(&path, &setup.scheme, Some(region), Some(quarter), None)?;
        paths.push(path);
    }
    Ok(paths)
}

/// Settings of one scoring run.
#[derive(Debug, Clone)]
pub struct ScoreRun<'a> {
    pub setup: &'a Setup,
    pub quarter: Quarter,
    pub input: &'a Path,
    pub history: Option<&'a Path>,
    pub out: &'a Path,
    pub replace: bool,
    /// 评分时间 shown in the workbook.
    pub run_time: String,
}

/// What a scoring run produced.
#[derive(Debug, Clone)]
pub struct ScoreOutcome {
    /// In rank order.
    pub results: Vec<RegionResult>,
    pub flags: BTreeMap<String, Vec<Flag>>,
    pub problems: Vec<Problem>,
    pub files: Vec<InputFile>,
    pub history: Option<Written>,
}

impl ScoreOutcome {
    /// Number of problems of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .count()
    }
}

/// Ingests a folder: submissions and 省级评定.csv.
pub fn ingest(
    setup: &Setup,
    quarter: Quarter,
    input: &Path,
) -> Result<(Batch, ingest::ProvinceData), Error> {
    let ctx = Context {
        scheme: &setup.scheme,
        registry: &setup.registry,
        quarter,
        limits: Limits::default(),
    };
    let hash = template::template_hash(&setup.scheme);
    let mut batch = ingest::read_dir(input, &ctx, &hash)?;
    let (province, province_problems) =
        ingest::province::read(input, &setup.scheme, &setup.registry);
    batch.problems.extend(province_problems);
    if !province.sha256.is_empty() {
        batch.files.push(InputFile {
            file: province.file.clone(),
            sha256: province.sha256.clone(),
            region_code: None,
            status: "省级评定".to_string(),
        });
    }
    Ok((batch, province))
}

/// ingest → score → flag → report, and the quarter appended to history.
pub fn score(run: &ScoreRun) -> Result<ScoreOutcome, Error> {
    let setup = run.setup;
    let (batch, province) = ingest(setup, run.quarter, run.input)?;
    let inputs = score::Inputs {
        scheme: &setup.scheme,
        calendar: &setup.calendar,
        quarter: run.quarter,
        province: &province,
    };
    // A count the holiday table cannot decide stops the run here, before anything is written.
    let results = score::score(&setup.registry, &batch, &inputs)?;
    // Held until this function returns: from reading the history to writing this quarter.
    let _lock = run.history.map(history::lock).transpose()?;
    let past = match run.history {
        Some(dir) => history::read(dir, Some(run.quarter))?,
        None => Vec::new(),
    };
    let previous: Vec<_> = past
        .iter()
        .filter(|h| h.quarter == run.quarter.prev())
        .cloned()
        .collect();
    let analysis = stats::analyse(&setup.scheme, &results, &previous);
    let flags = flag::evaluate(
        &setup.scheme,
        run.quarter,
        &results,
        &past,
        &analysis.funnels,
    );
    let written = match run.history {
        Some(dir) => {
            let records = history::records(run.quarter, &results, &flags, &analysis.funnels);
            Some(history::write(dir, run.quarter, &records, run.replace)?)
        }
        None => None,
    };
    let assessment = Assessment {
        scheme: &setup.scheme,
        quarter: run.quarter,
        regions: results,
        flags,
        problems: batch
            .problems
            .into_iter()
            .chain(analysis.anomalies.iter().cloned())
            .collect(),
        files: batch.files,
        history: past,
        analysis,
        run_time: run.run_time.clone(),
    };
    report::write(&assessment, run.out)?;
    Ok(ScoreOutcome {
        results: assessment.regions,
        flags: assessment.flags,
        problems: assessment.problems,
        files: assessment.files,
        history: written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A holiday table extended by the province (saved by Excel as GB18030) covers 2027:
    /// 2027-01-01 is a holiday, and messages name the file.
    #[test]
    fn a_province_holiday_table_extends_the_calendar() {
        let mut text = crate::registry::calendar::BUILTIN_HOLIDAYS.to_string();
        text.push_str("2027-01-01,休,元旦\n");
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("节假日.csv");
        std::fs::write(&path, &bytes).unwrap();
        let cal = load_calendar(&path).unwrap();
        let new_year = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert!(!cal.is_working_day(new_year));
        assert!(cal.covers(2027));
        assert!(!Calendar::builtin().covers(2027));
        assert!(cal.origin().ends_with("节假日.csv"), "{}", cal.origin());
        assert_eq!(
            Calendar::builtin().origin(),
            "内置的 templates/holidays.csv"
        );
    }
}
