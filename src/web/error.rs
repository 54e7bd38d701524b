//! One error type for every handler, rendered as a page (or a redirect to log in): handlers
//! return `Result<_, WebError>` and use `?`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// What a request could not do, in words for the person at the browser.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No session, or one whose account no longer exists: to the login page.
    #[error("请先登录")]
    Login,
    /// The first login's password must be changed before anything else.
    #[error("请先修改初始密码")]
    MustChangePassword,
    /// The account may not see or do this.
    #[error("无权访问：{0}")]
    Forbidden(String),
    /// A request from another site (cross-site request forgery) or without the page's origin.
    #[error("拒绝了来自其他网站的请求。请直接在本系统的页面上操作")]
    CrossSite,
    #[error("找不到：{0}")]
    NotFound(String),
    /// An upload larger than the ingest limit.
    #[error("上传的文件超过 {limit_mb} MB，未保存。请删去多余的工作表或图片后重新上传")]
    TooLarge { limit_mb: u64 },
    /// Too many requests from one address (the login limit).
    #[error("{0}")]
    TooMany(String),
    /// A form that cannot be done as sent (a field missing, a state that does not allow it).
    #[error("{0}")]
    Refused(String),
    #[error("数据库出错：{0}")]
    Database(#[from] rusqlite::Error),
    #[error("文件读写出错：{0}")]
    Io(String),
    #[error("{0}")]
    Internal(String),
}

impl From<std::io::Error> for WebError {
    fn from(e: std::io::Error) -> WebError {
        WebError::Io(crate::text::io_reason(&e))
    }
}

impl WebError {
    /// The response status.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Login | WebError::MustChangePassword => StatusCode::SEE_OTHER,
            WebError::Forbidden(_) | WebError::CrossSite => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Refused(_) => StatusCode::BAD_REQUEST,
            WebError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Database(_) | WebError::Io(_) | WebError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::Login => Redirect::to("/login").into_response(),
            WebError::MustChangePassword => Redirect::to("/password").into_response(),
            e => {
                let status = e.status();
                let body = super::view::error_page(status, &e.to_string());
                (status, axum::response::Html(body)).into_response()
            }
        }
    }
}
