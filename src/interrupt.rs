//! Ctrl-C and SIGTERM: a run finishes or leaves nothing, as a killed run already does.
//!
//! Before a run starts writing its results, an interruption ends it at once: the temporary
//! files and folders registered with [`remove_on_interrupt`] (an output being written, the
//! history lock's holder note, the 反馈单 being assembled) are removed, the terminal is told that
//! nothing was written, and the process exits with 130. Once the results are being put in place
//! ([`Writing`]: the ranking workbook, the forms, the 通报 and the history's quarter, in that
//! order), an interruption waits until the last of them is written, so no run leaves a ranking
//! without its history or half a folder of forms.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The exit code of an interrupted run (128 + SIGINT, as shells report it).
pub const EXIT_CODE: i32 = 130;

#[derive(Default)]
struct State {
    /// How many [`Writing`] sections are open.
    writing: usize,
    /// An interruption arrived while writing; the run ends once it is done.
    requested: bool,
    /// Paths to remove when interrupted, by the id of their [`Cleanup`].
    cleanup: Vec<(u64, PathBuf)>,
    /// What an interrupted run says, when not the batch run's words (see [`say_on_interrupt`]).
    farewell: Option<&'static str>,
}

static STATE: Mutex<State> = Mutex::new(State {
    writing: 0,
    requested: false,
    cleanup: Vec::new(),
    farewell: None,
});
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn state() -> std::sync::MutexGuard<'static, State> {
    STATE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Installs the handler (once, from `main`). Without it Ctrl-C ends the process as before.
pub fn install() {
    // A second install (tests calling main's code twice) is refused by ctrlc: harmless.
    let _ = ctrlc::set_handler(on_signal);
}

fn on_signal() {
    let mut s = state();
    if s.writing > 0 {
        if !s.requested {
            eprintln!("已收到中断请求：正在写入结果，写完后即退出，请稍候……");
        }
        s.requested = true;
        return;
    }
    remove_all(&s.cleanup);
    eprintln!(
        "{}",
        s.farewell.unwrap_or(
            "已中断：本次运行没有写入排名工作簿、反馈单、情况通报或历史数据，已写的临时文件已删除。需要时请重新运行。"
        )
    );
    std::process::exit(EXIT_CODE);
}

fn remove_all(paths: &[(u64, PathBuf)]) {
    for (_, p) in paths {
        let _ = if p.is_dir() {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        };
    }
}

/// What to say when interrupted outside a [`Writing`] section, in place of the batch run's
/// words (the 收表 page, which runs until stopped).
pub fn say_on_interrupt(words: &'static str) {
    state().farewell = Some(words);
}

/// Whether an interruption arrived while results were being written (the run then finished
/// writing, and its caller should exit with [`EXIT_CODE`] after saying so).
pub fn requested() -> bool {
    state().requested
}

/// A path removed if the run is interrupted before this guard is dropped.
#[derive(Debug)]
pub struct Cleanup(u64);

/// Makes a temporary file or folder with `make` and registers it (at `path_of` it) to be removed
/// on interruption, as one step: an interruption arriving in between waits (the handler takes
/// the same lock), so nothing made can be missed by the cleanup. `make` must not call into this
/// module.
///
/// # Errors
///
/// What `make` returns.
pub fn make_removable<T>(
    make: impl FnOnce() -> std::io::Result<T>,
    path_of: impl FnOnce(&T) -> &Path,
) -> std::io::Result<(T, Cleanup)> {
    let mut s = state();
    let made = make()?;
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    s.cleanup.push((id, path_of(&made).to_path_buf()));
    Ok((made, Cleanup(id)))
}

/// A hidden folder in `dir` (`.kaoping-*.tmp`) to assemble a set of outputs in before they are
/// moved in together, removed on interruption; what a killed run left there goes first.
///
/// # Errors
///
/// When the folder cannot be made.
pub fn staging_folder(dir: &Path) -> std::io::Result<(tempfile::TempDir, Cleanup)> {
    remove_stale(dir, STALE_AFTER);
    make_removable(
        || {
            tempfile::Builder::new()
                .prefix(".kaoping-")
                .suffix(".tmp")
                .tempdir_in(dir)
        },
        |t| t.path(),
    )
}

/// Registers `path` (a file or a folder) to be removed on interruption until the guard drops.
pub fn remove_on_interrupt(path: &Path) -> Cleanup {
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    state().cleanup.push((id, path.to_path_buf()));
    Cleanup(id)
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        state().cleanup.retain(|(id, _)| *id != self.0);
    }
}

/// While held, an interruption waits: the run's results are being put in place.
#[derive(Debug)]
pub struct Writing(());

impl Writing {
    /// Opens a writing section.
    pub fn begin() -> Writing {
        state().writing += 1;
        Writing(())
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        let mut s = state();
        s.writing = s.writing.saturating_sub(1);
    }
}

/// Removes the temporary files and folders (`.kaoping-*.tmp`) a killed run left in `dir`, when
/// they are older than `age` (a run writing there now has fresh ones). Errors are ignored: a
/// leftover that cannot be removed harms nothing.
pub fn remove_stale(dir: &Path, age: std::time::Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.starts_with(".kaoping-") && name.ends_with(".tmp")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|d| d >= age);
        if old {
            let p = e.path();
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
}

/// How old a temporary file must be before another run takes it for a killed run's leftover.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(15 * 60);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_runs_leftovers_are_removed_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".kaoping-abc.tmp");
        let folder = dir.path().join(".kaoping-反馈单-xyz.tmp");
        let fresh = dir.path().join(".kaoping-new.tmp");
        let other = dir.path().join("考评排名_2025Q4.xlsx");
        std::fs::write(&old, b"x").unwrap();
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("a.xlsx"), b"x").unwrap();
        std::fs::write(&fresh, b"x").unwrap();
        std::fs::write(&other, b"x").unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for p in [&old, &folder] {
            std::fs::File::options()
                .write(!p.is_dir())
                .read(true)
                .open(p)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
        remove_stale(dir.path(), STALE_AFTER);
        assert!(!old.exists());
        assert!(!folder.exists());
        assert!(fresh.exists());
        assert!(other.exists());
    }

    #[test]
    fn a_cleanup_guard_unregisters_when_dropped() {
        let p = PathBuf::from("/nonexistent/kaoping-test-guard");
        let g = remove_on_interrupt(&p);
        assert!(state().cleanup.iter().any(|(_, x)| *x == p));
        drop(g);
        assert!(!state().cleanup.iter().any(|(_, x)| *x == p));
    }
}
