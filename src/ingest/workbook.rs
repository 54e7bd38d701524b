//! Opening one submission file safely and turning its sheets into sparse grids of cells.
//!
//! calamine can abort the whole process on small hostile files (DESIGN.md, "Known hazards"), so
//! the zip directory is inspected before calamine sees an `.xlsx`/`.xlsm`/`.ods`, and `.xlsx`
//! sheets are read with the streaming cell reader into a sparse map instead of a full grid.

use calamine::{Data, Ods, Reader, Xls, Xlsx};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Limits enforced before memory is spent on a file.
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
    /// Highest row (1-based) read from a sheet.
    pub rows: u32,
    /// Longest text kept from a cell, in characters.
    pub cell_chars: usize,
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
            rows: 200_000,
            cell_chars: 2_000,
        }
    }
}

/// One sheet as a sparse grid; positions are 0-based absolute (row, column).
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), Data>,
}

static EMPTY: Data = Data::Empty;

impl Grid {
    /// The cell at a 0-based absolute position (Empty when there is none).
    pub fn get(&self, row: u32, col: u32) -> &Data {
        self.cells.get(&(row, col)).unwrap_or(&EMPTY)
    }

    /// The last used row, if any.
    pub fn last_row(&self) -> Option<u32> {
        self.cells.keys().next_back().map(|(r, _)| *r)
    }

    /// The text of a cell, trimmed (empty for non-text).
    pub fn text(&self, row: u32, col: u32) -> String {
        match self.get(row, col) {
            Data::String(s) => s.trim().to_string(),
            Data::Float(f) => crate::scheme::fmt_num(*f),
            Data::Int(i) => i.to_string(),
            _ => String::new(),
        }
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

/// A workbook's sheets, in workbook order, as far as they could be read.
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub sheets: Vec<Grid>,
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

/// Reads a workbook from its bytes. The error is a plain Chinese reason for 数据质量.
pub fn open(bytes: &[u8], format: Format, limits: &Limits) -> Result<Book, String> {
    if bytes.is_empty() {
        return Err("文件为空".to_string());
    }
    if bytes.len() as u64 > limits.file_bytes {
        return Err(format!(
            "文件大小{}超过上限{}",
            human(bytes.len() as u64),
            human(limits.file_bytes)
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) && format != Format::Xls {
        return Err(
            "文件已加密（设置了打开密码）或不是有效的xlsx/ods文件，请取消密码后重新报送"
                .to_string(),
        );
    }
    if format != Format::Xls {
        inspect_zip(bytes, format, limits)?;
    }
    match format {
        Format::Ods => super::guard::ods::check(bytes, limits)?,
        Format::Xls => super::guard::xls::check(bytes, limits)?,
        Format::Xlsx => super::guard::xlsx::check(bytes, limits)?,
    }
    // A panic inside a third-party reader is turned into an error for this file only.
    let result = std::panic::catch_unwind(|| read_book(bytes, format, limits));
    match result {
        Ok(r) => r,
        Err(_) => Err("文件结构异常，读取程序无法解析".to_string()),
    }
}

fn read_book(bytes: &[u8], format: Format, limits: &Limits) -> Result<Book, String> {
    let unreadable = |e: &dyn std::fmt::Display| {
        format!("无法读取文件（{e}），请确认文件未损坏并用Excel、WPS或LibreOffice另存后重新报送")
    };
    match format {
        Format::Xlsx => {
            let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
            let names = wb.sheet_names();
            let mut book = Book::default();
            for name in names {
                let mut grid = Grid {
                    name: name.clone(),
                    cells: BTreeMap::new(),
                };
                let mut reader = wb
                    .worksheet_cells_reader(&name)
                    .map_err(|e| unreadable(&e))?;
                while let Some(cell) = reader.next_cell().map_err(|e| unreadable(&e))? {
                    let (r, c) = cell.get_position();
                    let value: Data = cell.get_value().clone().into();
                    if matches!(value, Data::Empty) {
                        continue;
                    }
                    check_position(&name, r, grid.cells.len(), limits)?;
                    grid.cells.insert((r, c), clip(value, limits));
                }
                book.sheets.push(grid);
            }
            Ok(book)
        }
        Format::Xls => {
            let wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
            ranges_to_book(wb, limits)
        }
        Format::Ods => {
            let wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
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
        let mut grid = Grid {
            name: name.clone(),
            cells: BTreeMap::new(),
        };
        for (r, c, v) in range.used_cells() {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let (r, c) = (r0 + r as u32, c0 + c as u32);
            check_position(&name, r, grid.cells.len(), limits)?;
            grid.cells.insert((r, c), clip(v.clone(), limits));
        }
        book.sheets.push(grid);
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

fn clip(v: Data, limits: &Limits) -> Data {
    match v {
        Data::String(s) if s.chars().count() > limits.cell_chars => {
            Data::String(s.chars().take(limits.cell_chars).collect())
        }
        other => other,
    }
}

/// Checks the zip directory (entries, sizes, ratio) and the declared shared-string count before
/// any reader allocates by them.
fn inspect_zip(bytes: &[u8], format: Format, limits: &Limits) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        match format {
            Format::Ods => "不是有效的ods文件（文件损坏或不完整）",
            _ => "不是有效的xlsx文件（文件损坏、不完整或已加密）",
        }
        .to_string()
    })?;
    if zip.len() > limits.zip_entries {
        return Err(format!(
            "压缩包内文件数{}超过上限{}",
            zip.len(),
            limits.zip_entries
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| format!("压缩包目录损坏（{e}）"))?;
        let size = entry.size();
        total = total.saturating_add(size);
        let packed = entry.compressed_size().max(1);
        if size > 1024 * 1024 && size / packed > limits.zip_ratio {
            return Err(format!(
                "压缩包内“{}”的压缩比异常（{}:1），疑似压缩炸弹，拒绝读取",
                entry.name().unwrap_or_default(),
                size / packed
            ));
        }
    }
    if total > limits.unzipped_bytes {
        return Err(format!(
            "解压后大小{}超过上限{}，拒绝读取",
            human(total),
            human(limits.unzipped_bytes)
        ));
    }
    if format == Format::Xlsx {
        if let Ok(entry) = zip.by_name("xl/sharedStrings.xml") {
            let mut head = Vec::with_capacity(4096);
            entry
                .take(4096)
                .read_to_end(&mut head)
                .map_err(|e| format!("压缩包内容损坏（{e}）"))?;
            let head = String::from_utf8_lossy(&head);
            for attr in ["uniqueCount=\"", "count=\""] {
                if let Some(n) = declared(&head, attr) {
                    if n > limits.shared_strings {
                        return Err(format!(
                            "共享字符串声明数量{n}超过上限{}，拒绝读取",
                            limits.shared_strings
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

fn declared(xml: &str, attr: &str) -> Option<u64> {
    let start = xml.find(attr)? + attr.len();
    let digits: String = xml[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.is_empty() {
        None
    } else {
        Some(digits.parse::<u64>().unwrap_or(u64::MAX))
    }
}

fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_empty_and_garbage() {
        let l = Limits::default();
        assert_eq!(open(b"", Format::Xlsx, &l).unwrap_err(), "文件为空");
        assert!(open(b"not a zip at all", Format::Xlsx, &l)
            .unwrap_err()
            .contains("不是有效的xlsx文件"));
        assert!(open(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], Format::Xlsx, &l)
            .unwrap_err()
            .contains("已加密"));
    }

    #[test]
    fn declared_count() {
        assert_eq!(
            declared(
                r#"<sst count="12" uniqueCount="3000000000">"#,
                "uniqueCount=\""
            ),
            Some(3_000_000_000)
        );
        assert_eq!(declared(r#"<sst>"#, "count=\""), None);
    }
}
