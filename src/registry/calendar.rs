//! The working-day calendar (工作日历).
//!
//! Several indicators are deadlines counted in working days (e.g. "disclosed within 20 working
//! days of the decision"). In China a working day is not simply Monday–Friday: the State Council
//! General Office (国务院办公厅) announces each year which days are statutory holidays (放假) and
//! which Saturdays/Sundays become make-up working days (调休上班). This module reads that
//! announcement data from `templates/holidays.csv` (header `日期,类型,说明`; 类型 `休` or `班`)
//! and does the working-day arithmetic, so that a deadline straddling 国庆节 or 春节 is measured the
//! way the assessed departments are actually required to measure it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use chrono::{Datelike, NaiveDate, Weekday};

/// The holiday file shipped with the engine.
pub const BUILTIN_HOLIDAYS: &str = include_str!("../../templates/holidays.csv");

/// The header line the holiday file must start with.
const HEADER: [&str; 3] = ["日期", "类型", "说明"];

/// Working-day calendar: weekends and statutory holidays off, make-up days (调休上班) on.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    /// Days of official rest periods (类型 `休`); may include weekend days.
    holidays: BTreeSet<NaiveDate>,
    /// Make-up working days (类型 `班`); always a Saturday or Sunday.
    workdays: BTreeSet<NaiveDate>,
    first_year: Option<i32>,
    last_year: Option<i32>,
}

/// A holiday file that could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("节假日文件第{line}行：{message}")]
    Line { line: usize, message: String },
}

fn line_error(line: usize, message: String) -> CalendarError {
    CalendarError::Line { line, message }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_name(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// Parses a strict `YYYY-MM-DD` date (zero-padded, nothing else).
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Number of Mondays–Fridays in `(epoch, d]` for a fixed (Monday-aligned) epoch; only differences
/// of this function are meaningful.
fn weekday_ordinal(d: NaiveDate) -> i64 {
    let days = i64::from(d.num_days_from_ce());
    let wd = i64::from(d.weekday().num_days_from_monday()); // Mon = 0 … Sun = 6
    let monday = days - wd; // day number of the Monday of d's week; Mondays are 7 apart
    5 * monday.div_euclid(7) + (wd + 1).min(5)
}

impl Calendar {
    /// Parses the holidays CSV text (header `日期,类型,说明`; 类型 `休` or `班`).
    pub fn from_csv(text: &str) -> Result<Calendar, CalendarError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut cal = Calendar::default();
        // date -> line where it was first listed, to report duplicates.
        let mut seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        let mut header_seen = false;

        for (idx, raw) in text.split('\n').enumerate() {
            let line_no = idx + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();

            if !header_seen {
                if fields != HEADER {
                    return Err(line_error(
                        line_no,
                        format!("表头应为“日期,类型,说明”，实际为“{}”", line.trim()),
                    ));
                }
                header_seen = true;
                continue;
            }

            if fields.len() != 3 {
                return Err(line_error(
                    line_no,
                    format!("应有3列（日期,类型,说明），实际为{}列", fields.len()),
                ));
            }
            let date = parse_date(fields[0]).ok_or_else(|| {
                line_error(
                    line_no,
                    format!("日期“{}”无效，应为 YYYY-MM-DD 格式", fields[0]),
                )
            })?;
            if let Some(first) = seen.get(&date) {
                return Err(line_error(
                    line_no,
                    format!("日期 {date} 重复出现（首次出现在第{first}行）"),
                ));
            }
            match fields[1] {
                "休" => {
                    cal.holidays.insert(date);
                }
                "班" => {
                    if !is_weekend(date) {
                        return Err(line_error(
                            line_no,
                            format!(
                                "{date}（{}）不是周末，不能标为调休上班（班）",
                                weekday_name(date)
                            ),
                        ));
                    }
                    cal.workdays.insert(date);
                }
                other => {
                    return Err(line_error(
                        line_no,
                        format!("类型“{other}”无效，应为“休”或“班”"),
                    ));
                }
            }
            seen.insert(date, line_no);
            let y = date.year();
            cal.first_year = Some(cal.first_year.map_or(y, |f| f.min(y)));
            cal.last_year = Some(cal.last_year.map_or(y, |l| l.max(y)));
        }

        if !header_seen {
            return Err(line_error(
                1,
                "文件为空，缺少表头“日期,类型,说明”".to_string(),
            ));
        }
        Ok(cal)
    }

    /// The calendar shipped in templates/holidays.csv.
    ///
    /// The embedded file is covered by tests; should it ever fail to parse, this falls back to a
    /// plain Monday–Friday calendar rather than panicking.
    pub fn builtin() -> Calendar {
        Calendar::from_csv(BUILTIN_HOLIDAYS).unwrap_or_default()
    }

    /// Whether `d` is a working day: a make-up day (`班`), or a Monday–Friday that is not a
    /// statutory holiday (`休`).
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            true
        } else if self.holidays.contains(&d) {
            false
        } else {
            !is_weekend(d)
        }
    }

    /// Working days after `from` up to and including `to` (0 when to <= from).
    ///
    /// Computed in closed form: Monday–Friday count, minus holidays falling on a weekday, plus
    /// make-up days, each restricted to `(from, to]`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to <= from {
            return 0;
        }
        let range = (Bound::Excluded(from), Bound::Included(to));
        let weekdays = weekday_ordinal(to) - weekday_ordinal(from);
        let holidays_on_weekdays = self
            .holidays
            .range(range)
            .filter(|d| !is_weekend(**d))
            .count();
        // A date is never both `休` and `班` (duplicates are rejected), and `班` is always a weekend.
        let makeup = self.workdays.range(range).count();
        weekdays - i64::try_from(holidays_on_weekdays).unwrap_or(i64::MAX)
            + i64::try_from(makeup).unwrap_or(i64::MAX)
    }

    /// Years covered by the file (min, max), if any.
    pub fn years(&self) -> Option<(i32, i32)> {
        self.first_year.zip(self.last_year)
    }

    /// What a reader of `quarter`'s results must know when the holiday table does not cover every
    /// day the working-day counts of the quarter may use (its days and the 45 after, where late
    /// disclosures fall): those days' holidays and make-up days are not known and only weekends
    /// are skipped. Empty when the table covers them.
    pub fn gaps_for(&self, quarter: crate::quarter::Quarter) -> Option<String> {
        let from = quarter.first_day().year();
        let to = (quarter.last_day() + chrono::Duration::days(45)).year();
        let (first, last) = self.years()?;
        let missing: Vec<String> = (from..=to)
            .filter(|y| *y < first || *y > last)
            .map(|y| format!("{y}年"))
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "节假日表只含{first}至{last}年，{}的工作日计算会用到{}的日期：这些日期的法定节假日和调休未计入（只扣除周末），\
                 信息公开及时率可能偏高。请按 templates/holidays.csv 的格式补充{}的节假日安排，用 --holidays 指定后重新评分",
                quarter,
                missing.join("、"),
                missing.join("、")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    /// Regression (issue 9): the table ends with 2026, and a 2026Q4 disclosure in January 2027
    /// counted 元旦 as a working day without a word. The gap is named; 2026Q3 has none.
    #[test]
    fn regression_a_quarter_beyond_the_holiday_table_is_named() {
        let cal = Calendar::builtin();
        let q4: crate::quarter::Quarter = "2026Q4".parse().unwrap();
        let gap = cal.gaps_for(q4).unwrap();
        assert!(gap.contains("节假日表只含2016至2026年"), "{gap}");
        assert!(gap.contains("2027年"), "{gap}");
        assert_eq!(cal.gaps_for("2026Q3".parse().unwrap()), None);
        assert!(cal.gaps_for("2027Q2".parse().unwrap()).is_some());
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn cal() -> Calendar {
        Calendar::from_csv(BUILTIN_HOLIDAYS).expect("builtin holidays parse")
    }

    /// Reference implementation: walk day by day.
    fn naive(c: &Calendar, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut x = from;
        while x < to {
            x = x.succ_opt().expect("in range");
            if c.is_working_day(x) {
                n += 1;
            }
        }
        n
    }

    fn line_of(text: &str) -> (usize, String) {
        match Calendar::from_csv(text) {
            Err(CalendarError::Line { line, message }) => (line, message),
            Ok(_) => panic!("expected an error for {text:?}"),
        }
    }

    #[test]
    fn builtin_parses_and_covers_2016_to_2026() {
        let c = cal();
        assert_eq!(c.years(), Some((2016, 2026)));
        assert_eq!(Calendar::builtin().years(), Some((2016, 2026)));
        // Header exact, no BOM, one row per date, sorted ascending.
        assert!(BUILTIN_HOLIDAYS.starts_with("日期,类型,说明\n"));
        let dates: Vec<&str> = BUILTIN_HOLIDAYS
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(|l| l.split(',').next().unwrap_or(""))
            .collect();
        assert!(
            dates.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        assert_eq!(dates.first(), Some(&"2016-01-01"));
    }

    #[test]
    fn national_day_2025() {
        let c = cal();
        // 2025 国庆节+中秋节: Oct 1 (Wed)–Oct 8 (Wed) off; Sep 28 (Sun) and Oct 11 (Sat) 班.
        // Decision Tue 2025-09-30, disclosed Thu 2025-10-09:
        //   Oct 1..8 holiday (0), Oct 9 Thu working (1) → 1.
        assert_eq!(c.working_days_between(d(2025, 9, 30), d(2025, 10, 9)), 1);
        // Decision Fri 2025-09-26, disclosed Mon 2025-09-29:
        //   Sat 27 off, Sun 28 make-up day (1), Mon 29 (2) → 2.
        assert_eq!(c.working_days_between(d(2025, 9, 26), d(2025, 9, 29)), 2);
        assert!(c.is_working_day(d(2025, 9, 28)));
        assert!(c.is_working_day(d(2025, 10, 11)));
        assert!(!c.is_working_day(d(2025, 10, 12)));
        assert!(!c.is_working_day(d(2025, 10, 6))); // a Monday inside the holiday
        assert!(!c.is_working_day(d(2025, 10, 8)));
    }

    #[test]
    fn twenty_working_day_boundary_around_national_day_2025() {
        let c = cal();
        // From Thu 2025-09-25:
        //   Fri 9-26 → 1, Sat 9-27 off, Sun 9-28 班 → 2, Mon 9-29 → 3, Tue 9-30 → 4,
        //   Oct 1–8 off, Thu 10-09 → 5, Fri 10-10 → 6, Sat 10-11 班 → 7, Sun 10-12 off,
        //   Mon 10-13..Fri 10-17 → 8..12, Mon 10-20..Fri 10-24 → 13..17,
        //   Mon 10-27 → 18, Tue 10-28 → 19, Wed 10-29 → 20, Thu 10-30 → 21.
        let from = d(2025, 9, 25);
        assert_eq!(c.working_days_between(from, d(2025, 10, 28)), 19);
        assert_eq!(c.working_days_between(from, d(2025, 10, 29)), 20);
        assert_eq!(c.working_days_between(from, d(2025, 10, 30)), 21);
        // Plain Mon–Fri counting would put day 20 at Thu 2025-10-23 (day 16 with the holidays).
        assert_eq!(
            Calendar::default().working_days_between(from, d(2025, 10, 23)),
            20
        );
        assert_eq!(c.working_days_between(from, d(2025, 10, 23)), 16);
    }

    #[test]
    fn spring_festival_2025() {
        let c = cal();
        // 2025 春节: Jan 28 (Tue)–Feb 4 (Tue) off; Jan 26 (Sun) and Feb 8 (Sat) 班.
        // Fri 2025-01-24 → Mon 2025-02-10:
        //   Sat 1-25 off, Sun 1-26 班 → 1, Mon 1-27 → 2, Jan 28–Feb 4 off,
        //   Wed 2-05 → 3, Thu 2-06 → 4, Fri 2-07 → 5, Sat 2-08 班 → 6, Sun 2-09 off, Mon 2-10 → 7.
        assert_eq!(c.working_days_between(d(2025, 1, 24), d(2025, 2, 10)), 7);
        assert!(!c.is_working_day(d(2025, 1, 28)));
        assert!(!c.is_working_day(d(2025, 2, 4)));
        assert!(c.is_working_day(d(2025, 2, 5)));
    }

    #[test]
    fn plain_weekend_and_edges() {
        let c = cal();
        // Fri 2025-03-07 → Mon 2025-03-10: Sat, Sun off, Mon working → 1.
        assert_eq!(c.working_days_between(d(2025, 3, 7), d(2025, 3, 10)), 1);
        // Same day, and reversed range → 0.
        assert_eq!(c.working_days_between(d(2025, 3, 7), d(2025, 3, 7)), 0);
        assert_eq!(c.working_days_between(d(2025, 3, 10), d(2025, 3, 7)), 0);
        // Outside the covered years: plain Monday–Friday. Fri 2030-01-04 → Mon 2030-01-07 → 1.
        assert_eq!(c.working_days_between(d(2030, 1, 4), d(2030, 1, 7)), 1);
        // An empty calendar is plain Monday–Friday: Mon 2025-09-29 → Thu 2025-10-09 → 8.
        let plain = Calendar::default();
        assert_eq!(plain.years(), None);
        assert_eq!(
            plain.working_days_between(d(2025, 9, 29), d(2025, 10, 9)),
            8
        );
    }

    #[test]
    fn whole_year_totals() {
        let c = cal();
        // 2024: starts Mon, 366 days → 262 Mon–Fri; 11 statutory days, all net of 调休 inside
        // 2024 (元旦 period Dec 30 2023–Jan 1 2024 only removes Mon Jan 1) → 251.
        assert_eq!(
            c.working_days_between(d(2023, 12, 31), d(2024, 12, 31)),
            251
        );
        // 2025: starts Wed, 365 days → 261 Mon–Fri.
        //   Weekday holidays: 元旦 1 + 春节 6 + 清明 1 + 劳动 3 + 端午 1 + 国庆/中秋 6 = 18;
        //   make-up days: 1-26, 2-08, 4-27, 9-28, 10-11 = 5 → 261 − 18 + 5 = 248.
        assert_eq!(
            c.working_days_between(d(2024, 12, 31), d(2025, 12, 31)),
            248
        );
        // 2026: starts Thu, 365 days → 261 Mon–Fri; 13 statutory days → 248.
        assert_eq!(
            c.working_days_between(d(2025, 12, 31), d(2026, 12, 31)),
            248
        );
    }

    #[test]
    fn spring_festival_2020_extension() {
        let c = cal();
        // 2020 春节 extended to Feb 2 (国办发明电〔2020〕1号); the Sat Feb 1 make-up day lapsed.
        assert!(c.is_working_day(d(2020, 1, 19))); // Sun 班, worked before the extension
        assert!(!c.is_working_day(d(2020, 1, 31))); // Fri, extension
        assert!(!c.is_working_day(d(2020, 2, 1))); // Sat, no longer 班
        assert!(c.is_working_day(d(2020, 2, 3))); // Mon

        // Thu 2020-01-23 → Mon 2020-02-03: Jan 24–Feb 2 off, Feb 3 → 1.
        assert_eq!(c.working_days_between(d(2020, 1, 23), d(2020, 2, 3)), 1);
    }

    #[test]
    fn year_2026_arrangement() {
        let c = cal();
        assert!(!c.is_working_day(d(2026, 1, 2))); // 元旦 Fri
        assert!(c.is_working_day(d(2026, 1, 4))); // Sun 班
        assert!(c.is_working_day(d(2026, 2, 14))); // Sat 班
        assert!(!c.is_working_day(d(2026, 2, 23))); // Mon, 春节 (9 days: Feb 15–23)
        assert!(c.is_working_day(d(2026, 2, 28))); // Sat 班
        assert!(!c.is_working_day(d(2026, 5, 5))); // Tue, 劳动节
        assert!(c.is_working_day(d(2026, 5, 9))); // Sat 班
        assert!(c.is_working_day(d(2026, 9, 20))); // Sun 班
        assert!(c.is_working_day(d(2026, 10, 10))); // Sat 班

        // Fri 2026-09-18 → Thu 2026-10-08: Sun 9-20 班 → 1, Mon 9-21..Thu 9-24 → 2..5,
        // Fri 9-25–Sun 9-27 中秋 off, Mon 9-28..Wed 9-30 → 6..8, Oct 1–7 off, Thu 10-08 → 9.
        assert_eq!(c.working_days_between(d(2026, 9, 18), d(2026, 10, 8)), 9);
    }

    #[test]
    fn closed_form_matches_day_loop() {
        let c = cal();
        let spans = [
            0_i64, 1, 2, 3, 5, 6, 7, 8, 13, 20, 29, 31, 45, 90, 200, 366, 800,
        ];
        let mut from = d(2015, 11, 20);
        while from <= d(2027, 1, 31) {
            for s in spans {
                let to = from + chrono::Duration::days(s);
                assert_eq!(
                    c.working_days_between(from, to),
                    naive(&c, from, to),
                    "{from} → {to}"
                );
            }
            from += chrono::Duration::days(3);
        }
    }

    #[test]
    fn parses_bom_crlf_and_blank_lines() {
        let text = "\u{feff}日期,类型,说明\r\n\r\n2025-10-01,休,国庆节\r\n2025-09-28,班,国庆节调休上班\r\n\r\n";
        let c = Calendar::from_csv(text).expect("parses");
        assert_eq!(c.years(), Some((2025, 2025)));
        assert!(!c.is_working_day(d(2025, 10, 1)));
        assert!(c.is_working_day(d(2025, 9, 28)));
        // An empty 说明 is allowed.
        assert!(Calendar::from_csv("日期,类型,说明\n2025-10-01,休,\n").is_ok());
    }

    #[test]
    fn makeup_day_on_weekday_rejected() {
        // 2025-09-29 is a Monday.
        let (line, msg) =
            line_of("日期,类型,说明\n2025-09-28,班,国庆节调休上班\n2025-09-29,班,错误\n");
        assert_eq!(line, 3);
        assert!(msg.contains("不是周末"), "{msg}");
        assert!(msg.contains("星期一"), "{msg}");
    }

    #[test]
    fn bad_lines_reported_with_line_numbers() {
        // Blank lines still count towards the line number.
        let (line, msg) = line_of("日期,类型,说明\n2025-10-01,休,国庆节\n\n2025-13-01,休,x\n");
        assert_eq!(line, 4);
        assert!(msg.contains("2025-13-01"), "{msg}");
        // Not zero-padded.
        assert_eq!(line_of("日期,类型,说明\n2025-1-01,休,元旦\n").0, 2);
        // Unknown 类型.
        let (line, msg) = line_of("日期,类型,说明\n2025-10-01,假,国庆节\n");
        assert_eq!(line, 2);
        assert!(msg.contains("假"), "{msg}");
        // Wrong column count.
        let (line, msg) = line_of("日期,类型,说明\n2025-10-01,休\n");
        assert_eq!(line, 2);
        assert!(msg.contains("3列"), "{msg}");
        assert_eq!(line_of("日期,类型,说明\n2025-10-01,休,国庆节,多余\n").0, 2);
        // Date listed twice (even with a different 类型).
        let (line, msg) = line_of(
            "日期,类型,说明\n2025-10-04,休,国庆节\n2025-10-05,休,国庆节\n2025-10-04,班,x\n",
        );
        assert_eq!(line, 4);
        assert!(msg.contains("第2行"), "{msg}");
        // Wrong header, reported on its own line (after a BOM and a blank line).
        let (line, msg) = line_of("\u{feff}\n日期,类型\n2025-10-01,休,国庆节\n");
        assert_eq!(line, 2);
        assert!(msg.contains("表头"), "{msg}");
        // Empty file.
        assert_eq!(line_of("").0, 1);
        // Error display is Chinese and carries the line number.
        let err = Calendar::from_csv("日期,类型,说明\nabc,休,x\n").expect_err("bad date");
        assert_eq!(
            err.to_string(),
            "节假日文件第2行：日期“abc”无效，应为 YYYY-MM-DD 格式"
        );
    }
}
