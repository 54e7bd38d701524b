//! The print setup of a sheet ([`Page`]): title block, paper, orientation, fit, repeated rows.

use super::*;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// A4 in points (width, height, portrait), and the margins every sheet has, in inches: left,
/// right, top, bottom, header, footer.
const A4_POINTS: (f64, f64) = (595.0, 842.0);
const MARGINS: [f64; 6] = [0.5, 0.5, 0.65, 0.6, 0.3, 0.3];

/// The most manual page breaks a sheet may have in Excel.
const MAX_BREAKS: usize = 1023;

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

    /// The width and height of the paper inside the margins, in points.
    fn printable(&self) -> (f64, f64) {
        let (w, h) = if self.landscape {
            (A4_POINTS.1, A4_POINTS.0)
        } else {
            A4_POINTS
        };
        let [left, right, top, bottom, ..] = MARGINS;
        (w - (left + right) * 72.0, h - (top + bottom) * 72.0)
    }

    /// The percentage at which the sheet prints: its [`Fit::Scale`], or for [`Fit::Width`] the
    /// largest at which columns of `widths` fit across, with Excel's metrics for 宋体 (the
    /// widest print of the two programs: LibreOffice, measuring with a substitute font, prints
    /// smaller).
    fn percent(&self, widths: &[f64]) -> f64 {
        match self.fit {
            Fit::Scale(p) => f64::from(p),
            Fit::Width | Fit::OnePage => {
                let points: f64 = widths.iter().map(|w| crate::xlsx::column_points(*w)).sum();
                (self.printable().0 / points.max(1.0) * 100.0).clamp(10.0, 100.0)
            }
        }
    }

    /// The height in points (at the sheet's own row heights) that one printed page holds below
    /// `repeated` points of repeated rows, for columns `widths` wide; a little less, for rounding
    /// of row heights to pixels.
    pub(crate) fn room(&self, widths: &[f64], repeated: f64) -> f64 {
        (self.printable().1 / (self.percent(widths) / 100.0) - repeated) * 0.97
    }

    /// Page breaks so that no group of rows (first, last) is split across pages, for a sheet of
    /// columns `widths` wide and rows `heights` points high, below the repeated rows. A group
    /// taller than a page starts a page and runs on. The page is reckoned at the largest print
    /// Excel or LibreOffice would make, so a break comes early rather than late. (Fitted to one
    /// page wide and any number tall, both keep manual breaks.)
    pub(crate) fn keep_together(&mut self, widths: &[f64], heights: &[f64], groups: &[(u32, u32)]) {
        let height = |first: u32, last: u32| -> f64 {
            (first..=last)
                .map(|r| heights.get(r as usize).copied().unwrap_or(0.0))
                .sum()
        };
        let repeated = self.repeat_rows.map_or(0.0, |(a, b)| height(a, b));
        let room = self.room(widths, repeated);
        let mut used = 0.0;
        self.row_breaks.clear();
        for &(first, last) in groups {
            let h = height(first, last);
            if self.row_breaks.len() == MAX_BREAKS {
                // Excel keeps no more; the pages after follow its own breaks.
                break;
            }
            if used > 0.0 && used + h > room {
                self.row_breaks.push(first);
                used = 0.0;
            }
            used += h;
        }
    }

    pub(super) fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        if self.landscape {
            ws.set_landscape();
        } else {
            ws.set_portrait();
        }
        ws.set_paper_size(PAPER_A4);
        let [left, right, top, bottom, header, footer] = MARGINS;
        ws.set_margins(left, right, top, bottom, header, footer);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups are never split, each page holds as many whole groups as fit, and a group taller
    /// than a page starts one of its own.
    #[test]
    fn keep_together_breaks_only_between_groups() {
        let mut page = Page::table("办", "2025年第四季度", 2, 200, 5, 0);
        // Three repeated rows, then groups of 10, 30, 10, 10 and 200 rows of 15 points.
        let heights = vec![15.0; 300];
        let groups = [(3, 12), (13, 42), (43, 52), (53, 62), (63, 262)];
        // Columns that print at 100%: the page (505 points) holds (505 − 45) × 0.97 = 446
        // points, 29 rows.
        page.keep_together(&[40.0, 40.0], &heights, &groups);
        assert_eq!(page.row_breaks, [13, 43, 63]);
        // Twice as wide prints at about half size: everything up to the tall group on one page.
        page.keep_together(&[150.0, 150.0], &heights, &groups);
        assert_eq!(page.row_breaks, [63]);
    }
}
