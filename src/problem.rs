//! Problems found in the input: each with where it is (file, sheet, cell) and a plain message.

use std::fmt;

/// How serious a problem is. An error makes a submission invalid; a warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// What kind of problem it is: what code and tests match on, while the message says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The file could not be read: broken, encrypted, not what its name says, or refused by a
    /// guard before any reader opened it.
    Unreadable,
    /// A kind of file the engine does not read (.xlsb, .csv as a submission, …).
    Unsupported,
    /// Bigger than a limit: the file, or a cell's text (which is then cut).
    TooLarge,
    /// A workbook without any data.
    EmptyFile,
    /// A file the run needs is not there (省级评定).
    MissingFile,
    /// A sheet of the template is missing.
    MissingSheet,
    /// A table's header, or a column of it, is missing.
    MissingHeader,
    /// A row of 基本情况 or a field of 汇总指标 / 工作情况 is missing.
    MissingField,
    /// A value that must be filled in is blank.
    Blank,
    /// A value its cell cannot hold (not a number, negative, not a date, not one of the choices).
    BadValue,
    /// A value read, but not as typed (a number stored as text, a guessed encoding): said, and used.
    Note,
    /// The same code, key, region or file twice.
    Duplicate,
    /// A date in the wrong order, outside the quarter, or later than today.
    Date,
    /// Figures that contradict each other (S02 larger than S01, a count and its ledger).
    Inconsistent,
    /// The region: not in the registry, not the template's, or not to be told.
    Region,
    /// A quarter other than the one being scored.
    Quarter,
    /// Not the current template (another scheme, no `_meta`, a changed hash).
    Template,
    /// One of several submissions for a region, of which one was used.
    Superseded,
    /// A figure far from the other regions' (数据异常，请核实).
    Anomaly,
    /// Two regions' submissions with the same figures and ledgers (疑似抄报，请核实).
    SuspectedCopy,
    /// A quarter in history that needs scoring again.
    Rerun,
    /// A working-day count the holiday table cannot decide.
    Calendar,
    /// A measure the history holds that the scheme's ladder does not define.
    UnknownMeasure,
    /// The engine itself failed on this file.
    Internal,
}

/// Where a value came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    pub file: String,
    pub sheet: String,
    /// An A1 address, or empty when the problem is about the whole sheet or file.
    pub cell: String,
}

impl Source {
    pub fn new(file: &str, sheet: &str, cell: impl Into<String>) -> Source {
        Source {
            file: file.to_string(),
            sheet: sheet.to_string(),
            cell: cell.into(),
        }
    }

    /// `汇总指标!D12`.
    pub fn address(&self) -> String {
        match (self.sheet.is_empty(), self.cell.is_empty()) {
            (true, _) => String::new(),
            (false, true) => self.sheet.clone(),
            (false, false) => format!("{}!{}", self.sheet, self.cell),
        }
    }
}

impl Source {
    /// The file and the place in it, for a message on the terminal: `a.xlsx 汇总指标!D12`, and
    /// for a CSV (no sheets) the line and column as a text editor counts them:
    /// `省级评定.csv 第3行第6列（F3）`.
    pub fn located(&self) -> String {
        if self.sheet.is_empty() && !self.cell.is_empty() {
            if let Some((col, row)) = parse_a1(&self.cell) {
                return format!("{} 第{row}行第{col}列（{}）", self.file, self.cell);
            }
            return format!("{} {}", self.file, self.cell);
        }
        match self.address() {
            a if a.is_empty() => self.file.clone(),
            a => format!("{} {a}", self.file),
        }
    }
}

/// The 1-based (column, row) of an A1 address.
fn parse_a1(a1: &str) -> Option<(u32, u32)> {
    let split = a1.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = a1.split_at(split);
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().try_fold(0u32, |n, b| {
        n.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)
    })?;
    Some((col, digits.parse().ok()?))
}

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    pub kind: Kind,
    pub source: Source,
    /// The region the file belongs to, when known.
    pub region: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn error(kind: Kind, source: Source, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            kind,
            source,
            region: None,
            message: message.into(),
        }
    }

    pub fn warning(kind: Kind, source: Source, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
            kind,
            source,
            region: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let addr = self.source.address();
        if addr.is_empty() {
            write!(f, "{}：{}", self.source.file, self.message)
        } else {
            write!(f, "{} {}：{}", self.source.file, addr, self.message)
        }
    }
}

/// A1 address of a zero-based (row, column).
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), row + 1)
}

/// The letters of a zero-based column (0 → A, 26 → AA).
pub fn column_name(col: u32) -> String {
    let mut c = col + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_places_are_told_as_line_and_column() {
        assert_eq!(
            Source::new("省级评定.csv", "", "F3").located(),
            "省级评定.csv 第3行第6列（F3）"
        );
        assert_eq!(
            Source::new("省级评定.csv", "", "AA10").located(),
            "省级评定.csv 第10行第27列（AA10）"
        );
        assert_eq!(
            Source::new("a.xlsx", "汇总指标", "D12").located(),
            "a.xlsx 汇总指标!D12"
        );
        assert_eq!(Source::new("a.csv", "", "第1行").located(), "a.csv 第1行");
        assert_eq!(Source::new("a.csv", "", "").located(), "a.csv");
    }

    #[test]
    fn a1_addresses() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 3), "D12");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }
}
