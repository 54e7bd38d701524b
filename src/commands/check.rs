//! `kaoping check`: ingest and validate every submission, print a per-file summary, write a
//! 数据质量 workbook. Exit code 1 if any submission has an error, or if `score` would stop
//! because a working-day count reaches a year the holiday table lacks (that is one error row in
//! 数据质量, against the holiday table rather than any region's file, and check still writes
//! the workbook).

use super::{load, quarter_of, run_time, Exit};
use crate::cli::SetupArgs;
use crate::pipeline::{self, Error};
use crate::problem::Severity;
use crate::text::{pad, width};
use std::path::{Path, PathBuf};

pub fn run(
    dir: &Path,
    setup: &SetupArgs,
    quarter: Option<&str>,
    out: Option<&Path>,
    feedback: Option<Option<&Path>>,
) -> Result<Exit, Error> {
    let date = setup.date;
    let setup = load(setup)?;
    let quarter = quarter_of(quarter, dir, &setup)?;
    let out = out.map_or_else(
        || PathBuf::from(format!("数据质量_{quarter}.xlsx")),
        Path::to_path_buf,
    );
    let feedback = feedback
        .map(|f| super::or_beside(f.map(Path::to_path_buf), &out, &format!("反馈单_{quarter}")));
    let feedback = feedback.as_deref();
    let progress = super::Bar::new();
    let checked = pipeline::check(
        &setup,
        quarter,
        dir,
        &out,
        &run_time(date),
        feedback,
        &progress,
    )?;
    let rows: Vec<[String; 4]> = checked
        .files
        .iter()
        .map(|f| {
            let of_file = |s: Severity| {
                checked
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
    // A superseded file's errors are listed, but the later file is the one that counts.
    let any_error = checked.problems.iter().any(|p| {
        p.severity == Severity::Error && crate::submission::bears_on_result(p, &checked.files)
    });
    say_part!(
        "{}",
        super::summary::Summary {
            scheme: &setup.scheme,
            quarter,
            results: &checked.results,
            problems: &checked.problems,
            files: &checked.files,
            quality: &out,
        }
        .names()
    );
    if let Some(gap) = &checked.gap {
        say!("错误：{gap}");
    }
    say!("数据质量工作簿：{}", out.display());
    if let Some(dir) = feedback {
        say!(
            "退回修改通知和补报通知：{}（{}份；未评分，未写入历史数据）",
            dir.display(),
            checked.notices.len()
        );
    }
    Ok(if any_error {
        Exit::DataErrors
    } else {
        Exit::Ok
    })
}
