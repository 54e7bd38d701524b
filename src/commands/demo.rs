//! `kaoping demo`: the four sample quarters in order into `out/`, then a short summary of the
//! last quarter's top and bottom regions and their flags.

use super::score::{exit_of, print_summary, score_one};
use super::Exit;
use crate::pipeline::{Error, Setup};
use crate::quarter::Quarter;
use crate::text::pad;
use std::path::{Path, PathBuf};

pub fn run(samples: &Path, out: &Path) -> Result<Exit, Error> {
    let samples = locate(samples);
    let mut setup = Setup::load(None, None)?;
    if let Some(day) = super::today_from_env()? {
        setup.today = day;
    }
    let mut quarters: Vec<Quarter> = std::fs::read_dir(&samples)
        .map_err(|e| {
            Error::Usage(format!(
                "找不到样例文件夹 {}：{}",
                samples.display(),
                crate::text::io_reason(&e)
            ))
        })?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .collect();
    quarters.sort();
    if quarters.is_empty() {
        return Err(Error::Usage(format!(
            "样例文件夹 {} 中没有季度文件夹（如 2025Q1）",
            samples.display()
        )));
    }
    // The demo starts from an empty history so it can be run again and again.
    let history = out.join("history");
    if history.exists() {
        std::fs::remove_dir_all(&history).map_err(|e| {
            Error::Usage(format!(
                "无法清空 {}：{}",
                history.display(),
                crate::text::io_reason(&e)
            ))
        })?;
    }
    let mut last = None;
    let latest = quarters.last().copied();
    for q in &quarters {
        let path = out.join(format!("考评排名_{q}.xlsx"));
        // The latest quarter also gets what the office sends after scoring.
        let options = crate::cli::ScoreOptions {
            feedback: (Some(*q) == latest).then(|| Some(out.join(format!("反馈单_{q}")))),
            bulletin: (Some(*q) == latest).then(|| Some(out.join(format!("情况通报_{q}.docx")))),
            ..Default::default()
        };
        let outcome = score_one(
            &setup,
            *q,
            &samples.join(q.to_string()),
            Some(&history),
            &path,
            &options,
            None,
        )?;
        print_summary(&setup, &outcome, *q, &path);
        last = Some((outcome, path, *q));
    }
    let Some((outcome, path, q)) = last else {
        return Ok(Exit::Ok);
    };
    say!();
    say!("{} 排名前三与末位地区：", q.label());
    say!(
        "{}{}{}{}督办措施",
        pad("排名", 6),
        pad("地区", 10),
        pad("总分", 9),
        pad("等次或状态", 20)
    );
    let n = outcome.results.len();
    let shown: Vec<usize> = (0..n.min(3)).chain(n.saturating_sub(5).max(3)..n).collect();
    for (k, i) in shown.iter().enumerate() {
        if k == 3.min(n) && *i > 3 {
            say!("……");
        }
        let r = &outcome.results[*i];
        // A status (数据有误，退回修改, 未报送) is not a measure: it shows in the grade column.
        let measure = outcome
            .flags
            .get(&r.code)
            .and_then(|f| crate::flag::Measure::of(f))
            .map_or_else(String::new, |m| m.measure.label);
        let total = if r.is_scored() {
            format!("{:.2}", r.total)
        } else {
            "—".to_string()
        };
        let grade = if r.is_scored() {
            r.grade.clone()
        } else {
            r.status.label().to_string()
        };
        say!(
            "{}{}{}{}{}",
            pad(&r.rank.to_string(), 6),
            pad(&r.name, 10),
            pad(&total, 9),
            pad(&grade, 20),
            measure
        );
    }
    say!();
    say!("最新排名工作簿：{}", path.display());
    if let Some((dir, files)) = &outcome.sent.feedback {
        say!(
            "{} 各地区反馈单（未评分的地区为退回修改通知或补报通知）：{}（{}份）",
            q.label(),
            dir.display(),
            files.len()
        );
    }
    if let Some(bulletin) = &outcome.sent.bulletin {
        say!("{} 情况通报（草稿）：{}", q.label(), bulletin.display());
    }
    // A whole year in the samples: its 年度考核 too.
    let year = q.year;
    if crate::annual::quarters_of(year)
        .iter()
        .all(|x| quarters.contains(x))
    {
        let path = out.join(format!("年度考核_{year}.xlsx"));
        crate::pipeline::annual(&crate::pipeline::AnnualRun {
            setup: &setup,
            year,
            history: &history,
            out: &path,
            partial: false,
            findings: None,
            feedback: None,
            bulletin: None,
            run_time: super::run_time(None),
        })?;
        say!("{year}年度考核工作簿：{}", path.display());
    }
    let _ = exit_of(&outcome);
    Ok(Exit::Ok)
}

/// `samples/` in the working folder, else the one beside the crate (for `cargo run` elsewhere).
fn locate(samples: &Path) -> PathBuf {
    if samples.exists() || samples.is_absolute() {
        return samples.to_path_buf();
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join(samples);
    if beside.exists() {
        beside
    } else {
        samples.to_path_buf()
    }
}
