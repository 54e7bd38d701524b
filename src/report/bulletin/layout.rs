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
    AlignmentType, BorderType, DocGrid, DocGridType, Document, Docx, FieldCharType, Footer,
    InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Tab, TabValueType,
    Table, TableAlignmentType, TableCell, TableRow, VAlignType, WidthType,
};
use std::borrow::Cow;

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

/// The text width in twips: A4 less the left and right margins (156 mm).
fn text_width() -> i32 {
    PAGE_WIDTH as i32 - twips(MARGINS_MM[2]) - twips(MARGINS_MM[3])
}

/// The title's line pitch: 2号 on the 28.95 pt grid would take two grid lines a line (58 pt
/// apart); off the grid, 35 pt.
const TITLE_PITCH: i32 = 700;
/// 版记 and the 附件's table in 4号 (14 pt), 18 pt a line.
const SMALL_SIZE: usize = 28;
const SMALL_PITCH: i32 = 360;

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

/// In a body paragraph (not the 发文字号, which a clerk searches for as typed), a zero-width
/// space after "〕" where a number follows ("〔2017〕\u{200B}100号"): Word, WPS and
/// LibreOffice take "〔2017〕100" for one word and move it whole to the next line, stretching the
/// justified line before it with visible gaps (issue 24); they may now break after the bracket.
fn breakable(text: &str) -> Cow<'_, str> {
    let mut chars = text.chars().peekable();
    if !text.contains('〕') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 6);
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '〕' && chars.peek().is_some_and(|n| n.is_ascii_alphanumeric()) {
            out.push('\u{200B}');
        }
    }
    Cow::Owned(out)
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

/// Right indents (twips) of 落款 and 成文日期 for a sealed document, GB/T 9704-2012 7.3.5.1: the
/// date four characters from the right (右空四字), the office centred over the date (never past
/// the right edge of the text). Widths are estimated (`quarters`).
pub(super) fn signature_indents(office: &str, date: &str) -> (i32, i32) {
    let quarter = BODY_CHAR / 4;
    let (o, d) = (quarters(office), quarters(date));
    let four = 16;
    // Centres alike: office_indent + o/2 = four + d/2, in half quarters to stay exact.
    let office = ((2 * four + d - o) / 2).max(0);
    (office * quarter, four * quarter)
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

fn pitch(twips: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(twips)
        .before(0)
        .after(0)
}

/// A cell of the 附件's table: 4号, centred, the header in 黑体.
fn cell(ids: &mut Ids, text: &str, header: bool, width: i32) -> TableCell {
    let font = if header { HEADING1_FONT } else { BODY_FONT };
    let p = Paragraph::new()
        .id(ids.next())
        .snap_to_grid(false)
        .line_spacing(pitch(SMALL_PITCH))
        .fonts(fonts(font))
        .size(SMALL_SIZE)
        .align(AlignmentType::Center)
        .add_run(
            Run::new()
                .add_text(text)
                .fonts(fonts(font))
                .size(SMALL_SIZE),
        );
    TableCell::new()
        .add_paragraph(p)
        .width(usize::try_from(width).unwrap_or(0), WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

/// The 附件's table across the text width, its first row the header (repeated on each page).
/// The 附件's columns (排名, 地区, 总分, 等次, 督办措施) in twips: shares of the text's width.
fn column_widths() -> Vec<i32> {
    const SHARES: [i32; 5] = [12, 30, 20, 16, 22];
    let total: i32 = SHARES.iter().sum();
    SHARES.iter().map(|s| text_width() * s / total).collect()
}

fn table(ids: &mut Ids, rows: &[Vec<String>]) -> Table {
    let widths = column_widths();
    let out: Vec<TableRow> = rows
        .iter()
        .enumerate()
        .map(|(k, row)| {
            let cells = row
                .iter()
                .zip(&widths)
                .map(|(t, w)| cell(ids, t, k == 0, *w))
                .collect();
            TableRow::new(cells).cant_split()
        })
        .collect();
    Table::new(out)
        .set_grid(
            widths
                .iter()
                .map(|w| usize::try_from(*w).unwrap_or(0))
                .collect(),
        )
        .align(TableAlignmentType::Center)
}

/// 版记 (GB/T 9704-2012 7.4): 抄送 (when any) and 印发机关 with 印发日期, in 4号 仿宋 between a
/// thick rule above and below and a thin one between, kept at the foot of the last page.
fn imprint(ids: &mut Ids, copy_to: Option<&str>, issuer: &str, date: &str) -> Vec<Paragraph> {
    let rule = |pos, thick: bool| {
        ParagraphBorder::new(pos)
            .val(BorderType::Single)
            .size(if thick { 8 } else { 4 })
            .space(1)
            .color("000000")
    };
    let small = |ids: &mut Ids, text: &str| {
        Paragraph::new()
            .id(ids.next())
            .snap_to_grid(false)
            .line_spacing(pitch(SMALL_PITCH + 100))
            .fonts(fonts(BODY_FONT))
            .size(SMALL_SIZE)
            .add_run(
                Run::new()
                    .add_text(text)
                    .fonts(fonts(BODY_FONT))
                    .size(SMALL_SIZE),
            )
            .keep_next(true)
    };
    let one = PAGE_NUMBER_CHAR;
    let mut out = Vec::new();
    if let Some(c) = copy_to {
        let mut p = small(ids, &format!("抄送：{c}")).indent(Some(one), None, Some(one), None);
        p.property = p.property.set_borders(
            ParagraphBorders::with_empty()
                .set(rule(ParagraphBorderPosition::Top, true))
                .set(rule(ParagraphBorderPosition::Bottom, false)),
        );
        out.push(p);
    }
    let mut p = small(ids, issuer)
        .indent(Some(one), None, Some(one), None)
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .pos(usize::try_from(text_width() - 2 * one).unwrap_or(0)),
        )
        .add_run(
            Run::new()
                .add_tab()
                .fonts(fonts(BODY_FONT))
                .size(SMALL_SIZE),
        )
        .add_run(
            Run::new()
                .add_text(date)
                .fonts(fonts(BODY_FONT))
                .size(SMALL_SIZE),
        )
        .keep_next(false);
    let mut borders =
        ParagraphBorders::with_empty().set(rule(ParagraphBorderPosition::Bottom, true));
    if copy_to.is_none() {
        borders = borders.set(rule(ParagraphBorderPosition::Top, true));
    }
    p.property = p.property.set_borders(borders);
    out.push(p);
    // In a frame at the foot of the page's text (7.4: 版记 on the last lines of the last page),
    // the width of the text; consecutive framed paragraphs share one frame.
    out.into_iter()
        .map(|p| {
            p.wrap("around")
                .h_anchor("margin")
                .v_anchor("margin")
                .y_align("bottom")
                .frame_width(u32::try_from(text_width()).unwrap_or(0))
        })
        .collect()
}

/// The fonts the document names, each with the face most Chinese office PCs have in its place
/// (w:altName): 仿宋 for 仿宋_GB2312, 楷体 for 楷体_GB2312, 宋体 for 方正小标宋简体.
pub(super) fn font_table() -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    for (name, alt, family, pitch) in [
        (TITLE_FONT, Some("宋体"), "roman", "variable"),
        (BODY_FONT, Some("仿宋"), "modern", "fixed"),
        (HEADING1_FONT, None, "modern", "fixed"),
        (HEADING2_FONT, Some("楷体"), "modern", "fixed"),
        (PAGE_NUMBER_FONT, None, "auto", "variable"),
    ] {
        xml.push_str(&format!(r#"<w:font w:name="{name}">"#));
        if let Some(alt) = alt {
            xml.push_str(&format!(r#"<w:altName w:val="{alt}"/>"#));
        }
        xml.push_str(&format!(
            r#"<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>"#
        ));
    }
    xml.push_str("</w:fonts>");
    xml.into_bytes()
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
/// The text area's height in twips: 22 lines of the grid.
fn text_height() -> i32 {
    PAGE_HEIGHT as i32 - twips(MARGINS_MM[0]) - twips(MARGINS_MM[1])
}

/// Lines `text` takes at 28 characters a line, its first line indented `indent` characters (a
/// CJK character is one, a digit or Latin letter half).
fn lines_of(text: &str, indent: usize) -> i32 {
    let halves = line_width(text) + 2 * indent;
    i32::try_from(halves.div_ceil(2 * 28).max(1)).unwrap_or(i32::MAX)
}

/// Pages the document takes, reckoned on its grid: every line of text is one of 22 a page, the
/// title and the table at their own pitch; the 附件 starts a page; the 版记 needs room at the foot
/// of the last one. Word, WPS and LibreOffice break lines alike on a grid of 28 characters, so
/// this agrees with what they print unless a page ends within a line of full.
pub(super) fn estimated_pages(blocks: &[Block]) -> usize {
    let page = text_height();
    let (mut pages, mut used) = (1usize, 0i32);
    let add = |h: i32, pages: &mut usize, used: &mut i32| {
        if *used + h > page && *used > 0 {
            *pages += 1;
            *used = 0;
        }
        *used += h;
    };
    for b in blocks {
        let h = match b {
            Block::Title(lines) => TITLE_PITCH * i32::try_from(lines.len()).unwrap_or(1),
            Block::Number(_)
            | Block::Blank
            | Block::Signature(_)
            | Block::Date(_)
            | Block::Addressee(_) => LINE_PITCH,
            Block::Heading1(t)
            | Block::Heading2(t)
            | Block::Body(t)
            | Block::Note(t)
            | Block::AttachmentNote(t) => LINE_PITCH * lines_of(t, 2),
            Block::Attachment { rows, .. } => {
                pages += 1;
                used = 0;
                // "附件", a blank line, the title, a blank line, then the rows (a row as many
                // lines as its longest cell needs in its share of the width, and its border).
                let head = 3 * LINE_PITCH + TITLE_PITCH;
                let widths = column_widths();
                let rows: i32 = rows
                    .iter()
                    .map(|r| {
                        let lines = r
                            .iter()
                            .zip(&widths)
                            .map(|(c, w)| {
                                // A half-width unit of 4号 is 140 twips; the cell's margins.
                                let room = (w - 2 * 108).max(140);
                                let need = i32::try_from(line_width(c)).unwrap_or(0) * 140;
                                (need + room - 1) / room
                            })
                            .max()
                            .unwrap_or(1)
                            .max(1);
                        SMALL_PITCH * lines + 10
                    })
                    .sum();
                head + rows
            }
            Block::Imprint { copy_to, .. } => {
                (SMALL_PITCH + 100) * (1 + i32::from(copy_to.is_some())) + 200
            }
        };
        add(h, &mut pages, &mut used);
    }
    pages
}

pub(super) fn document(blocks: &[Block], created: &str) -> Docx {
    let mut ids = Ids(0);
    // 版记 on an even page (GB/T 9704-2012 7.4, 7.5: the back of the last sheet); when the text
    // ends on an odd one, the 版记 takes the next page on its own.
    let odd_pages = estimated_pages(blocks) % 2 == 1;
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
                let mut p = line(&mut ids, "", TITLE_FONT, TITLE_SIZE)
                    .align(AlignmentType::Center)
                    .snap_to_grid(false)
                    .line_spacing(pitch(TITLE_PITCH));
                for (k, l) in lines.iter().enumerate() {
                    let mut r = run(l, TITLE_FONT, TITLE_SIZE);
                    if k + 1 < lines.len() {
                        r = r.add_break(docx_rs::BreakType::TextWrapping);
                    }
                    p = p.add_run(r);
                }
                p.keep_next(true)
            }
            Block::Number(t) => {
                line(&mut ids, t, BODY_FONT, BODY_SIZE).align(AlignmentType::Center)
            }
            Block::AttachmentNote(t) => indented(line(&mut ids, t, BODY_FONT, BODY_SIZE)),
            Block::Attachment { title, rows } => {
                // "附件" top left in 黑体 on a new page, the title on the third line, the table.
                doc = doc.add_paragraph(
                    line(&mut ids, "附件", HEADING1_FONT, BODY_SIZE)
                        .align(AlignmentType::Left)
                        .page_break_before(true),
                );
                doc = doc.add_paragraph(line(&mut ids, "", BODY_FONT, BODY_SIZE));
                doc = doc.add_paragraph(
                    line(&mut ids, title, TITLE_FONT, TITLE_SIZE)
                        .align(AlignmentType::Center)
                        .snap_to_grid(false)
                        .line_spacing(pitch(TITLE_PITCH)),
                );
                doc = doc.add_paragraph(line(&mut ids, "", BODY_FONT, BODY_SIZE));
                doc = doc.add_table(table(&mut ids, rows));
                continue;
            }
            Block::Imprint {
                copy_to,
                issuer,
                date,
            } => {
                if odd_pages {
                    doc = doc.add_paragraph(
                        line(&mut ids, "", BODY_FONT, BODY_SIZE).page_break_before(true),
                    );
                }
                for p in imprint(&mut ids, copy_to.as_deref(), issuer, date) {
                    doc = doc.add_paragraph(p);
                }
                continue;
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
            Block::Body(t) => indented(line(&mut ids, &breakable(t), BODY_FONT, BODY_SIZE)),
            Block::Note(t) => indented(line(&mut ids, t, BODY_FONT, BODY_SIZE)),
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
    /// characters, 7 digits and 5 changes between them (12 + 14 + 5 = 31 quarters). The date
    /// four characters (1,280 twips) from the right; the office, longer than the date, centred
    /// over it would pass the edge, so it ends there. A short office is centred: "某办" (8
    /// quarters) over 31 → (32 + 31 − 8) / 2 = 27 quarters from the right.
    #[test]
    fn the_date_is_four_characters_from_the_right_and_the_office_centred_over_it() {
        assert_eq!(quarters("2026年1月20日"), 31);
        let (o, d) = signature_indents("广东省打击侵权假冒工作领导小组办公室", "2026年1月20日");
        assert_eq!((o, d), (0, 1280));
        let (o, d) = signature_indents("某办", "2026年1月20日");
        assert_eq!((o, d), (27 * 80, 1280));
    }

    /// 22 lines a page of 28 characters: 44 one-line paragraphs are two pages, 45 three; the 附件
    /// starts a page. Regression (issue 24): the 版记 then lands on an even page, a page of its
    /// own when the text ends on an odd one.
    #[test]
    fn the_imprint_is_on_an_even_page() {
        let body = |n: usize| -> Vec<Block> {
            let mut b: Vec<Block> = (0..n).map(|_| Block::Body("一".repeat(20))).collect();
            b.push(Block::Attachment {
                title: "排名表".into(),
                rows: vec![vec!["排名".into(), "地区".into()]; 10],
            });
            b.push(Block::Imprint {
                copy_to: None,
                issuer: "某办".into(),
                date: "2026年1月20日印发".into(),
            });
            b
        };
        assert_eq!(lines_of(&"一".repeat(26), 2), 1);
        assert_eq!(lines_of(&"一".repeat(27), 2), 2);
        assert_eq!(lines_of("〔2017〕100号", 0), 1);
        assert_eq!(estimated_pages(&body(22)), 2);
        assert_eq!(estimated_pages(&body(23)), 3);
        let page_breaks = |blocks: &[Block]| {
            let xml = String::from_utf8(document(blocks, "2026-01-20T00:00:00Z").build().document)
                .unwrap();
            xml.matches("<w:pageBreakBefore").count()
        };
        // The 附件's own break; and one more before the 版记 when the pages are odd.
        assert_eq!(page_breaks(&body(22)), 1);
        assert_eq!(page_breaks(&body(23)), 2);
    }

    #[test]
    fn a_number_after_a_bracket_may_start_a_line() {
        assert_eq!(
            breakable("国办发〔2017〕46号"),
            "国办发〔2017〕\u{200B}46号"
        );
        assert_eq!(breakable("〔2017〕）"), "〔2017〕）");
    }
}
