//! A sheet recorded before it is written ([`Grid`]), measured (widths and wrapped heights from
//! the text) and rendered in row order for the low-memory writer.

use super::*;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

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

/// The width of columns `col..col + span`, in units.
fn span_width(widths: &[f64], col: u16, span: u16) -> f64 {
    (col..col.saturating_add(span))
        .map(|c| widths.get(usize::from(c)).copied().unwrap_or(8.43))
        .sum()
}

/// The height of a row without one of its own, in points (18 pixels of 宋体 11).
fn default_row_height() -> f64 {
    f64::from(crate::xlsx::ROW_PIXELS) * 0.75
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
    /// Rows no lower than this, however little text they hold.
    min_heights: BTreeMap<u32, f64>,
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
            min_heights: BTreeMap::new(),
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

    /// Makes row `row` at least `lines` lines of text high (a legend's colour boxes alike, however
    /// short the text beside them).
    pub(crate) fn set_min_lines(&mut self, row: u32, lines: u32) {
        self.min_heights
            .insert(row, f64::from(lines) * LINE_HEIGHT + ROW_PADDING);
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

    /// A line aligned right across columns `col..=last_col` (not wrapped).
    pub(crate) fn para_right(&mut self, row: u32, col: u16, last_col: u16, text: &str) {
        let span = last_col.saturating_sub(col) + 1;
        self.put(
            row,
            col,
            Value::Text(clip(text).into()),
            Style::ParaRight,
            span,
        );
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

    /// A number in a body cell merged across `span` columns (it does not widen them).
    pub(crate) fn num_span(&mut self, row: u32, col: u16, span: u16, v: f64, kind: Kind) {
        let style = Style::Body(kind, Fill::None, Tone::Normal);
        let value = if v.is_finite() {
            Value::Num(v)
        } else {
            Value::Blank
        };
        self.put(row, col, value, style, span.max(1));
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

    /// A date shown as 2026年3月31日.
    pub(crate) fn date(&mut self, row: u32, col: u16, d: chrono::NaiveDate, fill: Fill) {
        self.fit(col, 15.0);
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

    /// The height row `row` will be given, if not the default: set, or from its wrapped text
    /// in the final `widths`, and no lower than its minimum.
    fn height_of(&self, row: u32, widths: &[f64]) -> Option<f64> {
        let cells = self.rows.get(row as usize).map_or(&[][..], Vec::as_slice);
        let height = self.heights.get(&row).copied().or_else(|| {
            let lines = cells
                .iter()
                .filter(|(_, c)| c.style.wraps())
                .filter_map(|(col, c)| match &c.value {
                    Value::Text(t) => Some(lines_in(t, span_width(widths, *col, c.span))),
                    _ => None,
                })
                .max()
                .unwrap_or(1);
            let h = f64::from(lines) * LINE_HEIGHT + ROW_PADDING;
            (lines > 1 || h > DEFAULT_HEIGHT + 4.0).then_some(h)
        });
        match (height, self.min_heights.get(&row)) {
            (h, Some(&min)) => Some(h.unwrap_or(DEFAULT_HEIGHT).max(min)),
            (h, None) => h,
        }
    }

    /// Breaks a sheet of headings, paragraphs and tables (no repeated rows) into `page`'s pages,
    /// printed to column `last_col`: a page ends where the next row does not fit, but never
    /// right after a heading or a table's header; where a table runs on to the next page, a copy
    /// of its header row is inserted there. A table is a header row and the body rows under it.
    /// Rows after an inserted header move down one, so call this last, on a sheet nothing else
    /// refers to by row.
    pub(crate) fn paginate(&mut self, page: &mut Page, last_col: u16) {
        let widths = self.column_widths();
        let room = page.room(&self.printed_widths(last_col), 0.0);
        let default = default_row_height();
        let mut tables = self.tables();
        page.row_breaks.clear();
        let is_heading = |g: &Grid, r: u32| {
            g.rows
                .get(r as usize)
                .is_some_and(|cells| cells.iter().any(|(_, c)| c.style == Style::Section))
        };
        let mut used = 0.0;
        let mut r = 0u32;
        while (r as usize) < self.rows.len() {
            let h = self.height_of(r, &widths).unwrap_or(default);
            if used == 0.0 || used + h <= room {
                used += h;
                r += 1;
                continue;
            }
            let table = tables.iter().position(|&(hd, last)| hd <= r && r <= last);
            let mut at = r;
            match table {
                // Inside a table, past its first row: its header again on the next page.
                Some(i) if r > tables[i].0 + 1 => {
                    self.insert_row_copy(r, tables[i].0);
                    tables[i].1 += 1;
                    for t in &mut tables[i + 1..] {
                        t.0 += 1;
                        t.1 += 1;
                    }
                }
                // The header or the first row: the header goes with it.
                Some(i) => at = tables[i].0,
                None => {}
            }
            // A heading stays with what follows it.
            while at > 0 && is_heading(self, at - 1) && page.row_breaks.last() != Some(&(at - 1)) {
                at -= 1;
            }
            if page.row_breaks.last().is_some_and(|b| *b >= at) {
                // Nothing left to move back: a block taller than a page runs on.
                at = r;
            }
            page.row_breaks.push(at);
            used = (at..r)
                .map(|x| self.height_of(x, &widths).unwrap_or(default))
                .sum();
        }
    }

    /// The tables recorded: (header row, last body row) of each run of body rows under a header.
    fn tables(&self) -> Vec<(u32, u32)> {
        let has = |r: usize, f: fn(&Style) -> bool| {
            self.rows
                .get(r)
                .is_some_and(|cells| cells.iter().any(|(_, c)| f(&c.style)))
        };
        let mut out = Vec::new();
        let mut r = 0;
        while r < self.rows.len() {
            if has(r, |s| *s == Style::Header) {
                let mut last = r;
                while has(last + 1, |s| matches!(s, Style::Body(..))) {
                    last += 1;
                }
                if last > r {
                    out.push((r as u32, last as u32));
                }
                r = last + 1;
            } else {
                r += 1;
            }
        }
        out
    }

    /// Inserts at `at` a copy of row `from` (< `at`), moving the rows from `at` down one.
    fn insert_row_copy(&mut self, at: u32, from: u32) {
        let copy = self.rows.get(from as usize).cloned().unwrap_or_default();
        let at_index = (at as usize).min(self.rows.len());
        self.rows.insert(at_index, copy);
        for map in [&mut self.heights, &mut self.min_heights] {
            let moved: Vec<(u32, f64)> = map.range(at..).map(|(k, v)| (*k, *v)).collect();
            for (k, _) in &moved {
                map.remove(k);
            }
            for (k, v) in moved {
                map.insert(k + 1, v);
            }
            if let Some(h) = map.get(&from).copied() {
                map.insert(at, h);
            }
        }
    }

    /// A one-line title wider than the columns under it wraps, its row two lines high (issue 24:
    /// 方案比较's title ran past both edges of its page and was cut).
    fn wrap_wide_titles(&mut self, widths: &[f64]) {
        let Some(cells) = self.rows.get_mut(TITLE_ROW as usize) else {
            return;
        };
        let mut wrapped = false;
        for (col, cell) in cells.iter_mut() {
            if let (Style::Title, Value::Text(t)) = (cell.style, &cell.value) {
                // A CJK character of 16 pt is 21⅓ pixels, 2⅔ units of 8 (two in `text_width`).
                if text_width(t) * 4.0 / 3.0 > span_width(widths, *col, cell.span) {
                    // The office on the first line ("办公室　2025年…" → "办公室\n2025年…").
                    let text = t.replacen('\u{3000}', "\n", 1);
                    cell.value = Value::Text(text.into());
                    cell.style = Style::TitleWrapped;
                    wrapped = true;
                }
            }
        }
        if wrapped {
            self.grow(TITLE_ROW, 22.0 * 2.0 + 6.0);
        }
        // The line under the title, as many lines as it wraps to over its columns (a long
        // scheme name and version printed over the top of the table).
        let mut lines = 0;
        if let Some(cells) = self.rows.get_mut(SUBTITLE_ROW as usize) {
            for (col, cell) in cells.iter_mut() {
                let Value::Text(t) = &cell.value else {
                    continue;
                };
                if !matches!(
                    cell.style,
                    Style::Subtitle | Style::SubtitleWrapped | Style::SubtitleWarning
                ) {
                    continue;
                }
                let n = lines_in(t, span_width(widths, *col, cell.span));
                if n > 1 && cell.style == Style::Subtitle {
                    cell.style = Style::SubtitleWrapped;
                }
                lines = lines.max(n);
            }
        }
        if lines > 1 {
            self.grow(SUBTITLE_ROW, LINE_HEIGHT * f64::from(lines));
        }
    }

    /// The widths of the columns printed, up to `last_col`.
    pub(crate) fn printed_widths(&self, last_col: u16) -> Vec<f64> {
        let mut widths = self.column_widths();
        widths.truncate(usize::from(last_col) + 1);
        widths
    }

    /// Sets `page`'s breaks so that no group of rows (first, last) is split, the sheet printed
    /// to column `last_col` (see [`Page::keep_together`]).
    pub(crate) fn keep_together(&self, page: &mut Page, last_col: u16, groups: &[(u32, u32)]) {
        page.keep_together(&self.printed_widths(last_col), &self.row_heights(), groups);
    }

    /// How many rows are recorded (the last row written, plus one).
    pub(crate) fn row_count(&self) -> u32 {
        self.rows.len() as u32
    }

    /// The printed height of every recorded row in points, as [`Grid::render`] will set it.
    pub(crate) fn row_heights(&self) -> Vec<f64> {
        let widths = self.column_widths();
        let default = default_row_height();
        (0..self.rows.len() as u32)
            .map(|r| self.height_of(r, &widths).unwrap_or(default))
            .collect()
    }

    /// Writes the recorded sheet in row order: column widths, row heights from the wrapped text,
    /// merged ranges, values, then the page setup.
    pub(crate) fn render(mut self, ws: &mut Worksheet, page: &Page) -> Result<(), XlsxError> {
        let widths = self.column_widths();
        self.wrap_wide_titles(&widths);
        for (col, w) in (0u16..).zip(&widths) {
            ws.set_column_width(col, *w)?;
        }
        let mut formats: HashMap<Style, Format> = HashMap::new();
        let mut last_has_height = false;
        for (r, cells) in self.rows.iter().enumerate() {
            let row = r as u32;
            let mut sorted: Vec<&(u16, Cell)> = cells.iter().collect();
            sorted.sort_by_key(|(c, _)| *c);
            let height = self.height_of(row, &widths);
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
                    // A merged number is written into the range's first cell.
                    if let Value::Num(v) = &cell.value {
                        ws.write_number_with_format(row, *col, *v, format)?;
                    }
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
            let trailer = crate::xlsx::format().set_align(FormatAlign::VerticalCenter);
            ws.write_blank(self.rows.len() as u32, 0, &trailer)?;
        }
        page.apply(ws)
    }
}

#[cfg(test)]
mod pagination_tests {
    use super::*;

    fn text_at(g: &Grid, row: u32) -> String {
        match g
            .rows
            .get(row as usize)
            .and_then(|c| c.first())
            .map(|c| &c.1.value)
        {
            Some(Value::Text(t)) => t.to_string(),
            _ => String::new(),
        }
    }

    /// Regression (issue 24): on 评分说明 a table that ran on to the next page did so without its
    /// header. Each continuation page now starts with a copy of it, no row is lost, and a heading
    /// never ends a page.
    #[test]
    fn a_table_split_across_pages_repeats_its_header() {
        let mut g = Grid::new();
        g.section(0, "一、指标");
        g.header(1, &["编号", "名称"], 0.0);
        for i in 0..100u32 {
            g.text(2 + i, 0, &format!("第{i}行"), Fill::None);
            g.text(2 + i, 1, "内容", Fill::None);
        }
        g.section(103, "二、其他");
        g.header(104, &["项目", "分"], 0.0);
        g.text(105, 0, "加分", Fill::None);
        let mut page = Page::document("办", "2025年第四季度");
        g.paginate(&mut page, 1);
        assert!(page.row_breaks.len() >= 2, "{:?}", page.row_breaks);
        for &b in &page.row_breaks {
            let first = text_at(&g, b);
            assert!(
                first == "编号" || first == "二、其他",
                "page starts with {first:?}"
            );
            assert_ne!(text_at(&g, b - 1), "一、指标");
            assert_ne!(text_at(&g, b - 1), "二、其他");
        }
        let body: Vec<String> = (0..g.row_count())
            .map(|r| text_at(&g, r))
            .filter(|t| t.starts_with('第'))
            .collect();
        let expected: Vec<String> = (0..100).map(|i| format!("第{i}行")).collect();
        assert_eq!(body, expected);
    }

    /// Regression (issue 24): 方案比较's one-line title was wider than its columns and printed cut
    /// at both edges. It now wraps after the office; a title that fits stays on one line.
    #[test]
    fn a_title_wider_than_its_columns_wraps_after_the_office() {
        let title =
            "广东省打击侵权假冒工作领导小组办公室\u{3000}2025年第四季度考核评价\u{3000}比较摘要";
        let mut g = Grid::new();
        g.title(title, "", 3);
        g.wrap_wide_titles(&[10.0; 4]);
        assert_eq!(text_at(&g, 0), title.replacen('\u{3000}', "\n", 1));
        let mut g = Grid::new();
        g.title(title, "", 3);
        g.wrap_wide_titles(&[30.0; 4]);
        assert_eq!(text_at(&g, 0), title);
    }

    /// Regression (issue 25): a scheme version "2020.1-阶梯示例" made 分项得分's last page's
    /// subtitle wrap to three lines in a row two lines high, printed over the title. The row now
    /// grows to the lines the text wraps to over its columns.
    #[test]
    fn regression_a_subtitle_wider_than_its_columns_gets_the_lines_it_wraps_to() {
        let sub = "指标体系：打击侵权假冒工作考核评价指标体系（2020年版）（版本2020.1-阶梯示例）\n制表日期：2026年1月20日";
        let mut g = Grid::new();
        g.title("标题", sub, 3);
        g.wrap_wide_titles(&[8.0; 4]);
        let widths = [8.0; 4];
        let height = g.height_of(SUBTITLE_ROW, &widths).unwrap();
        let lines = lines_in(sub, 32.0);
        assert!(lines >= 4, "{lines}");
        assert!(height >= LINE_HEIGHT * f64::from(lines), "{height}");
    }
}
