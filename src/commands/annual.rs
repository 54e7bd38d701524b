//! `kaoping annual`: the year's result from the history, as a workbook.

use super::{load, run_time, Exit};
use crate::cli::SetupArgs;
use crate::pipeline::{self, AnnualRun, Error};
use std::path::Path;

/// Regions named per measure on the terminal; the workbook's 年度督办 lists them all.
const SHOWN: usize = 20;

/// What `kaoping annual` was given.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    pub year: i32,
    pub history: Option<&'a Path>,
    pub out: &'a Path,
    pub partial: bool,
    pub findings: Option<&'a Path>,
    pub feedback: Option<&'a Path>,
    pub bulletin: Option<&'a Path>,
}

/// The history folder the year is read from: given (or the workspace's) and there.
pub(super) fn history_given(history: Option<&Path>) -> Result<&Path, Error> {
    let Some(history) = history else {
        return Err(Error::Usage(
            "请用 --history 指定历史数据文件夹（各季度 score 时写入的那个）；在工作文件夹中可省略"
                .to_string(),
        ));
    };
    if !history.is_dir() {
        return Err(Error::Usage(format!(
            "历史数据文件夹 {} 不存在。请检查 --history 的路径（应为各季度 score --history 所用的文件夹）",
            history.display()
        )));
    }
    Ok(history)
}

pub fn run(inputs: &Inputs, args: &SetupArgs) -> Result<Exit, Error> {
    let Inputs {
        year,
        history,
        out,
        partial,
        findings,
        feedback,
        bulletin,
    } = *inputs;
    let history = history_given(history)?;
    let setup = load(args)?;
    let (year_result, forms) = pipeline::annual(&AnnualRun {
        setup: &setup,
        year,
        history,
        out,
        partial,
        findings,
        feedback,
        bulletin,
        run_time: run_time(args.date),
    })?;
    let scored = year_result.regions.iter().filter(|r| r.scored()).count();
    say!(
        "{year}年度：{}个地区，{scored}个地区有已评分的季度",
        year_result.regions.len()
    );
    if let Some(w) = year_result.incomplete() {
        say!("注意：{w}，本次结果不是正式的年度结果");
    }
    // A region the history's quarter has no row for: not the region's doing, and not seen in
    // the quarter's workbook either; said here as well as on every page that shows it.
    for r in &year_result.regions {
        for p in r
            .quarters
            .iter()
            .filter(|p| p.how == crate::annual::How::Absent)
        {
            say!(
                "注意：历史数据中{}没有{}的结果（该季度评分时不在地区名录中？），{}",
                p.quarter,
                r.name,
                p.substituted.as_deref().unwrap_or("")
            );
        }
    }
    let mut by_grade: Vec<(String, usize)> = Vec::new();
    for r in year_result.regions.iter().filter(|r| r.scored()) {
        match by_grade.iter_mut().find(|(g, _)| *g == r.grade) {
            Some((_, n)) => *n += 1,
            None => by_grade.push((r.grade.clone(), 1)),
        }
    }
    let grades: Vec<String> = setup
        .scheme
        .grades
        .iter()
        .map(|g| {
            let n = by_grade
                .iter()
                .find(|(x, _)| *x == g.name)
                .map_or(0, |(_, n)| *n);
            format!("{}{n}个", g.name)
        })
        .collect();
    say!("等次：{}", grades.join("、"));
    for r in year_result.regions.iter().filter(|r| r.downgrade.is_some()) {
        say!("  {}：{}", r.name, r.downgrade.as_deref().unwrap_or(""));
    }
    // By measure, most serious first; at national scale the names are cut after a few.
    let mut by_measure: Vec<(crate::scheme::MeasureDef, Vec<&str>)> = Vec::new();
    for r in &year_result.regions {
        let Some(m) = year_result
            .flags
            .get(&r.code)
            .and_then(|f| crate::flag::Measure::of(f))
        else {
            continue;
        };
        match by_measure.iter_mut().find(|(d, _)| *d == m.measure) {
            Some((_, names)) => names.push(&r.name),
            None => by_measure.push((m.measure, vec![&r.name])),
        }
    }
    by_measure.sort_by(|a, b| a.0.cmp(&b.0));
    for (m, names) in &by_measure {
        let shown: Vec<&str> = names.iter().take(SHOWN).copied().collect();
        let more = if names.len() > SHOWN { "等" } else { "" };
        say!(
            "年度{}（{}个）：{}{more}",
            m.label,
            names.len(),
            shown.join("、")
        );
    }
    if let Some(n) = &year_result.earlier_missing {
        say!("注意：{n}");
    }
    say!("年度考核工作簿：{}", out.display());
    if let Some(dir) = feedback {
        say!("各地区年度反馈单：{}（{}份）", dir.display(), forms.len());
    }
    if let Some(path) = bulletin {
        say!("年度情况通报（草稿）：{}", path.display());
    }
    Ok(if year_result.incomplete().is_some() {
        Exit::DataErrors
    } else {
        Exit::Ok
    })
}
