//! The cell formats of the ranking workbook: fills by measure and problem level, tones, number
//! kinds, and the styles they combine into.

use crate::scheme::{MeasureDef, Scheme};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

/// A cell's background: the measure of its region, or the level of a problem. Every colour is
/// explained on the page where it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Fill {
    None,
    /// A measure's colour, as the scheme gives it; a dark one takes white text.
    Measure(u32),
    /// An error in 数据质量; beyond a funnel's outer limit.
    Red,
    /// Beyond a funnel's inner limit.
    Orange,
    /// A warning in 数据质量.
    PaleYellow,
    /// 数据有误，退回修改 and 未报送 (a status, not a measure).
    Grey,
    /// A difference between two schemes (方案比较): no measure's colour.
    Blue,
}

impl Fill {
    /// The fill of a region under `measure`: the colour the scheme gives it.
    pub(crate) fn for_measure(measure: Option<&MeasureDef>) -> Fill {
        measure.map_or(Fill::None, |m| Fill::Measure(m.rgb()))
    }

    /// The colour as 0xRRGGBB.
    pub(crate) fn rgb(self) -> Option<u32> {
        match self {
            Fill::None => None,
            Fill::Measure(c) => Some(c),
            Fill::Red => Some(0xFF9999),
            Fill::Orange => Some(0xFFC000),
            Fill::PaleYellow => Some(0xFFF2CC),
            Fill::Grey => Some(0xD9D9D9),
            Fill::Blue => Some(0xDDEBF7),
        }
    }

    /// White text, bold, on a dark fill (一票否决's deep red), so that it can be read.
    pub(crate) fn font(self) -> Option<u32> {
        match self {
            Fill::Measure(c) if luminance(c) < 128.0 => Some(0xFFFFFF),
            _ => None,
        }
    }
}

/// Perceived brightness of 0xRRGGBB, 0–255.
fn luminance(c: u32) -> f64 {
    let [_, r, g, b] = c.to_be_bytes();
    0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b)
}

/// Emphasis of a body cell's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Tone {
    Normal,
    Bold,
    /// A 等次 the scheme colours: its text colour, and whether bold.
    Grade(u32, bool),
}

impl Tone {
    /// The tone of a 等次, as the scheme's `[[grades]]` give it.
    pub(crate) fn for_grade(scheme: &Scheme, grade: &str) -> Tone {
        match scheme.grade(grade) {
            Some(g) => match g
                .colour
                .as_deref()
                .and_then(crate::scheme::ladder::parse_rgb)
            {
                Some(c) => Tone::Grade(c, g.bold),
                None if g.bold => Tone::Bold,
                None => Tone::Normal,
            },
            None => Tone::Normal,
        }
    }
}

/// How a body cell shows its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// Text, wrapped.
    Text,
    /// Text, centred, not wrapped (short labels: 等次, 措施).
    Label,
    /// Whole number (ranks).
    Int,
    /// A score, with the scheme's decimals.
    Score,
    /// A signed change of score: "+3.25" / "−1.10".
    Change,
    /// A rate: 0.0%.
    Percent,
    /// A per-unit value: 0.0000.
    PerUnit,
    /// A 是/否 field stored as 1/0.
    YesNo,
    /// A figure as it is (General).
    General,
    /// A date as the reasons beside it write it: 2026年3月31日, centred.
    Date,
}

impl Kind {
    pub(super) fn num_format(self) -> Option<&'static str> {
        match self {
            Kind::Text | Kind::Label | Kind::General => None,
            Kind::Int => Some("0"),
            Kind::Score => Some("0.00"),
            Kind::Change => Some("+0.00;\"−\"0.00;0.00"),
            Kind::Percent => Some("0.0%"),
            Kind::PerUnit => Some("0.0000"),
            Kind::YesNo => Some("\"是\";\"否\";\"否\""),
            Kind::Date => Some("yyyy\"年\"m\"月\"d\"日\""),
        }
    }

    /// The text a number shows with this kind, for measuring the column.
    pub(crate) fn shown(self, v: f64) -> String {
        match self {
            Kind::Text | Kind::Label | Kind::General => crate::text::fmt_num(v),
            Kind::Int => format!("{v:.0}"),
            Kind::Score => format!("{v:.2}"),
            Kind::Change => format!("{v:+.2}"),
            Kind::Percent => format!("{:.1}%", v * 100.0),
            Kind::PerUnit => format!("{v:.4}"),
            Kind::YesNo => "是".to_string(),
            Kind::Date => "2025年12月31日".to_string(),
        }
    }
}

/// Every format a cell can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Style {
    /// The sheet's title (16 pt, bold, centred).
    Title,
    /// The line under the title (office, scheme, 制表日期).
    Subtitle,
    /// The title on several lines (a page too narrow for one).
    TitleWrapped,
    /// The line under the title on several lines.
    SubtitleWrapped,
    /// The line under the title with a warning on a last line (red, bold, wrapped).
    SubtitleWarning,
    /// A column header: bold, grey, bordered, wrapped.
    Header,
    /// A section heading (12 pt bold).
    Section,
    /// A paragraph of text, wrapped, without borders (legends, notes, rules in words).
    Para,
    /// A line aligned right, without borders (the office and date that close a form).
    ParaRight,
    /// A bordered body cell.
    Body(Kind, Fill, Tone),
}

impl Style {
    pub(super) fn wraps(self) -> bool {
        matches!(
            self,
            Style::Header | Style::Para | Style::Body(Kind::Text, _, _)
        )
    }

    pub(super) fn format(self) -> Format {
        let base = crate::xlsx::format().set_align(FormatAlign::VerticalCenter);
        match self {
            Style::Title => base
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            Style::Subtitle => base.set_align(FormatAlign::Center),
            Style::TitleWrapped => base
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            Style::SubtitleWrapped => base.set_align(FormatAlign::Center).set_text_wrap(),
            Style::SubtitleWarning => base
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_bold()
                .set_font_color(Color::RGB(0xC00000)),
            Style::Header => base
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_border(FormatBorder::Thin),
            Style::Section => base.set_bold().set_font_size(12),
            Style::Para => base.set_text_wrap().set_align(FormatAlign::Top),
            Style::ParaRight => base.set_align(FormatAlign::Right),
            Style::Body(kind, fill, tone) => {
                let mut f = base.set_border(FormatBorder::Thin);
                match kind {
                    Kind::Text => f = f.set_text_wrap(),
                    Kind::Label | Kind::Date => f = f.set_align(FormatAlign::Center),
                    _ => {}
                }
                if let Some(nf) = kind.num_format() {
                    f = f.set_num_format(nf);
                }
                if let Some(c) = fill.rgb() {
                    f = f.set_background_color(Color::RGB(c));
                }
                if let Some(c) = fill.font() {
                    f = f.set_font_color(Color::RGB(c)).set_bold();
                }
                match tone {
                    Tone::Normal => {}
                    Tone::Bold => f = f.set_bold(),
                    Tone::Grade(c, bold) => {
                        if bold {
                            f = f.set_bold();
                        }
                        f = f.set_font_color(Color::RGB(c));
                    }
                }
                if let (Some(c), Tone::Grade(..)) = (fill.font(), tone) {
                    // White on deep red stays white.
                    f = f.set_font_color(Color::RGB(c));
                }
                f
            }
        }
    }
}
