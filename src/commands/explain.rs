//! `kaoping explain`: how one region's total was reached, over the same inputs as `score`
//! (history included), printed in Chinese; nothing is written.

use super::{load, quarter_of, run_time, Exit};
use crate::cli::ScoreInputs;
use crate::pipeline::{self, Error, ScoreRun};
use crate::report::explain::Results;
use std::path::Path;

pub fn run(
    inputs: &ScoreInputs,
    region: &str,
    without_province_findings: bool,
) -> Result<Exit, Error> {
    let (dir, history) = (inputs.dir.as_path(), inputs.history.as_deref());
    super::history_exists(history, false)?;
    let setup = load(&inputs.setup)?;
    known(&setup.registry, region)?;
    let quarter = quarter_of(inputs.quarter.as_deref(), dir, &setup)?;
    let assessed = pipeline::assess(&ScoreRun {
        setup: &setup,
        quarter,
        input: dir,
        history,
        out: Path::new(""),
        replace: false,
        without_province_findings,
        run_time: run_time(inputs.setup.date),
        wait: crate::history::DEFAULT_WAIT,
        on_wait: |message| eprintln!("{message}"),
        progress: &super::Bar::new(),
        sends: Default::default(),
        scheme_change: None,
    })?;
    let results = Results {
        scheme: &setup.scheme,
        quarter,
        regions: &assessed.results,
        flags: &assessed.flags,
        intervals: &assessed.analysis.intervals,
        problems: &assessed.problems,
    };
    let Some(r) = results.find(region) else {
        return Err(Error::Usage(format!(
            "地区名录中没有“{region}”，请给出区划代码（如 {}）或地区名称（如 {}）",
            assessed
                .results
                .first()
                .map_or("440100", |r| r.code.as_str()),
            assessed
                .results
                .first()
                .map_or("广州市", |r| r.name.as_str()),
        )));
    };
    say_part!("{}", results.explain(r));
    if history.is_none() {
        say!("（未指定 --history：涉及以前季度的督办规则（连续季度、上季度的措施、排名变化）未计入；与排名工作簿对照时请使用同一历史数据文件夹）");
    }
    Ok(Exit::Ok)
}

/// `explain --year`: how a region's annual total, rank and 等次 were made, with the figures of
/// the annual workbook; nothing is written.
pub fn run_year(
    year: i32,
    region: &str,
    history: Option<&Path>,
    findings: Option<&Path>,
    partial: bool,
    args: &crate::cli::SetupArgs,
) -> Result<Exit, Error> {
    let history = super::annual::history_given(history)?;
    let setup = load(args)?;
    known(&setup.registry, region)?;
    let (result, _) = pipeline::annual_year(&pipeline::AnnualRun {
        setup: &setup,
        year,
        history,
        out: Path::new(""),
        partial,
        findings,
        feedback: None,
        bulletin: None,
        run_time: run_time(args.date),
    })?;
    let who = region.trim();
    let Some(a) = result
        .regions
        .iter()
        .find(|r| r.code == who || r.name == who)
    else {
        return Err(Error::Usage(format!(
            "历史数据中{year}年没有“{who}”的考核结果"
        )));
    };
    say_part!("{}", crate::annual::explain(&setup.scheme, &result, a));
    Ok(Exit::Ok)
}

/// Stops, before anything is read, on a region the registry does not have, suggesting the ones
/// the clerk may have meant ("汕尾" → 汕尾市（441500）; "4415" → the codes that start so).
fn known(registry: &crate::registry::Registry, who: &str) -> Result<(), Error> {
    let who = who.trim();
    if registry
        .regions
        .iter()
        .any(|r| r.code == who || r.name == who)
    {
        return Ok(());
    }
    let close: Vec<String> = registry
        .regions
        .iter()
        .filter(|r| {
            (!who.is_empty() && (r.name.contains(who) || who.contains(r.name.as_str())))
                || (who.len() >= 2
                    && who.bytes().all(|b| b.is_ascii_digit())
                    && r.code.starts_with(who))
        })
        .take(5)
        .map(|r| format!("{}（{}）", r.name, r.code))
        .collect();
    let hint = if close.is_empty() {
        let first = registry.regions.first();
        format!(
            "请写区划代码（如 {}）或地区名录中的完整名称（如 {}）",
            first.map_or("440100", |r| r.code.as_str()),
            first.map_or("广州市", |r| r.name.as_str())
        )
    } else {
        format!("是否指：{}？请写区划代码或完整名称", close.join("、"))
    };
    Err(Error::Usage(format!("地区名录中没有“{who}”。{hint}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_typed_short_is_suggested_by_its_full_name() {
        let registry = crate::registry::Registry::builtin().unwrap();
        assert!(known(&registry, "汕尾市").is_ok());
        assert!(known(&registry, "441500").is_ok());
        let err = known(&registry, "汕尾").unwrap_err().to_string();
        assert!(err.contains("是否指：汕尾市（441500）"), "{err}");
        let err = known(&registry, "4415").unwrap_err().to_string();
        assert!(err.contains("汕尾市（441500）"), "{err}");
        let err = known(&registry, "北京").unwrap_err().to_string();
        assert!(err.contains("请写区划代码（如 440100）"), "{err}");
    }
}
