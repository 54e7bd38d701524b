//! Guard for an ods's content.xml: calamine builds every table as a full grid at open, expanding
//! `number-rows-repeated` and `number-columns-repeated` (up to 100 million cells, plus a grid of
//! formulas as large) and `<text:s text:c="…"/>` runs of spaces. This pass follows the same rules
//! over the stream and refuses the file before calamine allocates.
//!
//! It also finds text between a row's cells or a cell's paragraphs, which calamine 0.38 cannot
//! read ("Expecting 'table-cell', found 'Text(…)'"): Gnumeric (`ssconvert`) indents its
//! content.xml, one element a line. [`repack`] then drops that whitespace.

use super::super::workbook::Limits;
use super::xml::{scan, Item, Tag};
use super::Refusal;
use std::io::{Cursor, Read, Write};

/// calamine's own caps (ods.rs): rows and columns of a sheet.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLUMNS: usize = 16_384;

/// One table as calamine would build it.
#[derive(Debug, Default)]
struct Table {
    /// Cells pushed while reading rows (before rows are repeated).
    raw: usize,
    /// Rows so far, with repeats (capped as calamine caps them).
    rows: usize,
    /// First row (with repeats) holding a value, and the row after the last one.
    first_row: Option<usize>,
    end_row: usize,
    col_min: usize,
    col_max: usize,
}

impl Table {
    fn grid(&self) -> usize {
        match self.first_row {
            None => self.raw,
            Some(first) => {
                let width = self.col_max + 1 - self.col_min.min(self.col_max);
                self.raw
                    .saturating_add((self.end_row - first).saturating_mul(width))
            }
        }
    }
}

/// The row being read.
#[derive(Debug, Default)]
struct Row {
    /// Text bytes of the row's cells, each times its column repeats.
    text: u64,
    repeats: usize,
    /// Columns pushed so far; empty cells are pushed only when a value follows them.
    pushed: usize,
    pending_empty: usize,
    first: Option<usize>,
    last: usize,
}

/// Elements whose content is elements only (ODF 1.2, 9.1.3 and 9.1.4): text directly inside them
/// is layout, yet calamine 0.38 fails on it in a row (this module's doc) and adds it to the value
/// of a text cell ("\n    区划代码").
const ELEMENT_ONLY: [&str; 3] = [
    "table:table-row",
    "table:table-cell",
    "table:covered-table-cell",
];

/// Checks content.xml; `Ok(true)` when it is acceptable but has text directly inside a row or a
/// cell ([`ELEMENT_ONLY`]), which calamine must not see: [`repack`] the package then.
pub fn check(content: impl Read, limits: &Limits) -> Result<bool, Refusal> {
    let mut table = Table::default();
    // Cells of the tables before this one.
    let mut done: usize = 0;
    let mut row: Option<Row> = None;
    let mut spaces: u64 = 0;
    // The open cell: how many copies calamine makes of its value, and its text so far.
    let mut open: Option<(u64, u64)> = None;
    let mut text_counts = false;
    // Text bytes calamine would hold: each row's once as read, then once per repeat.
    let mut text: u64 = 0;
    let refuse = |what: String| Err(Refusal::Hostile(format!("{what}，疑似恶意构造，拒绝读取")));
    let mut verdict: Result<(), Refusal> = Ok(());
    // Elements open at this point. calamine reads a table until the end tag of that table and
    // loops for ever when the document ends first (inside a table or an annotation) or closes
    // it under another name, so a content.xml that ends inside an element, or whose end tags do
    // not match their start tags, is refused (Calc never writes either).
    let mut open_tags: Vec<String> = Vec::new();
    let mut mismatch = false;
    let mut loose_text = false;
    scan(content, |item| {
        match &item {
            Item::Start(tag) if !tag.empty => open_tags.push(tag.name.clone()),
            Item::End(name) if open_tags.pop().as_deref() != Some(name.as_str()) => {
                mismatch = true;
                return Ok(false);
            }
            Item::Text(_) => {
                loose_text |= open_tags
                    .last()
                    .is_some_and(|t| ELEMENT_ONLY.contains(&t.as_str()));
            }
            _ => {}
        }
        match item {
            Item::Start(tag) => match tag.name.as_str() {
                // Calc never writes a table or a row inside a row; a reader and this pass could
                // disagree on where it ends, so it is refused.
                "table:table" | "table:table-row" if row.is_some() => {
                    verdict = refuse("行内嵌套了表格或行".to_string());
                    return Ok(false);
                }
                "table:table" => {
                    // calamine builds every table at open: the grids add up.
                    done = done.saturating_add(table.grid());
                    table = Table::default();
                    row = None;
                }
                "table:table-row" => {
                    let repeats = number(&tag, "table:number-rows-repeated")?;
                    let capped = repeats.min(MAX_ROWS.saturating_sub(table.rows));
                    let r = Row {
                        repeats: capped,
                        ..Row::default()
                    };
                    if tag.empty {
                        text = text.saturating_add(end_row(&mut table, r));
                    } else {
                        row = Some(r);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some(r) = row.as_mut() {
                        let copies = cell(r, &tag)?;
                        // Strings calamine makes for the cell: these attributes, and the text
                        // content where the value is in it.
                        let attrs: usize = tag
                            .attrs
                            .iter()
                            .filter(|(k, _)| {
                                matches!(
                                    k.as_str(),
                                    "office:string-value"
                                        | "office:date-value"
                                        | "office:time-value"
                                        | "table:formula"
                                )
                            })
                            .map(|(_, v)| v.len())
                            .sum();
                        let in_text = (tag.attr("office:value-type") == Some("string")
                            && tag.attr("office:string-value").is_none())
                            || tag.attr("calcext:value-type") == Some("error");
                        open = Some((copies, attrs as u64));
                        text_counts = in_text;
                        if tag.empty {
                            close_cell(r, &mut open);
                        }
                    }
                }
                "text:s" => {
                    let c = match tag.attr("text:c") {
                        Some(_) => number(&tag, "text:c")? as u64,
                        None => 1,
                    };
                    spaces = spaces.saturating_add(c);
                    if let Some((_, t)) = open.as_mut() {
                        *t = t.saturating_add(c);
                    }
                    if spaces > limits.expanded_spaces {
                        verdict = refuse(format!(
                            "单元格文本中的连续空格（text:s）合计超过{}个",
                            limits.expanded_spaces
                        ));
                        return Ok(false);
                    }
                }
                _ => {}
            },
            Item::Text(n) if text_counts => {
                if let Some((_, t)) = open.as_mut() {
                    *t = t.saturating_add(n);
                }
            }
            Item::Text(_) => {}
            Item::End(name) => match name.as_str() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some(r) = row.as_mut() {
                        close_cell(r, &mut open);
                    }
                }
                "table:table-row" | "table:table" => {
                    if let Some(r) = row.take() {
                        text = text.saturating_add(end_row(&mut table, r));
                    }
                }
                _ => {}
            },
        }

        if table.end_row > limits.rows as usize {
            verdict = refuse(format!(
                "工作表声明的数据区域达{}行，超过行数上限{}",
                table.end_row, limits.rows
            ));
            return Ok(false);
        }
        let cells = done.saturating_add(table.grid());
        if cells > limits.grid_cells {
            verdict = refuse(format!(
                "工作表展开后的单元格数达{cells}，超过上限{}",
                limits.grid_cells
            ));
            return Ok(false);
        }
        if text > limits.text_bytes {
            verdict = refuse(format!(
                "工作表展开后的文本总量超过上限{}",
                super::super::workbook::human(limits.text_bytes)
            ));
            return Ok(false);
        }
        Ok(true)
    })?;
    if mismatch {
        return Err(Refusal::Hostile(
            "content.xml 的结束标记与开始标记不一致，疑似损坏或恶意构造，拒绝读取".to_string(),
        ));
    }
    if verdict.is_ok() && !open_tags.is_empty() {
        return Err(Refusal::Hostile(
            "content.xml 在元素内部中断（文件不完整），疑似损坏或恶意构造，拒绝读取".to_string(),
        ));
    }
    verdict.map(|()| loose_text)
}

/// The package with its content.xml rewritten without the whitespace-only text directly inside
/// rows and cells ([`ELEMENT_ONLY`]; text inside paragraphs is kept as it is), every other part
/// copied as it is: for calamine to read instead of the file. `None` when there is no such text to
/// drop, or the package cannot be rewritten: calamine then reads the file and says what it makes
/// of it. Called only on a package [`check`] passed, so the part's size is within the limits.
///
/// The part is parsed with calamine's own XML reader (quick-xml, configured as calamine does) and
/// written back event by event, so calamine reads the same elements and text, less that whitespace.
pub fn repack(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<Option<Vec<u8>>, Refusal> {
    use zip::write::SimpleFileOptions;
    let Some(content) = zip.index_for_name("content.xml") else {
        return Ok(None);
    };
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut dropped = 0;
    for i in 0..zip.len() {
        if i == content {
            let options = SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(1));
            let entry = zip
                .by_index(i)
                .map_err(|e| Refusal::Broken(format!("压缩包内容损坏（{e}）")))?;
            if out.start_file("content.xml", options).is_err() {
                return Ok(None);
            }
            match drop_layout_text(std::io::BufReader::new(entry), &mut out) {
                Ok(n) => dropped = n,
                Err(_) => return Ok(None),
            }
        } else {
            let entry = zip
                .by_index_raw(i)
                .map_err(|e| Refusal::Broken(format!("压缩包目录损坏（{e}）")))?;
            if out.raw_copy_file(entry).is_err() {
                return Ok(None);
            }
        }
    }
    if dropped == 0 {
        return Ok(None);
    }
    Ok(out.finish().ok().map(Cursor::into_inner))
}

/// Copies an XML document from `input` to `out` without the whitespace-only text directly inside
/// [`ELEMENT_ONLY`] elements (text next to a character or entity reference is kept whole);
/// returns how many runs it dropped.
fn drop_layout_text(input: impl std::io::BufRead, out: impl Write) -> Result<usize, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(input);
    // As calamine's ods reader, except that empty elements stay as they are written.
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = false;
    let mut writer = quick_xml::Writer::new(out);
    // For each open element, whether its content is elements only.
    let mut open: Vec<bool> = Vec::new();
    // Whitespace held back until the next event shows whether a reference continues its run.
    let mut held: Option<quick_xml::events::BytesText<'static>> = None;
    let mut after_ref = false;
    let mut dropped = 0;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let is_ref = matches!(event, Event::GeneralRef(_));
        if let Some(text) = held.take() {
            if is_ref {
                writer
                    .write_event(Event::Text(text))
                    .map_err(|e| e.to_string())?;
            } else {
                dropped += 1;
            }
        }
        match &event {
            Event::Eof => break,
            Event::Start(e) => open.push(ELEMENT_ONLY.contains(&e.name().0)),
            // The reader decodes the part to UTF-8 and the writer writes that: a part declared in
            // another encoding would not read back as it was.
            Event::Decl(d)
                if d.encoding().is_some_and(|e| {
                    e.map_or(true, |e| {
                        !e.eq_ignore_ascii_case("utf-8") && !e.eq_ignore_ascii_case("utf8")
                    })
                }) =>
            {
                return Err("content.xml is not declared UTF-8".to_string());
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t)
                if !after_ref
                    && open.last() == Some(&true)
                    && t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) =>
            {
                held = Some(t.clone().into_owned());
                after_ref = false;
                continue;
            }
            _ => {}
        }
        after_ref = is_ref;
        writer.write_event(event).map_err(|e| e.to_string())?;
    }
    Ok(dropped)
}

/// A repeat count as calamine parses it; anything it could not parse is left for it to refuse.
fn number(tag: &Tag, attr: &str) -> Result<usize, Refusal> {
    match tag.attr(attr) {
        None => Ok(1),
        Some(v) if v.contains('&') => Err(Refusal::Hostile(format!(
            "属性{attr}含字符引用“{}”，疑似恶意构造，拒绝读取",
            v.chars().take(20).collect::<String>()
        ))),
        Some(v) => Ok(v.parse::<usize>().unwrap_or(1)),
    }
}

/// A cell: calamine pushes pending empty cells when a value follows them, then the value
/// `repeats` times, both capped at the sheet's last column. Returns how many copies of the value
/// (and of its formula) calamine makes.
fn cell(r: &mut Row, tag: &Tag) -> Result<u64, Refusal> {
    let repeats = number(tag, "table:number-columns-repeated")?;
    let has_value = tag.attrs.iter().any(|(k, _)| {
        matches!(
            k.as_str(),
            "office:value"
                | "office:string-value"
                | "office:date-value"
                | "office:time-value"
                | "office:boolean-value"
                | "office:value-type"
                | "calcext:value-type"
                | "table:formula"
        )
    });
    let empty = r.pending_empty.min(MAX_COLUMNS.saturating_sub(r.pushed));
    r.pushed += empty;
    r.pending_empty = 0;
    let capped = repeats.min(MAX_COLUMNS.saturating_sub(r.pushed));
    if has_value {
        if capped > 0 {
            r.first.get_or_insert(r.pushed);
            r.pushed += capped;
            r.last = r.pushed - 1;
        }
        Ok(capped as u64)
    } else {
        r.pending_empty = capped;
        Ok(0)
    }
}

/// The open cell's text, times its copies, into the row.
fn close_cell(r: &mut Row, open: &mut Option<(u64, u64)>) {
    if let Some((copies, text)) = open.take() {
        r.text = r.text.saturating_add(copies.saturating_mul(text));
    }
}

/// Ends a row; returns the text bytes calamine holds for it (as read, plus once per repeat).
fn end_row(t: &mut Table, r: Row) -> u64 {
    let text = r.text.saturating_mul(1 + r.repeats as u64);
    t.raw = t.raw.saturating_add(r.pushed);
    let start = t.rows;
    t.rows = t.rows.saturating_add(r.repeats);
    if let Some(first) = r.first {
        if t.first_row.is_none() {
            t.first_row = Some(start);
            t.col_min = first;
            t.col_max = r.last;
        }
        t.col_min = t.col_min.min(first);
        t.col_max = t.col_max.max(r.last);
        t.end_row = t.rows;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!("<office:document-content><office:body><office:spreadsheet><table:table table:name=\"a\">{body}</table:table></office:spreadsheet></office:body></office:document-content>")
    }

    /// Regression (1252fd7, fuzz seed `ods-unclosed-annotation`): calamine 0.38 loops for ever
    /// on a content.xml that ends inside an annotation or a table; the guard let it through.
    #[test]
    fn regression_a_content_xml_ending_inside_an_element_hung_the_reader() {
        let l = Limits::default();
        let cut = r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="x"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>n</text:p>"#;
        assert!(check(cut.as_bytes(), &l)
            .unwrap_err()
            .to_string()
            .contains("content.xml 在元素内部中断"));
        let table = r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="x">"#;
        assert!(check(table.as_bytes(), &l).is_err());
        assert_eq!(check(doc("").as_bytes(), &l), Ok(false));
    }

    /// Regression (1d67ca7, fuzz seed `ods-mismatched-end-tag`): a cell closed as `</t` leaves
    /// the table open under another name, and calamine 0.38 loops for ever at the end of file.
    #[test]
    fn regression_an_end_tag_that_does_not_match_its_start_hung_the_reader() {
        let l = Limits::default();
        let mismatched =
            doc(r#"<table:table-row><table:table-cell><text:p>a</text:p></t></table:table-row>"#);
        assert!(check(mismatched.as_bytes(), &l)
            .unwrap_err()
            .to_string()
            .contains("结束标记与开始标记不一致"));
    }

    #[test]
    fn measures_repeated_rows_and_columns() {
        let l = Limits::default();
        let ok = doc(
            r#"<table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="16000"/></table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#,
        );
        assert_eq!(check(ok.as_bytes(), &l), Ok(false));
        let wide = doc(
            r#"<table:table-row table:number-rows-repeated="5000"><table:table-cell table:number-columns-repeated="1000" office:value-type="float" office:value="1"/></table:table-row>"#,
        );
        assert!(check(wide.as_bytes(), &l)
            .unwrap_err()
            .to_string()
            .contains("单元格数达5001000"));
        let tall = doc(
            r#"<table:table-row><table:table-cell office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="300000"/><table:table-row><table:table-cell office:value="1"/></table:table-row>"#,
        );
        assert!(check(tall.as_bytes(), &l)
            .unwrap_err()
            .to_string()
            .contains("300002行"));
        let spaces = doc(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000"/></text:p></table:table-cell></table:table-row>"#,
        );
        assert!(check(spaces.as_bytes(), &l)
            .unwrap_err()
            .to_string()
            .contains("连续空格"));
    }

    /// A content.xml indented as Gnumeric writes it: between a row's cells, and in a text cell
    /// with an annotation, around it and its paragraph.
    const INDENTED: &str = "\n        <table:table-row table:style-name=\"AROW-0\">\n          <table:table-cell office:value-type=\"string\">\n            <office:annotation>\n              <dc:creator>省办</dc:creator>\n<text:p>说明</text:p></office:annotation>\n<text:p>区划代码</text:p></table:table-cell>\n          <table:table-cell office:value-type=\"float\" office:value=\"3\"><text:p>3</text:p></table:table-cell>\n          <table:table-cell office:value-type=\"string\"><text:p>  a <text:s/> b </text:p>\n<text:p>第二段</text:p></table:table-cell>\n          <table:table-cell table:number-columns-repeated=\"16381\"/>\n        </table:table-row>\n        <table:table-row table:number-rows-repeated=\"1048575\">\n          <table:table-cell table:number-columns-repeated=\"16384\"/>\n        </table:table-row>\n      ";

    fn package(content: &str) -> Vec<u8> {
        use zip::write::SimpleFileOptions;
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        z.start_file("mimetype", stored).unwrap();
        z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        z.start_file("META-INF/manifest.xml", SimpleFileOptions::default())
            .unwrap();
        z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
        z.start_file("content.xml", SimpleFileOptions::default())
            .unwrap();
        z.write_all(content.as_bytes()).unwrap();
        z.finish().unwrap().into_inner()
    }

    fn rewritten(xml: &str) -> (String, usize) {
        let mut out = Vec::new();
        let n = drop_layout_text(xml.as_bytes(), &mut out).unwrap();
        (String::from_utf8(out).unwrap(), n)
    }

    /// Regression (issue 22, item 11): Gnumeric's `.ods` (`ssconvert`) indents content.xml,
    /// and calamine 0.38 refused every such file at its first row: "Expecting 'table-cell',
    /// found 'Text(…)'". The guard now finds that whitespace and hands calamine the package
    /// without it; text inside paragraphs is read as before.
    #[test]
    fn regression_gnumerics_indented_content_xml_was_unreadable() {
        use crate::ingest::workbook::{open, Format};
        use calamine::{Data, Ods, Reader};
        let l = Limits::default();
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content>\n  <office:body>\n    <office:spreadsheet>\n      <table:table table:name=\"基本情况\">{INDENTED}</table:table>\n    </office:spreadsheet>\n  </office:body>\n</office:document-content>\n"
        );
        let file = package(&xml);
        let Err(e) = Ods::<_>::new(Cursor::new(&file[..])) else {
            panic!("calamine reads indented rows now: the rewrite may be dropped");
        };
        assert!(e.to_string().contains("Expecting 'table-cell'"), "{e}");
        assert_eq!(check(xml.as_bytes(), &l), Ok(true));

        let opened = open(&file, Format::Ods, &l, &|_| false).unwrap();
        let sheet = &opened.book.sheets[0];
        assert_eq!(sheet.name, "基本情况");
        assert_eq!(sheet.get(0, 0), &Data::String("区划代码".to_string()));
        assert_eq!(sheet.get(0, 1), &Data::Float(3.0));
        assert_eq!(
            sheet.get(0, 2),
            &Data::String("  a   b \n第二段".to_string())
        );
        assert_eq!(sheet.last_row(), Some(0));
    }

    #[test]
    fn drops_whitespace_between_cells_and_paragraphs_only() {
        let (out, n) = rewritten(&doc(INDENTED));
        assert_eq!(n, 10, "{out}");
        assert!(out.contains("<table:table-row table:style-name=\"AROW-0\"><table:table-cell office:value-type=\"string\"><office:annotation>\n              <dc:creator>省办</dc:creator>\n<text:p>说明</text:p></office:annotation><text:p>区划代码</text:p></table:table-cell><table:table-cell"), "{out}");
        // Inside a paragraph, and between rows (calamine skips that), the text stays.
        assert!(out.contains("<text:p>  a <text:s/> b </text:p><text:p>第二段</text:p>"));
        assert!(
            out.contains("</table:table-row>\n        <table:table-row table:number-rows-repeated")
        );
        // A document without such text is copied byte for byte.
        let flat = doc(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p> x </text:p></table:table-cell></table:table-row>"#,
        );
        assert_eq!(rewritten(&flat), (flat.clone(), 0));
        assert_eq!(check(flat.as_bytes(), &Limits::default()), Ok(false));
        // Whitespace next to a reference is part of the cell's text as calamine reads it: kept.
        let with_ref = doc("<table:table-row><table:table-cell office:value-type=\"string\"> &amp; <text:p>x</text:p></table:table-cell></table:table-row>");
        assert_eq!(rewritten(&with_ref), (with_ref.clone(), 0));
    }
}
