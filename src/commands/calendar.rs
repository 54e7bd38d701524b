//! `kaoping calendar --year 2027`: what the holiday table knows of a year, so that an office can
//! see before scoring whether next year's arrangement has been added. For a covered year: every
//! 休 and 班 day with its 说明, the working days of each month and of the year. For a year the
//! table lacks: that only weekends are known, what that stops, and how to add the year.
//! Exit code 0 when the year is covered, 1 when it is not (so a script can check before `score`).

use super::Exit;
use crate::pipeline::{self, Error};
use crate::registry::calendar::{weekday_name, DayKind};
use crate::registry::Calendar;
use crate::text::pad;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write;
use std::path::Path;

/// The years `kaoping calendar` accepts (those a quarter may have, with room either side).
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

pub fn run(year: i32, holidays: Option<&Path>) -> Result<Exit, Error> {
    if !YEARS.contains(&year) {
        return Err(Error::Usage(format!(
            "年份应在{}至{}之间，实际为{year}",
            YEARS.start(),
            YEARS.end()
        )));
    }
    let cal = match holidays {
        Some(p) => pipeline::load_calendar(p)?,
        None => Calendar::builtin()?,
    };
    say_part!("{}", describe(&cal, year));
    Ok(if cal.covers(year) {
        Exit::Ok
    } else {
        Exit::DataErrors
    })
}

/// The text `kaoping calendar` prints for `year`.
pub fn describe(cal: &Calendar, year: i32) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "节假日表：{}（收录{}）",
        cal.origin(),
        cal.covered_label()
    );
    if !cal.covers(year) {
        let _ = write!(
            out,
            "{year}年：节假日表没有这一年的放假调休安排，只知道周末，不知道哪些工作日放假、哪些周末调休上班。\n\
             结果取决于{year}年安排的工作日计算（如信息公开及时率）因此不能进行：score 会停止评分，check 会报错。\n\
             国务院办公厅发布{year}年部分节假日安排的通知后，请复制一份 templates/holidays.csv，\
             按同样格式（表头“日期,类型,说明”；每个放假日一行，类型为“休”；每个调休上班的周末一行，类型为“班”；\
             UTF-8或GB18030编码）在末尾补充{year}年的安排，再用 --holidays 指定，例如：\n\
             \x20 kaoping calendar --year {year} --holidays 节假日.csv\n\
             \x20 kaoping score 报送文件夹 --quarter {}Q4 --holidays 节假日.csv\n",
            year - 1
        );
        return out;
    }
    let days = cal.listed(year);
    let count = |k: DayKind| days.iter().filter(|d| d.kind == k).count();
    let _ = writeln!(
        out,
        "{year}年：已收录，放假（休）{}天，调休上班（班）{}天。\n",
        count(DayKind::Holiday),
        count(DayKind::Workday)
    );
    let _ = writeln!(out, "{}{}类型  说明", pad("日期", 12), pad("星期", 8));
    for d in &days {
        let _ = writeln!(
            out,
            "{}{}{}    {}",
            pad(&d.date.format("%Y-%m-%d").to_string(), 12),
            pad(weekday_name(d.date), 8),
            d.kind.label(),
            d.note
        );
    }
    let months = cal.working_days_by_month(year);
    let _ = writeln!(
        out,
        "\n每月工作日（扣除周末和法定节假日，计入调休上班日）："
    );
    for (m, n) in months.iter().enumerate() {
        let _ = writeln!(out, "{}{n}天", pad(&format!("{}月", m + 1), 6));
    }
    let weekdays = match (
        NaiveDate::from_ymd_opt(year - 1, 12, 31),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(a), Some(b)) => Calendar::default().working_days_between(a, b),
        _ => 0,
    };
    let off = days
        .iter()
        .filter(|d| d.kind == DayKind::Holiday && d.date.weekday().num_days_from_monday() < 5)
        .count();
    let _ = writeln!(
        out,
        "全年工作日{}天：星期一至星期五{weekdays}天，减去落在星期一至星期五的放假日{off}天，加上调休上班日{}天。",
        months.iter().sum::<i64>(),
        count(DayKind::Workday)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_covered_year_lists_its_days_and_months() {
        let text = describe(&Calendar::builtin().unwrap(), 2026);
        assert!(text.contains("收录2016至2026年"), "{text}");
        assert!(text.contains("2026年：已收录"), "{text}");
        assert!(text.contains("2026-10-01"), "{text}");
        assert!(text.contains("国庆节"), "{text}");
        assert!(
            text.contains("2026-10-10  星期六  班    国庆节调休上班"),
            "{text}"
        );
        assert!(text.contains("10月  18天"), "{text}");
        assert!(text.contains("全年工作日248天"), "{text}");
    }

    #[test]
    fn an_uncovered_year_says_only_weekends_are_known() {
        let text = describe(&Calendar::builtin().unwrap(), 2027);
        assert!(text.contains("2027年：节假日表没有这一年"), "{text}");
        assert!(text.contains("只知道周末"), "{text}");
        assert!(text.contains("--holidays"), "{text}");
        assert!(!text.contains("每月工作日"), "{text}");
    }
}
