//! The workspace on the command line: `kaoping init`, finding the workspace (`--workspace`, or
//! upward from the working directory), and what the quarter-only forms mean inside it
//! (`kaoping score 2026Q1` reads `报送/2026Q1`, keeps its history in `历史/`, writes to
//! `输出/2026Q1/`). Flags given still win, so the path-and-flag form works as before.

use super::Exit;
use crate::cli::{ScoreInputs, SetupArgs};
use crate::pipeline::Error;
use crate::quarter::Quarter;
use crate::workspace::{Init, Level, Workspace};
use std::path::{Path, PathBuf};

fn usage(e: crate::workspace::WorkspaceError) -> Error {
    Error::Usage(e.to_string())
}

/// The workspace given with `--workspace`, or the one the working directory is in, if any.
pub(super) fn locate(given: Option<&Path>) -> Result<Option<Workspace>, Error> {
    match given {
        Some(dir) => Workspace::open(dir).map(Some).map_err(|e| {
            Error::Usage(format!(
                "--workspace 指定的不是工作文件夹（{e}）；新建请用 kaoping init"
            ))
        }),
        None => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            Workspace::find(&here).map_err(usage)
        }
    }
}

/// `kaoping init DIR`.
pub(super) fn init(
    dir: &Path,
    office: &str,
    level: &str,
    contact: &str,
    phone: &str,
    setup: &SetupArgs,
) -> Result<Exit, Error> {
    let level: Level = level
        .parse()
        .map_err(|e: String| Error::Usage(format!("--level：{e}")))?;
    // The files are checked before they are copied: a workspace never starts with a bad one.
    super::load(setup)?;
    let ws = Workspace::init(
        dir,
        &Init {
            office,
            level,
            contact,
            phone,
            scheme: setup.scheme.as_deref(),
            regions: setup.regions.as_deref(),
            holidays: setup.holidays.as_deref(),
        },
    )
    .map_err(usage)?;
    say!(
        "已新建工作文件夹 {}（{}）。各地区报回的文件放入 报送/季度/（如 报送/2026Q1/），在该文件夹中运行：\n  kaoping template 2026Q1\n  kaoping check 2026Q1\n  kaoping score 2026Q1\n  kaoping explain 2026Q1 地区名称",
        ws.root.display(),
        ws.settings.office.name
    );
    if !ws.settings.office.has_contact() {
        say!(
            "未填写联系人和电话（--contact、--phone）：模板、通知、反馈单和情况通报上只写办公室名称；可在 {} 的 [office] 中补填 contact 和 phone。",
            ws.root.join(crate::workspace::FILE).display()
        );
    }
    Ok(Exit::Ok)
}

/// The province's files: those given on the command line, else the workspace's.
pub(super) fn setup(given: &SetupArgs, ws: Option<&Workspace>) -> SetupArgs {
    let mut s = given.clone();
    if let Some(w) = ws {
        s.scheme = s.scheme.or_else(|| Some(w.scheme()));
        s.regions = s.regions.or_else(|| Some(w.regions()));
        s.holidays = s.holidays.or_else(|| Some(w.holidays()));
        s.office = Some(w.settings.office.clone());
    }
    s
}

/// A submissions folder given as a path, or, inside a workspace, as a quarter (`2026Q1` →
/// `报送/2026Q1`, when no folder of that name is here); with the quarter when it was one.
pub(super) fn input(dir: &Path, ws: Option<&Workspace>) -> (PathBuf, Option<Quarter>) {
    let as_quarter = dir.to_str().and_then(|s| s.parse::<Quarter>().ok());
    let same = |a: &Path, b: &Path| match (dunce::canonicalize(a), dunce::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    match (as_quarter, ws) {
        // `2026Q1` where no such folder is here, or where it is the workspace's own (run from
        // 报送/): the quarter of the workspace.
        (Some(q), Some(w)) if !dir.exists() || same(dir, &w.submissions(q)) => {
            (w.submissions(q), Some(q))
        }
        _ => (dir.to_path_buf(), None),
    }
}

/// [`input`] for `score` and `explain`, and inside a workspace its history (unless given) and
/// files.
pub(super) fn inputs(
    given: &ScoreInputs,
    ws: Option<&Workspace>,
) -> (ScoreInputs, Option<Quarter>) {
    let (dir, q) = input(&given.dir, ws);
    let mut out = given.clone();
    out.dir = dir;
    out.setup = setup(&given.setup, ws);
    if let Some(w) = ws {
        out.history = out.history.or_else(|| Some(w.history()));
    }
    (out, q)
}
