//! 省级评定.csv: what the province itself decides (satisfaction survey, criticism, veto), one row
//! per region of the registry. A region missing from it is an error: an empty row is how the
//! province says it found nothing.

use super::cells::{self, Read};
use crate::problem::{a1, Kind, Problem, Source};
use crate::registry::Registry;
use crate::scheme::{Scheme, ValueKind};
use crate::submission::{Cell, ProvinceData, ProvinceRow};
use calamine::Data;
use std::path::{Path, PathBuf};

/// The province file of a folder: `scheme.province.file` (省级评定.csv), or a workbook of the
/// same name (省级评定.xlsx, .xls, .ods) with the same columns. `Err` when there are two.
pub fn locate(dir: &Path, scheme: &Scheme) -> Result<Option<PathBuf>, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && is_province_file(&super::files::file_name(p), scheme))
        .collect();
    found.sort();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(format!(
            "文件夹中同时有{}，无法确定以哪个为准，请只保留一个",
            found
                .iter()
                .map(|p| super::files::file_name(p))
                .collect::<Vec<_>>()
                .join("和")
        )),
    }
}

/// Whether a file name is the province's file (as CSV or workbook), not a submission.
pub fn is_province_file(name: &str, scheme: &Scheme) -> bool {
    let stem = |n: &str| -> String {
        n.rsplit_once('.')
            .map_or(n, |(s, _)| s)
            .trim()
            .to_lowercase()
    };
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e).to_lowercase();
    !name.starts_with("~$")
        && !name.starts_with(".~lock")
        && stem(name) == stem(&scheme.province.file)
        && crate::tablefile::EXTENSIONS.contains(&ext.as_str())
}

/// Reads the province file of the submissions folder ([`locate`]). A missing file gives empty
/// data and a warning; whether to score without it is the caller's decision (`data.found`).
pub fn read(dir: &Path, scheme: &Scheme, registry: &Registry) -> (ProvinceData, Vec<Problem>) {
    let missing = |problem: Problem| {
        (
            ProvinceData {
                file: scheme.province.file.clone(),
                ..ProvinceData::default()
            },
            vec![problem],
        )
    };
    let path = match locate(dir, scheme) {
        Ok(Some(p)) => p,
        Ok(None) => {
            return missing(Problem::warning(
                Kind::MissingFile,
                Source::new(&scheme.province.file, "", ""),
                MISSING,
            ))
        }
        Err(m) => {
            return missing(Problem::error(
                Kind::Duplicate,
                Source::new(&scheme.province.file, "", ""),
                m,
            ))
        }
    };
    let name = super::files::file_name(&path);
    match std::fs::read(&path) {
        Ok(bytes) => parse(&name, &bytes, scheme, registry),
        Err(e) => {
            let mut out = missing(Problem::error(
                Kind::Unreadable,
                Source::new(&name, "", ""),
                format!("无法读取：{}", crate::text::io_reason(&e)),
            ));
            out.0.file = name;
            out.0.found = true;
            out
        }
    }
}

/// The warning for a folder without the province file.
pub const MISSING: &str = "未找到省级评定文件：各地区按无满意度调查结果、无通报批评和否决处理";

/// Parses a province file's bytes (CSV in any encoding offices save, or a workbook's first
/// sheet). Every problem that leaves a finding unread is an error.
pub fn parse(
    name: &str,
    bytes: &[u8],
    scheme: &Scheme,
    registry: &Registry,
) -> (ProvinceData, Vec<Problem>) {
    let mut data = ProvinceData {
        file: name.to_string(),
        found: true,
        ..ProvinceData::default()
    };
    let mut problems = Vec::new();
    let whole = Source::new(name, "", "");
    let table = match super::tables::from_bytes(name, bytes) {
        Ok(t) => t,
        Err(m) => {
            problems.push(Problem::error(Kind::Unreadable, whole, m));
            return (data, problems);
        }
    };
    data.sha256 = table.sha256.clone();
    if let Some(note) = table.encoding.and_then(|e| e.note()) {
        problems.push(Problem::warning(Kind::Note, whole.clone(), note));
    }
    let at = |row: usize, col: usize| Source::new(name, &table.sheet, a1(row as u32, col as u32));
    // Compared after normalising full-width forms and spaces (an input method's brackets).
    let headers = table.headers();
    let Some(code_col) = headers.iter().position(|h| h == "区划代码") else {
        problems.push(Problem::error(
            Kind::MissingHeader,
            Source::new(name, &table.sheet, "第1行"),
            "表头缺少“区划代码”列",
        ));
        return (data, problems);
    };
    let mut cols = Vec::new();
    for c in &scheme.province.columns {
        match headers
            .iter()
            .position(|h| *h == crate::csvfile::normalise_header(&c.name))
        {
            Some(i) => cols.push((c, i)),
            None => problems.push(Problem::error(
                Kind::MissingHeader,
                Source::new(name, &table.sheet, "第1行"),
                format!("表头缺少“{}”列", c.name),
            )),
        }
    }
    for (row_index, rec) in table.rows.iter().enumerate().skip(1) {
        let line = row_index + 1;
        let cell = |col: usize| rec.get(col).unwrap_or(&Data::Empty);
        if rec.iter().all(|d| crate::tablefile::text(d).is_empty()) {
            continue;
        }
        let code = crate::tablefile::text(cell(code_col));
        let mut found = Vec::new();
        if registry.get(&code).is_none() {
            found.push(Problem::error(
                Kind::Region,
                at(row_index, code_col),
                format!("区划代码“{code}”不在地区名录中"),
            ));
        } else if let Some(prev) = data.rows.get(&code) {
            found.push(Problem::error(
                Kind::Duplicate,
                at(row_index, code_col),
                format!("区划代码{code}重复（第{}行已有）", prev.line),
            ));
        } else {
            let mut row = ProvinceRow {
                line,
                ..ProvinceRow::default()
            };
            for (def, col) in &cols {
                let value = read_value(def, cell(*col), &mut |m| {
                    found.push(Problem::error(Kind::BadValue, at(row_index, *col), m));
                });
                row.sources.insert(def.name.clone(), at(row_index, *col));
                row.values.insert(def.name.clone(), value);
            }
            data.rows.insert(code.clone(), row);
        }
        for mut p in found {
            p.region = registry.get(&code).map(|r| r.code.clone());
            problems.push(p);
        }
    }
    // A region without a row would be scored as if the province had found nothing: no survey
    // (its G2 dropped and its group re-weighted), no criticism, no veto. That is never assumed.
    let end = Source::new(name, &table.sheet, format!("第{}行之后", table.rows.len()));
    for r in &registry.regions {
        if !data.rows.contains_key(&r.code) {
            problems.push(Problem::error(
                Kind::MissingField,
                end.clone(),
                format!(
                    "缺少{}（{}）的一行：其群众满意度、通报批评和一票否决无从计入。\
                     请补上该地区一行（没有通报批评的填0，一票否决填“否”，满意度未调查的留空）",
                    r.name, r.code
                ),
            ));
        }
    }
    (data, problems)
}

/// One finding read as its column's kind; what cannot be read is reported and left empty.
fn read_value(def: &crate::scheme::ColumnDef, raw: &Data, bad: &mut dyn FnMut(String)) -> Cell {
    let read = match def.kind {
        ValueKind::Count => cells::count(raw).map(Cell::Number),
        ValueKind::Amount => cells::amount(raw).map(Cell::Number),
        ValueKind::YesNo => cells::yes_no(raw).map(Cell::YesNo),
        _ => cells::text(raw).map(Cell::Text),
    };
    let value = match read {
        // Numbers in a CSV are always text: no warning for that.
        Read::Ok(v) | Read::Guessed(v, _) => v,
        Read::Empty => Cell::Empty,
        Read::Bad(m) => {
            bad(format!("“{}”{m}", def.name));
            return Cell::Empty;
        }
    };
    match (value, def.max) {
        (Cell::Number(v), Some(max)) if v > max => {
            bad(format!(
                "“{}”应不大于{}，实际为{}",
                def.name,
                crate::text::fmt_num(max),
                crate::text::fmt_num(v)
            ));
            Cell::Empty
        }
        (v, _) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 9): a 省级评定.csv saved by Excel on Chinese Windows (GB18030) was refused
    /// as "not UTF-8", and the ranking went out without the province's 一票否决. It is read, with
    /// a warning naming the encoding; a header typed with full-width brackets matches too.
    #[test]
    fn regression_gb18030_province_file_keeps_its_veto() {
        let scheme = Scheme::builtin().unwrap();
        let registry = Registry::builtin().unwrap();
        let text = "区划代码 ,群众满意度,国家通报批评次数,省通报批评次数,中央媒体曝光次数,数据严重失实,一票否决,否决事由\r\n\
                    445200,88,0,0,0,否,是,发生重大假冒伪劣食品案件\r\n";
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        let (data, problems) = parse("省级评定.csv", &bytes, &scheme, &registry);
        assert_eq!(data.cell("445200", "一票否决"), &Cell::YesNo(true));
        assert_eq!(
            data.cell("445200", "否决事由"),
            &Cell::Text("发生重大假冒伪劣食品案件".to_string())
        );
        assert!(
            problems
                .iter()
                .any(|p| p.severity == crate::problem::Severity::Warning
                    && p.kind == crate::problem::Kind::Note),
            "{problems:?}"
        );
        // Only 揭阳市's row: every other region of the registry is missing, each an error.
        let missing: Vec<_> = problems
            .iter()
            .filter(|p| p.severity == crate::problem::Severity::Error)
            .collect();
        assert_eq!(missing.len(), registry.regions.len() - 1, "{problems:?}");
        assert!(missing.iter().all(|p| p.kind == Kind::MissingField));
    }

    /// Regression (issue 22): a region's row missing from 省级评定 was accepted; the region's
    /// G2 became "不计", its group was re-weighted (广州市's G1 printed as 9.46 of 5 points), and
    /// a veto in the missing row could never be seen. Each missing region is an error naming it.
    #[test]
    fn regression_a_region_missing_from_the_province_file_is_an_error() {
        let scheme = Scheme::builtin().unwrap();
        let registry = Registry::builtin().unwrap();
        let header = "区划代码,群众满意度,国家通报批评次数,省通报批评次数,中央媒体曝光次数,数据严重失实,一票否决,否决事由\n";
        let mut text = header.to_string();
        for r in registry.regions.iter().filter(|r| r.code != "440100") {
            text.push_str(&format!("{},90,0,0,0,否,否,\n", r.code));
        }
        let (data, problems) = parse("省级评定.csv", text.as_bytes(), &scheme, &registry);
        let errors: Vec<_> = problems
            .iter()
            .filter(|p| p.severity == crate::problem::Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1, "{problems:?}");
        assert_eq!(errors[0].kind, Kind::MissingField);
        assert!(
            errors[0].message.contains("广州市（440100）"),
            "{}",
            errors[0].message
        );
        assert_eq!(data.rows.len(), registry.regions.len() - 1);
        // A row present with the survey left empty is how "not surveyed" is said: no error.
        let full = format!("{text}440100,,0,0,0,否,否,\n");
        let (_, problems) = parse("省级评定.csv", full.as_bytes(), &scheme, &registry);
        assert!(
            !problems
                .iter()
                .any(|p| p.severity == crate::problem::Severity::Error),
            "{problems:?}"
        );
    }
}
