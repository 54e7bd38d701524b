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

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    pub source: Source,
    /// The region the file belongs to, when known.
    pub region: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn error(source: Source, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            source,
            region: None,
            message: message.into(),
        }
    }

    pub fn warning(source: Source, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Warning,
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
    let mut c = col + 1;
    let mut letters = Vec::new();
    while c > 0 {
        let r = (c - 1) % 26;
        letters.push(b'A' + r as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_addresses() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 3), "D12");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }
}
