//! The 收表 page, driven through its router (no network): a region logs in, must change its
//! password, uploads a file with errors and sees them cell by cell, the office sees 收表进度 and
//! decides; and what must be refused is: another region's pages, no session, a cross-site POST,
//! an oversized upload, a client path in the file name, the tenth wrong password.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use kaoping::pipeline::Setup;
use kaoping::quarter::Quarter;
use kaoping::web::{self, accounts, App};
use kaoping::workspace::{Init, Level, Workspace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;

const ORIGIN: &str = "http://kaoping.test";

struct Page {
    tmp: tempfile::TempDir,
    app: axum::Router,
    passwords: BTreeMap<String, String>,
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2025Q4")
}

fn sample(code: &str) -> (String, Vec<u8>) {
    let name = std::fs::read_dir(samples())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(code) && !n.contains("初稿"))
        .min()
        .unwrap();
    let bytes = std::fs::read(samples().join(&name)).unwrap();
    (name, bytes)
}

/// A workspace with the shipped files, its accounts made, collecting 2025Q4.
fn page() -> Page {
    let tmp = tempfile::tempdir().unwrap();
    let (app, passwords) = open_app(tmp.path());
    Page {
        tmp,
        app: web::router(Arc::new(app)),
        passwords,
    }
}

/// The app over a workspace in `dir/ws` (made on first use), with the passwords of the accounts
/// made now.
fn open_app(dir: &Path) -> (App, BTreeMap<String, String>) {
    let ws = dir.join("ws");
    let ws = if ws.exists() {
        Workspace::open(&ws).unwrap()
    } else {
        let init = Init {
            office: "广东省打击侵权假冒工作领导小组办公室",
            level: Level::Province,
            contact: "",
            phone: "",
            scheme: None,
            regions: None,
            holidays: None,
        };
        Workspace::init(&ws, &init).unwrap()
    };
    let setup = Setup::load(Some(&ws.scheme()), Some(&ws.regions())).unwrap();
    let app = App::open(ws, setup, Quarter::new(2025, 4).unwrap()).unwrap();
    let regions: Vec<(String, String)> = app
        .setup
        .registry
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let made = accounts::create(&app.db, &regions, "办公室").unwrap();
    let passwords = made.into_iter().map(|m| (m.login, m.password)).collect();
    (app, passwords)
}

/// A response's status, `Location`, the session cookie it sets and its body.
struct Reply {
    status: StatusCode,
    location: String,
    cookie: Option<String>,
    body: String,
}

impl Page {
    fn ws(&self) -> PathBuf {
        self.tmp.path().join("ws")
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let text = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let location = text(header::LOCATION);
        let cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_string);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            location,
            cookie,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&self, path: &str, cookie: &str) -> Reply {
        let request = Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    async fn post_form(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> Reply {
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        let request = Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::ORIGIN, ORIGIN)
            .header(header::HOST, "kaoping.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.join("&")))
            .unwrap();
        self.send(request).await
    }

    async fn upload(&self, cookie: &str, file_name: &str, bytes: &[u8]) -> Reply {
        self.post_file("/region/upload", cookie, file_name, bytes)
            .await
    }

    /// A file posted as the page's upload forms post it (field `file`).
    async fn post_file(&self, path: &str, cookie: &str, file_name: &str, bytes: &[u8]) -> Reply {
        let boundary = "kaopingboundary7MA4YWxk";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::ORIGIN, ORIGIN)
            .header(header::HOST, "kaoping.test")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Logs `login` in and changes its initial password; the session cookie.
    async fn login(&self, login: &str) -> String {
        let initial = self.passwords[login].clone();
        let r = self
            .post_form("/login", "", &[("login", login), ("password", &initial)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let cookie = r.cookie.expect("a session cookie");
        // First login: every page sends to /password until it is changed.
        let r = self.get("/region", &cookie).await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (StatusCode::SEE_OTHER, "/password")
        );
        let new = format!("{login}-新的密码-2026");
        let r = self
            .post_form(
                "/password",
                &cookie,
                &[("old", &initial), ("new", &new), ("again", &new)],
            )
            .await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (StatusCode::SEE_OTHER, "/")
        );
        cookie
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}

#[tokio::test]
async fn a_region_uploads_sees_its_errors_and_the_office_sees_progress() {
    let p = page();
    let chaozhou = p.login("445100").await;
    let (name, bytes) = sample("445100");
    let r = p.upload(&chaozhou, &name, &bytes).await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (StatusCode::SEE_OTHER, "/region")
    );
    let page = p.get("/region", &chaozhou).await.body;
    // The sample's three errors, each with its sheet and cell, in 数据质量's words.
    assert!(page.contains("有错误（请修改后重新上传）"), "{page}");
    for said in ["<td>D6</td>", "约30", "<td>D19</td>", "-3", "<td>D2</td>"] {
        assert!(page.contains(said), "no {said}");
    }
    assert!(page.contains(&sha256(&bytes)));
    // Where the command line reads it, byte for byte.
    let submitted = p.ws().join("报送/2025Q4/445100_潮州市_2025Q4.xlsx");
    assert_eq!(sha256(&std::fs::read(&submitted).unwrap()), sha256(&bytes));

    let guangzhou = p.login("440100").await;
    let (name, bytes) = sample("440100");
    p.upload(&guangzhou, &name, &bytes).await;
    let office = p.login("office").await;
    let progress = p.get("/office", &office).await.body;
    let counts = progress
        .split("<th>通过率</th>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .nth(1)
        .unwrap()
        .to_string();
    let numbers: Vec<&str> = counts
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    // 21 expected, 2 received, 0 on time (the deadline passed), 1 with errors, 0 accepted.
    assert_eq!(&numbers[..5], ["21", "2", "0", "1", "0"], "{counts}");
    // An error file cannot be accepted; a clean one can, and then not replaced.
    let r = p.post_form("/office/accept/445100", &office, &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("不能通过"));
    let r = p.post_form("/office/accept/440100", &office, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = p.upload(&guangzhou, &name, &bytes).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("重新打开"), "{}", r.body);
    let r = p.post_form("/office/reopen/440100", &office, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = p.upload(&guangzhou, &name, &bytes).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Both versions kept.
    let page = p.get("/region", &guangzhou).await.body;
    assert_eq!(page.matches(&sha256(&bytes)).count(), 2);
    let r = p
        .post_form("/office/return/445100", &office, &[("reason", "数字有误")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = p.get("/region", &chaozhou).await.body;
    assert!(page.contains("已退回（数字有误）"));
    // Nothing better to score: the returned version stays where 评分 reads it, and both pages
    // say it was returned.
    assert!(page.contains("这一版已被退回"), "{page}");
    assert!(p
        .get("/office", &office)
        .await
        .body
        .contains("第1版（已退回）"));
}

#[tokio::test]
async fn region_a_reaches_nothing_of_region_b() {
    let p = page();
    let guangzhou = p.login("440100").await;
    for path in ["/office"] {
        assert_eq!(
            p.get(path, &guangzhou).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for path in [
        "/office/accept/445100",
        "/office/return/445100",
        "/office/reopen/445100",
    ] {
        let r = p.post_form(path, &guangzhou, &[("reason", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    // 潮州市's file sent by 广州市: kept as 广州市's version with the error, but not put where
    // the command line would score it as 广州市's.
    let (name, bytes) = sample("445100");
    p.upload(&guangzhou, &name, &bytes).await;
    let page = p.get("/region", &guangzhou).await.body;
    assert!(page.contains("不是本地区"), "{page}");
    assert!(!p
        .ws()
        .join("报送/2025Q4/440100_广州市_2025Q4.xlsx")
        .exists());
    // The leader sees no region's files and reviews nothing.
    let leader = p.login("leader").await;
    assert_eq!(
        p.get("/region", &leader).await.status,
        StatusCode::FORBIDDEN
    );
    let r = p.post_form("/office/accept/440100", &leader, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn without_a_session_every_page_sends_to_login() {
    let p = page();
    for path in ["/", "/region", "/region/template", "/office", "/password"] {
        let r = p.get(path, "").await;
        assert_eq!(
            (r.status, r.location.as_str()),
            (StatusCode::SEE_OTHER, "/login"),
            "{path}"
        );
    }
    let r = p.upload("kaoping=forged", "x.xlsx", b"PK").await;
    assert_eq!(
        (r.status, r.location.as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );
    assert!(!p.ws().join("报送/2025Q4").exists());
}

#[tokio::test]
async fn a_cross_site_post_is_refused() {
    let p = page();
    let password = p.passwords["440100"].clone();
    let body = format!("login=440100&password={}", encode(&password));
    for (name, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let request = Request::post("/login")
            .header(name, value)
            .header(header::HOST, "kaoping.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.clone()))
            .unwrap();
        let r = p.send(request).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}");
        assert!(r.body.contains("其他网站"));
        assert!(r.cookie.is_none());
    }
}

#[tokio::test]
async fn an_oversized_upload_gets_413_in_chinese_and_leaves_nothing() {
    let p = page();
    let cookie = p.login("440100").await;
    let limit = kaoping::ingest::Limits::default().file_bytes as usize;
    let r = p.upload(&cookie, "大.xlsx", &vec![b'x'; limit + 1]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        r.body.contains("超过") && r.body.contains("MB"),
        "{}",
        r.body
    );
    let incoming = p.ws().join("收表/上传中");
    assert_eq!(std::fs::read_dir(&incoming).unwrap().count(), 0);
    assert!(!p.ws().join("报送/2025Q4").exists());
}

#[tokio::test]
async fn a_path_in_the_file_name_stores_nothing_outside_the_workspace() {
    let p = page();
    let cookie = p.login("440100").await;
    let (_, bytes) = sample("440100");
    for name in [
        "../../逃逸.xlsx",
        "C:\\\\Users\\\\x\\\\逃逸.xlsx",
        "/etc/逃逸.xlsx",
    ] {
        let r = p.upload(&cookie, name, &bytes).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{name}: {}", r.body);
    }
    let mut found = Vec::new();
    let mut stack = vec![p.tmp.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else if e.file_name().to_string_lossy().contains("逃逸") {
                found.push(e.path());
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
    let versions = p.ws().join("收表/版本/2025Q4/440100");
    assert_eq!(std::fs::read_dir(versions).unwrap().count(), 3);
    // The name shown is the last component only.
    let page = p.get("/region", &cookie).await.body;
    assert!(page.contains("<td>逃逸.xlsx</td>"), "{page}");
}

#[tokio::test]
async fn the_tenth_wrong_password_locks_the_account() {
    let p = page();
    for i in 1..=10 {
        let r = p
            .post_form(
                "/login",
                "",
                &[("login", "440100"), ("password", "不对的密码")],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        if i < 10 {
            assert!(r.body.contains(&format!("再错{}次", 10 - i)), "{}", r.body);
        } else {
            assert!(r.body.contains("已被锁定"), "{}", r.body);
        }
    }
    // Now even the right password is refused.
    let password = p.passwords["440100"].clone();
    let r = p
        .post_form(
            "/login",
            "",
            &[("login", "440100"), ("password", &password)],
        )
        .await;
    assert!(r.body.contains("已被锁定"));
    assert!(r.cookie.is_none());
    // The office lifts the lock; a region cannot.
    let office = p.login("office").await;
    assert!(p
        .get("/office", &office)
        .await
        .body
        .contains("/office/unlock/440100"));
    let chaozhou = p.login("445100").await;
    let r = p.post_form("/office/unlock/440100", &chaozhou, &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = p.post_form("/office/unlock/440100", &office, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    p.login("440100").await;
}

/// 省级评定 on the page: 评分 without it says what to do on the page (not a command-line
/// flag); a file with a region missing is refused and not saved; the sample is saved where 评分
/// reads it; a region cannot upload it; scoring without it is the office's explicit choice, and
/// the result says so.
#[tokio::test]
async fn the_office_uploads_the_province_findings_checked_at_once() {
    let p = page();
    let office = p.login("office").await;
    let guangzhou = p.login("440100").await;
    let (name, bytes) = sample("440100");
    p.upload(&guangzhou, &name, &bytes).await;
    let r = p.post_form("/office/score", &office, &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("请在收表进度页上传省级评定"), "{}", r.body);
    assert!(!r.body.contains("--without"), "{}", r.body);
    assert!(p.get("/office", &office).await.body.contains("尚未放入"));

    let findings = std::fs::read(samples().join("省级评定.csv")).unwrap();
    let text = String::from_utf8(findings.clone()).unwrap();
    let short: String = text
        .lines()
        .take(text.lines().count() - 1)
        .collect::<Vec<_>>()
        .join("\n");
    let r = p
        .post_file(
            "/office/findings",
            &office,
            "省级评定（初稿）.csv",
            short.as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("未保存"), "{}", r.body);
    let saved = p.ws().join("报送/2025Q4/省级评定.csv");
    assert!(!saved.exists());
    let r = p
        .post_file("/office/findings", &guangzhou, "省级评定.csv", &findings)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!saved.exists());
    let r = p
        .post_file("/office/findings", &office, "省级评定-最终.csv", &findings)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(std::fs::read(&saved).unwrap(), findings);
    let page = p.get("/office", &office).await.body;
    assert!(page.contains("省级评定.csv</span>"), "{page}");
    assert!(!page.contains("不计入省级评定"));

    // Without it, only when asked.
    std::fs::remove_file(&saved).unwrap();
    let r = p
        .post_form("/office/score", &office, &[("without_findings", "1")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("本次评分未计入省级评定"), "{}", r.body);
}

/// Regression (issue 27): with a locked account, the office page's <title> held the whole
/// 已锁定的账号 table (a template block closed in the wrong place), shown as markup in the tab.
#[tokio::test]
async fn regression_the_office_page_title_holds_only_its_title() {
    let p = page();
    for _ in 0..10 {
        p.post_form("/login", "", &[("login", "440100"), ("password", "x")])
            .await;
    }
    let office = p.login("office").await;
    let body = p.get("/office", &office).await.body;
    assert!(body.contains("/office/unlock/440100"));
    let title = body
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap();
    assert_eq!(title, "收表进度 · 2025年第四季度");
}

/// 报送/ holds the version 评分 uses: a later upload with errors leaves the earlier valid one
/// there, and both pages say which version is scored; a valid re-upload replaces it.
#[tokio::test]
async fn the_folder_holds_the_newest_valid_version_and_the_pages_say_which() {
    let p = page();
    let guangzhou = p.login("440100").await;
    let (name, valid) = sample("440100");
    p.upload(&guangzhou, &name, &valid).await;
    let submitted = p.ws().join("报送/2025Q4/440100_广州市_2025Q4.xlsx");
    // The blank template of the region: its own code, every required figure missing.
    let blank_bytes = {
        let request = Request::get("/region/template")
            .header(header::COOKIE, &guangzhou)
            .body(Body::empty())
            .unwrap();
        let response = p.app.clone().oneshot(request).await.unwrap();
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec()
    };
    let r = p.upload(&guangzhou, "空白.xlsx", &blank_bytes).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(sha256(&std::fs::read(&submitted).unwrap()), sha256(&valid));
    let region = p.get("/region", &guangzhou).await.body;
    assert!(region.contains("有错误（请修改后重新上传）"));
    assert!(
        region.contains("第1版（") && region.contains("评分仍用这一版"),
        "{region}"
    );
    let office = p.login("office").await;
    let progress = p.get("/office", &office).await.body;
    assert!(progress.contains("第1版（不是最近一次上传）"));
    // Corrected: the third version is scored and in the folder.
    let mut again = valid.clone();
    again.extend_from_slice(b" ");
    p.upload(&guangzhou, &name, &again).await;
    let region = p.get("/region", &guangzhou).await.body;
    assert!(region.contains("第3版（") && !region.contains("评分仍用这一版"));
    assert_eq!(sha256(&std::fs::read(&submitted).unwrap()), sha256(&again));
}

/// Every region uploads its sample, the office puts 省级评定 in 报送/ as it does for the command
/// line, presses 评分, downloads the ranking workbook, whose 总排名 is the command line's on the
/// same files; a region gets its own 反馈单 once published, not before.
/// Login attempts per address: the burst an office behind one proxy needs, then 429 with a
/// page saying how long to wait (tower_governor, keyed by the peer address).
#[tokio::test]
async fn logins_from_one_address_are_limited() {
    let p = page();
    let burst = kaoping::web::login::LOGIN_BURST;
    for i in 0..burst {
        let r = p
            .post_form("/login", "", &[("login", "无此账号"), ("password", "x")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "attempt {i}");
    }
    let r = p
        .post_form("/login", "", &[("login", "office"), ("password", "x")])
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body.contains("登录尝试过多") && r.body.contains("秒后再试"),
        "{}",
        r.body
    );
    // The page itself still shows.
    assert_eq!(p.get("/login", "").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_office_scores_from_the_page_as_the_command_line_does() {
    let p = page();
    let codes: Vec<String> = p
        .passwords
        .keys()
        .filter(|k| k.chars().all(|c| c.is_ascii_digit()))
        .cloned()
        .collect();
    let mut sessions = BTreeMap::new();
    for code in &codes {
        let cookie = p.login(code).await;
        let (name, bytes) = sample(code);
        let r = p.upload(&cookie, &name, &bytes).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{code}");
        sessions.insert(code.clone(), cookie);
    }
    std::fs::copy(
        samples().join("省级评定.csv"),
        p.ws().join("报送/2025Q4/省级评定.csv"),
    )
    .unwrap();
    let office = p.login("office").await;
    // Nothing to download before scoring; nothing for a region before publishing.
    assert_eq!(
        p.get("/office/download/ranking", &office).await.status,
        StatusCode::NOT_FOUND
    );
    let r = p.post_form("/office/score", &office, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("评分完成"));
    let scored_page = r.body;
    let r = p.get("/office/download/ranking", &office).await;
    assert_eq!(r.status, StatusCode::OK);
    let from_page = p.tmp.path().join("page.xlsx");
    let request = Request::get("/office/download/ranking")
        .header(header::COOKIE, &office)
        .body(Body::empty())
        .unwrap();
    let response = p.app.clone().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    std::fs::write(&from_page, &bytes).unwrap();

    let cli = tempfile::tempdir().unwrap();
    let o = crate::util::kaoping(
        cli.path(),
        &[
            "score",
            samples().to_str().unwrap(),
            "--history",
            "h",
            "--new-history",
            "--out",
            "cli.xlsx",
        ],
    );
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ours = crate::util::table(&from_page, "总排名", "排名");
    let theirs = crate::util::table(&cli.path().join("cli.xlsx"), "总排名", "排名");
    assert_eq!(ours.len(), 21);
    assert_eq!(ours, theirs);
    // The page's table after 评分: each region's rank, total, grade and measure as 总排名 has them.
    let header = {
        use calamine::Reader;
        let mut wb = calamine::open_workbook_auto(&from_page).unwrap();
        let range = wb.worksheet_range("总排名").unwrap();
        range
            .rows()
            .map(|r| r.iter().map(crate::util::text).collect::<Vec<_>>())
            .find(|r| r.first().map(String::as_str) == Some("排名"))
            .unwrap()
    };
    let column = |name: &str| header.iter().position(|h| h.starts_with(name)).unwrap();
    let (rank, region, total, grade, measure) = (
        column("排名"),
        column("地区"),
        column("总分"),
        column("等次"),
        column("督办措施"),
    );
    for row in &ours {
        let cells = format!(
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td>",
            row[rank],
            row[region],
            row[total]
                .parse::<f64>()
                .map_or(String::new(), |t| format!("{t:.2}")),
            row[grade],
            row[measure]
        );
        assert!(scored_page.contains(&cells), "{cells}");
    }
    assert!(ours.iter().any(|row| !row[measure].is_empty()));

    // explain for any region, as `kaoping explain` says it; not for a region's account.
    let r = p.get("/office/explain/440100", &office).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let guangzhou_total = ours
        .iter()
        .find(|row| row.iter().any(|c| c == "广州市"))
        .and_then(|row| row.iter().find(|c| c.contains('.')))
        .unwrap()
        .clone();
    assert!(
        r.body.contains(&guangzhou_total),
        "{guangzhou_total}: {}",
        r.body
    );
    assert_eq!(
        p.get("/office/explain/440100", &sessions["440100"])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // 催报名单: 潮州市's file has errors; every other region sent a clean one.
    let csv = p.get("/office/remind.csv", &office).await.body;
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with("445100,潮州市,有错误"), "{csv}");
    // The audit log: who uploaded and who scored.
    let log = p.get("/office/audit", &office).await.body;
    assert!(
        log.contains("<td>评分</td>") && log.contains("<td>上传</td>"),
        "{log}"
    );
    assert_eq!(
        p.get("/office/audit", &sessions["440100"]).await.status,
        StatusCode::FORBIDDEN
    );

    // The leader sees the ranking once published, not before; a region never.
    let leader = p.login("leader").await;
    let ranking = "/office/download/ranking";
    assert_eq!(p.get(ranking, &leader).await.status, StatusCode::FORBIDDEN);
    let before = p.get("/leader", &leader).await.body;
    assert!(
        before.contains("尚未发布") && !before.contains("广州市"),
        "{before}"
    );
    assert_eq!(
        p.get("/leader", &sessions["440100"]).await.status,
        StatusCode::FORBIDDEN
    );
    let guangzhou = &sessions["440100"];
    assert_eq!(
        p.get(ranking, guangzhou).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        p.get("/region/feedback", guangzhou).await.status,
        StatusCode::NOT_FOUND
    );
    let r = p.post_form("/office/publish", &office, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(p.get(ranking, &leader).await.status, StatusCode::OK);
    assert_eq!(
        p.get(ranking, guangzhou).await.status,
        StatusCode::FORBIDDEN
    );
    // Published: the ranking as 总排名 prints it, row by row.
    let page = p.get("/leader", &leader).await.body;
    assert!(page.contains(ranking));
    for row in &ours {
        let cells = format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            row[rank],
            row[rank + 1],
            row[region - 1],
            row[region],
            row[total]
                .parse::<f64>()
                .map_or(String::new(), |t| format!("{t:.2}")),
            row[grade],
        );
        assert!(page.contains(&cells), "{cells}\n{page}");
    }
    let page = p.get("/region", guangzhou).await.body;
    assert!(page.contains("/region/feedback"));
    let request = Request::get("/region/feedback")
        .header(header::COOKIE, guangzhou)
        .body(Body::empty())
        .unwrap();
    let response = p.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains(&format!("440100_{}_2025Q4_", encode("广州市"))),
        "{disposition}"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let form = p.tmp.path().join("form.xlsx");
    std::fs::write(&form, &bytes).unwrap();
    let cells = crate::util::all_cells(&form);
    assert!(cells.iter().any(|c| c.contains("广州市")));
    assert!(
        !cells.iter().any(|c| c.contains("潮州市")),
        "another region's name in 广州市's form"
    );
}

/// Accounts: one per region plus the office's and the leader's; a second run makes none.
#[test]
fn accounts_are_made_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (app, passwords) = open_app(tmp.path());
    assert_eq!(passwords.len(), app.setup.registry.regions.len() + 2);
    assert!(passwords.contains_key("office") && passwords.contains_key("leader"));
    drop(app);
    let (_, again) = open_app(tmp.path());
    assert!(again.is_empty());
}

/// A server killed between keeping a version and recording it, or in the middle of receiving
/// one, restarts with the folder and the database agreeing: the unrecorded version is set aside
/// and named, the partial upload removed, the recorded one untouched.
#[tokio::test]
async fn after_a_kill_the_start_up_check_sets_aside_what_was_not_recorded() {
    let p = page();
    let cookie = p.login("440100").await;
    let (name, bytes) = sample("440100");
    p.upload(&cookie, &name, &bytes).await;
    let versions = p.ws().join("收表/版本/2025Q4/440100");
    std::fs::write(versions.join("20261205000000-abc-def.xlsx"), &bytes).unwrap();
    let partial = p.ws().join("收表/上传中/0123456789abcdef");
    std::fs::create_dir_all(&partial).unwrap();
    std::fs::write(partial.join("upload.part"), &bytes[..100]).unwrap();
    let Page { tmp, app, .. } = p;
    drop(app);
    let (app, _) = open_app(tmp.path());
    let said = web::startup::check(&app).unwrap();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said.iter().any(|s| s.contains("未完成的上传")));
    assert!(said
        .iter()
        .any(|s| s.contains("未登记") && s.contains("abc-def")));
    assert_eq!(std::fs::read_dir(&versions).unwrap().count(), 1);
    assert!(!partial.exists());
    let aside = tmp.path().join("ws/收表/未登记");
    assert_eq!(std::fs::read_dir(aside).unwrap().count(), 1);
    // Run again: all agrees.
    assert!(web::startup::check(&app).unwrap().is_empty());
}

/// Regression (issue 27): `serve` on an address already in use printed its banner and then
/// "文件读写出错：系统错误（错误码98）". It says the address is taken and what to do, and exits 2.
#[test]
fn regression_serve_on_an_address_in_use_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let o = crate::util::kaoping(tmp.path(), &["init", "ws", "--office", "测试办公室"]);
    assert!(o.status.success());
    let ws = tmp.path().join("ws");
    assert!(crate::util::kaoping(&ws, &["accounts"]).status.success());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let o = crate::util::kaoping(&ws, &["serve", "--listen", &address, "--quarter", "2025Q4"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("已被占用") && err.contains("--listen"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&o.stdout).contains("收表页面："));
}
