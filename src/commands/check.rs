//! `kaoping check`: ingest and validate every submission, print a per-file summary, write a
//! 数据质量 workbook. Exit code 1 if any submission has an error.

use super::{load, quarter_of, run_time, Exit};
use crate::cli::SetupArgs;
use crate::pipeline::{self, Error};
use crate::problem::Severity;
use crate::report::{self, Assessment};
use crate::score::{self, Inputs};
use std::path::{Path, PathBuf};

pub fn run(
    dir: &Path,
    setup: &SetupArgs,
    quarter: Option<&str>,
    out: Option<&Path>,
) -> Result<Exit, Error> {
    let setup = load(setup)?;
    let quarter = quarter_of(quarter, dir)?;
    let out = out.map_or_else(
        || PathBuf::from(format!("数据质量_{quarter}.xlsx")),
        Path::to_path_buf,
    );
    let (batch, province) = pipeline::ingest(&setup, quarter, dir)?;
    let inputs = Inputs {
        scheme: &setup.scheme,
        calendar: &setup.calendar,
        quarter,
        province: &province,
    };
    let results = score::score(&setup.registry, &batch, &inputs);
    let mut any_error = false;
    for f in &batch.files {
        let of_file = |s: Severity| {
            batch
                .problems
                .iter()
                .filter(|p| p.source.file == f.file && p.severity == s)
                .count()
        };
        let (e, w) = (of_file(Severity::Error), of_file(Severity::Warning));
        any_error |= e > 0;
        println!("{}  {}  错误{e}条  警告{w}条", f.file, f.status);
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
        run_time: run_time(),
        reruns: Vec::new(),
    };
    report::write_quality(&a, &out)?;
    println!("数据质量工作簿：{}", out.display());
    Ok(if any_error {
        Exit::DataErrors
    } else {
        Exit::Ok
    })
}
