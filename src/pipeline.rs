//! The pipeline's public API: one call per CLI command, each taking plain settings and returning
//! plain results. Data flows one way: ingest → score → flag → report (+ history).

use crate::flag::{self, Flag};
use crate::history::{self, HistoryError, Written};
use crate::ingest::{self, Context, IngestError, Limits, Progress};
use crate::problem::{Kind, Problem, Severity};
use crate::quarter::Quarter;
use crate::record::{Held, QuarterRecord, Status};
use crate::registry::{Calendar, Registry, RegistryError};
use crate::report::{self, Assessment, ReportError};
use crate::scheme::{Scheme, SchemeError};
use crate::score::{self, RegionResult};
use crate::stats;
use crate::stats::Funnel;
use crate::submission::{Batch, Findings, InputFile, ProvinceData};
use crate::template::{self, TemplateError};
use crate::timings::Timings;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Anything that stops a command (as opposed to problems in the data, which never do).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Scheme(#[from] SchemeError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Calendar(#[from] crate::registry::calendar::CalendarError),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Working days to count in a year the holiday table lacks: nothing is scored or written.
    #[error("{}评分已停止，未写入排名工作簿和历史数据。{}", .0.what(), .0.remedy())]
    CalendarGap(#[from] score::CalendarGap),
    #[error(transparent)]
    Samples(#[from] crate::samples::SamplesError),
    /// 省级评定 missing or not read in full, and the clerk did not say to score without it.
    #[error("{0}")]
    ProvinceFindings(String),
    #[error("{0}")]
    Usage(String),
}

/// The province's files: scheme, registry and calendar; and the day of the run.
#[derive(Debug, Clone)]
pub struct Setup {
    pub scheme: Scheme,
    pub registry: Registry,
    pub calendar: Calendar,
    /// The day dates "later than today" are checked against: the clock's, unless the caller
    /// says otherwise (the CLI's `KAOPING_TODAY`, a test's fixed day).
    pub today: chrono::NaiveDate,
}

impl Setup {
    /// What ingest reads a quarter's files against: these settings, the day, the default limits.
    pub fn context(&self, quarter: Quarter) -> Context<'_> {
        Context {
            scheme: &self.scheme,
            registry: &self.registry,
            quarter,
            today: self.today,
            limits: Limits::default(),
        }
    }

    /// Loads the given files, or the ones shipped in `templates/` where a path is `None`.
    pub fn load(scheme: Option<&Path>, regions: Option<&Path>) -> Result<Setup, Error> {
        let scheme = match scheme {
            Some(p) => Scheme::load(p)?,
            None => Scheme::builtin()?,
        };
        let registry = match regions {
            // A workbook kept as the registry goes through the submissions' guards.
            Some(p) => {
                let table = ingest::tables::read(p).map_err(|message| RegistryError::File {
                    path: p.display().to_string(),
                    message,
                })?;
                Registry::from_table(&table)?
            }
            None => Registry::builtin()?,
        };
        let calendar = Calendar::builtin()?;
        Ok(Setup {
            scheme,
            registry,
            calendar,
            today: chrono::Local::now().date_naive(),
        })
    }
}

/// A holiday table kept by the province (UTF-8 or GB18030, as `templates/holidays.csv`).
///
/// # Errors
///
/// [`Error::Usage`] when the file cannot be read or decoded; [`Error::Calendar`] when a line is
/// wrong.
pub fn load_calendar(path: &Path) -> Result<Calendar, Error> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::Usage(format!(
            "无法读取节假日表 {}：{}",
            path.display(),
            crate::text::io_reason(&e)
        ))
    })?;
    let Some((text, _)) = crate::csvfile::decode(&bytes) else {
        return Err(Error::Usage(format!(
            "节假日表 {} 既不是UTF-8也不是GB18030（GBK）编码",
            path.display()
        )));
    };
    Ok(Calendar::from_csv(&text)?.with_origin(path.display().to_string()))
}

/// Writes one blank submission workbook per region; returns the paths.
///
/// # Errors
///
/// [`Error::Usage`], before anything is written, when a file of the same name is there and is
/// not an unfilled template of that region and quarter: `--out` pointed at the folder of
/// received files would otherwise replace a region's filled workbook with a blank one.
pub fn templates(setup: &Setup, quarter: Quarter, out: &Path) -> Result<Vec<PathBuf>, Error> {
    let planned: Vec<(PathBuf, &crate::registry::Region)> = setup
        .registry
        .regions
        .iter()
        .map(|r| (out.join(template::file_name(r, quarter)), r))
        .collect();
    let ctx = setup.context(quarter);
    let hash = template::template_hash(&setup.scheme);
    let mut kept: Vec<String> = planned
        .iter()
        .filter(|(p, r)| p.exists() && !is_blank_template(p, r, quarter, &ctx, &hash))
        .map(|(p, _)| ingest::file_name(p))
        .collect();
    // The blank 省级评定 for the office: replaced only when it is still the blank one.
    let province_path = out.join(template::province::file_name(&setup.scheme));
    let province = template::province::build(&setup.scheme, &setup.registry, quarter)?
        .save_to_buffer()
        .map_err(|e| TemplateError::Xlsx {
            sheet: template::province::SHEET.to_string(),
            source: Box::new(e),
        })?;
    if std::fs::read(&province_path).is_ok_and(|old| old != province) {
        kept.push(ingest::file_name(&province_path));
    }
    if !kept.is_empty() {
        let shown: Vec<String> = kept.iter().take(5).cloned().collect();
        let more = if kept.len() > 5 {
            format!("等{}个文件", kept.len())
        } else {
            String::new()
        };
        return Err(Error::Usage(format!(
            "输出文件夹“{}”中已有{}{more}，且不是未填写的空白模板（可能是地区报回的文件），生成模板会把它们替换掉，因此未生成任何模板。\
             请换一个输出文件夹（如 模板/{quarter}），或先把这些文件移走",
            out.display(),
            shown.join("、"),
        )));
    }
    let mut paths = Vec::new();
    for (path, region) in planned {
        template::write(&path, &setup.scheme, Some(region), Some(quarter), None)?;
        paths.push(path);
    }
    crate::output::write_atomically(&province_path, &province).map_err(TemplateError::from)?;
    paths.push(province_path);
    Ok(paths)
}

/// Whether a file is a template of this region and quarter with nothing filled in (no field,
/// no ledger row, no 填报人): the only kind of file `template` may replace.
fn is_blank_template(
    path: &Path,
    region: &crate::registry::Region,
    quarter: Quarter,
    ctx: &Context,
    hash: &str,
) -> bool {
    let sub = ingest::read_file_guarded(path, ctx, hash);
    !sub.sha256.is_empty()
        && sub.meta.region_code == region.code
        && sub.meta.quarter == quarter.to_string()
        && sub.fields.is_empty()
        && sub.filled_by.trim().is_empty()
        && sub.ledgers.values().all(|l| l.rows.is_empty())
}

/// Settings of one scoring run.
#[derive(Clone)]
pub struct ScoreRun<'a> {
    pub setup: &'a Setup,
    pub quarter: Quarter,
    pub input: &'a Path,
    pub history: Option<&'a Path>,
    pub out: &'a Path,
    pub replace: bool,
    /// Score even when 省级评定 is missing or unreadable (`--without-province-findings`), leaving
    /// the province's findings out; the workbook says so.
    pub without_province_findings: bool,
    /// 评分时间 shown in the workbook.
    pub run_time: String,
    /// How long to wait for another run's lock on the history folder.
    pub wait: std::time::Duration,
    /// Told, while waiting, for whom (see `history::lock`).
    pub on_wait: fn(&str),
    /// Told as the submissions are read.
    pub progress: &'a dyn Progress,
    /// What the office sends after scoring, written beside the ranking workbook when asked for.
    pub sends: Sends<'a>,
    /// Why this quarter is scored under another scheme id or registry than the history's
    /// earlier quarters (`--scheme-change "理由"`); without it such a run stops.
    pub scheme_change: Option<&'a str>,
}

/// What the office sends after scoring: each region's 反馈单 (or notice) and the 情况通报 draft.
/// Both are written after the ranking workbook and before the history, from the same results.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sends<'a> {
    /// One workbook per region into this folder (`report::feedback`).
    pub feedback: Option<&'a Path>,
    /// The 情况通报 draft (.docx) to this file (`report::bulletin`).
    pub bulletin: Option<&'a Path>,
    /// Its 下一步工作要求, one paragraph per line; `report::bulletin::DEFAULT_REQUIREMENTS` when
    /// `None`.
    pub requirements: Option<&'a str>,
    /// Its 发文字号; blanks for the clerk to fill when `None`.
    pub number: Option<&'a str>,
    /// Its 抄送机关 (版记); none when `None`.
    pub copy_to: Option<&'a str>,
}

/// The files a scoring run sent.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    /// The folder of 反馈单 and notices, and the files in it, in rank order.
    pub feedback: Option<(PathBuf, Vec<PathBuf>)>,
    /// The 情况通报 draft.
    pub bulletin: Option<PathBuf>,
}

/// What a scoring run produced.
#[derive(Debug, Clone)]
pub struct ScoreOutcome {
    /// In rank order.
    pub results: Vec<RegionResult>,
    pub flags: BTreeMap<String, Vec<Flag>>,
    pub problems: Vec<Problem>,
    pub files: Vec<InputFile>,
    pub history: Option<Written>,
    /// Whether the ranking rests on the province's findings.
    pub findings: Findings,
    /// Quarters in the history folder that must be scored again, oldest first.
    pub reruns: Vec<history::Rerun>,
    /// What a gap in the history means for this quarter's measures, when it has one.
    pub history_gap: Option<String>,
    /// Each region's 填报人 and 联系电话 from its submission.
    pub contacts: BTreeMap<String, (String, String)>,
    /// What was sent (see [`Sends`]).
    pub sent: Sent,
    /// Wall time of each stage.
    pub timings: Timings,
}

impl ScoreOutcome {
    /// Number of problems of a severity that bear on the result (not a superseded file's).
    pub fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == severity)
            .filter(|p| crate::submission::bears_on_result(p, &self.files))
            .count()
    }
}

/// The quarter a folder's submissions agree on in 基本情况 (for a folder whose name does not say
/// it).
///
/// # Errors
///
/// [`Error::Usage`] when no submission states a readable 季度, or when they disagree (listing
/// which files say which quarter).
pub fn stated_quarter(setup: &Setup, input: &Path) -> Result<(Quarter, usize), Error> {
    let stand_in = Quarter::new(2025, 4).ok_or_else(|| Error::Usage("季度无效".to_string()))?;
    let ctx = setup.context(stand_in);
    let stated = ingest::stated_quarters(input, &ctx, &template::template_hash(&setup.scheme))?;
    let mut by_quarter: BTreeMap<Quarter, Vec<String>> = BTreeMap::new();
    for (file, q) in stated {
        by_quarter.entry(q).or_default().push(file);
    }
    if let (1, Some((q, files))) = (by_quarter.len(), by_quarter.iter().next()) {
        return Ok((*q, files.len()));
    }
    match by_quarter.len() {
        0 => Err(Error::Usage(format!(
            "无法从文件夹名“{}”推断季度，文件夹中也没有填写了“季度”的报送文件，请用 --quarter 指定，如 --quarter 2025Q4",
            input.display()
        ))),
        _ => {
            let lines: Vec<String> = by_quarter
                .iter()
                .map(|(q, files)| {
                    let mut files = files.clone();
                    files.sort();
                    let shown = files.iter().take(5).cloned().collect::<Vec<_>>().join("、");
                    let more = if files.len() > 5 {
                        format!(" 等{}个文件", files.len())
                    } else {
                        String::new()
                    };
                    format!("  {q}：{shown}{more}")
                })
                .collect();
            Err(Error::Usage(format!(
                "文件夹“{}”中的报送文件在“{}”中填写的季度不一致，无法确定评分季度：\n{}\n请把其他季度的文件移出，或用 --quarter 指定",
                input.display(),
                crate::contract::BASIC_SHEET,
                lines.join("\n")
            )))
        }
    }
}

/// Ingests a folder: submissions and 省级评定.csv.
pub fn ingest(
    setup: &Setup,
    quarter: Quarter,
    input: &Path,
    progress: &dyn Progress,
) -> Result<(Batch, ProvinceData), Error> {
    let ctx = setup.context(quarter);
    let hash = template::template_hash(&setup.scheme);
    let mut batch = ingest::read_dir(input, &ctx, &hash, progress)?;
    let office = &setup.scheme.office;
    let copies = ingest::copies::suspected(&batch, &setup.registry, office);
    let shared = ingest::copies::shared_cases(&batch, &setup.registry, office, &copies);
    batch.problems.extend(copies);
    batch.problems.extend(shared);
    let (province, province_problems) =
        ingest::province::read(input, &setup.scheme, &setup.registry);
    batch.problems.extend(province_problems);
    if !province.sha256.is_empty() {
        batch.files.push(InputFile {
            file: province.file.clone(),
            sha256: province.sha256.clone(),
            region_code: None,
            status: crate::submission::STATUS.to_string(),
            template_version: String::new(),
        });
    }
    Ok((batch, province))
}

/// What this run's quarter will be recorded as produced by.
pub fn provenance(setup: &Setup) -> history::Provenance {
    history::Provenance {
        scheme_id: setup.scheme.id.clone(),
        scheme_version: setup.scheme.version.clone(),
        contract: crate::fingerprint::contract_fingerprint(&setup.scheme),
        registry: setup.registry.fingerprint(),
    }
}

/// Stops a run whose submissions' templates (their `_meta`) were issued under another scheme
/// id than the one in use (a forgotten `--scheme`), unless the clerk says why. A revision of the
/// same scheme (same id, another version) reads as before.
fn templates_agree(batch: &Batch, run: &ScoreRun) -> Result<(), Error> {
    if run.scheme_change.is_some() {
        return Ok(());
    }
    let id = &run.setup.scheme.id;
    let mut other: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in batch.submissions.values() {
        if !s.meta.scheme_id.is_empty() && s.meta.scheme_id != *id {
            other.entry(&s.meta.scheme_id).or_default().push(&s.file);
        }
    }
    if other.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = other
        .iter()
        .map(|(sid, files)| {
            let shown: Vec<&str> = files.iter().take(3).copied().collect();
            let more = if files.len() > 3 {
                format!("等{}个文件", files.len())
            } else {
                String::new()
            };
            format!("  指标体系{sid}：{}{more}", shown.join("、"))
        })
        .collect();
    Err(Error::Usage(format!(
        "报送文件的模板属于另一个指标体系，而本次评分用的是指标体系{id}（版本{}）：\n{}\n未评分，排名工作簿和历史数据均未写入。\
         若是漏写了 --scheme，请加上下发模板时所用的指标体系文件；若确属更换指标体系，请加 --scheme-change \"理由\"",
        run.setup.scheme.version,
        lines.join("\n")
    )))
}

/// Stops a run whose scheme id or registry is not the one the history's earlier quarters were
/// scored with (a forgotten `--scheme`, another office's registry), unless the clerk says why
/// (`--scheme-change`). A revision of the same scheme (same id) is not a change.
fn bound_to(run: &ScoreRun, dir: &Path) -> Result<(), Error> {
    let now = provenance(run.setup);
    let differing: Vec<(Quarter, history::Provenance)> =
        history::provenance(dir, Some(run.quarter))?
            .into_iter()
            .filter_map(|(q, made)| Some((q, made?)))
            .filter(|(_, made)| made.scheme_id != now.scheme_id || made.registry != now.registry)
            .collect();
    let Some((_, then)) = differing.last() else {
        return Ok(());
    };
    if run.scheme_change.is_some() {
        return Ok(());
    }
    let quarters: Vec<String> = differing.iter().map(|(q, _)| q.to_string()).collect();
    Err(Error::Usage(format!(
        "历史数据文件夹 {} 中的{}按{}评分，本次为{}，两者不同，未评分，排名工作簿和历史数据均未写入。\
         若是漏写了 --scheme 或 --regions，或历史数据文件夹选错了，请改正后重新评分；\
         若确属更换指标体系或地区名录，请加 --scheme-change \"理由\"（理由将写入评分说明）",
        dir.display(),
        quarters.join("、"),
        then.describe(),
        now.describe(),
    )))
}

/// A note on each resubmission that is not 迟报 because it came by its notice's deadline.
fn excused(
    scheme: &Scheme,
    quarter: Quarter,
    batch: &Batch,
    returned: &BTreeMap<String, chrono::NaiveDate>,
) -> Vec<Problem> {
    let deadline = quarter.deadline(scheme.deadline_day);
    batch
        .submissions
        .values()
        .filter_map(|s| {
            let filed = s.filed_on?;
            let by = returned.get(&s.region_code)?;
            (filed > deadline && filed <= *by).then(|| {
                let mut p = Problem::warning(
                    Kind::Note,
                    crate::problem::Source::new(&s.file, "", ""),
                    format!(
                        "按退回修改通知于{}前重新报送（填报日期{}），不计迟报",
                        by.format("%Y-%m-%d"),
                        filed.format("%Y-%m-%d")
                    ),
                );
                p.region = Some(s.region_code.clone());
                p
            })
        })
        .collect()
}

/// The deadline a 退回修改通知 or 补报通知 of this run gives: the scheme's
/// `feedback.resubmit_days` working days after the 制表日期 (the run's date).
fn resubmit_by(run: &ScoreRun) -> chrono::NaiveDate {
    resubmit_deadline(run.setup, &run.run_time)
}

/// The 制表日期: the day of the run's 评分时间 ("2026-01-20 09:00:00"), else the setup's today.
fn made_on(setup: &Setup, run_time: &str) -> chrono::NaiveDate {
    run_time
        .get(..10)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or(setup.today)
}

/// The scheme's `feedback.resubmit_days` working days after the 制表日期.
fn resubmit_deadline(setup: &Setup, run_time: &str) -> chrono::NaiveDate {
    setup.calendar.add_working_days(
        made_on(setup, run_time),
        setup.scheme.feedback.resubmit_days,
    )
}

/// A measure id the history holds that the scheme does not define: named in 数据质量, since
/// the rules still count it, by the severity recorded with it.
fn unknown_measures(
    scheme: &crate::scheme::Scheme,
    past: &[QuarterRecord],
    dir: Option<&Path>,
) -> Vec<Problem> {
    let folder = dir.map_or_else(String::new, |d| d.display().to_string());
    flag::unknown_measures(scheme, past)
        .into_iter()
        .map(|(id, quarters)| {
            let qs: Vec<String> = quarters.iter().map(ToString::to_string).collect();
            Problem::warning(
                Kind::UnknownMeasure,
                crate::problem::Source::new(&folder, "", ""),
                format!(
                    "历史数据中{}的督办措施 {id} 未在本指标体系的 [[measures]] 中定义：连续季度等规则按历史记录的严重程度计算它，请核对指标体系是否改过措施的 id",
                    qs.join("、")
                ),
            )
        })
        .collect()
}

/// Stops a run for a quarter that none of the folder's submissions states in 基本情况 (a
/// mistyped `--quarter`, last quarter's folder): such a run would record a quarter in which every
/// region is 数据有误 or 未报送, and that record would then stand in the way of the real one.
fn quarter_agreed(batch: &Batch, quarter: Quarter, input: &Path) -> Result<(), Error> {
    let stated: Vec<Quarter> = batch
        .submissions
        .values()
        .filter_map(|s| s.quarter)
        .collect();
    if stated.contains(&quarter) {
        return Ok(());
    }
    let mut counts: BTreeMap<Quarter, usize> = BTreeMap::new();
    for q in stated {
        *counts.entry(q).or_default() += 1;
    }
    let what = if counts.is_empty() {
        format!("文件夹“{}”中没有可以读出“季度”的报送文件", input.display())
    } else {
        let said: Vec<String> = counts
            .iter()
            .map(|(q, n)| format!("{n}个文件填写的是{q}"))
            .collect();
        format!(
            "文件夹“{}”中的报送文件没有一个填写的是{quarter}（{}）",
            input.display(),
            said.join("，")
        )
    };
    Err(Error::Usage(format!(
        "{what}，本次按{quarter}评分会把所有地区记为数据有误或未报送，因此未评分，排名工作簿和历史数据均未写入。\
         请核对评分季度（--quarter）和报送文件夹是否选对"
    )))
}

/// Whether the run may use the province file as read: `Findings::Used` when it was read in full;
/// when it is missing or has errors, `Findings::Omitted` (with the data emptied) only if the
/// clerk said so, else [`Error::ProvinceFindings`] listing what is wrong.
fn province_findings(
    run: &ScoreRun,
    batch: &Batch,
    province: &mut ProvinceData,
) -> Result<Findings, Error> {
    let errors: Vec<&Problem> = batch
        .problems
        .iter()
        .filter(|p| p.source.file == province.file && p.severity == Severity::Error)
        .collect();
    let problem = if !province.found {
        Some((
            format!("未找到{}", province.file),
            format!(
                "报送文件夹 {} 中没有{}（也没有同名的xlsx、xls或ods工作簿），其中的群众满意度、通报批评和一票否决无从计入。",
                run.input.display(),
                province.file
            ),
        ))
    } else if !errors.is_empty() {
        const SHOWN: usize = 10;
        let mut lines: Vec<String> = errors
            .iter()
            .take(SHOWN)
            .map(|p| format!("  {}：{}", p.source.located(), p.message))
            .collect();
        if errors.len() > SHOWN {
            lines.push(format!("  ……共{}处", errors.len()));
        }
        Some((
            format!("{}有{}处错误", province.file, errors.len()),
            format!(
                "{}有{}处错误，其中的省级评定（含一票否决）会因此遗漏：\n{}",
                province.file,
                errors.len(),
                lines.join("\n")
            ),
        ))
    } else if run.without_province_findings {
        Some((
            "按 --without-province-findings 未使用".to_string(),
            String::new(),
        ))
    } else {
        None
    };
    match problem {
        None => Ok(Findings::Used),
        Some((reason, _)) if run.without_province_findings => {
            province.rows.clear();
            Ok(Findings::Omitted(reason))
        }
        Some((_, message)) => Err(Error::ProvinceFindings(format!(
            "{message}\n未评分，排名工作簿和历史数据均未写入。请改正后重新评分；\
             确需在没有省级评定的情况下评分，请加 --without-province-findings（排名工作簿将注明未计入省级评定）。"
        ))),
    }
}

/// Everything a scoring run works out before it writes anything: what `explain` reads, and
/// what `score` then writes.
#[derive(Debug)]
pub struct Assessed {
    /// In rank order.
    pub results: Vec<RegionResult>,
    pub flags: BTreeMap<String, Vec<Flag>>,
    pub analysis: stats::Analysis,
    /// The history before this quarter, oldest first.
    pub past: Vec<QuarterRecord>,
    /// What ingest found (the statistics' warnings are in `analysis.anomalies`).
    pub problems: Vec<Problem>,
    pub files: Vec<InputFile>,
    pub findings: Findings,
    /// Regions returned for correction when this quarter was scored before, with the deadline
    /// their notice gave.
    pub returned: BTreeMap<String, chrono::NaiveDate>,
    /// Each region's 填报人 and 联系电话 from its submission, for whom to call.
    pub contacts: BTreeMap<String, (String, String)>,
    /// Wall time of each stage so far.
    pub timings: Timings,
    /// Held from reading the history until the quarter is written (or this is dropped).
    lock: Option<history::HistoryLock>,
}

/// ingest → score → stats → flag, reading the history; writes nothing. Stops, before anything
/// is written, on a province file it may not use and on a count the holiday table cannot decide.
/// `run.out`, `run.replace` and `run.run_time` are not used.
pub fn assess(run: &ScoreRun) -> Result<Assessed, Error> {
    let setup = run.setup;
    let mut t = Timings::default();
    let (batch, mut province) = t.time("读取报送", || {
        ingest(setup, run.quarter, run.input, run.progress)
    })?;
    quarter_agreed(&batch, run.quarter, run.input)?;
    templates_agree(&batch, run)?;
    // A ranking without the province's findings only on purpose.
    let findings = province_findings(run, &batch, &mut province)?;
    // When this quarter was scored before, the regions it returned and their deadlines (read
    // before the lock, which creates the folder: a run that stops while scoring leaves none).
    let returned = match run.history {
        Some(dir) => history::deadlines(dir, run.quarter)?,
        None => BTreeMap::new(),
    };
    let mut batch = batch;
    batch
        .problems
        .extend(excused(&setup.scheme, run.quarter, &batch, &returned));
    let inputs = score::Inputs {
        scheme: &setup.scheme,
        calendar: &setup.calendar,
        quarter: run.quarter,
        province: &province,
        returned: &returned,
    };
    let mut results = t.time("评分", || score::score(&setup.registry, &batch, &inputs))?;
    let contacts = batch
        .submissions
        .iter()
        .map(|(code, s)| (code.clone(), (s.filled_by.clone(), s.phone.clone())))
        .collect();
    let lock = run
        .history
        .map(|dir| history::lock(dir, run.quarter, run.wait, run.on_wait))
        .transpose()?;
    if let Some(dir) = run.history {
        bound_to(run, dir)?;
    }
    let past = t.time("读取历史", || match run.history {
        Some(dir) => history::read(dir, Some(run.quarter)),
        None => Ok(Vec::new()),
    })?;
    let previous: Vec<_> = past
        .iter()
        .filter(|h| h.quarter == run.quarter.prev())
        .cloned()
        .collect();
    let mut analysis = t.time("统计", || {
        stats::analyse(&setup.scheme, &results, &previous)
    });
    // The ladder's points, on the ranking before them; the rank intervals then hold them as
    // they hold the bonus, so that an interval contains the rank printed beside it.
    let adjusted = flag::adjust(
        &setup.scheme,
        run.quarter,
        &mut results,
        &past,
        &analysis.funnels,
    );
    if adjusted {
        analysis = t.time("统计", || {
            stats::analyse(&setup.scheme, &results, &previous)
        });
    }
    let clock = flag::Clock {
        made_on: made_on(setup, &run.run_time),
        calendar: &setup.calendar,
    };
    let flags = t.time("督办措施", || {
        flag::evaluate_at(
            &clock,
            &setup.scheme,
            run.quarter,
            &results,
            &past,
            &analysis.funnels,
        )
    });
    batch
        .problems
        .extend(unknown_measures(&setup.scheme, &past, run.history));
    Ok(Assessed {
        results,
        flags,
        analysis,
        past,
        problems: batch.problems,
        files: batch.files,
        findings,
        returned,
        contacts,
        timings: t,
        lock,
    })
}

/// ingest → score → flag → report, then the quarter appended to history (checked before the
/// workbook is written, written after it).
pub fn score(run: &ScoreRun) -> Result<ScoreOutcome, Error> {
    let setup = run.setup;
    let Assessed {
        results,
        flags,
        analysis,
        past,
        problems,
        files,
        findings,
        returned: _,
        contacts,
        mut timings,
        lock: _lock,
    } = assess(run)?;
    // Checked and encoded now, written after the workbook.
    let pending = timings.time("准备历史", || match run.history {
        Some(dir) => {
            let records = records(run.quarter, &results, &flags, &analysis.funnels);
            let made = provenance(setup);
            history::prepare(
                dir,
                run.quarter,
                &records,
                Some(&made),
                run.replace,
                &run.run_time,
            )
            .map(Some)
        }
        None => Ok(None),
    })?;
    let reruns = pending.as_ref().map(|p| p.reruns()).unwrap_or_default();
    let rerun_problems = reruns.iter().map(|r| {
        Problem::warning(
            Kind::Rerun,
            crate::problem::Source::new(history::RERUN_FILE, "", ""),
            format!(
                "历史数据中{}需要重新评分：{}。请按{}的顺序依次重新评分",
                r.quarter,
                r.reason,
                rerun_order(&reruns)
            ),
        )
    });
    let assessment = Assessment {
        scheme: &setup.scheme,
        quarter: run.quarter,
        regions: results,
        flags,
        problems: problems
            .into_iter()
            .chain(analysis.anomalies.iter().cloned())
            .chain(rerun_problems)
            .collect(),
        files,
        history: past,
        analysis,
        findings,
        run_time: run.run_time.clone(),
        reruns,
        history_dir: run.history.map(|d| d.display().to_string()),
        scheme_change: run.scheme_change.map(str::to_string),
    };
    // In two stages, so that a benchmark can tell the sheets' content from the zip's packing.
    let mut wb = timings.time("排名工作簿：内容", || report::build(&assessment))?;
    // From the first result put in place to the history's quarter, Ctrl-C waits: the run
    // finishes, or (interrupted before this) leaves nothing.
    let _writing = crate::interrupt::Writing::begin();
    timings.time("排名工作簿：保存", || {
        crate::output::save_workbook(&mut wb, run.out).map_err(ReportError::from)
    })?;
    drop(wb);
    let sent = timings.time("反馈与通报", || send(run, &assessment))?;
    let written = timings.time("写入历史", || {
        pending.map(history::Pending::commit).transpose()
    })?;
    // The deadline this run's 退回修改通知 gave, for when the quarter is scored again.
    if let (Some(dir), Some(_)) = (run.history, run.sends.feedback) {
        let returned: Vec<String> = assessment
            .regions
            .iter()
            .filter(|r| matches!(r.status, Status::Invalid | Status::Unreadable))
            .map(|r| r.code.clone())
            .collect();
        history::record_notices(dir, run.quarter, &returned, resubmit_by(run))?;
    }
    let history_gap = assessment.history_gap_notice();
    Ok(ScoreOutcome {
        results: assessment.regions,
        flags: assessment.flags,
        problems: assessment.problems,
        files: assessment.files,
        history: written,
        findings: assessment.findings,
        history_gap,
        contacts,
        reruns: assessment.reruns,
        sent,
        timings,
    })
}

/// Writes what `run.sends` asks for, dated the 制表日期 (the run's date). A 退回修改通知 or 补报通知
/// gives the scheme's `feedback.resubmit_days` working days from then.
fn send(run: &ScoreRun, a: &Assessment) -> Result<Sent, Error> {
    let mut sent = Sent::default();
    let made_on = made_on(run.setup, &run.run_time);
    if let Some(dir) = run.sends.feedback {
        let by = resubmit_by(run);
        let files = report::feedback::write_all(a, by, dir)?;
        sent.feedback = Some((dir.to_path_buf(), files));
    }
    if let Some(path) = run.sends.bulletin {
        let requirements = run
            .sends
            .requirements
            .unwrap_or(report::bulletin::DEFAULT_REQUIREMENTS);
        let issue = report::bulletin::Issue {
            requirements,
            number: run.sends.number,
            copy_to: run.sends.copy_to,
        };
        report::bulletin::write(a, &issue, made_on, path)?;
        sent.bulletin = Some(path.to_path_buf());
    }
    Ok(sent)
}

/// The records of one quarter from its results, flags and funnels.
pub fn records(
    quarter: Quarter,
    results: &[RegionResult],
    flags: &BTreeMap<String, Vec<Flag>>,
    funnels: &[Funnel],
) -> Vec<QuarterRecord> {
    let points: Vec<_> = funnels.iter().map(Funnel::by_code).collect();
    results
        .iter()
        .map(|r| {
            let fired = flags.get(&r.code).map(Vec::as_slice).unwrap_or_default();
            let mut held: Vec<Held> = fired
                .iter()
                .map(|f| Held {
                    id: f.measure.id.clone(),
                    severity: Some(f.measure.severity),
                })
                .collect();
            held.dedup();
            let mut told: Vec<&Flag> = fired.iter().collect();
            told.sort_by_key(|f| f.order);
            let mut rules: Vec<String> = Vec::new();
            for f in told {
                if !rules.contains(&f.rule_id) {
                    rules.push(f.rule_id.clone());
                }
            }
            QuarterRecord {
                quarter,
                code: r.code.clone(),
                name: r.name.clone(),
                status: r.status,
                total: r.total,
                rank: r.rank,
                grade: r.grade.clone(),
                flags: held,
                rules,
                late: r.late,
                indicators: r
                    .indicators
                    .iter()
                    .map(|i| (i.id.clone(), i.value, i.score))
                    .collect(),
                funnel: funnels
                    .iter()
                    .zip(&points)
                    .filter_map(|(f, points)| {
                        let p = points.get(r.code.as_str())?;
                        Some((f.setting.id.clone(), p.z_adjusted))
                    })
                    .collect(),
            }
        })
        .collect()
}

/// What `check` found: every region's status, every problem, every file.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    pub results: Vec<RegionResult>,
    pub problems: Vec<Problem>,
    pub files: Vec<InputFile>,
    /// A working-day count the holiday table cannot decide, which would stop `score` (it is
    /// also one error among `problems`, against the holiday table).
    pub gap: Option<score::CalendarGap>,
    /// The 退回修改通知 and 补报通知 written (`check --feedback`).
    pub notices: Vec<PathBuf>,
}

/// ingest and score without history or flags, and the 数据质量 workbook written to `out`.
pub fn check(
    setup: &Setup,
    quarter: Quarter,
    input: &Path,
    out: &Path,
    run_time: &str,
    notices: Option<&Path>,
    progress: &dyn Progress,
) -> Result<CheckOutcome, Error> {
    let (mut batch, province) = ingest(setup, quarter, input, progress)?;
    let none = BTreeMap::new();
    let inputs = score::Inputs {
        scheme: &setup.scheme,
        calendar: &setup.calendar,
        quarter,
        province: &province,
        returned: &none,
    };
    let (results, gap) = match score::score(&setup.registry, &batch, &inputs) {
        Ok(results) => (results, None),
        Err(gap) => (score::statuses(&setup.registry, &batch), Some(gap)),
    };
    if let Some(gap) = &gap {
        batch.problems.push(Problem::error(
            Kind::Calendar,
            crate::problem::Source::new(&gap.origin, "", ""),
            format!(
                "{}按现有节假日表无法评分：score 会停止，不写排名工作簿和历史数据。{}",
                gap.what(),
                gap.remedy()
            ),
        ));
    }
    let a = Assessment {
        scheme: &setup.scheme,
        quarter,
        regions: results,
        flags: Default::default(),
        problems: batch.problems,
        files: batch.files,
        history: Vec::new(),
        analysis: Default::default(),
        findings: Default::default(),
        run_time: run_time.to_string(),
        reruns: Vec::new(),
        history_dir: None,
        scheme_change: None,
    };
    report::write_quality(&a, out)?;
    // The notices the office sends the day files arrive: no score, no history.
    let sent = match notices {
        Some(dir) => {
            let by = resubmit_deadline(setup, run_time);
            report::feedback::write_notices(&a, by, dir)?
        }
        None => Vec::new(),
    };
    Ok(CheckOutcome {
        results: a.regions,
        problems: a.problems,
        files: a.files,
        gap,
        notices: sent,
    })
}

/// "2025Q2→2025Q3": the quarters to score again, in the order to score them.
fn rerun_order(reruns: &[history::Rerun]) -> String {
    reruns
        .iter()
        .map(|r| r.quarter.to_string())
        .collect::<Vec<_>>()
        .join("→")
}

/// The 年度评定 file the scheme's `[annual]` reads, by region code; empty when it reads none.
/// Stops on a file the scheme needs and was not given, one given that it does not read, and on
/// any problem in it (each with its file, row and column).
type AnnualFindings = (
    BTreeMap<String, crate::annual::Findings>,
    Option<(String, String)>,
);

fn annual_findings(run: &AnnualRun) -> Result<AnnualFindings, Error> {
    let scheme = &run.setup.scheme;
    let needs = scheme.annual.needs_findings();
    let Some(path) = run.findings else {
        if needs {
            let mut what: Vec<String> = scheme
                .annual
                .items
                .iter()
                .map(|i| i.column.clone())
                .collect();
            if let Some(v) = &scheme.annual.veto {
                what.push(v.column.clone());
            }
            return Err(Error::Usage(format!(
                "指标体系的 [annual] 要读取年度评定文件（{}），请用 --findings 给出（CSV 或 Excel，每个地区一行，含“区划代码”列）",
                what.join("、")
            )));
        }
        return Ok((BTreeMap::new(), None));
    };
    if !needs {
        return Err(Error::Usage(format!(
            "给出了年度评定文件 {}，但指标体系的 [annual] 没有规定年度评定项目（items）或年度一票否决（veto），该文件不会被计入。\
             请在指标体系中写明，或去掉 --findings",
            path.display()
        )));
    }
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let table = ingest::tables::read(path)
        .map_err(|reason| Error::Usage(format!("年度评定文件 {}：{reason}", path.display())))?;
    let regions: Vec<(String, String)> = run
        .setup
        .registry
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    let found =
        crate::annual::read_findings(scheme, &table, &file, &regions).map_err(|problems| {
            Error::Usage(format!(
                "年度评定文件有{}处问题，未写入年度考核工作簿：\n  {}",
                problems.len(),
                problems.join("\n  ")
            ))
        })?;
    Ok((found, Some((path.display().to_string(), table.sha256))))
}

/// One year-end run (`kaoping annual`).
pub struct AnnualRun<'a> {
    pub setup: &'a Setup,
    pub year: i32,
    pub history: &'a Path,
    pub out: &'a Path,
    /// Go on when the history lacks a quarter of the year, every page saying so.
    pub partial: bool,
    /// The province's 年度评定 file (年终检查, 年度加减分, 年度一票否决), when `[annual]` reads one.
    pub findings: Option<&'a Path>,
    /// A folder for each region's annual 反馈单, when they are to be written.
    pub feedback: Option<&'a Path>,
    /// The annual 情况通报 draft (.docx), when it is to be written.
    pub bulletin: Option<&'a Path>,
    /// 评分时间 ("2026-01-20 09:00:00"): its day is the 制表日期.
    pub run_time: String,
}

/// The year's result from the four quarters the history holds, written to `run.out`. Stops,
/// naming them, when the history lacks a quarter of the year (unless `run.partial`) or all four.
///
/// # Errors
///
/// [`Error::Usage`] for a quarter missing or a year not in the history; [`Error::History`] for
/// a folder that cannot be read; [`Error::Report`] when the workbook cannot be written.
pub fn annual(run: &AnnualRun) -> Result<(crate::annual::Year, Vec<PathBuf>), Error> {
    let (year, inputs) = annual_year(run)?;
    let made = report::annual::AnnualReport {
        scheme: &run.setup.scheme,
        year: &year,
        run_time: run.run_time.clone(),
        history_dir: run.history.display().to_string(),
        quarters: inputs.0,
        findings: inputs.1,
    };
    report::annual::write(&made, run.out)?;
    let forms = match run.feedback {
        Some(dir) => report::annual_feedback::write_all(&made, dir)?,
        None => Vec::new(),
    };
    if let Some(path) = run.bulletin {
        let date = made_on(run.setup, &run.run_time);
        let issue = report::bulletin::Issue::with(report::bulletin::DEFAULT_REQUIREMENTS);
        let bytes = report::bulletin::annual_bytes(&made, &issue, date)?;
        crate::output::write_atomically(path, &bytes).map_err(ReportError::from)?;
    }
    Ok((year, forms))
}

/// Each quarter read (label, scheme that scored it, SHA-256) and the 年度评定 file (path,
/// SHA-256): what the annual workbook's 评分说明 lists.
type AnnualInputs = (Vec<(String, String, String)>, Option<(String, String)>);

/// The year's result without writing anything (`annual` writes it; `explain --year` tells it).
///
/// # Errors
///
/// As for [`annual`], but for the workbook.
pub fn annual_year(run: &AnnualRun) -> Result<(crate::annual::Year, AnnualInputs), Error> {
    let dir = run.history;
    let quarters = crate::annual::quarters_of(run.year);
    let (table, held) = history::table::scan(dir)?;
    let missing: Vec<Quarter> = quarters
        .iter()
        .copied()
        .filter(|q| !held.contains(q))
        .collect();
    let names = |qs: &[Quarter]| {
        qs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、")
    };
    if missing.len() == quarters.len() {
        return Err(Error::Usage(format!(
            "历史数据文件夹 {} 中没有{}年的任何季度（已有：{}）。请确认 --year 和 --history",
            dir.display(),
            run.year,
            if held.is_empty() {
                "无".to_string()
            } else {
                names(&held)
            }
        )));
    }
    if !missing.is_empty() && !run.partial {
        return Err(Error::Usage(format!(
            "历史数据中缺少{}的考核结果，{}年度结果无法完成，未写入年度考核工作簿。\
             请先按季度顺序评分{}（score … --history {}），再运行 annual；\
             如确需先看未完成的结果，加 --partial（每页注明“年度结果未完成”）",
            names(&missing),
            run.year,
            names(&missing),
            dir.display()
        )));
    }
    let (findings, findings_file) = annual_findings(run)?;
    let scheme = &run.setup.scheme;
    // The years before, for rules over several years: those whose four quarters the history
    // holds (without their 年度评定 files, which are not kept).
    let span = scheme
        .annual
        .rules
        .iter()
        .filter_map(|r| r.years)
        .max()
        .unwrap_or(1);
    let mut years = vec![run.year];
    let mut lacking = Vec::new();
    for k in 1..span {
        let y = run.year - i32::try_from(k).unwrap_or(0);
        if crate::annual::quarters_of(y)
            .iter()
            .all(|q| held.contains(q))
        {
            years.push(y);
        } else {
            lacking.push(format!("{y}年"));
        }
    }
    // One pass over the table: the years' rows as records, and their quarters as counted.
    let damaged = |e: polars::prelude::PolarsError| HistoryError::Damaged {
        path: dir.display().to_string(),
        source: e.into(),
    };
    let rows = crate::annual::table::of_years(table.clone(), &years)
        .collect()
        .map_err(damaged)?;
    let records = history::records_of(dir, &rows)?;
    let decimals = scheme.decimals;
    let mut counted =
        crate::annual::table::parts(&rows, &years, &scheme.annual, decimals, &missing)
            .and_then(crate::annual::table::collect)
            .map_err(damaged)?;
    let mut combine =
        |y: i32, missing: &[Quarter], findings: &BTreeMap<String, crate::annual::Findings>| {
            let recs: Vec<QuarterRecord> = records
                .iter()
                .filter(|r| r.quarter.year == y)
                .cloned()
                .collect();
            let parts = counted.remove(&y).unwrap_or_default();
            crate::annual::combine(scheme, y, &parts, &recs, missing, findings)
        };
    let mut year = combine(run.year, &missing, &findings);
    let earlier: Vec<crate::annual::Year> = years[1..]
        .iter()
        .map(|&y| combine(y, &[], &BTreeMap::new()))
        .collect();
    year.province_mean = crate::annual::table::province_means(&rows, run.year).map_err(damaged)?;
    if !lacking.is_empty() {
        year.earlier_missing = Some(format!(
            "历史数据中没有{}的完整四个季度，跨年的督办规则（years > 1）无法判定，本年度未因此提出措施",
            lacking.join("、")
        ));
    }
    let made_on = made_on(run.setup, &run.run_time);
    let year_end = crate::annual::quarters_of(run.year)
        .last()
        .map_or(made_on, |q| q.last_day());
    let deadline = |d: &crate::scheme::DeadlineDef| match d {
        crate::scheme::DeadlineDef::DaysAfterQuarter(n) => {
            year_end + chrono::Duration::days(i64::from(*n))
        }
        crate::scheme::DeadlineDef::WorkingDaysAfterTabulation(n) => {
            run.setup.calendar.add_working_days(made_on, *n)
        }
    };
    year.flags = crate::annual::measures(scheme, &year, &earlier, &deadline);
    let mut made: Vec<(String, String, String)> = Vec::new();
    for (q, p) in history::provenance(dir, None)? {
        if !quarters.contains(&q) {
            continue;
        }
        made.push((
            q.label(),
            p.map_or_else(
                || "评分时未记录所用指标体系（较早版本写入）".to_string(),
                |p| p.describe(),
            ),
            history::file_hash(dir, q)?,
        ));
    }
    Ok((year, (made, findings_file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A holiday table extended by the province (saved by Excel as GB18030) covers 2027:
    /// 2027-01-01 is a holiday, and messages name the file.
    #[test]
    fn a_province_holiday_table_extends_the_calendar() {
        let mut text = crate::registry::calendar::BUILTIN_HOLIDAYS.to_string();
        text.push_str("2027-01-01,休,元旦\n");
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("节假日.csv");
        std::fs::write(&path, &bytes).unwrap();
        let cal = load_calendar(&path).unwrap();
        let new_year = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert!(!cal.is_working_day(new_year));
        assert!(cal.covers(2027));
        assert!(!Calendar::builtin().unwrap().covers(2027));
        assert!(cal.origin().ends_with("节假日.csv"), "{}", cal.origin());
        assert_eq!(
            Calendar::builtin().unwrap().origin(),
            "内置的 templates/holidays.csv"
        );
    }
}
