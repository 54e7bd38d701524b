//! Reading one cell as the kind the template asks for, accepting what people really type and
//! saying so when a guess was made. What cannot be read with confidence is an error, never a zero.

use calamine::Data;
use chrono::{Duration, NaiveDate};

/// The outcome of reading one cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Read<T> {
    /// Read as typed.
    Ok(T),
    /// Read, but a guess was made; the note says which.
    Guessed(T, String),
    /// Nothing there.
    Empty,
    /// Cannot be read; the message says what was expected and what was found.
    Bad(String),
}

impl<T> Read<T> {
    /// The same outcome with the value mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Read<U> {
        match self {
            Read::Ok(v) => Read::Ok(f(v)),
            Read::Guessed(v, n) => Read::Guessed(f(v), n),
            Read::Empty => Read::Empty,
            Read::Bad(m) => Read::Bad(m),
        }
    }
}

/// How a cell's content is quoted in messages: “约30”.
pub fn shown(d: &Data) -> String {
    let s = match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => crate::text::fmt_num(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => dt.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
    };
    let s: String = s.chars().take(40).collect();
    format!("“{s}”")
}

/// Text with full-width digits and signs made half-width; `true` when anything changed.
fn halfwidth(s: &str) -> (String, bool) {
    let mut changed = false;
    let out = s
        .chars()
        .map(|c| match c {
            '０'..='９' | '．' | '，' | '－' | '＋' => {
                changed = true;
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect();
    (out, changed)
}

/// Reads a number (any sign; the caller checks the range).
pub fn number(d: &Data) -> Read<f64> {
    match d {
        Data::Empty => Read::Empty,
        Data::Float(f) if f.is_finite() => Read::Ok(*f),
        Data::Int(i) => Read::Ok(*i as f64),
        Data::String(s) => number_text(s),
        _ => Read::Bad(format!("应为数字，实际为{}", shown(d))),
    }
}

fn number_text(raw: &str) -> Read<f64> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Read::Empty;
    }
    let (t, full) = halfwidth(trimmed);
    let t = t.trim();
    let thousands = t.contains(',');
    if thousands && !thousands_ok(t) {
        return Read::Bad(format!(
            "应为数字，实际为{}（逗号位置不是千位分隔符，无法确定数值）",
            shown_str(raw)
        ));
    }
    let plain: String = t.chars().filter(|c| *c != ',').collect();
    let valid_shape = !plain.is_empty()
        && plain
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')));
    let parsed = valid_shape.then(|| plain.parse::<f64>().ok()).flatten();
    match parsed {
        Some(v) if v.is_finite() => {
            let mut notes = Vec::new();
            if full {
                notes.push("全角数字");
            }
            if thousands {
                notes.push("千位分隔符");
            }
            if notes.is_empty() {
                Read::Guessed(
                    v,
                    format!(
                        "数字以文本形式填写（{}），已按{}读取",
                        shown_str(raw),
                        crate::text::fmt_num(v)
                    ),
                )
            } else {
                Read::Guessed(
                    v,
                    format!(
                        "含{}（{}），已按{}读取",
                        notes.join("、"),
                        shown_str(raw),
                        crate::text::fmt_num(v)
                    ),
                )
            }
        }
        _ => Read::Bad(format!("应为数字，实际为{}", shown_str(raw))),
    }
}

/// Whether commas in a number are thousands separators: 1,234 or 12,345,678.9, not 1,23.
fn thousands_ok(t: &str) -> bool {
    let t = t.trim_start_matches(['-', '+']);
    let int = t.split('.').next().unwrap_or("");
    if t.split('.').skip(1).any(|f| f.contains(',')) {
        return false;
    }
    let groups: Vec<&str> = int.split(',').collect();
    let first = groups[0];
    !first.is_empty() && first.len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)
}

fn shown_str(s: &str) -> String {
    shown(&Data::String(s.to_string()))
}

/// Reads a whole number ≥ 0.
pub fn count(d: &Data) -> Read<f64> {
    non_negative(d, true)
}

/// Reads a decimal ≥ 0.
pub fn amount(d: &Data) -> Read<f64> {
    non_negative(d, false)
}

fn non_negative(d: &Data, whole: bool) -> Read<f64> {
    let what = if whole { "非负整数" } else { "非负数" };
    let check = |v: f64| -> Result<f64, String> {
        if v < 0.0 || (whole && (v - v.round()).abs() > 1e-9) {
            Err(format!("应为{what}，实际为{}", shown(d)))
        } else if whole {
            Ok(v.round())
        } else {
            Ok(v)
        }
    };
    match number(d) {
        Read::Ok(v) => check(v).map_or_else(Read::Bad, Read::Ok),
        Read::Guessed(v, note) => check(v).map_or_else(Read::Bad, |v| Read::Guessed(v, note)),
        Read::Empty => Read::Empty,
        Read::Bad(_) => Read::Bad(format!("应为{what}，实际为{}", shown(d))),
    }
}

/// Reads 是/否, accepting common alternatives with a note.
pub fn yes_no(d: &Data) -> Read<bool> {
    match d {
        Data::Empty => Read::Empty,
        Data::Bool(b) => Read::Ok(*b),
        Data::String(s) => {
            let t = s.trim();
            match t {
                "" => Read::Empty,
                "是" => Read::Ok(true),
                "否" => Read::Ok(false),
                _ => {
                    let lower = t.to_lowercase();
                    let v = match lower.as_str() {
                        "y" | "yes" | "√" | "✓" | "✔" | "有" | "true" | "对" => Some(true),
                        "n" | "no" | "×" | "✗" | "✘" | "x" | "无" | "没有" | "false" | "不是" => {
                            Some(false)
                        }
                        _ => None,
                    };
                    match v {
                        Some(b) => Read::Guessed(
                            b,
                            format!(
                                "“是/否”写作{}，已按“{}”读取",
                                shown(d),
                                if b { "是" } else { "否" }
                            ),
                        ),
                        None => Read::Bad(format!("应为“是”或“否”，实际为{}", shown(d))),
                    }
                }
            }
        }
        _ => Read::Bad(format!("应为“是”或“否”，实际为{}", shown(d))),
    }
}

/// Reads a date: a real date cell, an Excel serial number, or a date written as text.
pub fn date(d: &Data) -> Read<NaiveDate> {
    match d {
        Data::Empty => Read::Empty,
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(x) => Read::Ok(x.date()),
            None => Read::Bad(format!("应为日期，实际为{}", shown(d))),
        },
        Data::DateTimeIso(s) => match date_text(s) {
            Some(x) => Read::Ok(x),
            None => Read::Bad(format!("应为日期，实际为{}", shown(d))),
        },
        Data::Float(_) | Data::Int(_) => {
            let serial = match d {
                Data::Float(f) => *f,
                Data::Int(i) => *i as f64,
                _ => 0.0,
            };
            match serial_date(serial) {
                Some(x) => Read::Guessed(
                    x,
                    format!(
                        "日期以数字{}填写，已按Excel日期序号读作{}",
                        shown(d),
                        x.format("%Y-%m-%d")
                    ),
                ),
                None => Read::Bad(format!("应为日期，实际为{}", shown(d))),
            }
        }
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Read::Empty;
            }
            match date_text(t) {
                Some(x) => {
                    let iso = x.format("%Y-%m-%d").to_string();
                    if t == iso {
                        Read::Ok(x)
                    } else {
                        Read::Guessed(x, format!("日期以文本{}填写，已读作{iso}", shown(d)))
                    }
                }
                None => Read::Bad(format!("应为日期，实际为{}", shown(d))),
            }
        }
        _ => Read::Bad(format!("应为日期，实际为{}", shown(d))),
    }
}

/// A date from an Excel serial (1900 system), for plausible years only.
fn serial_date(serial: f64) -> Option<NaiveDate> {
    // 1990-01-01 is serial 32874; 2200-01-01 is 109575.
    if !(32874.0..109575.0).contains(&serial) {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_signed(Duration::days(serial.floor() as i64))
}

/// Parses 2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日, 20250305, optionally followed by a time.
pub fn date_text(s: &str) -> Option<NaiveDate> {
    let (t, _) = halfwidth(s.trim());
    let t = t.trim();
    let date_part = t
        .split([' ', 'T'])
        .next()
        .unwrap_or("")
        .trim_end_matches('日');
    if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(date_part, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = date_part.split(['-', '/', '.', '年', '月']).collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let d: u32 = parts[2].parse().ok()?;
    if !(1990..2200).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Reads text (numbers are turned into text as shown).
pub fn text(d: &Data) -> Read<String> {
    match d {
        Data::Empty => Read::Empty,
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                Read::Empty
            } else {
                Read::Ok(t.to_string())
            }
        }
        Data::Float(f) => Read::Ok(crate::text::fmt_num(*f)),
        Data::Int(i) => Read::Ok(i.to_string()),
        Data::Error(_) => Read::Bad(format!("单元格为错误值{}", shown(d))),
        other => Read::Ok(shown(other).trim_matches(['“', '”']).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Data {
        Data::String(x.to_string())
    }

    #[test]
    fn numbers_people_type() {
        assert_eq!(count(&Data::Float(12.0)), Read::Ok(12.0));
        assert!(matches!(count(&s("１２３")), Read::Guessed(v, _) if v == 123.0));
        assert!(matches!(count(&s(" 1,234 ")), Read::Guessed(v, _) if v == 1234.0));
        assert!(matches!(count(&s("30")), Read::Guessed(v, _) if v == 30.0));
        assert_eq!(
            count(&s("约30")),
            Read::Bad("应为非负整数，实际为“约30”".to_string())
        );
        assert_eq!(
            count(&Data::Float(-3.0)),
            Read::Bad("应为非负整数，实际为“-3”".to_string())
        );
        assert_eq!(
            count(&Data::Float(2.5)),
            Read::Bad("应为非负整数，实际为“2.5”".to_string())
        );
        assert_eq!(amount(&Data::Float(2.5)), Read::Ok(2.5));
        assert_eq!(count(&s("  ")), Read::Empty);
        assert!(matches!(count(&s("1e5")), Read::Bad(_)));
        // A comma that is not a thousands separator (1,23 may mean 1.23): never a guess.
        for t in ["1,23", "12,34,567", ",123", "1,234.5,6"] {
            assert!(matches!(count(&s(t)), Read::Bad(_)), "{t}");
        }
        assert!(matches!(amount(&s("12,345,678.9")), Read::Guessed(v, _) if v == 12_345_678.9));
    }

    #[test]
    fn yes_no_variants() {
        assert_eq!(yes_no(&s("是")), Read::Ok(true));
        assert_eq!(yes_no(&s(" 否 ")), Read::Ok(false));
        assert!(matches!(yes_no(&s("√")), Read::Guessed(true, _)));
        assert!(matches!(yes_no(&s("N")), Read::Guessed(false, _)));
        assert!(matches!(yes_no(&s("也许")), Read::Bad(_)));
    }

    #[test]
    fn dates_people_type() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
        assert_eq!(date(&s("2025-03-05")), Read::Ok(d));
        for t in [
            "2025/3/5",
            "2025.3.5",
            "2025年3月5日",
            "2025-03-05 14:30:00",
        ] {
            assert!(matches!(date(&s(t)), Read::Guessed(x, _) if x == d), "{t}");
        }
        // 45721 is 2025-03-05 in Excel's 1900 date system.
        assert!(matches!(date(&Data::Float(45721.0)), Read::Guessed(x, _) if x == d));
        assert!(matches!(date(&s("2025年13月1日")), Read::Bad(_)));
        assert!(matches!(date(&Data::Float(12.0)), Read::Bad(_)));
    }
}
