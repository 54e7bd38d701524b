//! One sheet per ledger: its columns as the header, an input area of rows, a note and a
//! validation per column.

use super::styles::{finish, fit, header, note, Formats};
use super::validation::{unit_of, validation, Lists};
use super::{OnSheet, TemplateError};
use crate::scheme::{ColumnDef, LedgerDef, ValueKind};
use crate::submission::Cell;
use crate::text::fmt_num;
use rust_xlsxwriter::{Format, Worksheet};

/// A ledger sheet: its columns as the header, then `rows`; the input columns formatted and
/// unlocked as a whole, validated over rows 2..=ledger_rows+1 (more if `rows` has more).
pub(super) fn ledger(
    ws: &mut Worksheet,
    def: &LedgerDef,
    rows: &[Vec<Cell>],
    ledger_rows: u32,
    lists: &Lists,
    f: &Formats,
) -> Result<(), TemplateError> {
    let s = def.sheet.as_str();
    ws.set_name(s).on(s)?;
    let names: Vec<&str> = def.columns.iter().map(|c| c.name.as_str()).collect();
    header(ws, &names, f)?;
    let area = ledger_rows.max(u32::try_from(rows.len()).unwrap_or(u32::MAX));
    let mut widths = Vec::with_capacity(def.columns.len());
    for (c, col) in def.columns.iter().enumerate() {
        let ci = u16::try_from(c).unwrap_or(u16::MAX);
        ws.insert_note(0, ci, &note(&column_note(col))).on(s)?;
        // The input look and the unlocked cells by column, not by cell: a template of 1,000
        // pre-formatted empty rows per ledger is mostly empty cells that every reader must
        // step over. Only values are written.
        let fmt = f.input_for(col.kind);
        ws.set_column_format(ci, fmt).on(s)?;
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            match row.get(c) {
                None | Some(Cell::Empty) => {}
                Some(cell) => write_cell(ws, s, r, ci, cell, fmt, f)?,
            }
        }
        if let Some(dv) = validation(
            col.kind,
            &format!("“{}”", col.name),
            unit_of(&col.name),
            Some(col),
            lists,
            &def.id,
        )
        .on(s)?
        {
            ws.add_data_validation(1, ci, area, ci, &dv).on(s)?;
        }
        let min = match col.kind {
            // A case or batch number, such as 穗市监处罚〔2025〕123号, prints on one line.
            ValueKind::Text if col.key => 24.0,
            ValueKind::Text => 16.0,
            ValueKind::Date => 12.0,
            ValueKind::Count | ValueKind::Amount => 10.0,
            ValueKind::YesNo => 8.0,
            ValueKind::Choice => fit(col.choices.iter().map(String::as_str), 8.0, 40.0) + 2.0,
        };
        // Wide enough for the header and for any text filled in (the samples), up to 40.
        let texts = rows.iter().filter_map(|row| match row.get(c) {
            Some(Cell::Text(t)) => Some(t.as_str()),
            _ => None,
        });
        widths.push(fit(
            std::iter::once(col.name.as_str()).chain(texts),
            min,
            40.0,
        ));
    }
    finish(ws, &widths)
}

/// A ledger header's note: the definition, the kind and the constraints.
fn column_note(col: &ColumnDef) -> String {
    let mut s = format!("{}：", col.name);
    if !col.note.is_empty() {
        s.push_str(col.note.trim_end_matches('。'));
        s.push('。');
    }
    s.push_str(&format!("填写{}", col.kind.describe()));
    if col.kind == ValueKind::Date {
        s.push_str("（yyyy-mm-dd）");
    }
    if col.required {
        s.push_str("，必填");
    }
    if col.key {
        s.push_str("，不得重复");
    }
    if col.in_quarter {
        s.push_str("，应在本季度内");
    }
    if let Some(m) = col.max {
        s.push_str(&format!("，不大于{}", fmt_num(m)));
    }
    s.push('。');
    if col.kind == ValueKind::Choice && !col.choices.is_empty() {
        s.push_str(&format!("可选：{}。", col.choices.join("、")));
    }
    s
}

/// Writes one ledger cell as its value says.
fn write_cell(
    ws: &mut Worksheet,
    sheet: &str,
    r: u32,
    c: u16,
    cell: &Cell,
    fmt: &Format,
    f: &Formats,
) -> Result<(), TemplateError> {
    match cell {
        Cell::Empty => return Ok(()),
        Cell::Number(v) => {
            if !v.is_finite() {
                return Err(TemplateError::NotFinite {
                    sheet: sheet.to_string(),
                    cell: rust_xlsxwriter::row_col_to_cell(r, c),
                    value: *v,
                });
            }
            ws.write_number_with_format(r, c, *v, fmt).on(sheet)?
        }
        Cell::Text(t) => ws.write_string_with_format(r, c, t, fmt).on(sheet)?,
        Cell::Date(d) => ws
            .write_date_with_format(r, c, d, &f.input_date)
            .on(sheet)?,
        Cell::YesNo(b) => ws
            .write_string_with_format(r, c, if *b { "是" } else { "否" }, fmt)
            .on(sheet)?,
    };
    Ok(())
}
