//! The office's page: 收表进度 (expected, received, on time, with errors, accepted, as rates
//! too), a row per region with its state and contacts, 通过 / 退回 / 重新打开, and the 催报 list.

use super::access::{Act, Viewer};
use super::region::time_left;
use super::store::{self, Decision, State};
use super::{view, Address, AppState, Shared, WebError};
use axum::extract::Path;
use axum::response::{Html, Redirect};
use axum::routing::{get, post};
use axum::{Form, Router};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/office", get(page))
        .route("/office/accept/{code}", post(accept))
        .route("/office/return/{code}", post(return_file))
        .route("/office/reopen/{code}", post(reopen))
        .route("/office/unlock/{login}", post(unlock))
}

/// The counts of 收表进度.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub expected: usize,
    pub received: usize,
    pub on_time: usize,
    pub with_errors: usize,
    pub accepted: usize,
}

fn rate(n: usize, of: usize) -> String {
    if of == 0 {
        "—".to_string()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / of as f64)
    }
}

async fn page(state: AppState, viewer: Viewer) -> Result<Html<String>, WebError> {
    let app = state.0;
    viewer.may(Act::SeeProgress)?;
    let latest = store::latest_uploads(&app)?;
    let decisions = store::decisions(&app)?;
    let deadline = app.deadline();
    let by_hand = store::in_folder(&app);
    let mut p = Progress::default();
    let mut rows = Vec::new();
    let mut remind = Vec::new();
    for region in &app.setup.registry.regions {
        p.expected += 1;
        let u = latest.get(&region.code);
        let d = decisions.get(&region.code);
        let st = store::state_with_folder(u, d, deadline, by_hand.contains(&region.code));
        p.received += usize::from(st == State::InFolder);
        if let Some(u) = u {
            p.received += 1;
            p.on_time += usize::from(store::on_time(u, deadline));
            p.with_errors += usize::from(u.errors > 0);
        }
        p.accepted += usize::from(st == State::Accepted);
        let (filled_by, phone) = u.map_or((String::new(), String::new()), |u| {
            (u.filled_by.clone(), u.phone.clone())
        });
        if matches!(st, State::NotSent | State::WithErrors | State::Returned(_)) {
            remind.push(minijinja::context! {
                name => region.name, state => st.label(), filled_by => filled_by, phone => phone,
            });
        }
        let scored = super::submitted::describe(&app, &region.code)?;
        let (scored, scored_older) =
            scored.map_or((String::new(), false), |s| (s.short(), s.older));
        rows.push(minijinja::context! {
            scored => scored, scored_older => scored_older,
            code => region.code, name => region.name, state => st.label(), state_class => st.class(),
            last => u.map_or_else(String::new, |u| u.uploaded_at.clone()),
            errors => u.map_or_else(String::new, |u| u.errors.to_string()),
            warnings => u.map_or_else(String::new, |u| u.warnings.to_string()),
            filled_by => filled_by, phone => phone,
            may_accept => u.is_some() && st != State::Accepted && u.is_some_and(|u| u.errors == 0),
            may_return => u.is_some() && st != State::Accepted,
            may_reopen => st == State::Accepted,
        });
    }
    let locked: Vec<(String, String)> = app.db.with(|c| {
        let mut st =
            c.prepare("SELECT login, name FROM account WHERE locked = 1 ORDER BY login")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    })?;
    let locked: Vec<minijinja::Value> = locked
        .into_iter()
        .map(|(login, name)| minijinja::context! { login => login, name => name })
        .collect();
    let today = chrono::Local::now().date_naive();
    Ok(Html(view::render(
        "office.html",
        minijinja::context! {
            office => app.office(), who => viewer.name, quarter_label => app.quarter.label(),
            deadline => deadline.format("%Y年%-m月%-d日").to_string(),
            time_left => time_left(deadline, today),
            p => minijinja::context! {
                expected => p.expected, received => p.received, on_time => p.on_time,
                with_errors => p.with_errors, accepted => p.accepted,
                received_rate => rate(p.received, p.expected),
                on_time_rate => rate(p.on_time, p.expected),
                accepted_rate => rate(p.accepted, p.expected),
            },
            rows => rows, remind => remind, quarter => app.quarter.to_string(),
            locked => locked,
            scored => app.workspace.ranking(app.quarter).exists(),
            findings => super::findings::current(&app).map(|(name, at)| {
                minijinja::context! { name => name, at => at }
            }),
            published => super::outputs::published(&app)?,
        },
    )?))
}

/// Records the office's decision on a region's newest upload and puts the version 评分 then
/// uses in `报送/` (a return may change it), one decision or upload at a time.
async fn decide(
    app: &Shared,
    viewer: &Viewer,
    address: &str,
    code: &str,
    decision: &Decision,
) -> Result<Redirect, WebError> {
    viewer.may(Act::Review)?;
    let region = app.region(code)?;
    let _one_at_a_time = app.keep.lock().await;
    let latest = store::latest_uploads(app)?;
    let upload = latest
        .get(code)
        .ok_or_else(|| WebError::Refused(format!("{}尚未报送，无从审核", region.name)))?;
    let current = store::state(
        Some(upload),
        store::decisions(app)?.get(code),
        app.deadline(),
    );
    let (word, reason) = match decision {
        Decision::Accepted if upload.errors > 0 => {
            return Err(WebError::Refused(format!(
                "{}最近一次上传有{}处错误，不能通过；请退回",
                region.name, upload.errors
            )))
        }
        Decision::Accepted | Decision::Returned(_) if current == State::Accepted => {
            return Err(WebError::Refused(format!(
                "{}已通过；如需退回，请先重新打开",
                region.name
            )))
        }
        Decision::Reopened if current != State::Accepted => {
            return Err(WebError::Refused(format!(
                "{}未通过，无需重新打开",
                region.name
            )))
        }
        Decision::Accepted => ("accepted", String::new()),
        Decision::Returned(why) => ("returned", why.trim().to_string()),
        Decision::Reopened => ("reopened", String::new()),
    };
    if word == "returned" && reason.is_empty() {
        return Err(WebError::Refused("退回须写明理由".to_string()));
    }
    let quarter = app.quarter.to_string();
    let at = super::now();
    app.db.with(|c| {
        c.execute(
            "INSERT INTO review (quarter, region, decision, reason, upload, at, by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![quarter, code, word, reason, upload.id, at, viewer.id],
        )
    })?;
    super::submitted::sync(app, region, true)?;
    let action = match decision {
        Decision::Accepted => "通过",
        Decision::Returned(_) => "退回",
        Decision::Reopened => "重新打开",
    };
    app.audit(
        &viewer.login,
        address,
        action,
        &format!("{} {}", region.name, reason),
    );
    Ok(Redirect::to("/office"))
}

async fn accept(
    state: AppState,
    Address(address): Address,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Redirect, WebError> {
    decide(&state.0, &viewer, &address, &code, &Decision::Accepted).await
}

#[derive(serde::Deserialize)]
struct Reason {
    reason: String,
}

async fn return_file(
    state: AppState,
    Address(address): Address,
    viewer: Viewer,
    Path(code): Path<String>,
    Form(form): Form<Reason>,
) -> Result<Redirect, WebError> {
    decide(
        &state.0,
        &viewer,
        &address,
        &code,
        &Decision::Returned(form.reason),
    )
    .await
}

async fn reopen(
    state: AppState,
    Address(address): Address,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Redirect, WebError> {
    decide(&state.0, &viewer, &address, &code, &Decision::Reopened).await
}

/// Lifts an account's lock (after ten wrong passwords in a row).
async fn unlock(
    state: AppState,
    Address(address): Address,
    viewer: Viewer,
    Path(login): Path<String>,
) -> Result<Redirect, WebError> {
    let app = state.0;
    viewer.may(Act::Unlock)?;
    let changed = app.db.with(|c| {
        c.execute(
            "UPDATE account SET locked = 0, failures = 0 WHERE login = ?1 AND locked = 1",
            [&login],
        )
    })?;
    if changed == 0 {
        return Err(WebError::Refused(format!("账号 {login} 未被锁定")));
    }
    app.audit(&viewer.login, &address, "解锁账号", &login);
    Ok(Redirect::to("/office"))
}
