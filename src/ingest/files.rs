//! Which files of a submissions folder are read: workbooks by extension (the content is checked
//! later), spreadsheets in formats ingest does not read (listed as errors, never skipped in
//! silence), and Office lock files (skipped).

use super::IngestError;
use crate::problem::{Kind, Problem, Source};
use crate::scheme::Scheme;
use crate::submission::Submission;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Submission files in a folder (xlsx, xlsm, xls, ods), sorted by name; Office lock files and the
/// province's own file (省级评定.xlsx) skipped.
pub fn list_files(dir: &Path, scheme: &Scheme) -> Result<Vec<PathBuf>, IngestError> {
    let err = |source: std::io::Error| IngestError {
        path: dir.display().to_string(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(err)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = file_name(p);
            super::workbook::format_of(&name).is_some()
                && !name.starts_with("~$")
                && !name.starts_with(".~lock")
                && !super::province::is_province_file(&name, scheme)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// The file name as shown in messages (not the full path).
pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A file's bytes, at most `limit` of them.
pub fn read_at_most(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Extensions of spreadsheets ingest does not read: such a file is listed as an error (a region
/// may have sent its submission in it), never skipped in silence. The province's CSV is not one.
const UNSUPPORTED: [&str; 13] = [
    "xlsb", "xlt", "xltx", "xltm", "et", "ett", "ots", "fods", "numbers", "wps", "csv", "zip",
    "rar",
];

/// Files in a folder that look like spreadsheets ingest cannot read, sorted by name.
pub fn list_unsupported(dir: &Path, scheme: &Scheme) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = file_name(p);
            let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
            name.contains('.')
                && !super::province::is_province_file(&name, scheme)
                && !name.starts_with('.')
                && !name.starts_with("~$")
                && UNSUPPORTED.contains(&ext.as_str())
        })
        .collect();
    files.sort();
    files
}

/// A file in a format ingest does not read, as a submission with one error.
pub fn unsupported(path: &Path) -> Submission {
    let name = file_name(path);
    // Hashed as a stream: such a file may be of any size.
    let mut hasher = Sha256::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = std::io::copy(&mut f, &mut hasher);
    }
    Submission {
        file: name.clone(),
        sha256: format!("{:x}", hasher.finalize()),
        problems: vec![Problem::error(
            Kind::Unsupported,
            Source::new(&name, "", ""),
            unsupported_message(&name),
        )],
        ..Submission::default()
    }
}

pub fn unsupported_message(name: &str) -> String {
    let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
    if ext == "xlsb" {
        return format!(
            "不支持的文件格式（.xlsb，Excel二进制工作簿），{}",
            super::workbook::SAVE_AS_XLSX
        );
    }
    format!("不支持的文件格式（.{ext}），请用Excel、WPS或LibreOffice另存为xlsx后重新报送")
}
