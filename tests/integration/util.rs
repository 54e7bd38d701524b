//! What every test module shares: the binary run as a clerk runs it, and the committed samples.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `kaoping ARGS` in `dir`, with a fixed 评分时间 (`SOURCE_DATE_EPOCH`) so outputs compare.
pub fn kaoping(dir: &Path, args: &[&str]) -> Output {
    kaoping_with(dir, args, &[])
}

/// [`kaoping`] with more environment variables (e.g. `KAOPING_TODAY`).
pub fn kaoping_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// The committed sample quarters (`samples/2025Q1` … `samples/2025Q4`).
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}
