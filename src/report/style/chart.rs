//! The chart pieces the ranking and comparison workbooks share: a region's point and a
//! reference line.

use rust_xlsxwriter::{
    ChartFormat, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType, ChartSolidFill,
};

/// The blue of a region's point on a scatter chart.
pub(crate) const POINT_COLOUR: u32 = 0x5B9BD5;

/// A filled marker of `kind`, `size` points, in `colour`.
pub(crate) fn marker(kind: ChartMarkerType, size: u8, colour: u32) -> ChartMarker {
    let mut m = ChartMarker::new();
    m.set_type(kind)
        .set_size(size)
        .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(colour)));
    m
}

/// A line `width` points wide in `colour`, solid or dashed.
pub(crate) fn line(colour: u32, width: f64, dash: ChartLineDashType) -> ChartFormat {
    let mut f = ChartFormat::new();
    f.set_line(
        ChartLine::new()
            .set_color(colour)
            .set_width(width)
            .set_dash_type(dash),
    );
    f
}

/// Every text of `chart` in the workbook's font (`xlsx::FONT`, not the chart default Calibri):
/// the title bold at 14 points, axis titles bold, axis labels and legend at `label_size`.
pub(crate) fn in_font(chart: &mut rust_xlsxwriter::Chart, label_size: f64) {
    use rust_xlsxwriter::ChartFont;
    let font = |size: f64, bold: bool| {
        let mut f = ChartFont::new();
        f.set_name(crate::xlsx::FONT).set_size(size);
        if bold {
            f.set_bold();
        }
        f
    };
    chart.title().set_font(&font(14.0, true));
    chart
        .x_axis()
        .set_font(&font(label_size, false))
        .set_name_font(&font(label_size, true));
    chart
        .y_axis()
        .set_font(&font(label_size, false))
        .set_name_font(&font(label_size, true));
    chart.legend().set_font(&font(label_size, false));
}
