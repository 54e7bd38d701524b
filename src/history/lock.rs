//! One history, one writer: a run holds an exclusive lock on the history folder from reading it
//! to writing its quarter, so that two runs on one shared folder (two clerks at once) cannot both
//! read the folder before either writes. A second run says for whom it waits, and stops with a
//! clear message when the wait runs out.
//!
//! The lock is the operating system's (`File::try_lock`, portable to Windows), so it is released
//! when the holding process ends however it ends; nothing stale can keep a folder locked. Who holds
//! it is written to a separate file, [`HOLDER_FILE`], not into the lock file: on Windows a locked
//! file cannot be read by another process, so a waiting run could not say whom it waits for.

use super::HistoryError;
use crate::quarter::Quarter;
use serde::{Deserialize, Serialize};
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The name of the lock file inside a history folder.
pub const LOCK_FILE: &str = ".kaoping.lock";

/// The name of the file, beside the lock file, saying who holds the lock. Only the message of a
/// waiting run reads it; a stale one (left by a run that was killed) is overwritten by the next
/// run that takes the lock.
pub const HOLDER_FILE: &str = ".kaoping.lock.who";

/// How long a run waits for the lock unless told otherwise (`score --wait SECONDS`).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(600);

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(200);

/// An exclusive lock on a history folder. Released when dropped.
#[derive(Debug)]
pub struct HistoryLock {
    holder: PathBuf,
    /// The holder note is removed when the run is interrupted, too.
    _cleanup: crate::interrupt::Cleanup,
    // Dropped after `Drop::drop` has removed the holder file: the lock is released last.
    _file: File,
}

impl Drop for HistoryLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.holder);
    }
}

/// The run that holds (or held) a history folder's lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub user: String,
    pub host: String,
    pub pid: u32,
    pub quarter: String,
    pub started: String,
}

impl Holder {
    /// This process, scoring `quarter`, now.
    pub fn current(quarter: Quarter) -> Holder {
        let env = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()))
        };
        let host = env(&["HOSTNAME", "COMPUTERNAME"])
            // Unix shells rarely export HOSTNAME; the file is missing on Windows, which is fine.
            .or_else(|| {
                std::fs::read_to_string("/etc/hostname")
                    .ok()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            })
            .unwrap_or_default();
        Holder {
            user: env(&["USER", "USERNAME", "LOGNAME"]).unwrap_or_default(),
            host,
            pid: std::process::id(),
            quarter: quarter.to_string(),
            started: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        }
    }

    /// "用户 张三，计算机 PC-07，进程 1234，正在评分 2025Q1，开始于 2026-01-05 09:30:00".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.user.is_empty() {
            parts.push(format!("用户 {}", self.user));
        }
        if !self.host.is_empty() {
            parts.push(format!("计算机 {}", self.host));
        }
        parts.push(format!("进程 {}", self.pid));
        parts.push(format!("正在评分 {}", self.quarter));
        parts.push(format!("开始于 {}", self.started));
        parts.join("，")
    }
}

/// Who holds the folder's lock, as its holder file says; "占用者不明" when it says nothing (the
/// holder has only just taken the lock, or is a version that did not write the file).
fn holder_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(HOLDER_FILE))
        .ok()
        .and_then(|s| toml::from_str::<Holder>(&s).ok())
        .map_or_else(|| "占用者不明".to_string(), |h| h.describe())
}

/// Creates the folder if needed and takes its exclusive lock for a run scoring `quarter`. When
/// another run holds it, calls `on_wait` with a message saying for whom this run waits (again
/// whenever the holder changes) and tries again every 200 ms for up to `wait`.
///
/// # Errors
///
/// [`HistoryError::Busy`] when the lock is still held after `wait`; [`HistoryError::Io`] when the
/// folder or its lock file cannot be created or locked.
pub fn lock(
    dir: &Path,
    quarter: Quarter,
    wait: Duration,
    on_wait: fn(&str),
) -> Result<HistoryLock, HistoryError> {
    let path = dir.join(LOCK_FILE);
    let io = |e: std::io::Error| HistoryError::Io {
        path: path.display().to_string(),
        source: e.into(),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    let deadline = Instant::now() + wait;
    let mut told: Option<String> = None;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::Error(e)) => return Err(io(e)),
            Err(TryLockError::WouldBlock) => {}
        }
        let holder = holder_of(dir);
        let now = Instant::now();
        if now >= deadline {
            return Err(HistoryError::Busy {
                dir: dir.display().to_string(),
                holder,
                seconds: wait.as_secs(),
            });
        }
        if told.as_deref() != Some(holder.as_str()) {
            on_wait(&format!(
                "历史数据文件夹 {} 正被另一次评分使用（{holder}），等待其完成……（最长等待{}秒）",
                dir.display(),
                wait.as_secs()
            ));
            told = Some(holder);
        }
        std::thread::sleep(POLL.min(deadline - now));
    }
    let holder = dir.join(HOLDER_FILE);
    // Registered before it is written: an interruption in between removes it too.
    let cleanup = crate::interrupt::remove_on_interrupt(&holder);
    // Only a waiting run's message reads it: a run that cannot say who it is still scores.
    if let Ok(text) = toml::to_string(&Holder::current(quarter)) {
        let _ = crate::output::write_atomically(&holder, text.as_bytes());
    }
    Ok(HistoryLock {
        _cleanup: cleanup,
        holder,
        _file: file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static TOLD: AtomicUsize = AtomicUsize::new(0);

    /// A second lock on the folder (a second handle, as another run would have) waits, is told
    /// once for whom, and fails after the wait naming the holder; once freed, it is free.
    #[test]
    fn a_second_lock_waits_then_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let q: Quarter = "2025Q3".parse().unwrap();
        let held = lock(dir.path(), q, Duration::ZERO, |_| {}).unwrap();
        let started = Instant::now();
        let err = lock(dir.path(), q, Duration::from_millis(500), |m| {
            assert!(m.contains("正在评分 2025Q3"), "{m}");
            TOLD.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap_err()
        .to_string();
        assert!(started.elapsed() >= Duration::from_millis(500));
        assert_eq!(TOLD.load(Ordering::SeqCst), 1);
        assert!(
            err.contains(&format!("进程 {}", std::process::id())),
            "{err}"
        );
        assert!(err.contains("正在评分 2025Q3"), "{err}");
        drop(held);
        assert!(!dir.path().join(HOLDER_FILE).exists());
        drop(lock(dir.path(), q, Duration::ZERO, |_| {}).unwrap());
    }

    #[test]
    fn a_holder_in_words() {
        let h = Holder {
            user: "张三".into(),
            host: "PC-07".into(),
            pid: 1234,
            quarter: "2025Q1".into(),
            started: "2026-01-05 09:30:00".into(),
        };
        assert_eq!(
            h.describe(),
            "用户 张三，计算机 PC-07，进程 1234，正在评分 2025Q1，开始于 2026-01-05 09:30:00"
        );
        let unknown = Holder {
            user: String::new(),
            host: String::new(),
            ..h
        };
        assert_eq!(
            unknown.describe(),
            "进程 1234，正在评分 2025Q1，开始于 2026-01-05 09:30:00"
        );
    }
}
