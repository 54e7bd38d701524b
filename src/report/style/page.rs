//! The print setup of a sheet ([`Page`]): title block, paper, orientation, fit, repeated rows.

use super::*;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// How a sheet is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// One page wide, as many pages tall as it takes.
    Width,
    /// The whole print area on one page.
    OnePage,
    /// At this percentage of actual size; the sheet's column breaks decide the pages across.
    Scale(u16),
}

/// Print and view setup of a sheet.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// The header and footer: the office and the quarter.
    pub office: String,
    pub quarter: String,
    /// Rows repeated on every printed page (first, last), e.g. the title and header rows.
    pub repeat_rows: Option<(u32, u32)>,
    /// Columns repeated on every printed page (first, last).
    pub repeat_cols: Option<(u16, u16)>,
    /// The first row and column that scroll.
    pub freeze: Option<(u32, u16)>,
    /// Autofilter over (header row, last row, last column).
    pub filter: Option<(u32, u32, u16)>,
    /// (last row, last column) of what is printed, from A1.
    pub print_area: Option<(u32, u16)>,
    pub fit: Fit,
    /// Landscape (the ranking workbook) or portrait (a region's 反馈单).
    pub landscape: bool,
    /// A new page starts at each of these rows / columns.
    pub row_breaks: Vec<u32>,
    pub col_breaks: Vec<u16>,
}

impl Page {
    /// A table sheet: the title block and the header in `header_row` repeated on every page,
    /// frozen below the header and right of `fixed_cols`, filtered to `last_row`.
    pub(crate) fn table(
        office: &str,
        quarter: &str,
        header_row: u32,
        last_row: u32,
        last_col: u16,
        fixed_cols: u16,
    ) -> Page {
        Page {
            office: office.to_string(),
            quarter: quarter.to_string(),
            repeat_rows: Some((TITLE_ROW, header_row)),
            repeat_cols: None,
            freeze: Some((header_row + 1, fixed_cols)),
            filter: Some((header_row, last_row.max(header_row), last_col)),
            print_area: None,
            fit: Fit::Width,
            landscape: true,
            row_breaks: Vec::new(),
            col_breaks: Vec::new(),
        }
    }

    /// A sheet of text and charts: title block, nothing frozen or filtered.
    pub(crate) fn document(office: &str, quarter: &str) -> Page {
        Page {
            repeat_rows: None,
            freeze: None,
            filter: None,
            ..Page::table(office, quarter, SUBTITLE_ROW, SUBTITLE_ROW, 0, 0)
        }
    }

    pub(super) fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        if self.landscape {
            ws.set_landscape();
        } else {
            ws.set_portrait();
        }
        ws.set_paper_size(PAPER_A4);
        ws.set_margins(0.5, 0.5, 0.65, 0.6, 0.3, 0.3);
        ws.set_print_center_horizontally(true);
        match self.fit {
            Fit::Width => {
                ws.set_print_fit_to_pages(1, 0);
            }
            Fit::OnePage => {
                ws.set_print_fit_to_pages(1, 1);
            }
            Fit::Scale(percent) => {
                ws.set_print_scale(percent);
            }
        }
        let amp = |s: &str| s.replace('&', "&&");
        ws.set_header(format!(
            "&L{}&C&A&R{}",
            amp(&self.office),
            amp(&self.quarter)
        ));
        ws.set_footer("&C第 &P 页，共 &N 页");
        if let Some((first, last)) = self.repeat_rows {
            ws.set_repeat_rows(first, last)?;
        }
        if let Some((first, last)) = self.repeat_cols {
            ws.set_repeat_columns(first, last)?;
        }
        if let Some((row, col)) = self.freeze {
            ws.set_freeze_panes(row, col)?;
        }
        if let Some((header, last_row, last_col)) = self.filter {
            ws.autofilter(header, 0, last_row.max(header), last_col)?;
        }
        if let Some((last_row, last_col)) = self.print_area {
            ws.set_print_area(0, 0, last_row, last_col)?;
        }
        if !self.row_breaks.is_empty() {
            ws.set_page_breaks(&self.row_breaks)?;
        }
        if !self.col_breaks.is_empty() {
            let cols: Vec<u32> = self.col_breaks.iter().map(|c| u32::from(*c)).collect();
            ws.set_vertical_page_breaks(&cols)?;
        }
        Ok(())
    }
}
