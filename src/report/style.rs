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

use crate::record::FlagKind;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

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

/// A cell's background: the measure of its region, or the level of a problem. Every colour is
/// explained on the page where it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Fill {
    None,
    /// 一票否决: deep red with white text, so it cannot be taken for 挂牌督办.
    DeepRed,
    /// 挂牌督办; an error in 数据质量.
    Red,
    /// 约谈.
    Orange,
    /// 通报.
    Yellow,
    /// 预警; a warning in 数据质量.
    PaleYellow,
    /// 数据有误，退回修改 and 未报送 (a status, not a measure).
    Grey,
}

impl Fill {
    /// The fill of a region whose measure is `kind`.
    pub(crate) fn for_measure(kind: Option<FlagKind>) -> Fill {
        match kind {
            Some(FlagKind::Veto) => Fill::DeepRed,
            Some(FlagKind::Supervise) => Fill::Red,
            Some(FlagKind::Interview) => Fill::Orange,
            Some(FlagKind::Notify) => Fill::Yellow,
            Some(FlagKind::Warn) => Fill::PaleYellow,
            None => Fill::None,
        }
    }

    /// The colour as 0xRRGGBB.
    pub(crate) fn rgb(self) -> Option<u32> {
        match self {
            Fill::None => None,
            Fill::DeepRed => Some(0xC00000),
            Fill::Red => Some(0xFF9999),
            Fill::Orange => Some(0xFFC000),
            Fill::Yellow => Some(0xFFFF66),
            Fill::PaleYellow => Some(0xFFF2CC),
            Fill::Grey => Some(0xD9D9D9),
        }
    }

    fn font(self) -> Option<u32> {
        (self == Fill::DeepRed).then_some(0xFFFFFF)
    }
}

/// Emphasis of a body cell's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Tone {
    Normal,
    Bold,
    /// 优秀.
    Excellent,
    /// 良好.
    Good,
    /// 不合格.
    Fail,
}

impl Tone {
    /// The tone of a 等次.
    pub(crate) fn for_grade(grade: &str) -> Tone {
        match grade {
            "优秀" => Tone::Excellent,
            "良好" => Tone::Good,
            "不合格" => Tone::Fail,
            _ => Tone::Normal,
        }
    }
}

/// How a body cell shows its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// Text, wrapped.
    Text,
    /// Text, centred, not wrapped (short labels: 等次, 措施).
    Label,
    /// Whole number (ranks).
    Int,
    /// A score, with the scheme's decimals.
    Score,
    /// A signed change of score: "+3.25" / "−1.10".
    Change,
    /// A rate: 0.0%.
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
    fn num_format(self) -> Option<&'static str> {
        match self {
            Kind::Text | Kind::Label | Kind::General => None,
            Kind::Int => Some("0"),
            Kind::Score => Some("0.00"),
            Kind::Change => Some("+0.00;\"−\"0.00;0.00"),
            Kind::Percent => Some("0.0%"),
            Kind::PerUnit => Some("0.0000"),
            Kind::YesNo => Some("\"是\";\"否\";\"否\""),
            Kind::Date => Some("yyyy-mm-dd"),
        }
    }

    /// The text a number shows with this kind, for measuring the column.
    fn shown(self, v: f64) -> String {
        match self {
            Kind::Text | Kind::Label | Kind::General => crate::text::fmt_num(v),
            Kind::Int => format!("{v:.0}"),
            Kind::Score => format!("{v:.2}"),
            Kind::Change => format!("{v:+.2}"),
            Kind::Percent => format!("{:.1}%", v * 100.0),
            Kind::PerUnit => format!("{v:.4}"),
            Kind::YesNo => "是".to_string(),
            Kind::Date => "2025-12-31".to_string(),
        }
    }
}

/// Every format a cell can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Style {
    /// The sheet's title (16 pt, bold, centred).
    Title,
    /// The line under the title (office, scheme, 制表日期).
    Subtitle,
    /// The title on several lines (a page too narrow for one).
    TitleWrapped,
    /// The line under the title on several lines.
    SubtitleWrapped,
    /// The line under the title with a warning on a last line (red, bold, wrapped).
    SubtitleWarning,
    /// A column header: bold, grey, bordered, wrapped.
    Header,
    /// A section heading (12 pt bold).
    Section,
    /// A paragraph of text, wrapped, without borders (legends, notes, rules in words).
    Para,
    /// A bordered body cell.
    Body(Kind, Fill, Tone),
}

impl Style {
    fn wraps(self) -> bool {
        matches!(
            self,
            Style::Header | Style::Para | Style::Body(Kind::Text, _, _)
        )
    }

    fn format(self) -> Format {
        let base = Format::new().set_align(FormatAlign::VerticalCenter);
        match self {
            Style::Title => base
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            Style::Subtitle => base.set_align(FormatAlign::Center),
            Style::TitleWrapped => base
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            Style::SubtitleWrapped => base.set_align(FormatAlign::Center).set_text_wrap(),
            Style::SubtitleWarning => base
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_bold()
                .set_font_color(Color::RGB(0xC00000)),
            Style::Header => base
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_border(FormatBorder::Thin),
            Style::Section => base.set_bold().set_font_size(12),
            Style::Para => base.set_text_wrap().set_align(FormatAlign::Top),
            Style::Body(kind, fill, tone) => {
                let mut f = base.set_border(FormatBorder::Thin);
                match kind {
                    Kind::Text => f = f.set_text_wrap(),
                    Kind::Label => f = f.set_align(FormatAlign::Center),
                    _ => {}
                }
                if let Some(nf) = kind.num_format() {
                    f = f.set_num_format(nf);
                }
                if let Some(c) = fill.rgb() {
                    f = f.set_background_color(Color::RGB(c));
                }
                if let Some(c) = fill.font() {
                    f = f.set_font_color(Color::RGB(c)).set_bold();
                }
                match tone {
                    Tone::Normal => {}
                    Tone::Bold => f = f.set_bold(),
                    Tone::Excellent => f = f.set_bold().set_font_color(Color::RGB(0x006100)),
                    Tone::Good => f = f.set_font_color(Color::RGB(0x00703C)),
                    Tone::Fail => f = f.set_bold().set_font_color(Color::RGB(0xC00000)),
                }
                if fill.font().is_some() && tone == Tone::Fail {
                    // White on deep red stays white.
                    f = f.set_font_color(Color::RGB(0xFFFFFF));
                }
                f
            }
        }
    }
}

/// The display width of text in Excel width units: two per CJK (wide) character, one per ASCII.
pub(crate) fn text_width(s: &str) -> f64 {
    crate::text::width(s) as f64
}

/// How many lines `s` takes in a column `width` units wide, when wrapped.
pub(crate) fn lines_in(s: &str, width: f64) -> u32 {
    // A little room for the cell's padding.
    let usable = (width - 1.0).max(1.0);
    s.split('\n')
        .map(|line| {
            (crate::text::line_width(line) as f64 / usable)
                .ceil()
                .max(1.0) as u32
        })
        .sum()
}

/// Text cut to what a cell can hold.
pub(crate) fn clip(s: &str) -> Cow<'_, str> {
    crate::text::clip_marked(s, MAX_TEXT_UNITS)
}

#[derive(Debug, Clone)]
enum Value {
    Text(Box<str>),
    Num(f64),
    Date(chrono::NaiveDate),
    Blank,
}

#[derive(Debug, Clone)]
struct Cell {
    value: Value,
    style: Style,
    /// Columns this cell spans (merged), 1 for a plain cell.
    span: u16,
}

/// A sheet being recorded: cells by row, then measured and written by [`Grid::render`].
pub(crate) struct Grid {
    rows: Vec<Vec<(u16, Cell)>>,
    widths: Vec<f64>,
    fixed_widths: BTreeMap<u16, f64>,
    heights: BTreeMap<u32, f64>,
    /// Whether cells written now widen their columns.
    fitting: bool,
    /// Header texts wrap beyond this width.
    header_max: f64,
}

impl Default for Grid {
    fn default() -> Self {
        Grid::new()
    }
}

impl Grid {
    pub(crate) fn new() -> Grid {
        Grid {
            rows: Vec::new(),
            widths: Vec::new(),
            fixed_widths: BTreeMap::new(),
            heights: BTreeMap::new(),
            fitting: true,
            header_max: 40.0,
        }
    }

    fn put(&mut self, row: u32, col: u16, value: Value, style: Style, span: u16) {
        let r = row as usize;
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
        let cells = &mut self.rows[r];
        let cell = Cell { value, style, span };
        match cells.iter_mut().find(|(c, _)| *c == col) {
            Some(slot) => slot.1 = cell,
            None => cells.push((col, cell)),
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

    /// Sets column `col` to exactly `width` units, whatever its text.
    pub(crate) fn set_width(&mut self, col: u16, width: f64) {
        self.fixed_widths.insert(col, width);
    }

    /// Sets row `row` to exactly `height` points.
    pub(crate) fn set_height(&mut self, row: u32, height: f64) {
        self.heights.insert(row, height);
    }

    /// The title block: the title in row 0 and the line under it in row 1, each across columns
    /// `0..=last_col`.
    pub(crate) fn title(&mut self, title: &str, subtitle: &str, last_col: u16) {
        self.title_at(0, last_col, title, subtitle);
    }

    /// The title block across columns `first_col..=last_col` (one page of a sheet split across).
    /// A title or line under it given as several lines (a page too narrow for one) wraps, its row
    /// as high as the tallest page's; a last line in 【】 is a warning every page carries, and the
    /// line under the title is then red.
    pub(crate) fn title_at(&mut self, first_col: u16, last_col: u16, title: &str, subtitle: &str) {
        let span = last_col.saturating_sub(first_col) + 1;
        let lines = |s: &str| s.lines().count().max(1) as f64;
        let title_style = if lines(title) > 1.0 {
            Style::TitleWrapped
        } else {
            Style::Title
        };
        self.grow(TITLE_ROW, 28.0_f64.max(22.0 * lines(title) + 6.0));
        self.put(
            TITLE_ROW,
            first_col,
            Value::Text(title.into()),
            title_style,
            span,
        );
        let warning = subtitle.lines().last().is_some_and(|l| l.starts_with('【'));
        let style = match (lines(subtitle) > 1.0, warning) {
            (_, true) => Style::SubtitleWarning,
            (true, false) => Style::SubtitleWrapped,
            (false, false) => Style::Subtitle,
        };
        if lines(subtitle) > 1.0 {
            self.grow(SUBTITLE_ROW, LINE_HEIGHT * lines(subtitle));
        }
        self.put(
            SUBTITLE_ROW,
            first_col,
            Value::Text(subtitle.into()),
            style,
            span,
        );
    }

    /// Sets a row's height to at least `height`.
    fn grow(&mut self, row: u32, height: f64) {
        let h = self.heights.entry(row).or_insert(height);
        *h = h.max(height);
    }

    /// A section heading in column 0 (runs over the empty cells to its right).
    pub(crate) fn section(&mut self, row: u32, text: &str) {
        self.put(row, 0, Value::Text(clip(text).into()), Style::Section, 1);
    }

    /// A wrapped paragraph across columns `col..=last_col`; its row grows to hold it.
    pub(crate) fn para(&mut self, row: u32, col: u16, last_col: u16, text: &str) {
        let span = last_col.saturating_sub(col) + 1;
        self.put(row, col, Value::Text(clip(text).into()), Style::Para, span);
    }

    /// A header row; each header widens its column up to `max_width` (long headers wrap).
    pub(crate) fn header(&mut self, row: u32, headers: &[&str], max_width: f64) {
        self.header_max = max_width;
        for (col, h) in (0u16..).zip(headers) {
            self.put(row, col, Value::Text((*h).into()), Style::Header, 1);
            self.fit(col, text_width(h).min(max_width));
        }
    }

    /// A header cell across columns `col..col + span` (a group over its indicators).
    pub(crate) fn header_span(&mut self, row: u32, col: u16, span: u16, text: &str) {
        self.put(
            row,
            col,
            Value::Text(text.into()),
            Style::Header,
            span.max(1),
        );
    }

    /// Text, always as a string (never a formula), in a bordered body cell.
    pub(crate) fn text(&mut self, row: u32, col: u16, s: &str, fill: Fill) {
        self.styled(row, col, s, Kind::Text, fill, Tone::Normal);
    }

    /// Text in a body cell of the given kind and tone.
    pub(crate) fn styled(
        &mut self,
        row: u32,
        col: u16,
        s: &str,
        kind: Kind,
        fill: Fill,
        tone: Tone,
    ) {
        let s = clip(s);
        let style = Style::Body(kind, fill, tone);
        if s.is_empty() {
            self.put(row, col, Value::Blank, style, 1);
        } else {
            self.fit(col, text_width(&s));
            self.put(row, col, Value::Text(s.as_ref().into()), style, 1);
        }
    }

    /// Text in a body cell merged across `span` columns (it does not widen them).
    pub(crate) fn styled_span(
        &mut self,
        row: u32,
        col: u16,
        span: u16,
        s: &str,
        kind: Kind,
        fill: Fill,
    ) {
        let style = Style::Body(kind, fill, Tone::Normal);
        self.put(row, col, Value::Text(clip(s).into()), style, span.max(1));
    }

    /// A number shown as `kind`; a value that is not finite leaves the cell blank.
    pub(crate) fn num(&mut self, row: u32, col: u16, v: f64, kind: Kind, fill: Fill) {
        self.num_toned(row, col, v, kind, fill, Tone::Normal);
    }

    /// A number with emphasis.
    pub(crate) fn num_toned(
        &mut self,
        row: u32,
        col: u16,
        v: f64,
        kind: Kind,
        fill: Fill,
        tone: Tone,
    ) {
        let style = Style::Body(kind, fill, tone);
        if v.is_finite() {
            self.fit(col, text_width(&kind.shown(v)));
            self.put(row, col, Value::Num(v), style, 1);
        } else {
            self.put(row, col, Value::Blank, style, 1);
        }
    }

    /// A number, or a blank cell when there is none.
    pub(crate) fn opt_num(&mut self, row: u32, col: u16, v: Option<f64>, kind: Kind, fill: Fill) {
        match v {
            Some(v) => self.num(row, col, v, kind, fill),
            None => self.blank(row, col, fill),
        }
    }

    /// A date shown as yyyy-mm-dd.
    pub(crate) fn date(&mut self, row: u32, col: u16, d: chrono::NaiveDate, fill: Fill) {
        self.fit(col, 10.0);
        self.put(
            row,
            col,
            Value::Date(d),
            Style::Body(Kind::Date, fill, Tone::Normal),
            1,
        );
    }

    /// An empty cell with the row's border and fill.
    pub(crate) fn blank(&mut self, row: u32, col: u16, fill: Fill) {
        self.put(
            row,
            col,
            Value::Blank,
            Style::Body(Kind::Text, fill, Tone::Normal),
            1,
        );
    }

    /// The width of every column, as it will be set.
    pub(crate) fn column_widths(&self) -> Vec<f64> {
        let n = self.widths.len().max(
            self.fixed_widths
                .keys()
                .next_back()
                .map_or(0, |c| usize::from(*c) + 1),
        );
        (0..n)
            .map(|i| {
                let col = i as u16;
                self.fixed_widths.get(&col).copied().unwrap_or_else(|| {
                    // Text that sized its column stays on one line (see `lines_in`).
                    (self.widths.get(i).copied().unwrap_or(0.0) + 2.5).clamp(MIN_WIDTH, MAX_WIDTH)
                })
            })
            .collect()
    }

    /// Writes the recorded sheet in row order: column widths, row heights from the wrapped text,
    /// merged ranges, values, then the page setup.
    pub(crate) fn render(self, ws: &mut Worksheet, page: &Page) -> Result<(), XlsxError> {
        let widths = self.column_widths();
        let width_of = |col: u16, span: u16| -> f64 {
            (col..col.saturating_add(span))
                .map(|c| widths.get(usize::from(c)).copied().unwrap_or(8.43))
                .sum()
        };
        for (col, w) in (0u16..).zip(&widths) {
            ws.set_column_width(col, *w)?;
        }
        let mut formats: HashMap<Style, Format> = HashMap::new();
        let mut last_has_height = false;
        for (r, cells) in self.rows.iter().enumerate() {
            let row = r as u32;
            let mut sorted: Vec<&(u16, Cell)> = cells.iter().collect();
            sorted.sort_by_key(|(c, _)| *c);
            let height = self.heights.get(&row).copied().or_else(|| {
                let lines = sorted
                    .iter()
                    .filter(|(_, c)| c.style.wraps())
                    .filter_map(|(col, c)| match &c.value {
                        Value::Text(t) => Some(lines_in(t, width_of(*col, c.span))),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(1);
                let h = f64::from(lines) * LINE_HEIGHT + ROW_PADDING;
                (lines > 1 || h > DEFAULT_HEIGHT + 4.0).then_some(h)
            });
            if let Some(h) = height {
                ws.set_row_height(row, h)?;
            }
            last_has_height = height.is_some();
            for (col, cell) in sorted {
                let format = formats
                    .entry(cell.style)
                    .or_insert_with(|| cell.style.format());
                if cell.span > 1 {
                    let text = match &cell.value {
                        Value::Text(t) => t.as_ref(),
                        _ => "",
                    };
                    ws.merge_range(row, *col, row, col + cell.span - 1, text, format)?;
                    continue;
                }
                match &cell.value {
                    Value::Text(t) => {
                        ws.write_string_with_format(row, *col, t.as_ref(), format)?;
                    }
                    Value::Num(v) => {
                        ws.write_number_with_format(row, *col, *v, format)?;
                    }
                    Value::Date(d) => {
                        ws.write_date_with_format(row, *col, d, format)?;
                    }
                    Value::Blank => {
                        ws.write_blank(row, *col, format)?;
                    }
                }
            }
        }
        if last_has_height {
            // rust_xlsxwriter 0.102 in low-memory mode writes the last row a second time, as an
            // empty <row> element, when that row has a height of its own (`flush_last_row`), and
            // Excel refuses a sheet with a row twice. An unstyled-looking blank cell in one more
            // row, without a height, becomes the last row instead.
            let trailer = Format::new().set_align(FormatAlign::VerticalCenter);
            ws.write_blank(self.rows.len() as u32, 0, &trailer)?;
        }
        page.apply(ws)
    }
}

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

    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        ws.set_landscape();
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
        assert_eq!(Fill::for_measure(Some(FlagKind::Veto)), Fill::DeepRed);
        assert_eq!(Fill::for_measure(Some(FlagKind::Supervise)), Fill::Red);
        assert_ne!(Fill::DeepRed.rgb(), Fill::Red.rgb());
        assert_eq!(Fill::for_measure(Some(FlagKind::Interview)), Fill::Orange);
        assert_eq!(Fill::for_measure(Some(FlagKind::Notify)), Fill::Yellow);
        assert_eq!(Fill::for_measure(Some(FlagKind::Warn)), Fill::PaleYellow);
        assert_eq!(Fill::for_measure(None), Fill::None);
    }
}
