//! 基本情况 (region, quarter, who filled it and when) and the hidden `_meta` sheet.

use super::cells::{self, Read};
use super::workbook::Grid;
use super::{Meta, Submission};
use crate::problem::{a1, Problem, Source};
use crate::quarter::Quarter;

pub const SHEET: &str = "基本情况";
pub const META_SHEET: &str = "_meta";

/// Reads 基本情况 into the submission; `quarter` is the one being assessed.
pub fn read(grid: &Grid, quarter: Quarter, today: chrono::NaiveDate, sub: &mut Submission) {
    let file = sub.file.clone();
    let src = |cell: String| Source::new(&file, SHEET, cell);
    let Some((hr, hc)) = grid.find("项目", 10) else {
        sub.problems.push(Problem::error(
            src(String::new()),
            "找不到表头“项目 | 内容”",
        ));
        return;
    };
    let value_col = hc + 1;
    let last = grid.last_row().unwrap_or(hr);
    let mut found = std::collections::BTreeMap::new();
    for r in hr + 1..=last.min(hr + 50) {
        let label = grid.text(r, hc);
        if !label.is_empty() {
            found.insert(label, r);
        }
    }
    let text_of = |label: &str, required: bool, sub: &mut Submission| -> Option<(String, String)> {
        let Some(&r) = found.get(label) else {
            sub.problems.push(Problem::error(
                Source::new(&file, SHEET, ""),
                format!("缺少“{label}”一行"),
            ));
            return None;
        };
        let cell = a1(r, value_col);
        match cells::text(grid.get(r, value_col)) {
            Read::Ok(t) | Read::Guessed(t, _) => Some((t, cell)),
            Read::Empty => {
                if required {
                    sub.problems.push(Problem::error(
                        Source::new(&file, SHEET, cell),
                        format!("“{label}”未填写"),
                    ));
                }
                None
            }
            Read::Bad(m) => {
                sub.problems
                    .push(Problem::error(Source::new(&file, SHEET, cell), m));
                None
            }
        }
    };
    if let Some((code, _)) = text_of("区划代码", true, sub) {
        sub.region_code = code;
    }
    if let Some((name, _)) = text_of("地区名称", false, sub) {
        sub.region_name = name;
    }
    if let Some((q, cell)) = text_of("季度", true, sub) {
        match q.parse() {
            Ok(q) => sub.quarter = Some(q),
            Err(e) => sub.problems.push(Problem::error(
                Source::new(&file, SHEET, cell),
                e.to_string(),
            )),
        }
    }
    if let Some((t, _)) = text_of("填报人", false, sub) {
        sub.filled_by = t;
    }
    if let Some((t, _)) = text_of("联系电话", false, sub) {
        sub.phone = t;
    }
    match found.get("填报日期") {
        None => sub
            .problems
            .push(Problem::error(src(String::new()), "缺少“填报日期”一行")),
        Some(&r) => {
            let cell = a1(r, value_col);
            match cells::date(grid.get(r, value_col)) {
                Read::Ok(d) => sub.filed_on = Some(d),
                Read::Guessed(d, note) => {
                    sub.filed_on = Some(d);
                    sub.problems.push(Problem::warning(src(cell.clone()), note));
                }
                Read::Empty => sub
                    .problems
                    .push(Problem::error(src(cell.clone()), "“填报日期”未填写")),
                Read::Bad(m) => sub.problems.push(Problem::error(src(cell.clone()), m)),
            }
            if let Some(d) = sub.filed_on {
                let ymd = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
                if d > today {
                    sub.problems.push(Problem::error(
                        src(cell),
                        format!("“填报日期”{}晚于今天（{}），请核实", ymd(d), ymd(today)),
                    ));
                } else if d < quarter.first_day() {
                    sub.problems.push(Problem::error(
                        src(cell),
                        format!(
                            "“填报日期”{}早于{quarter}开始（{}），请核实",
                            ymd(d),
                            ymd(quarter.first_day())
                        ),
                    ));
                }
            }
        }
    }
}

/// Reads the hidden `_meta` sheet (key | value rows).
pub fn read_meta(grid: &Grid) -> Meta {
    let mut meta = Meta::default();
    let last = grid.last_row().unwrap_or(0).min(50);
    for r in 0..=last {
        let value = grid.text(r, 1);
        match grid.text(r, 0).as_str() {
            "scheme_id" => meta.scheme_id = value,
            "scheme_version" => meta.scheme_version = value,
            "template_hash" => meta.template_hash = value,
            "region_code" => meta.region_code = value,
            "quarter" => meta.quarter = value,
            _ => {}
        }
    }
    meta
}
