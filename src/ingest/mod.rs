//! Reading and validating submissions: a folder of workbooks in, typed values with their sources
//! and a list of problems out. Only this module reads workbooks.

mod basic;
pub mod cells;
mod checks;
mod guard;
mod ledger;
pub mod province;
mod summary;
mod types;
pub mod workbook;

pub use province::{ProvinceData, ProvinceRow};
pub use types::*;
pub use workbook::Limits;

use crate::problem::{Problem, Source};
use crate::quarter::Quarter;
use crate::registry::Registry;
use crate::scheme::Scheme;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A folder that could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("无法读取报送文件夹 {path}：{message}")]
pub struct IngestError {
    pub path: String,
    pub message: String,
}

/// What ingest needs to know besides the files.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub scheme: &'a Scheme,
    pub registry: &'a Registry,
    pub quarter: Quarter,
    pub limits: Limits,
}

/// Submission files in a folder (xlsx, xlsm, xls, ods), sorted by name; Office lock files skipped.
pub fn list_files(dir: &Path) -> Result<Vec<PathBuf>, IngestError> {
    let err = |e: std::io::Error| IngestError {
        path: dir.display().to_string(),
        message: e.to_string(),
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(err)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = file_name(p);
            workbook::format_of(&name).is_some()
                && !name.starts_with("~$")
                && !name.starts_with(".~lock")
        })
        .collect();
    files.sort();
    Ok(files)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads and validates one submission file. Never fails: what goes wrong is in `problems`.
pub fn read_file(path: &Path, ctx: &Context, template_hash: &str) -> Submission {
    let name = file_name(path);
    let mut sub = Submission {
        file: name.clone(),
        ..Submission::default()
    };
    let whole = Source::new(&name, "", "");
    let bytes = match std::fs::metadata(path) {
        Ok(m) if m.len() > ctx.limits.file_bytes => {
            sub.problems.push(Problem::error(
                whole,
                format!(
                    "文件大小超过上限{} MiB",
                    ctx.limits.file_bytes / 1024 / 1024
                ),
            ));
            return sub;
        }
        _ => match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                sub.problems
                    .push(Problem::error(whole, format!("无法读取文件：{e}")));
                return sub;
            }
        },
    };
    sub.sha256 = format!("{:x}", Sha256::digest(&bytes));
    let Some(format) = workbook::format_of(&name) else {
        sub.problems.push(Problem::error(
            whole,
            "不支持的文件格式，请报送xlsx、xls或ods文件",
        ));
        return sub;
    };
    let book = match workbook::open(&bytes, format, &ctx.limits) {
        Ok(b) => b,
        Err(m) => {
            sub.problems.push(Problem::error(whole, m));
            return sub;
        }
    };
    read_book(&book, ctx, template_hash, &mut sub);
    let region = (!sub.region_code.is_empty()).then(|| sub.region_code.clone());
    for p in &mut sub.problems {
        p.region = region.clone();
    }
    sub
}

fn read_book(book: &workbook::Book, ctx: &Context, template_hash: &str, sub: &mut Submission) {
    let file = sub.file.clone();
    let missing = |sheet: &str| {
        Problem::error(
            Source::new(&file, sheet, ""),
            format!("缺少工作表“{sheet}”"),
        )
    };
    if let Some(meta) = book.sheet(basic::META_SHEET) {
        sub.meta = basic::read_meta(meta);
    }
    match book.sheet(basic::SHEET) {
        Some(g) => basic::read(g, sub),
        None => {
            let p = missing(basic::SHEET);
            sub.problems.push(p);
            // Without 基本情况, the hidden _meta still tells which region the file is for.
            sub.region_code = sub.meta.region_code.clone();
        }
    }
    for (sheet, defs, header) in [
        ("汇总指标", &ctx.scheme.fields, "本季度数值"),
        ("工作情况", &ctx.scheme.work_items, "填报值"),
    ] {
        match book.sheet(sheet) {
            Some(g) => summary::read(g, defs, header, sub),
            None => {
                let p = missing(sheet);
                sub.problems.push(p);
            }
        }
    }
    for def in &ctx.scheme.ledgers {
        match book.sheet(&def.sheet) {
            Some(g) => ledger::read(g, def, ctx.quarter, sub),
            None => {
                let p = missing(&def.sheet);
                sub.problems.push(p);
            }
        }
    }
    checks::run(sub, ctx.scheme, ctx.registry, ctx.quarter, template_hash);
}

/// Reads every submission in a folder (in parallel) and picks one per region.
pub fn read_dir(dir: &Path, ctx: &Context, template_hash: &str) -> Result<Batch, IngestError> {
    let files = list_files(dir)?;
    // Drawn on a terminal only; indicatif hides it when stderr is not one.
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("读取报送 {bar:40} {pos}/{len} {elapsed}")
    {
        bar.set_style(style);
    }
    let subs: Vec<Submission> = files
        .par_iter()
        .map(|p| {
            let sub = read_file(p, ctx, template_hash);
            bar.inc(1);
            sub
        })
        .collect();
    bar.finish_and_clear();
    Ok(select(subs, ctx))
}

/// Picks one submission per region: the later 填报日期 wins (then the later file name); every
/// submission is listed.
pub fn select(subs: Vec<Submission>, ctx: &Context) -> Batch {
    let mut batch = Batch::default();
    let mut by_region: BTreeMap<String, Vec<Submission>> = BTreeMap::new();
    for sub in subs {
        if ctx.registry.get(&sub.region_code).is_some() {
            by_region
                .entry(sub.region_code.clone())
                .or_default()
                .push(sub);
        } else {
            let status = if sub.sha256.is_empty() || sub.region_code.is_empty() {
                "无法读取"
            } else {
                "有错误"
            };
            batch.files.push(InputFile {
                file: sub.file.clone(),
                sha256: sub.sha256.clone(),
                region_code: None,
                status: status.to_string(),
            });
            if sub.problems.is_empty() {
                batch.problems.push(Problem::error(
                    Source::new(&sub.file, "", ""),
                    "无法确定所属地区",
                ));
            }
            batch.problems.extend(sub.problems);
        }
    }
    for (code, mut subs) in by_region {
        subs.sort_by(|a, b| (a.filed_on, &a.file).cmp(&(b.filed_on, &b.file)));
        let names: Vec<String> = subs
            .iter()
            .map(|s| match s.filed_on {
                Some(d) => format!("{}（填报日期{}）", s.file, d.format("%Y-%m-%d")),
                None => s.file.clone(),
            })
            .collect();
        let Some(mut chosen) = subs.pop() else {
            continue;
        };
        if !subs.is_empty() {
            let note = format!(
                "同一地区收到{}份报送：{}；按填报日期采用{}",
                names.len(),
                names.join("、"),
                chosen.file
            );
            for s in subs.iter_mut().chain(std::iter::once(&mut chosen)) {
                let mut p = Problem::warning(Source::new(&s.file, "", ""), note.clone());
                p.region = Some(code.clone());
                s.problems.insert(0, p);
            }
        }
        for s in subs {
            batch.files.push(InputFile {
                file: s.file.clone(),
                sha256: s.sha256.clone(),
                region_code: Some(code.clone()),
                status: "未采用（重复报送）".to_string(),
            });
            batch.problems.extend(s.problems);
        }
        batch.files.push(InputFile {
            file: chosen.file.clone(),
            sha256: chosen.sha256.clone(),
            region_code: Some(code.clone()),
            status: if chosen.has_errors() {
                "有错误"
            } else {
                "采用"
            }
            .to_string(),
        });
        batch.problems.extend(chosen.problems.iter().cloned());
        batch.submissions.insert(code, chosen);
    }
    batch.files.sort_by(|a, b| a.file.cmp(&b.file));
    batch
}
