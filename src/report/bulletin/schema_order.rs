//! Puts the children of WordprocessingML property elements into the order the schema demands.
//!
//! docx-rs 0.4.22 writes `w:sz` before `w:rFonts`, a paragraph's `w:rPr` first in `w:pPr`, the
//! footer references last in `w:sectPr` and `w:zoom` after `w:defaultTabStop`. ECMA-376 defines
//! these as `xsd:sequence`s; LibreOffice reads them in any order, but Word silently drops run
//! properties out of sequence (the East Asian fonts among them) and Word for the web refuses the
//! file. This pass reorders the children of the elements below by their place in the schema
//! (ISO/IEC 29500-4:2016 `wml.xsd`, transitional), keeping everything else byte for byte. The
//! test `bulletin::the_draft_validates_against_the_wordprocessingml_schema` checks the result with
//! xmllint against that schema.

use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer};

/// The children of each ordered element, in schema order (local names in the `w:` namespace).
/// `w:rPr` covers both CT_RPr and the paragraph mark's CT_ParaRPr (`ins` … `moveTo` first).
const ORDERS: &[(&str, &[&str])] = &[
    (
        "rPr",
        &[
            "ins",
            "del",
            "moveFrom",
            "moveTo",
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
            "rPrChange",
        ],
    ),
    (
        "pPr",
        &[
            "pStyle",
            "keepNext",
            "keepLines",
            "pageBreakBefore",
            "framePr",
            "widowControl",
            "numPr",
            "suppressLineNumbers",
            "pBdr",
            "shd",
            "tabs",
            "suppressAutoHyphens",
            "kinsoku",
            "wordWrap",
            "overflowPunct",
            "topLinePunct",
            "autoSpaceDE",
            "autoSpaceDN",
            "bidi",
            "adjustRightInd",
            "snapToGrid",
            "spacing",
            "ind",
            "contextualSpacing",
            "mirrorIndents",
            "suppressOverlap",
            "jc",
            "textDirection",
            "textAlignment",
            "textboxTightWrap",
            "outlineLvl",
            "divId",
            "cnfStyle",
            "rPr",
            "sectPr",
            "pPrChange",
        ],
    ),
    (
        "sectPr",
        &[
            "headerReference",
            "footerReference",
            "footnotePr",
            "endnotePr",
            "type",
            "pgSz",
            "pgMar",
            "paperSrc",
            "pgBorders",
            "lnNumType",
            "pgNumType",
            "cols",
            "formProt",
            "vAlign",
            "noEndnote",
            "titlePg",
            "textDirection",
            "bidi",
            "rtlGutter",
            "docGrid",
            "printerSettings",
            "sectPrChange",
        ],
    ),
    (
        "style",
        &[
            "name",
            "aliases",
            "basedOn",
            "next",
            "link",
            "autoRedefine",
            "hidden",
            "uiPriority",
            "semiHidden",
            "unhideWhenUsed",
            "qFormat",
            "locked",
            "personal",
            "personalCompose",
            "personalReply",
            "rsid",
            "pPr",
            "rPr",
            "tblPr",
            "trPr",
            "tcPr",
            "tblStylePr",
        ],
    ),
    (
        "lvl",
        &[
            "start",
            "numFmt",
            "lvlRestart",
            "pStyle",
            "isLgl",
            "suff",
            "lvlText",
            "lvlPicBulletId",
            "legacy",
            "lvlJc",
            "pPr",
            "rPr",
        ],
    ),
    ("docDefaults", &["rPrDefault", "pPrDefault"]),
    (
        "settings",
        &[
            "writeProtection",
            "view",
            "zoom",
            "removePersonalInformation",
            "removeDateAndTime",
            "doNotDisplayPageBoundaries",
            "displayBackgroundShape",
            "printPostScriptOverText",
            "printFractionalCharacterWidth",
            "printFormsData",
            "embedTrueTypeFonts",
            "embedSystemFonts",
            "saveSubsetFonts",
            "saveFormsData",
            "mirrorMargins",
            "alignBordersAndEdges",
            "bordersDoNotSurroundHeader",
            "bordersDoNotSurroundFooter",
            "gutterAtTop",
            "hideSpellingErrors",
            "hideGrammaticalErrors",
            "activeWritingStyle",
            "proofState",
            "formsDesign",
            "attachedTemplate",
            "linkStyles",
            "stylePaneFormatFilter",
            "stylePaneSortMethod",
            "documentType",
            "mailMerge",
            "revisionView",
            "trackRevisions",
            "doNotTrackMoves",
            "doNotTrackFormatting",
            "documentProtection",
            "autoFormatOverride",
            "styleLockTheme",
            "styleLockQFSet",
            "defaultTabStop",
            "autoHyphenation",
            "consecutiveHyphenLimit",
            "hyphenationZone",
            "doNotHyphenateCaps",
            "showEnvelope",
            "summaryLength",
            "clickAndTypeStyle",
            "defaultTableStyle",
            "evenAndOddHeaders",
            "bookFoldRevPrinting",
            "bookFoldPrinting",
            "bookFoldPrintingSheets",
            "drawingGridHorizontalSpacing",
            "drawingGridVerticalSpacing",
            "displayHorizontalDrawingGridEvery",
            "displayVerticalDrawingGridEvery",
            "doNotUseMarginsForDrawingGridOrigin",
            "drawingGridHorizontalOrigin",
            "drawingGridVerticalOrigin",
            "doNotShadeFormData",
            "noPunctuationKerning",
            "characterSpacingControl",
            "printTwoOnOne",
            "strictFirstAndLastChars",
            "noLineBreaksAfter",
            "noLineBreaksBefore",
            "savePreviewPicture",
            "doNotValidateAgainstSchema",
            "saveInvalidXml",
            "ignoreMixedContent",
            "alwaysShowPlaceholderText",
            "doNotDemarcateInvalidXml",
            "saveXmlDataOnly",
            "useXSLTWhenSaving",
            "saveThroughXslt",
            "showXMLTags",
            "alwaysMergeEmptyNamespace",
            "updateFields",
            "hdrShapeDefaults",
            "footnotePr",
            "endnotePr",
            "compat",
            "docVars",
            "rsids",
            "mathPr",
            "attachedSchema",
            "themeFontLang",
            "clrSchemeMapping",
            "doNotIncludeSubdocsInStats",
            "doNotAutoCompressPictures",
            "forceUpgrade",
            "captions",
            "readModeInkLockDown",
            "smartTagType",
            "schemaLibrary",
            "shapeDefaults",
            "doNotEmbedSmartTags",
            "decimalSymbol",
            "listSeparator",
        ],
    ),
];

/// One element and what it holds, or any other piece of the document (text, declaration, …).
enum Node {
    Element {
        start: BytesStart<'static>,
        children: Vec<Node>,
        empty: bool,
    },
    Other(Event<'static>),
}

impl Node {
    fn name(&self) -> Option<&str> {
        match self {
            Node::Element { start, .. } => Some(start.name().into_inner()),
            Node::Other(_) => None,
        }
    }
}

/// The schema order of the children of `parent` (a qualified name such as `w:rPr`), if it has one.
fn order_of(parent: &str) -> Option<&'static [&'static str]> {
    let local = parent.strip_prefix("w:")?;
    ORDERS
        .iter()
        .find(|(name, _)| *name == local)
        .map(|(_, order)| *order)
}

/// A child's place: its index in the order; anything the order does not name (an extension
/// element such as `w14:docId`, or text) goes after, keeping its relative position.
fn rank(order: &[&str], child: &Node) -> usize {
    child
        .name()
        .and_then(|name| {
            let local = name.strip_prefix("w:")?;
            order.iter().position(|o| *o == local)
        })
        .unwrap_or(order.len())
}

fn parse(xml: &[u8]) -> Result<Vec<Node>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<(BytesStart<'static>, Vec<Node>)> = Vec::new();
    let mut top: Vec<Node> = Vec::new();
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf)?.into_owned();
        buf.clear();
        let node = match event {
            Event::Eof => break,
            Event::Start(start) => {
                stack.push((start, Vec::new()));
                continue;
            }
            Event::End(_) => {
                let Some((start, children)) = stack.pop() else {
                    return Err(quick_xml::Error::IllFormed(
                        quick_xml::errors::IllFormedError::UnmatchedEndTag(String::new()),
                    ));
                };
                Node::Element {
                    start,
                    children,
                    empty: false,
                }
            }
            Event::Empty(start) => Node::Element {
                start,
                children: Vec::new(),
                empty: true,
            },
            other => Node::Other(other),
        };
        match stack.last_mut() {
            Some((_, children)) => children.push(node),
            None => top.push(node),
        }
    }
    if let Some((start, _)) = stack.pop() {
        let name = start.name().into_inner().to_owned();
        return Err(quick_xml::Error::IllFormed(
            quick_xml::errors::IllFormedError::MissingEndTag(name),
        ));
    }
    Ok(top)
}

/// An empty `w:rPr` says nothing, and docx-rs writes one into every style's and list level's
/// `w:pPr`, where the schema (CT_PPrGeneral) allows none.
fn is_empty_run_properties(node: &Node) -> bool {
    matches!(node, Node::Element { start, children, .. }
        if start.name().into_inner() == "w:rPr" && children.is_empty() && start.attributes().next().is_none())
}

/// docx-rs writes `w:type` on `w:gridCol`, where the schema (CT_TblGridCol) allows only `w:w`.
fn drop_grid_col_type(start: &mut BytesStart<'static>) {
    if start.name().into_inner() != "w:gridCol" {
        return;
    }
    // Values are kept as written (already escaped).
    let kept: Vec<(String, String)> = start
        .attributes()
        .flatten()
        .filter(|a| a.key.into_inner() != "w:type")
        .map(|a| (a.key.into_inner().to_string(), a.value.into_owned()))
        .collect();
    start.clear_attributes();
    for (k, v) in &kept {
        start.push_attribute(quick_xml::events::attributes::Attribute {
            key: quick_xml::name::QName(k),
            value: std::borrow::Cow::Borrowed(v.as_str()),
        });
    }
}

fn sort(nodes: &mut Vec<Node>) {
    nodes.retain(|node| !is_empty_run_properties(node));
    for node in nodes {
        if let Node::Element {
            start, children, ..
        } = node
        {
            drop_grid_col_type(start);
            sort(children);
            if let Some(order) = order_of(start.name().into_inner()) {
                children.sort_by_key(|child| rank(order, child));
            }
        }
    }
}

fn write(nodes: Vec<Node>, out: &mut Writer<Vec<u8>>) -> Result<(), quick_xml::Error> {
    for node in nodes {
        match node {
            Node::Element {
                start, empty: true, ..
            } => out.write_event(Event::Empty(start))?,
            Node::Element {
                start, children, ..
            } => {
                let end = BytesEnd::new(start.name().into_inner().to_owned());
                out.write_event(Event::Start(start))?;
                write(children, out)?;
                out.write_event(Event::End(end))?;
            }
            Node::Other(event) => out.write_event(event)?,
        }
    }
    Ok(())
}

/// `xml` with the children of every ordered element in schema order and no empty `w:rPr`.
///
/// # Errors
///
/// When `xml` is not well-formed (docx-rs always writes well-formed parts).
pub fn canonical(xml: &[u8]) -> Result<Vec<u8>, quick_xml::Error> {
    let mut nodes = parse(xml)?;
    sort(&mut nodes);
    let mut out = Writer::new(Vec::with_capacity(xml.len()));
    write(nodes, &mut out)?;
    Ok(out.into_inner())
}

/// Every WordprocessingML part of `docx` put in schema order.
///
/// # Errors
///
/// As for [`canonical`].
pub fn apply(docx: &mut docx_rs::XMLDocx) -> Result<(), quick_xml::Error> {
    for part in [
        &mut docx.document,
        &mut docx.styles,
        &mut docx.settings,
        &mut docx.numberings,
        &mut docx.comments,
        &mut docx.footnotes,
    ] {
        *part = canonical(part)?;
    }
    for part in docx.headers.iter_mut().chain(docx.footers.iter_mut()) {
        *part = canonical(part)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn run_fonts_go_before_the_size_and_the_paragraph_mark_last() {
        let xml = br#"<w:p><w:pPr><w:rPr><w:sz w:val="32" /><w:rFonts w:eastAsia="&#20223;"/></w:rPr><w:jc w:val="right"/><w:keepNext/></w:pPr><w:r><w:t xml:space="preserve"> a &amp; b </w:t></w:r></w:p>"#;
        let out = String::from_utf8(canonical(xml).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"<w:p><w:pPr><w:keepNext/><w:jc w:val="right"/><w:rPr><w:rFonts w:eastAsia="&#20223;"/><w:sz w:val="32" /></w:rPr></w:pPr><w:r><w:t xml:space="preserve"> a &amp; b </w:t></w:r></w:p>"#
        );
    }

    #[test]
    fn footer_references_lead_the_section_and_unknown_children_keep_their_place() {
        let xml = br#"<w:sectPr><w:pgSz/><w14:x/><w:docGrid/><w:footerReference w:type="even"/><w:footerReference w:type="default"/></w:sectPr>"#;
        let out = String::from_utf8(canonical(xml).unwrap()).unwrap();
        assert_eq!(
            out,
            r#"<w:sectPr><w:footerReference w:type="even"/><w:footerReference w:type="default"/><w:pgSz/><w:docGrid/><w14:x/></w:sectPr>"#
        );
    }

    #[test]
    fn ill_formed_xml_is_an_error_not_a_panic() {
        assert!(canonical(b"<w:p><w:pPr></w:p>").is_err());
        assert!(canonical(b"<w:p>").is_err());
    }
}
