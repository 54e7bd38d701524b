//! What every workbook the engine writes shares: the font a Chinese office's Excel or WPS shows
//! (宋体, present on every Chinese Windows; not Calibri, which Excel would substitute for every
//! Chinese character), as the workbook's default and as the base of every cell format.

use rust_xlsxwriter::{Format, Workbook};

/// The font of every cell and of the workbook's Normal style.
pub const FONT: &str = "宋体";
/// Its size in points.
pub const FONT_SIZE: u32 = 11;

/// The default row height and column width in pixels with [`FONT`] (what charts are sized in).
pub const ROW_PIXELS: u32 = 18;
pub const COLUMN_PIXELS: u32 = 72;

/// The width of a digit in [`FONT`], in pixels: Excel's unit of column width.
pub const DIGIT_PIXELS: f64 = 8.0;

/// A column `width` units wide in points, as Excel draws it (the width plus 5 pixels of padding,
/// at 96 pixels to the inch).
pub fn column_points(width: f64) -> f64 {
    (width * DIGIT_PIXELS + 5.0) * 0.75
}

/// A cell format in [`FONT`]: start every format here.
pub fn format() -> Format {
    Format::new().set_font_name(FONT).set_font_size(FONT_SIZE)
}

/// A new workbook whose Normal style is [`FONT`] (18-pixel rows, 72-pixel default columns: the
/// metrics Excel uses for 宋体 11).
pub fn workbook() -> Workbook {
    let mut wb = Workbook::new();
    // Only fails when a sheet was added before, or for a width rust_xlsxwriter has no metrics
    // for; neither can happen here.
    let _ = wb.set_default_format(&format(), ROW_PIXELS, COLUMN_PIXELS);
    wb
}
