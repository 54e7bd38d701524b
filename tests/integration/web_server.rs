//! The 收表 page as a separate `kaoping serve` process on a loopback port, driven over raw
//! HTTP/1.1 (and HTTPS): 200 regions uploading at once with the server's own peak memory; the
//! server killed with SIGKILL in the middle of uploads and restarted; the hostile corpus uploaded
//! file by file; HTTPS with the session cookie marked Secure.

use kaoping::pipeline::Setup;
use kaoping::quarter::Quarter;
use kaoping::web::{accounts, App};
use kaoping::workspace::{Init, Level, Workspace};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// A `kaoping serve` process; killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
    said: Arc<Mutex<String>>,
}

/// The `host:port` of the banner's `http://…/` or `https://…/`.
fn address_in(line: &str) -> Option<SocketAddr> {
    let (_, rest) = line.split_once("://")?;
    rest.split('/').next()?.parse().ok()
}

impl Server {
    /// Starts `kaoping serve` on a free loopback port in the workspace `ws`, collecting 2025Q4,
    /// and waits for its banner.
    fn start(ws: &Path, extra: &[&str]) -> Server {
        let listen: &[&str] = if extra.contains(&"--listen") {
            &[]
        } else {
            &["--listen", "127.0.0.1:0"]
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_kaoping"))
            .current_dir(ws)
            .args(["serve", "--quarter", "2025Q4"])
            .args(listen)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let said = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let out = said.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // Recorded before the banner is announced: said() then has it.
                out.lock().unwrap().push_str(&format!("{line}\n"));
                if line.contains("收表页面：") {
                    let _ = tx.send(address_in(&line));
                }
            }
        });
        let mut stderr = child.stderr.take().unwrap();
        let err = said.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            err.lock().unwrap().push_str(&text);
        });
        let address = rx.recv_timeout(Duration::from_secs(120)).ok().flatten();
        let mut server = Server {
            child,
            address: "127.0.0.1:1".parse().unwrap(),
            said,
        };
        match address {
            Some(a) => server.address = a,
            None => {
                server.kill();
                std::thread::sleep(Duration::from_millis(200));
                panic!("服务未启动：{}", server.said());
            }
        }
        server
    }

    /// What the server printed so far (stdout and stderr).
    fn said(&self) -> String {
        self.said.lock().unwrap().clone()
    }

    /// The server process's peak resident memory (VmHWM), as /proc prints it.
    fn peak_memory(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| "（无法读取）".to_string())
    }

    /// SIGKILL, and wait for it to be gone.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A workspace in `dir/ws` with the shipped scheme, the given registry (or the shipped one), and
/// its accounts made with their first-login passwords already changed (first logins are not
/// what these tests measure); the accounts by login.
fn workspace(dir: &Path, regions: Option<&Path>) -> (PathBuf, BTreeMap<String, accounts::Created>) {
    let init = Init {
        office: "广东省打击侵权假冒工作领导小组办公室",
        level: Level::Province,
        contact: "",
        phone: "",
        scheme: None,
        regions,
        holidays: None,
    };
    let ws = Workspace::init(&dir.join("ws"), &init).unwrap();
    let root = ws.root.clone();
    let setup = Setup::load(Some(&ws.scheme()), Some(&ws.regions())).unwrap();
    let app = App::open(ws, setup, Quarter::new(2025, 4).unwrap()).unwrap();
    let codes: Vec<(String, String)> = app
        .setup
        .registry
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let made = accounts::create(&app.db, &codes, "办公室").unwrap();
    app.db
        .with(|c| c.execute("UPDATE account SET must_change = 0", []))
        .unwrap();
    (
        root,
        made.into_iter().map(|m| (m.login.clone(), m)).collect(),
    )
}

/// A registry of `n` made-up regions under 广东省.
fn many_regions(dir: &Path, n: usize) -> PathBuf {
    let mut csv = String::from("区划代码,名称,上级代码,常住人口(万人),市场主体数(户)\n");
    for i in 0..n {
        csv.push_str(&format!("{},地区{i},440000,100,10000\n", 450000 + i * 100));
    }
    let path = dir.join("regions.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

/// A valid 2025Q4 file of the region `code` of the workspace `root` (the corpus's base figures,
/// as the template writes them), `filled_by` its 填报人.
fn valid_file(root: &Path, code: &str, filled_by: &str) -> Vec<u8> {
    use crate::corpus::bases;
    let ws = Workspace::open(root).unwrap();
    let setup = Setup::load(Some(&ws.scheme()), Some(&ws.regions())).unwrap();
    let filled = kaoping::template::Filled {
        filled_by: filled_by.to_string(),
        phone: "020-87654321".to_string(),
        filed_on: Some(bases::filed_on()),
        fields: bases::FIGURES
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        field_text: BTreeMap::new(),
        ledgers: bases::ledgers(code),
    };
    kaoping::template::build(
        &setup.scheme,
        setup.registry.get(code),
        Some(Quarter::new(2025, 4).unwrap()),
        Some(&filled),
    )
    .unwrap()
    .save_to_buffer()
    .unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
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

/// One request on its own connection; the whole response as text (what was read before the
/// connection ended, whatever way it ended).
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    head: &str,
    body: &[u8],
) -> String {
    if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(body).await.is_err() {
        return String::new();
    }
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

async fn request(address: SocketAddr, head: &str, body: &[u8]) -> String {
    match tokio::net::TcpStream::connect(address).await {
        Ok(stream) => exchange(stream, head, body).await,
        Err(_) => String::new(),
    }
}

fn login_request(address: SocketAddr, login: &str, password: &str) -> (String, String) {
    let body = format!("login={}&password={}", encode(login), encode(password));
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    (head, body)
}

/// The session cookie (`kaoping=…`) a response sets, if any.
fn cookie_of(reply: &str) -> Option<String> {
    reply
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

async fn login(address: SocketAddr, account: &accounts::Created) -> String {
    let (head, body) = login_request(address, &account.login, &account.password);
    let reply = request(address, &head, body.as_bytes()).await;
    cookie_of(&reply).unwrap_or_else(|| panic!("no cookie for {}: {reply}", account.login))
}

async fn get(address: SocketAddr, path: &str, cookie: &str) -> String {
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    );
    request(address, &head, &[]).await
}

/// The status of an upload of `bytes` named `file_name` (0 when the connection broke).
async fn upload(address: SocketAddr, cookie: &str, file_name: &str, bytes: &[u8]) -> u16 {
    let (head, body) = upload_request(address, cookie, file_name, bytes);
    status(&request(address, &head, &body).await)
}

fn upload_request(
    address: SocketAddr,
    cookie: &str,
    file_name: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "kaopingserverboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let head = format!(
        "POST /region/upload HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    (head, body)
}

fn status(reply: &str) -> u16 {
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// Every upload row: (region, stored, sha256, errors, warnings, other region).
fn upload_rows(root: &Path) -> Vec<(String, String, String, i64, i64, bool)> {
    let db = rusqlite::Connection::open(root.join("收表/收表.sqlite")).unwrap();
    let mut st = db
        .prepare(
            "SELECT region, stored, sha256, errors, warnings, other_region FROM upload ORDER BY id",
        )
        .unwrap();
    st.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// 收表进度's five counts (expected, received, on time, with errors, accepted) on the office's
/// page.
fn progress(page: &str) -> Vec<String> {
    let row = page
        .split("<th>通过率</th>")
        .nth(1)
        .and_then(|s| s.split("</tr>").nth(1))
        .unwrap_or_default();
    row.split("<td class=\"num\">")
        .skip(1)
        .take(5)
        .map(|c| c.split('<').next().unwrap_or_default().to_string())
        .collect()
}

/// 200 regions upload at once over loopback to a `kaoping serve` process, each its own file
/// with its own bytes: every version stored intact (the hash recorded is the hash of the bytes
/// sent, and the stored file hashes the same), 收表进度 counts 200 received; the server's peak
/// memory printed. Bounded: 200 uploads of 45 KB.
#[test]
fn two_hundred_concurrent_uploads_are_all_kept_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let regions = many_regions(tmp.path(), 200);
    let (root, made) = workspace(tmp.path(), Some(&regions));
    let files: BTreeMap<String, Vec<u8>> = made
        .values()
        .filter(|m| m.role == "地区")
        .map(|m| (m.login.clone(), valid_file(&root, &m.login, "李四")))
        .collect();
    let server = Server::start(&root, &[]);
    let address = server.address;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let office = made["office"].clone();
    let folder = root.clone();
    let page = runtime.block_on(async move {
        let mut tasks = Vec::new();
        for m in made.into_values().filter(|m| m.role == "地区") {
            let bytes = files[&m.login].clone();
            tasks.push(tokio::spawn(async move {
                let cookie = login(address, &m).await;
                let status = upload(address, &cookie, "报送.xlsx", &bytes).await;
                (m.login, sha256(&bytes), status)
            }));
        }
        let mut sent = BTreeMap::new();
        for t in tasks {
            let (login, hash, status) = t.await.unwrap();
            assert_eq!(status, 303, "{login}");
            sent.insert(login, hash);
        }
        assert_eq!(sent.len(), 200);
        let rows = upload_rows(&root);
        assert_eq!(rows.len(), 200);
        for (region, stored, hash, ..) in rows {
            assert_eq!(sent[&region], hash, "{region}");
            assert_eq!(sha256(&std::fs::read(root.join(&stored)).unwrap()), hash);
        }
        let cookie = login(address, &office).await;
        get(address, "/office", &cookie).await
    });
    // 200 expected, 200 received, 0 on time (the 2025Q4 deadline has passed), none with
    // errors; and each region's file where the command line reads it.
    assert_eq!(progress(&page)[..4], ["200", "200", "0", "0"], "{page}");
    assert_eq!(files_under(&folder.join("报送/2025Q4")).len(), 200);
    eprintln!("200个并发上传：服务进程峰值内存 {}", server.peak_memory());
}

/// The server killed with SIGKILL while 60 regions upload (some still sending) and restarted:
/// every upload recorded has its file, whole (its hash as recorded); every upload the server
/// answered 303 is recorded; nothing is left half-written in 上传中/ or unrecorded in 版本/; and
/// each region's file in 报送/ is whole and the version 评分 uses.
#[test]
fn a_server_killed_during_uploads_restarts_with_folder_and_database_agreeing() {
    let tmp = tempfile::tempdir().unwrap();
    let regions = many_regions(tmp.path(), 60);
    let (root, made) = workspace(tmp.path(), Some(&regions));
    let regions: Vec<accounts::Created> = made.into_values().filter(|m| m.role == "地区").collect();
    let files: BTreeMap<String, (Vec<u8>, Vec<u8>)> = regions
        .iter()
        .map(|m| {
            let first = valid_file(&root, &m.login, "李四");
            let second = valid_file(&root, &m.login, "王五");
            (m.login.clone(), (first, second))
        })
        .collect();
    let mut server = Server::start(&root, &[]);
    let address = server.address;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let answered: Vec<(String, String, u16)> = runtime.block_on(async {
        let mut cookies = Vec::new();
        for m in &regions {
            cookies.push((m.login.clone(), login(address, m).await));
        }
        let mut tasks = Vec::new();
        for (i, (code, cookie)) in cookies.into_iter().enumerate() {
            let (bytes, second) = files[&code].clone();
            tasks.push(tokio::spawn(async move {
                if i % 6 == 0 {
                    // Sends half, then stalls: in 上传中/ when the server dies.
                    let (head, body) = upload_request(address, &cookie, "报送.xlsx", &bytes);
                    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
                    stream.write_all(head.as_bytes()).await.unwrap();
                    stream.write_all(&body[..body.len() / 2]).await.unwrap();
                    let mut out = Vec::new();
                    let _ = stream.read_to_end(&mut out).await;
                    return (code, sha256(&bytes), status(&String::from_utf8_lossy(&out)));
                }
                // Two uploads each, one after the other: the later one must be the current.
                let first = upload(address, &cookie, "报送.xlsx", &bytes).await;
                let status = upload(address, &cookie, "报送.xlsx", &second).await;
                let hash = if status == 303 {
                    sha256(&second)
                } else {
                    sha256(&bytes)
                };
                (code, hash, if status == 303 { status } else { first })
            }));
        }
        // Kill once some uploads are recorded and others are still coming (waiting up to 30 s
        // on a slow machine).
        let db = root.join("收表/收表.sqlite");
        for _ in 0..3000 {
            let n: i64 = rusqlite::Connection::open(&db)
                .and_then(|c| c.query_row("SELECT COUNT(*) FROM upload", [], |r| r.get(0)))
                .unwrap_or(0);
            if n >= 15 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        server.kill();
        let mut answered = Vec::new();
        for t in tasks {
            answered.push(t.await.unwrap());
        }
        answered
    });
    let recorded_before = upload_rows(&root).len();
    assert!((15..100).contains(&recorded_before), "{recorded_before}");
    assert!(
        answered.iter().any(|(_, _, s)| *s == 0),
        "some uploads must have been cut off"
    );
    // Restart: the start-up check runs before the banner.
    let server = Server::start(&root, &[]);
    let said = server.said();
    drop(server);
    let rows = upload_rows(&root);
    assert_eq!(rows.len(), recorded_before, "a restart records nothing new");
    for (region, stored, hash, ..) in &rows {
        let bytes = std::fs::read(root.join(stored)).unwrap_or_default();
        assert_eq!(&sha256(&bytes), hash, "{region} {stored}");
    }
    let hashes: BTreeSet<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    for (code, hash, status) in &answered {
        if *status == 303 {
            assert!(
                hashes.contains(hash.as_str()),
                "{code}: told 303 but not recorded"
            );
        }
    }
    assert!(files_under(&root.join("收表/上传中")).is_empty(), "{said}");
    let recorded: BTreeSet<PathBuf> = rows.iter().map(|r| root.join(&r.1)).collect();
    for file in files_under(&root.join("收表/版本")) {
        assert!(
            recorded.contains(&file),
            "{} not recorded\n{said}",
            file.display()
        );
    }
    // 报送/: one whole file per region that uploaded, the newest recorded version.
    let mut newest: BTreeMap<&str, &str> = BTreeMap::new();
    for (region, _, hash, ..) in &rows {
        newest.insert(region, hash);
    }
    let submitted = files_under(&root.join("报送/2025Q4"));
    assert_eq!(submitted.len(), newest.len(), "{said}");
    for file in submitted {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let code = name.split('_').next().unwrap();
        assert_eq!(
            sha256(&std::fs::read(&file).unwrap()),
            newest[code],
            "{name}\n{said}"
        );
    }
    eprintln!(
        "SIGKILL：终止时已登记 {recorded_before} 个上传；重启检查：\n{}",
        said.lines()
            .filter(|l| l.starts_with("启动检查"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The extension the page stores an upload under (as `web::region` decides it).
fn stored_extension(name: &str) -> &'static str {
    let lower = name.to_lowercase();
    ["xlsx", "xlsm", "xls", "ods"]
        .into_iter()
        .find(|e| lower.ends_with(&format!(".{e}")))
        .unwrap_or("xlsx")
}

/// Every file of the hostile corpus (tests/corpus/files) uploaded by 广州市, one after another,
/// to a running server: each is answered (303, or 413 for what is over the limit), the server
/// keeps running, and the problems recorded are the ones ingest finds in the same bytes under
/// the same name, plus one when the file names another region.
#[test]
fn the_hostile_corpus_uploaded_file_by_file_never_stops_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, made) = workspace(tmp.path(), None);
    let mut server = Server::start(&root, &[]);
    let address = server.address;
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/files");
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let ws = Workspace::open(&root).unwrap();
    let setup = Setup::load(Some(&ws.scheme()), Some(&ws.regions())).unwrap();
    let quarter = Quarter::new(2025, 4).unwrap();
    let ctx = setup.context(quarter);
    let hash = kaoping::template::template_hash(&setup.scheme);
    let guangzhou = setup.registry.get("440100").unwrap().clone();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let cookie = runtime.block_on(login(address, &made["440100"]));
    let mut kept = 0;
    for name in &names {
        let bytes = std::fs::read(corpus.join(name)).unwrap();
        let answer = runtime.block_on(upload(address, &cookie, name, &bytes));
        assert!(
            server.running(),
            "{name} stopped the server:\n{}",
            server.said()
        );
        // 400: an empty file, refused with a message, nothing kept.
        assert!(matches!(answer, 303 | 400 | 413), "{name}: {answer}");
        if answer != 303 {
            continue;
        }
        kept += 1;
        // The same bytes under the name the page gives them, read by ingest directly.
        let dir = tmp.path().join("direct");
        std::fs::create_dir_all(&dir).unwrap();
        let file_name = kaoping::web::submitted::with_extension(
            &kaoping::template::file_name(&guangzhou, quarter),
            stored_extension(name),
        );
        std::fs::write(dir.join(&file_name), &bytes).unwrap();
        let direct = kaoping::ingest::read_file_guarded(&dir.join(&file_name), &ctx, &hash);
        std::fs::remove_dir_all(&dir).unwrap();
        let errors = direct
            .problems
            .iter()
            .filter(|p| p.severity == kaoping::problem::Severity::Error)
            .count() as i64;
        let warnings = direct.problems.len() as i64 - errors;
        let other = !direct.region_code.is_empty() && direct.region_code != "440100";
        let rows = upload_rows(&root);
        let (_, _, _, e, w, o) = rows.last().unwrap();
        assert_eq!(
            (*e, *w, *o),
            (errors + i64::from(other), warnings, other),
            "{name}"
        );
        // The region's page lists them: the first problem's words are on it.
        let page = runtime.block_on(get(address, "/region", &cookie));
        assert_eq!(status(&page), 200, "{name}: {page}");
        if let Some(first) = direct.problems.first() {
            let words = first
                .message
                .split(['&', '<', '>', '"', '\'', '/'])
                .max_by_key(|w| w.len())
                .unwrap_or_default();
            assert!(page.contains(words), "{name}: no {words}");
        }
    }
    assert!(kept >= 45, "{kept} of {} kept", names.len());
    assert!(server.running());
}

/// A TLS connection to the server trusting only the test CA (tests/data/tls).
async fn tls_stream(address: SocketAddr) -> tokio_rustls::client::TlsStream<tokio::net::TcpStream> {
    use tokio_rustls::rustls::{self, pki_types::pem::PemObject, pki_types::CertificateDer};
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls/ca.pem");
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    connector
        .connect(
            rustls::pki_types::ServerName::try_from("localhost").unwrap(),
            tcp,
        )
        .await
        .unwrap()
}

/// `serve --tls-cert --tls-key`: the banner gives an https:// address, a browser trusting the
/// office's CA logs in over TLS and gets its session cookie marked Secure (as well as HttpOnly
/// and SameSite=Strict); plain HTTP to the same port gets no page.
#[test]
fn over_https_the_session_cookie_is_marked_secure() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, made) = workspace(tmp.path(), None);
    let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls");
    let cert = tls.join("cert.pem");
    let key = tls.join("key.pem");
    let server = Server::start(
        &root,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        server.said().contains("收表页面：https://127.0.0.1:"),
        "{}",
        server.said()
    );
    let address = server.address;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let office = &made["office"];
    let (reply, plain) = runtime.block_on(async {
        let (head, body) = login_request(address, &office.login, &office.password);
        let head = head.replace("Origin: http://", "Origin: https://");
        let reply = exchange(tls_stream(address).await, &head, body.as_bytes()).await;
        let plain = request(address, &head, body.as_bytes()).await;
        (reply, plain)
    });
    assert_eq!(status(&reply), 303, "{reply}");
    let set_cookie = reply
        .lines()
        .find(|l| l.starts_with("set-cookie: kaoping="))
        .unwrap_or_else(|| panic!("{reply}"));
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!plain.contains("set-cookie"), "{plain}");
}

/// Without TLS, listening beyond this machine warns that passwords travel unencrypted and says
/// how to serve over HTTPS; with TLS it does not; a certificate that cannot be read is named
/// and nothing is served.
#[test]
fn plain_http_on_the_intranet_warns_and_a_bad_certificate_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, _) = workspace(tmp.path(), None);
    let server = Server::start(&root, &["--listen", "0.0.0.0:0"]);
    let said = server.said();
    assert!(
        said.contains("明文 HTTP") && said.contains("--tls-cert"),
        "{said}"
    );
    drop(server);
    let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls");
    let cert = tls.join("cert.pem");
    let key = tls.join("key.pem");
    let server = Server::start(
        &root,
        &[
            "--listen",
            "0.0.0.0:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(!server.said().contains("明文 HTTP"), "{}", server.said());
    drop(server);
    // The key given as the certificate: named, exit 2, no banner.
    let o = crate::util::kaoping(
        &root,
        &[
            "serve",
            "--quarter",
            "2025Q4",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            key.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("key.pem") && err.contains("PEM"), "{err}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("收表页面："));
    // --tls-cert without --tls-key: clap refuses before anything starts.
    let o = crate::util::kaoping(&root, &["serve", "--tls-cert", cert.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

/// Sessions are kept in the page's database: a server killed and restarted keeps its users
/// signed in; signing out ends the session for good.
#[test]
fn a_session_survives_a_restart_and_not_a_logout() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, made) = workspace(tmp.path(), None);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut server = Server::start(&root, &[]);
    let cookie = runtime.block_on(login(server.address, &made["office"]));
    assert_eq!(
        status(&runtime.block_on(get(server.address, "/office", &cookie))),
        200
    );
    server.kill();
    let server = Server::start(&root, &[]);
    let address = server.address;
    let page = runtime.block_on(get(address, "/office", &cookie));
    assert_eq!(status(&page), 200, "{page}");
    assert!(page.contains("收表进度"));
    let head = format!(
        "POST /logout HTTP/1.1\r\nHost: {address}\r\nOrigin: http://{address}\r\nCookie: {cookie}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(status(&runtime.block_on(request(address, &head, &[]))), 303);
    let page = runtime.block_on(get(address, "/office", &cookie));
    assert_eq!(status(&page), 303);
    assert!(page.contains("location: /login"), "{page}");
}

/// Regression (issue 27): Ctrl-C on `serve --demo` left its temporary folder (accounts and
/// passwords included) behind although the terminal said it would be removed: the interrupt
/// handler ends the process before `serve` returns. The folder is now removed by the handler.
#[cfg(unix)]
#[test]
fn regression_ctrl_c_on_the_demo_removes_its_folder() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut folder = None;
    for line in lines.by_ref().map_while(Result::ok) {
        if let Some(rest) = line.strip_prefix("演示工作文件夹：") {
            folder = rest.split('（').next().map(PathBuf::from);
        }
        if line.contains("收表页面：") {
            break;
        }
    }
    let folder = folder.expect("the demo names its folder");
    assert!(folder.is_dir());
    // Ctrl-C: SIGINT, as the terminal sends it.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with a plain pid and signal number touches no memory of ours.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = child.wait().unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!status.success());
    assert!(
        !folder.exists() && !folder.parent().unwrap().exists(),
        "{} left",
        folder.display()
    );
    assert!(
        format!("{rest:?}{err}").contains("收表演示已停止，临时文件夹已删除"),
        "{rest:?} {err}"
    );
}

/// One page per workspace: a second `serve` on a workspace whose page runs is refused (its
/// start-up check would take the first one's uploads in progress for leftovers and delete
/// them), naming the page that runs; the first keeps serving.
#[test]
fn a_second_page_on_the_same_workspace_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, made) = workspace(tmp.path(), None);
    let mut first = Server::start(&root, &[]);
    let o = crate::util::kaoping(
        &root,
        &["serve", "--quarter", "2025Q4", "--listen", "127.0.0.1:0"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("已经在运行") && err.contains(&first.address.to_string()),
        "{err}"
    );
    assert!(first.running());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(login(first.address, &made["office"]));
    // Once the first has stopped, however it stopped, the workspace can be served again.
    first.kill();
    let again = Server::start(&root, &[]);
    assert!(again.said().contains("收表页面："));
}
