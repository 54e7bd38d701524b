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
    // `--feedback` or `--bulletin` without a path: beside the workbook.
    let mut options = options.clone();
    options.feedback = options.feedback.map(|f| {
        Some(super::or_beside(
            f,
            &out,
            &crate::workspace::feedback_name(quarter),
        ))
    });
    options.bulletin = options.bulletin.map(|f| {
        Some(super::or_beside(
            f,
            &out,
            &crate::workspace::bulletin_name(quarter),
        ))
    });
    let options = &options;
    let outcome = score_one(
        &setup,
        quarter,
        dir,
        history,
        &out,
        options,
        inputs.setup.date,
    )?;
    print_summary(&setup, &outcome, quarter, &out);
    if options.timings {
        eprintln!("各阶段耗时：{}", outcome.timings);
    }
    Ok(exit_of(&outcome))
}

pub(super) fn default_out(quarter: Quarter) -> PathBuf {
    PathBuf::from(crate::workspace::ranking_name(quarter))
}

pub(super) fn score_one(
    setup: &Setup,
    quarter: Quarter,
    dir: &Path,
    history: Option<&Path>,
    out: &Path,
    options: &ScoreOptions,
    date: Option<chrono::NaiveDate>,
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
        run_time: run_time(date),
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
    say_part!("{}", measures_and_calls(&setup.scheme, o));
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

/// What a leader asks after a run: the measures by region, most serious first (with the 整改期限
/// a measure carries), then whom to call (regions under a measure marked `contact`, or not
/// scored) with the
/// 填报人 and 联系电话 their file gives.
fn measures_and_calls(scheme: &crate::scheme::Scheme, o: &ScoreOutcome) -> String {
    use crate::flag::Measure;
    use std::fmt::Write as _;
    let name = |code: &str| {
        o.results
            .iter()
            .find(|r| r.code == code)
            .map_or_else(|| code.to_string(), |r| r.name.clone())
    };
    let measures: Vec<(&String, Measure)> = o
        .results
        .iter()
        .filter_map(|r| Some((&r.code, Measure::of(o.flags.get(&r.code)?)?)))
        .collect();
    let mut out = String::new();
    if measures.is_empty() {
        let _ = writeln!(out, "督办措施：无");
    } else {
        let _ = writeln!(out, "督办措施：");
        for def in scheme.measures_by_severity() {
            let who: Vec<String> = measures
                .iter()
                .filter(|(_, m)| m.measure == *def)
                .map(|(code, m)| match m.deadline {
                    Some(d) => format!("{}（限{}前整改）", name(code), d.format("%Y年%-m月%-d日")),
                    None => name(code),
                })
                .collect();
            if !who.is_empty() {
                let _ = writeln!(
                    out,
                    "  {}（{}个）：{}",
                    def.label,
                    who.len(),
                    who.join("、")
                );
            }
        }
    }
    let mut calls: Vec<[String; 4]> = Vec::new();
    for r in &o.results {
        let why = match measures.iter().find(|(c, _)| **c == r.code) {
            Some((_, m)) if m.measure.contact => m.measure.label.clone(),
            _ if !r.is_scored() => r.status.label().to_string(),
            _ => continue,
        };
        let (person, phone) = o
            .contacts
            .get(&r.code)
            .filter(|(p, t)| !p.is_empty() || !t.is_empty())
            .map_or_else(
                || ("（无报送文件中的联系人）".to_string(), String::new()),
                |(p, t)| (format!("填报人 {p}"), t.clone()),
            );
        calls.push([r.name.clone(), why, person, phone]);
    }
    if !calls.is_empty() {
        let _ = writeln!(out, "需联系的地区：");
        let widths: Vec<usize> = (0..4)
            .map(|k| {
                calls
                    .iter()
                    .map(|c| crate::text::width(&c[k]))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for c in &calls {
            let line: String = (0..4)
                .map(|k| crate::text::pad(&c[k], widths[k] + 2))
                .collect();
            let _ = writeln!(out, "  {}", line.trim_end());
        }
    }
    out
}
