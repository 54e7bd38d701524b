//! The province's own tables (地区名录, 省级评定) as one grid of cells, whichever way the office
//! keeps them: a CSV in any encoding Excel or WPS saves (see `csvfile`, parsed here), or the
//! first sheet of a workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`) with the same columns, which
//! `ingest::tables` reads behind the submissions' guards. Row 0 is the header.

use crate::csvfile::{self, Encoding};
use calamine::Data;

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

/// A CSV's records as rows of string cells.
pub fn from_csv(bytes: &[u8]) -> Result<Table, String> {
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
    fn a_csv_reads_as_strings_and_keeps_its_encoding() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("区划代码,名称\r\n440100,广州市\r\n");
        let t = from_csv(&bytes).unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1][1], Data::String("广州市".to_string()));
        assert_eq!(t.encoding, Some(Encoding::Gb18030));
    }
}
