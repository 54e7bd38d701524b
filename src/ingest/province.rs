//! 省级评定.csv: what the province itself decides (satisfaction survey, criticism, veto), one row
//! per region. A region missing from it has no findings and no survey score.

use super::cells::{self, Read};
use super::Cell;
use crate::problem::{a1, Problem, Source};
use crate::registry::Registry;
use crate::scheme::{Scheme, ValueKind};
use calamine::Data;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// One region's row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvinceRow {
    /// 1-based line in the file.
    pub line: usize,
    pub values: BTreeMap<String, Cell>,
    pub sources: BTreeMap<String, Source>,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProvinceData {
    pub file: String,
    pub sha256: String,
    pub rows: BTreeMap<String, ProvinceRow>,
}

impl ProvinceData {
    /// A cell of a region's row (Empty when absent).
    pub fn cell(&self, code: &str, column: &str) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.rows
            .get(code)
            .and_then(|r| r.values.get(column))
            .unwrap_or(&EMPTY)
    }

    /// Where a region's value came from.
    pub fn source(&self, code: &str, column: &str) -> Option<&Source> {
        self.rows.get(code).and_then(|r| r.sources.get(column))
    }
}

/// Reads `scheme.province.file` from the submissions folder. A missing file is a warning.
pub fn read(dir: &Path, scheme: &Scheme, registry: &Registry) -> (ProvinceData, Vec<Problem>) {
    let name = scheme.province.file.clone();
    let path = dir.join(&name);
    match std::fs::read(&path) {
        Ok(bytes) => parse(&name, &bytes, scheme, registry),
        Err(_) => (
            ProvinceData {
                file: name.clone(),
                ..ProvinceData::default()
            },
            vec![Problem::warning(
                Source::new(&name, "", ""),
                "未找到省级评定文件：各地区按无满意度调查结果、无通报批评和否决处理",
            )],
        ),
    }
}

/// Parses the CSV bytes.
pub fn parse(
    name: &str,
    bytes: &[u8],
    scheme: &Scheme,
    registry: &Registry,
) -> (ProvinceData, Vec<Problem>) {
    let mut data = ProvinceData {
        file: name.to_string(),
        sha256: format!("{:x}", Sha256::digest(bytes)),
        rows: BTreeMap::new(),
    };
    let mut problems = Vec::new();
    let whole = Source::new(name, "", "");
    let Some((text, encoding)) = crate::csvfile::decode(bytes) else {
        problems.push(Problem::error(
            whole,
            "文件既不是UTF-8也不是GB18030（GBK）编码，无法读取，请另存为“CSV UTF-8”或“CSV（逗号分隔）”格式",
        ));
        return (data, problems);
    };
    if let Some(note) = encoding.note() {
        problems.push(Problem::warning(whole.clone(), note));
    }
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        // Compared after normalising full-width forms and spaces (an input method's brackets).
        Ok(h) => h.iter().map(crate::csvfile::normalise_header).collect(),
        Err(e) => {
            problems.push(Problem::error(whole, format!("无法读取表头：{e}")));
            return (data, problems);
        }
    };
    let Some(code_col) = headers.iter().position(|h| h == "区划代码") else {
        problems.push(Problem::error(whole, "表头缺少“区划代码”列"));
        return (data, problems);
    };
    let mut cols = Vec::new();
    for c in &scheme.province.columns {
        match headers
            .iter()
            .position(|h| *h == crate::csvfile::normalise_header(&c.name))
        {
            Some(i) => cols.push((c, i)),
            None => problems.push(Problem::warning(
                Source::new(name, "", "第1行"),
                format!("表头缺少“{}”列，各地区按空值处理", c.name),
            )),
        }
    }
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(Problem::error(
                    Source::new(name, "", format!("第{line}行")),
                    format!("无法读取：{e}"),
                ));
                continue;
            }
        };
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let code = rec.get(code_col).unwrap_or("").trim().to_string();
        let at = |col: usize| Source::new(name, "", a1(line as u32 - 1, col as u32));
        if registry.get(&code).is_none() {
            problems.push(Problem::warning(
                at(code_col),
                format!("区划代码“{code}”不在地区名录中，该行未使用"),
            ));
            continue;
        }
        if let Some(prev) = data.rows.get(&code) {
            problems.push(Problem::error(
                at(code_col),
                format!("区划代码{code}重复（第{}行已有），该行未使用", prev.line),
            ));
            continue;
        }
        let mut row = ProvinceRow {
            line,
            ..ProvinceRow::default()
        };
        for (def, col) in &cols {
            let raw = Data::String(rec.get(*col).unwrap_or("").to_string());
            let read = match def.kind {
                ValueKind::Count => cells::count(&raw).map(Cell::Number),
                ValueKind::Amount => cells::amount(&raw).map(Cell::Number),
                ValueKind::YesNo => cells::yes_no(&raw).map(Cell::YesNo),
                _ => cells::text(&raw).map(Cell::Text),
            };
            let value = match read {
                // Numbers in a CSV are always text: no warning for that.
                Read::Ok(v) | Read::Guessed(v, _) => v,
                Read::Empty => Cell::Empty,
                Read::Bad(m) => {
                    problems.push(Problem::error(
                        at(*col),
                        format!("“{}”{m}，按空值处理", def.name),
                    ));
                    Cell::Empty
                }
            };
            let value = match (value, def.max) {
                (Cell::Number(v), Some(max)) if v > max => {
                    problems.push(Problem::error(
                        at(*col),
                        format!(
                            "“{}”应不大于{}，实际为{}，按空值处理",
                            def.name,
                            crate::scheme::fmt_num(max),
                            crate::scheme::fmt_num(v)
                        ),
                    ));
                    Cell::Empty
                }
                (v, _) => v,
            };
            row.sources.insert(def.name.clone(), at(*col));
            row.values.insert(def.name.clone(), value);
        }
        for p in problems
            .iter_mut()
            .filter(|p| p.region.is_none() && p.source.cell.ends_with(&line.to_string()))
        {
            p.region = Some(code.clone());
        }
        data.rows.insert(code, row);
    }
    (data, problems)
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
        let text = "区划代码 ,一票否决,否决事由\r\n445200,是,发生重大假冒伪劣食品案件\r\n";
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
                    && p.message.contains("GB18030")),
            "{problems:?}"
        );
        assert!(
            !problems
                .iter()
                .any(|p| p.severity == crate::problem::Severity::Error),
            "{problems:?}"
        );
    }
}
