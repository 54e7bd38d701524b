//! TEMPORARY STUB — being replaced by the real calendar module.
use chrono::{Datelike, NaiveDate, Weekday};
#[derive(Debug, Clone, Default)]
pub struct Calendar;
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("节假日文件第{line}行：{message}")]
    Line { line: usize, message: String },
}
impl Calendar {
    pub fn from_csv(_text: &str) -> Result<Calendar, CalendarError> { Ok(Calendar) }
    pub fn builtin() -> Calendar { Calendar }
    pub fn is_working_day(&self, d: NaiveDate) -> bool { !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) }
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0; let mut d = from;
        while d < to { d = d.succ_opt().unwrap_or(to); if self.is_working_day(d) { n += 1; } }
        n
    }
    pub fn years(&self) -> Option<(i32, i32)> { None }
}
