//! Writing output files so that an interrupted run never leaves a half-written one: the bytes go
//! to a temporary file in the same folder, which is then renamed over the target.

use std::io::Write;
use std::path::Path;

/// An output that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("无法写入 {path}：{}", crate::text::io_reason(source))]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The finished file could not take the place of the old one; `advice` says what to do.
    #[error("无法写入 {path}：{advice}")]
    Replace {
        path: String,
        advice: String,
        #[source]
        source: std::io::Error,
    },
    #[error("无法写入 {path}：{source}")]
    Workbook {
        path: String,
        #[source]
        source: Box<rust_xlsxwriter::XlsxError>,
    },
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let err = |source: std::io::Error| OutputError::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    // What a killed run left here goes now; an interrupted one removes its own.
    crate::interrupt::remove_stale(dir, crate::interrupt::STALE_AFTER);
    let (mut tmp, _cleanup) = crate::interrupt::make_removable(
        || {
            tempfile::Builder::new()
                .prefix(".kaoping-")
                .suffix(".tmp")
                .tempfile_in(dir)
        },
        |t| t.path(),
    )
    .map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    // tempfile creates 0600; an output is an ordinary file others in the office may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    tmp.persist(path).map_err(|e| OutputError::Replace {
        path: path.display().to_string(),
        advice: replace_failed(path, &e.error),
        source: e.error,
    })?;
    Ok(())
}

/// Why an output could not be replaced, in words a clerk can act on. On Windows a file open in
/// Excel or WPS cannot be replaced (a sharing violation, or access denied), the commonest case.
fn replace_failed(path: &Path, e: &std::io::Error) -> String {
    // ERROR_SHARING_VIOLATION (32) and ERROR_LOCK_VIOLATION (33) are Windows codes only.
    let sharing = cfg!(windows) && matches!(e.raw_os_error(), Some(32 | 33));
    if sharing || e.kind() == std::io::ErrorKind::PermissionDenied {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let code = e
            .raw_os_error()
            .map_or_else(String::new, |c| format!("（系统错误码{c}）"));
        format!(
            "请先关闭已打开的 {name}（文件正被Excel、WPS或其他程序打开时无法替换），然后重新运行；\
             若文件并未打开，请检查是否有写入该文件夹的权限{code}"
        )
    } else {
        crate::text::io_reason(e)
    }
}

/// Saves a workbook atomically.
pub fn save_workbook(
    workbook: &mut rust_xlsxwriter::Workbook,
    path: &Path,
) -> Result<(), OutputError> {
    let bytes = workbook
        .save_to_buffer()
        .map_err(|e| OutputError::Workbook {
            path: path.display().to_string(),
            source: Box::new(e),
        })?;
    write_atomically(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 9: a ranking open in Excel on Windows cannot be replaced; the clerk is told to close
    /// it, by name, instead of reading an OS error.
    #[test]
    fn a_file_open_in_excel_is_named_with_what_to_do() {
        let e = std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "拒绝访问。 (os error 5)",
        );
        let m = replace_failed(Path::new("out/考评排名_2025Q4.xlsx"), &e);
        assert!(
            m.starts_with("请先关闭已打开的 考评排名_2025Q4.xlsx"),
            "{m}"
        );
        // No OS text in English: Windows' own words stay out of the message.
        let denied = std::io::Error::from_raw_os_error(if cfg!(windows) { 5 } else { 13 });
        let m = replace_failed(Path::new("a.xlsx"), &denied);
        assert!(
            m.starts_with("请先关闭已打开的 a.xlsx") && !m.contains("os error"),
            "{m}"
        );
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(replace_failed(Path::new("a.xlsx"), &full), "磁盘空间已满");
    }

    /// The OS error that stopped a write is kept as the error's source, not only in its text.
    #[test]
    fn a_failed_write_keeps_the_os_error_as_its_source() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"x").unwrap();
        let err = write_atomically(&file.join("out.xlsx"), b"y").unwrap_err();
        let source = std::error::Error::source(&err).expect("a source");
        assert!(
            source.downcast_ref::<std::io::Error>().is_some(),
            "{source:?}"
        );
        assert!(err.to_string().starts_with("无法写入 "), "{err}");
    }
}
