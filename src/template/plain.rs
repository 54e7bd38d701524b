//! A submission as another program would write it by the same published contract (sheet
//! names, 编码 and column headers; DESIGN.md, "The submission workbook"): the sheets ingest
//! reads, their headers and values, and nothing else. No 填报说明, no styles, locks, drop-down
//! lists, notes or hidden `_meta`; dates are real dates. `kaoping samples --other-program`
//! writes these, so that ingest is measured on files the engine did not lay out.

use super::{check_filled, Filled, OnSheet, TemplateError};
use crate::contract::{
    BasicRow, BASIC_LABEL_HEADER, BASIC_SHEET, BASIC_VALUE_HEADER, SUMMARY_HEADER, SUMMARY_SHEET,
    WORK_HEADER, WORK_SHEET,
};
use crate::quarter::Quarter;
use crate::registry::Region;
use crate::scheme::{FieldDef, Scheme, ValueKind};
use crate::submission::Cell;
use rust_xlsxwriter::{Workbook, Worksheet};
use std::path::Path;

/// Writes one region's filled submission, laid out as plainly as the contract allows.
///
/// # Errors
///
/// As [`super::build`] for values that do not fit the scheme; [`TemplateError::Write`] when the
/// file cannot be written.
pub fn write(
    path: &Path,
    scheme: &Scheme,
    region: &Region,
    quarter: Quarter,
    filled: &Filled,
) -> Result<(), TemplateError> {
    let mut wb = build(scheme, region, quarter, filled)?;
    crate::output::save_workbook(&mut wb, path)?;
    Ok(())
}

/// The workbook [`write`] saves.
pub fn build(
    scheme: &Scheme,
    region: &Region,
    quarter: Quarter,
    filled: &Filled,
) -> Result<Workbook, TemplateError> {
    check_filled(scheme, filled)?;
    let date = crate::xlsx::format().set_num_format("yyyy-mm-dd");
    let mut wb = crate::xlsx::workbook();

    let ws = wb.add_worksheet();
    ws.set_name(BASIC_SHEET).on(BASIC_SHEET)?;
    header(ws, BASIC_SHEET, &[BASIC_LABEL_HEADER, BASIC_VALUE_HEADER])?;
    for (i, row) in BasicRow::ALL.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string(r, 0, row.label()).on(BASIC_SHEET)?;
        let text = match row {
            BasicRow::RegionCode => region.code.clone(),
            BasicRow::RegionName => region.name.clone(),
            BasicRow::Quarter => quarter.to_string(),
            BasicRow::FilledBy => filled.filled_by.clone(),
            BasicRow::Phone => filled.phone.clone(),
            BasicRow::FiledOn => {
                if let Some(d) = filled.filed_on {
                    ws.write_date_with_format(r, 1, d, &date).on(BASIC_SHEET)?;
                }
                continue;
            }
        };
        if !text.is_empty() {
            ws.write_string(r, 1, text).on(BASIC_SHEET)?;
        }
    }

    for (sheet, titles, defs, value_col) in [
        (SUMMARY_SHEET, &SUMMARY_HEADER[..], &scheme.fields, 3u16),
        (WORK_SHEET, &WORK_HEADER[..], &scheme.work_items, 2u16),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).on(sheet)?;
        header(ws, sheet, titles)?;
        for (i, def) in defs.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
            ws.write_string(r, 0, &def.code).on(sheet)?;
            ws.write_string(r, 1, &def.name).on(sheet)?;
            if value_col == 3 {
                ws.write_string(r, 2, &def.unit).on(sheet)?;
            }
            field(ws, sheet, (r, value_col), def, filled)?;
        }
    }

    for def in &scheme.ledgers {
        let ws = wb.add_worksheet();
        let sheet = def.sheet.as_str();
        ws.set_name(sheet).on(sheet)?;
        let titles: Vec<&str> = def.columns.iter().map(|c| c.name.as_str()).collect();
        header(ws, sheet, &titles)?;
        let rows = filled
            .ledgers
            .get(&def.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for (i, cells) in rows.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
            for (c, cell) in cells.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    Cell::Empty => {}
                    Cell::Number(v) => {
                        ws.write_number(r, c, *v).on(sheet)?;
                    }
                    Cell::Text(t) => {
                        ws.write_string(r, c, t).on(sheet)?;
                    }
                    Cell::Date(d) => {
                        ws.write_date_with_format(r, c, d, &date).on(sheet)?;
                    }
                    Cell::YesNo(b) => {
                        ws.write_string(r, c, if *b { "是" } else { "否" })
                            .on(sheet)?;
                    }
                }
            }
        }
    }
    Ok(wb)
}

fn header(ws: &mut Worksheet, sheet: &str, titles: &[&str]) -> Result<(), TemplateError> {
    for (c, t) in titles.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string(0, c, *t).on(sheet)?;
    }
    Ok(())
}

/// A field's value as `filled` has it: its text, 是/否 for a yes/no field, or the number.
fn field(
    ws: &mut Worksheet,
    sheet: &str,
    (r, c): (u32, u16),
    def: &FieldDef,
    filled: &Filled,
) -> Result<(), TemplateError> {
    if let Some(t) = filled.field_text.get(&def.code) {
        ws.write_string(r, c, t).on(sheet)?;
    } else if let Some(&v) = filled.fields.get(&def.code) {
        match (def.kind, v) {
            (ValueKind::YesNo, 1.0) => ws.write_string(r, c, "是").on(sheet)?,
            (ValueKind::YesNo, 0.0) => ws.write_string(r, c, "否").on(sheet)?,
            _ if !v.is_finite() => {
                return Err(TemplateError::NotFinite {
                    sheet: sheet.to_string(),
                    cell: rust_xlsxwriter::row_col_to_cell(r, c),
                    value: v,
                })
            }
            _ => ws.write_number(r, c, v).on(sheet)?,
        };
    }
    Ok(())
}
