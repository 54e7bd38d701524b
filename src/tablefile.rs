//! The province's own tables (地区名录, 省级评定) as one grid of cells, whichever way the office
//! keeps them: a CSV in any encoding Excel or WPS saves (see `csvfile`), or the first sheet of a
//! workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`) with the same columns. Row 0 is the header.

use crate::csvfile::{self, Encoding};
use calamine::{Data, Reader};
use sha2::{Digest, Sha256};
use std::path::Path;

/// A province file larger than this is refused (the registry of every county in China is
/// under 1 MiB).
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// Extensions a province table may have; CSV first.
pub const EXTENSIONS: [&str; 5] = ["csv", "xlsx", "xlsm", "xls", "ods"];

/// One table, its cells as read: strings from a CSV, typed cells from a workbook.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The sheet the rows came from ("" for a CSV).
    pub sheet: String,
    /// Rows by 0-based position in the file or sheet (row 0 the header), cells by column.
    pub rows: Vec<Vec<Data>>,
    /// The CSV's encoding (`None` for a workbook).
    pub encoding: Option<Encoding>,
    pub sha256: String,
}

impl Table {
    /// The header row as compared (see [`csvfile::normalise_header`]).
    pub fn headers(&self) -> Vec<String> {
        self.rows
            .first()
            .map(|r| {
                r.iter()
                    .map(|d| csvfile::normalise_header(&text(d)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Whether a file name is a workbook rather than a CSV.
pub fn is_workbook(name: &str) -> bool {
    let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
    ext != "csv" && EXTENSIONS.contains(&ext.as_str())
}

/// Reads a table file. The error is a plain Chinese reason.
pub fn read(path: &Path) -> Result<Table, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取：{e}"))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    from_bytes(&name, &bytes)
}

/// A table from a file's bytes; `name` decides CSV or workbook.
pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<Table, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!("文件大小超过上限{} MiB", MAX_BYTES / (1024 * 1024)));
    }
    let sha256 = format!("{:x}", Sha256::digest(bytes));
    let mut table = if is_workbook(name) {
        workbook(bytes)?
    } else {
        csv_table(bytes)?
    };
    table.sha256 = sha256;
    Ok(table)
}

/// A CSV's records as rows of string cells.
fn csv_table(bytes: &[u8]) -> Result<Table, String> {
    let Some((text, encoding)) = csvfile::decode(bytes) else {
        return Err(
            "文件既不是UTF-8也不是GB18030（GBK）编码，无法读取，请另存为“CSV UTF-8”或“CSV（逗号分隔）”格式"
                .to_string(),
        );
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("第{}行无法读取：{e}", i + 1))?;
        rows.push(rec.iter().map(|c| Data::String(c.to_string())).collect());
    }
    Ok(Table {
        sheet: String::new(),
        rows,
        encoding: Some(encoding),
        sha256: String::new(),
    })
}

/// The first sheet of a workbook, its rows placed at their positions from A1.
fn workbook(bytes: &[u8]) -> Result<Table, String> {
    let owned = bytes.to_vec();
    // A panic inside the reader is an error for this file, never a crash.
    let read = std::panic::catch_unwind(move || {
        let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(owned))
            .map_err(|e| format!("无法作为工作簿读取：{e}"))?;
        let sheet = book
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| "工作簿中没有工作表".to_string())?;
        let range = book
            .worksheet_range(&sheet)
            .map_err(|e| format!("无法读取工作表“{sheet}”：{e}"))?;
        Ok::<_, String>((sheet, range))
    });
    let (sheet, range) = read.map_err(|_| "文件结构异常，读取程序无法解析".to_string())??;
    let mut rows: Vec<Vec<Data>> = Vec::new();
    if let Some((r0, c0)) = range.start() {
        rows.resize(r0 as usize, Vec::new());
        for r in range.rows() {
            let mut row = vec![Data::Empty; c0 as usize];
            row.extend(r.iter().cloned());
            rows.push(row);
        }
    }
    Ok(Table {
        sheet,
        rows,
        encoding: None,
        sha256: String::new(),
    })
}

/// A cell as text, trimmed: numbers without a trailing ".0" (a code typed as a number is
/// 440100, not 440100.0).
pub fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) => crate::text::fmt_num(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::Empty => String::new(),
        other => other.to_string().trim().to_string(),
    }
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
        ws.write_string(1, 1, "广州市").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let t = from_bytes("地区名录.xlsx", &bytes).unwrap();
        assert_eq!(t.sheet, "名录");
        assert_eq!(t.headers()[0], "区划代码");
        assert_eq!(text(&t.rows[1][0]), "440100");
        assert_eq!(text(&t.rows[1][1]), "广州市");
        assert_eq!(t.encoding, None);
    }

    #[test]
    fn a_csv_reads_as_strings_and_keeps_its_encoding() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("区划代码,名称\r\n440100,广州市\r\n");
        let t = from_bytes("地区名录.csv", &bytes).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][1], Data::String("广州市".to_string()));
        assert_eq!(t.encoding, Some(Encoding::Gb18030));
    }

    #[test]
    fn a_file_that_is_no_workbook_is_refused_with_a_reason() {
        let err = from_bytes("省级评定.xlsx", b"not a zip").unwrap_err();
        assert!(err.contains("无法作为工作簿读取"), "{err}");
    }
}
