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
