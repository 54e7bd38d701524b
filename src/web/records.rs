//! The office's other pages: `explain` for any region as a page (the same words as
//! `kaoping explain`), the 催报 list as a CSV file to send on, and the audit log.

use super::access::{Act, Viewer};
use super::store::{self, State};
use super::{view, AppState, Shared, WebError};
use crate::pipeline::ScoreRun;
use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/office/explain/{code}", get(explain))
        .route("/office/remind.csv", get(remind))
        .route("/office/audit", get(audit))
}

async fn explain(
    state: AppState,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    let app = state.0;
    viewer.may(Act::SeeRegion(&code))?;
    viewer.may(Act::SeeProgress)?;
    let region = app.region(&code)?.name.clone();
    let run = app.clone();
    let text = tokio::task::spawn_blocking(move || {
        let q = run.quarter;
        let (input, history) = (run.workspace.submissions(q), run.workspace.history());
        let assessed = crate::pipeline::assess(&ScoreRun {
            setup: &run.setup,
            quarter: q,
            input: &input,
            history: Some(&history),
            out: std::path::Path::new(""),
            replace: false,
            without_province_findings: false,
            run_time: super::now(),
            wait: crate::history::DEFAULT_WAIT,
            on_wait: |_| {},
            progress: &crate::ingest::Silent,
            sends: Default::default(),
            scheme_change: None,
        })?;
        let results = crate::report::explain::Results {
            scheme: &run.setup.scheme,
            quarter: q,
            regions: &assessed.results,
            flags: &assessed.flags,
            intervals: &assessed.analysis.intervals,
            problems: &assessed.problems,
        };
        Ok::<_, crate::pipeline::Error>(results.find(&code).map(|r| results.explain(r)))
    })
    .await
    .map_err(|e| WebError::Internal(format!("说明中断：{e}")))?
    .map_err(|e| WebError::Refused(format!("无法说明：{e}")))?
    .ok_or_else(|| WebError::NotFound(format!("本季度结果中没有 {region}")))?;
    Ok(Html(view::render(
        "explain.html",
        minijinja::context! {
            office => app.office(), who => viewer.name, quarter_label => app.quarter.label(),
            region => region, text => text,
        },
    )?))
}

/// A CSV field, quoted when it must be.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// 催报名单: the regions that have not sent, whose file has errors or was returned, with the
/// contact their last file gave. UTF-8 with a byte-order mark, as Excel opens it.
async fn remind(state: AppState, viewer: Viewer) -> Result<Response, WebError> {
    let app = state.0;
    viewer.may(Act::SeeProgress)?;
    let latest = store::latest_uploads(&app)?;
    let decisions = store::decisions(&app)?;
    let by_hand = store::in_folder(&app);
    let mut csv = String::from("\u{feff}区划代码,地区,情况,填报人,电话\r\n");
    for region in &app.setup.registry.regions {
        let u = latest.get(&region.code);
        let st = store::state_with_folder(
            u,
            decisions.get(&region.code),
            app.deadline(),
            by_hand.contains(&region.code),
        );
        if !matches!(st, State::NotSent | State::WithErrors | State::Returned(_)) {
            continue;
        }
        let (who, phone) = u.map_or(("", ""), |u| (u.filled_by.as_str(), u.phone.as_str()));
        let line = [
            region.code.as_str(),
            region.name.as_str(),
            &st.label(),
            who,
            phone,
        ]
        .map(field)
        .join(",");
        csv.push_str(&line);
        csv.push_str("\r\n");
    }
    let name = format!("催报名单_{}.csv", app.quarter);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                super::region::attachment(&name),
            ),
        ],
        csv,
    )
        .into_response())
}

/// The audit log, newest first (the last 1,000 entries).
async fn audit(state: AppState, viewer: Viewer) -> Result<Html<String>, WebError> {
    let app = state.0;
    viewer.may(Act::SeeProgress)?;
    let rows: Vec<(String, String, String, String, String)> = app.db.with(|c| {
        let mut st = c.prepare(
            "SELECT at, account, address, action, detail FROM audit ORDER BY id DESC LIMIT 1000",
        )?;
        let rows = st.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        rows.collect()
    })?;
    let rows: Vec<minijinja::Value> = rows
        .into_iter()
        .map(|(at, account, address, action, detail)| {
            minijinja::context! { at => at, account => account, address => address, action => action, detail => detail }
        })
        .collect();
    Ok(Html(view::render(
        "audit.html",
        minijinja::context! { office => app.office(), who => viewer.name, rows => rows },
    )?))
}
