//! 基本情况 (region, quarter, who filled it and when) and the hidden `_meta` sheet.

use super::cells::{self, Read};
use super::workbook::Grid;
use crate::contract::{
    BasicRow, MetaKey, BASIC_LABEL_HEADER, BASIC_SHEET as SHEET, BASIC_VALUE_HEADER,
};
use crate::problem::{a1, Kind, Problem, Source};
use crate::quarter::Quarter;
use crate::submission::{Meta, Submission};

/// Reads 基本情况 into the submission; `quarter` is the one being assessed.
pub fn read(grid: &Grid, quarter: Quarter, today: chrono::NaiveDate, sub: &mut Submission) {
    let file = sub.file.clone();
    let src = |cell: String| Source::new(&file, SHEET, cell);
    let Some((hr, hc)) = grid.find(BASIC_LABEL_HEADER, 10) else {
        sub.problems.push(Problem::error(
            Kind::MissingHeader,
            src(String::new()),
            format!("找不到表头“{BASIC_LABEL_HEADER} | {BASIC_VALUE_HEADER}”"),
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
                Kind::MissingField,
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
                        Kind::Blank,
                        Source::new(&file, SHEET, cell),
                        format!("“{label}”未填写"),
                    ));
                }
                None
            }
            Read::Bad(m) => {
                sub.problems.push(Problem::error(
                    Kind::BadValue,
                    Source::new(&file, SHEET, cell),
                    m,
                ));
                None
            }
        }
    };
    if let Some((code, _)) = text_of(BasicRow::RegionCode.label(), true, sub) {
        sub.region_code = code;
    }
    if let Some((name, _)) = text_of(BasicRow::RegionName.label(), false, sub) {
        sub.region_name = name;
    }
    if let Some((q, cell)) = text_of(BasicRow::Quarter.label(), true, sub) {
        match q.parse() {
            Ok(q) => sub.quarter = Some(q),
            Err(e) => sub.problems.push(Problem::error(
                Kind::BadValue,
                Source::new(&file, SHEET, cell),
                e.to_string(),
            )),
        }
    }
    if let Some((t, _)) = text_of(BasicRow::FilledBy.label(), false, sub) {
        sub.filled_by = t;
    }
    if let Some((t, _)) = text_of(BasicRow::Phone.label(), false, sub) {
        sub.phone = t;
    }
    let filed_on = BasicRow::FiledOn.label();
    match found.get(filed_on) {
        None => sub.problems.push(Problem::error(
            Kind::MissingField,
            src(String::new()),
            format!("缺少“{filed_on}”一行"),
        )),
        Some(&r) => {
            let cell = a1(r, value_col);
            match cells::date(grid.get(r, value_col)) {
                Read::Ok(d) => sub.filed_on = Some(d),
                Read::Guessed(d, note) => {
                    sub.filed_on = Some(d);
                    sub.problems
                        .push(Problem::warning(Kind::Note, src(cell.clone()), note));
                }
                Read::Empty => sub.problems.push(Problem::error(
                    Kind::Blank,
                    src(cell.clone()),
                    format!("“{filed_on}”未填写"),
                )),
                Read::Bad(m) => {
                    sub.problems
                        .push(Problem::error(Kind::BadValue, src(cell.clone()), m))
                }
            }
            if let Some(d) = sub.filed_on {
                let ymd = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
                if d > today {
                    sub.problems.push(Problem::error(
                        Kind::Date,
                        src(cell),
                        format!("“{filed_on}”{}晚于今天（{}），请核实", ymd(d), ymd(today)),
                    ));
                } else if d < quarter.first_day() {
                    sub.problems.push(Problem::error(
                        Kind::Date,
                        src(cell),
                        format!(
                            "“{filed_on}”{}早于{quarter}开始（{}），请核实",
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
        match MetaKey::parse(&grid.text(r, 0)) {
            Some(MetaKey::SchemeId) => meta.scheme_id = value,
            Some(MetaKey::SchemeVersion) => meta.scheme_version = value,
            Some(MetaKey::TemplateHash) => meta.template_hash = value,
            Some(MetaKey::RegionCode) => meta.region_code = value,
            Some(MetaKey::Quarter) => meta.quarter = value,
            Some(MetaKey::Contract) => meta.contract = value,
            None => {}
        }
    }
    meta
}
