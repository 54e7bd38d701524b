//! Logging in and out, and changing the password (required at first login). Wrong passwords
//! are counted per account (the tenth in a row locks it until the office lifts the lock) and per
//! address (a burst from one address is refused for a while).

use super::access::{Anyone, SESSION_ACCOUNT};
use super::accounts::{self, MAX_FAILURES, MIN_PASSWORD};
use super::{view, Address, AppState, Shared, WebError};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tower_sessions::Session;

/// Wrong passwords from one address within [`ADDRESS_WINDOW`] before it is refused.
const ADDRESS_FAILURES: usize = 30;
const ADDRESS_WINDOW: Duration = Duration::from_secs(15 * 60);

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/login", get(page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/password", get(password_page).post(change_password))
}

fn login_page(app: &Shared, message: &str) -> Result<Html<String>, WebError> {
    Ok(Html(view::render(
        "login.html",
        minijinja::context! { office => app.office(), message => message },
    )?))
}

async fn page(state: AppState) -> Result<Html<String>, WebError> {
    login_page(&state.0, "")
}

#[derive(serde::Deserialize)]
struct Credentials {
    login: String,
    password: String,
}

/// Recent wrong passwords by address.
fn failures() -> &'static Mutex<HashMap<String, Vec<Instant>>> {
    static FAILURES: std::sync::OnceLock<Mutex<HashMap<String, Vec<Instant>>>> =
        std::sync::OnceLock::new();
    FAILURES.get_or_init(|| Mutex::new(HashMap::new()))
}

fn recent_failures(address: &str, add: bool) -> usize {
    let mut map = failures()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let list = map.entry(address.to_string()).or_default();
    list.retain(|t| t.elapsed() < ADDRESS_WINDOW);
    if add {
        list.push(Instant::now());
    }
    list.len()
}

async fn login(
    state: AppState,
    Address(address): Address,
    session: Session,
    Form(form): Form<Credentials>,
) -> Result<Response, WebError> {
    let app = state.0;
    if recent_failures(&address, false) >= ADDRESS_FAILURES {
        return Ok(login_page(&app, "本机登录失败次数过多，请15分钟后再试")?.into_response());
    }
    let login = form.login.trim().to_string();
    let row: Option<(i64, String, i64, bool)> = app.db.with(|c| {
        use rusqlite::OptionalExtension;
        c.query_row(
            "SELECT id, password, failures, locked FROM account WHERE login = ?1",
            [&login],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()
    })?;
    let wrong = "账号或密码不对";
    let Some((id, hash, failures, locked)) = row else {
        recent_failures(&address, true);
        app.audit(&login, &address, "登录失败", "无此账号");
        return Ok(login_page(&app, wrong)?.into_response());
    };
    if locked {
        app.audit(&login, &address, "登录被拒", "账号已锁定");
        return Ok(
            login_page(&app, "该账号因连续输错密码已被锁定，请联系办公室解锁")?.into_response(),
        );
    }
    if !accounts::verify(&form.password, &hash) {
        recent_failures(&address, true);
        let failures = failures + 1;
        let lock = failures >= MAX_FAILURES;
        app.db.with(|c| {
            c.execute(
                "UPDATE account SET failures = ?1, locked = ?2 WHERE id = ?3",
                (failures, lock, id),
            )
        })?;
        app.audit(&login, &address, "登录失败", &format!("连续第{failures}次"));
        let message = if lock {
            "密码连续输错10次，账号已被锁定，请联系办公室解锁".to_string()
        } else {
            format!("{wrong}（再错{}次账号将被锁定）", MAX_FAILURES - failures)
        };
        return Ok(login_page(&app, &message)?.into_response());
    }
    app.db
        .with(|c| c.execute("UPDATE account SET failures = 0 WHERE id = ?1", [id]))?;
    // A new session id at login: one fixed before it is worth nothing.
    session
        .cycle_id()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    session
        .insert(SESSION_ACCOUNT, id)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    app.audit(&login, &address, "登录", "");
    Ok(Redirect::to("/").into_response())
}

async fn logout(session: Session) -> Result<Redirect, WebError> {
    session
        .flush()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(Redirect::to("/login"))
}

fn password_form(
    app: &Shared,
    who: &str,
    must: bool,
    message: &str,
) -> Result<Html<String>, WebError> {
    Ok(Html(view::render(
        "password.html",
        minijinja::context! { office => app.office(), who => who, must => must, message => message },
    )?))
}

async fn password_page(state: AppState, Anyone(viewer): Anyone) -> Result<Html<String>, WebError> {
    password_form(&state.0, &viewer.name, viewer.must_change, "")
}

#[derive(serde::Deserialize)]
struct NewPassword {
    old: String,
    new: String,
    again: String,
}

async fn change_password(
    state: AppState,
    Address(address): Address,
    Anyone(viewer): Anyone,
    Form(form): Form<NewPassword>,
) -> Result<Response, WebError> {
    let app = state.0;
    let hash: String = app.db.with(|c| {
        c.query_row(
            "SELECT password FROM account WHERE id = ?1",
            [viewer.id],
            |r| r.get(0),
        )
    })?;
    let refused = if !accounts::verify(&form.old, &hash) {
        Some("原密码不对".to_string())
    } else if form.new.chars().count() < MIN_PASSWORD {
        Some(format!("新密码至少{MIN_PASSWORD}位"))
    } else if form.new != form.again {
        Some("两次输入的新密码不一致".to_string())
    } else if form.new == form.old {
        Some("新密码不能与原密码相同".to_string())
    } else {
        None
    };
    if let Some(message) = refused {
        return Ok(
            password_form(&app, &viewer.name, viewer.must_change, &message)?.into_response(),
        );
    }
    let new_hash = accounts::hash(&form.new)?;
    app.db.with(|c| {
        c.execute(
            "UPDATE account SET password = ?1, must_change = 0 WHERE id = ?2",
            (&new_hash, viewer.id),
        )
    })?;
    app.audit(&viewer.login, &address, "修改密码", "");
    Ok(Redirect::to("/").into_response())
}
