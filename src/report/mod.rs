//! The ranking workbook that leadership reads, and (`bulletin`) the 情况通报 draft sent after it.
//! Only this module and `template` write workbooks.
//!
//! One file per sheet, in the order they appear: 总排名 (`ranking`), 总分图 (`bars`), 分项得分
//! (`scores`), 指标明细 (`details`), 预警与督办 (`flags`), 漏斗图 (`funnel`), 趋势 (`trend`), 数据质量
//! (`quality`), 评分说明 (`notes`); `style` holds the layout and look they share. Text that came
//! from a submission is always written as a string, never as a formula, and the document date is
//! fixed by the quarter, so the same `Assessment` gives a byte-identical workbook.

pub mod accounts;
pub mod annual;
pub mod annual_feedback;
mod bars;
pub mod bulletin;
pub mod comparison;
mod details;
pub mod explain;
pub mod feedback;
mod flags;
mod funnel;
mod legend;
mod notes;
mod quality;
pub mod ranking;
mod scores;
pub mod standing;
mod style;
mod trend;

use crate::flag::{Flag, Measure};
use crate::output::OutputError;
use crate::problem::Problem;
use crate::quarter::Quarter;
use crate::record::QuarterRecord;
use crate::scheme::MeasureDef;
use crate::scheme::Scheme;
use crate::score::RegionResult;
use crate::stats::Analysis;
use crate::submission::{Findings, InputFile};
use rust_xlsxwriter::{DocProperties, Workbook, Worksheet, XlsxError};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Everything the report shows for one quarter.
#[derive(Debug, Clone)]
pub struct Assessment<'a> {
    pub scheme: &'a Scheme,
    pub quarter: Quarter,
    /// Every region of the registry, in rank order (未报送 last).
    pub regions: Vec<RegionResult>,
    /// Flags by region code, most serious first.
    pub flags: BTreeMap<String, Vec<Flag>>,
    /// Every problem found in ingest (submissions and 省级评定.csv).
    pub problems: Vec<Problem>,
    /// Every input file with its SHA-256.
    pub files: Vec<InputFile>,
    /// Earlier quarters from the history folder (not the current one), oldest first.
    pub history: Vec<QuarterRecord>,
    /// Funnels, rank intervals and anomalies (the anomalies are also among `problems`).
    pub analysis: Analysis,
    /// Whether the ranking rests on the province's findings (stated on 总排名 and 评分说明).
    pub findings: Findings,
    /// 评分时间 shown in 评分说明 (e.g. "2026-01-15 09:30:00").
    pub run_time: String,
    /// Quarters in the history folder that must be scored again (this one among them, when it
    /// read a history about to change), oldest first; shown on 总排名 and 评分说明.
    pub reruns: Vec<crate::history::Rerun>,
    /// The history folder the run read and will write, as given.
    pub history_dir: Option<String>,
    /// Why this quarter is scored under another scheme id or registry than the history's
    /// earlier quarters (`--scheme-change`).
    pub scheme_change: Option<String>,
}

impl Assessment<'_> {
    /// The 制表日期 (the day of 评分时间, else the quarter's last day) with the shipped holiday
    /// calendar: what the legends count a measure's 整改期限 from when no region carries it.
    pub(crate) fn clock(&self) -> crate::flag::Clock<'static> {
        crate::flag::Clock {
            made_on: self
                .run_time
                .get(..10)
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .unwrap_or_else(|| self.quarter.last_day()),
            calendar: crate::flag::builtin_calendar(),
        }
    }

    /// The 整改期限 a measure gives this quarter: as a region under it carries it, else counted.
    pub(crate) fn deadline_of(&self, m: &MeasureDef) -> Option<chrono::NaiveDate> {
        let d = m.deadline.as_ref()?;
        self.flags
            .values()
            .flatten()
            .filter(|f| f.measure.id == m.id)
            .find_map(|f| f.deadline)
            .or_else(|| Some(self.clock().deadline(d, self.quarter)))
    }

    /// The region's record for the quarter before this one, if history has it.
    /// The quarters the history held before this one, oldest first.
    pub fn history_quarters(&self) -> Vec<Quarter> {
        let mut qs: Vec<Quarter> = self.history.iter().map(|h| h.quarter).collect();
        qs.sort();
        qs.dedup();
        qs
    }

    /// What a gap in the history means for this quarter's measures ([`crate::flag::history_gap_notice`]).
    pub fn history_gap_notice(&self) -> Option<String> {
        crate::flag::history_gap_notice(self.scheme, &self.history_quarters(), self.quarter)
    }

    pub fn previous(&self, code: &str) -> Option<&QuarterRecord> {
        let prev = self.quarter.prev();
        self.history
            .iter()
            .find(|r| r.quarter == prev && r.code == code)
    }
}

impl Assessment<'_> {
    /// The current result of the region with this code.
    pub fn region(&self, code: &str) -> Option<&RegionResult> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The problems found in the region's files (ingest's, and the statistics' warnings):
    /// those that name it, and those in a file that belongs to it, less those of a file a later
    /// submission superseded. Errors first.
    pub fn problems_of(&self, code: &str) -> Vec<&Problem> {
        let files: Vec<&str> = self
            .files
            .iter()
            .filter(|f| f.region_code.as_deref() == Some(code))
            .map(|f| f.file.as_str())
            .collect();
        let mut found: Vec<&Problem> = self
            .problems
            .iter()
            .filter(|p| match &p.region {
                Some(c) => c == code,
                None => files.contains(&p.source.file.as_str()),
            })
            // The region's forms speak of the file that was used: a superseded file is named
            // in the 重复报送 note, not its errors.
            .filter(|p| {
                p.kind == crate::problem::Kind::Superseded
                    || crate::submission::bears_on_result(p, &self.files)
            })
            // What only the office acts on: 疑似抄报 names another region, and how a file was
            // attributed is the office's bookkeeping, nothing the region can correct.
            .filter(|p| {
                p.kind != crate::problem::Kind::SuspectedCopy
                    && !(p.kind == crate::problem::Kind::Region
                        && p.severity == crate::problem::Severity::Warning)
            })
            .collect();
        // The 重复报送 note is on every file of the region: told once.
        let mut told = false;
        found.retain(|p| {
            if p.kind != crate::problem::Kind::Superseded {
                return true;
            }
            !std::mem::replace(&mut told, true)
        });
        found.sort_by_key(|p| p.severity);
        found
    }

    /// The region's one measure this quarter (its most serious flag, every rule folded in).
    pub fn measure(&self, code: &str) -> Option<Measure> {
        self.flags.get(code).and_then(|fs| Measure::of(fs))
    }

    /// The region's measure this quarter, as the scheme defines it.
    pub fn top_flag(&self, code: &str) -> Option<&MeasureDef> {
        self.flags
            .get(code)
            .and_then(|fs| fs.iter().map(|f| &f.measure).min())
    }

    /// What to tell the reader about quarters to score again, if any (`history::notice`).
    pub(crate) fn rerun_notice(&self) -> Option<String> {
        crate::history::notice(&self.reruns, self.quarter)
            .map(|n| format!("{n}各季度的原因见“数据质量”。"))
    }

    /// The title of a sheet: office, quarter and what the sheet is.
    pub(crate) fn title(&self, sheet: &str) -> String {
        sheet_title(&self.scheme.office.name, self.quarter, sheet)
    }

    /// [`Assessment::subtitle`] on two lines, for a page too narrow for one.
    pub(crate) fn subtitle_narrow(&self) -> String {
        self.subtitle().replacen("　　制表日期", "\n制表日期", 1)
    }

    /// The line under every title: the scheme by name and version, and the 制表日期.
    pub(crate) fn subtitle(&self) -> String {
        let omitted = match self.findings {
            Findings::Used => "",
            Findings::Omitted(_) => "\n【本表未计入省级评定，不能作为正式考评结果】",
        };
        // The scheme's id is the engine's key (评分说明 names it); a reader knows the scheme by
        // its name and version.
        format!(
            "指标体系：{}（版本{}）　　制表日期：{}{omitted}",
            self.scheme.name,
            self.scheme.version,
            self.made_on()
        )
    }

    /// 制表日期: the date of the run.
    pub(crate) fn made_on(&self) -> String {
        made_on(&self.run_time)
    }

    /// A table sheet begun: the title block over `headers`, the header row in row 2 (texts wrap
    /// beyond `header_max` units), and the columns whose widths are fixed.
    pub(crate) fn table_grid(
        &self,
        sheet: &str,
        headers: &[&str],
        header_max: f64,
        widths: &[(u16, f64)],
    ) -> style::Grid {
        let mut g = style::Grid::new();
        let last_col = u16::try_from(headers.len().saturating_sub(1)).unwrap_or(u16::MAX);
        g.title(&self.title(sheet), &self.subtitle(), last_col);
        g.header(TABLE_HEADER_ROW, headers, header_max);
        for (col, w) in widths {
            g.set_width(*col, *w);
        }
        g
    }

    /// The page setup of a table sheet (see [`style::Page::table`]).
    pub(crate) fn table_page(
        &self,
        header_row: u32,
        last_row: u32,
        last_col: u16,
        fixed_cols: u16,
    ) -> style::Page {
        style::Page::table(
            &self.scheme.office.name,
            &self.quarter.label(),
            header_row,
            last_row,
            last_col,
            fixed_cols,
        )
    }

    /// The page setup of a sheet of text and charts.
    pub(crate) fn document_page(&self) -> style::Page {
        style::Page::document(&self.scheme.office.name, &self.quarter.label())
    }

    /// "440103 荔湾区", or the code alone when the region is not among the results.
    pub fn region_label(&self, code: &str) -> String {
        match self.region(code) {
            Some(r) => format!("{} {}", r.code, r.name),
            None => code.to_string(),
        }
    }
}

/// The title of a sheet of any workbook the office prints: office, quarter and what it is.
pub(crate) fn sheet_title(office: &str, quarter: Quarter, sheet: &str) -> String {
    format!(
        "{office}　{}打击侵权假冒工作考核评价　{sheet}",
        quarter.label()
    )
}

/// 制表日期 in words (`2026年1月20日`) from a 评分时间 such as `2026-01-20 09:30:00`.
pub(crate) fn made_on(run_time: &str) -> String {
    let date = run_time.get(..10).unwrap_or(run_time);
    match chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        Ok(d) => d.format("%Y年%-m月%-d日").to_string(),
        Err(_) => date.to_string(),
    }
}

/// The header row of a table sheet, under the title block (rows 0–1).
pub(crate) const TABLE_HEADER_ROW: u32 = 2;

/// Regions by code, built once by sheets that look many up (a search per row would be quadratic
/// for a nationwide run of 2,850 regions).
pub(crate) struct Regions<'b> {
    list: &'b [RegionResult],
    by_code: HashMap<&'b str, usize>,
}

impl<'b> Regions<'b> {
    pub(crate) fn new(list: &'b [RegionResult]) -> Regions<'b> {
        let mut by_code = HashMap::with_capacity(list.len());
        for (i, r) in list.iter().enumerate() {
            by_code.entry(r.code.as_str()).or_insert(i);
        }
        Regions { list, by_code }
    }

    /// The region's place in rank order.
    pub(crate) fn place(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    pub(crate) fn get(&self, code: &str) -> Option<&'b RegionResult> {
        self.place(code).and_then(|i| self.list.get(i))
    }

    /// "440103 荔湾区", or the code alone for a region not among the results.
    pub(crate) fn label(&self, code: &str) -> String {
        match self.get(code) {
            Some(r) => format!("{} {}", r.code, r.name),
            None => code.to_string(),
        }
    }
}

/// The ranking workbook could not be made or saved.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// rust_xlsxwriter refused a sheet (a limit of Excel, e.g. too many rows).
    #[error("生成排名工作簿的“{sheet}”工作表失败：{source}")]
    Sheet {
        sheet: &'static str,
        #[source]
        source: Box<XlsxError>,
    },
    /// docx-rs could not pack the 情况通报 (its zip writer failed).
    #[error("生成情况通报失败：{source}")]
    Bulletin {
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The workbook or document could not be written to its file.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Builds the ranking workbook.
///
/// # Errors
///
/// [`ReportError::Sheet`] when a sheet exceeds what Excel can hold.
pub fn build(a: &Assessment) -> Result<Workbook, ReportError> {
    let mut wb = new_workbook(a);
    add_sheet(&mut wb, ranking::NAME, |ws| ranking::write(ws, a))?;
    add_sheet(&mut wb, bars::NAME, |ws| bars::write(ws, a))?;
    add_sheet(&mut wb, scores::NAME, |ws| scores::write(ws, a))?;
    add_sheet(&mut wb, details::NAME, |ws| details::write(ws, a))?;
    add_sheet(&mut wb, flags::NAME, |ws| flags::write(ws, a))?;
    add_sheet(&mut wb, funnel::NAME, |ws| funnel::write(ws, a))?;
    add_sheet(&mut wb, trend::NAME, |ws| trend::write(ws, a))?;
    add_sheet(&mut wb, quality::NAME, |ws| quality::write(ws, a))?;
    add_sheet(&mut wb, notes::NAME, |ws| notes::write(ws, a))?;
    Ok(wb)
}

/// Builds the ranking workbook and saves it atomically (temporary file, then rename).
///
/// # Errors
///
/// [`ReportError::Sheet`] as for [`build`]; [`ReportError::Output`] when the file cannot be
/// written.
pub fn write(a: &Assessment, path: &Path) -> Result<(), ReportError> {
    let mut wb = build(a)?;
    crate::output::save_workbook(&mut wb, path)?;
    Ok(())
}

/// A workbook with only the 数据质量 sheet (for `kaoping check`), saved atomically.
///
/// # Errors
///
/// As for [`write`].
pub fn write_quality(a: &Assessment, path: &Path) -> Result<(), ReportError> {
    let mut wb = new_workbook(a);
    add_sheet(&mut wb, quality::NAME, |ws| quality::write(ws, a))?;
    crate::output::save_workbook(&mut wb, path)?;
    Ok(())
}

/// A region's place in a table's rank column: its rank when scored; "—" when it was not (it
/// takes no part in the ranking and is listed last).
pub(super) fn rank_cell(
    g: &mut style::Grid,
    row: u32,
    col: u16,
    r: &RegionResult,
    fill: style::Fill,
) {
    if r.is_scored() {
        g.num(row, col, f64::from(r.rank), style::Kind::Int, fill);
    } else {
        g.styled(row, col, "—", style::Kind::Label, fill, style::Tone::Normal);
    }
}

/// An empty workbook whose document properties depend only on the assessment: the creation date
/// is the quarter's last day, so output is byte-identical from run to run.
fn new_workbook(a: &Assessment) -> Workbook {
    let mut wb = crate::xlsx::workbook();
    // Level 3 instead of 6: about half the time to save for a file about a tenth larger.
    wb.set_zip_compression_level(3);
    let created = a.quarter.last_day();
    let props = DocProperties::new()
        .set_title(format!("{} {} 排名", a.scheme.name, a.quarter.label()))
        .set_subject("打击侵权假冒工作考核评价")
        .set_author(format!("kaoping {}", env!("CARGO_PKG_VERSION")))
        .set_comment(format!(
            "指标体系 {} 版本 {}，季度 {}",
            a.scheme.id, a.scheme.version, a.quarter
        ))
        .set_creation_datetime(&created)
        .set_custom_property("scheme_id", a.scheme.id.as_str())
        .set_custom_property("scheme_version", a.scheme.version.as_str())
        .set_custom_property("quarter", a.quarter.to_string());
    wb.set_properties(&props);
    wb
}

/// Adds a worksheet named `name` and fills it with `fill`. Every sheet is written in row order
/// (see `style::Grid`), so each is a low-memory worksheet: rows go to a temporary file as they are
/// written and a nationwide run does not hold every cell in memory.
pub(crate) fn add_sheet(
    wb: &mut Workbook,
    name: &'static str,
    fill: impl FnOnce(&mut Worksheet) -> Result<(), XlsxError>,
) -> Result<(), ReportError> {
    let err = |e: XlsxError| ReportError::Sheet {
        sheet: name,
        source: Box::new(e),
    };
    let ws = wb.add_worksheet_with_low_memory().map_err(err)?;
    ws.set_name(name).map_err(err)?;
    fill(ws).map_err(err)
}
