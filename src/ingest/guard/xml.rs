//! A small streaming scanner of XML start tags, for the guards: it reads a part once, keeps one
//! tag in memory at a time, and skips comments, CDATA, processing instructions and the DOCTYPE
//! (whose entities no reader here expands). It is not a parser: it finds the tags a reader would
//! act on, so that their attributes can be checked before the reader allocates by them.

use super::Refusal;
use std::io::{BufRead, Read};

/// Longest tag the scanner accepts (a real spreadsheet's tags are far shorter).
const MAX_TAG: usize = 1 << 20;

/// A start tag: its qualified name and raw attributes (values not unescaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    /// `<x/>`.
    pub empty: bool,
}

impl Tag {
    /// A raw attribute value by qualified name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the scanner found next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Start(Tag),
    End(String),
    /// Bytes of text (character data) before the next tag.
    Text(u64),
}

/// Scans a stream for tags.
pub struct Scanner<R> {
    input: R,
    tag: Vec<u8>,
    /// Text bytes skipped and not yet reported.
    text: u64,
    /// A `<` was read and its tag not yet.
    in_tag: bool,
}

/// Why a part could not be scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    Io(String),
    TagTooLong,
    /// `<!DOCTYPE` or another declaration.
    Doctype,
}

impl<R: BufRead> Scanner<R> {
    pub fn new(input: R) -> Scanner<R> {
        Scanner {
            input,
            tag: Vec::new(),
            text: 0,
            in_tag: false,
        }
    }

    fn byte(&mut self) -> Result<Option<u8>, ScanError> {
        let buf = self
            .input
            .fill_buf()
            .map_err(|e| ScanError::Io(e.to_string()))?;
        match buf.first() {
            None => Ok(None),
            Some(&b) => {
                self.input.consume(1);
                Ok(Some(b))
            }
        }
    }

    /// Skips bytes up to the next `<` (text content); counts them into `self.text`.
    fn skip_text(&mut self) -> Result<bool, ScanError> {
        loop {
            let buf = self
                .input
                .fill_buf()
                .map_err(|e| ScanError::Io(e.to_string()))?;
            if buf.is_empty() {
                return Ok(false);
            }
            match buf.iter().position(|&b| b == b'<') {
                Some(i) => {
                    self.text += i as u64;
                    self.input.consume(i + 1);
                    return Ok(true);
                }
                None => {
                    let n = buf.len();
                    self.text += n as u64;
                    self.input.consume(n);
                }
            }
        }
    }

    /// Skips until `end` has been read.
    fn skip_until(&mut self, end: &[u8]) -> Result<(), ScanError> {
        let mut matched = 0;
        while let Some(b) = self.byte()? {
            if b == end[matched] {
                matched += 1;
                if matched == end.len() {
                    return Ok(());
                }
            } else {
                matched = usize::from(b == end[0]);
            }
        }
        Ok(())
    }

    /// The next text run, start tag or end tag, or `None` at the end of the part.
    pub fn next_item(&mut self) -> Result<Option<Item>, ScanError> {
        loop {
            if !self.in_tag {
                let more = self.skip_text()?;
                self.in_tag = more;
                if self.text > 0 {
                    return Ok(Some(Item::Text(std::mem::take(&mut self.text))));
                }
                if !more {
                    return Ok(None);
                }
            }
            self.in_tag = false;
            let Some(first) = self.byte()? else {
                return Ok(None);
            };
            match first {
                b'?' => self.skip_until(b"?>")?,
                b'!' => self.skip_markup()?,
                b'/' => {
                    self.read_tag(None)?;
                    let name = String::from_utf8_lossy(&self.tag);
                    let name = name.trim().to_string();
                    return Ok(Some(Item::End(name)));
                }
                b => {
                    self.read_tag(Some(b))?;
                    return Ok(Some(Item::Start(parse_tag(&self.tag))));
                }
            }
        }
    }

    /// After `<!`: a comment or CDATA. A DOCTYPE (and with it any entity definition) is refused:
    /// no spreadsheet program writes one, and its syntax is where scanners and parsers disagree.
    fn skip_markup(&mut self) -> Result<(), ScanError> {
        let mut head = Vec::new();
        while head.len() < 7 {
            match self.byte()? {
                Some(b) => head.push(b),
                None => return Ok(()),
            }
            if head == b"--" {
                return self.skip_until(b"-->");
            }
            if head == b"[CDATA[" {
                return self.skip_until(b"]]>");
            }
            if !b"--".starts_with(&head) && !b"[CDATA[".starts_with(&head) {
                return Err(ScanError::Doctype);
            }
        }
        Err(ScanError::Doctype)
    }

    /// Reads a tag's bytes up to its `>` (outside quotes) into `self.tag`.
    fn read_tag(&mut self, first: Option<u8>) -> Result<(), ScanError> {
        self.tag.clear();
        self.tag.extend(first);
        let mut quote = None;
        while let Some(b) = self.byte()? {
            match (quote, b) {
                (None, b'>') => return Ok(()),
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), b) if b == q => quote = None,
                _ => {}
            }
            self.tag.push(b);
            if self.tag.len() > MAX_TAG {
                return Err(ScanError::TagTooLong);
            }
        }
        Ok(())
    }
}

fn parse_tag(raw: &[u8]) -> Tag {
    let text = String::from_utf8_lossy(raw);
    let mut s = text.trim_end();
    let empty = s.ends_with('/');
    if empty {
        s = &s[..s.len() - 1];
    }
    let name_end = s.find(|c: char| c.is_ascii_whitespace()).unwrap_or(s.len());
    let name = s[..name_end].to_string();
    let mut attrs = Vec::new();
    let mut rest = &s[name_end..];
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let body = &after[1..];
        let end = body.find(q).unwrap_or(body.len());
        attrs.push((key, body[..end].to_string()));
        rest = body.get(end + 1..).unwrap_or("");
    }
    Tag { name, attrs, empty }
}

/// Reads a whole stream through the scanner, calling `f` for each item; stops early when `f`
/// returns `Ok(false)`.
pub fn scan<R: Read>(
    input: R,
    mut f: impl FnMut(Item) -> Result<bool, Refusal>,
) -> Result<(), Refusal> {
    let mut s = Scanner::new(std::io::BufReader::with_capacity(64 * 1024, input));
    loop {
        match s.next_item() {
            Ok(Some(item)) => {
                if !f(item)? {
                    return Ok(());
                }
            }
            Ok(None) => return Ok(()),
            Err(ScanError::TagTooLong) => {
                return Err(Refusal::Hostile(
                    "文件内XML标签异常过长，疑似恶意构造，拒绝读取".to_string(),
                ))
            }
            Err(ScanError::Doctype) => {
                return Err(Refusal::Hostile(
                    "文件内XML含DOCTYPE声明（可定义实体），疑似恶意构造，拒绝读取".to_string(),
                ))
            }
            Err(ScanError::Io(e)) => return Err(Refusal::Broken(format!("压缩包内容损坏（{e}）"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(xml: &str) -> Vec<Item> {
        let mut out = Vec::new();
        scan(xml.as_bytes(), |i| {
            out.push(i);
            Ok(true)
        })
        .unwrap();
        out
    }

    #[test]
    fn finds_tags_and_skips_the_rest() {
        let xml = r#"<?xml version="1.0"?>
            <!-- <sst uniqueCount="8"> --><![CDATA[<sst uniqueCount="7">]]>
            <x:sst a = '1>2' uniqueCount="3"/><b>text</b>"#;
        let got: Vec<Item> = items(xml)
            .into_iter()
            .filter(|i| !matches!(i, Item::Text(_)))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        let Item::Start(t) = &got[0] else { panic!() };
        assert_eq!(t.name, "x:sst");
        assert_eq!(t.attr("a"), Some("1>2"));
        assert_eq!(t.attr("uniqueCount"), Some("3"));
        assert!(t.empty);
        assert_eq!(got[2], Item::End("b".to_string()));
    }

    #[test]
    fn counts_text() {
        let got = items("<a>héllo<b/>wo</a>");
        assert_eq!(got[1], Item::Text(6));
        assert_eq!(got[3], Item::Text(2));
    }

    #[test]
    fn refuses_a_doctype() {
        let r = scan(&b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>"[..], |_| Ok(true));
        assert!(r.unwrap_err().to_string().contains("DOCTYPE"));
    }
}
