//! The region's page: the quarter, the deadline, its blank template, upload with the check at
//! once, the state, and every version it sent.

use super::access::{Act, Viewer};
use super::store::{self, State};
use super::submitted::{self, with_extension};
use super::{view, Address, AppState, Shared, WebError, FOLDER, INCOMING, VERSIONS};
use crate::ingest::Limits;
use crate::problem::{Kind, Problem, Severity, Source};
use axum::extract::Multipart;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/region", get(page))
        .route("/region/template", get(template))
        .route("/region/upload", post(upload))
}

/// The region of a region's account, allowed `act`.
fn own_region<F>(viewer: &Viewer, act: F) -> Result<String, WebError>
where
    F: for<'a> Fn(&'a str) -> Act<'a>,
{
    let code = viewer
        .region()
        .ok_or_else(|| WebError::Forbidden("此页面仅供地区账号使用".to_string()))?;
    viewer.may(act(code))?;
    Ok(code.to_string())
}

/// "还有3天" or "已过5天".
pub fn time_left(deadline: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    let days = (deadline - today).num_days();
    match days {
        0 => "今天截止".to_string(),
        d if d > 0 => format!("还有{d}天"),
        d => format!("已过截止日{}天", -d),
    }
}

/// The state of a region's quarter now.
pub fn region_state(app: &Shared, code: &str) -> Result<(State, Vec<store::Upload>), WebError> {
    let uploads = store::uploads(app, code)?;
    let decisions = store::decisions(app)?;
    let state = store::state_with_folder(
        uploads.first(),
        decisions.get(code),
        app.deadline(),
        store::in_folder(app).contains(code),
    );
    Ok((state, uploads))
}

async fn page(state: AppState, viewer: Viewer) -> Result<Html<String>, WebError> {
    let app = state.0;
    let code = own_region(&viewer, |c| Act::SeeRegion(c))?;
    let (st, uploads) = region_state(&app, &code)?;
    let latest = uploads.first().map(|u| {
        minijinja::context! {
            original => u.original, uploaded_at => u.uploaded_at, uploaded_by => u.uploaded_by,
            errors => u.errors, warnings => u.warnings, problems => store::problems(&u.problems),
        }
    });
    let n = uploads.len();
    let versions: Vec<minijinja::Value> = uploads
        .iter()
        .enumerate()
        .map(|(i, u)| {
            minijinja::context! {
                number => n - i, uploaded_at => u.uploaded_at, uploaded_by => u.uploaded_by,
                original => u.original, size => size_words(u.bytes), errors => u.errors,
                sha256 => u.sha256,
            }
        })
        .collect();
    let today = chrono::Local::now().date_naive();
    let scored = submitted::describe(&app, &code)?;
    let (scored, scored_older) = scored.map_or((String::new(), false), |s| (s.long(), s.older));
    Ok(Html(view::render(
        "region.html",
        minijinja::context! {
            office => app.office(), who => viewer.name, region => viewer.name,
            quarter_label => app.quarter.label(),
            deadline => app.deadline().format("%Y年%-m月%-d日").to_string(),
            time_left => time_left(app.deadline(), today),
            state => st.label(), state_class => st.class(),
            scored => scored, scored_older => scored_older,
            may_upload => st.open(),
            upload_closed => "本季度报送已通过审核，不能再上传；如需修改，请联系办公室重新打开。",
            limit_mb => Limits::default().file_bytes / (1 << 20),
            latest => latest, versions => versions,
            feedback => super::outputs::published(&app)?
                && super::outputs::feedback_file(&app, &code).is_some(),
        },
    )?))
}

fn size_words(bytes: i64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

async fn template(state: AppState, viewer: Viewer) -> Result<Response, WebError> {
    let app = state.0;
    let code = own_region(&viewer, |c| Act::SeeRegion(c))?;
    let region = app.region(&code)?;
    let mut book = crate::template::build(&app.setup.scheme, Some(region), Some(app.quarter), None)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let bytes = book
        .save_to_buffer()
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let name = crate::template::file_name(region, app.quarter);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, attachment(&name)),
        ],
        bytes,
    )
        .into_response())
}

/// `Content-Disposition` for a download named `name` (RFC 6266 with a UTF-8 name).
pub fn attachment(name: &str) -> String {
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    // For a browser that does not read filename*: the ASCII of the name, the rest as `_`.
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

/// The client's name for a file, for display only: its last path component, whatever the
/// separators, never used in a path.
fn display_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    last.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// The extension the stored file keeps: one the readers know by it, else xlsx.
fn extension(original: &str) -> &'static str {
    let lower = original.to_lowercase();
    ["xlsx", "xlsm", "xls", "ods"]
        .into_iter()
        .find(|e| lower.ends_with(&format!(".{e}")))
        .unwrap_or("xlsx")
}

/// A new folder of its own in `收表/上传中/`, under a generated name, for one upload.
pub(super) async fn incoming_folder(app: &Shared) -> Result<PathBuf, WebError> {
    let incoming = app.folder().join(INCOMING).join(random_hex());
    tokio::fs::create_dir_all(&incoming).await?;
    Ok(incoming)
}

fn random_hex() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    format!("{:016x}", OsRng.next_u64())
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> WebError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge {
            limit_mb: Limits::default().file_bytes / (1 << 20),
        }
    } else {
        WebError::Refused(format!("上传未完成（{}），请重新上传", e.body_text()))
    }
}

/// Writes the upload's file field to `path`, counting and hashing; `None` when the form had no
/// file. Refuses more than the ingest limit.
pub(super) async fn receive(
    multipart: &mut Multipart,
    path: &Path,
) -> Result<Option<(String, String, u64)>, WebError> {
    let limit = Limits::default().file_bytes;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() != Some("file") {
            continue;
        }
        let original = display_name(field.file_name().unwrap_or(""));
        let mut file = tokio::fs::File::create(path).await?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            size += chunk.len() as u64;
            if size > limit {
                return Err(WebError::TooLarge {
                    limit_mb: limit / (1 << 20),
                });
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await?;
        }
        file.sync_all().await?;
        if size == 0 {
            return Ok(None);
        }
        return Ok(Some((original, format!("{:x}", hasher.finalize()), size)));
    }
    Ok(None)
}

async fn upload(
    state: AppState,
    Address(address): Address,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let app = state.0;
    let code = own_region(&viewer, |c| Act::Upload(c))?;
    let region = app.region(&code)?.clone();
    let (st, _) = region_state(&app, &code)?;
    if !st.open() {
        return Err(WebError::Refused(
            "本季度报送已通过审核，不能再上传；如需修改，请联系办公室重新打开".to_string(),
        ));
    }
    // Into a folder of its own under a generated name, so that the check's messages name the
    // file as the command line would, and nothing of the client's name reaches a path.
    let incoming = incoming_folder(&app).await?;
    let received = receive_into(&mut multipart, &incoming, &region, &app).await;
    let (path, original, sha256, size) = match received {
        Ok(Some(r)) => r,
        Ok(None) => {
            let _ = tokio::fs::remove_dir_all(&incoming).await;
            return Err(WebError::Refused("没有选择文件，或文件是空的".to_string()));
        }
        Err(e) => {
            let _ = tokio::fs::remove_dir_all(&incoming).await;
            return Err(e);
        }
    };
    let checked = {
        let shared = app.clone();
        let path = path.clone();
        app.heavy(move || {
            let ctx = shared.setup.context(shared.quarter);
            let hash = crate::template::template_hash(&shared.setup.scheme);
            crate::ingest::read_file_guarded(&path, &ctx, &hash)
        })
        .await?
    };
    let mut problems = checked.problems.clone();
    let another_region = !checked.region_code.is_empty() && checked.region_code != code;
    if another_region {
        problems.insert(
            0,
            Problem::error(
                Kind::Region,
                Source::new(&checked.file, crate::contract::BASIC_SHEET, ""),
                format!(
                    "文件中的区划代码为 {}（{}），不是本地区（{} {}）；请上传本地区的报送表",
                    checked.region_code, checked.region_name, region.code, region.name
                ),
            ),
        );
    }
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let stored = keep(&app, &path, &code, &sha256).await;
    let _ = tokio::fs::remove_dir_all(&incoming).await;
    let stored = stored?;
    // The database row and the copy the command line reads, in upload order.
    let guard = app.keep.lock().await;
    let at = super::now();
    let quarter = app.quarter.to_string();
    let encoded = store::encode(&problems);
    app.db.with(|c| {
        c.execute(
            "INSERT INTO upload (quarter, region, stored, original, sha256, bytes, uploaded_at, \
             uploaded_by, errors, warnings, problems, filled_by, phone, other_region) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            rusqlite::params![
                quarter,
                code,
                stored.to_string_lossy(),
                original,
                sha256,
                size as i64,
                at,
                viewer.id,
                errors as i64,
                warnings as i64,
                encoded,
                checked.filled_by,
                checked.phone,
                another_region,
            ],
        )
    })?;
    // What the command line reads: the version 评分 uses (another region's file never).
    submitted::sync(&app, &region, true)?;
    drop(guard);
    app.audit(
        &viewer.login,
        &address,
        "上传",
        &format!("{original}，{size}字节，SHA-256 {sha256}，错误{errors}处"),
    );
    Ok(Redirect::to("/region").into_response())
}

/// Receives the file into `incoming` under the name the command line expects.
async fn receive_into(
    multipart: &mut Multipart,
    incoming: &Path,
    region: &crate::registry::Region,
    app: &Shared,
) -> Result<Option<(PathBuf, String, String, u64)>, WebError> {
    let staging = incoming.join("upload.part");
    let Some((original, sha256, size)) = receive(multipart, &staging).await? else {
        return Ok(None);
    };
    let name = crate::template::file_name(region, app.quarter);
    let path = incoming.join(with_extension(&name, extension(&original)));
    tokio::fs::rename(&staging, &path).await?;
    Ok(Some((path, original, sha256, size)))
}

/// Moves the checked file to `收表/版本/<季度>/<代码>/` under a generated name, synced: the
/// version is on disk before the database records it. Returns its path in the workspace.
async fn keep(app: &Shared, path: &Path, code: &str, sha256: &str) -> Result<PathBuf, WebError> {
    let relative = PathBuf::from(FOLDER)
        .join(VERSIONS)
        .join(app.quarter.to_string())
        .join(code);
    let dir = app.workspace.root.join(&relative);
    tokio::fs::create_dir_all(&dir).await?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("xlsx")
        .to_string();
    let name = format!(
        "{}-{}-{}.{ext}",
        chrono::Local::now().format("%Y%m%d%H%M%S"),
        sha256.get(..12).unwrap_or(sha256),
        &random_hex()[..6]
    );
    tokio::fs::rename(path, dir.join(&name)).await?;
    // The rename itself made durable.
    tokio::fs::File::open(&dir).await?.sync_all().await?;
    Ok(relative.join(name))
}
