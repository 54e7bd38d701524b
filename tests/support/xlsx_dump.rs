//! An .xlsx turned into one readable, diffable text per sheet, for golden-file tests.
//!
//! [`dump`] gives `"00-workbook"` (sheet order and visibility, defined names, document
//! properties, the parts in the package) and one entry per sheet, keyed by its position and name
//! (`"01-总排名"`). A sheet's text has one fact per line, in sections that always come in the same
//! order: `[sheet]`, `[print]`, `[view]`, `[cols]`, `[rows]`, `[merged]`, `[conditional formats]`,
//! `[data validations]`, `[hyperlinks]`, `[notes]`, `[cells]`, `[drawing]`. A cell reads
//!
//! ```text
//! B3 n 68.88 {fmt="0.00" bold fill=FFC78F border wrap}
//! A1 s "标题" {size=16 bold h=center v=center}
//! C9 f "SUM(C2:C8)" = 6 {fmt="0.00"}
//! ```
//!
//! with shared and inline strings resolved to their text and the style resolved from styles.xml
//! into what a reader sees (number format, font, fill, borders, alignment, protection), defaults
//! left out. Charts are shown element by element, one per line, indented by depth, attributes
//! sorted, so a changed axis or colour is a one-line diff. Nothing depends on the order of the
//! zip entries or of the attributes. Not shown: rich-text runs inside a string (only its text),
//! theme colours other than by index, VML other than a note's visibility.
//!
//! Test support: a malformed workbook panics with the part at fault.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

/// The workbook at `path`, one text per sheet plus `"00-workbook"`.
pub fn dump(path: &Path) -> BTreeMap<String, String> {
    let pkg = Package::open(path);
    let workbook = pkg.xml("xl/workbook.xml");
    let rels = pkg.rels("xl/workbook.xml");
    let styles = pkg
        .try_xml("xl/styles.xml")
        .map(|n| Styles::new(&n))
        .unwrap_or_default();
    let strings = pkg
        .try_xml("xl/sharedStrings.xml")
        .map(|n| n.all("si").map(si_text).collect())
        .unwrap_or_default();
    let names: Vec<&Node> = workbook
        .child("definedNames")
        .map(|d| d.all("definedName").collect())
        .unwrap_or_default();
    let sheets: Vec<&Node> = workbook
        .child("sheets")
        .map(|s| s.all("sheet").collect())
        .unwrap_or_default();

    let mut out = BTreeMap::new();
    out.insert("00-workbook".to_string(), workbook_dump(&pkg, &workbook));
    for (i, sheet) in sheets.iter().enumerate() {
        let name = sheet.attr("name").unwrap_or("");
        let rid = sheet.rid().unwrap_or("");
        let Some(rel) = rels.get(rid) else {
            panic!("sheet {name}: no relationship {rid} in xl/_rels/workbook.xml.rels");
        };
        let ctx = SheetContext {
            pkg: &pkg,
            styles: &styles,
            strings: &strings,
            index: i,
            name,
            state: sheet.attr("state").unwrap_or("visible"),
            kind: &rel.kind,
            part: &rel.target,
            names: &names,
        };
        out.insert(format!("{:02}-{name}", i + 1), ctx.dump());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// XML

/// An element: qualified name, attributes in file order (without `xmlns`), its own text (all
/// text and CDATA directly inside it, entities resolved) and its child elements.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    /// The name without its prefix.
    pub fn local(&self) -> &str {
        local(&self.name)
    }

    /// The attribute with exactly this (qualified) name.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A prefixed `…:id` or `…:embed` attribute: the relationship id, whatever the prefix.
    pub fn rid(&self) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.contains(':') && matches!(local(k), "id" | "embed"))
            .map(|(_, v)| v.as_str())
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.local() == name)
    }

    /// Every child element with this local name.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.local() == name)
    }

    /// The first element with this local name anywhere below, depth first.
    pub fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|c| {
            if c.local() == name {
                Some(c)
            } else {
                c.find(name)
            }
        })
    }

    /// The text of the element and everything below it.
    pub fn deep_text(&self) -> String {
        let mut s = self.text.clone();
        for c in &self.children {
            s.push_str(&c.deep_text());
        }
        s
    }

    /// The value of a `<x val="…"/>` child.
    fn val(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(|c| c.attr("val"))
    }

    /// A flag child such as `<b/>`, false for `<b val="0"/>`.
    fn flag(&self, name: &str) -> bool {
        self.child(name)
            .is_some_and(|c| !matches!(c.attr("val"), Some("0" | "false")))
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Parses a whole document into its root element.
pub fn parse(xml: &[u8]) -> Result<Node, String> {
    let text = std::str::from_utf8(xml).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut reader = Reader::from_str(text);
    let mut stack = vec![Node::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => stack.push(element(&e)?),
            Event::Empty(e) => {
                let node = element(&e)?;
                top(&mut stack)?.children.push(node);
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unbalanced end tag")?;
                top(&mut stack)?.children.push(node);
            }
            Event::Text(t) => top(&mut stack)?.text.push_str(&t.xml10_content()),
            Event::CData(t) => top(&mut stack)?.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c,
                    None => match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                top(&mut stack)?.text.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("unclosed element".into());
    }
    stack
        .pop()
        .and_then(|doc| doc.children.into_iter().next())
        .ok_or_else(|| "no root element".into())
}

fn top(stack: &mut [Node]) -> Result<&mut Node, String> {
    stack.last_mut().ok_or_else(|| "unbalanced end tag".into())
}

fn element(e: &BytesStart) -> Result<Node, String> {
    let name = e.name().as_ref().to_string();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("<{name}>: {e}"))?;
        let key = a.key.as_ref().to_string();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("<{name} {key}>: {e}"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Node {
        name,
        attrs,
        ..Node::default()
    })
}

/// An element and everything below it, one element per line, indented two spaces per level:
/// `name k=v k=v "text"`, attributes sorted.
pub fn tree(node: &Node, depth: usize, out: &mut String) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&node.name);
    let mut attrs: Vec<&(String, String)> = node.attrs.iter().collect();
    attrs.sort();
    for (k, v) in attrs {
        let _ = write!(out, " {k}={}", value(v));
    }
    if !node.text.trim().is_empty() {
        let _ = write!(out, " {:?}", node.text);
    }
    out.push('\n');
    for c in &node.children {
        tree(c, depth + 1, out);
    }
}

/// An attribute value, quoted only when it has to be.
fn value(v: &str) -> String {
    if v.is_empty()
        || v.chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"\\{}".contains(c))
    {
        format!("{v:?}")
    } else {
        v.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// The package

struct Package {
    parts: BTreeMap<String, Vec<u8>>,
}

struct Rel {
    /// The last segment of the relationship type: `worksheet`, `chart`, `image`, `comments`…
    kind: String,
    /// The part it points to, from the package root, or the target as written when external.
    target: String,
    external: bool,
}

impl Package {
    fn open(path: &Path) -> Package {
        let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut zip = zip::ZipArchive::new(file)
            .unwrap_or_else(|e| panic!("{}: not a zip: {e}", path.display()));
        let mut parts = BTreeMap::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).expect("zip entry");
            let name = entry.name().expect("zip entry name").into_owned();
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            parts.insert(name, bytes);
        }
        Package { parts }
    }

    fn try_xml(&self, part: &str) -> Option<Node> {
        let bytes = self.parts.get(part)?;
        Some(parse(bytes).unwrap_or_else(|e| panic!("{part}: {e}")))
    }

    fn xml(&self, part: &str) -> Node {
        self.try_xml(part)
            .unwrap_or_else(|| panic!("the workbook has no {part}"))
    }

    /// The relationships of a part, by id.
    fn rels(&self, part: &str) -> BTreeMap<String, Rel> {
        let (dir, file) = match part.rfind('/') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => ("", part),
        };
        let rels_part = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(root) = self.try_xml(&rels_part) else {
            return BTreeMap::new();
        };
        root.all("Relationship")
            .map(|r| {
                let target = r.attr("Target").unwrap_or("");
                let external = r.attr("TargetMode") == Some("External");
                let rel = Rel {
                    kind: r
                        .attr("Type")
                        .unwrap_or("")
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    target: if external {
                        target.to_string()
                    } else {
                        resolve(dir, target)
                    },
                    external,
                };
                (r.attr("Id").unwrap_or("").to_string(), rel)
            })
            .collect()
    }
}

/// A relationship target, relative to the folder of its source part, as a path from the root.
fn resolve(dir: &str, target: &str) -> String {
    let mut segments: Vec<&str> = if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

// ---------------------------------------------------------------------------------------------
// 00-workbook

fn workbook_dump(pkg: &Package, wb: &Node) -> String {
    let mut out = String::new();
    out.push_str("[sheets]\n");
    let rels = pkg.rels("xl/workbook.xml");
    let sheets: Vec<&Node> = wb
        .child("sheets")
        .map(|s| s.all("sheet").collect())
        .unwrap_or_default();
    for (i, s) in sheets.iter().enumerate() {
        let kind = s
            .rid()
            .and_then(|id| rels.get(id))
            .map_or("?", |r| r.kind.as_str());
        let _ = write!(out, "{} {} {kind}", i + 1, s.attr("name").unwrap_or(""));
        if let Some(state) = s.attr("state") {
            let _ = write!(out, " {state}");
        }
        out.push('\n');
    }

    out.push_str("[workbook]\n");
    for (section, node) in [
        ("workbookPr", wb.child("workbookPr")),
        ("workbookView", wb.find("workbookView")),
        ("calcPr", wb.child("calcPr")),
        ("workbookProtection", wb.child("workbookProtection")),
    ] {
        if let Some(n) = node {
            for (k, v) in sorted_attrs(n) {
                let _ = writeln!(out, "{section} {k}={}", value(v));
            }
        }
    }

    out.push_str("[defined names]\n");
    if let Some(names) = wb.child("definedNames") {
        for n in names.all("definedName") {
            let _ = write!(out, "{}", n.attr("name").unwrap_or(""));
            if let Some(id) = n.attr("localSheetId") {
                let sheet = id
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| sheets.get(i))
                    .and_then(|s| s.attr("name"))
                    .unwrap_or("?");
                let _ = write!(out, " [{sheet}]");
            }
            if n.attr("hidden") == Some("1") {
                out.push_str(" hidden");
            }
            let _ = writeln!(out, " = {}", n.text);
        }
    }

    let root_rels = pkg.rels("");
    let core = root_rels
        .values()
        .find(|r| r.kind == "core-properties")
        .map_or("docProps/core.xml".to_string(), |r| r.target.clone());
    out.push_str("[core properties]\n");
    if let Some(core) = pkg.try_xml(&core) {
        for p in &core.children {
            let _ = write!(out, "{}", p.name);
            for (k, v) in sorted_attrs(p) {
                let _ = write!(out, " {k}={}", value(v));
            }
            let _ = writeln!(out, " {:?}", p.deep_text());
        }
    }
    out.push_str("[custom properties]\n");
    let custom = root_rels
        .values()
        .find(|r| r.kind == "custom-properties")
        .map_or("docProps/custom.xml".to_string(), |r| r.target.clone());
    if let Some(custom) = pkg.try_xml(&custom) {
        for p in custom.all("property") {
            let (kind, text) = p
                .children
                .first()
                .map_or(("?", String::new()), |v| (v.local(), v.deep_text()));
            let _ = writeln!(out, "{} ({kind}) {text:?}", p.attr("name").unwrap_or(""));
        }
    }

    out.push_str("[parts]\n");
    for name in pkg.parts.keys() {
        let _ = writeln!(out, "{name}");
    }
    out
}

fn sorted_attrs(n: &Node) -> Vec<(&str, &str)> {
    let mut a: Vec<(&str, &str)> = n
        .attrs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    a.sort();
    a
}

// ---------------------------------------------------------------------------------------------
// Styles

/// Every cell format (`cellXfs`) and differential format (`dxfs`), rendered.
#[derive(Default)]
struct Styles {
    xfs: Vec<String>,
    dxfs: Vec<String>,
}

impl Styles {
    fn new(root: &Node) -> Styles {
        let mut formats: BTreeMap<u32, String> = BTreeMap::new();
        if let Some(n) = root.child("numFmts") {
            for f in n.all("numFmt") {
                if let (Some(id), Some(code)) = (
                    f.attr("numFmtId").and_then(|i| i.parse().ok()),
                    f.attr("formatCode"),
                ) {
                    formats.insert(id, code.to_string());
                }
            }
        }
        let list = |name: &str, item: &str| -> Vec<Node> {
            root.child(name)
                .map(|n| n.all(item).cloned().collect())
                .unwrap_or_default()
        };
        let fonts = list("fonts", "font");
        let fills = list("fills", "fill");
        let borders = list("borders", "border");
        let base_font = fonts.first().cloned().unwrap_or_default();
        let pick = |v: &[Node], xf: &Node, key: &str| -> Option<Node> {
            let i: usize = xf.attr(key)?.parse().ok()?;
            v.get(i).cloned()
        };
        let xfs = root
            .child("cellXfs")
            .map(|n| {
                n.all("xf")
                    .map(|xf| {
                        let mut a = Vec::new();
                        let fmt = xf
                            .attr("numFmtId")
                            .and_then(|i| i.parse().ok())
                            .unwrap_or(0);
                        num_format(fmt, &formats, &mut a);
                        if let Some(font) = pick(&fonts, xf, "fontId") {
                            font_attrs(&font, Some(&base_font), &mut a);
                        }
                        if let Some(fill) = pick(&fills, xf, "fillId") {
                            fill_attrs(&fill, false, &mut a);
                        }
                        if let Some(border) = pick(&borders, xf, "borderId") {
                            border_attrs(&border, &mut a);
                        }
                        align_attrs(xf, &mut a);
                        if xf.attr("quotePrefix") == Some("1") {
                            a.push("quote-prefix".into());
                        }
                        a.join(" ")
                    })
                    .collect()
            })
            .unwrap_or_default();
        let dxfs = root
            .child("dxfs")
            .map(|n| {
                n.all("dxf")
                    .map(|dxf| {
                        let mut a = Vec::new();
                        if let Some(code) = dxf.child("numFmt").and_then(|f| f.attr("formatCode")) {
                            a.push(format!("fmt={code:?}"));
                        }
                        if let Some(font) = dxf.child("font") {
                            font_attrs(font, None, &mut a);
                        }
                        if let Some(fill) = dxf.child("fill") {
                            fill_attrs(fill, true, &mut a);
                        }
                        if let Some(border) = dxf.child("border") {
                            border_attrs(border, &mut a);
                        }
                        align_attrs(dxf, &mut a);
                        a.join(" ")
                    })
                    .collect()
            })
            .unwrap_or_default();
        Styles { xfs, dxfs }
    }

    /// ` {…}` for a cell format index, or nothing for the default look.
    fn braces(&self, s: Option<&str>) -> String {
        let attrs = s
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|i| self.xfs.get(i))
            .map_or("", String::as_str);
        if attrs.is_empty() {
            String::new()
        } else {
            format!(" {{{attrs}}}")
        }
    }

    fn dxf(&self, id: Option<&str>) -> String {
        let attrs = id
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|i| self.dxfs.get(i))
            .map_or("", String::as_str);
        if attrs.is_empty() {
            String::new()
        } else {
            format!(" {{{attrs}}}")
        }
    }
}

/// Excel's built-in number formats (those a writer refers to by id alone).
fn builtin_format(id: u32) -> Option<&'static str> {
    Some(match id {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 => "($#,##0_);($#,##0)",
        6 => "($#,##0_);[Red]($#,##0)",
        7 => "($#,##0.00_);($#,##0.00)",
        8 => "($#,##0.00_);[Red]($#,##0.00)",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "m/d/yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        37 => "(#,##0_);(#,##0)",
        38 => "(#,##0_);[Red](#,##0)",
        39 => "(#,##0.00_);(#,##0.00)",
        40 => "(#,##0.00_);[Red](#,##0.00)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mm:ss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

fn num_format(id: u32, custom: &BTreeMap<u32, String>, a: &mut Vec<String>) {
    if id == 0 {
        return;
    }
    match custom.get(&id).map(String::as_str).or(builtin_format(id)) {
        Some(code) => a.push(format!("fmt={code:?}")),
        None => a.push(format!("fmt=#{id}")),
    }
}

/// `FFC78F` for an opaque ARGB colour, `theme1` / `theme1~-0.25` for a theme one.
fn color(c: &Node) -> Option<String> {
    if let Some(rgb) = c.attr("rgb") {
        let rgb = if rgb.len() == 8 && rgb.starts_with("FF") {
            &rgb[2..]
        } else {
            rgb
        };
        return Some(rgb.to_string());
    }
    let base = if let Some(t) = c.attr("theme") {
        format!("theme{t}")
    } else if let Some(i) = c.attr("indexed") {
        format!("indexed{i}")
    } else if c.attr("auto") == Some("1") {
        "auto".to_string()
    } else {
        return None;
    };
    Some(match c.attr("tint") {
        Some(t) => format!("{base}~{t}"),
        None => base,
    })
}

/// The font's differences from `base` (all of it when there is no base, as in a dxf).
fn font_attrs(font: &Node, base: Option<&Node>, a: &mut Vec<String>) {
    let differs = |get: &dyn Fn(&Node) -> Option<String>| -> Option<String> {
        let mine = get(font);
        match base {
            Some(b) if get(b) == mine => None,
            _ => mine,
        }
    };
    if let Some(name) = differs(&|f| f.val("name").or(f.val("rFont")).map(String::from)) {
        a.push(format!("font={}", value(&name)));
    }
    if let Some(sz) = differs(&|f| f.val("sz").map(String::from)) {
        a.push(format!("size={sz}"));
    }
    for (tag, label) in [
        ("b", "bold"),
        ("i", "italic"),
        ("strike", "strike"),
        ("outline", "outline"),
        ("shadow", "shadow"),
    ] {
        if font.flag(tag) && !base.is_some_and(|b| b.flag(tag)) {
            a.push(label.into());
        }
    }
    if let Some(u) = differs(&|f| {
        f.child("u")
            .map(|u| u.attr("val").unwrap_or("single").to_string())
    }) {
        a.push(if u == "single" {
            "underline".into()
        } else {
            format!("underline={u}")
        });
    }
    if let Some(v) = differs(&|f| f.val("vertAlign").map(String::from)) {
        a.push(v);
    }
    if let Some(c) = differs(&|f| f.child("color").and_then(color)) {
        a.push(format!("color={c}"));
    }
}

/// `fill=FFC78F` for a solid fill; `fill=pattern:fg/bg` otherwise. The default fills (none and
/// gray125, which Excel reserves as fills 0 and 1) show nothing.
fn fill_attrs(fill: &Node, dxf: bool, a: &mut Vec<String>) {
    if let Some(p) = fill.child("patternFill") {
        let fg = p.child("fgColor").and_then(color);
        let bg = p.child("bgColor").and_then(color);
        let pattern = p
            .attr("patternType")
            .unwrap_or(if dxf { "solid" } else { "none" });
        match pattern {
            "none" => {}
            "gray125" if !dxf => {}
            "solid" => {
                // A solid cell fill is its foreground; in a dxf Excel uses the background.
                let c = if dxf { bg.or(fg) } else { fg.or(bg) };
                a.push(format!("fill={}", c.unwrap_or_else(|| "auto".into())));
            }
            other => {
                let mut s = format!("fill={other}");
                if let Some(fg) = fg {
                    let _ = write!(s, ":{fg}");
                }
                if let Some(bg) = bg {
                    let _ = write!(s, "/{bg}");
                }
                a.push(s);
            }
        }
    } else if let Some(g) = fill.child("gradientFill") {
        let stops: Vec<String> = g
            .all("stop")
            .map(|s| {
                format!(
                    "{}@{}",
                    s.child("color").and_then(color).unwrap_or_default(),
                    s.attr("position").unwrap_or("")
                )
            })
            .collect();
        a.push(format!("fill=gradient:{}", stops.join(",")));
    }
}

/// `border` for a thin box without colour; `border=medium`, `border=thin:FF0000` for another
/// uniform box; `border=left:thin,bottom:double` for anything else. No borders, nothing.
fn border_attrs(border: &Node, a: &mut Vec<String>) {
    let side = |name: &str| -> Option<String> {
        let s = border.child(name)?;
        let style = s.attr("style")?;
        Some(
            match s.child("color").and_then(color).filter(|c| c != "auto") {
                Some(c) => format!("{style}:{c}"),
                None => style.to_string(),
            },
        )
    };
    let box_sides: Vec<Option<String>> = ["left", "right", "top", "bottom"]
        .iter()
        .map(|n| side(n))
        .collect();
    let diagonal = side("diagonal");
    if box_sides.iter().all(Option::is_none) && diagonal.is_none() {
        return;
    }
    if diagonal.is_none() && box_sides.iter().all(|s| s == &box_sides[0]) {
        let s = box_sides[0].clone().unwrap_or_default();
        a.push(if s == "thin" {
            "border".into()
        } else {
            format!("border={s}")
        });
        return;
    }
    let mut parts = Vec::new();
    for (name, s) in ["left", "right", "top", "bottom"].iter().zip(&box_sides) {
        if let Some(s) = s {
            parts.push(format!("{name}:{s}"));
        }
    }
    if let Some(d) = diagonal {
        let dir = match (border.attr("diagonalUp"), border.attr("diagonalDown")) {
            (Some("1"), Some("1")) => "diagonal",
            (Some("1"), _) => "diagonalUp",
            (_, Some("1")) => "diagonalDown",
            _ => "diagonal",
        };
        parts.push(format!("{dir}:{d}"));
    }
    a.push(format!("border={}", parts.join(",")));
}

fn align_attrs(xf: &Node, a: &mut Vec<String>) {
    if let Some(al) = xf.child("alignment") {
        if let Some(h) = al.attr("horizontal").filter(|h| *h != "general") {
            a.push(format!("h={h}"));
        }
        if let Some(v) = al.attr("vertical").filter(|v| *v != "bottom") {
            a.push(format!("v={v}"));
        }
        if matches!(al.attr("wrapText"), Some("1" | "true")) {
            a.push("wrap".into());
        }
        if matches!(al.attr("shrinkToFit"), Some("1" | "true")) {
            a.push("shrink".into());
        }
        for (key, label) in [
            ("indent", "indent"),
            ("textRotation", "rotate"),
            ("readingOrder", "reading-order"),
        ] {
            if let Some(v) = al.attr(key).filter(|v| *v != "0") {
                a.push(format!("{label}={v}"));
            }
        }
    }
    if let Some(p) = xf.child("protection") {
        if matches!(p.attr("locked"), Some("0" | "false")) {
            a.push("unlocked".into());
        }
        if matches!(p.attr("hidden"), Some("1" | "true")) {
            a.push("formula-hidden".into());
        }
    }
}

/// The text of a shared or inline string (`<si>`/`<is>`), runs joined, phonetic runs left out.
fn si_text(si: &Node) -> String {
    let mut s = String::new();
    for c in &si.children {
        match c.local() {
            "t" => s.push_str(&c.text),
            "r" => {
                if let Some(t) = c.child("t") {
                    s.push_str(&t.text);
                }
            }
            _ => {}
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// One sheet

struct SheetContext<'a> {
    pkg: &'a Package,
    styles: &'a Styles,
    strings: &'a Vec<String>,
    /// Position among the sheets, from 0 (as `localSheetId` counts).
    index: usize,
    name: &'a str,
    state: &'a str,
    /// `worksheet`, `chartsheet`, `dialogsheet`.
    kind: &'a str,
    part: &'a str,
    names: &'a [&'a Node],
}

/// `A`, `Z`, `AA`… for a column number from 1.
fn column_name(mut n: u32) -> String {
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// (row, column), both from 1, of a reference such as `AB12`.
fn cell_position(r: &str) -> (u32, u32) {
    let letters: String = r.chars().take_while(char::is_ascii_alphabetic).collect();
    let col = letters.bytes().fold(0u32, |acc, b| {
        acc * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row = r[letters.len()..].parse().unwrap_or(0);
    (row, col)
}

/// `A1:N1` sorts by its first cell, row first.
fn range_key(r: &str) -> (u32, u32, String) {
    let first = r.split([':', ' ']).next().unwrap_or("");
    let (row, col) = cell_position(first);
    (row, col, r.to_string())
}

impl SheetContext<'_> {
    fn dump(&self) -> String {
        let mut out = String::new();
        let root = self.pkg.xml(self.part);
        let rels = self.pkg.rels(self.part);

        out.push_str("[sheet]\n");
        let _ = writeln!(out, "name {}", self.name);
        let _ = writeln!(out, "type {}", self.kind);
        let _ = writeln!(out, "state {}", self.state);
        if let Some(pr) = root.child("sheetPr") {
            for (k, v) in sorted_attrs(pr) {
                let _ = writeln!(out, "sheetPr {k}={}", value(v));
            }
            if let Some(c) = pr.child("tabColor").and_then(color) {
                let _ = writeln!(out, "tab color {c}");
            }
            for sub in ["pageSetUpPr", "outlinePr"] {
                if let Some(n) = pr.child(sub) {
                    for (k, v) in sorted_attrs(n) {
                        let _ = writeln!(out, "{sub} {k}={}", value(v));
                    }
                }
            }
        }
        if let Some(p) = root.child("sheetProtection") {
            for (k, v) in sorted_attrs(p) {
                let _ = writeln!(out, "protection {k}={}", value(v));
            }
        }

        self.print(&root, &mut out);
        self.view(&root, &mut out);
        self.cols_rows_merges(&root, &mut out);
        self.rules(&root, &mut out);
        self.hyperlinks(&root, &rels, &mut out);
        self.notes(&rels, &mut out);
        self.cells(&root, &mut out);
        self.drawing(&root, &rels, &mut out);
        out
    }

    fn print(&self, root: &Node, out: &mut String) {
        out.push_str("[print]\n");
        if let Some(ps) = root.child("pageSetup") {
            for (k, v) in sorted_attrs(ps) {
                if !k.contains(':') {
                    let _ = writeln!(out, "{k} {}", value(v));
                }
            }
        }
        if let Some(m) = root.child("pageMargins") {
            for key in ["left", "right", "top", "bottom", "header", "footer"] {
                if let Some(v) = m.attr(key) {
                    let _ = writeln!(out, "margin {key} {v}");
                }
            }
        }
        if let Some(po) = root.child("printOptions") {
            for (k, v) in sorted_attrs(po) {
                let _ = writeln!(out, "printOptions {k}={}", value(v));
            }
        }
        if let Some(hf) = root.child("headerFooter") {
            for (k, v) in sorted_attrs(hf) {
                let _ = writeln!(out, "headerFooter {k}={}", value(v));
            }
            for c in &hf.children {
                let _ = writeln!(out, "{} {:?}", c.local(), c.text);
            }
        }
        for n in self.names {
            if n.attr("localSheetId").and_then(|i| i.parse::<usize>().ok()) != Some(self.index) {
                continue;
            }
            let label = match n.attr("name").unwrap_or("") {
                "_xlnm.Print_Titles" => "print titles".to_string(),
                "_xlnm.Print_Area" => "print area".to_string(),
                "_xlnm._FilterDatabase" => "filter database".to_string(),
                other => format!("name {other}"),
            };
            let _ = writeln!(out, "{label} {}", n.text);
        }
        for (tag, label) in [("rowBreaks", "row break"), ("colBreaks", "col break")] {
            if let Some(b) = root.child(tag) {
                for brk in b.all("brk") {
                    let _ = write!(out, "{label} {}", brk.attr("id").unwrap_or(""));
                    for (k, v) in sorted_attrs(brk) {
                        if k != "id" {
                            let _ = write!(out, " {k}={}", value(v));
                        }
                    }
                    out.push('\n');
                }
            }
        }
    }

    fn view(&self, root: &Node, out: &mut String) {
        out.push_str("[view]\n");
        if let Some(views) = root.child("sheetViews") {
            for v in views.all("sheetView") {
                for (k, val) in sorted_attrs(v) {
                    if k != "workbookViewId" {
                        let _ = writeln!(out, "sheetView {k}={}", value(val));
                    }
                }
                if let Some(p) = v.child("pane") {
                    let x = p.attr("xSplit").unwrap_or("0");
                    let y = p.attr("ySplit").unwrap_or("0");
                    let tl = p.attr("topLeftCell").unwrap_or("");
                    match p.attr("state") {
                        Some("frozen" | "frozenSplit") => {
                            let _ = writeln!(out, "freeze rows={y} cols={x} top-left={tl}");
                        }
                        _ => {
                            let _ = writeln!(out, "split x={x} y={y} top-left={tl}");
                        }
                    }
                    if let Some(a) = p.attr("activePane") {
                        let _ = writeln!(out, "active pane {a}");
                    }
                }
                for s in v.all("selection") {
                    let _ = write!(out, "selection");
                    for (k, val) in sorted_attrs(s) {
                        let _ = write!(out, " {k}={}", value(val));
                    }
                    out.push('\n');
                }
            }
        }
        if let Some(f) = root.child("sheetFormatPr") {
            for (k, v) in sorted_attrs(f) {
                let _ = writeln!(out, "sheetFormatPr {k}={}", value(v));
            }
        }
        if let Some(af) = root.child("autoFilter") {
            let _ = writeln!(out, "autofilter {}", af.attr("ref").unwrap_or(""));
            let mut s = String::new();
            for c in &af.children {
                tree(c, 1, &mut s);
            }
            out.push_str(&s);
        }
    }

    fn cols_rows_merges(&self, root: &Node, out: &mut String) {
        out.push_str("[cols]\n");
        if let Some(cols) = root.child("cols") {
            for c in cols.all("col") {
                let min: u32 = c.attr("min").and_then(|v| v.parse().ok()).unwrap_or(0);
                let max: u32 = c.attr("max").and_then(|v| v.parse().ok()).unwrap_or(min);
                let span = if min == max {
                    column_name(min)
                } else {
                    format!("{}:{}", column_name(min), column_name(max))
                };
                let _ = write!(out, "{span}");
                if let Some(w) = c.attr("width") {
                    let _ = write!(out, " {w}");
                }
                for (k, v) in sorted_attrs(c) {
                    if !matches!(k, "min" | "max" | "width" | "customWidth" | "style") {
                        let _ = write!(out, " {k}={}", value(v));
                    }
                }
                out.push_str(&self.styles.braces(c.attr("style")));
                out.push('\n');
            }
        }

        out.push_str("[rows]\n");
        if let Some(data) = root.child("sheetData") {
            for r in data.all("row") {
                let mut facts = Vec::new();
                if r.attr("customHeight") == Some("1") {
                    facts.push(format!("height={}", r.attr("ht").unwrap_or("")));
                }
                for (k, v) in sorted_attrs(r) {
                    if matches!(
                        k,
                        "hidden" | "outlineLevel" | "collapsed" | "thickTop" | "thickBot"
                    ) {
                        facts.push(format!("{k}={v}"));
                    }
                }
                if r.attr("customFormat") == Some("1") {
                    let b = self.styles.braces(r.attr("s"));
                    facts.push(format!("style{}", if b.is_empty() { " {}" } else { &b }));
                }
                if !facts.is_empty() {
                    let _ = writeln!(out, "{} {}", r.attr("r").unwrap_or("?"), facts.join(" "));
                }
            }
        }

        out.push_str("[merged]\n");
        let mut merged: Vec<(u32, u32, String)> = root
            .child("mergeCells")
            .map(|m| {
                m.all("mergeCell")
                    .filter_map(|c| c.attr("ref"))
                    .map(range_key)
                    .collect()
            })
            .unwrap_or_default();
        merged.sort();
        for (_, _, r) in merged {
            let _ = writeln!(out, "{r}");
        }
    }

    fn rules(&self, root: &Node, out: &mut String) {
        out.push_str("[conditional formats]\n");
        let mut cfs: Vec<(u32, u32, String, String)> = Vec::new();
        for cf in root.all("conditionalFormatting") {
            let sqref = cf.attr("sqref").unwrap_or("");
            for rule in cf.all("cfRule") {
                let mut line = format!("{sqref} {}", rule.attr("type").unwrap_or("?"));
                for (k, v) in sorted_attrs(rule) {
                    if !matches!(k, "type" | "dxfId") {
                        let _ = write!(line, " {k}={}", value(v));
                    }
                }
                line.push_str(&self.styles.dxf(rule.attr("dxfId")));
                line.push('\n');
                for c in &rule.children {
                    tree(c, 1, &mut line);
                }
                let (row, col, _) = range_key(sqref);
                cfs.push((
                    row,
                    col,
                    rule.attr("priority").unwrap_or("").to_string(),
                    line,
                ));
            }
        }
        // Sorted by place, then priority (as a number where it is one).
        cfs.sort_by(|a, b| {
            (a.0, a.1, a.2.parse::<u32>().unwrap_or(u32::MAX), &a.3).cmp(&(
                b.0,
                b.1,
                b.2.parse::<u32>().unwrap_or(u32::MAX),
                &b.3,
            ))
        });
        for (_, _, _, line) in cfs {
            out.push_str(&line);
        }

        out.push_str("[data validations]\n");
        if let Some(dvs) = root.child("dataValidations") {
            let mut list: Vec<(u32, u32, String)> = dvs
                .all("dataValidation")
                .map(|dv| {
                    let sqref = dv.attr("sqref").unwrap_or("");
                    let mut line = sqref.to_string();
                    for (k, v) in sorted_attrs(dv) {
                        if k != "sqref" {
                            let _ = write!(line, " {k}={}", value(v));
                        }
                    }
                    line.push('\n');
                    for c in &dv.children {
                        let _ = writeln!(line, "  {} {:?}", c.local(), c.deep_text());
                    }
                    let (row, col, _) = range_key(sqref);
                    (row, col, line)
                })
                .collect();
            list.sort();
            for (_, _, line) in list {
                out.push_str(&line);
            }
        }
    }

    fn hyperlinks(&self, root: &Node, rels: &BTreeMap<String, Rel>, out: &mut String) {
        out.push_str("[hyperlinks]\n");
        let Some(links) = root.child("hyperlinks") else {
            return;
        };
        let mut list: Vec<(u32, u32, String)> = links
            .all("hyperlink")
            .map(|h| {
                let r = h.attr("ref").unwrap_or("");
                let mut line = r.to_string();
                if let Some(rel) = h.rid().and_then(|id| rels.get(id)) {
                    let how = if rel.external { "external" } else { "part" };
                    let _ = write!(line, " -> {how} {:?}", rel.target);
                }
                for (k, v) in sorted_attrs(h) {
                    if k != "ref" && !k.contains(':') {
                        let _ = write!(line, " {k}={}", value(v));
                    }
                }
                let (row, col) = cell_position(r);
                (row, col, line)
            })
            .collect();
        list.sort();
        for (_, _, line) in list {
            let _ = writeln!(out, "{line}");
        }
    }

    fn notes(&self, rels: &BTreeMap<String, Rel>, out: &mut String) {
        out.push_str("[notes]\n");
        let Some(part) = rels
            .values()
            .find(|r| r.kind == "comments")
            .map(|r| &r.target)
        else {
            return;
        };
        let comments = self.pkg.xml(part);
        // Which notes are shown without hovering, from the VML (rows and columns from 0).
        let mut visible = std::collections::BTreeSet::new();
        if let Some(vml) = rels
            .values()
            .find(|r| r.kind == "vmlDrawing")
            .and_then(|r| self.pkg.parts.get(&r.target))
            .and_then(|b| parse(b).ok())
        {
            for shape in vml.all("shape") {
                if let Some(cd) = shape.child("ClientData") {
                    let row: Option<u32> = cd.child("Row").and_then(|r| r.text.trim().parse().ok());
                    let col: Option<u32> =
                        cd.child("Column").and_then(|c| c.text.trim().parse().ok());
                    if let (Some(row), Some(col), Some(_)) = (row, col, cd.child("Visible")) {
                        visible.insert((row + 1, col + 1));
                    }
                }
            }
        }
        let authors: Vec<String> = comments
            .child("authors")
            .map(|a| a.all("author").map(|a| a.text.clone()).collect())
            .unwrap_or_default();
        let mut list: Vec<(u32, u32, String)> = comments
            .child("commentList")
            .map(|l| {
                l.all("comment")
                    .map(|c| {
                        let r = c.attr("ref").unwrap_or("");
                        let author = c
                            .attr("authorId")
                            .and_then(|i| i.parse::<usize>().ok())
                            .and_then(|i| authors.get(i))
                            .map_or("", String::as_str);
                        let text = c.child("text").map(si_text).unwrap_or_default();
                        let pos = cell_position(r);
                        let shown = if visible.contains(&pos) {
                            " visible"
                        } else {
                            ""
                        };
                        (pos.0, pos.1, format!("{r} by {author:?}{shown} {text:?}"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        list.sort();
        for (_, _, line) in list {
            let _ = writeln!(out, "{line}");
        }
    }

    fn cells(&self, root: &Node, out: &mut String) {
        out.push_str("[cells]\n");
        let Some(data) = root.child("sheetData") else {
            return;
        };
        // Cells covered by a merged range (other than its first) are left out when blank.
        let mut covered = std::collections::BTreeSet::new();
        if let Some(m) = root.child("mergeCells") {
            for r in m.all("mergeCell").filter_map(|c| c.attr("ref")) {
                if let Some((a, b)) = r.split_once(':') {
                    let (r1, c1) = cell_position(a);
                    let (r2, c2) = cell_position(b);
                    for row in r1..=r2 {
                        for col in c1..=c2 {
                            if (row, col) != (r1, c1) {
                                covered.insert((row, col));
                            }
                        }
                    }
                }
            }
        }
        let mut cells: Vec<((u32, u32), String)> = Vec::new();
        for row in data.all("row") {
            for c in row.all("c") {
                let r = c.attr("r").unwrap_or("");
                let pos = cell_position(r);
                let style = self.styles.braces(c.attr("s"));
                let v = c.child("v").map(|v| v.text.as_str());
                let formula = c.child("f");
                let body = match (c.attr("t").unwrap_or("n"), v) {
                    ("inlineStr", _) => {
                        let text = c.child("is").map(si_text).unwrap_or_default();
                        format!("s {text:?}")
                    }
                    ("s", Some(v)) => {
                        let text = v
                            .trim()
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| self.strings.get(i))
                            .unwrap_or_else(|| panic!("{}: {r}: no shared string {v}", self.name));
                        format!("s {text:?}")
                    }
                    ("str", Some(v)) => format!("str {v:?}"),
                    ("b", Some(v)) => format!("b {}", if v == "1" { "TRUE" } else { "FALSE" }),
                    ("e", Some(v)) => format!("e {v}"),
                    (t, Some(v)) => format!("{t} {v}"),
                    (_, None) => String::new(),
                };
                let line = match formula {
                    Some(f) => {
                        let mut s = format!("f {:?}", f.text);
                        for (k, v) in sorted_attrs(f) {
                            let _ = write!(s, " {k}={}", value(v));
                        }
                        if !body.is_empty() {
                            let shown = body.strip_prefix("n ").unwrap_or(&body);
                            let _ = write!(s, " = {shown}");
                        }
                        s
                    }
                    None if body.is_empty() => {
                        if style.is_empty() || covered.contains(&pos) {
                            continue;
                        }
                        "blank".to_string()
                    }
                    None => body,
                };
                cells.push((pos, format!("{r} {line}{style}")));
            }
        }
        cells.sort_by_key(|(pos, _)| *pos);
        for (_, line) in cells {
            let _ = writeln!(out, "{line}");
        }
    }

    fn drawing(&self, root: &Node, rels: &BTreeMap<String, Rel>, out: &mut String) {
        out.push_str("[drawing]\n");
        let Some(part) = root
            .child("drawing")
            .and_then(Node::rid)
            .and_then(|id| rels.get(id))
            .map(|r| r.target.clone())
        else {
            return;
        };
        let drawing = self.pkg.xml(&part);
        let drels = self.pkg.rels(&part);
        for anchor in &drawing.children {
            let mut line = anchor.local().to_string();
            for (k, v) in sorted_attrs(anchor) {
                let _ = write!(line, " {k}={}", value(v));
            }
            for end in ["from", "to"] {
                if let Some(m) = anchor.child(end) {
                    let num = |n: &str| -> String {
                        m.child(n)
                            .map(|c| c.text.trim().to_string())
                            .unwrap_or_default()
                    };
                    let col: u32 = num("col").parse().unwrap_or(0);
                    let row: u32 = num("row").parse().unwrap_or(0);
                    let _ = write!(
                        line,
                        " {end} {}{} +{},+{}",
                        column_name(col + 1),
                        row + 1,
                        num("colOff"),
                        num("rowOff")
                    );
                }
            }
            for tag in ["pos", "ext"] {
                if let Some(n) = anchor.child(tag) {
                    let _ = write!(line, " {tag}");
                    for (k, v) in sorted_attrs(n) {
                        let _ = write!(line, " {k}={v}");
                    }
                }
            }
            let _ = writeln!(out, "{line}");
            for object in &anchor.children {
                match object.local() {
                    "from" | "to" | "pos" | "ext" | "clientData" => {}
                    "graphicFrame" => {
                        self.named(object, out);
                        let chart = object
                            .find("chart")
                            .and_then(Node::rid)
                            .and_then(|id| drels.get(id));
                        match chart {
                            Some(rel) => {
                                let _ = writeln!(out, "  chart {}", rel.target);
                                tree(&self.pkg.xml(&rel.target), 2, out);
                            }
                            None => tree(object, 1, out),
                        }
                    }
                    "pic" => {
                        self.named(object, out);
                        let media = object
                            .find("blip")
                            .and_then(Node::rid)
                            .and_then(|id| drels.get(id));
                        if let Some(rel) = media {
                            let bytes = self.pkg.parts.get(&rel.target).map_or(0, Vec::len);
                            let _ = writeln!(
                                out,
                                "  image {} {bytes} bytes sha256 {}",
                                rel.target,
                                sha256(self.pkg.parts.get(&rel.target).map_or(&[][..], |b| b))
                            );
                        }
                        if let Some(sp) = object.child("spPr") {
                            tree(sp, 1, out);
                        }
                    }
                    _ => tree(object, 1, out),
                }
            }
        }
    }

    /// `  name "Chart 1" descr "…"` of a drawing object.
    fn named(&self, object: &Node, out: &mut String) {
        if let Some(pr) = object.find("cNvPr") {
            let _ = write!(out, " ");
            for (k, v) in sorted_attrs(pr) {
                if k != "id" {
                    let _ = write!(out, " {k}={v:?}");
                }
            }
            out.push('\n');
        }
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .take(8)
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
