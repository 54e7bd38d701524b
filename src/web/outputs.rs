//! 评分 from the page: the same pipeline as `kaoping score`, on the workspace's `报送/<季度>/`
//! into `输出/<季度>/` and `历史/` (the history lock serialises it with a run on the command
//! line); the office's downloads; 发布, which releases each region's own 反馈单 to it.

use super::access::{Act, Viewer};
use super::{view, Address, AppState, Shared, WebError};
use crate::pipeline::{ScoreRun, Sends};
use crate::workspace::{bulletin_name, feedback_name};
use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use std::path::PathBuf;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/office/score", post(score))
        .route("/office/publish", post(publish))
        .route("/office/download/{what}", get(download))
        .route("/region/feedback", get(region_feedback))
        .route("/leader", get(leader))
}

/// How long a press of 评分 waits for a run on the command line holding the history.
const WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The 评分 form: the office may score without 省级评定, as `--without-province-findings`.
#[derive(Debug, Default, serde::Deserialize)]
struct ScoreForm {
    without_findings: Option<String>,
}

async fn score(
    state: AppState,
    Address(address): Address,
    viewer: Viewer,
    axum::Form(form): axum::Form<ScoreForm>,
) -> Result<Html<String>, WebError> {
    let app = state.0;
    viewer.may(Act::Score)?;
    let without_findings = form.without_findings.is_some();
    let run = app.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let q = run.quarter;
        let ws = &run.workspace;
        let (input, history, out) = (ws.submissions(q), ws.history(), ws.ranking(q));
        let feedback = ws.outputs(q).join(feedback_name(q));
        let bulletin = ws.outputs(q).join(bulletin_name(q));
        if let Err(e) = std::fs::create_dir_all(ws.outputs(q)) {
            return Err(crate::pipeline::Error::Usage(crate::text::io_reason(&e)));
        }
        crate::pipeline::score(&ScoreRun {
            setup: &run.setup,
            quarter: q,
            input: &input,
            history: Some(&history),
            out: &out,
            replace: false,
            without_province_findings: without_findings,
            run_time: super::now(),
            wait: WAIT,
            on_wait: |_| {},
            progress: &crate::ingest::Silent,
            sends: Sends {
                feedback: Some(&feedback),
                bulletin: Some(&bulletin),
                ..Sends::default()
            },
            scheme_change: None,
        })
    })
    .await
    .map_err(|e| WebError::Internal(format!("评分中断：{e}")))?;
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            app.audit(&viewer.login, &address, "评分未完成", &e.to_string());
            let words = match e {
                // The command line's advice (a flag) said as the page offers it.
                crate::pipeline::Error::ProvinceFindings(m) => format!(
                    "{}\n未评分，排名工作簿和历史数据均未写入。请在收表进度页上传省级评定；\
                     确需在没有省级评定的情况下评分，请勾选“不计入省级评定，仍然评分”。",
                    m.lines()
                        .filter(|l| !l.starts_with("未评分"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
                e => e.to_string(),
            };
            return Err(WebError::Refused(format!("评分未完成：{words}")));
        }
    };
    // Scored again: what was published is withdrawn until published again.
    set_published(&app, &viewer, false)?;
    app.audit(
        &viewer.login,
        &address,
        "评分",
        &format!("{}个地区", outcome.results.len()),
    );
    let rows: Vec<minijinja::Value> = outcome
        .results
        .iter()
        .map(|r| {
            let flags = outcome.flags.get(&r.code).map_or(&[][..], Vec::as_slice);
            let measure = crate::flag::Measure::of(flags).map(|m| m.measure.label);
            minijinja::context! {
                // A region not scored (未报送, 数据有误) takes no part in the ranking: "—" and
                // no total, as 总排名 shows it.
                rank => if r.is_scored() { r.rank.to_string() } else { "—".to_string() },
                name => r.name,
                total => if r.is_scored() { app.setup.scheme.fixed(r.total) } else { String::new() },
                grade => r.grade, status => r.status.label(),
                measure => measure.unwrap_or_default(),
            }
        })
        .collect();
    let errors = outcome
        .problems
        .iter()
        .filter(|p| p.severity == crate::problem::Severity::Error)
        .count();
    Ok(Html(view::render(
        "scored.html",
        minijinja::context! {
            office => app.office(), who => viewer.name, quarter_label => app.quarter.label(),
            rows => rows, errors => errors, warnings => outcome.problems.len() - errors,
            history_gap => outcome.history_gap,
            vetoed => outcome.results.iter().any(|r| r.veto.is_some()),
            omitted => match &outcome.findings {
                crate::submission::Findings::Omitted(why) => why.clone(),
                crate::submission::Findings::Used => String::new(),
            },
        },
    )?))
}

/// Whether the quarter's 反馈单 are published now.
pub fn published(app: &Shared) -> Result<bool, WebError> {
    let quarter = app.quarter.to_string();
    let last: Option<String> = app.db.with(|c| {
        use rusqlite::OptionalExtension;
        c.query_row(
            "SELECT event FROM publication WHERE quarter = ?1 ORDER BY id DESC LIMIT 1",
            [&quarter],
            |r| r.get(0),
        )
        .optional()
    })?;
    Ok(last.as_deref() == Some("published"))
}

fn set_published(app: &Shared, viewer: &Viewer, on: bool) -> Result<(), WebError> {
    if !on && !published(app)? {
        return Ok(());
    }
    let quarter = app.quarter.to_string();
    let at = super::now();
    let event = if on { "published" } else { "withdrawn" };
    app.db.with(|c| {
        c.execute(
            "INSERT INTO publication (quarter, event, at, by) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![quarter, event, at, viewer.id],
        )
    })?;
    Ok(())
}

async fn publish(
    state: AppState,
    Address(address): Address,
    viewer: Viewer,
) -> Result<Redirect, WebError> {
    let app = state.0;
    viewer.may(Act::Score)?;
    if !app.workspace.ranking(app.quarter).exists() {
        return Err(WebError::Refused(
            "本季度尚未评分，没有可发布的反馈单".to_string(),
        ));
    }
    set_published(&app, &viewer, true)?;
    app.audit(&viewer.login, &address, "发布", &app.quarter.label());
    Ok(Redirect::to("/office"))
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    let kind = if name.ends_with(".docx") {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else if name.ends_with(".zip") {
        "application/zip"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, super::region::attachment(name)),
        ],
        bytes,
    )
        .into_response()
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, WebError> {
    std::fs::read(path)
        .map_err(|_| WebError::NotFound("本季度尚未评分，或该文件已被移走".to_string()))
}

/// The office's downloads: `ranking` (考评排名), `bulletin` (情况通报), `feedback` (反馈单, zip).
async fn download(
    state: AppState,
    viewer: Viewer,
    Path(what): Path<String>,
) -> Result<Response, WebError> {
    let app = state.0;
    if what == "ranking" {
        viewer.may(Act::SeeRanking {
            published: published(&app)?,
        })?;
    } else {
        viewer.may(Act::Score)?;
    }
    let q = app.quarter;
    let ws = &app.workspace;
    match what.as_str() {
        "ranking" => Ok(xlsx(
            &crate::workspace::ranking_name(q),
            read(&ws.ranking(q))?,
        )),
        "bulletin" => Ok(xlsx(
            &bulletin_name(q),
            read(&ws.outputs(q).join(bulletin_name(q)))?,
        )),
        "feedback" => {
            let dir = ws.outputs(q).join(feedback_name(q));
            Ok(xlsx(
                &format!("{}.zip", feedback_name(q)),
                zip_folder(&dir)?,
            ))
        }
        _ => Err(WebError::NotFound(what)),
    }
}

fn zip_folder(dir: &std::path::Path) -> Result<Vec<u8>, WebError> {
    use std::io::Write;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|_| WebError::NotFound("本季度尚未评分".to_string()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        zip.start_file(name, options)
            .map_err(|e| WebError::Internal(e.to_string()))?;
        zip.write_all(&std::fs::read(&path)?)?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// The region's own form of the quarter (反馈单, or its 退回修改通知 / 补报通知), once published.
pub fn feedback_file(app: &Shared, code: &str) -> Option<PathBuf> {
    let dir = app
        .workspace
        .outputs(app.quarter)
        .join(feedback_name(app.quarter));
    let prefix = format!("{code}_");
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".xlsx"))
        })
}

async fn region_feedback(state: AppState, viewer: Viewer) -> Result<Response, WebError> {
    let app = state.0;
    let code = viewer
        .region()
        .ok_or_else(|| WebError::Forbidden("此页面仅供地区账号使用".to_string()))?
        .to_string();
    viewer.may(Act::SeeFeedback(&code))?;
    if !published(&app)? {
        return Err(WebError::NotFound("本季度的反馈单尚未发布".to_string()));
    }
    let path = feedback_file(&app, &code)
        .ok_or_else(|| WebError::NotFound("没有本地区的反馈单".to_string()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(xlsx(&name, read(&path)?))
}

/// The leader's page: the quarter's ranking workbook once published.
/// The 总排名 table of a ranking workbook as printed: its header and its rows (up to the first
/// empty row); totals and changes with the scheme's decimals, counts as whole numbers.
fn ranking_table(
    app: &Shared,
    path: &std::path::Path,
) -> Result<(Vec<String>, Vec<Vec<String>>), WebError> {
    use calamine::{Data, Reader};
    let unreadable =
        |e: String| WebError::Io(format!("无法读取排名工作簿 {}：{e}", path.display()));
    let mut book = calamine::open_workbook_auto(path).map_err(|e| unreadable(e.to_string()))?;
    let range = book
        .worksheet_range(crate::report::ranking::NAME)
        .map_err(|e| unreadable(e.to_string()))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .by_ref()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == "排名"))
        .ok_or_else(|| unreadable("没有“排名”表头".to_string()))?
        .iter()
        .map(|d| d.to_string())
        .collect();
    let points: Vec<bool> = header.iter().map(|h| h.contains('分')).collect();
    let body = rows
        .take_while(|r| r.iter().any(|d| !matches!(d, Data::Empty)))
        .map(|r| {
            r.iter()
                .zip(&points)
                .map(|(d, &point)| match d {
                    Data::Float(f) if point => app.setup.scheme.fixed(*f),
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    d => d.to_string(),
                })
                .collect()
        })
        .collect();
    Ok((header, body))
}

async fn leader(state: AppState, viewer: Viewer) -> Result<Html<String>, WebError> {
    let app = state.0;
    // The page itself: the office's and the leader's (a region's account is refused).
    viewer.may(Act::SeeRanking { published: true })?;
    let path = app.workspace.ranking(app.quarter);
    let shown = viewer
        .may(Act::SeeRanking {
            published: published(&app)?,
        })
        .is_ok()
        && path.exists();
    let (header, rows) = if shown {
        ranking_table(&app, &path)?
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Html(view::render(
        "leader.html",
        minijinja::context! {
            office => app.office(), who => viewer.name, quarter_label => app.quarter.label(),
            published => shown, header => header, rows => rows,
        },
    )?))
}
