//! Ledger sheets (移送台账, 信息公开台账, 销毁台账): columns found by header text, one row per case
//! or batch, each cell read as its column's kind.

use super::cells::{self, Read};
use super::workbook::{Grid, Row, Rows};
use crate::problem::{a1, Kind, Problem, Source};
use crate::quarter::Quarter;
use crate::scheme::{ColumnDef, LedgerDef, Scheme, ValueDef, ValueKind};
use crate::submission::{Cell, Ledger, LedgerRow, Submission};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Pairs of date columns (later, earlier) of a ledger that may not come in the other order: a
/// column's `not_before`, and the dates the scheme counts working days between
/// (`within_working_days` … `from`).
pub fn date_orders(scheme: &Scheme, ledger: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = scheme
        .ledger(ledger)
        .map(|l| {
            l.columns
                .iter()
                .filter_map(|c| Some((c.name.clone(), c.not_before.clone()?)))
                .collect()
        })
        .unwrap_or_default();
    for ind in &scheme.indicators {
        let ValueDef::Ratio {
            numerator,
            denominator,
        } = &ind.value
        else {
            continue;
        };
        for q in [numerator, denominator] {
            if q.ledger.as_deref() != Some(ledger) {
                continue;
            }
            for f in &q.filter {
                if let (Some(_), Some(from)) = (f.within_working_days, &f.from) {
                    let pair = (f.column.clone(), from.clone());
                    if !pairs.contains(&pair) {
                        pairs.push(pair);
                    }
                }
            }
        }
    }
    pairs
}

/// How many columns of a ledger's header row are read.
const HEADER_WIDTH: u32 = 128;

/// The header is looked for in a ledger's first rows.
const HEADER_ROWS: u32 = 10;

/// Reads one ledger sheet into the submission, row by row as `rows` gives them: the first
/// [`HEADER_ROWS`] are kept until the header is found, every row after is read and let go.
/// `orders` from [`date_orders`], `scored` from
/// [`Scheme::scored_columns`]. `differs`: the template's contract is not the scoring scheme's
/// (`fingerprint::same_contract`), so a column no rule reads may be missing (a warning, read as
/// blank) and a header the scheme does not know is named.
pub fn read(
    rows: &mut dyn Rows,
    def: &LedgerDef,
    (quarter, today): (Quarter, NaiveDate),
    (orders, scored): (&[(String, String)], &[String]),
    differs: bool,
    sub: &mut Submission,
) {
    let file = sub.file.clone();
    let src = |cell: String| Source::new(&file, &def.sheet, cell);
    let Some(first) = def.columns.first() else {
        return;
    };
    let mut head = Vec::new();
    while let Some((r, row)) = rows.next_row() {
        head.extend_from_slice(row.cells());
        if r >= HEADER_ROWS {
            break;
        }
    }
    let grid = Grid::new(&def.sheet, head);
    let Some((hr, _)) = grid.find(&first.name, HEADER_ROWS) else {
        sub.problems.push(Problem::error(
            Kind::MissingHeader,
            src(String::new()),
            format!("找不到表头（应含“{}”）", first.name),
        ));
        return;
    };
    let needed = |name: &str| {
        scored.iter().any(|c| c == name) || orders.iter().any(|(a, b)| a == name || b == name)
    };
    // The leftmost column of a header text is read. A scheme column whose header comes twice
    // is named: an error when a score or a check reads it (which of the two was meant cannot be
    // told), a warning otherwise.
    let mut header: HashMap<String, u32> = HashMap::new();
    let mut twice: Vec<(String, u32, u32)> = Vec::new();
    for c in 0..HEADER_WIDTH {
        let t = grid.text(hr, c);
        if t.is_empty() {
            continue;
        }
        match header.get(&t) {
            Some(&first) => twice.push((t, first, c)),
            None => {
                header.insert(t, c);
            }
        }
    }
    for (name, first, again) in &twice {
        let Some(def_col) = def.columns.iter().find(|c| c.name == *name) else {
            continue;
        };
        let at = src(a1(hr, *again));
        let said = format!(
            "表头“{name}”出现了两次（{}列和{}列）",
            crate::problem::column_name(*first),
            crate::problem::column_name(*again)
        );
        if needed(name) || def_col.key {
            sub.problems.push(Problem::error(
                Kind::Duplicate,
                at,
                format!("{said}，无法确定应读取哪一列，请删去多余的一列后重新报送"),
            ));
        } else {
            sub.problems.push(Problem::warning(
                Kind::Duplicate,
                at,
                format!("{said}，已按左边一列读取（本次评分不用此列），请删去多余的一列"),
            ));
        }
    }
    // Headers the scheme does not name, left to right: under another contract, perhaps a
    // column the scoring scheme renamed.
    let mut unknown: Vec<(u32, String)> = header
        .iter()
        .filter(|(t, _)| !def.columns.iter().any(|c| c.name == **t))
        .map(|(t, &i)| (i, t.clone()))
        .collect();
    unknown.sort();
    // The template writes the scheme's columns side by side: where a missing one would be,
    // counted from the first one present.
    let offset = def.columns.iter().enumerate().find_map(|(k, c)| {
        let k = u32::try_from(k).ok()?;
        header.get(&c.name).and_then(|&i| i.checked_sub(k))
    });
    let mut renamed_from: Vec<u32> = Vec::new();
    let mut cols = Vec::with_capacity(def.columns.len());
    let mut absent = vec![false; def.columns.len()];
    let mut unreadable = false;
    for (k, c) in def.columns.iter().enumerate() {
        if let Some(&i) = header.get(&c.name) {
            cols.push(i);
            continue;
        }
        let at = offset.and_then(|o| o.checked_add(u32::try_from(k).ok()?));
        let old = unknown
            .iter()
            .find(|(i, _)| Some(*i) == at)
            .filter(|_| differs);
        let renamed = match old {
            Some((i, old)) => {
                renamed_from.push(*i);
                format!("（模板此处为“{old}”列，评分方案已改列名）")
            }
            None => String::new(),
        };
        if differs && !needed(&c.name) && !c.key {
            sub.problems.push(Problem::warning(
                Kind::MissingHeader,
                src(a1(hr, 0)),
                format!(
                    "表头缺少“{}”列{renamed}；本次评分不用此列，按空白读取",
                    c.name
                ),
            ));
            absent[k] = true;
            // Past every header read: a column with no cells.
            cols.push(HEADER_WIDTH + u32::try_from(k).unwrap_or(0));
        } else {
            sub.problems.push(Problem::error(
                Kind::MissingHeader,
                src(a1(hr, 0)),
                format!("表头缺少“{}”列{renamed}", c.name),
            ));
            unreadable = true;
        }
    }
    if differs {
        for (i, name) in unknown.iter().filter(|(i, _)| !renamed_from.contains(i)) {
            sub.problems.push(Problem::warning(
                Kind::Template,
                src(a1(hr, *i)),
                format!("表头“{name}”列不在评分方案中，未读取"),
            ));
        }
    }
    if unreadable {
        return;
    }
    let mut ledger = Ledger {
        sheet: def.sheet.clone(),
        columns: cols.clone(),
        rows: Vec::new(),
        held: None,
    };
    let mut keys: HashMap<(usize, String), u32> = HashMap::new();
    // Read by a rule: by scoring, a ledger check, or a date-order check.
    let read_by_scoring: Vec<bool> = def.columns.iter().map(|c| needed(&c.name)).collect();
    let at = |name: &str| def.columns.iter().position(|c| c.name == name);
    let order_at: Vec<(usize, usize, &str, &str)> = orders
        .iter()
        .filter_map(|(later, earlier)| {
            Some((at(later)?, at(earlier)?, later.as_str(), earlier.as_str()))
        })
        .collect();
    let mut read_row = |r: u32, row: Row<'_>, sub: &mut Submission| {
        if cols.iter().all(|&c| is_blank(row.get(c))) {
            return;
        }
        let mut cells = Vec::with_capacity(cols.len());
        for (k, (col_def, &c)) in def.columns.iter().zip(&cols).enumerate() {
            if absent[k] {
                cells.push(Cell::Empty);
                continue;
            }
            // The cell's name is only spelt out for a message.
            let source = || src(a1(r, c));
            let value = read_cell(
                row.get(c),
                col_def,
                (quarter, today, read_by_scoring[k]),
                r,
                &source,
                sub,
            );
            if col_def.key {
                if let Cell::Text(t) = &value {
                    if let Some(first_row) = keys.insert((k, t.clone()), r) {
                        sub.problems.push(Problem::error(
                            Kind::Duplicate,
                            source(),
                            format!("{}“{t}”与第{}行重复", col_def.name, first_row + 1),
                        ));
                    }
                }
            }
            cells.push(value);
        }
        for &(l, e, later, earlier) in &order_at {
            if let (Some(ld), Some(ed)) = (cells[l].as_date(), cells[e].as_date()) {
                if ld < ed {
                    sub.problems.push(Problem::error(
                        Kind::Date,
                        src(a1(r, cols[l])),
                        format!(
                            "“{later}”{}早于“{earlier}”{}，请核实",
                            ld.format("%Y-%m-%d"),
                            ed.format("%Y-%m-%d")
                        ),
                    ));
                }
            }
        }
        ledger.rows.push(LedgerRow { row: r + 1, cells });
    };
    for (r, row) in grid.rows_after(hr) {
        read_row(r, row, sub);
    }
    while let Some((r, row)) = rows.next_row() {
        read_row(r, row, sub);
    }
    sub.ledgers.insert(def.id.clone(), ledger);
}

fn read_cell(
    data: &calamine::Data,
    def: &ColumnDef,
    (quarter, today, read_by_scoring): (Quarter, NaiveDate, bool),
    row: u32,
    src: &dyn Fn() -> Source,
    sub: &mut Submission,
) -> Cell {
    // A choice off the list in a column no score reads (销毁方式 "拆解") cannot change the
    // result: it is kept as written, with a warning, and the submission is still scored.
    if def.kind == ValueKind::Choice && !read_by_scoring {
        if let Read::Ok(t) | Read::Guessed(t, _) = cells::text(data) {
            if !def.choices.contains(&t) {
                sub.problems.push(Problem::warning(Kind::BadValue,
                    src(),
                    format!(
                        "“{}”应为下拉列表中的选项（{}），实际为“{t}”；该列不参与评分，照常评分，请核实",
                        def.name,
                        def.choices.join("、")
                    ),
                ));
                return Cell::Text(t);
            }
        }
    }
    let read: Read<Cell> = match def.kind {
        ValueKind::Count => cells::count(data).map(Cell::Number),
        ValueKind::Amount => cells::amount(data).map(Cell::Number),
        ValueKind::YesNo => cells::yes_no(data).map(Cell::YesNo),
        ValueKind::Date => cells::date(data).map(Cell::Date),
        ValueKind::Text => cells::text(data).map(Cell::Text),
        ValueKind::Choice => match cells::text(data) {
            Read::Ok(t) if def.choices.contains(&t) => Read::Ok(Cell::Text(t)),
            Read::Ok(t) | Read::Guessed(t, _) => Read::Bad(format!(
                "“{}”应为下拉列表中的选项（{}），实际为“{t}”",
                def.name,
                def.choices.join("、")
            )),
            Read::Empty => Read::Empty,
            Read::Bad(m) => Read::Bad(m),
        },
    };
    let value = match read {
        Read::Ok(v) => v,
        Read::Guessed(v, note) => {
            sub.problems.push(Problem::warning(Kind::Note, src(), note));
            v
        }
        Read::Empty => {
            let missing = format!("第{}行“{}”未填写", row + 1, def.name);
            if def.required && (read_by_scoring || def.key) {
                sub.problems
                    .push(Problem::error(Kind::Blank, src(), missing));
            } else if def.required {
                sub.problems.push(Problem::warning(
                    Kind::Blank,
                    src(),
                    format!("{missing}；该列不参与评分，照常评分，请补充"),
                ));
            }
            Cell::Empty
        }
        // A value no rule reads cannot change a score, a rank or a measure: a warning, and the
        // text kept as typed (README, "错误与警告").
        Read::Bad(m) if !read_by_scoring && !def.key => {
            sub.problems.push(Problem::warning(
                Kind::BadValue,
                src(),
                format!("{m}；该列不参与评分，照常评分，请核实"),
            ));
            return match cells::text(data) {
                Read::Ok(t) | Read::Guessed(t, _) => Cell::Text(t),
                _ => Cell::Empty,
            };
        }
        Read::Bad(m) => {
            sub.problems.push(Problem::error(Kind::BadValue, src(), m));
            Cell::Empty
        }
    };
    if let Cell::Date(d) = value {
        if def.in_quarter && !quarter.contains(d) {
            sub.problems.push(Problem::error(
                Kind::Date,
                src(),
                format!(
                    "“{}”{}不在本季度（{}至{}）内",
                    def.name,
                    d.format("%Y-%m-%d"),
                    quarter.first_day().format("%Y-%m-%d"),
                    quarter.last_day().format("%Y-%m-%d")
                ),
            ));
        } else if d > today {
            sub.problems.push(Problem::error(
                Kind::Date,
                src(),
                format!(
                    "“{}”{}晚于今天（{}），请核实",
                    def.name,
                    d.format("%Y-%m-%d"),
                    today.format("%Y-%m-%d")
                ),
            ));
        }
    }
    value
}

fn is_blank(d: &calamine::Data) -> bool {
    match d {
        calamine::Data::Empty => true,
        calamine::Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Data;
    use chrono::NaiveDate;

    /// Excel's serial number of a date.
    /// `grid` read as ledger `id` of f.xlsx for 2025Q4, on 15 January 2026.
    fn read_2025q4(grid: &Grid, scheme: &Scheme, id: &str) -> Submission {
        let mut sub = Submission {
            file: "f.xlsx".into(),
            ..Submission::default()
        };
        read(
            &mut grid.rows(),
            scheme.ledger(id).unwrap(),
            (
                "2025Q4".parse().unwrap(),
                NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
            ),
            (&date_orders(scheme, id), &scheme.scored_columns(id)),
            false,
            &mut sub,
        );
        sub
    }

    fn serial(y: i32, m: u32, d: u32) -> Data {
        let base = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        Data::Float((day - base).num_days() as f64)
    }

    #[test]
    fn dates_in_the_wrong_order_are_errors_at_the_later_cell() {
        let scheme = Scheme::builtin().unwrap();
        let def = scheme.ledger("transfer").unwrap();
        let orders = date_orders(&scheme, "transfer");
        assert_eq!(
            orders,
            [
                ("移送日期".to_string(), "发现日期".to_string()),
                ("立案日期".to_string(), "移送日期".to_string()),
            ]
        );
        // Header in row 1; row 2 found 11-05, sent 11-01, filed 10-30: both orders broken.
        // Row 3 is in order.
        let mut grid = Grid::default();
        for (c, col) in def.columns.iter().enumerate() {
            grid.set(0, c as u32, Data::String(col.name.clone()));
        }
        let row = |r: u32, found: Data, sent: Data, filed: Data, grid: &mut Grid| {
            let cells = [
                Data::String(format!("A-{r}")),
                Data::String("商标".into()),
                found,
                sent,
                Data::String("某公安分局".into()),
                Data::String("是".into()),
                filed,
            ];
            for (c, v) in cells.into_iter().enumerate() {
                grid.set(r, c as u32, v);
            }
        };
        row(
            1,
            serial(2025, 11, 5),
            serial(2025, 11, 1),
            serial(2025, 10, 30),
            &mut grid,
        );
        row(
            2,
            serial(2025, 10, 2),
            serial(2025, 10, 9),
            serial(2025, 10, 9),
            &mut grid,
        );
        let mut sub = Submission {
            file: "f.xlsx".into(),
            ..Submission::default()
        };
        let q: Quarter = "2025Q4".parse().unwrap();
        read(
            &mut grid.rows(),
            def,
            (q, NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()),
            (&orders, &scheme.scored_columns("transfer")),
            false,
            &mut sub,
        );
        let order: Vec<String> = sub
            .problems
            .iter()
            .filter(|p| p.kind == crate::problem::Kind::Date)
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            order,
            [
                "f.xlsx 移送台账!D2：“移送日期”2025-11-01早于“发现日期”2025-11-05，请核实",
                "f.xlsx 移送台账!G2：“立案日期”2025-10-30早于“移送日期”2025-11-01，请核实",
            ]
        );
        assert_eq!(sub.ledgers["transfer"].rows.len(), 2);
    }

    /// Regression (issue 22): a header typed twice was read from its right-hand column without
    /// a word. The left one is read; the duplicate is named, by consequence: 重量（千克）
    /// (the destruction rate sums it) is an error, 数量 (no rule reads it) a warning.
    #[test]
    fn regression_a_header_typed_twice_is_named_by_consequence() {
        let scheme = Scheme::builtin().unwrap();
        let def = scheme.ledger("destruction").unwrap();
        let n = def.columns.len() as u32;
        let mut grid = Grid::default();
        for (c, col) in def.columns.iter().enumerate() {
            grid.set(0, c as u32, Data::String(col.name.clone()));
        }
        grid.set(0, n, Data::String("数量".into()));
        grid.set(0, n + 1, Data::String("重量（千克）".into()));
        let col = |name: &str| def.columns.iter().position(|c| c.name == name).unwrap() as u32;
        grid.set(1, col("批次编号"), Data::String("P-1".into()));
        grid.set(1, col("物品类别"), Data::String("服装鞋帽".into()));
        grid.set(1, col("重量（千克）"), Data::Float(10.0));
        grid.set(1, n + 1, Data::Float(99.0));
        grid.set(1, col("应销毁日期"), serial(2025, 11, 1));
        let sub = read_2025q4(&grid, &scheme, "destruction");
        let dup: Vec<_> = sub
            .problems
            .iter()
            .filter(|p| p.kind == crate::problem::Kind::Duplicate)
            .map(|p| (p.severity, p.source.cell.clone()))
            .collect();
        let (m, w) = (
            crate::problem::column_name(n),
            crate::problem::column_name(n + 1),
        );
        assert_eq!(
            dup,
            [
                (crate::problem::Severity::Warning, format!("{m}1")),
                (crate::problem::Severity::Error, format!("{w}1")),
            ]
        );
        let ledger = &sub.ledgers["destruction"];
        let weight = ledger
            .columns
            .iter()
            .position(|&c| c == col("重量（千克）"));
        assert!(
            weight.is_some(),
            "the left column is read: {:?}",
            ledger.columns
        );
    }

    /// Issue 9, severity by consequence: “约100” in 数量 (no rule reads it) is a warning and the
    /// text is kept; the same in 重量（千克） (the destruction rate sums it) is an error.
    #[test]
    fn a_bad_value_no_rule_reads_is_a_warning_and_kept_as_typed() {
        let scheme = Scheme::builtin().unwrap();
        let def = scheme.ledger("destruction").unwrap();
        let mut grid = Grid::default();
        for (c, col) in def.columns.iter().enumerate() {
            grid.set(0, c as u32, Data::String(col.name.clone()));
        }
        let col = |name: &str| def.columns.iter().position(|c| c.name == name).unwrap() as u32;
        let put = |r: u32, name: &str, v: Data, grid: &mut Grid| {
            grid.set(r, col(name), v);
        };
        for r in [1, 2] {
            put(r, "批次编号", Data::String(format!("P-{r}")), &mut grid);
            put(r, "物品类别", Data::String("服装鞋帽".into()), &mut grid);
            put(r, "重量（千克）", Data::Float(10.0), &mut grid);
            put(r, "应销毁日期", serial(2025, 11, 1), &mut grid);
        }
        put(1, "数量", Data::String("约100".into()), &mut grid);
        put(2, "重量（千克）", Data::String("约100".into()), &mut grid);
        let sub = read_2025q4(&grid, &scheme, "destruction");
        let shown: Vec<String> = sub.problems.iter().map(|p| p.to_string()).collect();
        let (quantity, weight) = (a1(1, col("数量")), a1(2, col("重量（千克）")));
        let at = |cell: &str| {
            sub.problems
                .iter()
                .find(|p| p.source.cell == cell)
                .unwrap_or_else(|| panic!("nothing at {cell}: {shown:?}"))
        };
        use crate::problem::Severity;
        assert_eq!(at(&quantity).severity, Severity::Warning, "{shown:?}");
        assert_eq!(
            at(&quantity).kind,
            crate::problem::Kind::BadValue,
            "{shown:?}"
        );
        assert_eq!(at(&weight).severity, Severity::Error, "{shown:?}");
        let ledger = &sub.ledgers["destruction"];
        assert_eq!(
            ledger.rows[0].cells[col("数量") as usize],
            Cell::Text("约100".into())
        );
    }
}
