//! `kaoping check`: ingest and validate every submission, print a per-file summary, write a
//! 数据质量 workbook. Exit code 1 if any submission has an error, or if `score` would stop
//! because a working-day count reaches a year the holiday table lacks (that is one error row in
//! 数据质量, against the holiday table rather than any region's file, and check still writes
//! the workbook).

use super::{load, quarter_of, run_time, Exit};
use crate::cli::SetupArgs;
use crate::pipeline::{self, Error};
use crate::problem::{Problem, Severity, Source};
use crate::report::{self, Assessment};
use crate::score::{self, Inputs};
use crate::text::{pad, width};
use std::path::{Path, PathBuf};

pub fn run(
    dir: &Path,
    setup: &SetupArgs,
    quarter: Option<&str>,
    out: Option<&Path>,
) -> Result<Exit, Error> {
    let setup = load(setup)?;
    let quarter = quarter_of(quarter, dir, &setup)?;
    let out = out.map_or_else(
        || PathBuf::from(format!("数据质量_{quarter}.xlsx")),
        Path::to_path_buf,
    );
    let (mut batch, province) = pipeline::ingest(&setup, quarter, dir)?;
    let inputs = Inputs {
        scheme: &setup.scheme,
        calendar: &setup.calendar,
        quarter,
        province: &province,
    };
    let (results, gap) = match score::score(&setup.registry, &batch, &inputs) {
        Ok(results) => (results, None),
        Err(gap) => (score::statuses(&setup.registry, &batch), Some(gap)),
    };
    if let Some(gap) = &gap {
        batch.problems.push(Problem::error(
            Source::new(&gap.origin, "", ""),
            format!(
                "{}按现有节假日表无法评分：score 会停止，不写排名工作簿和历史数据。{}",
                gap.what(),
                gap.remedy()
            ),
        ));
    }
    let rows: Vec<[String; 4]> = batch
        .files
        .iter()
        .map(|f| {
            let of_file = |s: Severity| {
                batch
                    .problems
                    .iter()
                    .filter(|p| p.source.file == f.file && p.severity == s)
                    .count()
            };
            [
                f.file.clone(),
                f.status.clone(),
                format!("错误{}条", of_file(Severity::Error)),
                format!("警告{}条", of_file(Severity::Warning)),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..4)
        .map(|k| rows.iter().map(|r| width(&r[k])).max().unwrap_or(0))
        .collect();
    for r in &rows {
        let line: String = (0..4).map(|k| pad(&r[k], widths[k] + 2)).collect();
        say!("{}", line.trim_end());
    }
    // The calendar gap is among the problems (an error row against the holiday table).
    let any_error = batch.problems.iter().any(|p| p.severity == Severity::Error);
    say_part!(
        "{}",
        super::summary::Summary {
            scheme: &setup.scheme,
            quarter,
            results: &results,
            problems: &batch.problems,
            files: &batch.files,
            quality: &out,
        }
        .names()
    );
    if let Some(gap) = &gap {
        say!("错误：{gap}");
    }
    let a = Assessment {
        scheme: &setup.scheme,
        quarter,
        regions: results,
        flags: Default::default(),
        problems: batch.problems,
        files: batch.files,
        history: Vec::new(),
        analysis: Default::default(),
        findings: Default::default(),
        run_time: run_time(),
        reruns: Vec::new(),
    };
    report::write_quality(&a, &out)?;
    say!("数据质量工作簿：{}", out.display());
    Ok(if any_error {
        Exit::DataErrors
    } else {
        Exit::Ok
    })
}
