//! The sheets of single values: 汇总指标 (the summary fields) and 工作情况 (the work items).

use super::styles::{finish, fit, header, note, text_width, wrapped_height, Formats};
use super::validation::{field_validation, Whole};
use super::{Filled, OnSheet, TemplateError};
use crate::contract::{
    SUMMARY_HEADER, SUMMARY_SHEET, SUMMARY_VALUE_HEADER, WORK_HEADER, WORK_SHEET, WORK_VALUE_HEADER,
};
use crate::scheme::{FieldDef, Scheme, ValueKind};
use rust_xlsxwriter::{quote_sheet_name, row_col_to_cell, row_col_to_cell_absolute, Worksheet};
use std::collections::BTreeMap;

const NOTE_COLUMN_MAX: f64 = 60.0;
/// The input column of 汇总指标 (D) and of 工作情况 (C), 0-based.
const SUMMARY_VALUE_COL: u16 = 3;
const WORK_VALUE_COL: u16 = 2;

/// Where a field's input cell is: its sheet, row and column (0-based) and its definition.
pub(super) struct Place<'a> {
    sheet: &'static str,
    row: u32,
    col: u16,
    def: &'a FieldDef,
}

/// Every field's and work item's input cell, by code: fields from 汇总指标 row 2 in column D,
/// work items from 工作情况 row 2 in column C, as [`summary`] and [`work`] write them.
pub(super) fn places(scheme: &Scheme) -> BTreeMap<&str, Place<'_>> {
    fn on<'a>(
        sheet: &'static str,
        col: u16,
        defs: &'a [FieldDef],
    ) -> impl Iterator<Item = Place<'a>> {
        defs.iter().enumerate().map(move |(i, def)| Place {
            sheet,
            row: u32::try_from(i + 1).unwrap_or(u32::MAX),
            col,
            def,
        })
    }
    on(SUMMARY_SHEET, SUMMARY_VALUE_COL, &scheme.fields)
        .chain(on(WORK_SHEET, WORK_VALUE_COL, &scheme.work_items))
        .map(|p| (p.def.code.as_str(), p))
        .collect()
}

/// The whole a field may not exceed, as seen from the field's own cell: a relative reference on
/// the same sheet, an absolute one qualified by the sheet otherwise.
fn whole_of<'a>(
    def: &FieldDef,
    sheet: &str,
    places: &BTreeMap<&str, Place<'a>>,
) -> Option<Whole<'a>> {
    let p = places.get(def.le.as_deref()?)?;
    let reference = if p.sheet == sheet {
        row_col_to_cell(p.row, p.col)
    } else {
        format!(
            "{}!{}",
            quote_sheet_name(p.sheet),
            row_col_to_cell_absolute(p.row, p.col)
        )
    };
    Some(Whole {
        reference,
        def: p.def,
    })
}

/// Writes one field's input cell from `filled`, or a blank input cell.
fn field_value(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    def: &FieldDef,
    places: &BTreeMap<&str, Place>,
    filled: &Filled,
    f: &Formats,
) -> Result<(), TemplateError> {
    let sheet = &ws.name();
    let fmt = &f.input;
    if let Some(t) = filled.field_text.get(&def.code) {
        ws.write_string_with_format(r, c, t, fmt).on(sheet)?;
    } else if let Some(&v) = filled.fields.get(&def.code) {
        if !v.is_finite() {
            return Err(TemplateError::NotFinite {
                sheet: sheet.to_string(),
                cell: rust_xlsxwriter::row_col_to_cell(r, c),
                value: v,
            });
        }
        let yes_no = match (def.kind, v) {
            (ValueKind::YesNo, 1.0) => Some("是"),
            (ValueKind::YesNo, 0.0) => Some("否"),
            _ => None,
        };
        match yes_no {
            Some(t) => ws.write_string_with_format(r, c, t, fmt).on(sheet)?,
            None => ws.write_number_with_format(r, c, v, fmt).on(sheet)?,
        };
    } else {
        ws.write_blank(r, c, fmt).on(sheet)?;
    }
    let whole = whole_of(def, sheet, places);
    if let Some(dv) = field_validation(def, &row_col_to_cell(r, c), whole.as_ref()).on(sheet)? {
        ws.add_data_validation(r, c, r, c, &dv).on(sheet)?;
    }
    Ok(())
}

/// 汇总指标: `编码 | 指标名称 | 单位 | 本季度数值 | 说明`, one row per field from row 2.
pub(super) fn summary(
    ws: &mut Worksheet,
    fields: &[FieldDef],
    places: &BTreeMap<&str, Place>,
    filled: &Filled,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = SUMMARY_SHEET;
    ws.set_name(S).on(S)?;
    header(ws, &SUMMARY_HEADER, f)?;
    ws.insert_note(
        0,
        3,
        &note(&format!(
            "填写{SUMMARY_VALUE_HEADER}：件、人为非负整数，万元可有小数；如无请填0，不要留空"
        )),
    )
    .on(S)?;
    let explain = |d: &FieldDef| -> String {
        let mut s = d.note.clone();
        if let Some(le) = &d.le {
            if !s.contains(&format!("不大于{le}")) {
                if !s.is_empty() {
                    s.push('，');
                }
                s.push_str(&format!("不大于{le}"));
            }
        }
        s
    };
    let notes: Vec<String> = fields.iter().map(explain).collect();
    let note_width = fit(notes.iter().map(String::as_str), 20.0, NOTE_COLUMN_MAX);
    for (i, (d, text)) in fields.iter().zip(&notes).enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, &d.code, &f.label).on(S)?;
        ws.write_string_with_format(r, 1, &d.name, &f.label).on(S)?;
        ws.insert_note(r, 1, &note(&format!("{} {}：{}", d.code, d.name, text)))
            .on(S)?;
        ws.write_string_with_format(r, 2, &d.unit, &f.label).on(S)?;
        field_value(ws, r, SUMMARY_VALUE_COL, d, places, filled, f)?;
        ws.write_string_with_format(r, 4, text, &f.prose).on(S)?;
        if text_width(text) + 2.0 > note_width {
            ws.set_row_height(r, wrapped_height(text, note_width))
                .on(S)?;
        }
    }
    let widths = [
        fit(
            fields
                .iter()
                .map(|d| d.code.as_str())
                .chain([SUMMARY_HEADER[0]]),
            6.0,
            12.0,
        ),
        fit(
            fields
                .iter()
                .map(|d| d.name.as_str())
                .chain([SUMMARY_HEADER[1]]),
            12.0,
            50.0,
        ),
        fit(
            fields
                .iter()
                .map(|d| d.unit.as_str())
                .chain([SUMMARY_HEADER[2]]),
            6.0,
            12.0,
        ),
        fit([SUMMARY_VALUE_HEADER], 14.0, 20.0),
        note_width,
    ];
    finish(ws, &widths)
}

/// 工作情况: `编码 | 项目 | 填报值`, one row per work item from row 2.
pub(super) fn work(
    ws: &mut Worksheet,
    items: &[FieldDef],
    places: &BTreeMap<&str, Place>,
    filled: &Filled,
    f: &Formats,
) -> Result<(), TemplateError> {
    const S: &str = WORK_SHEET;
    ws.set_name(S).on(S)?;
    header(ws, &WORK_HEADER, f)?;
    ws.insert_note(
        0,
        2,
        &note("是/否项目从下拉列表中选择“是”或“否”；次数项目填非负整数，如无请填0"),
    )
    .on(S)?;
    for (i, d) in items.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string_with_format(r, 0, &d.code, &f.label).on(S)?;
        ws.write_string_with_format(r, 1, &d.name, &f.label).on(S)?;
        let definition = if d.note.is_empty() {
            d.kind.describe().to_string()
        } else {
            d.note.clone()
        };
        ws.insert_note(
            r,
            1,
            &note(&format!("{} {}：{}", d.code, d.name, definition)),
        )
        .on(S)?;
        field_value(ws, r, WORK_VALUE_COL, d, places, filled, f)?;
    }
    let widths = [
        fit(
            items
                .iter()
                .map(|d| d.code.as_str())
                .chain([WORK_HEADER[0]]),
            6.0,
            12.0,
        ),
        fit(
            items
                .iter()
                .map(|d| d.name.as_str())
                .chain([WORK_HEADER[1]]),
            12.0,
            60.0,
        ),
        fit([WORK_VALUE_HEADER], 12.0, 20.0),
    ];
    finish(ws, &widths)
}
