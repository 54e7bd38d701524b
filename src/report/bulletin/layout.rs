//! How the 情况通报 looks: GB/T 9704-2012 (党政机关公文格式) with docx-rs. A4 portrait, margins
//! 37/35/28/26 mm (top, bottom, left, right), 22 lines × 28 characters (a grid of lines of
//! 579 twips = 28.95 pt, every paragraph exactly that high), title in 2号 方正小标宋简体 centred,
//! body in 3号 仿宋_GB2312 indented two characters, headings 一、in 黑体 and （一）in 楷体_GB2312,
//! page numbers "— 1 —" in 4号 宋体 (odd pages right, even pages left, one character in from
//! the edge of the text), 落款 and 成文日期 on the right. 28 characters a line come from body
//! runs condensed by 0.25 pt rather than a character grid (see `document`). Fonts are named as East Asian fonts
//! (w:eastAsia) and for Latin text too; WPS/Word substitute where one is not installed.

use super::content::Block;
use crate::text::line_width;
use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Document, Docx, FieldCharType, Footer, InstrPAGE,
    InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, RunFonts,
    SpecialIndentType,
};

/// A4 in twips (1/1440 inch).
pub(super) const PAGE_WIDTH: u32 = 11906;
pub(super) const PAGE_HEIGHT: u32 = 16838;
/// Margins in millimetres: top, bottom, left, right.
pub(super) const MARGINS_MM: [f64; 4] = [37.0, 35.0, 28.0, 26.0];
/// 28.95 pt: 22 lines in the 225 mm of text height.
pub(super) const LINE_PITCH: i32 = 579;

/// Font sizes in half-points: 2号, 3号, 4号.
pub(super) const TITLE_SIZE: usize = 44;
pub(super) const BODY_SIZE: usize = 32;
pub(super) const PAGE_NUMBER_SIZE: usize = 28;

pub(super) const TITLE_FONT: &str = "方正小标宋简体";
pub(super) const BODY_FONT: &str = "仿宋_GB2312";
pub(super) const HEADING1_FONT: &str = "黑体";
pub(super) const HEADING2_FONT: &str = "楷体_GB2312";
pub(super) const PAGE_NUMBER_FONT: &str = "宋体";

/// Body runs are condensed by this many twentieths of a point (0.25 pt), so that 28 characters
/// of 3号 fit the 442.25 pt of text width (28 × 16 pt is 448 pt) where a program does not
/// squeeze them onto the character grid itself.
const BODY_CONDENSE: i32 = -5;
/// One 3号 character (16 pt) in twips.
const BODY_CHAR: i32 = 320;
/// One 4号 character (14 pt) in twips.
const PAGE_NUMBER_CHAR: i32 = 280;
/// From the bottom edge to the page number: 35 mm of margin less the 7 mm GB/T 9704 puts
/// between the text and the number, less the number's own line.
const FOOTER_MM: f64 = 22.0;
const HEADER_MM: f64 = 15.0;

/// Millimetres in twips, to the nearest twip.
pub(super) fn twips(mm: f64) -> i32 {
    (mm * 1440.0 / 25.4).round() as i32
}

/// Paragraph ids (w14:paraId) counted from 1 for each document: docx-rs would take them from a
/// per-thread counter, so a second document built on the same thread would differ.
struct Ids(u32);

impl Ids {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("{:08X}", self.0)
    }
}

fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .hint("eastAsia")
}

fn run(text: &str, font: &str, size: usize) -> Run {
    let r = Run::new().add_text(text).fonts(fonts(font)).size(size);
    if size == BODY_SIZE {
        r.character_spacing(BODY_CONDENSE)
    } else {
        r
    }
}

fn exact() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(LINE_PITCH)
        .before(0)
        .after(0)
}

/// A paragraph of one run on the grid, with its own font as the paragraph mark's too.
fn line(ids: &mut Ids, text: &str, font: &str, size: usize) -> Paragraph {
    let p = Paragraph::new()
        .id(ids.next())
        .line_spacing(exact())
        .fonts(fonts(font))
        .size(size);
    if text.is_empty() {
        p
    } else {
        p.add_run(run(text, font, size))
    }
}

/// Indented two characters on the first line, justified.
fn indented(p: Paragraph) -> Paragraph {
    p.align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(2 * BODY_CHAR)),
            None,
            None,
        )
        .first_line_chars(200)
}

/// Right indents (twips) of 落款 and 成文日期 as GB/T 9704-2012 7.3.5.2 places them: the office
/// two characters from the right; the date on the next line starting two characters right of
/// the office's first character, or, when the date is the longer, the date two characters from
/// the right and the office moved left to keep that offset. Widths are estimated (`quarters`).
pub(super) fn signature_indents(office: &str, date: &str) -> (i32, i32) {
    let quarter = BODY_CHAR / 4;
    let (o, d) = (quarters(office), quarters(date));
    let two = 8;
    if d + two <= o {
        (two * quarter, (o - d) * quarter)
    } else {
        ((two + d + two - o) * quarter, two * quarter)
    }
}

/// A line's width in quarter characters: four for a CJK character, two for a digit or Latin
/// letter, and one more where the two meet (the space Word, WPS and LibreOffice put between
/// Chinese and Latin text).
fn quarters(s: &str) -> i32 {
    let mut w = 0;
    let mut last: Option<bool> = None;
    for c in s.chars() {
        let wide = line_width(c.encode_utf8(&mut [0; 4])) > 1;
        w += if wide { 4 } else { 2 };
        if last.is_some_and(|l| l != wide) {
            w += 1;
        }
        last = Some(wide);
    }
    w
}

fn page_number(ids: &mut Ids, odd: bool) -> Footer {
    let r = |t: &str| run(t, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE);
    let field = |kind| {
        Run::new()
            .fonts(fonts(PAGE_NUMBER_FONT))
            .size(PAGE_NUMBER_SIZE)
            .add_field_char(kind, false)
    };
    let mut p = Paragraph::new()
        .id(ids.next())
        .add_run(r("— "))
        .add_run(field(FieldCharType::Begin))
        .add_run(
            Run::new()
                .fonts(fonts(PAGE_NUMBER_FONT))
                .size(PAGE_NUMBER_SIZE)
                .add_instr_text(InstrText::PAGE(InstrPAGE::new())),
        )
        .add_run(field(FieldCharType::Separate))
        .add_run(r(if odd { "1" } else { "2" }))
        .add_run(field(FieldCharType::End))
        .add_run(r(" —"));
    p = if odd {
        p.align(AlignmentType::Right)
            .indent(None, None, Some(PAGE_NUMBER_CHAR), None)
    } else {
        p.align(AlignmentType::Left)
            .indent(Some(PAGE_NUMBER_CHAR), None, None, None)
    };
    Footer::new().add_paragraph(p)
}

/// The document from its blocks; `created` (W3CDTF) is both its creation and modification date.
pub(super) fn document(blocks: &[Block], created: &str) -> Docx {
    let mut ids = Ids(0);
    // A grid of lines only. With a grid of lines and characters (linesAndChars, charSpace −841
    // for 28 characters of 15.79 pt) LibreOffice gives every 16 pt character two cells, as it
    // does not fit in one: 17 characters a line and seven pages instead of five. Condensed
    // runs (`BODY_CONDENSE`) give 28 characters a line in Word, WPS and LibreOffice alike.
    let grid = DocGrid::new()
        .grid_type(DocGridType::Lines)
        .line_pitch(LINE_PITCH as usize);
    let mut doc = Document::new().doc_grid(grid);
    let mut office = "";
    for b in blocks {
        if let Block::Signature(s) = b {
            office = s;
        }
    }
    for b in blocks {
        let p = match b {
            Block::Title(lines) => {
                let mut p = line(&mut ids, "", TITLE_FONT, TITLE_SIZE).align(AlignmentType::Center);
                for (k, l) in lines.iter().enumerate() {
                    let mut r = run(l, TITLE_FONT, TITLE_SIZE);
                    if k + 1 < lines.len() {
                        r = r.add_break(docx_rs::BreakType::TextWrapping);
                    }
                    p = p.add_run(r);
                }
                p.keep_next(true)
            }
            Block::Addressee(t) => {
                line(&mut ids, t, BODY_FONT, BODY_SIZE).align(AlignmentType::Both)
            }
            Block::Heading1(t) => {
                indented(line(&mut ids, t, HEADING1_FONT, BODY_SIZE)).keep_next(true)
            }
            Block::Heading2(t) => {
                indented(line(&mut ids, t, HEADING2_FONT, BODY_SIZE)).keep_next(true)
            }
            Block::Body(t) | Block::Note(t) => indented(line(&mut ids, t, BODY_FONT, BODY_SIZE)),
            Block::Blank => line(&mut ids, "", BODY_FONT, BODY_SIZE),
            Block::Signature(t) => {
                let end = blocks
                    .iter()
                    .find_map(|b| match b {
                        Block::Date(d) => Some(signature_indents(t, d).0),
                        _ => None,
                    })
                    .unwrap_or(2 * BODY_CHAR);
                line(&mut ids, t, BODY_FONT, BODY_SIZE)
                    .align(AlignmentType::Right)
                    .indent(None, None, Some(end), None)
                    .keep_next(true)
            }
            Block::Date(t) => line(&mut ids, t, BODY_FONT, BODY_SIZE)
                .align(AlignmentType::Right)
                .indent(None, None, Some(signature_indents(office, t).1), None),
        };
        doc = doc.add_paragraph(p);
    }
    let [top, bottom, left, right] = MARGINS_MM;
    let margin = PageMargin::new()
        .top(twips(top))
        .bottom(twips(bottom))
        .left(twips(left))
        .right(twips(right))
        .header(twips(HEADER_MM))
        .footer(twips(FOOTER_MM))
        .gutter(0);
    let odd = page_number(&mut ids, true);
    let even = page_number(&mut ids, false);
    Docx::new()
        .document(doc)
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margin)
        .default_fonts(fonts(BODY_FONT))
        .default_size(BODY_SIZE)
        .footer(odd)
        // Also turns on evenAndOddHeaders in settings.xml.
        .even_footer(even)
        .created_at(created)
        .updated_at(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins_and_grid_in_twips() {
        assert_eq!(MARGINS_MM.map(twips), [2098, 1984, 1587, 1474]);
        // 8845 twips of text width (442.25 pt) take 28 condensed 3号 characters, not 29.
        let width = f64::from(PAGE_WIDTH as i32 - twips(28.0) - twips(26.0)) / 20.0;
        let pitch = f64::from(BODY_CHAR + BODY_CONDENSE) / 20.0;
        assert_eq!((width / pitch).floor() as i32, 28);
        // 225 mm of text height take 22 lines.
        let height = f64::from(PAGE_HEIGHT as i32 - twips(37.0) - twips(35.0));
        assert_eq!((height / f64::from(LINE_PITCH)).floor() as i32, 22);
    }

    /// "广东省打击侵权假冒工作领导小组办公室" is 18 characters (72 quarters); "2026年1月20日" 3
    /// characters, 7 digits and 5 changes between them (12 + 14 + 5 = 31 quarters): the office
    /// 2 characters (640 twips) from the right, the date (72 − 31) quarters, so that it starts
    /// two characters right of the office.
    #[test]
    fn the_date_starts_two_characters_right_of_the_office() {
        assert_eq!(quarters("2026年1月20日"), 31);
        let (o, d) = signature_indents("广东省打击侵权假冒工作领导小组办公室", "2026年1月20日");
        assert_eq!(o, 640);
        assert_eq!(d, 41 * 80);
        // A short office: the date two characters from the right, the office moved left.
        let (o, d) = signature_indents("某办", "2026年12月20日");
        assert_eq!(d, 640);
        assert_eq!(o, (8 + 33 + 8 - 8) * 80);
    }
}
