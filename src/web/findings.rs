//! 省级评定 on the page: the office uploads the province's own findings (满意度调查, 通报批评,
//! 一票否决) into `报送/<季度>/` under the name 评分 looks for, checked at once by the reader
//! 评分 uses; a file with errors is not saved.

use super::access::{Act, Viewer};
use super::{Address, App, AppState, Shared, WebError};
use crate::ingest::province;
use crate::problem::Severity;
use axum::extract::Multipart;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;

pub fn router() -> Router<Shared> {
    Router::new().route("/office/findings", post(upload))
}

/// The province file in the quarter's folder: its name and when it was last changed; `None`
/// when there is none (or two, which 评分 refuses and says so).
pub fn current(app: &App) -> Option<(String, String)> {
    let dir = app.workspace.submissions(app.quarter);
    let path = province::locate(&dir, &app.setup.scheme).ok().flatten()?;
    let modified: chrono::DateTime<chrono::Local> = path.metadata().ok()?.modified().ok()?.into();
    Some((
        path.file_name()?.to_string_lossy().into_owned(),
        modified.format("%Y-%m-%d %H:%M:%S").to_string(),
    ))
}

/// The stem of the province file's name (省级评定).
fn stem(app: &App) -> String {
    let file = &app.setup.scheme.province.file;
    file.rsplit_once('.')
        .map_or(file.as_str(), |(s, _)| s)
        .to_string()
}

async fn upload(
    state: AppState,
    Address(address): Address,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let app = state.0;
    viewer.may(Act::Score)?;
    let incoming = super::region::incoming_folder(&app).await?;
    let staging = incoming.join("findings.part");
    let received = super::region::receive(&mut multipart, &staging).await;
    let bytes = match &received {
        Ok(Some(_)) => tokio::fs::read(&staging).await.map_err(WebError::from),
        _ => Ok(Vec::new()),
    };
    let _ = tokio::fs::remove_dir_all(&incoming).await;
    let (original, sha256, size) =
        received?.ok_or_else(|| WebError::Refused("没有选择文件，或文件是空的".to_string()))?;
    let bytes = bytes?;
    let lower = original.to_lowercase();
    let ext = crate::tablefile::EXTENSIONS
        .into_iter()
        .find(|e| lower.ends_with(&format!(".{e}")))
        .ok_or_else(|| {
            WebError::Refused(format!(
                "{original} 不是省级评定可用的格式：请上传 CSV 或工作簿（{}）",
                crate::tablefile::EXTENSIONS
                    .map(|e| format!(".{e}"))
                    .join("、")
            ))
        })?;
    let name = format!("{}.{ext}", stem(&app));
    let (problems, bytes) = {
        let (shared, name) = (app.clone(), name.clone());
        app.heavy(move || {
            let problems =
                province::parse(&name, &bytes, &shared.setup.scheme, &shared.setup.registry).1;
            (problems, bytes)
        })
        .await?
    };
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("{}：{}", p.source.located(), p.message))
        .collect();
    if !errors.is_empty() {
        app.audit(
            &viewer.login,
            &address,
            "省级评定未保存",
            &format!("{original}，错误{}处", errors.len()),
        );
        const SHOWN: usize = 20;
        let more = if errors.len() > SHOWN {
            format!("\n……共{}处", errors.len())
        } else {
            String::new()
        };
        return Err(WebError::Refused(format!(
            "{original} 有{}处错误，未保存：\n{}{more}\n请改正后重新上传。",
            errors.len(),
            errors[..errors.len().min(SHOWN)].join("\n")
        )));
    }
    let dir = app.workspace.submissions(app.quarter);
    // One province file in the folder: the one of another format goes (评分 refuses two).
    for other in crate::tablefile::EXTENSIONS
        .into_iter()
        .filter(|e| *e != ext)
    {
        let path = dir.join(format!("{}.{other}", stem(&app)));
        if path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    crate::output::write_atomically(&dir.join(&name), &bytes)
        .map_err(|e| WebError::Io(e.to_string()))?;
    app.audit(
        &viewer.login,
        &address,
        "上传省级评定",
        &format!("{original} → {name}，{size}字节，SHA-256 {sha256}"),
    );
    Ok(Redirect::to("/office").into_response())
}
