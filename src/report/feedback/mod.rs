//! What the office sends each region after scoring, one workbook per region, printed on A4
//! portrait: a scored region's 反馈单 (`sheet`), or, for a region not scored, a 退回修改通知 (its
//! file had errors) or a 补报通知 (it sent nothing) with the errors and the deadline (`notice`).
//! Every figure is read from the same results as the ranking workbook.

mod notice;
mod sheet;

use super::standing::Province;
use super::{style, Assessment, ReportError};
use crate::record::Status;
use crate::score::RegionResult;
use chrono::NaiveDate;
use rayon::prelude::*;
use rust_xlsxwriter::{DocProperties, Workbook};
use std::path::{Path, PathBuf};

/// What a region is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// 反馈单: a scored region's result and where it lost points.
    Feedback,
    /// 退回修改通知: the file had errors; fix them and send it again.
    Returned,
    /// 补报通知: nothing was received.
    Missing,
}

impl Form {
    /// Every form, in the order above.
    pub const ALL: [Form; 3] = [Form::Feedback, Form::Returned, Form::Missing];

    /// The form a region with this status gets.
    pub fn of(status: Status) -> Form {
        match status {
            Status::Scored => Form::Feedback,
            Status::Invalid | Status::Unreadable => Form::Returned,
            Status::Missing => Form::Missing,
        }
    }

    /// Its name, in titles and file names.
    pub fn label(self) -> &'static str {
        match self {
            Form::Feedback => "反馈单",
            Form::Returned => "退回修改通知",
            Form::Missing => "补报通知",
        }
    }
}

/// The file a region's form is written to: "445200_揭阳市_2025Q4_反馈单.xlsx".
pub fn file_name(r: &RegionResult, quarter: crate::quarter::Quarter, form: Form) -> String {
    let name: String = r
        .name
        .chars()
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect();
    format!("{}_{name}_{quarter}_{}.xlsx", r.code, form.label())
}

/// Writes every region's form into `dir` (created if need be), each saved atomically, in
/// parallel; a form of another kind left there for the same region and quarter by an earlier
/// run is removed, so the folder never holds a 反馈单 and a 退回修改通知 for one region.
/// `resubmit_by` is the deadline a 退回修改通知 or 补报通知 gives. Returns the files written, in
/// rank order.
///
/// # Errors
///
/// The first form that could not be made or saved.
pub fn write_all(
    a: &Assessment,
    resubmit_by: NaiveDate,
    dir: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    write_forms(a, resubmit_by, dir, |_| true)
}

/// Writes only the notices (退回修改通知, 补报通知) of the regions not scored, as [`write_all`]
/// does: what `check --feedback` sends the day files arrive, before any scoring.
///
/// # Errors
///
/// The first notice that could not be made or saved.
pub fn write_notices(
    a: &Assessment,
    resubmit_by: NaiveDate,
    dir: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    write_forms(a, resubmit_by, dir, |r| !r.is_scored())
}

fn write_forms(
    a: &Assessment,
    resubmit_by: NaiveDate,
    dir: &Path,
    wanted: impl Fn(&RegionResult) -> bool + Sync,
) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| {
        ReportError::Output(crate::output::OutputError::Write {
            path: dir.display().to_string(),
            source,
        })
    })?;
    let province = Province::new(a.scheme, &a.regions);
    let write_err = |path: &Path, source: std::io::Error| {
        ReportError::Output(crate::output::OutputError::Write {
            path: path.display().to_string(),
            source,
        })
    };
    // Every form is made in a staging folder first and moved in only when all are made, so a
    // run killed or failing half-way never leaves half a folder of this quarter's forms.
    let (staging, _cleanup) =
        crate::interrupt::staging_folder(dir).map_err(|e| write_err(dir, e))?;
    let regions: Vec<&RegionResult> = a.regions.iter().filter(|r| wanted(r)).collect();
    let made: Vec<(PathBuf, PathBuf, Form)> = regions
        .par_iter()
        .map(|r| {
            let form = Form::of(r.status);
            let name = file_name(r, a.quarter, form);
            let staged = staging.path().join(&name);
            let mut wb = build(a, &province, r, resubmit_by)?;
            crate::output::save_workbook(&mut wb, &staged)?;
            Ok((staged, dir.join(name), form))
        })
        .collect::<Result<_, ReportError>>()?;
    let mut paths = Vec::with_capacity(made.len());
    for ((staged, path, form), r) in made.into_iter().zip(regions) {
        for other in Form::ALL.into_iter().filter(|f| *f != form) {
            let stale = dir.join(file_name(r, a.quarter, other));
            if stale.exists() {
                std::fs::remove_file(&stale).map_err(|e| write_err(&stale, e))?;
            }
        }
        std::fs::rename(&staged, &path).map_err(|e| write_err(&path, e))?;
        paths.push(path);
    }
    Ok(paths)
}

/// One region's form as a workbook of one sheet.
///
/// # Errors
///
/// [`ReportError::Sheet`] when rust_xlsxwriter refuses the sheet.
pub fn build(
    a: &Assessment,
    province: &Province,
    r: &RegionResult,
    resubmit_by: NaiveDate,
) -> Result<Workbook, ReportError> {
    let form = Form::of(r.status);
    let mut wb = crate::xlsx::workbook();
    wb.set_zip_compression_level(3);
    let props = DocProperties::new()
        .set_title(format!("{}{}{}", r.name, a.quarter.label(), form.label()))
        .set_subject("打击侵权假冒工作考核评价")
        .set_author(format!("kaoping {}", env!("CARGO_PKG_VERSION")))
        .set_company(&a.scheme.office.name)
        .set_creation_datetime(&a.quarter.last_day());
    wb.set_properties(&props);
    let name = form.label();
    let fill = |ws: &mut rust_xlsxwriter::Worksheet| match form {
        Form::Feedback => sheet::write(ws, a, province, r),
        Form::Returned | Form::Missing => notice::write(ws, a, r, form, resubmit_by),
    };
    super::add_sheet(&mut wb, name, fill)?;
    Ok(wb)
}

/// The page of a form: A4 portrait, one page wide, the title block repeated on every page.
fn page(a: &Assessment, last_row: u32, last_col: u16) -> style::Page {
    style::Page {
        landscape: false,
        print_area: Some((last_row, last_col)),
        ..a.document_page()
    }
}
