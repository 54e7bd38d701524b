//! The ladder at work: the scheme's rules (`[[rules]]`) tried in order on each region, the
//! measures they raise (`[[measures]]`), the points some of them add or deduct, and the one
//! measure each region carries: its most serious, with every rule that fired folded into one
//! sentence that reads as an escalation history. Statuses (已评分, 数据有误，退回修改, 未报送) are
//! not measures: they live in [`crate::record::Status`], and a rule may read them.

mod condition;

use crate::quarter::Quarter;
use crate::record::{Held, QuarterRecord};
use crate::registry::Calendar;
use crate::scheme::ladder::{fill, DeadlineDef, RuleDef};
use crate::scheme::{MeasureDef, Scheme};
use crate::score::{Item, RegionResult};
use crate::stats::Funnel;
use chrono::{Duration, NaiveDate};
use condition::{Binding, Facts};
use std::collections::BTreeMap;

/// One rule that fired for one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// The measure raised.
    pub measure: MeasureDef,
    /// The rule's id, as the history keeps it.
    pub rule_id: String,
    /// The rule's place in the scheme: the order in which a region's story is told.
    pub order: usize,
    /// The rule, briefly: "连续2个季度被通报".
    pub rule: String,
    /// The facts behind it, as a clause of the region's measure sentence (without the measure).
    pub reason: String,
    /// 整改期限, when the measure carries one.
    pub deadline: Option<NaiveDate>,
}

/// The one measure a region carries: its most serious flag, the rules that fired (each once) and
/// one sentence that tells how it came to this, ending with the measure, its consequences and
/// its 整改期限.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub measure: MeasureDef,
    /// Every rule that fired, in the order the sentence tells them.
    pub rules: Vec<String>,
    pub reason: String,
    pub deadline: Option<NaiveDate>,
}

impl Measure {
    /// Folds a region's flags into its measure; `None` when no rule fired.
    pub fn of(flags: &[Flag]) -> Option<Measure> {
        let top = flags.iter().map(|f| &f.measure).min()?.clone();
        let mut told: Vec<&Flag> = flags.iter().collect();
        told.sort_by_key(|f| f.order);
        let mut rules: Vec<String> = Vec::new();
        let mut clauses: Vec<String> = Vec::new();
        for f in &told {
            if !rules.contains(&f.rule) {
                rules.push(f.rule.clone());
            }
            tell(&mut clauses, &f.reason);
        }
        let deadline = flags.iter().filter_map(|f| f.deadline).min();
        let mut reason = clauses.join("；");
        let mut tail: Vec<String> = Vec::new();
        if top.append_label {
            tail.push(top.label.clone());
        }
        // Every consequence of the measures raised, most serious first, each once.
        let mut raised: Vec<&MeasureDef> = flags.iter().map(|f| &f.measure).collect();
        raised.sort();
        for m in raised {
            if let Some(c) = m.consequence.as_deref().filter(|c| !c.trim().is_empty()) {
                if !tail.iter().any(|t| t == c) {
                    tail.push(c.to_string());
                }
            }
        }
        if let Some(d) = deadline {
            tail.push(format!("限{}前整改到位", d.format("%Y年%-m月%-d日")));
        }
        if !tail.is_empty() {
            if !reason.is_empty() {
                reason.push('；');
            }
            reason.push_str(&tail.join("，"));
        }
        Some(Measure {
            measure: top,
            rules,
            reason,
            deadline,
        })
    }
}

/// Adds a rule's clause to a region's sentence, each fact once: the same clause again (约谈 and
/// 挂牌督办 for one streak of 通报) is not repeated, and a clause that opens as an earlier one does
/// ("总分55.08分，排名第21名，" of the 等次 and of the place at the bottom) goes on from it.
fn tell(clauses: &mut Vec<String>, clause: &str) {
    if clause.is_empty() || clauses.iter().any(|c| c == clause) {
        return;
    }
    for c in clauses.iter_mut() {
        if let Some(rest) = clause
            .strip_prefix(c.as_str())
            .and_then(|r| r.strip_prefix('，'))
        {
            // The earlier clause said only the opening: this one says more.
            c.push('，');
            c.push_str(rest);
            return;
        }
        let shared = shared_opening(c, clause);
        if !shared.is_empty() {
            let rest = &clause[shared.len()..];
            if !c.ends_with(rest) {
                c.push('，');
                c.push_str(rest);
            }
            return;
        }
    }
    clauses.push(clause.to_string());
}

/// The longest opening of both `a` and `b` that ends with "，" (a whole phrase).
fn shared_opening<'a>(a: &str, b: &'a str) -> &'a str {
    let mut end = 0;
    for ((i, x), y) in a.char_indices().zip(b.chars()) {
        if x != y {
            break;
        }
        if y == '，' {
            end = i + y.len_utf8();
        }
    }
    &b[..end]
}

/// The dates a measure's 整改期限 is counted from: the 制表日期 and the holiday calendar.
#[derive(Debug, Clone, Copy)]
pub struct Clock<'a> {
    pub made_on: NaiveDate,
    pub calendar: &'a Calendar,
}

impl Clock<'_> {
    /// A measure's 整改期限 in `quarter`.
    pub fn deadline(&self, def: &DeadlineDef, quarter: Quarter) -> NaiveDate {
        match def {
            DeadlineDef::DaysAfterQuarter(d) => quarter.last_day() + Duration::days(i64::from(*d)),
            DeadlineDef::WorkingDaysAfterTabulation(n) => {
                self.calendar.add_working_days(self.made_on, *n)
            }
        }
    }
}

/// The calendar shipped with the engine, for [`evaluate`] without a run's own.
pub(crate) fn builtin_calendar() -> &'static Calendar {
    static CAL: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
    CAL.get_or_init(|| Calendar::builtin().unwrap_or_default())
}

/// [`evaluate_at`] dated at the quarter's last day, with the shipped holiday calendar.
pub fn evaluate(
    scheme: &Scheme,
    quarter: Quarter,
    results: &[RegionResult],
    history: &[QuarterRecord],
    funnels: &[Funnel],
) -> BTreeMap<String, Vec<Flag>> {
    let clock = Clock {
        made_on: quarter.last_day(),
        calendar: builtin_calendar(),
    };
    evaluate_at(&clock, scheme, quarter, results, history, funnels)
}

/// Tries the scheme's measure rules, in order, on every region of one quarter. `history`
/// holds earlier quarters (any order); only the quarters right before `quarter` count as
/// consecutive. `funnels` are this quarter's funnel limits. A rule's `held` condition counting
/// this quarter sees the measures the rules before it raised. The flags of each region come
/// most serious first.
pub fn evaluate_at(
    clock: &Clock,
    scheme: &Scheme,
    quarter: Quarter,
    results: &[RegionResult],
    history: &[QuarterRecord],
    funnels: &[Funnel],
) -> BTreeMap<String, Vec<Flag>> {
    let facts = Facts::new(scheme, quarter, results, history, funnels);
    let mut out = BTreeMap::new();
    for r in results {
        let mut flags: Vec<Flag> = Vec::new();
        let mut now: Vec<Held> = Vec::new();
        for (order, rule) in scheme.rules.iter().enumerate() {
            let (Some(id), Some(c)) = (&rule.measure, &rule.condition) else {
                continue;
            };
            let Some(def) = scheme.measure(id) else {
                continue;
            };
            let found = facts.matches(c, r, &now);
            if found.is_empty() {
                continue;
            }
            let deadline = def.deadline.map(|d| clock.deadline(&d, quarter));
            for b in &found {
                let (name, reason) = words(&facts, rule, r, Some(def), deadline, b);
                flags.push(Flag {
                    measure: def.clone(),
                    rule_id: rule.id.clone(),
                    order,
                    rule: name,
                    reason,
                    deadline,
                });
            }
            now.push(Held {
                id: def.id.clone(),
                severity: Some(def.severity),
            });
        }
        flags.sort_by(|a, b| a.measure.cmp(&b.measure));
        if !flags.is_empty() {
            out.insert(r.code.clone(), flags);
        }
    }
    out
}

/// Applies the scheme's point rules (`points` instead of `measure`), in order, to the scored
/// regions: each that fires is an item of the region's result, rounded as published, and its
/// total, 等次 and the ranking follow. Decided on the ranking before these points. Whether any
/// rule gave points.
pub fn adjust(
    scheme: &Scheme,
    quarter: Quarter,
    results: &mut [RegionResult],
    history: &[QuarterRecord],
    funnels: &[Funnel],
) -> bool {
    if !scheme.rules.iter().any(|r| r.points.is_some()) {
        return false;
    }
    let mut items: Vec<(usize, Item)> = Vec::new();
    {
        let facts = Facts::new(scheme, quarter, results, history, funnels);
        for (i, r) in results.iter().enumerate() {
            if !r.is_scored() {
                continue;
            }
            for rule in &scheme.rules {
                let (Some(points), Some(c)) = (rule.points, &rule.condition) else {
                    continue;
                };
                if let Some(b) = facts.matches(c, r, &[]).first() {
                    let (name, reason) = words(&facts, rule, r, None, None, b);
                    items.push((
                        i,
                        Item {
                            label: name,
                            points: scheme.round(points),
                            detail: reason,
                        },
                    ));
                }
            }
        }
    }
    if items.is_empty() {
        return false;
    }
    for (i, item) in items {
        let r = &mut results[i];
        // A sum of printed figures, so that it adds up as printed.
        r.total = scheme.round(r.total + item.points);
        r.adjustments.push(item);
    }
    for r in results.iter_mut().filter(|r| r.is_scored()) {
        r.grade = match &r.veto {
            Some(_) => scheme.veto.grade.clone(),
            None => scheme.grade_for(r.total),
        };
    }
    crate::score::rank(results);
    true
}

/// A rule's name and reason with its placeholders filled.
fn words(
    facts: &Facts,
    rule: &RuleDef,
    r: &RegionResult,
    measure: Option<&MeasureDef>,
    deadline: Option<NaiveDate>,
    b: &Binding,
) -> (String, String) {
    let s = facts.scheme;
    let value = |name: &str| -> Option<String> {
        if let Some((_, v)) = b.iter().find(|(k, _)| *k == name) {
            return Some(v.clone());
        }
        Some(match name {
            "quarter" => facts.quarter.label(),
            "measure" => measure.map_or_else(String::new, |m| m.label.clone()),
            "n" => facts.n.to_string(),
            "points" => rule.points.map_or_else(String::new, |p| s.fixed(p.abs())),
            "total" if r.is_scored() => s.fixed(r.total),
            "rank" if r.is_scored() => r.rank.to_string(),
            "grade" if r.is_scored() => r.grade.clone(),
            // How many regions were ranked is said once where the measures are listed.
            "position" if r.is_scored() => {
                format!("总分{}分，排名第{}名", s.fixed(r.total), r.rank)
            }
            // A veto's clause already says the 等次 it sets.
            "and_grade" if r.is_scored() => match r.veto {
                Some(_) => String::new(),
                None => format!("，等次为{}", r.grade),
            },
            "deadline" => deadline?.format("%Y年%-m月%-d日").to_string(),
            _ => return None,
        })
    };
    (fill(&rule.name, &value), fill(&rule.reason, &value))
}

/// Measure ids in the history that the scheme does not define, with the quarters that hold
/// them: the rules still count them, by the severity recorded with them.
pub fn unknown_measures(scheme: &Scheme, history: &[QuarterRecord]) -> Vec<(String, Vec<Quarter>)> {
    let mut out: BTreeMap<String, Vec<Quarter>> = BTreeMap::new();
    for h in history {
        for held in &h.flags {
            if scheme.measure(&held.id).is_none() {
                let qs = out.entry(held.id.clone()).or_default();
                if !qs.contains(&h.quarter) {
                    qs.push(h.quarter);
                }
            }
        }
    }
    for qs in out.values_mut() {
        qs.sort();
    }
    out.into_iter().collect()
}

/// Quarters missing from the history between its first quarter and `quarter` (exclusive),
/// oldest first: there the consecutive-quarter rules break off.
pub fn history_gaps(held: &[Quarter], quarter: Quarter) -> Vec<Quarter> {
    let Some(first) = held.iter().copied().filter(|q| *q < quarter).min() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut q = first;
    while q < quarter {
        if !held.contains(&q) {
            out.push(q);
        }
        q = q.next();
    }
    out
}

/// How many quarters, this one included, the scheme's rules look back over.
fn window(scheme: &Scheme) -> u32 {
    scheme
        .rules
        .iter()
        .filter_map(|r| r.condition.as_ref())
        .map(looks_back)
        .max()
        .unwrap_or(1)
        .max(2)
}

/// The rules that read earlier quarters, by the measure or points they give: "提出约谈、挂牌督办
/// 的规则".
fn looking_back(scheme: &Scheme) -> String {
    let mut raised: Vec<&MeasureDef> = Vec::new();
    let mut points = false;
    for r in &scheme.rules {
        let Some(c) = &r.condition else { continue };
        if looks_back(c) < 2 {
            continue;
        }
        match r.measure.as_deref().and_then(|m| scheme.measure(m)) {
            Some(m) if !raised.contains(&m) => raised.push(m),
            Some(_) => {}
            None => points = true,
        }
    }
    raised.sort();
    let labels: Vec<&str> = raised.iter().rev().map(|m| m.label.as_str()).collect();
    let mut parts = Vec::new();
    if !labels.is_empty() {
        parts.push(format!("提出{}的规则", labels.join("、")));
    }
    if points {
        parts.push("按排名变化等加减分的规则".to_string());
    }
    parts.join("，")
}

fn looks_back(c: &crate::scheme::Condition) -> u32 {
    use crate::scheme::Condition as C;
    match c {
        C::Funnel { quarters, .. } | C::Status { quarters, .. } => *quarters,
        C::Held { of, current, .. } => of + u32::from(!current),
        C::Gain { .. } | C::RankDown(_) | C::RankUp(_) => 2,
        C::All(cs) | C::Any(cs) => cs.iter().map(looks_back).max().unwrap_or(1),
        C::Not(c) => looks_back(c),
        _ => 1,
    }
}

/// What a gap in the history means for this quarter's measures, in words for the terminal,
/// 评分说明 and 预警与督办; `None` when the history has no gap.
pub fn history_gap_notice(scheme: &Scheme, held: &[Quarter], quarter: Quarter) -> Option<String> {
    let gaps = history_gaps(held, quarter);
    if gaps.is_empty() {
        return None;
    }
    let oldest_judged = (1..window(scheme)).fold(quarter, |q, _| q.prev());
    let names = |qs: &[Quarter]| {
        qs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut held_sorted: Vec<Quarter> = held.iter().copied().filter(|q| *q < quarter).collect();
    held_sorted.sort();
    let label = |qs: &[Quarter]| qs.iter().map(|q| q.label()).collect::<Vec<_>>().join("、");
    let missing = format!(
        "历史数据缺少{}的考核结果（已有{}）",
        label(&gaps),
        names(&held_sorted)
    );
    Some(if gaps.iter().any(|g| *g >= oldest_judged) {
        format!(
            "{missing}。涉及以前季度的督办规则（{}）无法完整判定，\
             本季度的督办措施可能偏轻。请先用同一个历史数据文件夹按季度顺序评分{}，再重新评分{}。",
            looking_back(scheme),
            names(&gaps),
            quarter
        )
    } else {
        format!("{missing}，早于本季度连续规则所看的季度，不影响本季度的督办措施。")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Status;
    use crate::score::RegionResult;

    fn result(code: &str, rank: u32, total: f64, grade: &str) -> RegionResult {
        RegionResult {
            total,
            grade: grade.to_string(),
            rank,
            ..RegionResult::blank(code, &format!("{code}市"), Status::Scored)
        }
    }

    /// Ten regions ranked 1..10 with totals 97, 94, …, 73; the tenth has `tail_total`.
    fn quarter_results(tail_total: f64) -> Vec<RegionResult> {
        (1..=10)
            .map(|i| {
                let total = if i == 10 {
                    tail_total
                } else {
                    100.0 - 3.0 * i as f64
                };
                result(
                    &format!("r{i:02}"),
                    i,
                    total,
                    if total >= 60.0 { "合格" } else { "不合格" },
                )
            })
            .collect()
    }

    /// What the history keeps of a quarter in which these measures were raised.
    fn held(ids: &[&str]) -> Vec<Held> {
        let scheme = Scheme::builtin().unwrap();
        ids.iter()
            .map(|id| Held {
                id: id.to_string(),
                severity: scheme.measure(id).map(|m| m.severity),
            })
            .collect()
    }

    fn kinds(flags: &BTreeMap<String, Vec<Flag>>, code: &str) -> Vec<String> {
        flags
            .get(code)
            .map(|f| f.iter().map(|f| f.measure.id.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn escalation_over_three_quarters() {
        let scheme = Scheme::builtin().unwrap();
        let q1: Quarter = "2025Q1".parse().unwrap();
        let (q2, q3) = (q1.next(), q1.next().next());
        let mut history = Vec::new();

        // Q1: n = 10 → bottom ⌈1.0⌉ = 1 is 通报 (r10), bottom ⌈2.5⌉ = 3 are 预警 (r08, r09).
        let r1 = quarter_results(61.0);
        let f1 = evaluate(&scheme, q1, &r1, &history, &[]);
        assert_eq!(kinds(&f1, "r10"), ["notify"]);
        assert_eq!(kinds(&f1, "r09"), ["warn"]);
        assert_eq!(kinds(&f1, "r08"), ["warn"]);
        assert!(kinds(&f1, "r07").is_empty());
        history.extend(crate::pipeline::records(q1, &r1, &f1, &[]));

        // Q2: 通报 again → 约谈.
        let r2 = quarter_results(62.0);
        let f2 = evaluate(&scheme, q2, &r2, &history, &[]);
        assert_eq!(kinds(&f2, "r10"), ["interview", "notify"]);
        let interview = &f2["r10"][0];
        assert!(
            interview
                .reason
                .contains("2025年第一季度至第二季度连续2个季度被通报"),
            "{}",
            interview.reason
        );
        history.extend(crate::pipeline::records(q2, &r2, &f2, &[]));

        // Q3: third 通报 → 挂牌督办 with 整改期限 = 2025-09-30 + 90 days = 2025-12-29.
        let r3 = quarter_results(63.0);
        let f3 = evaluate(&scheme, q3, &r3, &history, &[]);
        // 挂牌督办 twice: the third 通报, and too little gain after last quarter's 约谈.
        assert_eq!(
            kinds(&f3, "r10"),
            ["supervise", "supervise", "interview", "notify"]
        );
        assert_eq!(f3["r10"][0].deadline, NaiveDate::from_ymd_opt(2025, 12, 29));
        // One measure, told as a history: the place, the streak once, the measure and its date.
        let m = Measure::of(&f3["r10"]).unwrap();
        assert_eq!(m.measure.id, "supervise");
        assert_eq!(
            m.rules,
            [
                "排名末位1名",
                "连续2个季度被通报",
                "连续3个季度被通报",
                "上季度被约谈且本季度总分提高不足5分"
            ]
        );
        assert_eq!(
            m.reason,
            "总分63.00分，排名第10名，处于末位1名；\
             2025年第一季度至第三季度连续3个季度被通报；\
             上季度（2025年第二季度）已约谈，本季度总分63.00分，较上季度（62.00分）提高1.00分，未达到提高5分的要求；\
             挂牌督办，限2025年12月29日前整改到位"
        );
        assert_eq!(m.deadline, NaiveDate::from_ymd_opt(2025, 12, 29));
    }

    /// Regression (issue 8): 约谈's rule said "连续2个季度被通报" while its sentence said "连续3个
    /// 季度被通报", in separate rows. Folded, the streak is told once, as it was.
    #[test]
    fn regression_interview_and_supervise_tell_one_streak() {
        let scheme = Scheme::builtin().unwrap();
        let q: Quarter = "2025Q3".parse().unwrap();
        let r = quarter_results(50.0);
        let mut past = Vec::new();
        for back in [q.prev(), q.prev().prev()] {
            let mut recs = crate::pipeline::records(back, &r, &BTreeMap::new(), &[]);
            for p in &mut recs {
                p.flags = held(&["notify"]);
                p.total = 49.0;
            }
            past.extend(recs);
        }
        let f = evaluate(&scheme, q, &r, &past, &[]);
        let m = Measure::of(&f["r10"]).unwrap();
        assert_eq!(m.measure.id, "supervise");
        assert_eq!(m.reason.matches("连续").count(), 1, "{}", m.reason);
        assert!(
            m.reason
                .contains("2025年第一季度至第三季度连续3个季度被通报"),
            "{}",
            m.reason
        );
        assert!(!m.reason.contains("连续2个季度"), "{}", m.reason);
    }

    #[test]
    fn interview_then_too_little_gain_is_supervised() {
        let scheme = Scheme::builtin().unwrap();
        let q: Quarter = "2025Q2".parse().unwrap();
        let mut last = quarter_results(61.0);
        last[4].total = 70.0;
        let mut past = crate::pipeline::records(q.prev(), &last, &BTreeMap::new(), &[]);
        // r05 was interviewed last quarter with 70 points.
        past[4].flags = held(&["interview"]);
        let mut now = quarter_results(62.0);
        now[4].total = 74.99; // +4.99 < 5
        now[3].total = 80.0;
        let flags = evaluate(&scheme, q, &now, &past, &[]);
        let f = &flags["r05"];
        assert_eq!(f[0].measure.id, "supervise");
        assert_eq!(
            Measure::of(f).unwrap().reason,
            "上季度（2025年第一季度）已约谈，本季度总分74.99分，较上季度（70.00分）提高4.99分，未达到提高5分的要求；\
             挂牌督办，限2025年9月28日前整改到位"
        );
        assert!(kinds(&flags, "r04").is_empty());
    }

    /// Regression (issue 22): 64.02 after 59.02 is a gain of 5.00 as printed, but
    /// 4.999999999999993 in f64, and the region was put under 挂牌督办 for "不足5分".
    #[test]
    fn regression_a_gain_of_exactly_five_points_is_enough() {
        let scheme = Scheme::builtin().unwrap();
        let q: Quarter = "2025Q2".parse().unwrap();
        for (before, after, supervised) in [
            (59.02, 64.02, false),
            (59.02, 64.01, true),
            (70.0, 74.99, true),
            (70.0, 75.0, false),
        ] {
            let mut last = quarter_results(61.0);
            last[4].total = before;
            let mut past = crate::pipeline::records(q.prev(), &last, &BTreeMap::new(), &[]);
            past[4].flags = held(&["interview"]);
            let mut now = quarter_results(62.0);
            now[4].total = after;
            let flags = evaluate(&scheme, q, &now, &past, &[]);
            assert_eq!(
                kinds(&flags, "r05").contains(&"supervise".to_string()),
                supervised,
                "{before} → {after}: {:?}",
                flags.get("r05")
            );
        }
    }

    /// Regression (issue 22): ⌈0.07 × 100⌉ was 8 regions in f64 (7.000000000000001); the
    /// bottom share of 100 regions at 7% is 7.
    #[test]
    fn regression_a_share_of_n_is_counted_on_its_decimal() {
        let scheme = Scheme::from_toml(
            &crate::scheme::BUILTIN_SCHEME
                .replace("bottom_share = 0.10", "bottom_share = 0.07")
                .replace("bottom_share = 0.25", "bottom_share = 0.07"),
        )
        .unwrap();
        let q: Quarter = "2025Q1".parse().unwrap();
        let results: Vec<RegionResult> = (1..=100)
            .map(|i| result(&format!("r{i:03}"), i, 200.0 - f64::from(i), "合格"))
            .collect();
        let f = evaluate(&scheme, q, &results, &[], &[]);
        let notified = f
            .values()
            .filter(|fl| fl.iter().any(|x| x.measure.id == "notify"))
            .count();
        assert_eq!(notified, 7);
        assert!(kinds(&f, "r093").is_empty());
        assert_eq!(kinds(&f, "r094"), ["notify"]);
    }

    /// Regression (issue 22): 云浮市 held 挂牌督办 last quarter and this quarter's reason said
    /// "上季度已约谈". The reason names the measure held.
    #[test]
    fn regression_the_gain_reason_names_the_measure_held_last_quarter() {
        let scheme = Scheme::builtin().unwrap();
        let q: Quarter = "2025Q2".parse().unwrap();
        let mut last = quarter_results(61.0);
        last[4].total = 70.0;
        let mut past = crate::pipeline::records(q.prev(), &last, &BTreeMap::new(), &[]);
        past[4].flags = held(&["supervise", "interview", "notify"]);
        let mut now = quarter_results(62.0);
        now[4].total = 71.0;
        let flags = evaluate(&scheme, q, &now, &past, &[]);
        let reason = Measure::of(&flags["r05"]).unwrap().reason;
        assert!(
            reason.contains("上季度（2025年第一季度）已挂牌督办"),
            "{reason}"
        );
        assert!(!reason.contains("已约谈"), "{reason}");
    }

    /// Regression (issue 22): 2026Q3 scored while 2026Q2 was absent from the history was
    /// accepted without a word, and the consecutive rules quietly restarted.
    #[test]
    fn regression_a_gap_in_the_history_is_named() {
        let scheme = Scheme::builtin().unwrap();
        let q = |s: &str| -> Quarter { s.parse().unwrap() };
        let held = [q("2026Q1")];
        assert_eq!(history_gaps(&held, q("2026Q3")), [q("2026Q2")]);
        let notice = history_gap_notice(&scheme, &held, q("2026Q3")).unwrap();
        assert!(notice.contains("缺少2026年第二季度"), "{notice}");
        assert!(notice.contains("可能偏轻"), "{notice}");
        assert_eq!(
            history_gap_notice(&scheme, &[q("2026Q2")], q("2026Q3")),
            None
        );
        assert_eq!(history_gap_notice(&scheme, &[], q("2026Q3")), None);
        // An old gap, outside the rules' window, is named but does not touch this quarter.
        let held = [
            q("2025Q1"),
            q("2025Q3"),
            q("2025Q4"),
            q("2026Q1"),
            q("2026Q2"),
        ];
        let notice = history_gap_notice(&scheme, &held, q("2026Q3")).unwrap();
        assert!(
            notice.contains("缺少2025年第二季度") && notice.contains("不影响"),
            "{notice}"
        );
    }

    #[test]
    fn a_gap_in_history_breaks_the_streak() {
        let scheme = Scheme::builtin().unwrap();
        let q: Quarter = "2025Q3".parse().unwrap();
        let r = quarter_results(50.0);
        // 通报 in Q1 only: Q2 is missing from history, so Q3 is not consecutive.
        let mut past = crate::pipeline::records(q.prev().prev(), &r, &BTreeMap::new(), &[]);
        for p in &mut past {
            p.flags = held(&["notify"]);
        }
        let f = evaluate(&scheme, q, &r, &past, &[]);
        assert_eq!(kinds(&f, "r10"), ["notify"]);
        assert!(f["r10"][0].reason.contains("等次为不合格"));
    }
}
