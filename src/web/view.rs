//! The pages' templates (`templates/web/`, built into the binary) and their rendering:
//! Chinese HTML that works without JavaScript, escaped by minijinja.

use super::WebError;
use axum::http::StatusCode;
use minijinja::Environment;
use std::sync::OnceLock;

/// The templates, by name.
const TEMPLATES: [(&str, &str); 10] = [
    ("base.html", include_str!("../../templates/web/base.html")),
    ("login.html", include_str!("../../templates/web/login.html")),
    (
        "password.html",
        include_str!("../../templates/web/password.html"),
    ),
    (
        "region.html",
        include_str!("../../templates/web/region.html"),
    ),
    (
        "office.html",
        include_str!("../../templates/web/office.html"),
    ),
    ("error.html", include_str!("../../templates/web/error.html")),
    (
        "scored.html",
        include_str!("../../templates/web/scored.html"),
    ),
    (
        "leader.html",
        include_str!("../../templates/web/leader.html"),
    ),
    (
        "explain.html",
        include_str!("../../templates/web/explain.html"),
    ),
    ("audit.html", include_str!("../../templates/web/audit.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // A template that does not parse is a bug caught by the tests, which render each.
            if let Err(e) = env.add_template(name, source) {
                eprintln!("页面模板 {name} 有误：{e}");
            }
        }
        env
    })
}

/// The page `name` with `ctx`.
///
/// # Errors
///
/// [`WebError::Internal`] when the template fails (a bug).
pub fn render(name: &str, ctx: minijinja::Value) -> Result<String, WebError> {
    env()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| WebError::Internal(format!("页面 {name} 生成失败：{e}")))
}

/// The page for an error; plain text in a page if even that fails.
pub fn error_page(status: StatusCode, message: &str) -> String {
    render(
        "error.html",
        minijinja::context! { status => status.as_u16(), message => message },
    )
    .unwrap_or_else(|_| {
        format!(
            "<!doctype html><meta charset=utf-8><p>{}</p>",
            escape(message)
        )
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
