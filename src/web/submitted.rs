//! The file in `报送/<季度>/` the command line reads for a region that hands in on the page: the
//! version 评分 uses — the accepted one, else the newest without errors the office has not
//! returned, else the newest — put there atomically after every upload and decision and at
//! start-up, so that `kaoping check` and `kaoping score` read what the page shows.

use super::store::{self, Upload};
use super::{App, WebError};
use crate::registry::Region;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The extensions a region's file in `报送/` may have.
const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// What [`sync`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Synced {
    /// The region has no upload of its own on the page.
    Nothing,
    /// `报送/` already held the version chosen.
    Unchanged,
    /// The version chosen was written to this path.
    Written(PathBuf),
    /// This file in `报送/` is none of the region's uploads (put there by hand) and was left.
    ByHand(PathBuf),
}

/// Which of a region's uploads (newest first) 评分 uses: never one naming another region; the
/// newest without errors that was not returned (an accepted one is always that: only such an
/// upload can be accepted, and none can follow it); else the newest, whose errors the check and
/// the ranking's 数据质量 then show.
pub fn chosen<'a>(uploads: &'a [Upload], returned: &BTreeSet<i64>) -> Option<&'a Upload> {
    let own = || uploads.iter().filter(|u| !u.other_region);
    own()
        .find(|u| u.errors == 0 && !returned.contains(&u.id))
        .or_else(|| own().next())
}

/// The version 评分 uses, as the pages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// Its number among the region's uploads of the quarter, from 1.
    pub number: usize,
    pub uploaded_at: String,
    /// A later upload exists (with errors, or returned).
    pub older: bool,
    /// The office returned this version (none better exists): 评分 still reads it.
    pub returned: bool,
}

impl Scored {
    /// "第2版", and "（不是最近一次上传）" when older: for the office's table.
    pub fn short(&self) -> String {
        match (self.older, self.returned) {
            (_, true) => format!("第{}版（已退回）", self.number),
            (true, false) => format!("第{}版（不是最近一次上传）", self.number),
            (false, false) => format!("第{}版", self.number),
        }
    }

    /// With its upload time: for the region's page.
    pub fn long(&self) -> String {
        let words = format!("第{}版（{} 上传）", self.number, self.uploaded_at);
        if self.returned {
            format!("{words}；这一版已被退回，请修改后重新上传，否则评分仍用这一版")
        } else if self.older {
            format!("{words}；最近一次上传有错误或被退回，评分仍用这一版")
        } else {
            words
        }
    }
}

/// Which version 评分 uses for the region `code`; `None` without an upload of its own.
///
/// # Errors
///
/// [`WebError::Database`].
pub fn describe(app: &App, code: &str) -> Result<Option<Scored>, WebError> {
    let uploads = store::uploads(app, code)?;
    let returned = store::returned(app, code)?;
    Ok(chosen(&uploads, &returned).map(|u| Scored {
        number: uploads.iter().filter(|v| v.id <= u.id).count(),
        uploaded_at: u.uploaded_at.clone(),
        older: uploads.first().is_some_and(|newest| newest.id != u.id),
        returned: returned.contains(&u.id),
    }))
}

/// `name` with its extension replaced by `ext`.
pub fn with_extension(name: &str, ext: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, _)) => format!("{stem}.{ext}"),
        None => format!("{name}.{ext}"),
    }
}

fn sha256_of(path: &Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .map(|bytes| format!("{:x}", Sha256::digest(&bytes)))
}

/// Puts the version [`chosen`] for `region` in `报送/` under the name the command line expects,
/// removing the region's file of another extension. A file there that is none of the region's
/// uploads is replaced only when `replace_by_hand` (an act on the page: an upload, a decision),
/// and otherwise left and reported ([`Synced::ByHand`]).
///
/// # Errors
///
/// [`WebError`] when the database or the files cannot be read or written.
pub fn sync(app: &App, region: &Region, replace_by_hand: bool) -> Result<Synced, WebError> {
    let uploads = store::uploads(app, &region.code)?;
    let returned = store::returned(app, &region.code)?;
    let Some(version) = chosen(&uploads, &returned) else {
        return Ok(Synced::Nothing);
    };
    let dir = app.workspace.submissions(app.quarter);
    let name = crate::template::file_name(region, app.quarter);
    let ext = Path::new(&version.stored)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("xlsx");
    let target = dir.join(with_extension(&name, ext));
    let present: Vec<(PathBuf, Option<String>)> = EXTENSIONS
        .iter()
        .map(|e| dir.join(with_extension(&name, e)))
        .filter(|p| p.is_file())
        .map(|p| {
            let sha = sha256_of(&p);
            (p, sha)
        })
        .collect();
    if let [(only, Some(sha))] = present.as_slice() {
        if *only == target && *sha == version.sha256 {
            return Ok(Synced::Unchanged);
        }
    }
    let known: BTreeSet<&str> = uploads.iter().map(|u| u.sha256.as_str()).collect();
    if !replace_by_hand {
        let by_hand = present
            .iter()
            .find(|(_, sha)| sha.as_deref().is_none_or(|s| !known.contains(s)));
        if let Some((path, _)) = by_hand {
            return Ok(Synced::ByHand(path.clone()));
        }
    }
    let bytes = std::fs::read(app.workspace.root.join(&version.stored))?;
    crate::output::write_atomically(&target, &bytes).map_err(|e| WebError::Io(e.to_string()))?;
    for (path, _) in present.iter().filter(|(p, _)| *p != target) {
        std::fs::remove_file(path)?;
    }
    Ok(Synced::Written(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(id: i64, errors: i64, other_region: bool) -> Upload {
        Upload {
            id,
            region: "440100".to_string(),
            stored: format!("v{id}.xlsx"),
            other_region,
            original: String::new(),
            sha256: format!("{id}"),
            bytes: 1,
            uploaded_at: String::new(),
            uploaded_by: String::new(),
            errors,
            warnings: 0,
            problems: String::new(),
            filled_by: String::new(),
            phone: String::new(),
        }
    }

    #[test]
    fn the_newest_valid_not_returned_upload_is_scored() {
        // Newest first: 4 has errors, 3 was returned, 2 is valid, 1 is valid.
        let uploads = [
            upload(4, 2, false),
            upload(3, 0, false),
            upload(2, 0, false),
            upload(1, 0, false),
        ];
        let returned = BTreeSet::from([3]);
        assert_eq!(chosen(&uploads, &returned).map(|u| u.id), Some(2));
        assert_eq!(chosen(&uploads, &BTreeSet::new()).map(|u| u.id), Some(3));
    }

    #[test]
    fn with_no_valid_upload_the_newest_of_its_own_is_scored() {
        let uploads = [upload(3, 1, true), upload(2, 5, false), upload(1, 1, false)];
        assert_eq!(chosen(&uploads, &BTreeSet::new()).map(|u| u.id), Some(2));
        let only_other = [upload(1, 1, true)];
        assert!(chosen(&only_other, &BTreeSet::new()).is_none());
    }
}
