//! Writing output files so that an interrupted run never leaves a half-written one: the bytes go
//! to a temporary file in the same folder, which is then renamed over the target.

use std::io::Write;
use std::path::Path;

/// An output that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("无法写入 {path}：{message}")]
    Write { path: String, message: String },
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let err = |e: &dyn std::fmt::Display| OutputError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".kaoping-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| err(&e))?;
    tmp.write_all(bytes).map_err(|e| err(&e))?;
    tmp.as_file().sync_all().map_err(|e| err(&e))?;
    // tempfile creates 0600; an output is an ordinary file others in the office may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    tmp.persist(path).map_err(|e| err(&e.error))?;
    Ok(())
}

/// Saves a workbook atomically.
pub fn save_workbook(
    workbook: &mut rust_xlsxwriter::Workbook,
    path: &Path,
) -> Result<(), OutputError> {
    let bytes = workbook.save_to_buffer().map_err(|e| OutputError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    write_atomically(path, &bytes)
}
