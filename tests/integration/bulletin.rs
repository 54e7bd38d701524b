//! The 情况通报 (.docx) of the demo's 2025Q4, built through the library over the committed samples
//! with 2025Q1–Q3 scored into a history first, as `kaoping demo` scores them; unzipped and read
//! back with quick-xml: GB/T 9704 page, margins, fonts and sizes, page numbers in the odd and even
//! footers, every region's measure with its reason, and byte-identical output. A copy is left in
//! the gitignored `tests/output/情况通报_2025Q4.docx` to open or render.

use crate::util::samples;
use chrono::NaiveDate;
use kaoping::flag::Measure;
use kaoping::history;
use kaoping::pipeline::{self, Assessed, ScoreRun, Setup};
use kaoping::quarter::Quarter;
use kaoping::report::{bulletin, Assessment};
use kaoping::text::fmt_num;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

const RUN_TIME: &str = "2026-01-20 00:00:00";

fn run<'a>(setup: &'a Setup, q: Quarter, input: &'a Path, dir: &'a Path) -> ScoreRun<'a> {
    ScoreRun {
        setup,
        quarter: q,
        input,
        history: Some(dir),
        out: dir,
        replace: false,
        without_province_findings: false,
        run_time: RUN_TIME.into(),
        wait: history::DEFAULT_WAIT,
        on_wait: |_| {},
        progress: &kaoping::ingest::Silent,
        sends: Default::default(),
        scheme_change: None,
    }
}

/// The demo's 2025Q4 as `pipeline::score` would hand it to the report, over a history of
/// 2025Q1–Q3 scored in `dir` first.
pub(crate) fn demo_q4<'s>(setup: &'s Setup, dir: &Path) -> Assessment<'s> {
    let history = dir.join("history");
    for q in kaoping::quarter::parse_range("2025Q1..2025Q3").unwrap() {
        let input = samples().join(q.to_string());
        let out = dir.join(format!("考评排名_{q}.xlsx"));
        let mut r = run(setup, q, &input, &history);
        r.out = &out;
        pipeline::score(&r).unwrap();
    }
    let q4: Quarter = "2025Q4".parse().unwrap();
    let input = samples().join("2025Q4");
    let Assessed {
        results,
        flags,
        analysis,
        past,
        problems,
        files,
        findings,
        ..
    } = pipeline::assess(&run(setup, q4, &input, &history)).unwrap();
    Assessment {
        scheme: &setup.scheme,
        quarter: q4,
        regions: results,
        flags,
        problems: problems
            .into_iter()
            .chain(analysis.anomalies.iter().cloned())
            .collect(),
        files,
        history: past,
        analysis,
        findings,
        run_time: RUN_TIME.into(),
        reruns: Vec::new(),
        history_dir: None,
        scheme_change: None,
    }
}

/// One run of text as document.xml gives it.
#[derive(Debug, Default, Clone)]
struct RunInfo {
    east_asia: Option<String>,
    ascii: Option<String>,
    size: Option<String>,
    /// w:spacing (twentieths of a point added between characters).
    spacing: Option<String>,
    text: String,
}

/// One paragraph: its alignment and runs.
#[derive(Debug, Default, Clone)]
struct Para {
    jc: Option<String>,
    first_line: Option<String>,
    runs: Vec<RunInfo>,
    /// Whether it holds a PAGE field.
    page_field: bool,
}

impl Para {
    fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// The runs that carry text.
    fn texts(&self) -> impl Iterator<Item = &RunInfo> {
        self.runs.iter().filter(|r| !r.text.is_empty())
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// The paragraphs of a part, and every element's attributes by element name (the last one seen).
fn read(xml: &str) -> (Vec<Para>, BTreeMap<String, BytesStart<'static>>) {
    let mut reader = Reader::from_str(xml);
    let mut paras = Vec::new();
    let mut elements = BTreeMap::new();
    let mut para: Option<Para> = None;
    let mut run: Option<RunInfo> = None;
    let (mut in_text, mut in_instr) = (false, false);
    loop {
        let ev = reader.read_event().unwrap();
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                elements.insert(name.clone(), e.clone().into_owned());
                let empty = matches!(ev, Event::Empty(_));
                match name.as_str() {
                    "w:p" if !empty => para = Some(Para::default()),
                    "w:r" if !empty => run = Some(RunInfo::default()),
                    "w:t" if !empty => in_text = true,
                    "w:instrText" if !empty => in_instr = true,
                    "w:rFonts" => {
                        if let Some(r) = run.as_mut() {
                            r.east_asia = attr(e, "w:eastAsia");
                            r.ascii = attr(e, "w:ascii");
                        }
                    }
                    "w:sz" => {
                        if let Some(r) = run.as_mut() {
                            r.size = attr(e, "w:val");
                        }
                    }
                    "w:spacing" => {
                        if let Some(r) = run.as_mut() {
                            r.spacing = attr(e, "w:val");
                        }
                    }
                    "w:jc" if run.is_none() => {
                        if let Some(p) = para.as_mut() {
                            p.jc = attr(e, "w:val");
                        }
                    }
                    "w:ind" if run.is_none() => {
                        if let Some(p) = para.as_mut() {
                            p.first_line = attr(e, "w:firstLine");
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                let s = t.xml10_content().into_owned();
                if in_text {
                    if let Some(r) = run.as_mut() {
                        r.text.push_str(&s);
                    }
                }
                if in_instr && s.trim() == "PAGE" {
                    if let Some(p) = para.as_mut() {
                        p.page_field = true;
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:instrText" => in_instr = false,
                "w:r" => {
                    if let (Some(p), Some(r)) = (para.as_mut(), run.take()) {
                        p.runs.push(r);
                    }
                }
                "w:p" => paras.extend(para.take()),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    (paras, elements)
}

fn parts(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        if entry.is_dir() {
            continue;
        }
        let mut s = String::new();
        entry.read_to_string(&mut s).unwrap();
        out.insert(entry.name().unwrap().into_owned(), s);
    }
    out
}

fn twips(mm: f64) -> i64 {
    (mm * 1440.0 / 25.4).round() as i64
}

fn num(e: &BytesStart, name: &str) -> i64 {
    attr(e, name).unwrap().parse().unwrap()
}

#[test]
fn demo_bulletin_is_a_gb9704_document_naming_every_measure() {
    let mut setup = Setup::load(None, None).unwrap();
    setup.today = NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let a = demo_q4(&setup, tmp.path());
    let date = NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();

    let path = tmp.path().join("情况通报_2025Q4.docx");
    bulletin::write(
        &a,
        &bulletin::Issue::with(bulletin::DEFAULT_REQUIREMENTS),
        date,
        &path,
    )
    .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/output");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::write(keep.join("情况通报_2025Q4.docx"), &bytes).unwrap();

    // The same inputs give the same bytes, written or not, and the dates are the 成文日期's.
    let again = tmp.path().join("again.docx");
    bulletin::write(
        &a,
        &bulletin::Issue::with(bulletin::DEFAULT_REQUIREMENTS),
        date,
        &again,
    )
    .unwrap();
    assert!(
        std::fs::read(&again).unwrap() == bytes,
        "a second write differs"
    );
    assert!(
        bulletin::bytes(
            &a,
            &bulletin::Issue::with(bulletin::DEFAULT_REQUIREMENTS),
            date
        )
        .unwrap()
            == bytes
    );

    let parts = parts(&bytes);
    let core = &parts["docProps/core.xml"];
    assert!(core.contains(">2026-01-20T00:00:00Z<"), "{core}");
    assert!(!core.contains("1970"), "{core}");

    // Page: A4 portrait, margins 37/35/28/26 mm, a grid of 22 lines of 579 twips.
    let (paras, el) = read(&parts["word/document.xml"]);
    let sz = &el["w:pgSz"];
    assert_eq!((num(sz, "w:w"), num(sz, "w:h")), (11906, 16838));
    let mar = &el["w:pgMar"];
    for (side, mm) in [
        ("w:top", 37.0),
        ("w:bottom", 35.0),
        ("w:left", 28.0),
        ("w:right", 26.0),
    ] {
        assert!((num(mar, side) - twips(mm)).abs() <= 1, "{side}");
    }
    let grid = &el["w:docGrid"];
    assert_eq!(attr(grid, "w:type").as_deref(), Some("lines"));
    assert_eq!(num(grid, "w:linePitch"), 579);

    let find = |pred: &dyn Fn(&Para) -> bool| paras.iter().find(|p| pred(p)).cloned();
    let fonts_of = |p: &Para| -> Vec<(String, String)> {
        p.texts()
            .map(|r| {
                (
                    r.east_asia.clone().unwrap_or_default(),
                    r.size.clone().unwrap_or_default(),
                )
            })
            .collect()
    };

    // Title: centred, 2号 方正小标宋简体.
    let title = find(&|p| p.text().contains("考核评价情况的通报")).expect("a title");
    assert_eq!(title.jc.as_deref(), Some("center"));
    assert!(
        title.text().starts_with("关于2025年第四季度"),
        "{}",
        title.text()
    );
    for (font, size) in fonts_of(&title) {
        assert_eq!((font.as_str(), size.as_str()), ("方正小标宋简体", "44"));
    }
    assert_eq!(title.runs[0].ascii.as_deref(), Some("方正小标宋简体"));

    // 主送 and body in 3号 仿宋_GB2312, the body indented two characters.
    let to = find(&|p| p.text().ends_with("领导小组办公室：")).expect("主送");
    assert_eq!(to.text(), "各地级以上市打击侵权假冒工作领导小组办公室：");
    let body: Vec<&Para> = paras
        .iter()
        .filter(|p| p.first_line.is_some() && p.runs.iter().any(|r| r.text.len() > 60))
        .collect();
    assert!(body.len() > 10, "{}", body.len());
    for p in &body {
        assert_eq!(p.first_line.as_deref(), Some("640"), "{}", p.text());
        // Condensed by 0.25 pt: 28 characters of 16 pt in 442.25 pt.
        assert!(
            p.texts().all(|r| r.spacing.as_deref() == Some("-5")),
            "{}",
            p.text()
        );
        for (font, size) in fonts_of(p) {
            assert_eq!(
                (font.as_str(), size.as_str()),
                ("仿宋_GB2312", "32"),
                "{}",
                p.text()
            );
        }
    }

    // A leader's document carries words (issue 24): no indicator code (B1, D1, G1 …), no
    // statistical symbol, every total and rank with its unit, one way of writing a quarter.
    let all: String = paras.iter().map(|p| p.text() + "\n").collect();
    for ind in &setup.scheme.indicators {
        assert!(!all.contains(ind.id.as_str()), "{} in {all}", ind.id);
    }
    for symbol in ["τ", "φ", "z值", "有效报送地区"] {
        assert!(!all.contains(symbol), "{symbol} in {all}");
    }
    assert!(
        !all.contains("第4季度") && !all.contains("第2季度"),
        "{all}"
    );
    assert!(all.contains("分，排名第"), "{all}");

    // Headings: 一、in 黑体, （一）in 楷体_GB2312, both 3号.
    let headings = [
        "一、总体情况",
        "二、排名情况",
        "三、预警与督办",
        "四、存在问题",
        "五、下一步工作要求",
    ];
    for h in headings {
        let p = find(&|p| p.text() == h).unwrap_or_else(|| panic!("no {h}"));
        assert_eq!(fonts_of(&p), [("黑体".to_string(), "32".to_string())]);
    }
    let sub = find(&|p| p.text() == "（一）一票否决").expect("（一）一票否决");
    assert_eq!(
        fonts_of(&sub),
        [("楷体_GB2312".to_string(), "32".to_string())]
    );
    // The sections come in order.
    let at = |t: &str| paras.iter().position(|p| p.text() == t).unwrap();
    assert!(headings.windows(2).all(|w| at(w[0]) < at(w[1])));

    // Every region the demo flags 一票否决, 挂牌督办, 约谈 or 通报 is named with its measure and
    // its reason, in the section for that measure.
    let named = ["veto", "supervise", "interview", "notify"];
    let mut expected = 0;
    let section_of = |i: usize| {
        paras[..i]
            .iter()
            .rev()
            .find(|p| p.text().starts_with('（'))
            .map(Para::text)
            .unwrap_or_default()
    };
    for r in &a.regions {
        let Some(m) = a.flags.get(&r.code).and_then(|f| Measure::of(f)) else {
            continue;
        };
        if !named.contains(&m.measure.id.as_str()) {
            continue;
        }
        expected += 1;
        let i = paras
            .iter()
            .position(|p| p.text().starts_with(&format!("{}：", r.name)))
            .unwrap_or_else(|| panic!("{} ({}) is not named", r.name, m.measure.label.as_str()));
        let text = paras[i].text();
        assert!(text.contains(m.measure.label.as_str()), "{text}");
        assert!(section_of(i).ends_with(m.measure.label.as_str()), "{text}");
        if let Some(d) = m.deadline {
            assert!(
                text.contains(&d.format("%Y年%-m月%-d日").to_string()),
                "{text}"
            );
        }
        if let Some(reason) = &r.veto {
            assert!(text.contains(reason.as_str()), "{text}");
        }
    }
    assert!(expected >= 3, "the demo flags {expected} regions");
    // The demo's vetoed region.
    let jieyang = find(&|p| p.text().starts_with("揭阳市：")).expect("揭阳市 named");
    assert!(
        jieyang.text().contains("一票否决，否决事由："),
        "{}",
        jieyang.text()
    );
    assert!(section_of(at(&jieyang.text())).contains("一票否决"));

    // 排名情况 names the first region with its total as scored, and compares with 2025Q3.
    let first = &a.regions[0];
    let ranking = &paras[at("二、排名情况") + 1].text();
    assert!(
        ranking.contains(&format!("{}（{}分）", first.name, fmt_num(first.total))),
        "{ranking}"
    );
    let moves = &paras[at("二、排名情况") + 2].text();
    assert!(moves.starts_with("与上季度相比，"), "{moves}");
    // 总体情况 counts the registry.
    let overall = &paras[at("一、总体情况") + 1].text();
    assert!(
        overall.contains(&format!("全省{}个地区", a.regions.len())),
        "{overall}"
    );
    // 下一步工作要求 is the default text, one paragraph a line.
    let first_requirement = bulletin::DEFAULT_REQUIREMENTS.lines().next().unwrap();
    assert_eq!(
        paras[at("五、下一步工作要求") + 1].text(),
        first_requirement
    );

    // A complete 公文 (GB/T 9704-2012, issue 24): 发文字号 above the title (blanks for the
    // clerk when none is given), 附件说明 under the body, 落款 and 成文日期 on the right, then
    // the 附件 (the ranking, every region a row) and the 版记 last.
    assert_eq!(paras[0].text(), "　　　　〔2026〕　　号");
    assert_eq!(paras[0].jc.as_deref(), Some("center"));
    let note = at("附件：2025年第四季度各地区考核评价排名表");
    let signed = paras
        .iter()
        .position(|p| p.text() == setup.scheme.office.name)
        .unwrap();
    assert!(note < signed, "附件说明 after the 落款");
    assert_eq!(paras[signed + 1].text(), "2026年1月20日");
    assert!(paras[signed..=signed + 1]
        .iter()
        .all(|p| p.jc.as_deref() == Some("right")));
    let label = at("附件");
    assert!(label > signed);
    assert_eq!(
        paras[label + 2].text(),
        "2025年第四季度各地区考核评价排名表"
    );
    let table: Vec<String> = paras[label + 3..].iter().map(Para::text).collect();
    assert_eq!(
        &table[1..6],
        ["排名", "地区", "总分（分）", "等次", "督办措施"]
    );
    for r in &a.regions {
        assert!(table.contains(&r.name), "{} not in the 附件", r.name);
    }
    // 潮州市 (数据有误) has no place: its row reads —, 潮州市, its status.
    let chaozhou = table.iter().position(|t| t == "潮州市").unwrap();
    assert_eq!(table[chaozhou - 1], "—");
    assert_eq!(table[chaozhou + 1], "数据有误，退回修改");
    assert_eq!(
        paras.last().unwrap().text(),
        format!("{}2026年1月20日印发", setup.scheme.office.name)
    );

    // Footers: "— PAGE —" in 4号 宋体, one right (odd pages), one left (even pages), and the
    // setting that tells them apart.
    let mut sides = Vec::new();
    for (name, xml) in parts.iter().filter(|(n, _)| n.starts_with("word/footer")) {
        let (ps, _) = read(xml);
        let p = ps
            .iter()
            .find(|p| p.page_field)
            .unwrap_or_else(|| panic!("{name}"));
        assert!(
            p.text().starts_with("— ") && p.text().ends_with(" —"),
            "{name}"
        );
        for (font, size) in fonts_of(p) {
            assert_eq!((font.as_str(), size.as_str()), ("宋体", "28"), "{name}");
        }
        sides.push(p.jc.clone().unwrap_or_default());
    }
    sides.sort();
    assert_eq!(sides, ["left", "right"]);
    assert!(parts["word/settings.xml"].contains("<w:evenAndOddHeaders"));
    let doc = &parts["word/document.xml"];
    assert!(doc.contains("w:type=\"even\"") && doc.contains("w:type=\"default\""));
}

/// Without last quarter in history the bulletin says it does not compare ranks.
#[test]
fn without_last_quarter_the_ranks_are_not_compared() {
    let setup = Setup::load(None, None).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let q1: Quarter = "2025Q1".parse().unwrap();
    let input = samples().join("2025Q1");
    let history = tmp.path().join("history");
    let Assessed {
        results,
        flags,
        analysis,
        past,
        problems,
        files,
        findings,
        ..
    } = pipeline::assess(&run(&setup, q1, &input, &history)).unwrap();
    let a = Assessment {
        scheme: &setup.scheme,
        quarter: q1,
        regions: results,
        flags,
        problems,
        files,
        history: past,
        analysis,
        findings,
        run_time: RUN_TIME.into(),
        reruns: Vec::new(),
        history_dir: None,
        scheme_change: None,
    };
    let date = NaiveDate::from_ymd_opt(2025, 4, 20).unwrap();
    let bytes = bulletin::bytes(&a, &bulletin::Issue::with("一是按时报送。"), date).unwrap();
    let (paras, _) = read(&parts(&bytes)["word/document.xml"]);
    let texts: Vec<String> = paras.iter().map(Para::text).collect();
    assert!(
        texts.contains(
            &"历史数据中没有上季度（2024年第四季度）的考核评价结果，本季度不比较排名升降。"
                .to_string()
        ),
        "{texts:#?}"
    );
    assert!(texts.contains(&"一是按时报送。".to_string()));
    assert!(texts.contains(&"2025年4月20日".to_string()));
}

/// The hand-made assessment of `report.rs` (three districts scored, one vetoed, one not sent),
/// its wording worked out by hand.
#[test]
fn a_hand_made_assessment_reads_as_worked_out_by_hand() {
    let scheme = kaoping::scheme::Scheme::builtin().unwrap();
    let a = crate::report::assessment(&scheme);
    let date = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let bytes = bulletin::bytes(
        &a,
        &bulletin::Issue::with(bulletin::DEFAULT_REQUIREMENTS),
        date,
    )
    .unwrap();
    let (paras, _) = read(&parts(&bytes)["word/document.xml"]);
    let texts: Vec<String> = paras.iter().map(Para::text).collect();
    let has = |t: &str| assert!(texts.iter().any(|x| x == t), "no {t} in {texts:#?}");
    // Districts (codes not ending 00): their offices are addressed as 县（市、区）.
    has("各县（市、区）打击侵权假冒工作领导小组办公室：");
    has("2025年第四季度，全省4个地区中，3个地区报送了考核评价数据，均按时报送；1个地区未报送（天河区）。");
    // (92.345678 + 71.5 + 85) / 3 = 82.9486 → 82.95; the vetoed 海珠区 counts as 不合格.
    has("经评分，3个地区参加排名，平均得分82.95分（满分100分）。按等次分，优秀1个、良好0个、合格1个、不合格1个。");
    // Three scored: all are the first three, none is left for the last three.
    // Totals as published, with every decimal place (issue 24: not 0.9分 beside 0.58分).
    has("总分排名前三位的是：荔湾区（92.35分）、越秀区（71.50分）、海珠区（一票否决）。");
    // 2025Q3 ranks 2, 2, 1 → now 1, 2, 3.
    has("与上季度相比，排名上升最多的是荔湾区（由第2名升至第1名，升1位）；排名下降最多的是海珠区（由第1名降至第3名，降2位）。");
    has("按照考核评价办法，本季度对2个地区采取督办措施，其中一票否决1个、挂牌督办1个。");
    has("海珠区：一票否决，否决事由：发生重大制售假冒伪劣食品案件，等次定为不合格。");
    has("越秀区：总分71.50，排名末位；2025年第二季度至第四季度连续3个季度被通报；挂牌督办，限2026年3月31日前整改到位。");
    // Only the measures taken have a section, numbered in turn: no "（三）约谈 无。" (issue 24).
    let headings: Vec<&String> = texts.iter().filter(|t| t.starts_with('（')).collect();
    assert_eq!(headings, ["（一）一票否决", "（二）挂牌督办"]);
    assert!(!texts.iter().any(|t| t == "无。"));
    assert!(texts.contains(&"2026年1月15日".to_string()));
}

/// A .docx as golden text, one file per XML part (`word/document.xml` → key
/// `word_document`): one element, attribute list or run of text per line, indented by depth,
/// so a change of layout or wording shows as a few changed lines.
pub fn dump(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, xml) in parts(bytes) {
        if !name.ends_with(".xml") && !name.ends_with(".rels") {
            continue;
        }
        let key = name
            .trim_end_matches(".xml")
            .replace(['/', '.'], "_")
            .replace(['[', ']'], "")
            .trim_start_matches('_')
            .to_string();
        let mut text = String::new();
        let mut reader = Reader::from_str(&xml);
        let mut depth = 0usize;
        loop {
            let ev = reader.read_event().unwrap();
            let pad = "  ".repeat(depth);
            match &ev {
                Event::Start(e) | Event::Empty(e) => {
                    let mut line = format!("{pad}<{}", e.name().as_ref());
                    for a in e.attributes().flatten() {
                        line.push_str(&format!(" {}=\"{}\"", a.key.as_ref(), a.value));
                    }
                    if matches!(ev, Event::Empty(_)) {
                        line.push_str("/>");
                    } else {
                        line.push('>');
                        depth += 1;
                    }
                    text.push_str(&line);
                    text.push('\n');
                }
                Event::End(_) => depth = depth.saturating_sub(1),
                Event::Text(t) => {
                    let s = t.xml10_content().into_owned();
                    if !s.trim().is_empty() {
                        text.push_str(&format!("{pad}{s}\n"));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out.insert(key, text);
    }
    out
}
