//! Reading and validating submissions: a folder of workbooks in, typed values with their sources
//! and a list of problems out. Only this module reads workbooks.

mod basic;
pub mod cells;
mod checks;
pub mod copies;
mod files;
mod guard;
pub mod ledger;
pub mod province;
mod quiet;
mod summary;
pub mod tables;
pub mod workbook;

pub use files::{file_name, list_files, list_unsupported};
pub use workbook::Limits;

use files::{read_at_most, unsupported, unsupported_message};

use crate::contract::{
    BASIC_SHEET, META_SHEET, SUMMARY_SHEET, SUMMARY_VALUE_HEADER, WORK_SHEET, WORK_VALUE_HEADER,
};
use crate::problem::{Kind, Problem, Source};
use crate::quarter::Quarter;
use crate::registry::Registry;
use crate::scheme::Scheme;
use crate::submission::{Batch, InputFile, Submission};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// A folder that could not be listed.
#[derive(Debug, thiserror::Error)]
#[error("无法读取报送文件夹 {path}：{}", crate::text::io_reason(source))]
pub struct IngestError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// What ingest needs to know besides the files.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub scheme: &'a Scheme,
    pub registry: &'a Registry,
    pub quarter: Quarter,
    /// The day "later than today" is checked against (ingest reads no clock).
    pub today: chrono::NaiveDate,
    pub limits: Limits,
}

/// [`read_file`], with any panic (a bug, in the engine or a reader) turned into an error for
/// this file only, so that one file never stops the batch.
pub fn read_file_guarded(path: &Path, ctx: &Context, template_hash: &str) -> Submission {
    let read = std::panic::AssertUnwindSafe(|| read_file(path, ctx, template_hash));
    quiet::while_reading(|| std::panic::catch_unwind(read)).unwrap_or_else(|_| {
        let name = file_name(path);
        Submission {
            file: name.clone(),
            problems: vec![Problem::error(
                Kind::Internal,
                Source::new(&name, "", ""),
                "读取该文件时程序出错，未能读取；请将文件转交技术人员",
            )],
            ..Submission::default()
        }
    })
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
                Kind::TooLarge,
                whole,
                format!(
                    "文件大小超过上限{} MiB",
                    ctx.limits.file_bytes / 1024 / 1024
                ),
            ));
            return sub;
        }
        // Read at most one byte past the limit, in case the file grew since it was measured.
        _ => match read_at_most(path, ctx.limits.file_bytes.saturating_add(1)) {
            Ok(b) => b,
            Err(e) => {
                sub.problems.push(Problem::error(
                    Kind::Unreadable,
                    whole,
                    format!("无法读取文件：{}", crate::text::io_reason(&e)),
                ));
                return sub;
            }
        },
    };
    sub.sha256 = format!("{:x}", Sha256::digest(&bytes));
    let Some(format) = workbook::format_of(&name) else {
        sub.problems.push(Problem::error(
            Kind::Unsupported,
            whole,
            unsupported_message(&name),
        ));
        return sub;
    };
    // The ledgers, most of a file's cells, are read row by row as they arrive.
    let streamed = |sheet: &str| ctx.scheme.ledgers.iter().any(|l| l.sheet == sheet);
    let mut opened = match workbook::open(&bytes, format, &ctx.limits, &streamed) {
        Ok(b) => b,
        Err(e) => {
            let kind = match e {
                workbook::OpenError::TooLarge { .. } => Kind::TooLarge,
                _ => Kind::Unreadable,
            };
            sub.problems
                .push(Problem::error(kind, whole.clone(), e.to_string()));
            return sub;
        }
    };
    if opened.is_empty() {
        sub.problems.push(Problem::error(
            Kind::EmptyFile,
            whole,
            format!(
                "工作簿中没有任何数据（空文件），请使用{}下发的模板填写后重新报送",
                ctx.scheme.office.short()
            ),
        ));
        return sub;
    }
    for note in &opened.book.notes {
        sub.problems
            .push(Problem::warning(Kind::Note, whole.clone(), note.clone()));
    }
    // Cells cut to the limit are told before what was read from them, wherever they were.
    let clipped_at = sub.problems.len();
    let read = read_book(&mut opened, ctx, template_hash, &mut sub).and_then(|()| opened.finish());
    if let Err(e) = read {
        // A file that breaks a limit or the reader part way is refused whole, as if it had
        // failed to open: nothing read from it before that counts.
        return Submission {
            file: name,
            sha256: sub.sha256,
            problems: vec![Problem::error(Kind::Unreadable, whole, e)],
            ..Submission::default()
        };
    }
    let clipped = opened.book.clipped.iter().map(|(sheet, row, col, chars)| {
        Problem::warning(
            Kind::TooLarge,
            Source::new(&name, sheet, crate::problem::a1(*row, *col)),
            format!(
                "单元格文本长达{chars}字，超过上限{}字，只读取前{}字",
                ctx.limits.cell_chars, ctx.limits.cell_chars
            ),
        )
    });
    sub.problems.splice(clipped_at..clipped_at, clipped);
    let region = (!sub.region_code.is_empty()).then(|| sub.region_code.clone());
    for p in &mut sub.problems {
        p.region = region.clone();
    }
    sub
}

/// Reads the sheets of an opened workbook into the submission, then checks it as a whole.
///
/// # Errors
///
/// The reason the file cannot be read, when streaming a ledger breaks a limit or the reader.
fn read_book(
    opened: &mut workbook::Opened,
    ctx: &Context,
    template_hash: &str,
    sub: &mut Submission,
) -> Result<(), String> {
    let file = sub.file.clone();
    let book = &opened.book;
    let missing = |sheet: &str| {
        Problem::error(
            Kind::MissingSheet,
            Source::new(&file, sheet, ""),
            format!("缺少工作表“{sheet}”"),
        )
    };
    if let Some(meta) = book.sheet(META_SHEET) {
        sub.meta = basic::read_meta(meta);
    }
    // A template made under another contract is read leniently, and told apart in checks; one
    // with no _meta at all is read as the scheme's own (and warned about there).
    let differs = !sub.meta.scheme_id.is_empty()
        && sub.meta.template_hash != template_hash
        && !crate::fingerprint::same_contract(&sub.meta, ctx.scheme);
    let needed = ctx.scheme.scored_fields();
    match book.sheet(BASIC_SHEET) {
        Some(g) => basic::read(g, ctx.quarter, ctx.today, sub),
        None => {
            let p = missing(BASIC_SHEET);
            sub.problems.push(p);
            // Without 基本情况, the hidden _meta still tells which region the file is for.
            sub.region_code = sub.meta.region_code.clone();
        }
    }
    for (sheet, defs, header) in [
        (SUMMARY_SHEET, &ctx.scheme.fields, SUMMARY_VALUE_HEADER),
        (WORK_SHEET, &ctx.scheme.work_items, WORK_VALUE_HEADER),
    ] {
        match book.sheet(sheet) {
            Some(g) => summary::read(g, (defs, &needed), header, differs, sub),
            None => {
                let p = missing(sheet);
                sub.problems.push(p);
            }
        }
    }
    for def in &ctx.scheme.ledgers {
        let orders = ledger::date_orders(ctx.scheme, &def.id);
        let scored = ctx.scheme.scored_columns(&def.id);
        let rules = (orders.as_slice(), scored.as_slice());
        let problems = sub.problems.len();
        let read = opened.read_rows(&def.sheet, |rows| {
            // Read again from the start when the sheet's cells came out of order.
            sub.problems.truncate(problems);
            sub.ledgers.remove(&def.id);
            ledger::read(rows, def, (ctx.quarter, ctx.today), rules, differs, sub);
        })?;
        if read.is_none() {
            sub.problems.push(missing(&def.sheet));
        }
    }
    checks::run(sub, ctx.scheme, ctx.registry, ctx.quarter, differs);
    Ok(())
}

/// Told as a folder's files are read, from any thread, so that the caller can show progress;
/// ingest itself draws nothing.
pub trait Progress: Sync {
    /// Reading starts: this many files.
    fn start(&self, _files: usize) {}
    /// One more file read.
    fn read_one(&self) {}
    /// Every file read.
    fn done(&self) {}
}

/// Progress told to no one.
pub struct Silent;

impl Progress for Silent {}

/// Reads every submission in a folder (in parallel) and picks one per region.
pub fn read_dir(
    dir: &Path,
    ctx: &Context,
    template_hash: &str,
    progress: &dyn Progress,
) -> Result<Batch, IngestError> {
    let files = list_files(dir, ctx.scheme)?;
    let mut subs = read_files(&files, ctx, template_hash, progress);
    subs.extend(
        list_unsupported(dir, ctx.scheme)
            .iter()
            .map(|p| unsupported(p)),
    );
    Ok(select(subs, ctx))
}

/// Reads submission files in parallel on rayon's pool, one per task, each holding only what
/// scoring reads once it is checked; in the order given. What [`select`] makes of them does not
/// depend on that order or on the number of threads.
pub fn read_files(
    files: &[std::path::PathBuf],
    ctx: &Context,
    template_hash: &str,
    progress: &dyn Progress,
) -> Vec<Submission> {
    progress.start(files.len());
    // The ledger columns scoring reads, worked out once for the batch.
    let read: Vec<(&str, Vec<usize>)> = ctx
        .scheme
        .ledgers
        .iter()
        .map(|l| (l.id.as_str(), ctx.scheme.read_columns(&l.id)))
        .collect();
    let subs = files
        .par_iter()
        .map(|p| {
            let mut sub = read_file_guarded(p, ctx, template_hash);
            sub.case_keys = copies::case_keys(&sub, ctx.scheme);
            // Every check is done: a batch of thousands of regions holds only what scoring
            // reads from here on.
            for (id, columns) in &read {
                if let Some(ledger) = sub.ledgers.get_mut(*id) {
                    ledger.keep_only(columns);
                }
            }
            progress.read_one();
            sub
        })
        .collect();
    progress.done();
    subs
}

/// The 季度 each submission of a folder states in 基本情况 (file name, quarter), for a folder
/// whose name does not say the quarter. Files whose 季度 cannot be read are left out; they are
/// reported when the folder is read for the quarter found. `ctx.quarter` is only a stand-in
/// for the checks that need one.
pub fn stated_quarters(
    dir: &Path,
    ctx: &Context,
    template_hash: &str,
) -> Result<Vec<(String, Quarter)>, IngestError> {
    let files = list_files(dir, ctx.scheme)?;
    Ok(files
        .par_iter()
        .filter_map(|p| {
            let sub = read_file_guarded(p, ctx, template_hash);
            sub.quarter.map(|q| (sub.file, q))
        })
        .collect())
}

/// Which region a file is for when its 基本情况 does not say so usably: the region its hidden
/// `_meta` names, else the one its file name names (a registry code at its start, or a single
/// registry name in it). A file that arrived is never its region's 未报送: it is that region's
/// file, with its errors (a mistyped code, or why it cannot be read), and a warning says how it
/// was attributed.
fn attribute(sub: &mut Submission, registry: &Registry) {
    if registry.get(&sub.region_code).is_some() {
        return;
    }
    let meta_says = format!("隐藏工作表{META_SHEET}中的区划代码");
    let by_meta = registry
        .get(&sub.meta.region_code)
        .map(|r| (r, meta_says.as_str()));
    let by_name = || {
        let code: String = sub.file.chars().take_while(char::is_ascii_digit).collect();
        registry
            .get(&code)
            .map(|r| (r, "文件名中的区划代码"))
            .or_else(|| {
                let named: Vec<_> = registry
                    .regions
                    .iter()
                    .filter(|r| !r.name.is_empty() && sub.file.contains(r.name.as_str()))
                    .collect();
                match named.as_slice() {
                    [one] => Some((*one, "文件名中的地区名称")),
                    _ => None,
                }
            })
    };
    let Some((region, how)) = by_meta.or_else(by_name) else {
        return;
    };
    let p = Problem::warning(
        Kind::Region,
        Source::new(&sub.file, "", ""),
        format!(
            "文件内容不能确定所属地区，按{how}认定为{}（{}）的报送{}",
            region.name,
            region.code,
            if sub.region_code.is_empty() {
                String::new()
            } else {
                format!("（“{}”中填写的区划代码为{}）", BASIC_SHEET, sub.region_code)
            }
        ),
    );
    sub.problems.push(p);
    for p in &mut sub.problems {
        p.region.get_or_insert_with(|| region.code.clone());
    }
    sub.region_code = region.code.clone();
    if sub.region_name.is_empty() {
        sub.region_name = region.name.clone();
    }
}

/// Picks one submission per region: the later 填报日期 wins (then the later file name); every
/// submission is listed.
pub fn select(mut subs: Vec<Submission>, ctx: &Context) -> Batch {
    // By file name first, so that nothing below depends on the order the files were read in.
    subs.sort_by(|a, b| a.file.cmp(&b.file));
    let mut batch = Batch::default();
    let mut by_region: BTreeMap<String, Vec<Submission>> = BTreeMap::new();
    for mut sub in subs {
        attribute(&mut sub, ctx.registry);
        if ctx.registry.get(&sub.region_code).is_some() {
            by_region
                .entry(sub.region_code.clone())
                .or_default()
                .push(sub);
        } else {
            let status = if sub.sha256.is_empty() || sub.region_code.is_empty() {
                crate::submission::UNREADABLE
            } else {
                "有错误"
            };
            batch.files.push(InputFile {
                file: sub.file.clone(),
                sha256: sub.sha256.clone(),
                region_code: None,
                status: status.to_string(),
                template_version: sub.meta.scheme_version.clone(),
            });
            if sub.problems.is_empty() {
                batch.problems.push(Problem::error(
                    Kind::Region,
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
        let Some(chosen) = subs.pop() else {
            continue;
        };
        if !subs.is_empty() {
            let note = format!(
                "同一地区收到{}份报送：{}；按填报日期采用{}",
                names.len(),
                names.join("、"),
                chosen.file
            );
            // Said once, on the files not used: the note names the one that was (issue 24:
            // the same sentence on both files printed it twice in 数据质量).
            for s in subs.iter_mut() {
                let mut p =
                    Problem::warning(Kind::Superseded, Source::new(&s.file, "", ""), note.clone());
                p.region = Some(code.clone());
                s.problems.insert(0, p);
            }
        }
        for s in subs {
            batch.files.push(InputFile {
                file: s.file.clone(),
                sha256: s.sha256.clone(),
                region_code: Some(code.clone()),
                status: crate::submission::SUPERSEDED.to_string(),
                template_version: s.meta.scheme_version.clone(),
            });
            batch.problems.extend(s.problems);
        }
        batch.files.push(InputFile {
            file: chosen.file.clone(),
            sha256: chosen.sha256.clone(),
            region_code: Some(code.clone()),
            status: if chosen.is_unreadable() {
                crate::submission::UNREADABLE
            } else if chosen.has_errors() {
                "有错误"
            } else {
                "采用"
            }
            .to_string(),
            template_version: chosen.meta.scheme_version.clone(),
        });
        batch.problems.extend(chosen.problems.iter().cloned());
        batch.submissions.insert(code, chosen);
    }
    batch.files.sort_by(|a, b| a.file.cmp(&b.file));
    batch
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(file: &str, code: &str, meta_code: &str) -> Submission {
        Submission {
            file: file.to_string(),
            region_code: code.to_string(),
            meta: crate::submission::Meta {
                region_code: meta_code.to_string(),
                ..Default::default()
            },
            ..Submission::default()
        }
    }

    /// Regression (issue 22): a file whose 基本情况 carried a mistyped 区划代码 while its `_meta`
    /// named the region, or that could not be read at all, left its region 未报送. It is the
    /// region's file, by `_meta`, else by the code or the name in its file name, with a warning.
    #[test]
    fn regression_a_file_is_attributed_by_meta_then_by_its_name() {
        let registry = Registry::builtin().unwrap();
        let cases = [
            (sub("x.xlsx", "440399", "440300"), "440300", "_meta"),
            (
                sub("440200_韶关市_2025Q4.xlsx", "", ""),
                "440200",
                "文件名中的区划代码",
            ),
            (
                sub("韶关市报送.xlsx", "", ""),
                "440200",
                "文件名中的地区名称",
            ),
        ];
        for (mut s, code, how) in cases {
            attribute(&mut s, &registry);
            assert_eq!(s.region_code, code, "{}", s.file);
            let w = s.problems.last().unwrap();
            assert_eq!(w.kind, Kind::Region);
            assert!(w.message.contains(how), "{}", w.message);
            assert!(s.problems.iter().all(|p| p.region.as_deref() == Some(code)));
        }
        // Nothing to go by, or two regions named: left unattributed.
        for file in ["报送.xlsx", "广州市与深圳市.xlsx"] {
            let mut s = sub(file, "", "");
            attribute(&mut s, &registry);
            assert_eq!(s.region_code, "", "{file}");
        }
        // A code in the registry is never second-guessed.
        let mut s = sub("440200_韶关市.xlsx", "440300", "");
        attribute(&mut s, &registry);
        assert_eq!(s.region_code, "440300");
        assert!(s.problems.is_empty());
    }
}
