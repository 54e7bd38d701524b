//! `kaoping accounts` and `kaoping serve`: the 收表 page over a workspace.

use super::{load, workspace, Exit};
use crate::cli::SetupArgs;
use crate::pipeline::Error;
use crate::quarter::Quarter;
use crate::web::{accounts, App, Tls, WebError};
use crate::workspace::Workspace;
use std::path::Path;

fn web(e: WebError) -> Error {
    Error::Usage(e.to_string())
}

/// The workspace named, or the one the command runs in.
fn the_workspace(dir: Option<&Path>, found: Option<&Workspace>) -> Result<Workspace, Error> {
    match (dir, found) {
        (Some(d), _) => Workspace::open(d).map_err(|e| {
            Error::Usage(format!(
                "{} 不是工作文件夹（{e}）；新建请用 kaoping init",
                d.display()
            ))
        }),
        (None, Some(ws)) => Ok(ws.clone()),
        (None, None) => Err(Error::Usage(
            "请在工作文件夹中运行，或给出工作文件夹，如 kaoping serve 株洲".to_string(),
        )),
    }
}

fn open(ws: Workspace, quarter: Quarter) -> Result<App, Error> {
    let args = workspace::setup(&SetupArgs::default(), Some(&ws));
    let setup = load(&args)?;
    App::open(ws, setup, quarter).map_err(web)
}

/// The quarter whose files are collected now: the one before today's.
fn current_quarter() -> Result<Quarter, Error> {
    let today = chrono::Local::now().date_naive();
    Quarter::containing(today)
        .map(Quarter::prev)
        .ok_or_else(|| Error::Usage("无法由今天的日期确定季度，请用 --quarter 指定".to_string()))
}

/// Every region of the registry as (区划代码, 名称), for [`accounts::create`].
fn region_list(app: &App) -> Vec<(String, String)> {
    app.setup
        .registry
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect()
}

/// The 账号分发 workbook of the accounts just made.
fn write_sheet(out: &Path, office: &str, made: &[accounts::Created]) -> Result<(), Error> {
    let rows: Vec<crate::report::accounts::Row> = made
        .iter()
        .map(|m| {
            (
                m.name.as_str(),
                m.login.as_str(),
                m.role,
                m.password.as_str(),
            )
        })
        .collect();
    Ok(crate::report::accounts::write(out, office, &rows)?)
}

/// The page's address as a browser takes it.
fn address(bound: std::net::SocketAddr, tls: Option<&Tls>) -> String {
    let scheme = if tls.is_some() { "https" } else { "http" };
    format!("{scheme}://{bound}/")
}

/// `kaoping accounts [DIR]`.
pub(super) fn accounts(dir: Option<&Path>, found: Option<&Workspace>) -> Result<Exit, Error> {
    let ws = the_workspace(dir, found)?;
    let app = open(ws, current_quarter()?)?;
    let regions = region_list(&app);
    let made = accounts::create(&app.db, &regions, app.office()).map_err(web)?;
    if made.is_empty() {
        say!(
            "账号均已建立，未作改动（地区名录中的 {} 个地区都有账号）",
            regions.len()
        );
        return Ok(Exit::Ok);
    }
    let stamp = chrono::Local::now().format("%Y%m%d%H%M%S");
    let out = app
        .workspace
        .root
        .join(crate::workspace::OUTPUTS)
        .join(format!("账号分发_{stamp}.xlsx"));
    write_sheet(&out, app.office(), &made)?;
    say!("新建账号 {} 个：", made.len());
    for role in ["办公室", "领导", "地区"] {
        let n = made.iter().filter(|m| m.role == role).count();
        if n > 0 {
            say!("  {role}：{n} 个");
        }
    }
    say!(
        "初始密码只写在 {}，请打印后分发，第一次登录须修改密码；分发后请妥善保管或删除该文件",
        out.display()
    );
    Ok(Exit::Ok)
}

/// `kaoping serve [DIR] [--listen] [--quarter]`.
pub(super) fn serve(
    dir: Option<&Path>,
    found: Option<&Workspace>,
    listen: std::net::SocketAddr,
    quarter: Option<&str>,
    tls: Option<&Tls>,
) -> Result<Exit, Error> {
    let ws = the_workspace(dir, found)?;
    let quarter = match quarter {
        Some(q) => q
            .parse()
            .map_err(|e: crate::quarter::QuarterError| Error::Usage(e.to_string()))?,
        None => current_quarter()?,
    };
    let app = open(ws, quarter)?;
    let has_accounts: i64 = app
        .db
        .with(|c| c.query_row("SELECT COUNT(*) FROM account", [], |r| r.get(0)))
        .map_err(web)?;
    if has_accounts == 0 {
        return Err(Error::Usage(
            "还没有账号：请先运行 kaoping accounts 建立账号并分发初始密码".to_string(),
        ));
    }
    // Held until the page stops: a second page on this workspace is refused.
    let _claim = crate::web::startup::claim(&app).map_err(web)?;
    for line in crate::web::startup::check(&app).map_err(web)? {
        say!("启动检查：{line}");
    }
    crate::web::serve(app, listen, tls, |app, bound| {
        crate::web::startup::announce(app, Some(&address(bound, tls)));
        crate::interrupt::say_on_interrupt(
            "收表页面已停止。停止时尚未完成的上传未登记，下次启动时由启动检查删除或移到 收表/未登记/ 并指出。",
        );
        if tls.is_none() && !bound.ip().is_loopback() {
            say!(
                "注意：正在 {bound} 上以明文 HTTP 提供服务，密码和报送表在内网中未加密传输；\
                 请只在可信的内网中使用，或用 --tls-cert 和 --tls-key 以 HTTPS 提供服务"
            );
        }
        say!(
            "{}收表页面：{} （收{}，截止{}）；按 Ctrl-C 停止",
            app.office(),
            address(bound, tls),
            quarter.label(),
            app.deadline().format("%Y年%-m月%-d日")
        );
    })
    .map_err(web)?;
    say!("收表页面已停止");
    Ok(Exit::Ok)
}

/// `kaoping serve --demo`: a workspace in a temporary folder with the shipped scheme and
/// registry, 省级评定 of the samples' 2025Q4 already in 报送/, accounts whose passwords are shown
/// here; the regions' sample files are uploaded by hand from `samples/2025Q4/`. Removed on exit.
pub(super) fn demo(listen: std::net::SocketAddr, tls: Option<&Tls>) -> Result<Exit, Error> {
    let samples = std::path::Path::new("samples/2025Q4");
    if !samples.is_dir() {
        return Err(Error::Usage(
            "演示需要样例文件：请在程序的仓库根目录运行（其中有 samples/2025Q4/），或先运行 kaoping samples".to_string(),
        ));
    }
    // Ctrl-C ends the process from its handler: the folder goes there, not at the end below.
    let (tmp, _remove) = crate::interrupt::make_removable(
        || {
            tempfile::Builder::new()
                .prefix("kaoping-收表演示-")
                .tempdir()
        },
        |t| t.path(),
    )
    .map_err(|e| Error::Usage(crate::text::io_reason(&e)))?;
    let root = tmp.path().join("演示");
    let init = crate::workspace::Init {
        office: "广东省打击侵权假冒工作领导小组办公室",
        level: crate::workspace::Level::Province,
        contact: "",
        phone: "",
        scheme: None,
        regions: None,
        holidays: None,
    };
    let ws = Workspace::init(&root, &init).map_err(|e| Error::Usage(e.to_string()))?;
    let quarter = Quarter::new(2025, 4).ok_or_else(|| Error::Usage("季度无效".to_string()))?;
    let submissions = ws.submissions(quarter);
    std::fs::create_dir_all(&submissions).map_err(|e| Error::Usage(crate::text::io_reason(&e)))?;
    std::fs::copy(
        samples.join("省级评定.csv"),
        submissions.join("省级评定.csv"),
    )
    .map_err(|e| Error::Usage(crate::text::io_reason(&e)))?;
    let app = open(ws, quarter)?;
    let regions = region_list(&app);
    let made = accounts::create(&app.db, &regions, app.office()).map_err(web)?;
    say!("演示工作文件夹：{}（停止后删除）", root.display());
    say!("账号和初始密码（第一次登录须修改）：");
    for m in made.iter().take(4) {
        let who = if m.role == "地区" {
            m.name.as_str()
        } else {
            m.role
        };
        say!("  {who}：账号 {}，密码 {}", m.login, m.password);
    }
    say!(
        "  其余 {} 个地区的账号和密码见 {}",
        made.len().saturating_sub(4),
        root.join(crate::workspace::OUTPUTS).display()
    );
    let out = root
        .join(crate::workspace::OUTPUTS)
        .join("账号分发_演示.xlsx");
    write_sheet(&out, app.office(), &made)?;
    say!("地区登录后可上传 {} 中本地区的样例文件", samples.display());
    crate::web::serve(app, listen, tls, |_, bound| {
        crate::interrupt::say_on_interrupt("收表演示已停止，临时文件夹已删除。");
        say!(
            "收表页面：{} （收{}）；按 Ctrl-C 停止",
            address(bound, tls),
            quarter.label()
        );
    })
    .map_err(web)?;
    drop(tmp);
    say!("演示已停止，临时文件夹已删除");
    Ok(Exit::Ok)
}
