//! The start-up check: a server killed at any moment restarts with the folder and the database
//! agreeing. An upload interrupted before it was recorded (in `上传中/`, or a version file no row
//! names) is set aside in `收表/未登记/` and named; a row whose file is missing or changed is
//! named too (the row is kept: it is what the region was told).

use super::submitted::{self, Synced};
use super::{App, WebError, FOLDER, INCOMING, VERSIONS};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where files no row names are moved.
pub const UNRECORDED: &str = "未登记";

/// The lock a running page holds on its workspace, and the note of who holds it.
const LOCK: &str = ".serve.lock";
const HOLDER: &str = ".serve.who";

/// The page's claim on its workspace: the operating system's lock on `收表/.serve.lock`, held
/// while the page runs and released however the process ends. Two pages on one workspace would
/// each take the other's uploads in progress for leftovers and delete them at start-up, and
/// interleave what each records and copies.
#[derive(Debug)]
pub struct Claim {
    _lock: std::fs::File,
}

/// Claims the workspace for this page, or says which page already runs on it.
///
/// # Errors
///
/// [`WebError::Refused`] when another page holds it; [`WebError::Io`] when the lock file cannot
/// be made.
pub fn claim(app: &App) -> Result<Claim, WebError> {
    let dir = app.folder();
    std::fs::create_dir_all(&dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let who = std::fs::read_to_string(dir.join(HOLDER)).unwrap_or_default();
            let who = if who.trim().is_empty() {
                String::new()
            } else {
                format!("（{}）", who.trim())
            };
            return Err(WebError::Refused(format!(
                "工作文件夹 {} 的收表页面已经在运行{who}：同一工作文件夹只能启动一个收表页面。\
                 请使用已在运行的页面，或先在它的窗口中按 Ctrl-C 停止它",
                app.workspace.root.display()
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
    }
    announce(app, None);
    Ok(Claim { _lock: file })
}

/// Notes who holds the claim (this process, and the address once bound), for the message a
/// second page gets. Only that message reads it: a page that cannot write it still serves.
pub fn announce(app: &App, address: Option<&str>) {
    let at = address.map_or_else(String::new, |a| format!("，地址 {a}"));
    let note = format!("进程 {}{at}，{} 启动", std::process::id(), super::now());
    let _ = crate::output::write_atomically(&app.folder().join(HOLDER), note.as_bytes());
}

/// What the check found, in words for the terminal; empty when all agrees.
///
/// # Errors
///
/// [`WebError`] when the folder or the database cannot be read.
pub fn check(app: &App) -> Result<Vec<String>, WebError> {
    let root = &app.workspace.root;
    let mut said = Vec::new();
    let incoming = root.join(FOLDER).join(INCOMING);
    for entry in std::fs::read_dir(&incoming).into_iter().flatten().flatten() {
        let gone =
            std::fs::remove_dir_all(entry.path()).or_else(|_| std::fs::remove_file(entry.path()));
        if gone.is_ok() {
            said.push(format!("删除了未完成的上传 {}", entry.path().display()));
        }
    }
    let rows: Vec<(String, String)> = app.db.with(|c| {
        let mut st = c.prepare("SELECT stored, sha256 FROM upload")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    })?;
    let recorded: BTreeSet<PathBuf> = rows.iter().map(|(p, _)| PathBuf::from(p)).collect();
    for (stored, sha) in &rows {
        match std::fs::read(root.join(stored)) {
            Ok(bytes) if format!("{:x}", Sha256::digest(&bytes)) == *sha => {}
            Ok(_) => said.push(format!(
                "已登记的上传 {stored} 与登记时的校验值不符，请核对"
            )),
            Err(_) => said.push(format!("已登记的上传 {stored} 不见了，请从备份恢复")),
        }
    }
    let versions = root.join(FOLDER).join(VERSIONS);
    let mut files = Vec::new();
    walk(&versions, &mut files);
    for file in files {
        let Ok(relative) = file.strip_prefix(root) else {
            continue;
        };
        if recorded.contains(relative) {
            continue;
        }
        let aside = root.join(FOLDER).join(UNRECORDED);
        std::fs::create_dir_all(&aside)?;
        let name = relative.to_string_lossy().replace(['/', '\\'], "_");
        std::fs::rename(&file, aside.join(&name))?;
        said.push(format!(
            "上传 {} 未登记（服务中断于登记之前），已移到 {}，该地区需重新上传",
            relative.display(),
            aside.join(&name).display()
        ));
    }
    said.extend(submissions(app)?);
    Ok(said)
}

/// `报送/` brought into line with the records: a version recorded but not yet copied there when
/// the server stopped is put there; a file put there by hand is left, and named.
fn submissions(app: &App) -> Result<Vec<String>, WebError> {
    let mut said = Vec::new();
    // A copy cut off by the kill: only the page writes into 报送/, and it is not running yet.
    let dir = app.workspace.submissions(app.quarter);
    let partial = |d: &Path| {
        std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(".kaoping-") && name.ends_with(".tmp")
            })
            .count()
    };
    let before = partial(&dir);
    if before > 0 {
        crate::interrupt::remove_stale(&dir, std::time::Duration::ZERO);
        said.push(format!(
            "删除了 {} 中 {} 个未写完的临时文件（复制到报送文件夹时服务中断）",
            dir.display(),
            before - partial(&dir)
        ));
    }
    let regions: BTreeSet<String> = super::store::latest_uploads(app)?.into_keys().collect();
    for code in regions {
        let Some(region) = app.setup.registry.get(&code) else {
            continue;
        };
        match submitted::sync(app, region, false)? {
            Synced::Written(path) => said.push(format!(
                "{} 已按收表记录更新为评分所用的版本（服务中断于登记之后、复制之前）",
                path.display()
            )),
            Synced::ByHand(path) => said.push(format!(
                "{} 不是{}在收表页面上传的任何版本（手工放入），保留未动；\
                 评分将读它。如应以页面上的版本为准，请删除它后重新启动",
                path.display(),
                region.name
            )),
            Synced::Nothing | Synced::Unchanged => {}
        }
    }
    Ok(said)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}
