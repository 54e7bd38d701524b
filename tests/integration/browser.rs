//! The 收表 page in a real browser: Debian's chromium driven through chromium-driver (WebDriver).
//! A region logs in, changes its password, downloads its template, uploads a file with errors,
//! sees the cells listed, uploads a corrected file; the office sees 收表进度 change, accepts,
//! scores, downloads the ranking workbook and finds its 总排名 equal to `score` on the same
//! files; the region downloads its published 反馈单. Screenshots of each page go to
//! `target/收表截图/`.
//!
//! Ignored by default (a fresh machine has no browser); `.ci/run` installs chromium and
//! chromium-driver and runs it with `--ignored`.

use fantoccini::{Client, ClientBuilder, Locator};
use kaoping::pipeline::Setup;
use kaoping::quarter::Quarter;
use kaoping::web::{self, accounts, App};
use kaoping::workspace::{Init, Level, Workspace};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const Q4: &str = "2025Q4";

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(Q4)
}

fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/收表截图");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// chromedriver on a free port; killed when dropped.
struct Driver(std::process::Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver (Debian chromium-driver) not found");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver(child, port)
}

async fn browser(port: u16, downloads: &Path) -> Client {
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1100",
                     "--lang=zh-CN"],
            "prefs": {
                "download.default_directory": downloads.to_str().unwrap(),
                "download.prompt_for_download": false
            }
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a chromium session")
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

async fn fill(c: &Client, field: &str, value: &str) {
    let input = c.find(Locator::Id(field)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn submit(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn login(c: &Client, base: &str, login: &str, password: &str, new: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "login", login).await;
    fill(c, "password", password).await;
    submit(c, "button.primary").await;
    c.wait().for_element(Locator::Id("again")).await.unwrap();
    fill(c, "old", password).await;
    fill(c, "new", new).await;
    fill(c, "again", new).await;
    submit(c, "button.primary").await;
}

async fn logout(c: &Client) {
    submit(c, "header form button").await;
    c.wait().for_element(Locator::Id("login")).await.unwrap();
}

/// Uploads `path` with the form posting to `action` and waits for the page after it, which
/// says `expect`; its text.
async fn upload(c: &Client, path: &Path, action: &str, expect: &str) -> String {
    let form = format!("form[action='{action}']");
    let input = c
        .find(Locator::Css(&format!("{form} input[type=file]")))
        .await
        .unwrap();
    input.send_keys(path.to_str().unwrap()).await.unwrap();
    submit(c, &format!("{form} button")).await;
    // The page before has tables too: wait for what only the page after says.
    for _ in 0..100 {
        let text = source_text(&c.source().await.unwrap());
        if text.contains(expect) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never said {expect}");
}

/// The one file in `dir` ending with `suffix`, waited for (a download finishing).
fn downloaded(dir: &Path, suffix: &str) -> PathBuf {
    for _ in 0..100 {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(suffix));
        if let Some(p) = found {
            return p;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no *{suffix} downloaded into {}", dir.display());
}

fn source_text(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for ch in html.chars() {
        match ch {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
#[ignore = "needs chromium and chromium-driver; .ci/run installs them and runs this with --ignored"]
fn a_region_and_the_office_through_a_real_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let init = Init {
        office: "广东省打击侵权假冒工作领导小组办公室",
        level: Level::Province,
        contact: "",
        phone: "",
        scheme: None,
        regions: None,
        holidays: None,
    };
    let ws = Workspace::init(&tmp.path().join("ws"), &init).unwrap();
    let root = ws.root.clone();
    let setup = Setup::load(Some(&ws.scheme()), Some(&ws.regions())).unwrap();
    let quarter: Quarter = Q4.parse().unwrap();
    // A corrected 潮州市 file: the same template filled without the samples' deliberate errors.
    let clean = tmp.path().join("clean");
    let plan = kaoping::samples::Plan {
        quarters: vec![quarter],
        seed: 7,
        max_ledger_rows: 50,
        scripted: false,
        writer: kaoping::samples::Writer::Template,
    };
    kaoping::samples::write(
        &clean,
        &setup.scheme,
        &setup.registry,
        &setup.calendar,
        &plan,
    )
    .unwrap();
    let corrected = std::fs::read_dir(clean.join(Q4))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("445100_")
        })
        .unwrap();
    let app = App::open(ws, setup, quarter).unwrap();
    let regions: Vec<(String, String)> = app
        .setup
        .registry
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let made = accounts::create(&app.db, &regions, "办公室").unwrap();
    let password = |login: &str| {
        made.iter()
            .find(|m| m.login == login)
            .unwrap()
            .password
            .clone()
    };
    // The other regions' files as if sent by e-mail and put in 报送/ by hand; 省级评定 the
    // office uploads on the page below.
    let submissions = root.join("报送").join(Q4);
    std::fs::create_dir_all(&submissions).unwrap();
    for e in std::fs::read_dir(samples()).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with("445100") && !name.contains("初稿") && !name.starts_with("省级评定")
        {
            std::fs::copy(e.path(), submissions.join(&name)).unwrap();
        }
    }
    let downloads = tmp.path().join("下载");
    std::fs::create_dir_all(&downloads).unwrap();
    let d = driver();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = web::router(Arc::new(app));
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        let c = browser(d.1, &downloads).await;

        // The region: first login, password, template.
        c.goto(&format!("{base}/login")).await.unwrap();
        shot(&c, "01-登录").await;
        login(
            &c,
            &base,
            "445100",
            &password("445100"),
            "潮州市的新密码2026",
        )
        .await;
        c.wait()
            .for_element(Locator::Css("a[href='/region/template']"))
            .await
            .unwrap();
        shot(&c, "02-地区-未报送").await;
        submit(&c, "a[href='/region/template']").await;
        let template = downloaded(&downloads, "445100_潮州市_2025Q4.xlsx");
        assert!(std::fs::metadata(&template).unwrap().len() > 10_000);

        // A file with errors: each listed with its sheet and cell.
        let with_errors = samples().join("445100_潮州市_2025Q4.xlsx");
        let text = upload(
            &c,
            &with_errors,
            "/region/upload",
            "有错误（请修改后重新上传）",
        )
        .await;
        for said in ["D6", "约30", "D19", "-3"] {
            assert!(text.contains(said), "no {said} in the page");
        }
        shot(&c, "03-地区-有错误").await;

        // The office sees it among the errors.
        logout(&c).await;
        login(
            &c,
            &base,
            "office",
            &password("office"),
            "办公室的新密码2026",
        )
        .await;
        c.wait()
            .for_element(Locator::Css("a[href='/office/audit']"))
            .await
            .unwrap();
        let text = source_text(&c.source().await.unwrap());
        assert!(text.contains("有错误（请修改后重新上传）"));
        // The files put in 报送/ by hand count as received, not 未报送.
        assert_eq!(
            text.matches("报送文件夹中已有文件（非网页上传）").count(),
            20,
            "{text}"
        );
        shot(&c, "04-办公室-收表进度-有错误").await;
        // 省级评定, checked at once and put where 评分 reads it.
        assert!(text.contains("尚未放入"));
        let findings = samples().join("省级评定.csv");
        upload(&c, &findings, "/office/findings", "更换省级评定").await;
        assert_eq!(
            std::fs::read(root.join("报送").join(Q4).join("省级评定.csv")).unwrap(),
            std::fs::read(&findings).unwrap()
        );
        logout(&c).await;

        // The corrected file.
        c.goto(&format!("{base}/login")).await.unwrap();
        fill(&c, "login", "445100").await;
        fill(&c, "password", "潮州市的新密码2026").await;
        submit(&c, "button.primary").await;
        c.wait()
            .for_element(Locator::Css("input[type=file]"))
            .await
            .unwrap();
        let text = upload(&c, &corrected, "/region/upload", "校验通过，未发现问题").await;
        // Both versions listed, the corrected one on top.
        assert_eq!(
            text.matches("445100_潮州市_2025Q4.xlsx").count(),
            3,
            "{text}"
        );
        shot(&c, "05-地区-校验通过").await;
        logout(&c).await;

        // The office: accepts, scores, downloads the ranking, publishes.
        fill(&c, "login", "office").await;
        fill(&c, "password", "办公室的新密码2026").await;
        submit(&c, "button.primary").await;
        c.wait()
            .for_element(Locator::Css("form[action='/office/accept/445100'] button"))
            .await
            .unwrap();
        submit(&c, "form[action='/office/accept/445100'] button").await;
        c.wait()
            .for_element(Locator::Css("form[action='/office/reopen/445100']"))
            .await
            .unwrap();
        let text = source_text(&c.source().await.unwrap());
        assert!(text.contains("已通过"));
        shot(&c, "06-办公室-已通过").await;
        submit(&c, "form[action='/office/score'] button").await;
        c.wait()
            .for_element(Locator::Css("a[href='/office/download/ranking']"))
            .await
            .unwrap();
        shot(&c, "07-办公室-评分完成").await;
        submit(&c, "a[href='/office/download/ranking']").await;
        let ranking = downloaded(&downloads, "考评排名_2025Q4.xlsx");
        submit(&c, "form[action='/office/publish'] button").await;
        c.wait()
            .for_element(Locator::Css("a[href='/office/audit']"))
            .await
            .unwrap();
        logout(&c).await;

        // The region's 反馈单, published.
        fill(&c, "login", "445100").await;
        fill(&c, "password", "潮州市的新密码2026").await;
        submit(&c, "button.primary").await;
        c.wait()
            .for_element(Locator::Css("a[href='/region/feedback']"))
            .await
            .unwrap();
        shot(&c, "08-地区-反馈单").await;
        submit(&c, "a[href='/region/feedback']").await;
        let form = downloaded(&downloads, "445100_潮州市_2025Q4_反馈单.xlsx");
        let cells = crate::util::all_cells(&form);
        assert!(cells.iter().any(|c| c.contains("潮州市")));
        logout(&c).await;

        // The leader: the published ranking on the page.
        login(
            &c,
            &base,
            "leader",
            &password("leader"),
            "领导的新密码2026ab",
        )
        .await;
        c.wait()
            .for_element(Locator::Css("a[href='/office/download/ranking']"))
            .await
            .unwrap();
        let text = source_text(&c.source().await.unwrap());
        assert!(
            text.contains("汕头市") && text.contains("一票否决"),
            "{text}"
        );
        shot(&c, "09-领导-考评排名").await;
        c.close().await.unwrap();

        // The ranking from the page is `score`'s on the same files.
        let cli = tempfile::tempdir().unwrap();
        let o = crate::util::kaoping(
            cli.path(),
            &[
                "score",
                submissions.to_str().unwrap(),
                "--history",
                "h",
                "--new-history",
                "--out",
                "cli.xlsx",
            ],
        );
        assert!(o.status.code().is_some_and(|c| c <= 1));
        let ours = crate::util::table(&ranking, "总排名", "排名");
        let theirs = crate::util::table(&cli.path().join("cli.xlsx"), "总排名", "排名");
        assert_eq!(ours.len(), 21);
        assert_eq!(ours, theirs);
    });
}
