//! `kaoping score`: ingest → score → flag → report, and the quarter appended to history.

use super::{load, quarter_of, run_time, Exit};
use crate::cli::{ScoreInputs, ScoreOptions};
use crate::pipeline::{self, Error, ScoreOutcome, ScoreRun, Setup};
use crate::problem::Severity;
use crate::quarter::Quarter;
use crate::record::Status;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub fn run(
    inputs: &ScoreInputs,
    out: Option<&Path>,
    options: &ScoreOptions,
) -> Result<Exit, Error> {
    let (dir, history) = (inputs.dir.as_path(), inputs.history.as_deref());
    let setup = load(&inputs.setup)?;
    let quarter = quarter_of(inputs.quarter.as_deref(), dir, &setup)?;
    super::history_exists(history, options.new_history)?;
    let out = out.map_or_else(|| default_out(quarter), Path::to_path_buf);
    let outcome = score_one(&setup, quarter, dir, history, &out, options)?;
    print_summary(&setup, &outcome, quarter, &out);
    if options.timings {
        eprintln!("各阶段耗时：{}", outcome.timings);
    }
    Ok(exit_of(&outcome))
}

pub(super) fn default_out(quarter: Quarter) -> PathBuf {
    PathBuf::from(format!("考评排名_{quarter}.xlsx"))
}

pub(super) fn score_one(
    setup: &Setup,
    quarter: Quarter,
    dir: &Path,
    history: Option<&Path>,
    out: &Path,
    options: &ScoreOptions,
) -> Result<ScoreOutcome, Error> {
    let requirements = options
        .requirements
        .as_deref()
        .map(read_requirements)
        .transpose()?;
    pipeline::score(&ScoreRun {
        setup,
        quarter,
        input: dir,
        history,
        out,
        replace: options.replace,
        without_province_findings: options.without_province_findings,
        run_time: run_time(),
        wait: Duration::from_secs(options.wait),
        on_wait: |message| eprintln!("{message}"),
        progress: &super::Bar::new(),
        sends: options.sends(requirements.as_deref()),
        scheme_change: options.scheme_change.as_deref(),
    })
}

/// The 下一步工作要求 text the province keeps: UTF-8 (with or without BOM) or GB18030, as
/// Notepad and WPS save it; one paragraph per line.
fn read_requirements(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::Usage(format!(
            "无法读取下一步工作要求文件 {}：{}",
            path.display(),
            crate::text::io_reason(&e)
        ))
    })?;
    let (text, _) = crate::csvfile::decode(&bytes).ok_or_else(|| {
        Error::Usage(format!(
            "下一步工作要求文件 {} 不是 UTF-8 或 GB18030 编码的文本",
            path.display()
        ))
    })?;
    if text.trim().is_empty() {
        return Err(Error::Usage(format!(
            "下一步工作要求文件 {} 是空的；省略 --requirements 可使用默认文字",
            path.display()
        )));
    }
    Ok(text)
}

pub(super) fn exit_of(outcome: &ScoreOutcome) -> Exit {
    if outcome.count(Severity::Error) > 0 {
        Exit::DataErrors
    } else {
        Exit::Ok
    }
}

pub(super) fn print_summary(setup: &Setup, o: &ScoreOutcome, quarter: Quarter, out: &Path) {
    let n = |s: Status| o.results.iter().filter(|r| r.status == s).count();
    say!(
        "{quarter}：{}个地区，已评分{}个，数据有误{}个，已收到但无法读取{}个，未报送{}个；错误{}条，警告{}条",
        o.results.len(),
        n(Status::Scored),
        n(Status::Invalid),
        n(Status::Unreadable),
        n(Status::Missing),
        o.count(Severity::Error),
        o.count(Severity::Warning)
    );
    say_part!(
        "{}",
        super::summary::Summary {
            scheme: &setup.scheme,
            quarter,
            results: &o.results,
            problems: &o.problems,
            files: &o.files,
            quality: out,
        }
        .names()
    );
    if let Some(warning) = o.findings.warning(&setup.scheme) {
        say!("注意：{warning}");
    }
    say!("排名工作簿：{}", out.display());
    if let Some((dir, files)) = &o.sent.feedback {
        say!("反馈单：{}（{}份）", dir.display(), files.len());
    }
    if let Some(path) = &o.sent.bulletin {
        say!("情况通报（草稿）：{}", path.display());
    }
    if let Some(gap) = &o.history_gap {
        eprintln!("警告：{gap}");
    }
    if let Some(notice) = crate::history::notice(&o.reruns, quarter) {
        eprintln!("警告：{notice}");
        for r in &o.reruns {
            eprintln!("  {}：{}", r.quarter, r.reason);
        }
    }
}
