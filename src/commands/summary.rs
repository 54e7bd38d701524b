//! The lines a clerk reads on the terminal after `check` or `score`: which regions to phone
//! (data with errors, late, not submitted) and which files belong to no region, in aligned
//! columns, with where the details are.

use crate::problem::{Problem, Severity};
use crate::quarter::Quarter;
use crate::record::Status;
use crate::scheme::Scheme;
use crate::score::RegionResult;
use crate::submission::InputFile;
use crate::text::{pad, width};
use std::fmt::Write as _;
use std::path::Path;

/// What the summary is drawn from.
pub struct Summary<'a> {
    pub scheme: &'a Scheme,
    pub quarter: Quarter,
    pub results: &'a [RegionResult],
    pub problems: &'a [Problem],
    pub files: &'a [InputFile],
    /// The workbook whose 数据质量 sheet lists every problem.
    pub quality: &'a Path,
}

impl Summary<'_> {
    /// The lines, each ending with a newline; empty when there is nobody to name.
    pub fn names(&self) -> String {
        let mut out = String::new();
        let count = |code: &str, s: Severity| {
            self.problems
                .iter()
                .filter(|p| p.severity == s && p.region.as_deref() == Some(code))
                .count()
        };
        let file = |r: &RegionResult| r.file.clone().unwrap_or_default();
        let with_errors = |status: Status| -> Vec<[String; 4]> {
            self.results
                .iter()
                .filter(|r| r.status == status)
                .map(|r| {
                    [
                        r.name.clone(),
                        r.code.clone(),
                        format!("错误{}条", count(&r.code, Severity::Error)),
                        file(r),
                    ]
                })
                .collect()
        };
        let invalid = with_errors(Status::Invalid);
        let unreadable = with_errors(Status::Unreadable);
        let deadline = self.quarter.deadline(self.scheme.deadline_day);
        let late: Vec<[String; 4]> = self
            .results
            .iter()
            .filter(|r| r.late && r.status != Status::Missing)
            .map(|r| {
                let on = r
                    .filed_on
                    .map_or_else(String::new, |d| format!("{}填报", d.format("%Y-%m-%d")));
                [r.name.clone(), r.code.clone(), on, file(r)]
            })
            .collect();
        let missing: Vec<[String; 4]> = self
            .results
            .iter()
            .filter(|r| r.status == Status::Missing)
            .map(|r| [r.name.clone(), r.code.clone(), String::new(), String::new()])
            .collect();
        // Files no region could be told from (their problems have no region).
        let orphans: Vec<[String; 4]> = self
            .files
            .iter()
            .filter(|f| f.region_code.is_none() && f.status != crate::submission::STATUS)
            .map(|f| {
                let errors = self
                    .problems
                    .iter()
                    .filter(|p| p.source.file == f.file && p.severity == Severity::Error)
                    .count();
                [
                    f.file.clone(),
                    String::new(),
                    format!("错误{errors}条"),
                    f.status.clone(),
                ]
            })
            .collect();
        let blocks = [
            (Status::Invalid.label().to_string(), invalid),
            (Status::Unreadable.label().to_string(), unreadable),
            (
                format!("逾期报送（截止{}）", deadline.format("%Y-%m-%d")),
                late,
            ),
            (Status::Missing.label().to_string(), missing),
            ("无法确定地区的文件".to_string(), orphans),
        ];
        let widths: Vec<usize> = (0..4)
            .map(|k| {
                blocks
                    .iter()
                    .flat_map(|(_, rows)| rows.iter())
                    .map(|r| width(&r[k]))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (title, rows) in &blocks {
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title}（{}个）：", rows.len());
            for r in rows {
                let line: String = (0..4)
                    .map(|k| pad(&r[k], widths[k] + 2))
                    .collect::<String>();
                let _ = writeln!(out, "  {}", line.trim_end());
            }
        }
        if self.problems.iter().any(|p| p.severity == Severity::Error) {
            let _ = writeln!(
                out,
                "每条错误的文件、工作表和单元格见 {} 的“数据质量”工作表。",
                self.quality.display()
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(name: &str, code: &str, status: Status, late: bool) -> RegionResult {
        let mut r = RegionResult::blank(code, name, status);
        r.late = late;
        r.file = Some(format!("{name}_2025Q4.xlsx"));
        r
    }

    #[test]
    fn names_whom_to_phone_in_aligned_columns() {
        let scheme = Scheme::builtin().unwrap();
        let results = vec![
            region("广州市", "440100", Status::Scored, false),
            region("潮州市", "445100", Status::Invalid, false),
            region("汕头市", "440500", Status::Scored, true),
            region("揭阳市", "445200", Status::Missing, false),
        ];
        let mut p = Problem::error(
            crate::problem::Kind::BadValue,
            crate::problem::Source::new("潮州市_2025Q4.xlsx", "汇总指标", "D5"),
            "x",
        );
        p.region = Some("445100".to_string());
        let problems = vec![p.clone(), p];
        let s = Summary {
            scheme: &scheme,
            quarter: "2025Q4".parse().unwrap(),
            results: &results,
            problems: &problems,
            files: &[],
            quality: Path::new("考评排名_2025Q4.xlsx"),
        };
        let text = s.names();
        assert!(
            text.contains(
                "数据有误，退回修改（1个）：\n  潮州市  445100  错误2条  潮州市_2025Q4.xlsx\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("逾期报送（截止2026-01-10）（1个）：\n  汕头市  440500"),
            "{text}"
        );
        assert!(
            text.contains("未报送（1个）：\n  揭阳市  445200\n"),
            "{text}"
        );
        assert!(!text.contains("广州市"), "{text}");
        assert!(
            text.contains("考评排名_2025Q4.xlsx 的“数据质量”工作表"),
            "{text}"
        );
    }
}
