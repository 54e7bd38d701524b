//! The blank 省级评定 workbook the office fills for a quarter: the exact headers the engine reads
//! (from the scheme's `[province]` columns), one row per region of the registry with its code and
//! name, nothing found filled in as 0 and 否 (the office changes only the exceptions), and the
//! same input checks as a submission (whole numbers, 0–100, 是/否 drop-downs).

use super::{validation, OnSheet, TemplateError};
use crate::quarter::Quarter;
use crate::registry::Registry;
use crate::scheme::{Scheme, ValueKind};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, FormatBorder, Workbook, Worksheet};

/// The sheet's name.
pub const SHEET: &str = "省级评定";

/// The header of the column that names the region beside its code (read by no one: the engine
/// finds regions by 区划代码).
const NAME_HEADER: &str = "地区名称";

/// The file name the engine looks for in a submissions folder: the scheme's province file as a
/// workbook (`省级评定.xlsx`).
pub fn file_name(scheme: &Scheme) -> String {
    let stem = scheme
        .province
        .file
        .rsplit_once('.')
        .map_or(scheme.province.file.as_str(), |(s, _)| s);
    format!("{stem}.xlsx")
}

/// The workbook for `quarter`.
///
/// # Errors
///
/// [`TemplateError::Xlsx`] when rust_xlsxwriter refuses a cell or a validation.
pub fn build(
    scheme: &Scheme,
    registry: &Registry,
    quarter: Quarter,
) -> Result<Workbook, TemplateError> {
    let mut wb = crate::xlsx::workbook();
    let created = ExcelDateTime::from_ymd(2020, 1, 1).on(SHEET)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{}省级评定", quarter.label()))
            .set_subject(format!("指标体系 {} 版本 {}", scheme.id, scheme.version))
            .set_creation_datetime(&created),
    );
    let mut ws = Worksheet::new();
    ws.set_name(SHEET).on(SHEET)?;
    let header = crate::xlsx::format()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("D9E1F2")
        .set_text_wrap();
    let cell = crate::xlsx::format().set_border(FormatBorder::Thin);
    let centred = crate::xlsx::format()
        .set_border(FormatBorder::Thin)
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    let text = crate::xlsx::format()
        .set_border(FormatBorder::Thin)
        .set_num_format("@");
    let columns = &scheme.province.columns;
    let headers: Vec<&str> = ["区划代码", NAME_HEADER]
        .into_iter()
        .chain(columns.iter().map(|c| c.name.as_str()))
        .collect();
    for (c, h) in (0u16..).zip(&headers) {
        ws.write_string_with_format(0, c, *h, &header).on(SHEET)?;
        let width = crate::text::width(h).max(8) as f64 + 2.0;
        ws.set_column_width(c, width).on(SHEET)?;
    }
    let last = u32::try_from(registry.regions.len()).unwrap_or(u32::MAX);
    for (r, region) in (1u32..).zip(&registry.regions) {
        ws.write_string_with_format(r, 0, &region.code, &text)
            .on(SHEET)?;
        ws.write_string_with_format(r, 1, &region.name, &cell)
            .on(SHEET)?;
        for (c, def) in (2u16..).zip(columns) {
            match def.kind {
                ValueKind::Count => ws.write_number_with_format(r, c, 0.0, &cell),
                ValueKind::YesNo => ws.write_string_with_format(r, c, "否", &centred),
                _ => ws.write_blank(r, c, &cell),
            }
            .on(SHEET)?;
        }
    }
    for (c, def) in (2u16..).zip(columns) {
        // Free text (否决事由) gets room to be read on paper.
        if def.kind == ValueKind::Text {
            ws.set_column_width(c, 36).on(SHEET)?;
        }
        if let Some(dv) =
            validation::validation(def.kind, &def.name, "", Some(def), &Vec::new(), "").on(SHEET)?
        {
            ws.add_data_validation(1, c, last.max(1), c, &dv)
                .on(SHEET)?;
        }
    }
    ws.set_freeze_panes(1, 2).on(SHEET)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0).on(SHEET)?;
    ws.set_header(format!(
        "&L{}&C{}省级评定&R第 &P 页，共 &N 页",
        scheme.office.name.replace('&', "&&"),
        quarter.label()
    ));
    wb.push_worksheet(ws);
    Ok(wb)
}
