//! One file per command: each turns raw CLI arguments into pipeline calls and prints a Chinese
//! summary. A bad submission never stops a command; the exit code says the data had errors.

/// `println!` that never panics: when the reader of the output goes away (`kaoping check … |
/// head`), the rest of the output is dropped and the run still finishes and writes its files.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `print!` that never panics (see `say!`).
macro_rules! say_part {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod annual;
mod calendar;
mod check;
mod compare;
mod demo;
mod explain;
mod samples;
mod score;
mod serve;
mod summary;
mod template;
mod workspace;

use crate::cli::{Cli, Command, SetupArgs};
use crate::pipeline::{Error, Setup};
use crate::quarter::Quarter;
use std::path::Path;

/// The progress of reading a folder, as a bar on the terminal (indicatif draws it only when
/// stderr is a terminal).
pub(crate) struct Bar(indicatif::ProgressBar);

impl Bar {
    pub(crate) fn new() -> Bar {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("读取报送 {bar:40} {pos}/{len} {elapsed}")
        {
            bar.set_style(style);
        }
        Bar(bar)
    }
}

impl crate::ingest::Progress for Bar {
    fn start(&self, files: usize) {
        self.0.set_length(files as u64);
    }
    fn read_one(&self) {
        self.0.inc(1);
    }
    fn done(&self) {
        self.0.finish_and_clear();
    }
}

/// Exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything read and written.
    Ok = 0,
    /// The data had errors; what could be written was written.
    DataErrors = 1,
    /// Usage or internal error.
    Usage = 2,
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<Exit, Error> {
    let ws = workspace::locate(cli.workspace.as_deref())?;
    let ws = ws.as_ref();
    match cli.command {
        Command::Init {
            dir,
            office,
            level,
            contact,
            phone,
            setup,
        } => workspace::init(&dir, &office, &level, &contact, &phone, &setup),
        Command::Template {
            setup,
            at,
            quarter,
            out,
        } => {
            let quarter = at.or(quarter).ok_or_else(|| {
                Error::Usage(
                    "请给出季度，如 kaoping template 2026Q1（或 --quarter 2026Q1）".to_string(),
                )
            })?;
            let out =
                match (out, ws) {
                    (Some(o), _) => o,
                    (None, Some(w)) => w.templates(parse_quarter(&quarter)?),
                    (None, None) => return Err(Error::Usage(
                        "请用 --out 指定模板的输出文件夹（在工作文件夹中可省略，默认为 模板/季度）"
                            .to_string(),
                    )),
                };
            template::run(&workspace::setup(&setup, ws), &quarter, &out)
        }
        Command::Check {
            dir,
            setup,
            quarter,
            out,
            feedback,
        } => {
            let (dir, q) = workspace::input(&dir, ws);
            let out = out.or_else(|| Some(ws?.outputs(q?).join(format!("数据质量_{}.xlsx", q?))));
            check::run(
                &dir,
                &workspace::setup(&setup, ws),
                quarter.as_deref(),
                out.as_deref(),
                feedback.as_ref().map(Option::as_deref),
            )
        }
        Command::Score {
            inputs,
            out,
            options,
        } => {
            let (inputs, q) = workspace::inputs(&inputs, ws);
            let out = out.or_else(|| Some(ws?.ranking(q?)));
            score::run(&inputs, out.as_deref(), &options)
        }
        Command::Explain {
            inputs,
            region,
            without_province_findings,
            year,
            findings,
            partial,
        } => {
            if let Some(year) = year {
                // `explain --year 2025 揭阳市`: the one word given is the region.
                let region = region.unwrap_or_else(|| inputs.dir.to_string_lossy().into_owned());
                let history = inputs
                    .history
                    .clone()
                    .or_else(|| ws.map(crate::workspace::Workspace::history));
                return explain::run_year(
                    year,
                    &region,
                    history.as_deref(),
                    findings.as_deref(),
                    partial,
                    &workspace::setup(&inputs.setup, ws),
                );
            }
            let Some(region) = region else {
                return Err(Error::Usage(
                    "请写出地区：kaoping explain 报送文件夹 地区（如 explain 2026Q1 汕尾市），或 explain --year 2025 地区".to_string(),
                ));
            };
            let (inputs, _) = workspace::inputs(&inputs, ws);
            explain::run(&inputs, &region, without_province_findings)
        }
        Command::Compare {
            dir,
            schemes,
            regions,
            holidays,
            quarter,
            history,
            out,
            without_province_findings,
        } => {
            // In a workspace: `compare 2026Q1 --scheme 修订稿.toml` compares the workspace's
            // scheme with the one given, over its folder, files and history.
            let (dir, q) = workspace::input(&dir, ws);
            let mut schemes = schemes;
            let (mut regions, mut holidays, mut history, mut out) =
                (regions, holidays, history, out);
            if let Some(w) = ws {
                if schemes.len() == 1 {
                    schemes.insert(0, w.scheme());
                }
                regions = regions.or_else(|| Some(w.regions()));
                holidays = holidays.or_else(|| Some(w.holidays()));
                history = history.or_else(|| Some(w.history()));
                out = out.or_else(|| Some(w.outputs(q?).join(format!("方案比较_{}.xlsx", q?))));
            }
            compare::run(&compare::Inputs {
                dir: &dir,
                schemes: &schemes,
                regions: regions.as_deref(),
                holidays: holidays.as_deref(),
                quarter: quarter.as_deref(),
                history: history.as_deref(),
                out: out.as_deref(),
                without_province_findings,
            })
        }
        Command::Samples {
            regions,
            quarters,
            seed,
            max_ledger_rows,
            out,
            registry,
            other_program,
        } => samples::run(
            regions,
            &quarters,
            seed,
            max_ledger_rows,
            &out,
            registry.as_deref(),
            if other_program {
                crate::samples::Writer::OtherProgram
            } else {
                crate::samples::Writer::Template
            },
        ),
        Command::Calendar { year, holidays } => calendar::run(year, holidays.as_deref()),
        Command::Annual {
            year,
            history,
            out,
            partial,
            findings,
            feedback,
            bulletin,
            setup,
        } => {
            let history = history.or_else(|| ws.map(crate::workspace::Workspace::history));
            let out = out.unwrap_or_else(|| {
                let name = format!("年度考核_{year}.xlsx");
                ws.map_or_else(
                    || std::path::PathBuf::from(&name),
                    |w| w.root.join(crate::workspace::OUTPUTS).join(&name),
                )
            });
            let feedback = feedback.map(|f| or_beside(f, &out, &format!("年度反馈单_{year}")));
            let bulletin =
                bulletin.map(|f| or_beside(f, &out, &format!("年度情况通报_{year}.docx")));
            annual::run(
                &annual::Inputs {
                    year,
                    history: history.as_deref(),
                    out: &out,
                    partial,
                    findings: findings.as_deref(),
                    feedback: feedback.as_deref(),
                    bulletin: bulletin.as_deref(),
                },
                &workspace::setup(&setup, ws),
            )
        }
        Command::Demo { samples, out } => demo::run(&samples, &out),
        Command::Accounts { dir } => serve::accounts(dir.as_deref(), ws),
        Command::Serve {
            dir,
            listen,
            quarter,
            demo,
            tls_cert,
            tls_key,
        } => {
            let tls = tls_cert
                .zip(tls_key)
                .map(|(cert, key)| crate::web::Tls { cert, key });
            if demo {
                serve::demo(listen, tls.as_ref())
            } else {
                serve::serve(dir.as_deref(), ws, listen, quarter.as_deref(), tls.as_ref())
            }
        }
    }
}

/// A path given with a flag, or, when the flag was given bare (`--feedback`), `name` in the
/// folder of `out`.
fn or_beside(given: Option<std::path::PathBuf>, out: &Path, name: &str) -> std::path::PathBuf {
    given.unwrap_or_else(|| out.parent().unwrap_or(Path::new("")).join(name))
}

fn parse_quarter(q: &str) -> Result<Quarter, Error> {
    q.parse()
        .map_err(|e: crate::quarter::QuarterError| Error::Usage(e.to_string()))
}

fn load(setup: &SetupArgs) -> Result<Setup, Error> {
    let mut s = Setup::load(setup.scheme.as_deref(), setup.regions.as_deref())?;
    if let Some(path) = &setup.holidays {
        s.calendar = crate::pipeline::load_calendar(path)?;
    }
    // A workspace names its own office: a prefecture's ranking is titled by it, whatever the
    // scheme it copied says.
    if let Some(office) = &setup.office {
        s.scheme.office = office.clone();
    }
    if let Some(day) = today_from_env()? {
        s.today = day;
    }
    Ok(s)
}

/// The quarter given, or the one the folder is named after (`samples/2025Q4`), or else the one
/// every submission in it states in 基本情况 (said on the terminal).
fn quarter_of(given: Option<&str>, dir: &Path, setup: &Setup) -> Result<Quarter, Error> {
    let named: Option<Quarter> = dir
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.parse().ok());
    if let Some(q) = given {
        let q: Quarter = q
            .parse()
            .map_err(|e: crate::quarter::QuarterError| Error::Usage(e.to_string()))?;
        return match named {
            // `score 报送/2026Q1 --quarter 2026Q2`: one of the two is a slip.
            Some(n) if n != q => Err(Error::Usage(format!(
                "报送文件夹“{}”的名称表明是{n}，而 --quarter 为{q}，两者不一致，未执行。\
                 请核对后只保留正确的一个（文件夹名已写明季度时可省略 --quarter）",
                dir.display()
            ))),
            _ => Ok(q),
        };
    }
    if let Some(q) = named {
        return Ok(q);
    }
    let (q, files) = crate::pipeline::stated_quarter(setup, dir)?;
    let basic = crate::contract::BASIC_SHEET;
    say!("文件夹名中没有季度，按{files}个报送文件“{basic}”中填写的季度，评分季度为{q}");
    Ok(q)
}

/// A `--history` folder that does not exist: a typo, not an empty history (a mistyped path once
/// started a fresh one, and 云浮市 fell from 挂牌督办 to 通报 without a word). `score` may start a
/// history there only when told (`--new-history`); `explain` and `compare` never write one.
pub(super) fn history_exists(history: Option<&Path>, new_history: bool) -> Result<(), Error> {
    match history {
        Some(h) if !h.exists() && !new_history => Err(Error::Usage(format!(
            "历史数据文件夹 {} 不存在。若路径写错了，请改正后重新运行（连续季度的通报、约谈、挂牌督办都依据它判断）；\
             若这是第一次评分、历史数据从本季度开始，请加 --new-history",
            h.display()
        ))),
        _ => Ok(()),
    }
}

/// The date in `KAOPING_TODAY` (YYYY-MM-DD), when set: dates "later than today" are checked
/// against it instead of the clock, to re-check a quarter as of a given day, and for tests of a
/// quarter that is not over yet on the clock. A value that is not a date is a usage error, not
/// the clock's day in silence.
pub(super) fn today_from_env() -> Result<Option<chrono::NaiveDate>, Error> {
    match std::env::var("KAOPING_TODAY") {
        Err(std::env::VarError::NotPresent) => Ok(None),
        Ok(s) if s.trim().is_empty() => Ok(None),
        Ok(s) => chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                Error::Usage(format!(
                    "环境变量 KAOPING_TODAY 的值“{}”不是日期，应写作 年-月-日（如 2026-01-15）；不需要时请删除该变量",
                    s.trim()
                ))
            }),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::Usage(
            "环境变量 KAOPING_TODAY 的值不是日期，应写作 年-月-日（如 2026-01-15）".to_string(),
        )),
    }
}

/// 评分时间: `SOURCE_DATE_EPOCH` when set (for byte-identical output), else now.
/// The run's time, "2026-01-20 09:30:00": the clock's (or `SOURCE_DATE_EPOCH`'s), on the day
/// `--date` gives when given (the 制表日期 every output prints and deadlines count from).
fn run_time(date: Option<chrono::NaiveDate>) -> String {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0));
    let t = match fixed {
        Some(t) => t.naive_utc(),
        None => chrono::Local::now().naive_local(),
    };
    let t = date.map_or(t, |d| d.and_time(t.time()));
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}
