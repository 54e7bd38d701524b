//! The look every sheet of the ranking workbook shares, and the way a sheet is laid out before it
//! is written.
//!
//! A sheet is first recorded in a [`Grid`] (values, formats, merged ranges), then [`Grid::render`]
//! measures it and writes it in row order: column widths from the text (a CJK character is about
//! two width units, which rust_xlsxwriter's autofit does not know), row heights from the wrapped
//! text and the final widths (LibreOffice does not grow rows on open, so wrapped text would print
//! over the next row), and the print setup leadership expects: a title block naming the office,
//! quarter, scheme and 制表日期, A4 landscape, one page wide, header rows repeated, page numbers.
//! Writing in row order lets every sheet use rust_xlsxwriter's low-memory mode, so a nationwide
//! run does not hold every cell of the big sheets twice.

pub(crate) mod chart;
mod formats;
mod grid;
mod page;

pub(crate) use formats::{Fill, Kind, Style, Tone};
#[cfg(test)]
use grid::{clip, lines_in};
pub(crate) use grid::{text_width, Grid};
pub(crate) use page::{Fit, Page};

/// Excel's paper size code for A4.
const PAPER_A4: u8 = 9;
/// The narrowest and widest column, in Excel width units.
const MIN_WIDTH: f64 = 5.0;
const MAX_WIDTH: f64 = 60.0;
/// Excel keeps at most 32,767 UTF-16 units in a cell; longer text is cut here with "…".
const MAX_TEXT_UNITS: usize = 32_000;
/// Height of one line of 11 pt text with CJK glyphs, in points, and the padding of a row.
const LINE_HEIGHT: f64 = 15.0;
const ROW_PADDING: f64 = 3.0;
/// Rows at the default height need no explicit height.
const DEFAULT_HEIGHT: f64 = 15.0;
/// Title block: the sheet's title and the line under it.
pub(crate) const TITLE_ROW: u32 = 0;
pub(crate) const SUBTITLE_ROW: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_twice_as_wide() {
        assert_eq!(text_width("abc"), 3.0);
        assert_eq!(text_width("地区"), 4.0);
        assert_eq!(text_width("A1 领导小组健全（2分）"), 4.0 + 2.0 * 9.0);
        assert_eq!(text_width("第一行\n长一点的第二行"), 14.0);
    }

    #[test]
    fn wrapped_lines_count_cjk_as_two_units() {
        // 20 CJK characters = 40 units in a 22-unit column (21 usable): 2 lines; 22 are 3.
        assert_eq!(lines_in(&"侵".repeat(20), 22.0), 2);
        assert_eq!(lines_in(&"侵".repeat(22), 22.0), 3);
        assert_eq!(lines_in("短", 22.0), 1);
        // Each explicit line wraps on its own.
        assert_eq!(lines_in("一\n二\n三", 22.0), 3);
    }

    #[test]
    fn long_text_is_clipped() {
        let s = "侵".repeat(40_000);
        let c = clip(&s);
        assert!(c.encode_utf16().count() <= 32_767);
        assert!(c.ends_with('…'));
        assert_eq!(clip("短"), "短");
    }

    #[test]
    fn fills_follow_the_measure_and_red_is_two_reds() {
        let s = crate::scheme::Scheme::builtin().unwrap();
        let fill = |id: &str| Fill::for_measure(s.measure(id));
        assert_eq!(fill("veto").rgb(), Some(0xC00000));
        assert_eq!(fill("supervise").rgb(), Some(0xFF9999));
        assert_ne!(fill("veto").rgb(), fill("supervise").rgb());
        assert_eq!(fill("interview").rgb(), Some(0xFFC000));
        assert_eq!(fill("notify").rgb(), Some(0xFFFF66));
        assert_eq!(fill("warn").rgb(), Some(0xFFF2CC));
        // Only the dark fill takes white text.
        assert_eq!(fill("veto").font(), Some(0xFFFFFF));
        assert_eq!(fill("supervise").font(), None);
        assert_eq!(Fill::for_measure(None), Fill::None);
    }
}
