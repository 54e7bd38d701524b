//! Guards for zip-based files (xlsx, xlsm, ods): the zip directory (entries, declared sizes,
//! compression ratio) and the counts a reader would reserve memory by, checked before calamine
//! opens the file. The zip crate refuses an entry that inflates past its declared size, so the
//! declared sizes checked here bound what any reader can get out of the file.

use super::super::workbook::{human, Format, Limits};
use super::Refusal;
use std::io::{Cursor, Read};

/// Opens the zip directory and checks it; then the format's own counts. `Some` package when the
/// reader must read that instead of `bytes`: an ods whose content.xml was rewritten
/// ([`super::ods::repack`]).
pub fn check(bytes: &[u8], format: Format, limits: &Limits) -> Result<Option<Vec<u8>>, Refusal> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        Refusal::NotAWorkbook(
            match format {
                Format::Ods => "不是有效的ods文件（文件损坏或不完整）",
                _ => "不是有效的xlsx文件（文件损坏、不完整或已加密）",
            }
            .to_string(),
        )
    })?;
    if zip.len() > limits.zip_entries {
        return Err(Refusal::Hostile(format!(
            "压缩包内文件数{}超过上限{}",
            zip.len(),
            limits.zip_entries
        )));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| Refusal::Broken(format!("压缩包目录损坏（{e}）")))?;
        let size = entry.size();
        total = total.saturating_add(size);
        let packed = entry.compressed_size().max(1);
        if size > 1024 * 1024 && size / packed > limits.zip_ratio {
            return Err(Refusal::Hostile(format!(
                "压缩包内“{}”的压缩比异常（{}:1，上限{}:1），疑似压缩炸弹，拒绝读取",
                entry.name().unwrap_or_default(),
                size / packed,
                limits.zip_ratio
            )));
        }
    }
    if total > limits.unzipped_bytes {
        return Err(Refusal::Hostile(format!(
            "解压后大小{}超过上限{}，疑似压缩炸弹，拒绝读取",
            human(total),
            human(limits.unzipped_bytes)
        )));
    }
    // An Excel binary workbook under an xlsx name: say what it is, rather than what the xlsx
    // reader makes of a package without xl/workbook.xml.
    if format == Format::Xlsx
        && zip.index_for_name("xl/workbook.bin").is_some()
        && zip.index_for_name("xl/workbook.xml").is_none()
    {
        return Err(Refusal::NotAWorkbook(format!(
            "文件内容是Excel二进制工作簿（xlsb），不予读取，{}",
            super::super::workbook::SAVE_AS_XLSX
        )));
    }
    match format {
        Format::Xlsx => shared_strings(&mut zip, limits).map(|()| None),
        Format::Ods => {
            let loose_text = match zip.by_name("content.xml") {
                Ok(entry) => super::ods::check(entry, limits)?,
                // calamine reports the missing part itself.
                Err(_) => false,
            };
            if loose_text {
                // A panic in the XML reader or the zip writer on this file's bytes leaves the
                // file as it is, for calamine to say what it makes of it.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    super::ods::repack(&mut zip)
                }))
                .unwrap_or(Ok(None))
            } else {
                Ok(None)
            }
        }
        Format::Xls => Ok(None),
    }
}

/// calamine reserves room for a sharedStrings part's `uniqueCount` before reading a string, and
/// finds the part case-insensitively under any folder the package names: so every part whose
/// name ends in sharedStrings.xml is checked. calamine reads the attribute from the first `sst`
/// start tag; when the part plainly begins with it (as every spreadsheet program writes it),
/// only that tag is read ([`first_tag`]); otherwise the part is searched all through for the
/// attribute, even inside comments (a superset of what a parser would see).
fn shared_strings(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limits: &Limits,
) -> Result<(), Refusal> {
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| Refusal::Broken(format!("压缩包目录损坏（{e}）")))?;
        let name = entry.name().unwrap_or_default().replace('\\', "/");
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            parts.push(i);
        }
    }
    let broken = |e: std::io::Error| Refusal::Broken(format!("压缩包内容损坏（{e}）"));
    for i in parts {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| Refusal::Broken(format!("压缩包内容损坏（{e}）")))?;
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut entry)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(broken)?;
        let count = match first_tag(&head) {
            Some(tag) => largest_count(tag).map_err(broken)?,
            None => largest_count(Cursor::new(&head).chain(entry)).map_err(broken)?,
        };
        if let Some(n) = count {
            if n > limits.shared_strings {
                return Err(Refusal::Hostile(format!(
                    "共享字符串声明数量{n}超过上限{}，疑似恶意构造，拒绝读取",
                    limits.shared_strings
                )));
            }
        }
    }
    Ok(())
}

/// How much of a sharedStrings part is inflated to look for its first tag.
const HEAD_BYTES: usize = 4096;

/// The `sst` start tag a part begins with, when nothing a parser could see comes before it:
/// an optional byte-order mark, whitespace, an XML declaration (no `<`, `>` or unbalanced
/// quote in it), whitespace, then `<sst` or `<prefix:sst` and its attributes up to the `>` that
/// closes the tag outside quotes. `None` when the part begins any other way (a comment, another
/// element, an empty `<sst/>`, a tag longer than `head`): the caller then searches all of it.
fn first_tag(head: &[u8]) -> Option<&[u8]> {
    let skip_ws = |b: &[u8]| -> usize { b.iter().take_while(|c| c.is_ascii_whitespace()).count() };
    let mut b = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    b = &b[skip_ws(b)..];
    if b.starts_with(b"<?") {
        let end = find(b, b"?>")?;
        let decl = &b[2..end];
        let balanced = |q: u8| decl.iter().filter(|&&c| c == q).count() % 2 == 0;
        if !decl.starts_with(b"xml")
            || decl.iter().any(|&c| c == b'<' || c == b'>')
            || !balanced(b'"')
            || !balanced(b'\'')
        {
            return None;
        }
        b = &b[end + 2..];
        b = &b[skip_ws(b)..];
    }
    let name_end = 1 + b
        .get(1..)?
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || b"_.-:".contains(c)))?;
    let name = b.get(1..name_end)?;
    let local = name.rsplit(|&c| c == b':').next()?;
    if b.first() != Some(&b'<')
        || local != b"sst"
        || !b[name_end].is_ascii_whitespace() && b[name_end] != b'>'
    {
        return None;
    }
    let mut quote: Option<u8> = None;
    for (i, &c) in b.iter().enumerate().skip(name_end) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'<') => return None,
            (None, b'>') => {
                // An empty element is not the start tag calamine reads the count from.
                return (b[i - 1] != b'/').then(|| &b[..=i]);
            }
            (None, _) => {}
        }
    }
    None
}

const ATTR: &[u8] = b"uniqueCount";

/// The largest number given to any `uniqueCount` in the stream (`=` and quotes, with optional
/// spaces), read in chunks.
fn largest_count(mut input: impl Read) -> std::io::Result<Option<u64>> {
    let mut best: Option<u64> = None;
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes carried over from the previous chunk, so a match across chunks is not missed.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = input.read(&mut buf)?;
        let at_end = n == 0;
        carry.extend_from_slice(&buf[..n]);
        // By default keep what could be the start of the attribute's name.
        let mut keep_from = carry.len().saturating_sub(ATTR.len() - 1);
        let mut from = 0;
        while let Some(i) = find(&carry[from..], ATTR) {
            let at = from + i + ATTR.len();
            match value_after(&carry[at..], at_end) {
                Value::Number(v) => best = Some(best.map_or(v, |b| b.max(v))),
                Value::Incomplete if carry.len() - at > 1024 * 1024 => {
                    // A megabyte of padding inside one attribute: no spreadsheet writes that.
                    best = Some(u64::MAX);
                }
                Value::Incomplete => {
                    keep_from = from + i;
                    break;
                }
                Value::None => {}
            }
            from = at;
        }
        if at_end {
            return Ok(best);
        }
        carry.drain(..keep_from.min(carry.len()));
    }
}

enum Value {
    Number(u64),
    None,
    /// The chunk ended before the value did.
    Incomplete,
}

fn value_after(s: &[u8], at_end: bool) -> Value {
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < s.len() && s[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if i >= s.len() {
        return if at_end {
            Value::None
        } else {
            Value::Incomplete
        };
    }
    if s[i] != b'=' {
        return Value::None;
    }
    i += 1;
    skip_ws(&mut i);
    if i >= s.len() {
        return if at_end {
            Value::None
        } else {
            Value::Incomplete
        };
    }
    if s[i] != b'"' && s[i] != b'\'' {
        return Value::None;
    }
    let quote = s[i];
    let body = &s[i + 1..];
    let Some(end) = body.iter().position(|&b| b == quote) else {
        return if at_end || body.len() > 64 {
            Value::Number(u64::MAX)
        } else {
            Value::Incomplete
        };
    };
    let digits: Vec<u8> = body[..end]
        .iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        return Value::None;
    }
    let v = std::str::from_utf8(&digits)
        .ok()
        .and_then(|d| d.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    Value::Number(v)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one byte at a time, so every match straddles chunk boundaries.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.split_first() {
                Some((b, rest)) if !buf.is_empty() => {
                    buf[0] = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn finds_every_declared_count() {
        let xml =
            br#"<!-- uniqueCount="5" --><sst count="2" uniqueCount = '3000000000'><si/></sst>"#;
        assert_eq!(largest_count(&xml[..]).unwrap(), Some(3_000_000_000));
        assert_eq!(largest_count(Trickle(xml)).unwrap(), Some(3_000_000_000));
        assert_eq!(
            largest_count(&br#"<sst uniqueCount="12">"#[..]).unwrap(),
            Some(12)
        );
        assert_eq!(largest_count(&b"<sst>"[..]).unwrap(), None);
        let long = format!("<sst uniqueCount=\"{}\">", "9".repeat(40));
        assert_eq!(largest_count(long.as_bytes()).unwrap(), Some(u64::MAX));
    }

    #[test]
    fn reads_only_the_first_tag_when_the_part_plainly_begins_with_it() {
        let tag =
            |s: &str| first_tag(s.as_bytes()).map(|t| String::from_utf8_lossy(t).into_owned());
        let excel = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<sst xmlns=\"x\" count=\"2\" uniqueCount=\"3\"><si><t>a</t></si>";
        assert_eq!(
            tag(excel).as_deref(),
            Some("<sst xmlns=\"x\" count=\"2\" uniqueCount=\"3\">")
        );
        assert_eq!(
            tag("\u{feff}<x:sst uniqueCount='5'>").as_deref(),
            Some("<x:sst uniqueCount='5'>")
        );
        // A '>' inside quotes does not end the tag.
        assert_eq!(
            tag("<sst a=\">\" uniqueCount=\"9\">").as_deref(),
            Some("<sst a=\">\" uniqueCount=\"9\">")
        );
        // Anything a parser could see first, and anything unclear: the whole part is searched.
        for other in [
            "<!-- uniqueCount=\"1\" --><sst uniqueCount=\"9\">",
            "<?xml version=\"1.0?><sst uniqueCount=\"1\">\"?><sst uniqueCount=\"9\">",
            "<?pi?><sst uniqueCount=\"1\">",
            "<other/><sst uniqueCount=\"9\">",
            "<sst uniqueCount=\"1\"/><sst uniqueCount=\"9\">",
            "<sst2 uniqueCount=\"1\">",
            "<sst a <b uniqueCount=\"1\">",
            "<sst uniqueCount=\"1\"",
        ] {
            assert_eq!(tag(other), None, "{other}");
        }
    }

    /// An xlsb renamed .xlsx is named for what it is (ingest does not read xlsb: README).
    #[test]
    fn an_xlsb_under_an_xlsx_name_is_named() {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for part in [
            "[Content_Types].xml",
            "xl/workbook.bin",
            "xl/worksheets/sheet1.bin",
        ] {
            z.start_file(part, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(b"\x83\x01\x00").unwrap();
        }
        let bytes = z.finish().unwrap().into_inner();
        let err = super::super::check(&bytes, Format::Xlsx, &Limits::default()).unwrap_err();
        assert!(
            matches!(&err, Refusal::NotAWorkbook(m) if m.contains("Excel二进制工作簿（xlsb）") && m.contains("另存为")),
            "{err:?}"
        );
    }
}
