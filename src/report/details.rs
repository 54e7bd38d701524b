//! 指标明细: every scored region's raw figures for every indicator (numerator, denominator,
//! value, score), each traceable to the sheet and cells it came from; the file is named once, on
//! the region's first row. When `when_empty` decided a score, or ingest warned about a cell the
//! figure uses, the 说明 column says so in words.

use super::style::{Fill, Kind, Tone};
use super::Assessment;
use crate::problem::{Problem, Severity};
use crate::scheme::{Indicator, Scheme, ValueDef, ValueKind, WhenEmpty};
use crate::score::IndicatorResult;
use rust_xlsxwriter::{Worksheet, XlsxError};
use std::collections::HashMap;

pub(super) const NAME: &str = "指标明细";

const HEADERS: [&str; 10] = [
    "区划代码",
    "地区",
    "指标",
    "分子",
    "分母",
    "指标值",
    "得分",
    "说明",
    "数据来源（工作表!单元格）",
    "报送文件",
];
const HEADER_ROW: u32 = super::TABLE_HEADER_ROW;
const LAST_COL: u16 = HEADERS.len() as u16 - 1;
/// The last printed column: 报送文件 stays on screen only. Named once per region, it took a
/// sixth of the printed width and shrank every figure with it (issue 24: about 7 pt on paper).
const PRINT_LAST_COL: u16 = LAST_COL - 1;
/// Under the table, on paper, where the file names are.
const UNPRINTED_NOTE: &str =
    "注：各地区的报送文件名在本表“报送文件”一列（不打印），在工作表中查看。";
/// The 说明 column, where the few notes wrap rather than widen the page (issue 24: at 30 units
/// it took a fifth of the width for two notes); as wide as its header when no row has a note.
/// The other columns fit their text on one line, so every row without a note is one line high.
const NOTE_WIDTH: f64 = 18.0;
const EMPTY_NOTE_WIDTH: f64 = 6.0;

pub(super) fn write(ws: &mut Worksheet, a: &Assessment) -> Result<(), XlsxError> {
    // Warnings by file, for the 说明 column.
    let mut warnings: HashMap<&str, Vec<&Problem>> = HashMap::new();
    for p in a
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
    {
        warnings.entry(p.source.file.as_str()).or_default().push(p);
    }
    let warnings_of = |file: &str| warnings.get(file).map_or(&[][..], Vec::as_slice);
    // A 说明 column that says nothing for any row takes no room from the figures: the sheet is
    // printed fitted to the page's width, so every unit it takes shrinks the print.
    // The notes are worked out once, row by row, before the columns are sized.
    let notes: Vec<String> = a
        .regions
        .iter()
        .filter(|r| r.is_scored())
        .flat_map(|r| {
            let warned = warnings_of(r.file.as_deref().unwrap_or(""));
            r.indicators.iter().map(move |res| note(res, warned))
        })
        .collect();
    let mut notes = notes.into_iter();
    let any_note = notes.as_slice().iter().any(|n| !n.is_empty());
    let note_width = if any_note {
        NOTE_WIDTH
    } else {
        EMPTY_NOTE_WIDTH
    };
    let mut g = a.table_grid(NAME, &HEADERS, 12.0, &[(7, note_width)]);
    // The title centred over what is printed.
    g.title(&a.title(NAME), &a.subtitle(), PRINT_LAST_COL);
    let fill = Fill::None;
    let mut row = HEADER_ROW + 1;
    // Each region's rows, kept on one page.
    let mut regions: Vec<(u32, u32)> = Vec::new();
    for r in a.regions.iter().filter(|r| r.is_scored()) {
        let file = r.file.as_deref().unwrap_or("");
        let first = row;
        for (i, res) in r.indicators.iter().enumerate() {
            let ind = a.scheme.indicators.iter().find(|i| i.id == res.id);
            g.styled(row, 0, &r.code, Kind::Label, fill, Tone::Normal);
            g.text(row, 1, &r.name, fill);
            let label = ind.map_or(res.id.clone(), value_label);
            g.text(row, 2, &label, fill);
            g.opt_num(row, 3, res.numerator, Kind::General, fill);
            g.opt_num(row, 4, res.denominator, Kind::General, fill);
            let kind = ind.map_or(Kind::General, |i| value_kind(a.scheme, i));
            g.opt_num(row, 5, res.value, kind, fill);
            if res.empty == Some(WhenEmpty::Exclude) {
                g.styled(row, 6, "不计", Kind::Label, fill, Tone::Normal);
            } else {
                g.num(row, 6, res.score, Kind::Score, fill);
            }
            g.text(row, 7, &notes.next().unwrap_or_default(), fill);
            g.text(row, 8, &sources(res), fill);
            g.text(row, 9, if i == 0 { file } else { "" }, fill);
            row += 1;
        }
        if row > first {
            regions.push((first, row - 1));
        }
    }
    let last_row = row.saturating_sub(1).max(HEADER_ROW);
    let note_row = last_row + 2;
    g.para(note_row, 0, PRINT_LAST_COL, UNPRINTED_NOTE);
    let mut page = a.table_page(HEADER_ROW, last_row, LAST_COL, 3);
    page.print_area = Some((note_row, PRINT_LAST_COL));
    g.keep_together(&mut page, PRINT_LAST_COL, &regions);
    g.render(ws, &page)
}

/// "B1 办案强度（件/万户）": per-unit values carry their unit; rates show as percentages.
pub(super) fn value_label(ind: &Indicator) -> String {
    if ind.unit.is_empty() {
        format!("{} {}", ind.id, ind.name)
    } else {
        format!("{} {}（{}）", ind.id, ind.name, ind.unit)
    }
}

/// How an indicator's value is shown: rates as percentages, per-unit values with 4 decimals,
/// 是/否 fields as 是/否.
pub(super) fn value_kind(scheme: &Scheme, ind: &Indicator) -> Kind {
    match &ind.value {
        ValueDef::Ratio { .. } | ValueDef::ShareNonzero { .. } => Kind::Percent,
        ValueDef::Province { divide_by, .. } if (*divide_by - 100.0).abs() < 1e-9 => Kind::Percent,
        ValueDef::Province { .. } | ValueDef::PerUnit { .. } => Kind::PerUnit,
        ValueDef::Field { field } => match scheme.field(field).map(|f| f.kind) {
            Some(ValueKind::YesNo) => Kind::YesNo,
            _ => Kind::General,
        },
    }
}

/// `when_empty` in words, and the warnings ingest gave on the cells the figure uses.
fn note(res: &IndicatorResult, warnings: &[&Problem]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(e) = res.empty {
        parts.push(e.describe().to_string());
    }
    for s in &res.sources {
        // An anomaly is about one indicator ("数据异常，请核实：B1 办案强度 …"): not repeated on
        // the others that read the same cell (issue 24: 云浮市's B1 warning stood against C3
        // and F2 too).
        let about = |p: &Problem| {
            p.kind != crate::problem::Kind::Anomaly || p.message.contains(&format!("：{} ", res.id))
        };
        let on_cell =
            |p: &&&Problem| p.source.sheet == s.sheet && p.source.cell == s.cell && about(p);
        for p in warnings.iter().filter(on_cell) {
            parts.push(format!("警告：{}", p.message));
        }
        if s.cell.contains(':') {
            let n = warnings
                .iter()
                .filter(|p| p.source.sheet == s.sheet)
                .count();
            if n > 0 {
                parts.push(format!("{}有{n}条警告，见“数据质量”", s.sheet));
            }
        }
    }
    parts.join("；")
}

/// "汇总指标!D5；移送台账!A2:G13", the cells the figures came from; cells one below the other
/// in one column read as a range ("汇总指标!D6:D17").
fn sources(res: &IndicatorResult) -> String {
    // (sheet, column letters, first row, last row) of each run, or the address as it is.
    let mut runs: Vec<(String, String, u32, u32)> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    let flush = |runs: &mut Vec<(String, String, u32, u32)>, out: &mut Vec<String>| {
        for (sheet, col, a, b) in runs.drain(..) {
            out.push(if a == b {
                format!("{sheet}!{col}{a}")
            } else {
                format!("{sheet}!{col}{a}:{col}{b}")
            });
        }
    };
    for s in &res.sources {
        // A file without sheets (省级评定.csv): the file and the cell.
        if s.sheet.is_empty() {
            flush(&mut runs, &mut out);
            out.push(format!("{} {}", s.file, s.cell).trim().to_string());
            continue;
        }
        match split_cell(&s.cell) {
            Some((col, row)) => {
                if let Some(last) = runs.last_mut() {
                    if last.0 == s.sheet && last.1 == col && last.3 + 1 == row {
                        last.3 = row;
                        continue;
                    }
                }
                flush(&mut runs, &mut out);
                runs.push((s.sheet.clone(), col.to_string(), row, row));
            }
            None => {
                flush(&mut runs, &mut out);
                let addr = s.address();
                if !addr.is_empty() {
                    out.push(addr);
                }
            }
        }
    }
    flush(&mut runs, &mut out);
    out.join("；")
}

/// "D12" → ("D", 12); `None` for anything else (a range, a note).
fn split_cell(cell: &str) -> Option<(&str, u32)> {
    let digits = cell.find(|c: char| c.is_ascii_digit())?;
    let (col, row) = cell.split_at(digits);
    if col.is_empty() || !col.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    Some((col, row.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Source;

    /// Indicator `id`'s result with no figures, read from `sources`.
    fn reading(id: &str, sources: Vec<Source>) -> IndicatorResult {
        IndicatorResult {
            id: id.into(),
            numerator: None,
            denominator: None,
            value: None,
            empty: None,
            raw: 0.0,
            score: 0.0,
            sources,
        }
    }

    /// Regression (issue 24): 云浮市's B1 anomaly, on 汇总指标!D2, stood in the 说明 of C3 and
    /// F2 as well, which read the same cell. An anomaly is noted on its own indicator only; any
    /// other warning on the cell on every indicator that reads it.
    #[test]
    fn regression_an_anomaly_is_noted_on_its_own_indicator_only() {
        let on_d2 = |id: &str| reading(id, vec![Source::new("f.xlsx", "汇总指标", "D2")]);
        let anomaly = Problem::warning(
            crate::problem::Kind::Anomaly,
            Source::new("f.xlsx", "汇总指标", "D2"),
            "数据异常，请核实：B1 办案强度 由上季度0.19件/万户变为0.44件/万户",
        );
        let guessed = Problem::warning(
            crate::problem::Kind::Note,
            Source::new("f.xlsx", "汇总指标", "D2"),
            "“12件”按12读取",
        );
        let warnings = [&anomaly, &guessed];
        assert!(note(&on_d2("B1"), &warnings).contains("B1 办案强度"));
        let c3 = note(&on_d2("C3"), &warnings);
        assert!(!c3.contains("数据异常") && c3.contains("按12读取"), "{c3}");
    }

    #[test]
    fn cells_in_a_column_read_as_a_range() {
        let res = reading(
            "B2",
            ["D6", "D7", "D8", "D10", "A2:G13"]
                .iter()
                .map(|c| Source::new("f.xlsx", "汇总指标", *c))
                .chain([Source::new("f.xlsx", "移送台账", "A2:G13")])
                .collect(),
        );
        assert_eq!(
            sources(&res),
            "汇总指标!D6:D8；汇总指标!D10；汇总指标!A2:G13；移送台账!A2:G13"
        );
    }
}
