//! Opening one submission file safely and turning its sheets into sparse grids of cells.
//!
//! calamine can abort the whole process on small hostile files (DESIGN.md, "Known hazards"), so
//! `guard` checks every file before calamine sees it. In an `.xlsx`, the small sheets are read
//! with the streaming cell reader into sparse grids ([`Grid`]), and the sheets the caller streams
//! (the ledgers, most of a file's cells) go to its reader row by row as their cells arrive
//! ([`Opened::read_rows`]), so a sheet's cells are never all held at once.

use calamine::{
    Data, DataRef, Ods, OdsError, Reader, Xls, XlsError, Xlsx, XlsxCellReader, XlsxError,
};
use std::io::Cursor;

/// Limits enforced before memory is spent on a file (README, "报送文件的读取与限制").
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub file_bytes: u64,
    /// Largest total uncompressed size of a zip-based file, in bytes.
    pub unzipped_bytes: u64,
    /// Most entries in a zip-based file.
    pub zip_entries: usize,
    /// Highest compression ratio of any entry.
    pub zip_ratio: u64,
    /// Most shared strings a workbook may declare.
    pub shared_strings: u64,
    /// Most non-empty cells read from one sheet.
    pub cells_per_sheet: usize,
    /// Most non-empty cells read from one workbook, all sheets together.
    pub cells_per_book: usize,
    /// Highest row (1-based) read from a sheet.
    pub rows: u32,
    /// Longest text kept from a cell, in characters.
    pub cell_chars: usize,
    /// Most cells of the full grids of a workbook's sheets, all together, in formats read as
    /// grids (xls, ods): from the extent a sheet claims or its cells' bounds.
    pub grid_cells: usize,
    /// Most spaces an ods may ask for with `<text:s text:c="…"/>`, over the whole file.
    pub expanded_spaces: u64,
    /// Most bytes of text a workbook may expand to: every cell's text, a string repeated by
    /// many cells (shared strings, ods repeats) counted once per cell.
    pub text_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 20 * 1024 * 1024,
            unzipped_bytes: 200 * 1024 * 1024,
            zip_entries: 2_000,
            zip_ratio: 200,
            shared_strings: 2_000_000,
            cells_per_sheet: 2_000_000,
            cells_per_book: 4_000_000,
            rows: 200_000,
            cell_chars: 2_000,
            grid_cells: 4_000_000,
            expanded_spaces: 1_000_000,
            text_bytes: 100 * 1024 * 1024,
        }
    }
}

/// One sheet as a sparse grid: its non-empty cells in row-major order. Positions are 0-based
/// absolute (row, column).
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub name: String,
    /// Sorted by position, one entry per position.
    cells: Vec<((u32, u32), Data)>,
}

static EMPTY: Data = Data::Empty;

impl Grid {
    /// A sheet from its cells in the order a reader gave them: sorted by position, and where a
    /// position comes twice the later one kept (as a spreadsheet program would show it).
    pub fn new(name: &str, mut cells: Vec<((u32, u32), Data)>) -> Grid {
        if !cells.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable, so equal positions stay in reading order; then the last of each run wins.
            cells.sort_by_key(|(pos, _)| *pos);
            let mut kept: Vec<((u32, u32), Data)> = Vec::with_capacity(cells.len());
            for cell in cells {
                match kept.last_mut() {
                    Some(last) if last.0 == cell.0 => *last = cell,
                    _ => kept.push(cell),
                }
            }
            cells = kept;
        }
        Grid {
            name: name.to_string(),
            cells,
        }
    }

    /// Sets one cell (for building a sheet by hand, as tests do).
    pub fn set(&mut self, row: u32, col: u32, value: Data) {
        match self
            .cells
            .binary_search_by_key(&(row, col), |(pos, _)| *pos)
        {
            Ok(i) => self.cells[i].1 = value,
            Err(i) => self.cells.insert(i, ((row, col), value)),
        }
    }

    /// The cell at a 0-based absolute position (Empty when there is none).
    pub fn get(&self, row: u32, col: u32) -> &Data {
        match self
            .cells
            .binary_search_by_key(&(row, col), |(pos, _)| *pos)
        {
            Ok(i) => &self.cells[i].1,
            Err(_) => &EMPTY,
        }
    }

    /// Whether the sheet has no cell at all.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The last used row, if any.
    pub fn last_row(&self) -> Option<u32> {
        self.cells.last().map(|((r, _), _)| *r)
    }

    /// The rows below `row` that have cells, in order: each row's number and its cells.
    pub fn rows_after(&self, row: u32) -> impl Iterator<Item = (u32, Row<'_>)> {
        let start = self.cells.partition_point(|((r, _), _)| *r <= row);
        self.cells[start..]
            .chunk_by(|a, b| a.0 .0 == b.0 .0)
            .map(|cells| (cells[0].0 .0, Row(cells)))
    }

    /// Every row that has cells, in order, as [`Rows`].
    pub fn rows(&self) -> GridRows<'_> {
        GridRows(&self.cells)
    }

    /// The text of a cell, trimmed (empty for non-text).
    pub fn text(&self, row: u32, col: u32) -> String {
        text_of(self.get(row, col))
    }

    /// The first row (within the first `within` rows) that has a cell whose trimmed text equals
    /// `label`, with the column of that cell.
    pub fn find(&self, label: &str, within: u32) -> Option<(u32, u32)> {
        self.cells
            .iter()
            .take_while(|((r, _), _)| *r < within)
            .find(|(_, d)| matches!(d, Data::String(s) if s.trim() == label))
            .map(|(pos, _)| *pos)
    }
}

/// The cells of one row of a [`Grid`], by column.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a>(&'a [((u32, u32), Data)]);

impl<'a> Row<'a> {
    /// The row's cells, by column.
    pub fn cells(&self) -> &'a [((u32, u32), Data)] {
        self.0
    }

    /// The cell in a column (Empty when there is none).
    pub fn get(&self, col: u32) -> &'a Data {
        match self.0.binary_search_by_key(&col, |((_, c), _)| *c) {
            Ok(i) => &self.0[i].1,
            Err(_) => &EMPTY,
        }
    }
}

/// A sheet's rows, in order, one at a time: from a [`Grid`], or streamed from the file as its
/// cells arrive. A stream that meets a reader error, a limit, or cells out of order simply ends;
/// [`Opened::read_rows`] tells which.
pub trait Rows {
    /// The next row that has cells: its 0-based number and its cells.
    fn next_row(&mut self) -> Option<(u32, Row<'_>)>;
}

/// The rows of a [`Grid`].
pub struct GridRows<'g>(&'g [((u32, u32), Data)]);

impl Rows for GridRows<'_> {
    fn next_row(&mut self) -> Option<(u32, Row<'_>)> {
        let r = self.0.first()?.0 .0;
        let n = self
            .0
            .iter()
            .position(|c| c.0 .0 != r)
            .unwrap_or(self.0.len());
        let (row, rest) = self.0.split_at(n);
        self.0 = rest;
        Some((r, Row(row)))
    }
}

fn text_of(d: &Data) -> String {
    match d {
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => crate::text::fmt_num(*f),
        Data::Int(i) => i.to_string(),
        _ => String::new(),
    }
}

/// A workbook's sheets, in workbook order, as far as they could be read.
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub sheets: Vec<Grid>,
    /// Warnings about the file as a whole (e.g. a content that does not match the extension).
    pub notes: Vec<String>,
    /// Cells whose text was cut to `Limits::cell_chars`: (sheet, row, column, characters).
    pub clipped: Vec<(String, u32, u32, usize)>,
    /// Bytes of text read so far.
    text: u64,
    /// Cells read so far, all sheets.
    cells: usize,
}

impl Book {
    pub fn sheet(&self, name: &str) -> Option<&Grid> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// The file formats ingest reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
}

/// The format of a file name, if it is one ingest reads.
pub fn format_of(name: &str) -> Option<Format> {
    let lower = name.to_lowercase();
    let ext = lower.rsplit('.').next()?;
    match ext {
        "xlsx" | "xlsm" => Some(Format::Xlsx),
        "xls" => Some(Format::Xls),
        "ods" => Some(Format::Ods),
        _ => None,
    }
}

/// Why a workbook could not be read; the text is the reason shown in 数据质量.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("文件为空")]
    Empty,
    #[error("文件大小{size}超过上限{limit}")]
    TooLarge { size: String, limit: String },
    /// Refused by a guard before any reader saw it.
    #[error(transparent)]
    Refused(#[from] super::guard::Refusal),
    /// The reader could not read it, or the sheets it read are beyond the limits.
    #[error("{0}")]
    Reader(String),
}

/// A workbook opened for reading: its sheets read whole in [`Opened::book`], and for an
/// `.xlsx` the reader that streams the others to [`Opened::read_rows`].
pub struct Opened<'a> {
    /// The sheets read whole (every sheet of an `.xls` or `.ods`), notes and clipped cells.
    pub book: Book,
    xlsx: Option<Xlsx<Cursor<&'a [u8]>>>,
    /// Sheets streamed, in workbook order, with whether they have been read yet.
    streamed: Vec<(String, bool)>,
    limits: Limits,
}

/// Opens a workbook from its bytes: the guards, then calamine. Every sheet for which `stream`
/// says so is left to be read with [`Opened::read_rows`] (xlsx only: `.xls` and `.ods` are read
/// whole by calamine anyway); the others are read now.
pub fn open<'a>(
    bytes: &'a [u8],
    format: Format,
    limits: &Limits,
    stream: &dyn Fn(&str) -> bool,
) -> Result<Opened<'a>, OpenError> {
    if bytes.is_empty() {
        return Err(OpenError::Empty);
    }
    if bytes.len() as u64 > limits.file_bytes {
        return Err(OpenError::TooLarge {
            size: human(bytes.len() as u64),
            limit: human(limits.file_bytes),
        });
    }
    let checked = super::guard::check(bytes, format, limits)?;
    let format = checked.format;
    // A panic inside a third-party reader is turned into an error for this file only.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        match &checked.package {
            // A package the guard rewrote (only ever an ods): read whole, as any ods.
            Some(package) => read_ods(package, limits).map(|book| Opened {
                book,
                xlsx: None,
                streamed: Vec::new(),
                limits: *limits,
            }),
            None => read_book(bytes, format, limits, stream),
        }
    }));
    let mut opened = match result {
        Ok(r) => r.map_err(OpenError::Reader)?,
        Err(_) => return Err(OpenError::Reader(BROKEN.to_string())),
    };
    opened.book.notes.extend(checked.renamed);
    Ok(opened)
}

/// The reason given for a file with an opening password.
pub const ENCRYPTED: &str = "文件已加密（设置了打开密码），请取消密码后重新报送";

/// What to do with an Excel binary workbook (.xlsb), which ingest does not read (README,
/// "报送文件的读取与限制"): only Excel writes one, and Excel saves it as xlsx in one step.
pub const SAVE_AS_XLSX: &str =
    "请在Excel中点“文件—另存为”，保存类型选“Excel 工作簿(*.xlsx)”后重新报送";

/// The reason given when calamine panics on a file.
const BROKEN: &str = "文件结构异常，读取程序无法解析";

fn unreadable(e: &dyn std::fmt::Display) -> String {
    format!("无法读取文件（{e}），请确认文件未损坏并用Excel、WPS或LibreOffice另存后重新报送")
}

fn read_book<'a>(
    bytes: &'a [u8],
    format: Format,
    limits: &Limits,
    stream: &dyn Fn(&str) -> bool,
) -> Result<Opened<'a>, String> {
    let whole = |book: Book| Opened {
        book,
        xlsx: None,
        streamed: Vec::new(),
        limits: *limits,
    };
    match format {
        Format::Xlsx => {
            let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
                XlsxError::Password => ENCRYPTED.to_string(),
                e => unreadable(&e),
            })?;
            let mut book = Book::default();
            let mut streamed = Vec::new();
            for name in wb.sheet_names() {
                if stream(&name) {
                    streamed.push((name, false));
                } else {
                    let grid = read_grid(&mut wb, &name, &mut book, limits)?;
                    book.sheets.push(grid);
                }
            }
            Ok(Opened {
                book,
                xlsx: Some(wb),
                streamed,
                limits: *limits,
            })
        }
        Format::Xls => {
            let wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                XlsError::Password => ENCRYPTED.to_string(),
                e => unreadable(&e),
            })?;
            ranges_to_book(wb, limits).map(whole)
        }
        Format::Ods => read_ods(bytes, limits).map(whole),
    }
}

fn read_ods(bytes: &[u8], limits: &Limits) -> Result<Book, String> {
    let wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        OdsError::Password => ENCRYPTED.to_string(),
        e => unreadable(&e),
    })?;
    ranges_to_book(wb, limits)
}

/// One sheet of an `.xlsx` read whole with the streaming cell reader.
fn read_grid(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    book: &mut Book,
    limits: &Limits,
) -> Result<Grid, String> {
    let reader = wb
        .worksheet_cells_reader(name)
        .map_err(|e| unreadable(&e))?;
    let mut cells = CellRows::new(reader, name, book, limits);
    // Cells out of order are kept too: `Grid::new` sorts them.
    cells.sorted = false;
    let mut all = Vec::new();
    while let Some(cell) = cells.next_cell() {
        all.push(cell);
    }
    match cells.error {
        Some(e) => Err(e),
        None => Ok(Grid::new(name, all)),
    }
}

impl Opened<'_> {
    /// Whether the workbook has no cell at all, in any sheet.
    pub fn is_empty(&mut self) -> bool {
        if !self.book.sheets.iter().all(Grid::is_empty) {
            return false;
        }
        let Some(wb) = self.xlsx.as_mut() else {
            return true;
        };
        self.streamed.iter().all(|(name, _)| {
            // A sheet that cannot be read is not known to be empty: reading it will tell why.
            wb.worksheet_cells_reader(name).is_ok_and(|mut reader| {
                let first = std::iter::from_fn(|| reader.next_cell().ok().flatten())
                    .find(|c| !matches!(c.get_value(), DataRef::Empty));
                first.is_none()
            })
        })
    }

    /// Reads sheet `name` row by row with `read`, which gets its rows as they arrive; `None` when
    /// the workbook has no such sheet. Rows `read` leaves unread are still read, against the
    /// limits. When the cells turn out not to be in order (a hand-edited or hostile file), the
    /// sheet is read whole, sorted as a [`Grid`] is, and `read` runs again on that: so `read`
    /// must start from nothing each time.
    ///
    /// # Errors
    ///
    /// The reason the file cannot be read (a reader error or a limit), as for [`open`].
    pub fn read_rows<T>(
        &mut self,
        name: &str,
        mut read: impl FnMut(&mut dyn Rows) -> T,
    ) -> Result<Option<T>, String> {
        let Some(at) = self.streamed.iter().position(|(n, _)| n == name) else {
            return Ok(self.book.sheet(name).map(|g| read(&mut g.rows())));
        };
        self.streamed[at].1 = true;
        let Some(wb) = self.xlsx.as_mut() else {
            return Ok(None);
        };
        let before = (self.book.cells, self.book.text, self.book.clipped.len());
        let limits = self.limits;
        let book = &mut self.book;
        let streamed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let reader = wb
                .worksheet_cells_reader(name)
                .map_err(|e| unreadable(&e))?;
            let mut rows = CellRows::new(reader, name, book, &limits);
            let out = read(&mut rows);
            while rows.next_row().is_some() {}
            match (rows.error, rows.disorder) {
                (Some(e), _) => Err(e),
                (None, true) => Ok(None),
                (None, false) => Ok(Some(out)),
            }
        }));
        match streamed {
            Err(_) => Err(BROKEN.to_string()),
            Ok(Err(e)) => Err(e),
            Ok(Ok(Some(out))) => Ok(Some(out)),
            Ok(Ok(None)) => {
                (self.book.cells, self.book.text) = (before.0, before.1);
                self.book.clipped.truncate(before.2);
                let grid = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    read_grid(wb, name, &mut self.book, &limits)
                }))
                .map_err(|_| BROKEN.to_string())??;
                Ok(Some(read(&mut grid.rows())))
            }
        }
    }

    /// Reads every streamed sheet not read yet, against the limits (a sheet no rule asked for
    /// still counts).
    ///
    /// # Errors
    ///
    /// As for [`Opened::read_rows`].
    pub fn finish(&mut self) -> Result<(), String> {
        let unread: Vec<String> = self
            .streamed
            .iter()
            .filter(|(_, read)| !read)
            .map(|(n, _)| n.clone())
            .collect();
        for name in unread {
            self.read_rows(&name, |_| ())?;
        }
        Ok(())
    }
}

/// A sheet's cells from calamine's streaming reader as they arrive, each checked against the
/// limits and kept as [`Book::keep`] keeps it, grouped into rows for [`Rows`].
struct CellRows<'r, 'b> {
    reader: XlsxCellReader<'r, Cursor<&'b [u8]>>,
    name: &'r str,
    book: &'r mut Book,
    limits: &'r Limits,
    /// The current row's cells, and the first cell of the next row.
    row: Vec<((u32, u32), Data)>,
    next: Option<((u32, u32), Data)>,
    /// Cells read so far, the last one's position.
    count: usize,
    last: Option<(u32, u32)>,
    /// Whether cells must come in order (a stream) or may come in any (read whole).
    sorted: bool,
    /// Why the stream ended early: a reader error or a limit, or cells out of order.
    error: Option<String>,
    disorder: bool,
    /// Whether the reader has given its last cell (it must not be asked again).
    ended: bool,
}

impl<'r, 'b> CellRows<'r, 'b> {
    fn new(
        reader: XlsxCellReader<'r, Cursor<&'b [u8]>>,
        name: &'r str,
        book: &'r mut Book,
        limits: &'r Limits,
    ) -> CellRows<'r, 'b> {
        CellRows {
            reader,
            name,
            book,
            limits,
            row: Vec::new(),
            next: None,
            count: 0,
            last: None,
            sorted: true,
            error: None,
            disorder: false,
            ended: false,
        }
    }

    /// The next non-empty cell, or `None` at the end or when the stream stops.
    fn next_cell(&mut self) -> Option<((u32, u32), Data)> {
        if self.ended || self.error.is_some() || self.disorder {
            return None;
        }
        let fail = |this: &mut Self, e: String| {
            this.error = Some(e);
            None
        };
        loop {
            let cell = match self.reader.next_cell() {
                Ok(Some(c)) => c,
                Ok(None) => {
                    self.ended = true;
                    return None;
                }
                Err(e) => return fail(self, unreadable(&e)),
            };
            let (r, c) = cell.get_position();
            // A shared string is cut before it is copied: one long string referenced by
            // millions of cells must not be copied millions of times.
            let value: Data = match cell.get_value() {
                DataRef::Empty => continue,
                DataRef::SharedString(s) => Data::String(s.to_string()),
                other => other.clone().into(),
            };
            if self.sorted && self.last.is_some_and(|last| last >= (r, c)) {
                self.disorder = true;
                return None;
            }
            self.last = Some((r, c));
            if let Err(e) = check_position(self.name, r, self.count, self.limits) {
                return fail(self, e);
            }
            self.count += 1;
            return match self.book.keep(value, self.limits, (self.name, r, c)) {
                Ok(v) => Some(((r, c), v)),
                Err(e) => fail(self, e),
            };
        }
    }
}

impl Rows for CellRows<'_, '_> {
    fn next_row(&mut self) -> Option<(u32, Row<'_>)> {
        self.row.clear();
        let first = match self.next.take() {
            Some(c) => c,
            None => self.next_cell()?,
        };
        let r = first.0 .0;
        self.row.push(first);
        while let Some(cell) = self.next_cell() {
            if cell.0 .0 != r {
                self.next = Some(cell);
                break;
            }
            self.row.push(cell);
        }
        Some((r, Row(&self.row)))
    }
}

fn ranges_to_book<RS, R>(mut wb: R, limits: &Limits) -> Result<Book, String>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let mut book = Book::default();
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| format!("无法读取工作表“{name}”（{e}）"))?;
        let mut cells = Vec::new();
        for (r, c, v) in range.used_cells() {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let (r, c) = (r0 + r as u32, c0 + c as u32);
            check_position(&name, r, cells.len(), limits)?;
            let value = book.keep(v.clone(), limits, (&name, r, c))?;
            cells.push(((r, c), value));
        }
        book.sheets.push(Grid::new(&name, cells));
    }
    Ok(book)
}

fn check_position(sheet: &str, row: u32, cells: usize, limits: &Limits) -> Result<(), String> {
    if row >= limits.rows {
        return Err(format!(
            "工作表“{sheet}”第{}行有数据，超过行数上限{}",
            row as u64 + 1,
            limits.rows
        ));
    }
    if cells >= limits.cells_per_sheet {
        return Err(format!(
            "工作表“{sheet}”的单元格数超过上限{}",
            limits.cells_per_sheet
        ));
    }
    Ok(())
}

impl Book {
    /// A cell's value as kept: text cut to `cell_chars` (noted in `clipped`); the book's cells
    /// counted against `cells_per_book` and its text against `text_bytes`.
    fn keep(&mut self, v: Data, limits: &Limits, at: (&str, u32, u32)) -> Result<Data, String> {
        self.cells += 1;
        if self.cells > limits.cells_per_book {
            return Err(format!(
                "工作簿的单元格数合计超过上限{}，拒绝读取",
                limits.cells_per_book
            ));
        }
        let Data::String(s) = v else { return Ok(v) };
        self.text = self.text.saturating_add(s.len() as u64);
        if self.text > limits.text_bytes {
            return Err(format!(
                "工作簿中的文本总量超过上限{}，疑似恶意构造，拒绝读取",
                human(limits.text_bytes)
            ));
        }
        if s.len() <= limits.cell_chars {
            return Ok(Data::String(s));
        }
        let chars = s.chars().count();
        if chars <= limits.cell_chars {
            return Ok(Data::String(s));
        }
        self.clipped.push((at.0.to_string(), at.1, at.2, chars));
        Ok(Data::String(s.chars().take(limits.cell_chars).collect()))
    }
}

pub(super) fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cells that come out of order, or twice at one position (a hand-edited or hostile file),
    /// read as a spreadsheet program shows them: in place, the later one winning.
    #[test]
    fn a_sheet_reads_cells_out_of_order_and_keeps_the_later_of_two() {
        let s = |t: &str| Data::String(t.to_string());
        let g = Grid::new(
            "台账",
            vec![
                ((2, 1), s("丙")),
                ((0, 0), s("甲")),
                ((2, 0), s("乙")),
                ((2, 1), s("丁")),
                ((5, 3), Data::Float(7.0)),
            ],
        );
        assert_eq!(g.get(2, 1), &s("丁"));
        assert_eq!(g.get(0, 0), &s("甲"));
        assert_eq!(g.get(1, 0), &Data::Empty);
        assert_eq!(g.last_row(), Some(5));
        let rows: Vec<(u32, Vec<String>)> = g
            .rows_after(0)
            .map(|(r, row)| (r, (0..4).map(|c| text_of(row.get(c))).collect()))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    2,
                    vec!["乙".into(), "丁".into(), String::new(), String::new()]
                ),
                (
                    5,
                    vec![String::new(), String::new(), String::new(), "7".into()]
                ),
            ]
        );
        assert_eq!(g.find("乙", 10), Some((2, 0)));
    }

    #[test]
    fn refuses_empty_and_garbage() {
        let l = Limits::default();
        assert_eq!(
            open(b"", Format::Xlsx, &l, &|_| false).err(),
            Some(OpenError::Empty)
        );
        use crate::ingest::guard::Refusal;
        let Err(garbage) = open(b"not a zip at all", Format::Xlsx, &l, &|_| false) else {
            panic!("garbage opened");
        };
        assert!(
            matches!(&garbage, OpenError::Refused(Refusal::NotAWorkbook(_))),
            "{garbage:?}"
        );
        assert!(garbage.to_string().contains("不是有效的xlsx文件"));
        // A compound file named .xlsx: an encrypted xlsx, or an old xls renamed.
        let Err(cfb) = open(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], Format::Xlsx, &l, &|_| {
            false
        }) else {
            panic!("a compound file opened");
        };
        assert!(
            matches!(&cfb, OpenError::Refused(Refusal::NotAWorkbook(_))),
            "{cfb:?}"
        );
        assert!(cfb.to_string().contains("已加密"));
    }
}
