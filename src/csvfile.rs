//! The province's own CSV files (地区名录, 省级评定) as offices really save them: Excel and WPS on
//! Chinese Windows write "CSV（逗号分隔）" in GB18030, not UTF-8, and headers are typed with a
//! Chinese input method (full-width brackets, spaces). Decoding uses encoding_rs.

use encoding_rs::GB18030;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// UTF-8 with a byte-order mark ("CSV UTF-8" of Excel).
    Utf8Bom,
    /// GB18030 (a superset of GBK and GB2312).
    Gb18030,
}

impl Encoding {
    /// The encoding's name as a clerk knows it.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8（带BOM）",
            Encoding::Gb18030 => "GB18030（GBK）",
        }
    }

    /// A warning worth giving: the file was not plain UTF-8.
    pub fn note(self) -> Option<String> {
        (self == Encoding::Gb18030).then(|| {
            format!(
                "文件为{}编码（Excel或WPS另存的“CSV（逗号分隔）”），已按此编码读取",
                self.label()
            )
        })
    }
}

/// The text of a CSV file: UTF-8 with or without BOM, else GB18030. `None` when the bytes are
/// neither (a file of another encoding or not text at all).
pub fn decode(bytes: &[u8]) -> Option<(String, Encoding)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .ok()
            .map(|t| (t.to_string(), Encoding::Utf8Bom));
    }
    if let Ok(t) = std::str::from_utf8(bytes) {
        return Some((t.to_string(), Encoding::Utf8));
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| (text.into_owned(), Encoding::Gb18030))
}

/// A header as compared: full-width letters, digits and punctuation as their ASCII forms,
/// （）【】 as (), and no spaces of any width, so "常住人口（万人）" matches "常住人口(万人)".
pub fn normalise_header(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' | '【' | '［' => '(',
            '）' | '】' | '］' => ')',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode("区划代码".as_bytes()),
            Some(("区划代码".to_string(), Encoding::Utf8))
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("区划代码".as_bytes());
        assert_eq!(
            decode(&bom),
            Some(("区划代码".to_string(), Encoding::Utf8Bom))
        );
    }

    #[test]
    fn gb18030_as_excel_on_chinese_windows_saves_it() {
        // "区划代码,一票否决\r\n" in GB18030.
        let (bytes, _, _) = GB18030.encode("区划代码,一票否决\r\n");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(text, "区划代码,一票否决\r\n");
        assert_eq!(enc, Encoding::Gb18030);
        assert!(enc.note().unwrap().contains("GB18030"));
        assert_eq!(Encoding::Utf8.note(), None);
    }

    #[test]
    fn bytes_of_no_known_encoding_are_refused() {
        // A lone lead byte at the end is not GB18030.
        assert_eq!(decode(b"abc\x81"), None);
    }

    #[test]
    fn headers_typed_with_a_chinese_input_method_match() {
        assert_eq!(normalise_header("常住人口（万人）"), "常住人口(万人)");
        assert_eq!(normalise_header(" 市场主体数 （户）"), "市场主体数(户)");
        assert_eq!(normalise_header("区划代码\u{3000}"), "区划代码");
        assert_eq!(normalise_header("Ｓ０１"), "S01");
        assert_eq!(normalise_header("常住人口(万人)"), "常住人口(万人)");
    }
}
