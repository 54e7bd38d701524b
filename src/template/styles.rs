//! The workbook's cell formats and the layout helpers every sheet shares: column widths fitted
//! to text, wrapped row heights, notes, the header row and the finishing touches (freeze,
//! protection, print setup).

use super::{OnSheet, TemplateError, NOTE_AUTHOR};
use crate::quarter::Quarter;
use crate::registry::Region;
use crate::scheme::ValueKind;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Note, Worksheet};

/// The formats of the workbook; input cells are the unlocked ones.
pub(super) struct Formats {
    pub(super) header: Format,
    pub(super) label: Format,
    pub(super) fixed: Format,
    pub(super) prose: Format,
    /// A remark under a table: wrapped, no border.
    pub(super) remark: Format,
    pub(super) input: Format,
    pub(super) input_text: Format,
    pub(super) input_date: Format,
    pub(super) hidden: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
        let cell = crate::xlsx::format()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let input = cell
            .clone()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF2CC));
        Formats {
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xD9E1F2)),
            label: cell.clone(),
            fixed: cell.clone().set_num_format("@"),
            prose: crate::xlsx::format()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Top)
                .set_text_wrap(),
            remark: crate::xlsx::format()
                .set_align(FormatAlign::Top)
                .set_text_wrap(),
            input_text: input.clone().set_num_format("@"),
            input_date: input.clone().set_num_format("yyyy-mm-dd"),
            input,
            hidden: crate::xlsx::format(),
        }
    }

    /// The input format for a value kind.
    pub(super) fn input_for(&self, kind: ValueKind) -> &Format {
        match kind {
            ValueKind::Text | ValueKind::Choice => &self.input_text,
            ValueKind::Date => &self.input_date,
            ValueKind::Count | ValueKind::Amount | ValueKind::YesNo => &self.input,
        }
    }
}

/// Display width in Excel units: two per CJK (wide) character, one otherwise; the widest line.
pub(super) fn text_width(s: &str) -> f64 {
    crate::text::width(s) as f64
}

/// A column width fitting all `texts`, with padding, between `min` and `max`.
pub(super) fn fit<'a>(texts: impl IntoIterator<Item = &'a str>, min: f64, max: f64) -> f64 {
    let w = texts.into_iter().map(text_width).fold(0.0, f64::max) + 2.0;
    w.clamp(min, max)
}

/// A row height (points) for `text` wrapped in a column of `width` units.
pub(super) fn wrapped_height(text: &str, width: f64) -> f64 {
    let per_line = (width - 2.0).max(4.0);
    let lines: f64 = text
        .lines()
        .map(|l| (text_width(l) / per_line).ceil().max(1.0))
        .sum();
    lines.max(1.0) * 15.0 + 3.0
}

/// A note (comment) without the author prefix, sized to its text.
pub(super) fn note(text: &str) -> Note {
    let lines: f64 = text
        .lines()
        .map(|l| (text_width(l) / 40.0).ceil().max(1.0))
        .sum();
    let height = (lines.max(1.0) * 16.0 + 12.0).min(400.0) as u32;
    Note::new(text)
        .set_author(NOTE_AUTHOR)
        .add_author_prefix(false)
        .set_width(280)
        .set_height(height)
}

/// What every visible sheet shares: frozen header, protection, A4 landscape fitted to width with
/// the header repeated on each page.
pub(super) fn finish(ws: &mut Worksheet, widths: &[f64]) -> Result<(), TemplateError> {
    let sheet = ws.name();
    for (c, w) in widths.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.set_column_width(c, *w).on(&sheet)?;
    }
    ws.set_freeze_panes(1, 0).on(&sheet)?;
    ws.set_repeat_rows(0, 0).on(&sheet)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.protect();
    Ok(())
}

/// Excel's limit for a page header or footer, in UTF-16 units including the control codes
/// (rust_xlsxwriter silently drops a longer one).
const HEADER_FOOTER_LIMIT: usize = 255;
/// The longest region name the page header shows, in UTF-16 units.
const HEADER_REGION_LIMIT: usize = 60;

/// Text as a literal in a page header or footer: `&` starts a control code, `&&` is one `&`.
pub(super) fn header_footer_text(s: &str) -> String {
    s.replace('&', "&&")
}

/// The printed page header and footer of a visible sheet: the region (name and 区划代码) on the
/// left, the sheet in the middle, the quarter in words on the right, and 第 n 页，共 m 页 below.
/// The generic blank has lines to fill by hand instead of a region and a quarter.
pub(super) fn page_header_footer(
    ws: &mut Worksheet,
    region: Option<&Region>,
    quarter: Option<Quarter>,
) {
    let left = match region {
        Some(r) => format!(
            "{}（{}）",
            crate::text::clip_units(&r.name, HEADER_REGION_LIMIT),
            r.code
        ),
        None => "地区：__________".to_string(),
    };
    let right = match quarter {
        Some(q) => q.label(),
        None => "季度：__________".to_string(),
    };
    let header = format!(
        "&L{}&C&\"-,Bold\"{}&R{}",
        header_footer_text(&left),
        header_footer_text(&ws.name()),
        header_footer_text(&right)
    );
    if header.encode_utf16().count() <= HEADER_FOOTER_LIMIT {
        ws.set_header(header);
    }
    ws.set_footer("&C第 &P 页，共 &N 页");
    // A wide ledger is shrunk to fit the page; its header and footer stay legible.
    ws.set_header_footer_scale_with_doc(false);
}

/// Writes a header row of locked cells.
pub(super) fn header(ws: &mut Worksheet, names: &[&str], f: &Formats) -> Result<(), TemplateError> {
    let sheet = ws.name();
    for (c, name) in names.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, c, *name, &f.header)
            .on(&sheet)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::validation::clip;
    use super::*;

    #[test]
    fn widths_count_cjk_twice() {
        assert_eq!(text_width("ab"), 2.0);
        assert_eq!(text_width("大案"), 4.0);
        assert_eq!(text_width("短\n很长的一行"), 10.0);
        assert_eq!(clip("一二三", 2), "一二");
    }

    #[test]
    fn header_footer_text_doubles_ampersands() {
        assert_eq!(header_footer_text("A&B 市"), "A&&B 市");
        assert_eq!(header_footer_text("广州市"), "广州市");
    }
}
