//! Text as people see it: display width (a CJK character is two columns wide, in a terminal and
//! in Excel's width units alike), padding for aligned columns, and cutting to Excel's limits,
//! which count UTF-16 units. Template, report and terminal all measure text here.

use std::borrow::Cow;

/// Columns one character takes, by Unicode's East Asian Width (UAX #11, the `unicode-width`
/// crate): two for wide and full-width characters (汉字, full-width punctuation), one for the
/// rest, including the dashes, ellipsis and arrows that a blanket "from U+1100" rule counted as
/// two ("–" in 排名区间, "…", "→"); none for combining marks. The curly quotation marks
/// (“”‘’) are ambiguous in Unicode but drawn full width by the Chinese fonts Excel, WPS and
/// LibreOffice use for Chinese text, so they count two.
pub fn char_width(c: char) -> usize {
    if matches!(c, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}') {
        return 2;
    }
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(1)
}

/// Display width of one line.
pub fn line_width(line: &str) -> usize {
    line.chars().map(char_width).sum()
}

/// Display width of text: its widest line.
pub fn width(s: &str) -> usize {
    s.lines().map(line_width).max().unwrap_or(0)
}

/// Text padded with spaces to a display width.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Text cut to at most `limit` UTF-16 units, as it is.
pub fn clip_units(s: &str, limit: usize) -> String {
    let mut units = 0;
    s.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= limit
        })
        .collect()
}

/// Text cut to at most `limit` UTF-16 units with "…" where it was cut; borrowed when it fits.
pub fn clip_marked(s: &str, limit: usize) -> Cow<'_, str> {
    // A UTF-8 string never has more UTF-16 units than bytes.
    if s.len() <= limit {
        return Cow::Borrowed(s);
    }
    let mut units = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > limit {
            break;
        }
        end = i + c.len_utf8();
    }
    if end == s.len() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(format!("{}…", &s[..end]))
}

/// A number without trailing zeros, for messages.
pub fn fmt_num(v: f64) -> String {
    if v.is_finite() && (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// An I/O error in words a clerk reads: what happened, by kind, without the operating system's
/// English text ("No such file or directory (os error 2)"); that text is kept in brackets only
/// for a kind not named here.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let said = match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有访问权限（或文件正被其他程序占用）",
        K::AlreadyExists => "同名文件已存在",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::NotADirectory => "路径中有一部分是文件而不是文件夹",
        K::StorageFull => "磁盘空间已满",
        K::ReadOnlyFilesystem => "所在磁盘为只读",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::InvalidData => "内容无法识别",
        K::UnexpectedEof => "文件不完整",
        K::Interrupted => "操作被中断",
        // The OS's own words are English on most machines: only its code is shown.
        _ => {
            return match e.raw_os_error() {
                Some(code) => format!("系统错误（错误码{code}）"),
                None => format!("系统错误（{e}）"),
            }
        }
    };
    said.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_is_two_columns_wide() {
        assert_eq!(width("潮州市"), 6);
        assert_eq!(width("A1 潮州"), 7);
        assert_eq!(width("一行\n第二行更长"), 10);
        assert_eq!(pad("潮州市", 8), "潮州市  ");
        assert_eq!(pad("潮州市", 2), "潮州市");
    }

    /// Regression (issue 22): everything from U+1100 counted as two columns, so "3–5", "…" and
    /// "→" were measured as wide as 汉字. Full-width punctuation stays wide.
    #[test]
    fn regression_dashes_ellipses_and_arrows_are_one_column() {
        assert_eq!(width("3–5"), 3);
        assert_eq!(width("…"), 1);
        assert_eq!(width("4.73 → 9.46"), 11);
        assert_eq!(width("（）：，"), 8);
        assert_eq!(width("Ａ"), 2);
        assert_eq!(width("“否”"), 6);
    }

    #[test]
    fn clipping_counts_utf16_units() {
        assert_eq!(clip_units("一二三", 2), "一二");
        // 𠀀 is two UTF-16 units.
        assert_eq!(clip_units("a𠀀b", 2), "a");
        assert_eq!(clip_marked("abc", 3), "abc");
        assert_eq!(clip_marked("一二三四", 4), "一二三四");
        assert_eq!(clip_marked("一二三四", 3), "一二三…");
        assert_eq!(clip_marked("abcdef", 3), "abc…");
    }

    /// Regression: the report's clip measured bytes first and then counted units, so a CJK text
    /// longer in bytes than the limit but within it in units (12,000 characters: 36,000 bytes,
    /// 12,000 units) got a "…" as if it had been cut.
    #[test]
    fn regression_a_long_cjk_text_that_fits_is_not_marked_as_cut() {
        let s = "侵".repeat(12_000);
        assert_eq!(clip_marked(&s, 32_000), s.as_str());
        let long = "侵".repeat(40_000);
        let cut = clip_marked(&long, 32_000);
        assert_eq!(cut.chars().count(), 32_001);
        assert!(cut.ends_with('…'));
    }
}
