//! The look every sheet of the ranking workbook shares: cell formats, row colours by flag, column
//! widths measured from the text (a CJK character is about two width units, which
//! rust_xlsxwriter's autofit does not know), and the print setup leadership expects: A4 landscape,
//! one page wide, header rows repeated, frozen panes and an autofilter.

use crate::flag::FlagKind;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Note, Worksheet, XlsxError};
use std::borrow::Cow;

/// Excel's paper size code for A4.
const PAPER_A4: u8 = 9;
/// The narrowest and widest column, in Excel width units.
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;
/// Excel keeps at most 32,767 UTF-16 units in a cell; longer text is cut here with "…".
const MAX_TEXT_UNITS: usize = 32_000;

/// A row's background, from the most serious flag of the region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fill {
    None,
    /// 挂牌督办, 一票否决.
    Red,
    /// 约谈.
    Orange,
    /// 通报, 预警.
    Yellow,
}

impl Fill {
    const ALL: [Fill; 4] = [Fill::None, Fill::Red, Fill::Orange, Fill::Yellow];

    /// The fill for a region whose most serious flag is `kind`.
    pub(crate) fn for_flag(kind: Option<FlagKind>) -> Fill {
        match kind {
            Some(FlagKind::Veto | FlagKind::Supervise) => Fill::Red,
            Some(FlagKind::Interview) => Fill::Orange,
            Some(FlagKind::Notify | FlagKind::Warn) => Fill::Yellow,
            Some(FlagKind::Missing) | None => Fill::None,
        }
    }

    fn color(self) -> Option<u32> {
        match self {
            Fill::None => None,
            Fill::Red => Some(0xFF9F9F),
            Fill::Orange => Some(0xFFC78F),
            Fill::Yellow => Some(0xFFF2A8),
        }
    }

    fn index(self) -> usize {
        match self {
            Fill::None => 0,
            Fill::Red => 1,
            Fill::Orange => 2,
            Fill::Yellow => 3,
        }
    }
}

/// How a body cell shows its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text, wrapped.
    Text,
    /// Whole number (ranks).
    Int,
    /// A score: full precision stored, 2 decimals shown.
    Score,
    /// A signed change of score: "+3.25" / "−1.10".
    Change,
    /// A rate: 0.00%.
    Percent,
    /// A per-unit value: 0.0000.
    PerUnit,
    /// A 是/否 field stored as 1/0.
    YesNo,
    /// A figure as it is (General).
    General,
    /// A date: yyyy-mm-dd.
    Date,
}

impl Kind {
    const ALL: [Kind; 9] = [
        Kind::Text,
        Kind::Int,
        Kind::Score,
        Kind::Change,
        Kind::Percent,
        Kind::PerUnit,
        Kind::YesNo,
        Kind::General,
        Kind::Date,
    ];

    fn num_format(self) -> Option<&'static str> {
        match self {
            Kind::Text | Kind::General => None,
            Kind::Int => Some("0"),
            Kind::Score => Some("0.00"),
            Kind::Change => Some("+0.00;\"−\"0.00;0.00"),
            Kind::Percent => Some("0.00%"),
            Kind::PerUnit => Some("0.0000"),
            Kind::YesNo => Some("\"是\";\"否\";\"否\""),
            Kind::Date => Some("yyyy-mm-dd"),
        }
    }

    fn index(self) -> usize {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    /// The text a number shows with this kind, for measuring the column.
    fn shown(self, v: f64) -> String {
        match self {
            Kind::Text | Kind::General => crate::scheme::fmt_num(v),
            Kind::Int => format!("{v:.0}"),
            Kind::Score => format!("{v:.2}"),
            Kind::Change => format!("{v:+.2}"),
            Kind::Percent => format!("{:.2}%", v * 100.0),
            Kind::PerUnit => format!("{v:.4}"),
            Kind::YesNo => "是".to_string(),
            Kind::Date => "2025-12-31".to_string(),
        }
    }
}

/// Every format the workbook uses, made once.
pub(crate) struct Styles {
    pub title: Format,
    pub header: Format,
    /// A section heading in 评分说明.
    pub section: Format,
    /// Plain text that may run over into empty cells to its right (not wrapped).
    pub plain: Format,
    cells: Vec<Format>,
}

impl Styles {
    pub(crate) fn new() -> Styles {
        let title = Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xD9D9D9))
            .set_border(FormatBorder::Thin);
        let section = Format::new().set_bold().set_font_size(12);
        let plain = Format::new().set_align(FormatAlign::VerticalCenter);
        let mut cells = Vec::with_capacity(Kind::ALL.len() * Fill::ALL.len());
        for kind in Kind::ALL {
            for fill in Fill::ALL {
                let mut f = Format::new()
                    .set_border(FormatBorder::Thin)
                    .set_align(FormatAlign::VerticalCenter);
                if kind == Kind::Text {
                    f = f.set_text_wrap();
                }
                if let Some(nf) = kind.num_format() {
                    f = f.set_num_format(nf);
                }
                if let Some(c) = fill.color() {
                    f = f.set_background_color(Color::RGB(c));
                }
                cells.push(f);
            }
        }
        Styles {
            title,
            header,
            section,
            plain,
            cells,
        }
    }

    /// The format of a body cell.
    pub(crate) fn cell(&self, kind: Kind, fill: Fill) -> &Format {
        let i = kind.index() * Fill::ALL.len() + fill.index();
        // `cells` holds every (kind, fill) pair, so the fallback is never used.
        self.cells.get(i).unwrap_or(&self.plain)
    }
}

/// The display width of text in Excel width units: two per CJK (wide) character, one per ASCII.
pub(crate) fn text_width(s: &str) -> f64 {
    s.lines()
        .map(|line| {
            line.chars()
                .map(|c| if (c as u32) < 0x1100 { 1.0 } else { 2.0 })
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

/// Text cut to what a cell can hold.
pub(crate) fn clip(s: &str) -> Cow<'_, str> {
    // A UTF-8 string never has more UTF-16 units than bytes.
    if s.len() <= MAX_TEXT_UNITS {
        return Cow::Borrowed(s);
    }
    let mut units = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > MAX_TEXT_UNITS {
            break;
        }
        end = i + c.len_utf8();
    }
    Cow::Owned(format!("{}…", &s[..end]))
}

/// A worksheet being filled, measuring each column as it goes.
pub(crate) struct Grid<'a> {
    pub ws: &'a mut Worksheet,
    pub st: &'a Styles,
    widths: Vec<f64>,
    /// Whether cells written now widen their columns.
    fitting: bool,
}

impl<'a> Grid<'a> {
    pub(crate) fn new(ws: &'a mut Worksheet, st: &'a Styles) -> Grid<'a> {
        Grid {
            ws,
            st,
            widths: Vec::new(),
            fitting: true,
        }
    }

    /// Whether cells written from now on widen their columns (off for text that should wrap
    /// within columns sized by another table).
    pub(crate) fn set_fitting(&mut self, on: bool) {
        self.fitting = on;
    }

    /// Widens column `col` to fit `width` units.
    pub(crate) fn fit(&mut self, col: u16, width: f64) {
        if !self.fitting {
            return;
        }
        let i = usize::from(col);
        if self.widths.len() <= i {
            self.widths.resize(i + 1, 0.0);
        }
        if width > self.widths[i] {
            self.widths[i] = width;
        }
    }

    /// Text in the plain format: not wrapped, so it runs over into empty cells to its right;
    /// it does not widen its column.
    pub(crate) fn plain(&mut self, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
        self.ws
            .write_string_with_format(row, col, clip(s).as_ref(), &self.st.plain)?;
        Ok(())
    }

    /// A header row; each header widens its column up to `max_width` (long headers wrap).
    pub(crate) fn header(
        &mut self,
        row: u32,
        headers: &[&str],
        max_width: f64,
    ) -> Result<(), XlsxError> {
        for (col, h) in (0u16..).zip(headers) {
            self.ws
                .write_string_with_format(row, col, *h, &self.st.header)?;
            self.fit(col, text_width(h).min(max_width));
        }
        Ok(())
    }

    /// Text, always as a string (never a formula), in a bordered body cell.
    pub(crate) fn text(
        &mut self,
        row: u32,
        col: u16,
        s: &str,
        fill: Fill,
    ) -> Result<(), XlsxError> {
        let s = clip(s);
        if s.is_empty() {
            self.ws
                .write_blank(row, col, self.st.cell(Kind::Text, fill))?;
        } else {
            self.ws.write_string_with_format(
                row,
                col,
                s.as_ref(),
                self.st.cell(Kind::Text, fill),
            )?;
            self.fit(col, text_width(&s));
        }
        Ok(())
    }

    /// A number shown as `kind`; a value that is not finite leaves the cell blank.
    pub(crate) fn num(
        &mut self,
        row: u32,
        col: u16,
        v: f64,
        kind: Kind,
        fill: Fill,
    ) -> Result<(), XlsxError> {
        let format = self.st.cell(kind, fill);
        if v.is_finite() {
            self.ws.write_number_with_format(row, col, v, format)?;
            self.fit(col, text_width(&kind.shown(v)));
        } else {
            self.ws.write_blank(row, col, format)?;
        }
        Ok(())
    }

    /// A number, or a blank cell when there is none.
    pub(crate) fn opt_num(
        &mut self,
        row: u32,
        col: u16,
        v: Option<f64>,
        kind: Kind,
        fill: Fill,
    ) -> Result<(), XlsxError> {
        match v {
            Some(v) => self.num(row, col, v, kind, fill),
            None => self.blank(row, col, fill),
        }
    }

    /// A date shown as yyyy-mm-dd.
    pub(crate) fn date(
        &mut self,
        row: u32,
        col: u16,
        d: chrono::NaiveDate,
        fill: Fill,
    ) -> Result<(), XlsxError> {
        self.ws
            .write_date_with_format(row, col, d, self.st.cell(Kind::Date, fill))?;
        self.fit(col, 10.0);
        Ok(())
    }

    /// An empty cell with the row's border and fill.
    pub(crate) fn blank(&mut self, row: u32, col: u16, fill: Fill) -> Result<(), XlsxError> {
        self.ws
            .write_blank(row, col, self.st.cell(Kind::Text, fill))?;
        Ok(())
    }

    /// A cell comment (批注) without the author prefix.
    pub(crate) fn note(&mut self, row: u32, col: u16, text: &str) -> Result<(), XlsxError> {
        let note = Note::new(clip(text).as_ref())
            .set_author("kaoping")
            .add_author_prefix(false);
        self.ws.insert_note(row, col, &note)?;
        Ok(())
    }

    /// Sets the measured column widths (with a little padding, within bounds).
    pub(crate) fn apply_widths(&mut self) -> Result<(), XlsxError> {
        for (col, w) in (0u16..).zip(&self.widths) {
            let width = (w + 2.0).clamp(MIN_WIDTH, MAX_WIDTH);
            self.ws.set_column_width(col, width)?;
        }
        Ok(())
    }
}

/// Print and view setup of a table sheet.
pub(crate) struct Layout {
    /// Rows repeated on every printed page (first, last), e.g. the title and header rows.
    pub repeat_rows: Option<(u32, u32)>,
    /// The first row and column that scroll.
    pub freeze: Option<(u32, u16)>,
    /// Autofilter over (header row, last row, last column).
    pub filter: Option<(u32, u32, u16)>,
}

impl Layout {
    /// A plain table: header in row 0 (repeated on every page and filtered), data to `last_row`
    /// and `last_col`, the first `fixed_cols` columns kept in view.
    pub(crate) fn table(last_row: u32, last_col: u16, fixed_cols: u16) -> Layout {
        Layout {
            repeat_rows: Some((0, 0)),
            freeze: Some((1, fixed_cols)),
            filter: Some((0, last_row, last_col)),
        }
    }
}

/// A4 landscape, one page wide, page numbers in the footer, and the layout's panes and filter.
pub(crate) fn page_setup(ws: &mut Worksheet, layout: &Layout) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(PAPER_A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_header("&C&A");
    ws.set_footer("&C第 &P 页，共 &N 页");
    if let Some((first, last)) = layout.repeat_rows {
        ws.set_repeat_rows(first, last)?;
    }
    if let Some((row, col)) = layout.freeze {
        ws.set_freeze_panes(row, col)?;
    }
    if let Some((header, last_row, last_col)) = layout.filter {
        ws.autofilter(header, 0, last_row.max(header), last_col)?;
    }
    Ok(())
}

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
    fn long_text_is_clipped() {
        let s = "侵".repeat(40_000);
        let c = clip(&s);
        assert!(c.encode_utf16().count() <= 32_767);
        assert!(c.ends_with('…'));
        assert_eq!(clip("短"), "短");
    }

    #[test]
    fn fills_follow_the_most_serious_flag() {
        assert_eq!(Fill::for_flag(Some(FlagKind::Veto)), Fill::Red);
        assert_eq!(Fill::for_flag(Some(FlagKind::Supervise)), Fill::Red);
        assert_eq!(Fill::for_flag(Some(FlagKind::Interview)), Fill::Orange);
        assert_eq!(Fill::for_flag(Some(FlagKind::Notify)), Fill::Yellow);
        assert_eq!(Fill::for_flag(Some(FlagKind::Warn)), Fill::Yellow);
        assert_eq!(Fill::for_flag(None), Fill::None);
    }
}
