//! Opening one submission file safely and turning its sheets into sparse grids of cells.
//!
//! calamine can abort the whole process on small hostile files (DESIGN.md, "Known hazards"), so
//! `guard` checks every file before calamine sees it, and `.xlsx` sheets are read with the
//! streaming cell reader into a sparse map instead of a full grid.

use calamine::{Data, DataRef, Ods, OdsError, Reader, Xls, XlsError, Xlsx, XlsxError};
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
    /// The cell in a column (Empty when there is none).
    pub fn get(&self, col: u32) -> &'a Data {
        match self.0.binary_search_by_key(&col, |((_, c), _)| *c) {
            Ok(i) => &self.0[i].1,
            Err(_) => &EMPTY,
        }
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

/// Reads a workbook from its bytes.
pub fn open(bytes: &[u8], format: Format, limits: &Limits) -> Result<Book, OpenError> {
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
    let result = std::panic::catch_unwind(|| read_book(bytes, format, limits));
    let mut book = match result {
        Ok(r) => r.map_err(OpenError::Reader)?,
        Err(_) => {
            return Err(OpenError::Reader(
                "文件结构异常，读取程序无法解析".to_string(),
            ))
        }
    };
    book.notes.extend(checked.renamed);
    Ok(book)
}

/// The reason given for a file with an opening password.
pub const ENCRYPTED: &str = "文件已加密（设置了打开密码），请取消密码后重新报送";

fn read_book(bytes: &[u8], format: Format, limits: &Limits) -> Result<Book, String> {
    let unreadable = |e: &dyn std::fmt::Display| {
        format!("无法读取文件（{e}），请确认文件未损坏并用Excel、WPS或LibreOffice另存后重新报送")
    };
    match format {
        Format::Xlsx => {
            let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
                XlsxError::Password => ENCRYPTED.to_string(),
                e => unreadable(&e),
            })?;
            let names = wb.sheet_names();
            let mut book = Book::default();
            for name in names {
                let mut cells = Vec::new();
                let mut reader = wb
                    .worksheet_cells_reader(&name)
                    .map_err(|e| unreadable(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                    let (r, c) = cell.get_position();
                    // A shared string is cut before it is copied: one long string referenced by
                    // millions of cells must not be copied millions of times.
                    let value: Data = match cell.get_value() {
                        DataRef::Empty => continue,
                        DataRef::SharedString(s) => Data::String(s.to_string()),
                        other => other.clone().into(),
                    };
                    check_position(&name, r, cells.len(), limits)?;
                    let value = book.keep(value, limits, (&name, r, c))?;
                    cells.push(((r, c), value));
                }
                book.sheets.push(Grid::new(&name, cells));
            }
            Ok(book)
        }
        Format::Xls => {
            let wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                XlsError::Password => ENCRYPTED.to_string(),
                e => unreadable(&e),
            })?;
            ranges_to_book(wb, limits)
        }
        Format::Ods => {
            let wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                OdsError::Password => ENCRYPTED.to_string(),
                e => unreadable(&e),
            })?;
            ranges_to_book(wb, limits)
        }
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
        assert_eq!(open(b"", Format::Xlsx, &l).unwrap_err(), OpenError::Empty);
        use crate::ingest::guard::Refusal;
        let garbage = open(b"not a zip at all", Format::Xlsx, &l).unwrap_err();
        assert!(
            matches!(&garbage, OpenError::Refused(Refusal::NotAWorkbook(_))),
            "{garbage:?}"
        );
        assert!(garbage.to_string().contains("不是有效的xlsx文件"));
        // A compound file named .xlsx: an encrypted xlsx, or an old xls renamed.
        let cfb = open(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], Format::Xlsx, &l).unwrap_err();
        assert!(
            matches!(&cfb, OpenError::Refused(Refusal::NotAWorkbook(_))),
            "{cfb:?}"
        );
        assert!(cfb.to_string().contains("已加密"));
    }
}
