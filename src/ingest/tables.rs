//! The province's own tables (地区名录, 省级评定) read through the same guards as submissions: a
//! CSV as [`crate::tablefile`] parses it, a workbook's first sheet opened by [`workbook::open`]
//! (guards first, then calamine). A hostile workbook kept by the province is refused with a
//! reason, never allowed to abort the process.

use super::workbook::{self, format_of, Limits, Rows};
use crate::tablefile::{self, Table};
use calamine::Data;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Reads a table file. The error is a plain Chinese reason.
pub fn read(path: &Path) -> Result<Table, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("无法读取：{}", crate::text::io_reason(&e)))?;
    from_bytes(&super::file_name(path), &bytes)
}

/// A table from a file's bytes; `name` decides CSV or workbook.
pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<Table, String> {
    if bytes.len() > tablefile::MAX_BYTES {
        return Err(format!(
            "文件大小超过上限{} MiB",
            tablefile::MAX_BYTES / (1024 * 1024)
        ));
    }
    let mut table = match format_of(name).filter(|_| tablefile::is_workbook(name)) {
        Some(format) => first_sheet(bytes, format)?,
        None => tablefile::from_csv(bytes)?,
    };
    table.sha256 = format!("{:x}", Sha256::digest(bytes));
    Ok(table)
}

/// The first sheet of a workbook, its rows placed at their positions from A1.
fn first_sheet(bytes: &[u8], format: workbook::Format) -> Result<Table, String> {
    let opened = super::quiet::while_reading(|| {
        workbook::open(bytes, format, &Limits::default(), &|_| false)
    })
    .map_err(|e| format!("无法作为工作簿读取：{e}"))?;
    let grid = opened
        .book
        .sheets
        .first()
        .ok_or_else(|| "工作簿中没有工作表".to_string())?;
    let mut rows: Vec<Vec<Data>> = Vec::new();
    let mut it = grid.rows();
    while let Some((r, row)) = it.next_row() {
        rows.resize(r as usize, Vec::new());
        let mut cells: Vec<Data> = Vec::new();
        for ((_, c), d) in row.cells() {
            cells.resize(*c as usize, Data::Empty);
            cells.push(d.clone());
        }
        rows.push(cells);
    }
    Ok(Table {
        sheet: grid.name.clone(),
        rows,
        encoding: None,
        sha256: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_sheet_reads_as_typed_cells_from_a1() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("名录").unwrap();
        ws.write_string(0, 0, "区划代码").unwrap();
        ws.write_number(1, 0, 440100.0).unwrap();
        ws.write_string(1, 2, "广州市").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let t = from_bytes("地区名录.xlsx", &bytes).unwrap();
        assert_eq!(t.sheet, "名录");
        assert_eq!(t.headers()[0], "区划代码");
        assert_eq!(tablefile::text(&t.rows[1][0]), "440100");
        assert_eq!(t.rows[1][1], Data::Empty);
        assert_eq!(tablefile::text(&t.rows[1][2]), "广州市");
        assert_eq!(t.encoding, None);
        assert_eq!(t.sha256.len(), 64);
    }

    #[test]
    fn a_file_that_is_no_workbook_is_refused_with_a_reason() {
        let err = from_bytes("省级评定.xlsx", b"not a zip").unwrap_err();
        assert!(err.contains("无法作为工作簿读取"), "{err}");
    }
}
