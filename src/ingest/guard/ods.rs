//! `.ods`: calamine repeats a cell `table:number-columns-repeated` times, copies a sheet's used
//! area once for every `table:number-rows-repeated`, and writes `<text:s text:c="N"/>` as N
//! spaces, all before returning, so a file of a few hundred bytes asks for gigabytes; and it loops
//! for ever when `content.xml` ends inside a table or inside a cell's annotation.
//!
//! So `content.xml` is read here first, with the same XML reader and settings, following
//! calamine's reading of tables, rows and cells (ods.rs: `read_table`, `read_row`,
//! `get_datatype`, `get_range`) closely enough to count the cells and the bytes of text it would
//! build, always counting at least as much.

use crate::ingest::workbook::Limits;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;
use std::io::{BufRead, BufReader, Cursor};

/// calamine's caps (ods.rs, `MAX_ROWS` and `MAX_COLUMNS`).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// What calamine would build for a whole workbook.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    /// Cells kept while rows are read, plus the cells of each sheet's used area.
    pub cells: u64,
    /// Bytes of text in those cells (a repeated cell's text counted for every copy).
    pub text: u64,
}

/// Why a reading stopped before the end of `content.xml`.
#[derive(Debug, PartialEq, Eq)]
enum Stop {
    /// calamine returns an error here, having built nothing more.
    Error,
    /// calamine would not return at all, or the file cannot be followed: refuse it.
    Refuse,
    /// Past the limits: no need to read on.
    Over,
}

/// Refuses an `.ods` whose `content.xml` would make calamine build more cells or text than the
/// limits allow, or never finish. Files that calamine cannot open pass: it reports them itself.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let Ok(entry) = zip.by_name("content.xml") else {
        return Ok(());
    };
    match content(BufReader::new(entry), limits) {
        Err(()) => Err(
            "ods文件内容不完整或结构异常，请用Excel、WPS或LibreOffice另存后重新报送".to_string(),
        ),
        Ok(t) if t.cells > limits.cells_per_sheet as u64 => Err(format!(
            "重复的行列展开后单元格数超过上限{}，拒绝读取；请删除多余的行列后另存重新报送",
            limits.cells_per_sheet
        )),
        Ok(t) if t.text > limits.unzipped_bytes => Err(format!(
            "单元格文字展开后超过{} MiB，拒绝读取；请删除多余的内容后另存重新报送",
            limits.unzipped_bytes / 1024 / 1024
        )),
        Ok(_) => Ok(()),
    }
}

/// Counts what calamine would build from a `content.xml` (stopping once past the limits);
/// `Err` for a file to refuse whatever the counts.
fn content<R: BufRead>(xml: R, limits: &Limits) -> Result<Tally, ()> {
    let mut reader = Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut tally = Tally::default();
    let mut buf = Vec::new();
    loop {
        let table = match reader.read_event_into(&mut buf) {
            // calamine reads only a table that has a name.
            Ok(Event::Start(e)) if e.name() == QName("table:table") => {
                attr(&e, "table:name").map_err(|_| ())?.is_some()
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => false,
        };
        buf.clear();
        if table {
            match read_table(&mut reader, &mut tally, limits) {
                Ok(()) => {}
                Err(Stop::Error) | Err(Stop::Over) => break,
                Err(Stop::Refuse) => return Err(()),
            }
        }
    }
    Ok(tally)
}

fn over(tally: &Tally, limits: &Limits) -> bool {
    tally.cells > limits.cells_per_sheet as u64 || tally.text > limits.unzipped_bytes
}

/// The used area of a table so far, as `get_range` finds it.
#[derive(Default)]
struct Area {
    /// Rows (with repeats) from the first non-empty row to the last one.
    rows: u64,
    /// Repeats of empty rows since the last non-empty row (counted once a non-empty row follows).
    pending_rows: u64,
    col_min: Option<u64>,
    col_end: u64,
}

impl Area {
    fn cells(&self) -> u64 {
        let width = self.col_end - self.col_min.unwrap_or(self.col_end);
        self.rows.saturating_mul(width)
    }
}

fn read_table<R: BufRead>(
    reader: &mut Reader<R>,
    tally: &mut Tally,
    limits: &Limits,
) -> Result<(), Stop> {
    let mut buf = Vec::new();
    let mut total_rows: u64 = 0;
    let mut area = Area::default();
    loop {
        let repeats = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name() == QName("table:table-row") => {
                number(&e, "table:number-rows-repeated")?
            }
            Ok(Event::End(e)) if e.name() == QName("table:table") => {
                tally.cells = tally.cells.saturating_add(area.cells());
                return Ok(());
            }
            // calamine's `read_table` ignores the end of the file and loops for ever.
            Ok(Event::Eof) => return Err(Stop::Refuse),
            Err(_) => return Err(Stop::Error),
            Ok(_) => {
                buf.clear();
                continue;
            }
        };
        buf.clear();
        let repeats = repeats.min(MAX_ROWS.saturating_sub(total_rows));
        total_rows = total_rows.saturating_add(repeats);
        let row = read_row(reader)?;
        tally.cells = tally.cells.saturating_add(row.cells);
        match row.first {
            None if area.col_min.is_some() => {
                area.pending_rows = area.pending_rows.saturating_add(repeats);
            }
            None => {}
            Some(first) => {
                area.rows = area
                    .rows
                    .saturating_add(area.pending_rows)
                    .saturating_add(repeats);
                area.pending_rows = 0;
                area.col_min = Some(area.col_min.map_or(first, |m| m.min(first)));
                area.col_end = area.col_end.max(row.end);
                // The row's text once while reading, and again for every copy in the area.
                let copies = repeats.saturating_add(1);
                tally.text = tally.text.saturating_add(row.text.saturating_mul(copies));
            }
        }
        let now = Tally {
            cells: tally.cells.saturating_add(area.cells()),
            text: tally.text,
        };
        if over(&now, limits) {
            *tally = now;
            return Err(Stop::Over);
        }
    }
}

/// One row as `read_row` keeps it.
#[derive(Default)]
struct Row {
    /// Cells pushed: repeated non-empty cells, and the empty ones that a non-empty cell follows.
    cells: u64,
    /// Position of the first non-empty cell, if any.
    first: Option<u64>,
    /// Position after the last non-empty cell.
    end: u64,
    /// Bytes of text of the cells pushed.
    text: u64,
}

fn read_row<R: BufRead>(reader: &mut Reader<R>) -> Result<Row, Stop> {
    let mut row = Row::default();
    let mut buf = Vec::new();
    let mut cell_buf = Vec::new();
    let mut pending_empty: u64 = 0;
    loop {
        let (name, repeats, cell) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e))
                if e.name() == QName("table:table-cell")
                    || e.name() == QName("table:covered-table-cell") =>
            {
                let repeats = number(&e, "table:number-columns-repeated")?;
                let cell = read_cell(reader, &e, &mut cell_buf)?;
                (e.name().0.to_string(), repeats, cell)
            }
            Ok(Event::End(e)) if e.name() == QName("table:table-row") => return Ok(row),
            // Anything else in a row is an error for calamine.
            _ => return Err(Stop::Error),
        };
        buf.clear();
        row.cells += pending_empty.min(MAX_COLUMNS.saturating_sub(row.cells));
        pending_empty = 0;
        let repeats = repeats.min(MAX_COLUMNS.saturating_sub(row.cells));
        if cell.empty {
            pending_empty = repeats;
        } else {
            row.first.get_or_insert(row.cells);
            row.cells += repeats;
            row.end = row.cells;
            row.text = row.text.saturating_add(repeats.saturating_mul(cell.text));
        }
        if !cell.closed
            && reader
                .read_to_end_into(QName(&name), &mut cell_buf)
                .is_err()
        {
            return Err(Stop::Error);
        }
        cell_buf.clear();
    }
}

/// One cell as `get_datatype` reads it.
struct Cell {
    empty: bool,
    /// Bytes of text kept for one copy of the cell (value and formula).
    text: u64,
    /// Whether the cell's end tag has been read.
    closed: bool,
}

fn read_cell<R: BufRead>(
    reader: &mut Reader<R>,
    e: &BytesStart,
    buf: &mut Vec<u8>,
) -> Result<Cell, Stop> {
    let mut is_string = false;
    let mut is_error = false;
    // The value set by an attribute: whether it is a string, and its length.
    let mut value: Option<(bool, u64)> = None;
    let mut formula: u64 = 0;
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|_| Stop::Refuse)?;
        let len = a.value.len() as u64;
        match a.key.0 {
            "office:value" | "office:boolean-value" if value.is_none() => {
                value = Some((false, 0));
            }
            // Only a string value is text for the check below; dates and times are not.
            "office:string-value" if value.is_none() => value = Some((true, len)),
            "office:date-value" | "office:time-value" if value.is_none() => {
                value = Some((false, len));
            }
            "office:value-type" if value.is_none() => is_string = a.value == "string",
            "calcext:value-type" => is_error = a.value == "error",
            "table:formula" => formula = len,
            _ => {}
        }
    }
    if (value.is_none() && is_string) || (is_error && value == Some((true, 0))) {
        // The text is in the cell's content.
        let mut text: u64 = 0;
        loop {
            buf.clear();
            match reader.read_event_into(buf) {
                Ok(Event::Text(t)) => text = text.saturating_add(t.len() as u64),
                Ok(Event::GeneralRef(_)) => text = text.saturating_add(4),
                Ok(Event::End(end))
                    if end.name() == QName("table:table-cell")
                        || end.name() == QName("table:covered-table-cell") =>
                {
                    return Ok(Cell {
                        empty: false,
                        text: text.saturating_add(formula),
                        closed: true,
                    });
                }
                Ok(Event::Start(s)) if s.name() == QName("office:annotation") => loop {
                    match reader.read_event_into(buf) {
                        Ok(Event::End(end)) if end.name() == QName("office:annotation") => break,
                        // calamine loops for ever here.
                        Ok(Event::Eof) => return Err(Stop::Refuse),
                        Err(_) => return Err(Stop::Error),
                        _ => {}
                    }
                },
                Ok(Event::Start(s)) if s.name() == QName("text:s") => {
                    // calamine parses an i32 and pushes that many spaces one by one.
                    let count = match attr(&s, "text:c").map_err(|_| Stop::Refuse)? {
                        Some(v) => v.parse::<i64>().map_err(|_| Stop::Error)?.max(0) as u64,
                        None => 1,
                    };
                    text = text.saturating_add(count);
                }
                // A paragraph, tab or line break adds a character; anything else adds less.
                Ok(Event::Start(_)) => text = text.saturating_add(1),
                Ok(Event::Eof) | Err(_) => return Err(Stop::Error),
                Ok(_) => {}
            }
        }
    }
    Ok(Cell {
        empty: value.is_none() && formula == 0,
        text: value.map_or(0, |(_, len)| len).saturating_add(formula),
        closed: false,
    })
}

/// An attribute's unescaped value; `Err` when the attributes cannot be read.
fn attr(e: &BytesStart, key: &str) -> Result<Option<String>, ()> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|_| ())?;
        if a.key.0 == key {
            let value = quick_xml::escape::unescape(&a.value).map_err(|_| ())?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// A repeat count, 1 when absent. One that calamine cannot parse stops it there.
fn number(e: &BytesStart, key: &str) -> Result<u64, Stop> {
    match attr(e, key).map_err(|_| Stop::Refuse)? {
        None => Ok(1),
        Some(v) => v.parse::<u64>().map_err(|_| Stop::Error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>"#;
    const TAIL: &str = "</office:spreadsheet></office:body></office:document-content>";

    fn tally(tables: &str) -> Result<Tally, ()> {
        let xml = format!("{HEAD}{tables}{TAIL}");
        content(xml.as_bytes(), &Limits::default())
    }

    fn cell(text: &str) -> String {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
        )
    }

    #[test]
    fn counts_a_plain_sheet_like_calamine() {
        // Two rows of two cells, then LibreOffice's trailing empty cells and rows.
        let row = format!(
            r#"<table:table-row>{}{}<table:table-cell table:number-columns-repeated="16382"/></table:table-row>"#,
            cell("ab"),
            cell("c")
        );
        let tables = format!(
            r#"<table:table table:name="基本情况">{row}{row}<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#
        );
        let t = tally(&tables).unwrap();
        // 2 rows × 2 cells read, and a used area of 2 × 2.
        assert_eq!(t.cells, 8);
        assert!(t.text >= 2 * 2 * 4 && t.text < 100, "{t:?}");
    }

    #[test]
    fn counts_repeats_that_calamine_expands() {
        let tables = format!(
            r#"<table:table table:name="x"><table:table-row table:number-rows-repeated="5000">{}<table:table-cell table:number-columns-repeated="16382"/>{}</table:table-row></table:table>"#,
            cell("a"),
            cell("b")
        );
        let t = tally(&tables).unwrap();
        assert_eq!(t.cells, 16_384 + 5000 * 16_384);
    }

    #[test]
    fn counts_spaces_and_column_copies() {
        let tables = r#"<table:table table:name="x"><table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="100"><text:p><text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
        assert!(tally(tables).unwrap().text > 100 * 2_000_000_000);
    }

    #[test]
    fn refuses_content_that_calamine_never_finishes() {
        let unclosed = format!(
            r#"{HEAD}<table:table table:name="x"><table:table-row>{}</table:table-row>"#,
            cell("a")
        );
        assert_eq!(content(unclosed.as_bytes(), &Limits::default()), Err(()));
        let annotation = r#"<table:table table:name="x"><table:table-row><table:table-cell office:value-type="string"><office:annotation>"#;
        assert_eq!(
            content(format!("{HEAD}{annotation}").as_bytes(), &Limits::default()),
            Err(())
        );
    }
}
