//! The working-day calendar (工作日历).
//!
//! Several indicators are deadlines counted in working days (e.g. "disclosed within 20 working
//! days of the decision"). In China a working day is not simply Monday–Friday: the State Council
//! General Office (国务院办公厅) announces each year which days are statutory holidays (放假) and
//! which Saturdays/Sundays become make-up working days (调休上班). This module reads that
//! announcement data from `templates/holidays.csv` (header `日期,类型,说明`; 类型 `休` or `班`)
//! and does the working-day arithmetic, so that a deadline straddling 国庆节 or 春节 is measured the
//! way the assessed departments are actually required to measure it.
//!
//! The table covers the years it lists. Outside them only weekends are known, which is not enough
//! to score: [`Calendar::within`] answers a deadline question only when the holiday table decides
//! it, and otherwise names the year that is missing ([`Uncovered`]), so that a count reaching
//! into next year is never a silent weekend-only guess.

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
    /// Days of official rest periods (类型 `休`) with their 说明; may include weekend days.
    holidays: BTreeMap<NaiveDate, String>,
    /// Make-up working days (类型 `班`) with their 说明; always a Saturday or Sunday.
    workdays: BTreeMap<NaiveDate, String>,
    /// The years the table lists at least one date of. The State Council announces a whole
    /// year's arrangement at once, so a year with no line at all is a year nobody entered.
    years: BTreeSet<i32>,
    /// Where the table came from, for messages; `None` is the built-in table.
    origin: Option<String>,
}

/// A working-day question the holiday table cannot answer: the count reaches into `year`, which
/// the table does not cover, and the answer depends on how that year's days are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uncovered {
    pub year: i32,
}

/// What a listed date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// 休: a day of a statutory rest period.
    Holiday,
    /// 班: a Saturday or Sunday worked instead (调休上班).
    Workday,
}

impl DayKind {
    /// The word the holiday file uses.
    pub fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "休",
            DayKind::Workday => "班",
        }
    }
}

/// One line of the holiday table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// 说明, e.g. 国庆节 or 国庆节调休上班.
    pub note: String,
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

/// The weekday in Chinese (星期一 … 星期日).
pub fn weekday_name(d: NaiveDate) -> &'static str {
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
            let note = fields[2].to_string();
            match fields[1] {
                "休" => {
                    cal.holidays.insert(date, note);
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
                    cal.workdays.insert(date, note);
                }
                other => {
                    return Err(line_error(
                        line_no,
                        format!("类型“{other}”无效，应为“休”或“班”"),
                    ));
                }
            }
            seen.insert(date, line_no);
            cal.years.insert(date.year());
        }

        if !header_seen {
            return Err(line_error(
                1,
                "文件为空，缺少表头“日期,类型,说明”".to_string(),
            ));
        }
        Ok(cal)
    }

    /// The calendar shipped in templates/holidays.csv. Never a plain Monday–Friday calendar in
    /// its place: a table that does not parse is an error, as any holiday file's is.
    pub fn builtin() -> Result<Calendar, CalendarError> {
        Calendar::from_csv(BUILTIN_HOLIDAYS)
    }

    /// Whether `d` is a working day: a make-up day (`班`), or a Monday–Friday that is not a
    /// statutory holiday (`休`).
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains_key(&d) {
            true
        } else if self.holidays.contains_key(&d) {
            false
        } else {
            !is_weekend(d)
        }
    }

    /// Working days after `from` up to and including `to` (0 when to <= from).
    ///
    /// Outside the covered years only weekends are skipped: this is arithmetic, not an answer to
    /// score with. Scoring asks [`Calendar::within`], which refuses what the table cannot decide.
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
            .filter(|(d, _)| !is_weekend(**d))
            .count();
        // A date is never both `休` and `班` (duplicates are rejected), and `班` is always a weekend.
        let makeup = self.workdays.range(range).count();
        weekdays - i64::try_from(holidays_on_weekdays).unwrap_or(i64::MAX)
            + i64::try_from(makeup).unwrap_or(i64::MAX)
    }

    /// The `n`th working day after `from` (`from` itself when `n` is 0), e.g. a resubmission
    /// deadline. Outside the covered years only weekends are skipped, as in
    /// [`Calendar::working_days_between`].
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// The first and last year the table lists, if any (years in between may be missing: see
    /// [`Calendar::covers`]).
    pub fn years(&self) -> Option<(i32, i32)> {
        Some((*self.years.first()?, *self.years.last()?))
    }

    /// Whether the table holds `year`'s arrangement (lists at least one of its dates).
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The covered years in words, runs joined: "2016至2026年", "2016至2020、2025年"; "无" when
    /// the table is empty.
    pub fn covered_label(&self) -> String {
        let mut runs: Vec<(i32, i32)> = Vec::new();
        for &y in &self.years {
            match runs.last_mut() {
                Some((_, last)) if *last + 1 == y => *last = y,
                _ => runs.push((y, y)),
            }
        }
        if runs.is_empty() {
            return "无".to_string();
        }
        let parts: Vec<String> = runs
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}至{b}")
                }
            })
            .collect();
        format!("{}年", parts.join("、"))
    }

    /// The same calendar, named after the file it was read from (for messages).
    pub fn with_origin(mut self, origin: impl Into<String>) -> Calendar {
        self.origin = Some(origin.into());
        self
    }

    /// Where the table came from: the file given with `--holidays`, or the built-in one.
    pub fn origin(&self) -> String {
        self.origin
            .clone()
            .unwrap_or_else(|| "内置的 templates/holidays.csv".to_string())
    }

    /// Whether `to` is at most `limit` working days after `from` (counted as in
    /// [`Calendar::working_days_between`]), when the holiday table decides it.
    ///
    /// Let `u` be the first day of `(from, to]` in a year the table does not cover, and `c` the
    /// working days of `(from, u)`, all covered. Whatever that year's arrangement, the days of
    /// `[u, to]` add between 0 (all holidays) and their number of calendar days (all worked). So:
    /// no such `u` → the exact count decides; `c > limit` → `Ok(false)`; `c` plus every day of
    /// `[u, to]` still `<= limit` → `Ok(true)`; otherwise the answer depends on the missing year
    /// and is [`Uncovered`]. The result never rests on a weekend-only guess.
    pub fn within(&self, from: NaiveDate, to: NaiveDate, limit: i64) -> Result<bool, Uncovered> {
        if to <= from {
            return Ok(0 <= limit);
        }
        let Some(first) = from.succ_opt() else {
            return Ok(0 <= limit);
        };
        let gap = (first.year()..=to.year()).find(|y| !self.covers(*y));
        let Some(year) = gap else {
            return Ok(self.working_days_between(from, to) <= limit);
        };
        let u = NaiveDate::from_ymd_opt(year, 1, 1).map_or(first, |jan1| jan1.max(first));
        let before = u.pred_opt().unwrap_or(from);
        let counted = self.working_days_between(from, before);
        let rest = (to - u).num_days() + 1;
        if counted > limit {
            Ok(false)
        } else if counted + rest <= limit {
            Ok(true)
        } else {
            Err(Uncovered { year })
        }
    }

    /// The table's lines for `year`, in date order.
    pub fn listed(&self, year: i32) -> Vec<ListedDay> {
        let (Some(a), Some(b)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Vec::new();
        };
        let day = |kind: DayKind| {
            move |(d, note): (&NaiveDate, &String)| ListedDay {
                date: *d,
                kind,
                note: note.clone(),
            }
        };
        let mut days: Vec<ListedDay> = self
            .holidays
            .range(a..=b)
            .map(day(DayKind::Holiday))
            .chain(self.workdays.range(a..=b).map(day(DayKind::Workday)))
            .collect();
        days.sort_by_key(|d| d.date);
        days
    }

    /// Working days of each month of `year` (January first), as the table has them.
    pub fn working_days_by_month(&self, year: i32) -> Vec<i64> {
        (1..=12)
            .filter_map(|m| {
                let first = NaiveDate::from_ymd_opt(year, m, 1)?;
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(year + 1, 1, 1)?
                } else {
                    NaiveDate::from_ymd_opt(year, m + 1, 1)?
                };
                Some(self.working_days_between(first.pred_opt()?, next.pred_opt()?))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(Calendar::builtin().unwrap().years(), Some((2016, 2026)));
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
    fn a_deadline_in_working_days_skips_the_national_day_holiday() {
        let c = cal();
        // From Tue 2025-09-30: Oct 1–8 off, Thu 9 → 1, Fri 10 → 2, Sat 11 班 → 3, Sun 12 off,
        // Mon 13 → 4, Tue 14 → 5.
        assert_eq!(c.add_working_days(d(2025, 9, 30), 5), d(2025, 10, 14));
        // From Fri 2025-09-26: Sat 27 off, Sun 28 班 → 1.
        assert_eq!(c.add_working_days(d(2025, 9, 26), 1), d(2025, 9, 28));
        assert_eq!(c.add_working_days(d(2025, 9, 26), 0), d(2025, 9, 26));
        // Each step is one working day: the count between agrees.
        let from = d(2025, 9, 20);
        for n in 0..30 {
            assert_eq!(
                c.working_days_between(from, c.add_working_days(from, n)),
                i64::from(n)
            );
        }
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
    /// The 2027 元旦 arrangement used by the tests. ILLUSTRATIVE: the State Council's notice for
    /// 2027 had not been published when this was written. 2027-01-01 is a Friday; in 2016 and
    /// 2021, the last years 元旦 fell on a Friday, the notice gave "1月1日放假，与周末连休", and
    /// the built-in table lists such a weekend as 休 too (2021-01-01 to 01-03).
    const ILLUSTRATIVE_2027: &str =
        "2027-01-01,休,元旦（示例）\n2027-01-02,休,元旦（示例）\n2027-01-03,休,元旦（示例）\n";

    fn with_2027() -> Calendar {
        Calendar::from_csv(&format!("{BUILTIN_HOLIDAYS}{ILLUSTRATIVE_2027}")).expect("parses")
    }

    /// Regression (issue 9): the table ends with 2026, and a 2026Q4 disclosure in January 2027
    /// counted 元旦 as a working day without a word. Now the count refuses, naming 2027, whenever
    /// the answer depends on 2027's arrangement.
    #[test]
    fn regression_a_count_into_an_uncovered_year_is_refused() {
        let c = cal();
        assert!(c.covers(2026));
        assert!(!c.covers(2027));
        // Decision Mon 2026-12-28, disclosed Tue 2027-01-26 (hand count in
        // `new_year_2027_counted_once_the_year_is_added`): 20 working days if 01-01 is a holiday,
        // 21 if only weekends were skipped. The built-in table cannot tell.
        assert_eq!(
            c.within(d(2026, 12, 28), d(2027, 1, 26), 20),
            Err(Uncovered { year: 2027 })
        );
        // Decided 2026-12-28, disclosed 2027-01-06: 3 working days in 2026 (12-29..12-31) plus
        // at most the 6 days 01-01..01-06 = 9 <= 20 whatever 2027 brings: known, timely.
        assert_eq!(c.within(d(2026, 12, 28), d(2027, 1, 6), 20), Ok(true));
        // Decided Mon 2026-11-02: 2026 alone already gives 43 working days (11-03..12-31) > 20:
        // known, late, without 2027.
        assert_eq!(c.working_days_between(d(2026, 11, 2), d(2026, 12, 31)), 43);
        assert_eq!(c.within(d(2026, 11, 2), d(2027, 1, 5), 20), Ok(false));
        // Entirely inside covered years: the exact count.
        assert_eq!(c.within(d(2025, 9, 25), d(2025, 10, 29), 20), Ok(true));
        assert_eq!(c.within(d(2025, 9, 25), d(2025, 10, 30), 20), Ok(false));
        // Before the first covered year, too.
        assert_eq!(
            c.within(d(2015, 12, 1), d(2016, 1, 4), 20),
            Err(Uncovered { year: 2015 })
        );
        // Empty and reversed ranges need no calendar.
        assert_eq!(c.within(d(2027, 3, 1), d(2027, 3, 1), 20), Ok(true));
        assert_eq!(c.within(d(2027, 3, 2), d(2027, 3, 1), 20), Ok(true));
        // A year missing in the middle of the table is not covered either.
        let holey = Calendar::from_csv("日期,类型,说明\n2024-01-01,休,元旦\n2026-01-01,休,元旦\n")
            .expect("parses");
        assert!(!holey.covers(2025));
        assert_eq!(holey.covered_label(), "2024、2026年");
        assert_eq!(
            holey.within(d(2024, 12, 20), d(2025, 1, 20), 20),
            Err(Uncovered { year: 2025 })
        );
        assert_eq!(c.covered_label(), "2016至2026年");
        assert_eq!(Calendar::default().covered_label(), "无");
    }

    /// `within` agrees with the exact count wherever it answers, and refuses only where two
    /// arrangements of the missing year (all holidays / all worked) would disagree.
    #[test]
    fn within_answers_only_what_the_table_decides() {
        let c = cal();
        let full = with_2027();
        let mut from = d(2026, 11, 1);
        while from <= d(2027, 1, 31) {
            for span in [0_i64, 1, 5, 10, 20, 28, 30, 40, 60] {
                let to = from + chrono::Duration::days(span);
                for limit in [0, 5, 20] {
                    match c.within(from, to, limit) {
                        Ok(answer) => assert_eq!(
                            answer,
                            full.working_days_between(from, to) <= limit,
                            "{from} → {to} ≤ {limit}"
                        ),
                        Err(u) => {
                            assert_eq!(u.year, 2027);
                            assert!(from.year() == 2027 || to.year() == 2027);
                        }
                    }
                    assert_eq!(
                        full.within(from, to, limit),
                        Ok(full.working_days_between(from, to) <= limit)
                    );
                }
            }
            from += chrono::Duration::days(2);
        }
    }

    /// With the 2027 元旦 arrangement added (illustrative, see [`ILLUSTRATIVE_2027`]), the case
    /// the built-in table refuses is counted. Decision Mon 2026-12-28; counting from the next day:
    ///   Tue 12-29 → 1, Wed 12-30 → 2, Thu 12-31 → 3, Fri 01-01 元旦 off, Sat 01-02 and Sun 01-03
    ///   off, Mon 01-04 → 4, Tue 01-05 → 5, Wed 01-06 → 6, Thu 01-07 → 7, Fri 01-08 → 8,
    ///   Mon 01-11..Fri 01-15 → 9..13, Mon 01-18..Fri 01-22 → 14..18,
    ///   Mon 01-25 → 19, Tue 01-26 → 20, Wed 01-27 → 21.
    /// Skipping weekends only would make Fri 01-01 the 4th day and 01-26 the 21st (late).
    #[test]
    fn new_year_2027_counted_once_the_year_is_added() {
        let c = with_2027();
        assert!(c.covers(2027));
        assert!(!c.is_working_day(d(2027, 1, 1)));
        let from = d(2026, 12, 28);
        assert_eq!(c.working_days_between(from, d(2026, 12, 31)), 3);
        assert_eq!(c.working_days_between(from, d(2027, 1, 4)), 4);
        assert_eq!(c.working_days_between(from, d(2027, 1, 26)), 20);
        assert_eq!(c.working_days_between(from, d(2027, 1, 27)), 21);
        assert_eq!(c.within(from, d(2027, 1, 26), 20), Ok(true));
        assert_eq!(c.within(from, d(2027, 1, 27), 20), Ok(false));
        assert_eq!(cal().working_days_between(from, d(2027, 1, 26)), 21);
    }

    #[test]
    fn listed_days_and_months_of_a_year() {
        let c = cal();
        let days = c.listed(2026);
        assert_eq!(days.first().map(|x| x.date), Some(d(2026, 1, 1)));
        assert_eq!(days.first().map(|x| x.note.as_str()), Some("元旦"));
        let makeup: Vec<NaiveDate> = days
            .iter()
            .filter(|x| x.kind == DayKind::Workday)
            .map(|x| x.date)
            .collect();
        assert!(makeup.contains(&d(2026, 1, 4)));
        assert!(makeup.contains(&d(2026, 10, 10)));
        assert!(days
            .iter()
            .any(|x| x.date == d(2026, 10, 1) && x.note == "国庆节" && x.kind == DayKind::Holiday));
        let months = c.working_days_by_month(2026);
        assert_eq!(months.len(), 12);
        assert_eq!(months.iter().sum::<i64>(), 248);
        // October 2026: 22 weekdays; Oct 1–2 and 5–7 off (5), Sat 10-10 worked (+1) → 18.
        assert_eq!(months[9], 18);
        assert!(c.listed(2027).is_empty());
    }
}
