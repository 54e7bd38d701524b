//! Logging in and out, and changing the password (required at first login). Wrong passwords
//! are counted per account (the tenth in a row locks it until the office lifts the lock); login
//! attempts are limited per address by a token bucket (tower_governor), whatever their outcome.

use super::access::{Anyone, SESSION_ACCOUNT};
use super::accounts::{self, MAX_FAILURES, MIN_PASSWORD};
use super::{view, Address, AppState, Shared, WebError};
use axum::http::{Method, Request};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};
use tower_sessions::Session;

/// Login attempts one address may make at once: every region of a large province logging in
/// from behind one proxy at the start of a collection.
pub const LOGIN_BURST: u32 = 250;
/// Then one more attempt per address every so often.
pub const LOGIN_PERIOD: Duration = Duration::from_secs(4);

/// /login (limited per address), /logout and /password.
pub fn router() -> Router<Shared> {
    Router::new()
        .route("/login", get(page).post(login).layer(login_limit()))
        .route("/logout", axum::routing::post(logout))
        .route("/password", get(password_page).post(change_password))
}

/// The key of the login limit: the address the request came from, or the loopback address
/// when the server was started without connection info (tests).
#[derive(Debug, Clone, Copy)]
struct PeerAddress;

impl KeyExtractor for PeerAddress {
    type Key = IpAddr;

    fn extract<T>(&self, request: &Request<T>) -> Result<IpAddr, GovernorError> {
        Ok(request
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |c| c.0.ip()))
    }
}

/// [`LOGIN_BURST`] POSTs to /login per address, then one per [`LOGIN_PERIOD`]; over that, 429
/// and a page saying how long to wait. Addresses not seen for a while are forgotten every
/// minute while a runtime is there to do it.
fn login_limit(
) -> GovernorLayer<PeerAddress, governor::middleware::NoOpMiddleware, axum::body::Body> {
    let config = GovernorConfigBuilder::default()
        .key_extractor(PeerAddress)
        .period(LOGIN_PERIOD)
        .burst_size(LOGIN_BURST)
        .methods(vec![Method::POST])
        .finish()
        .expect("non-zero login limit constants");
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let limiter = config.limiter().clone();
        runtime.spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                limiter.retain_recent();
            }
        });
    }
    GovernorLayer::new(config).error_handler(|e| {
        let wait = match e {
            GovernorError::TooManyRequests { wait_time, .. } => wait_time.max(1),
            _ => LOGIN_PERIOD.as_secs(),
        };
        WebError::TooMany(format!(
            "从本机发出的登录尝试过多，请{wait}秒后再试；如多个地区共用一个出口地址，请稍候分批登录"
        ))
        .into_response()
    })
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

async fn login(
    state: AppState,
    Address(address): Address,
    session: Session,
    Form(form): Form<Credentials>,
) -> Result<Response, WebError> {
    let app = state.0;
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
        app.audit(&login, &address, "登录失败", "无此账号");
        return Ok(login_page(&app, wrong)?.into_response());
    };
    if locked {
        app.audit(&login, &address, "登录被拒", "账号已锁定");
        return Ok(
            login_page(&app, "该账号因连续输错密码已被锁定，请联系办公室解锁")?.into_response(),
        );
    }
    let password = form.password;
    if !app
        .heavy(move || accounts::verify(&password, &hash))
        .await?
    {
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
    let old = form.old.clone();
    let refused = if !app.heavy(move || accounts::verify(&old, &hash)).await? {
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
    let new = form.new;
    let new_hash = app.heavy(move || accounts::hash(&new)).await??;
    app.db.with(|c| {
        c.execute(
            "UPDATE account SET password = ?1, must_change = 0 WHERE id = ?2",
            (&new_hash, viewer.id),
        )
    })?;
    app.audit(&viewer.login, &address, "修改密码", "");
    Ok(Redirect::to("/").into_response())
}
