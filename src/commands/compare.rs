//! `kaoping compare`: the same submissions scored under two schemes, side by side in the
//! 方案比较 workbook; the history is read, never written.

use super::{load, quarter_of, run_time, Exit};
use crate::cli::SetupArgs;
use crate::flag::Flag;
use crate::pipeline::{self, Error, ScoreRun, Setup};
use crate::quarter::Quarter;
use crate::report::comparison::{self, Comparison, Side};
use crate::score::RegionResult;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `compare` was given on the command line.
pub struct Inputs<'a> {
    pub dir: &'a Path,
    pub schemes: &'a [PathBuf],
    pub regions: Option<&'a Path>,
    pub holidays: Option<&'a Path>,
    pub quarter: Option<&'a str>,
    pub history: Option<&'a Path>,
    pub out: Option<&'a Path>,
    pub without_province_findings: bool,
}

/// One scheme's results, kept after its run let go of the history.
struct Scored {
    results: Vec<RegionResult>,
    flags: BTreeMap<String, Vec<Flag>>,
}

pub fn run(inputs: &Inputs) -> Result<Exit, Error> {
    super::history_exists(inputs.history, false)?;
    let [a, b] = inputs.schemes else {
        return Err(Error::Usage(format!(
            "compare 需要两个 --scheme（先现行方案，后拟采用的方案），实际给了{}个",
            inputs.schemes.len()
        )));
    };
    let setup = |scheme: &Path| {
        load(&SetupArgs {
            scheme: Some(scheme.to_path_buf()),
            regions: inputs.regions.map(Path::to_path_buf),
            holidays: inputs.holidays.map(Path::to_path_buf),
            office: None,
            date: None,
        })
    };
    let (setup_a, setup_b) = (setup(a)?, setup(b)?);
    let quarter = quarter_of(inputs.quarter, inputs.dir, &setup_b)?;
    let time = run_time(None);
    let scored_a = assess(&setup_a, quarter, inputs, &time)?;
    let scored_b = assess(&setup_b, quarter, inputs, &time)?;
    let c = Comparison::new(
        quarter,
        Side {
            scheme: &setup_a.scheme,
            results: &scored_a.results,
            flags: &scored_a.flags,
        },
        Side {
            scheme: &setup_b.scheme,
            results: &scored_b.results,
            flags: &scored_b.flags,
        },
        time,
        history_words(inputs.history),
    );
    let out = inputs.out.map_or_else(
        || PathBuf::from(format!("方案比较_{quarter}.xlsx")),
        Path::to_path_buf,
    );
    comparison::write(&c, &out)?;
    say!(
        "{}：方案A {}（版本{}），方案B {}（版本{}）",
        quarter,
        setup_a.scheme.name,
        setup_a.scheme.version,
        setup_b.scheme.name,
        setup_b.scheme.version
    );
    say!(
        "两个方案下均评分{}个地区；等次不同{}个，督办措施不同{}个；斯皮尔曼等级相关系数{}",
        c.scored_both(),
        c.grade_changes(),
        c.measure_changes(),
        c.spearman()
            .map_or("无法计算".to_string(), |r| format!("{r:.3}"))
    );
    for ch in c.largest_moves(5) {
        say!(
            "  {}：第{}名 → 第{}名（{:.2} → {:.2}）",
            ch.name,
            ch.a.rank,
            ch.b.rank,
            ch.a.total,
            ch.b.total
        );
    }
    if inputs.history.is_none() {
        say!(
            "注意：没有给出 --history，连续季度的约谈、挂牌督办无法判断，两个方案下的督办措施只按本季度判断，可能与排名工作簿不同"
        );
    }
    say!("方案比较工作簿：{}", out.display());
    Ok(Exit::Ok)
}

/// The history read, for page 1: its folder and the quarters it held; `None` without one.
fn history_words(dir: Option<&Path>) -> Option<String> {
    let dir = dir?;
    let quarters = crate::history::quarters(dir).unwrap_or_default();
    let held = match (quarters.first(), quarters.last()) {
        (Some(a), Some(b)) if a == b => format!("（{a}）"),
        (Some(a), Some(b)) => format!("（{a}–{b}，{}个季度）", quarters.len()),
        _ => "（尚无季度）".to_string(),
    };
    Some(format!("历史数据 {}{held}", dir.display()))
}

/// One scheme's run over the inputs, read-only; the history lock is let go on return.
fn assess(setup: &Setup, quarter: Quarter, inputs: &Inputs, time: &str) -> Result<Scored, Error> {
    let assessed = pipeline::assess(&ScoreRun {
        setup,
        quarter,
        input: inputs.dir,
        history: inputs.history,
        out: Path::new(""),
        replace: false,
        without_province_findings: inputs.without_province_findings,
        run_time: time.to_string(),
        wait: crate::history::DEFAULT_WAIT,
        on_wait: |message| eprintln!("{message}"),
        progress: &super::Bar::new(),
        sends: Default::default(),
        // A comparison is read-only and is how a new scheme (another id) is tried on a quarter.
        scheme_change: Some("方案比较（只读，不写入历史数据）"),
    })?;
    Ok(Scored {
        results: assessed.results,
        flags: assessed.flags,
    })
}
