//! 收表: the page regions hand in their workbooks on and the office watches 收表进度 on
//! (`kaoping serve`). It serves a workspace: uploads land in `报送/<季度>/` under the name the
//! command line expects, every version is kept under `收表/版本/`, and a SQLite database in
//! `收表/` records accounts, uploads, reviews and the audit log.
//!
//! One router per resource (`login`, `region`, `office`), one error type ([`WebError`]), one
//! place deciding access ([`access`]); the database is reached only from here.

pub mod access;
pub mod accounts;
mod db;
mod error;
mod findings;
pub mod login;
mod office;
mod outputs;
mod records;
mod region;
mod sessions;
pub mod startup;
mod store;
pub mod submitted;
mod view;

pub use db::Db;
pub use error::WebError;

use crate::pipeline::Setup;
use crate::quarter::Quarter;
use crate::workspace::Workspace;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use std::sync::Arc;
use tower_sessions::cookie::SameSite;
use tower_sessions::SessionManagerLayer;

/// The page's folder in the workspace.
pub const FOLDER: &str = "收表";
/// The database file in [`FOLDER`].
pub const DATABASE: &str = "收表.sqlite";
/// Where every uploaded version is kept, by quarter and region, under generated names.
pub const VERSIONS: &str = "版本";
/// Where an upload is written before it is checked and kept.
pub const INCOMING: &str = "上传中";

/// What the page serves: the workspace, its settings, the database and the quarter collected.
pub struct App {
    pub workspace: Workspace,
    pub setup: Setup,
    pub db: Db,
    /// The quarter whose files are being collected.
    pub quarter: Quarter,
    /// Cookies marked Secure (only when served over TLS: a browser drops Secure cookies on a
    /// plain-HTTP intranet address).
    pub secure: bool,
    /// Serialises keeping an upload: database row, then the copy in `报送/`.
    keep: tokio::sync::Mutex<()>,
    /// Permits for [`App::heavy`], one per core.
    heavy: tokio::sync::Semaphore,
}

/// The app as the handlers share it.
pub type Shared = Arc<App>;

impl App {
    /// Opens the workspace's database (made on first use) for collecting `quarter`.
    ///
    /// # Errors
    ///
    /// [`WebError`] when the folder or database cannot be made or opened.
    pub fn open(workspace: Workspace, setup: Setup, quarter: Quarter) -> Result<App, WebError> {
        let dir = workspace.root.join(FOLDER);
        std::fs::create_dir_all(&dir)?;
        let db = Db::open(&dir.join(DATABASE))?;
        sessions::delete_expired(&db)?;
        Ok(App {
            workspace,
            setup,
            db,
            quarter,
            secure: false,
            keep: tokio::sync::Mutex::new(()),
            heavy: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            ),
        })
    }

    /// The folder of the page's own files.
    pub fn folder(&self) -> PathBuf {
        self.workspace.root.join(FOLDER)
    }

    /// The submission deadline of the quarter collected.
    pub fn deadline(&self) -> chrono::NaiveDate {
        self.quarter.deadline(self.setup.scheme.deadline_day)
    }

    /// The registry's region of `code`, or [`WebError::NotFound`].
    ///
    /// # Errors
    ///
    /// [`WebError::NotFound`] naming the code.
    pub fn region(&self, code: &str) -> Result<&crate::registry::Region, WebError> {
        self.setup
            .registry
            .get(code)
            .ok_or_else(|| WebError::NotFound(format!("地区名录中没有 {code}")))
    }

    /// Runs CPU- and memory-heavy work (an argon2 hash, checking a file) on a blocking thread,
    /// one per core at a time: off the async threads, which serve everyone else meanwhile, and
    /// bounded, so that 200 logins at once do not each hold argon2's 19 MiB together.
    ///
    /// # Errors
    ///
    /// [`WebError::Internal`] when the work panicked or the server is stopping.
    pub async fn heavy<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, WebError> {
        let _permit = self
            .heavy
            .acquire()
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| WebError::Internal(format!("处理中断：{e}")))
    }

    /// The office's name, for page headers.
    pub fn office(&self) -> &str {
        &self.workspace.settings.office.name
    }

    /// Writes one line of the audit log; a failure to write it is said on the server's
    /// terminal, not to the person at the browser.
    pub fn audit(&self, account: &str, address: &str, action: &str, detail: &str) {
        let at = now();
        let written = self.db.with(|c| {
            c.execute(
                "INSERT INTO audit (at, account, address, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                (&at, account, address, action, detail),
            )
        });
        if let Err(e) = written {
            eprintln!("审计日志写入失败：{e}");
        }
    }
}

/// The local time, as the page shows and stores it.
pub fn now() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Every route of the page, with sessions, the body limit and the cross-site check.
pub fn router(app: Shared) -> Router {
    let sessions = SessionManagerLayer::new(sessions::SessionTable(app.clone()))
        .with_name("kaoping")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(app.secure)
        // Signed out after eight idle hours: the store no longer honours an expired session.
        .with_expiry(tower_sessions::Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(8),
        ));
    // The upload handler counts bytes itself and answers 413 in Chinese; this is the outer
    // bound, a little above it, for the multipart framing.
    let limit = usize::try_from(crate::ingest::Limits::default().file_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route("/", get(home))
        .merge(login::router())
        .merge(region::router())
        .merge(office::router())
        .merge(outputs::router())
        .merge(findings::router())
        .merge(records::router())
        .layer(middleware::from_fn(same_origin))
        .layer(sessions)
        .layer(DefaultBodyLimit::max(limit.saturating_add(1 << 20)))
        .with_state(app)
}

/// Each account's own page.
async fn home(viewer: access::Viewer) -> Response {
    match viewer.role {
        access::Role::Region(_) => Redirect::to("/region").into_response(),
        access::Role::Office => Redirect::to("/office").into_response(),
        access::Role::Leader => Redirect::to("/leader").into_response(),
    }
}

/// Refuses a request that changes something when it comes from another site: the browser's
/// `Sec-Fetch-Site` must be same-origin (or none: typed in), or else `Origin` must be this
/// host. A request with neither (not from a browser) cannot carry a victim's cookies.
async fn same_origin(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let allowed = match (text("sec-fetch-site"), text(header::ORIGIN.as_str())) {
        (Some(site), _) => site == "same-origin" || site == "none",
        (None, Some(origin)) => {
            let host = text(header::HOST.as_str()).unwrap_or("");
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
        }
        (None, None) => true,
    };
    if allowed {
        next.run(request).await
    } else {
        WebError::CrossSite.into_response()
    }
}

/// A certificate chain and its private key, PEM files: `serve` over HTTPS with them.
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The rustls settings of `tls`, in words naming both files when they cannot be used.
async fn tls_config(tls: &Tls) -> Result<axum_server::tls_rustls::RustlsConfig, WebError> {
    // ring, installed once for the process (a second install is refused and harmless).
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
        .await
        .map_err(|e| {
            WebError::Refused(format!(
                "无法用证书 {} 和私钥 {} 提供 HTTPS（{}）；请给出 PEM 格式的证书链和与之配对的私钥",
                tls.cert.display(),
                tls.key.display(),
                crate::text::io_reason(&e)
            ))
        })
}

/// Binds `listen`, in words saying what to do when it is taken or not this machine's.
fn bind(listen: std::net::SocketAddr) -> Result<std::net::TcpListener, WebError> {
    let listener = std::net::TcpListener::bind(listen).map_err(|e| {
        WebError::Refused(match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "地址 {listen} 已被占用：可能已有一个收表页面在运行，或其他程序占用了该端口；\
                 请先停止它，或换一个端口，如 --listen {}:{}",
                listen.ip(),
                listen.port().wrapping_add(1)
            ),
            _ => format!(
                "无法在 {listen} 上提供服务（{}）；请检查 --listen 的地址是否属于本机",
                crate::text::io_reason(&e)
            ),
        })
    })?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves `app` on `listen` until Ctrl-C, over HTTPS when `tls` is given (cookies then marked
/// Secure); `ready` is told the address bound (the port chosen when `listen` has port 0), and
/// sets what Ctrl-C says from then on (`interrupt::say_on_interrupt`).
///
/// # Errors
///
/// [`WebError::Refused`] when the address is taken or cannot be used, or the certificate or
/// key cannot be read; [`WebError::Io`] when serving fails.
pub fn serve(
    mut app: App,
    listen: std::net::SocketAddr,
    tls: Option<&Tls>,
    ready: impl FnOnce(&App, std::net::SocketAddr),
) -> Result<(), WebError> {
    app.secure = tls.is_some();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let config = match tls {
            Some(tls) => Some(tls_config(tls).await?),
            None => None,
        };
        let listener = bind(listen)?;
        ready(&app, listener.local_addr()?);
        let service =
            router(Arc::new(app)).into_make_service_with_connect_info::<std::net::SocketAddr>();
        match config {
            None => {
                axum::serve(tokio::net::TcpListener::from_std(listener)?, service)
                    .with_graceful_shutdown(async {
                        let _ = tokio::signal::ctrl_c().await;
                    })
                    .await?;
            }
            Some(config) => {
                let handle = axum_server::Handle::new();
                let stop = handle.clone();
                tokio::spawn(async move {
                    let _ = tokio::signal::ctrl_c().await;
                    stop.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
                });
                axum_server::from_tcp_rustls(listener, config)?
                    .handle(handle)
                    .serve(service)
                    .await?;
            }
        }
        Ok(())
    })
}

/// The address a request came from (for the audit log and the per-address login limit);
/// "本机" when the server was not started with connection info (tests).
pub struct Address(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Address {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Address(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map_or_else(|| "本机".to_string(), |c| c.0.ip().to_string()),
        ))
    }
}

/// The router state, for handlers.
pub type AppState = State<Shared>;
