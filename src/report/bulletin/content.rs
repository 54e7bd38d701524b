//! What the 情况通报 says, as a list of blocks (title, headings, paragraphs, 落款) worked out from
//! one scoring run; `layout` decides how each block looks. Every figure is one the ranking
//! workbook shows: totals and scores as scored, averages rounded by the scheme (`Scheme::round`)
//! and written with `fmt_num`; measures as `Measure::of` folds them, with their reasons.

use super::super::explain::Results;
use super::super::Assessment;
use crate::flag::Measure;
use crate::office::{Level, Office};
use crate::record::{QuarterRecord, Status};
use crate::scheme::MeasureDef;
use crate::scheme::{Scheme, WhenEmpty};
use crate::score::RegionResult;
use crate::text::fmt_num;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// One block of the document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Block {
    /// The title, one entry per line.
    Title(Vec<String>),
    /// 主送机关.
    Addressee(String),
    /// "一、总体情况".
    Heading1(String),
    /// "（一）一票否决".
    Heading2(String),
    /// A body paragraph (first line indented two characters).
    Body(String),
    /// An empty line.
    Blank,
    /// 落款 (the issuing office).
    Signature(String),
    /// 成文日期.
    Date(String),
    /// 附注 under the date (GB/T 9704-2012 7.3.5.3): "（联系人：李四，电话：…）".
    Note(String),
    /// 发文字号, centred above the title (7.2.4).
    Number(String),
    /// 附件说明 under the body (7.3.4): "附件：2025年第四季度各地区考核评价排名表".
    AttachmentNote(String),
    /// The 附件 itself, on a new page (7.3.6): "附件" top left in 黑体, its title centred, then
    /// its table (the first row the header).
    Attachment {
        title: String,
        rows: Vec<Vec<String>>,
    },
    /// 版记 at the end (7.4): 抄送机关 when any, then 印发机关 and 印发日期, between rules.
    Imprint {
        copy_to: Option<String>,
        issuer: String,
        date: String,
    },
}

/// What the office adds to a draft beyond the scoring run: its 下一步工作要求, the 发文字号 and
/// the 抄送机关.
#[derive(Debug, Clone, Copy)]
pub struct Issue<'a> {
    /// One paragraph per non-empty line.
    pub requirements: &'a str,
    /// 发文字号 ("粤打假办〔2026〕3号"); left out, the year with blanks for the clerk to fill.
    pub number: Option<&'a str>,
    /// 抄送机关, as the 版记 lists them.
    pub copy_to: Option<&'a str>,
}

impl<'a> Issue<'a> {
    /// A draft with this 下一步工作要求, no 发文字号 yet and no 抄送.
    pub fn with(requirements: &'a str) -> Issue<'a> {
        Issue {
            requirements,
            number: None,
            copy_to: None,
        }
    }
}

/// Sections are numbered in this order; each section's sub-headings likewise.
const SECTION_NUMBERS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// At most this many indicators are discussed under 存在问题.
const MAX_PROBLEMS: usize = 5;
/// At least this many (when that many lost points), even below `rectify_above`.
const MIN_PROBLEMS: usize = 3;
/// Regions named per indicator under 存在问题, and at the top and bottom of the ranking.
const NAMED: usize = 3;

/// The whole bulletin.
pub(super) fn blocks(a: &Assessment, issue: &Issue, date: NaiveDate) -> Vec<Block> {
    let requirements = issue.requirements;
    // Without a number yet: the year, and blanks where the clerk writes 机关代字 and 序号.
    let doc_number = issue.number.map_or_else(
        || format!("　　　　〔{}〕　　号", date.format("%Y")),
        |n| n.trim().to_string(),
    );
    let mut out = vec![
        Block::Number(doc_number),
        Block::Blank,
        Block::Title(title(a)),
        Block::Blank,
        Block::Addressee(addressee(&a.scheme.office, &a.regions)),
    ];
    out.push(Block::Body(opening(a)));
    let sections: [(&str, Vec<Block>); 5] = [
        ("总体情况", overall(a)),
        ("排名情况", ranking(a)),
        ("预警与督办", measures(a)),
        ("存在问题", problems(a)),
        ("下一步工作要求", requirement_paragraphs(requirements)),
    ];
    for (k, (name, body)) in sections.into_iter().enumerate() {
        out.push(Block::Heading1(format!("{}、{name}", number(k))));
        out.extend(body);
    }
    let attachment = format!("{}各地区考核评价排名表", quarter_words(a.quarter));
    out.extend([
        Block::Blank,
        Block::AttachmentNote(format!("附件：{attachment}")),
        Block::Blank,
        Block::Signature(a.scheme.office.name.clone()),
        Block::Date(chinese_date(date)),
    ]);
    if let Some(contact) = a.scheme.office.contact_note() {
        out.push(Block::Note(format!("（{contact}）")));
    }
    out.push(Block::Attachment {
        title: attachment,
        rows: ranking_table(a),
    });
    out.push(Block::Imprint {
        copy_to: issue
            .copy_to
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        issuer: a.scheme.office.name.clone(),
        date: format!("{}印发", chinese_date(date)),
    });
    out
}

/// The 附件: every region in rank order with its total, 等次 and measure; a region not scored
/// has no place, its status instead of a total.
fn ranking_table(a: &Assessment) -> Vec<Vec<String>> {
    let mut rows = vec![["排名", "地区", "总分（分）", "等次", "督办措施"]
        .map(str::to_string)
        .to_vec()];
    for r in &a.regions {
        let measure = a
            .measure(&r.code)
            .filter(|_| r.is_scored())
            .map_or_else(|| "—".to_string(), |m| m.measure.label);
        rows.push(if r.is_scored() {
            vec![
                r.rank.to_string(),
                r.name.clone(),
                a.scheme.fixed(r.total),
                r.grade.clone(),
                measure.to_string(),
            ]
        } else {
            vec![
                "—".to_string(),
                r.name.clone(),
                r.status.label().to_string(),
                "—".to_string(),
                "—".to_string(),
            ]
        });
    }
    rows
}

/// "一", "二", … for the k-th (0-based) item; Arabic beyond ten.
fn number(k: usize) -> String {
    SECTION_NUMBERS
        .get(k)
        .map_or_else(|| (k + 1).to_string(), |s| (*s).to_string())
}

/// "2025年第四季度".
pub(super) fn quarter_words(q: crate::quarter::Quarter) -> String {
    q.label()
}

/// The title in two lines, so it breaks where the sense does.
fn title(a: &Assessment) -> Vec<String> {
    vec![
        format!("关于{}打击侵权假冒工作", quarter_words(a.quarter)),
        "考核评价情况的通报".to_string(),
    ]
}

/// 成文日期 as GB/T 9704-2012 writes it: "2026年1月20日".
pub(super) fn chinese_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// 主送机关: the offices of the regions the office ranks. A provincial office ranking
/// prefecture-level regions (codes ending "00") writes to 各地级以上市; one ranking counties, and
/// every prefecture's office, to 各县（市、区）. The office's own name, without its province or
/// city, names their offices ("广东省打击侵权假冒工作领导小组办公室" → "…打击侵权假冒工作领导小组
/// 办公室").
pub(super) fn addressee(office: &Office, regions: &[RegionResult]) -> String {
    let codes: Vec<&str> = regions.iter().map(|r| r.code.as_str()).collect();
    addressee_for(office, &codes)
}

/// [`addressee`] from the regions' codes.
pub(super) fn addressee_for(office: &Office, codes: &[&str]) -> String {
    let body = ["省", "自治区", "市", "自治州", "州", "盟", "地区"]
        .iter()
        .filter_map(|p| office.name.split_once(p).map(|(_, rest)| rest))
        .find(|rest| !rest.is_empty() && rest.contains("办公室"))
        .unwrap_or("打击侵权假冒工作领导小组办公室");
    let prefectures = office.level == Level::Province
        && !codes.is_empty()
        && codes.iter().all(|c| c.ends_with("00"));
    let whom = if prefectures {
        "各地级以上市"
    } else {
        "各县（市、区）"
    };
    format!("{whom}{body}：")
}

fn opening(a: &Assessment) -> String {
    format!(
        "根据《{}》，我办对各地{}打击侵权假冒工作进行了考核评价。现将有关情况通报如下：",
        a.scheme.name,
        quarter_words(a.quarter)
    )
}

/// "广州市、深圳市".
fn names<'r>(rs: impl IntoIterator<Item = &'r RegionResult>) -> String {
    rs.into_iter()
        .map(|r| r.name.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

fn scored<'r>(a: &'r Assessment) -> Vec<&'r RegionResult> {
    a.regions.iter().filter(|r| r.is_scored()).collect()
}

/// 一、总体情况: who sent what, on time or not; the average total and the count per 等次.
fn overall(a: &Assessment) -> Vec<Block> {
    let with = |s: Status| a.regions.iter().filter(move |r| r.status == s);
    let sent: Vec<&RegionResult> = a
        .regions
        .iter()
        .filter(|r| r.status != Status::Missing)
        .collect();
    let late: Vec<&RegionResult> = sent.iter().copied().filter(|r| r.late).collect();
    let missing: Vec<&RegionResult> = with(Status::Missing).collect();
    let timing = if late.is_empty() {
        "均按时报送".to_string()
    } else {
        format!(
            "其中按时报送{}个，逾期报送{}个（{}）",
            sent.len() - late.len(),
            late.len(),
            names(late.iter().copied())
        )
    };
    let whole = a.scheme.office.whole();
    let mut p = match (missing.is_empty(), late.is_empty()) {
        (true, true) => format!(
            "{}，{whole}{}个地区均按时报送了考核评价数据",
            quarter_words(a.quarter),
            a.regions.len()
        ),
        (true, false) => format!(
            "{}，{whole}{}个地区均报送了考核评价数据，{timing}",
            quarter_words(a.quarter),
            a.regions.len()
        ),
        (false, _) => format!(
            "{}，{whole}{}个地区中，{}个地区报送了考核评价数据，{timing}；{}个地区未报送（{}）",
            quarter_words(a.quarter),
            a.regions.len(),
            sent.len(),
            missing.len(),
            names(missing)
        ),
    };
    let invalid: Vec<&RegionResult> = with(Status::Invalid).collect();
    if !invalid.is_empty() {
        p.push_str(&format!(
            "。报送的地区中，{}个地区数据有误，已退回修改（{}），不参加本季度排名",
            invalid.len(),
            names(invalid)
        ));
    }
    let unreadable: Vec<&RegionResult> = with(Status::Unreadable).collect();
    if !unreadable.is_empty() {
        p.push_str(&format!(
            "。{}个地区报送的文件无法读取，已通知其重新报送（{}），不参加本季度排名",
            unreadable.len(),
            names(unreadable)
        ));
    }
    p.push('。');
    let scored = scored(a);
    let mut blocks = vec![Block::Body(p)];
    if scored.is_empty() {
        blocks.push(Block::Body("本季度无地区参加评分。".to_string()));
        return blocks;
    }
    let average = a
        .scheme
        .round(scored.iter().map(|r| r.total).sum::<f64>() / scored.len() as f64);
    blocks.push(Block::Body(format!(
        "经评分，{}个地区参加排名，平均得分{}分（满分{}分）。按等次分，{}。",
        scored.len(),
        a.scheme.fixed(average),
        fmt_num(a.scheme.total_points),
        grade_sentence(&grade_counts(a.scheme, &scored))
    )));
    blocks
}

/// How many scored regions have each of the scheme's grades, in the scheme's order; a grade
/// the scheme does not list (none, normally) comes last.
pub(super) fn grade_counts<'s>(
    scheme: &'s Scheme,
    scored: &[&'s RegionResult],
) -> Vec<(&'s str, usize)> {
    let mut counts: Vec<(&str, usize)> = scheme
        .grades
        .iter()
        .map(|g| {
            let n = scored.iter().filter(|r| r.grade == g.name).count();
            (g.name.as_str(), n)
        })
        .collect();
    for r in scored {
        if scheme.grades.iter().any(|g| g.name == r.grade) {
            continue;
        }
        match counts.iter_mut().find(|(g, _)| *g == r.grade) {
            Some(c) => c.1 += 1,
            None => counts.push((r.grade.as_str(), 1)),
        }
    }
    counts
}

/// "优秀3个、良好10个、合格6个、不合格2个".
pub(super) fn grade_sentence(counts: &[(&str, usize)]) -> String {
    counts
        .iter()
        .map(|(g, n)| format!("{g}{n}个"))
        .collect::<Vec<_>>()
        .join("、")
}

/// A region's total as the ranking reads it: "95.12分", or 一票否决 for a vetoed one (its
/// total does not decide its place).
fn total_words(s: &Scheme, r: &RegionResult) -> String {
    if r.veto.is_some() {
        "一票否决".to_string()
    } else {
        format!("{}分", s.fixed(r.total))
    }
}

fn with_totals(s: &Scheme, rs: &[&RegionResult]) -> String {
    rs.iter()
        .map(|r| format!("{}（{}）", r.name, total_words(s, r)))
        .collect::<Vec<_>>()
        .join("、")
}

/// 二、排名情况: the first and last three, and the biggest moves since last quarter.
fn ranking(a: &Assessment) -> Vec<Block> {
    let scored = scored(a);
    if scored.is_empty() {
        return vec![Block::Body("本季度无地区参加排名。".to_string())];
    }
    let top = &scored[..scored.len().min(NAMED)];
    let mut p = format!(
        "总分排名前{}位的是：{}",
        number(top.len().saturating_sub(1)),
        with_totals(a.scheme, top)
    );
    let bottom_from = scored.len().saturating_sub(NAMED).max(top.len());
    let bottom = &scored[bottom_from..];
    if !bottom.is_empty() {
        p.push_str(&format!(
            "；排名后{}位的是：{}",
            number(bottom.len().saturating_sub(1)),
            with_totals(a.scheme, bottom)
        ));
    }
    p.push('。');
    let prev = a.quarter.prev();
    // Last quarter's records by code, built once (a search per region would be quadratic for
    // a nationwide run).
    let mut previous: HashMap<&str, &QuarterRecord> = HashMap::new();
    for h in a.history.iter().filter(|h| h.quarter == prev) {
        previous.entry(h.code.as_str()).or_insert(h);
    }
    let moves_text = if !previous.is_empty() {
        let moves: Vec<Move> = scored
            .iter()
            .filter_map(|r| {
                let p = previous.get(r.code.as_str()).filter(|p| p.scored())?;
                Some(Move {
                    name: r.name.clone(),
                    from: p.rank,
                    to: r.rank,
                })
            })
            .collect();
        moves_sentence(&moves)
    } else {
        format!(
            "历史数据中没有上季度（{}）的考核评价结果，本季度不比较排名升降。",
            quarter_words(prev)
        )
    };
    vec![Block::Body(p), Block::Body(moves_text)]
}

/// A region's rank last quarter and this one.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Move {
    pub name: String,
    pub from: u32,
    pub to: u32,
}

impl Move {
    /// Places gained (negative when lost).
    fn gain(&self) -> i64 {
        i64::from(self.from) - i64::from(self.to)
    }
}

/// The biggest rises and falls (up to three each, biggest first, then by this quarter's rank),
/// in one sentence.
pub(super) fn moves_sentence(moves: &[Move]) -> String {
    let pick = |rising: bool| {
        let mut m: Vec<&Move> = moves
            .iter()
            .filter(|m| if rising { m.gain() > 0 } else { m.gain() < 0 })
            .collect();
        m.sort_by_key(|m| (std::cmp::Reverse(m.gain().abs()), m.to));
        // Those that moved as far as the last one named are named too: 江门市 alone for a
        // fall of 3 places shared by three others would single it out.
        if let Some(cut) = m.get(NAMED.saturating_sub(1)).map(|x| x.gain().abs()) {
            m.retain(|x| x.gain().abs() >= cut);
        }
        m
    };
    let (rises, falls) = (pick(true), pick(false));
    let list = |ms: &[&Move], verb: &str| {
        ms.iter()
            .map(|m| {
                format!(
                    "{}（由第{}名{verb}至第{}名，{verb}{}位）",
                    m.name,
                    m.from,
                    m.to,
                    m.gain().abs()
                )
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    match (rises.is_empty(), falls.is_empty()) {
        (true, true) => "与上季度相比，各地区排名均无变化。".to_string(),
        (false, true) => format!(
            "与上季度相比，排名上升最多的是{}；没有地区排名下降。",
            list(&rises, "升")
        ),
        (true, false) => format!(
            "与上季度相比，没有地区排名上升；排名下降最多的是{}。",
            list(&falls, "降")
        ),
        (false, false) => format!(
            "与上季度相比，排名上升最多的是{}；排名下降最多的是{}。",
            list(&rises, "升"),
            list(&falls, "降")
        ),
    }
}

/// 三、预警与督办: the regions under each measure with the reason `Measure::of` tells.
fn measures(a: &Assessment) -> Vec<Block> {
    let with: Vec<(&RegionResult, Measure)> = a
        .regions
        .iter()
        .filter_map(|r| a.measure(&r.code).map(|m| (r, m)))
        .collect();
    let count = |id: &str| with.iter().filter(|(_, m)| m.measure.id == id).count();
    // The measures the bulletin names region by region, most serious first; the others (预警)
    // it counts.
    let (named_defs, counted_defs): (Vec<&MeasureDef>, Vec<&MeasureDef>) = a
        .scheme
        .measures_by_severity()
        .into_iter()
        .partition(|m| m.named);
    let named: usize = named_defs.iter().map(|m| count(&m.id)).sum();
    let mut intro = if named == 0 {
        format!(
            "本季度无被{}的地区",
            super::super::legend::measures_or(a.scheme, true)
        )
    } else {
        let parts: Vec<String> = named_defs
            .iter()
            .filter(|m| count(&m.id) > 0)
            .map(|m| format!("{}{}个", m.label, count(&m.id)))
            .collect();
        format!(
            "按照考核评价办法，本季度对{named}个地区采取督办措施，其中{}",
            parts.join("、")
        )
    };
    let counted: Vec<(&MeasureDef, Vec<&RegionResult>)> = counted_defs
        .iter()
        .map(|m| {
            let regions: Vec<&RegionResult> = with
                .iter()
                .filter(|(_, x)| x.measure.id == m.id)
                .map(|(r, _)| *r)
                .collect();
            (*m, regions)
        })
        .filter(|(_, rs)| !rs.is_empty())
        .collect();
    for (m, regions) in &counted {
        intro.push_str(&format!("；另有{}个地区列入{}", regions.len(), m.label));
    }
    intro.push('。');
    let mut out = vec![Block::Body(intro)];
    // Only the measures taken: "（三）约谈 无。" is no section.
    let mut k = 0;
    for def in &named_defs {
        let regions: Vec<&(&RegionResult, Measure)> = with
            .iter()
            .filter(|(_, m)| m.measure.id == def.id)
            .collect();
        if regions.is_empty() {
            continue;
        }
        out.push(Block::Heading2(format!("（{}）{}", number(k), def.label)));
        k += 1;
        for (r, m) in regions {
            out.push(Block::Body(measure_sentence(&r.name, m, r.veto.is_some())));
        }
    }
    for (m, regions) in counted {
        out.push(Block::Heading2(format!("（{}）{}", number(k), m.label)));
        k += 1;
        out.push(Block::Body(format!(
            "{}列入{}，请有关地区对照失分指标查找原因，及时改进。",
            names(regions),
            m.label
        )));
    }
    out
}

/// "汕尾市：总分55.2，排名第20（共21个有效报送地区）；通报。" — the reason names the measure
/// (and for 挂牌督办 its 整改期限); a veto's reason starts with 一票否决 and its 否决事由.
pub(super) fn measure_sentence(name: &str, m: &Measure, vetoed: bool) -> String {
    // A vetoed region's reason opens with its measure: "一票否决：事由…" reads in the bulletin
    // as "一票否决，否决事由：…".
    let head = format!("{}：", m.measure.label);
    let reason = match m.reason.strip_prefix(&head).filter(|_| vetoed) {
        Some(rest) => format!("{}，否决事由：{rest}", m.measure.label),
        None => m.reason.clone(),
    };
    let mut s = format!("{name}：{reason}");
    if let Some(d) = m.deadline {
        if !reason.contains(&chinese_date(d)) {
            s.push_str(&format!("，整改期限为{}", chinese_date(d)));
        }
    }
    s.push('。');
    s
}

/// One indicator's showing across the province.
struct Loss<'s> {
    indicator: &'s crate::scheme::Indicator,
    average: f64,
    lost: f64,
    /// Scored regions with their score on it, lowest first.
    lowest: Vec<(&'s str, f64)>,
    /// Regions for which it is a 整改事项.
    rectify: usize,
}

/// 四、存在问题: the indicators on which the province lost most on average.
fn problems(a: &Assessment) -> Vec<Block> {
    let s = a.scheme;
    let scored = scored(a);
    let results = Results {
        scheme: s,
        quarter: a.quarter,
        regions: &a.regions,
        flags: &a.flags,
        intervals: &a.analysis.intervals,
        problems: &a.problems,
    };
    // Each region's 整改事项, once.
    let rectify: Vec<HashSet<&str>> = scored
        .iter()
        .map(|r| {
            results
                .rectifications(r)
                .into_iter()
                .map(|(i, _)| i.id.as_str())
                .collect()
        })
        .collect();
    let mut losses: Vec<Loss> = s
        .indicators
        .iter()
        .filter_map(|ind| {
            let mut lowest: Vec<(&str, f64)> = scored
                .iter()
                .filter_map(|r| {
                    let x = r.indicator(&ind.id)?;
                    (x.empty != Some(WhenEmpty::Exclude)).then_some((r.name.as_str(), x.score))
                })
                .collect();
            if lowest.is_empty() {
                return None;
            }
            let average = s.round(lowest.iter().map(|(_, v)| v).sum::<f64>() / lowest.len() as f64);
            lowest.sort_by(|x, y| x.1.total_cmp(&y.1));
            Some(Loss {
                indicator: ind,
                average,
                lost: s.round(ind.points - average),
                lowest,
                rectify: rectify
                    .iter()
                    .filter(|set| set.contains(ind.id.as_str()))
                    .count(),
            })
        })
        .filter(|l| l.lost > 0.0)
        .collect();
    // A stable sort keeps scheme order among equal losses.
    losses.sort_by(|x, y| y.lost.total_cmp(&x.lost));
    let over = losses
        .iter()
        .filter(|l| l.lost > s.feedback.rectify_above)
        .count();
    losses.truncate(over.clamp(MIN_PROBLEMS, MAX_PROBLEMS));
    if losses.is_empty() {
        return vec![Block::Body(format!(
            "本季度各项指标{}均未出现失分。",
            s.office.whole()
        ))];
    }
    let mut out = vec![Block::Body(format!(
        "从各项指标得分看，{}平均失分较多的指标主要有{}项：",
        s.office.whole(),
        losses.len()
    ))];
    for (k, l) in losses.iter().enumerate() {
        out.push(Block::Body(loss_sentence(s, k, l)));
    }
    out
}

fn loss_sentence(s: &Scheme, k: usize, l: &Loss) -> String {
    let ind = l.indicator;
    let lowest: Vec<String> = l
        .lowest
        .iter()
        .take(NAMED)
        .map(|(name, v)| format!("{name}（得{}分）", s.fixed(*v)))
        .collect();
    let mut p = format!(
        "{}是{}。{}平均得分{}分（满分{}分），平均失分{}分，失分最多的是{}",
        number(k),
        ind.name,
        s.office.whole(),
        s.fixed(l.average),
        fmt_num(ind.points),
        s.fixed(l.lost),
        lowest.join("、")
    );
    if l.rectify > 0 {
        p.push_str(&format!(
            "；{}个地区在该项失分超过{}分，列为整改事项",
            l.rectify,
            fmt_num(s.feedback.rectify_above)
        ));
    }
    if !ind.source.is_empty() {
        p.push_str(&format!("（依据：{}）", ind.source));
    }
    p.push('。');
    p
}

/// 五、下一步工作要求: one paragraph per non-empty line of the province's text.
pub(super) fn requirement_paragraphs(text: &str) -> Vec<Block> {
    let out: Vec<Block> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Block::Body(l.to_string()))
        .collect();
    if out.is_empty() {
        vec![Block::Body("（下一步工作要求待补充。）".to_string())]
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mv(name: &str, from: u32, to: u32) -> Move {
        Move {
            name: name.to_string(),
            from,
            to,
        }
    }

    /// Worked by hand: 梅州 +5, 汕尾 +2, 河源 +2 (河源 ranks better now, so first of the two),
    /// 清远 +1 (fourth, left out); 佛山 −4, 云浮 −1; 广州 unchanged.
    #[test]
    fn the_biggest_rises_and_falls_are_named_with_both_ranks() {
        let moves = [
            mv("广州市", 1, 1),
            mv("汕尾市", 12, 10),
            mv("梅州市", 14, 9),
            mv("河源市", 8, 6),
            mv("清远市", 5, 4),
            mv("佛山市", 3, 7),
            mv("云浮市", 20, 21),
        ];
        assert_eq!(
            moves_sentence(&moves),
            "与上季度相比，排名上升最多的是梅州市（由第14名升至第9名，升5位）、\
             河源市（由第8名升至第6名，升2位）、汕尾市（由第12名升至第10名，升2位）；\
             排名下降最多的是佛山市（由第3名降至第7名，降4位）、云浮市（由第20名降至第21名，降1位）。"
        );
        assert_eq!(
            moves_sentence(&[mv("广州市", 1, 1)]),
            "与上季度相比，各地区排名均无变化。"
        );
        assert_eq!(
            moves_sentence(&[mv("广州市", 2, 1), mv("深圳市", 1, 2)]),
            "与上季度相比，排名上升最多的是广州市（由第2名升至第1名，升1位）；\
             排名下降最多的是深圳市（由第1名降至第2名，降1位）。"
        );
        assert_eq!(
            moves_sentence(&[mv("广州市", 2, 1)]),
            "与上季度相比，排名上升最多的是广州市（由第2名升至第1名，升1位）；没有地区排名下降。"
        );
    }

    /// Regression (issue 24): 排名下降 named only 江门市, although 湛江市, 惠州市 and 东莞市 fell
    /// the same 3 places. Every region that moved as far as the last one named is named.
    #[test]
    fn regression_every_tie_of_the_biggest_falls_is_named() {
        let moves = [
            mv("江门市", 2, 5),
            mv("湛江市", 6, 9),
            mv("惠州市", 8, 11),
            mv("东莞市", 12, 15),
            mv("中山市", 14, 16),
        ];
        let s = moves_sentence(&moves);
        for name in ["江门市", "湛江市", "惠州市", "东莞市"] {
            assert!(s.contains(&format!("{name}（由第")), "{name}: {s}");
        }
        assert!(!s.contains("中山市"), "{s}");
    }

    fn graded(name: &str, grade: &str) -> RegionResult {
        let mut r = RegionResult::blank("440100", name, Status::Scored);
        r.grade = grade.to_string();
        r
    }

    /// The built-in scheme's bands in order, zeros included: 2 优秀, 0 良好, 1 合格, 1 不合格.
    #[test]
    fn grades_are_counted_in_the_schemes_order() {
        let scheme = Scheme::builtin().unwrap();
        let rs = [
            graded("广州市", "优秀"),
            graded("深圳市", "优秀"),
            graded("珠海市", "合格"),
            graded("揭阳市", "不合格"),
        ];
        let refs: Vec<&RegionResult> = rs.iter().collect();
        let counts = grade_counts(&scheme, &refs);
        assert_eq!(
            counts,
            [("优秀", 2), ("良好", 0), ("合格", 1), ("不合格", 1)]
        );
        assert_eq!(
            grade_sentence(&counts),
            "优秀2个、良好0个、合格1个、不合格1个"
        );
    }

    #[test]
    fn the_addressee_follows_the_level_of_the_regions() {
        let office = Office::named("广东省打击侵权假冒工作领导小组办公室");
        let cities = [RegionResult::blank("440100", "广州市", Status::Scored)];
        assert_eq!(
            addressee(&office, &cities),
            "各地级以上市打击侵权假冒工作领导小组办公室："
        );
        let counties = [RegionResult::blank("440103", "荔湾区", Status::Scored)];
        assert_eq!(
            addressee(&office, &counties),
            "各县（市、区）打击侵权假冒工作领导小组办公室："
        );
        // A prefecture's office writes to its districts and counties, whatever their codes.
        let city = Office::named("湘西土家族苗族自治州打击侵权假冒工作领导小组办公室");
        assert_eq!(
            addressee(&city, &cities),
            "各县（市、区）打击侵权假冒工作领导小组办公室："
        );
    }

    #[test]
    fn a_veto_names_its_reason_and_a_deadline_is_stated_once() {
        let scheme = crate::scheme::Scheme::builtin().unwrap();
        let veto = Measure {
            measure: scheme.measure("veto").unwrap().clone(),
            rules: vec![],
            reason: "一票否决：发生重大制售假冒伪劣商品案件，等次定为不合格".to_string(),
            deadline: None,
        };
        assert_eq!(
            measure_sentence("揭阳市", &veto, true),
            "揭阳市：一票否决，否决事由：发生重大制售假冒伪劣商品案件，等次定为不合格。"
        );
        let d = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let supervise = Measure {
            measure: scheme.measure("supervise").unwrap().clone(),
            rules: vec![],
            reason: "连续3个季度被通报；挂牌督办，限2026年3月31日前整改到位".to_string(),
            deadline: Some(d),
        };
        assert_eq!(
            measure_sentence("汕尾市", &supervise, false),
            "汕尾市：连续3个季度被通报；挂牌督办，限2026年3月31日前整改到位。"
        );
    }

    #[test]
    fn requirements_are_one_paragraph_per_non_empty_line() {
        let b = requirement_paragraphs("一是抓好整改。\n\n  二是按时报送。  \n");
        assert_eq!(
            b,
            [
                Block::Body("一是抓好整改。".to_string()),
                Block::Body("二是按时报送。".to_string())
            ]
        );
        assert!(super::super::DEFAULT_REQUIREMENTS.lines().count() >= 3);
    }
}
