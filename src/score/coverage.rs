//! Working days the holiday table cannot count.
//!
//! A deadline in working days that reaches into a year the holiday table does not cover (2026Q4
//! decisions disclosed in January 2027, with a table ending in 2026) cannot be measured: the
//! year's 元旦 and 春节 are not known yet. Guessing with weekends only would score a region on an
//! arrangement nobody published, so scoring refuses, and says which dates, which year and what to
//! add. [`Calendar::within`](crate::registry::Calendar::within) decides which dates matter.

use crate::problem::Source;
use crate::quarter::Quarter;
use chrono::NaiveDate;

/// One ledger date whose working-day count depends on a year the table lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct UncoveredDate {
    /// The year the count reaches and the table does not cover.
    pub year: i32,
    pub region_code: String,
    pub region_name: String,
    /// The indicator's name, e.g. 公开及时率.
    pub indicator: String,
    /// The later date's cell (e.g. 信息公开台账!C12 of the region's file).
    pub source: Source,
    /// Column names and dates: from `from_column` (决定日期) `from` to `column` (公开日期) `date`.
    pub from_column: String,
    pub from: NaiveDate,
    pub column: String,
    pub date: NaiveDate,
}

/// Every date of a run that the holiday table cannot count; scoring stops on it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarGap {
    pub quarter: Quarter,
    /// Where the holiday table came from (`Calendar::origin`).
    pub origin: String,
    /// The years it covers, in words (`Calendar::covered_label`).
    pub covered: String,
    /// In registry order, then ledger row order; never empty.
    pub dates: Vec<UncoveredDate>,
}

impl CalendarGap {
    /// The missing years, ascending.
    pub fn years(&self) -> Vec<i32> {
        let mut years: Vec<i32> = self.dates.iter().map(|d| d.year).collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    fn years_label(&self) -> String {
        let years: Vec<String> = self.years().iter().map(i32::to_string).collect();
        format!("{}年", years.join("、"))
    }

    /// What is missing and where it is needed (first date, how many).
    pub fn what(&self) -> String {
        let mut indicators: Vec<&str> = Vec::new();
        for d in &self.dates {
            if !indicators.contains(&d.indicator.as_str()) {
                indicators.push(&d.indicator);
            }
        }
        let first = match self.dates.first() {
            Some(d) => format!(
                "，第一处为{}“{}”{}：{}{}，{}{}",
                d.region_name,
                d.source.file,
                d.source.address(),
                d.from_column,
                d.from.format("%Y-%m-%d"),
                d.column,
                d.date.format("%Y-%m-%d"),
            ),
            None => String::new(),
        };
        let years = self.years_label();
        format!(
            "节假日表（{}）只含{}的法定节假日和调休安排，{}的{}要用到{years}的日期（共{}处{first}）。\
             这些日期相隔多少个工作日取决于{years}的放假调休安排，不能只扣除周末推算。",
            self.origin,
            self.covered,
            self.quarter,
            indicators.join("、"),
            self.dates.len(),
        )
    }

    /// What to do about it.
    pub fn remedy(&self) -> String {
        let first = self
            .years()
            .first()
            .copied()
            .unwrap_or(self.quarter.year + 1);
        format!(
            "请按 templates/holidays.csv 的格式（表头“日期,类型,说明”，类型为“休”或“班”，UTF-8或GB18030编码）\
             在节假日表中补充{}的节假日安排（国务院办公厅发布节假日安排的通知后即可补充），\
             用 --holidays 文件 指定后重新运行；kaoping calendar --year {first} 可查看当前掌握的安排。",
            self.years_label()
        )
    }
}

impl std::fmt::Display for CalendarGap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.what(), self.remedy())
    }
}

impl std::error::Error for CalendarGap {}
