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
    let quarter = quarter_of(inputs.quarter.as_deref(), dir, &setup)?;
    let assessed = pipeline::assess(&ScoreRun {
        setup: &setup,
        quarter,
        input: dir,
        history,
        out: Path::new(""),
        replace: false,
        without_province_findings,
        run_time: run_time(),
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
        say!("（未指定 --history：连续季度的通报、约谈、挂牌督办未计入；与排名工作簿对照时请使用同一历史数据文件夹）");
    }
    Ok(Exit::Ok)
}
