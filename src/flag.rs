//! Flag rules (预警, 通报, 约谈, 挂牌督办, 一票否决) and their escalation over quarters, and the one
//! measure each region carries: its most serious flag, with every rule that fired folded into one
//! sentence that reads as an escalation history. Statuses (已评分, 数据有误，退回修改, 未报送) are not
//! flags: they live in [`crate::record::Status`].

use chrono::NaiveDate;

/// What made a rule fire; the order is the order in which a region's story is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Trigger {
    /// 一票否决 in 省级评定.
    Veto,
    /// The region's grade or its place at the bottom of the ranking.
    Position,
    /// Beyond a funnel limit this quarter.
    Funnel,
    /// Beyond the outer funnel limit in consecutive quarters.
    FunnelStreak,
    /// 通报 in consecutive quarters.
    NotifyStreak,
    /// 约谈 last quarter and too little gain this quarter.
    InterviewGain,
}

/// One rule that fired for one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub kind: FlagKind,
    pub trigger: Trigger,
    /// The rule, briefly: "连续2个季度被通报".
    pub rule: String,
    /// The facts behind it, as a clause of the region's measure sentence (without the measure).
    pub reason: String,
    /// 整改期限, for 挂牌督办.
    pub deadline: Option<NaiveDate>,
}

/// The one measure a region carries: its most serious flag, the rules that fired (each once) and
/// one sentence that tells how it came to this, ending with the measure and its 整改期限.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub kind: FlagKind,
    /// Every rule that fired, in the order the sentence tells them.
    pub rules: Vec<String>,
    pub reason: String,
    pub deadline: Option<NaiveDate>,
}

impl Measure {
    /// Folds a region's flags into its measure; `None` when no rule fired.
    pub fn of(flags: &[Flag]) -> Option<Measure> {
        let kind = flags.iter().map(|f| f.kind).min()?;
        let mut told: Vec<&Flag> = flags.iter().collect();
        // By trigger, and within one the lesser measure first (约谈 before 挂牌督办).
        told.sort_by_key(|f| (f.trigger, std::cmp::Reverse(f.kind)));
        let mut rules: Vec<String> = Vec::new();
        let mut clauses: Vec<&str> = Vec::new();
        for f in &told {
            if !rules.contains(&f.rule) {
                rules.push(f.rule.clone());
            }
            // 约谈 and 挂牌督办 for one streak of 通报 tell the same fact once.
            if !clauses.contains(&f.reason.as_str()) {
                clauses.push(&f.reason);
            }
        }
        let deadline = flags.iter().filter_map(|f| f.deadline).min();
        let mut reason = clauses.join("；");
        if kind != FlagKind::Veto {
            reason.push('；');
            reason.push_str(kind.label());
        }
        if let Some(d) = deadline {
            let by = format!("限{}前整改到位", d.format("%Y年%-m月%-d日"));
            reason.push_str(if kind == FlagKind::Veto { "；" } else { "，" });
            reason.push_str(&by);
        }
        Some(Measure {
            kind,
            rules,
            reason,
            deadline,
        })
    }
}

use crate::quarter::Quarter;
use crate::record::{FlagKind, QuarterRecord};
use crate::scheme::{BadSide, Scheme};
use crate::score::RegionResult;
use crate::stats::{Funnel, Point};
use crate::text::fmt_num;
use chrono::Duration;
use std::collections::{BTreeMap, HashMap};

/// Evaluates the scheme's flag rules for one quarter. `history` holds earlier quarters (any
/// order); only the quarters right before `quarter` count as consecutive. `funnels` are this
/// quarter's funnel limits. The flags of each region come most serious first.
pub fn evaluate(
    scheme: &Scheme,
    quarter: Quarter,
    results: &[RegionResult],
    history: &[QuarterRecord],
    funnels: &[Funnel],
) -> BTreeMap<String, Vec<Flag>> {
    let rules = &scheme.flags;
    let scored: Vec<&RegionResult> = results.iter().filter(|r| r.is_scored()).collect();
    let n = scored.len();
    // Counted on the shares' decimals: 0.07 of 100 regions is 7, not ⌈7.000000000000001⌉.
    let k_notify = crate::decimal::share_ceil(rules.notify_share, n);
    let k_warn = crate::decimal::share_ceil(rules.warn_share, n);
    // A region is in the bottom k when fewer than k scored regions rank below it, so ties at the
    // boundary are counted in.
    // Looked up once per region and rule: by sorted ranks and by key, not by scanning (2,850
    // regions and years of history would make that quadratic).
    let mut ranks: Vec<u32> = scored.iter().map(|r| r.rank).collect();
    ranks.sort_unstable();
    let below = |r: &RegionResult| n - ranks.partition_point(|&k| k <= r.rank);
    let mut by_key: HashMap<(&str, Quarter), &QuarterRecord> = HashMap::new();
    for h in history {
        by_key.entry((h.code.as_str(), h.quarter)).or_insert(h);
    }
    let past = |code: &str, q: Quarter| by_key.get(&(code, q)).copied();
    let points: Vec<HashMap<&str, &Point>> = funnels.iter().map(Funnel::by_code).collect();
    let deadline = quarter.last_day() + Duration::days(rules.rectify_days);

    let mut out = BTreeMap::new();
    for r in results {
        let mut flags = Vec::new();
        if r.is_scored() {
            if let Some(reason) = &r.veto {
                flags.push(Flag {
                    kind: FlagKind::Veto,
                    trigger: Trigger::Veto,
                    rule: "发生重特大案（事）件，一票否决".to_string(),
                    reason: format!("一票否决：{reason}，等次定为{}", scheme.veto.grade),
                    // A vetoed region rectifies within the same period as one under 挂牌督办.
                    deadline: Some(deadline),
                });
            }
            // How many regions were ranked is said once where the measures are listed.
            let position = format!("总分{}分，排名第{}名", fmt2(r.total), r.rank);
            let bad_grade = rules.notify_grades.contains(&r.grade);
            let bottom_notify = k_notify > 0 && below(r) < k_notify;
            let notified = bad_grade || bottom_notify;
            if bad_grade {
                flags.push(Flag {
                    kind: FlagKind::Notify,
                    trigger: Trigger::Position,
                    rule: format!("等次为{}", r.grade),
                    // A veto's clause already says the grade it sets.
                    reason: if r.veto.is_some() {
                        position.clone()
                    } else {
                        format!("{position}，等次为{}", r.grade)
                    },
                    deadline: None,
                });
            } else if bottom_notify {
                flags.push(Flag {
                    kind: FlagKind::Notify,
                    trigger: Trigger::Position,
                    rule: format!("排名末位{k_notify}名"),
                    reason: format!("{position}，处于末位{k_notify}名"),
                    deadline: None,
                });
            }
            if !notified && k_warn > 0 && below(r) < k_warn {
                flags.push(Flag {
                    kind: FlagKind::Warn,
                    trigger: Trigger::Position,
                    rule: format!("排名末位{k_warn}名"),
                    reason: format!("{position}，处于末位{k_warn}名"),
                    deadline: None,
                });
            }
            for (f, points) in funnels.iter().zip(&points) {
                if let Some(p) = points.get(r.code.as_str()) {
                    flags.extend(funnel_flags(scheme, quarter, r, f, p, &past));
                }
            }
            if notified {
                // Consecutive quarters of 通报, this one included.
                let mut streak = 1u32;
                let mut q = quarter.prev();
                while past(&r.code, q).is_some_and(|h| h.has(FlagKind::Notify)) && streak < 100 {
                    streak += 1;
                    q = q.prev();
                }
                let first = (1..streak).fold(quarter, |q, _| q.prev());
                let history = format!("{}连续{streak}个季度被通报", first.span_label(quarter));
                if streak >= rules.interview_after {
                    flags.push(Flag {
                        kind: FlagKind::Interview,
                        trigger: Trigger::NotifyStreak,
                        rule: format!("连续{}个季度被通报", rules.interview_after),
                        reason: history.clone(),
                        deadline: None,
                    });
                }
                if streak >= rules.supervise_after {
                    flags.push(Flag {
                        kind: FlagKind::Supervise,
                        trigger: Trigger::NotifyStreak,
                        rule: format!("连续{}个季度被通报", rules.supervise_after),
                        reason: history,
                        deadline: Some(deadline),
                    });
                }
            }
            if let Some(last) = past(&r.code, quarter.prev()) {
                // On the totals as printed: 64.02 after 59.02 is a gain of 5.00, not 4.99999….
                let gain_units = scheme.units(r.total) - scheme.units(last.total);
                let gain = gain_units as f64 / 10f64.powi(scheme.decimals as i32);
                if last.has(FlagKind::Interview)
                    && gain_units < scheme.units(rules.supervise_min_gain)
                {
                    flags.push(Flag {
                        kind: FlagKind::Supervise,
                        trigger: Trigger::InterviewGain,
                        rule: format!(
                            "上季度被约谈且本季度总分提高不足{}分",
                            fmt_num(rules.supervise_min_gain)
                        ),
                        reason: format!(
                            "上季度（{}）已{}，本季度总分{}分，较上季度（{}分）{}分，未达到提高{}分的要求",
                            quarter.prev().label(),
                            held_since(last).label(),
                            fmt2(r.total),
                            fmt2(last.total),
                            signed(gain),
                            fmt_num(rules.supervise_min_gain),
                        ),
                        deadline: Some(deadline),
                    });
                }
            }
        }
        flags.sort_by_key(|f| f.kind);
        if !flags.is_empty() {
            out.insert(r.code.clone(), flags);
        }
    }
    out
}

/// 预警 beyond the inner funnel limit on the bad side; 约谈 beyond the outer limit this quarter
/// and the quarters before (问题长期高发).
fn funnel_flags<'h>(
    scheme: &Scheme,
    quarter: Quarter,
    r: &RegionResult,
    f: &Funnel,
    p: &Point,
    past: &dyn Fn(&str, Quarter) -> Option<&'h QuarterRecord>,
) -> Vec<Flag> {
    let settings = &scheme.statistics.funnel;
    let whole = scheme.office.whole();
    let [inner, outer] = settings.levels;
    let bad = f.setting.bad;
    let upper = bad == BadSide::High;
    let side = if upper { "高于" } else { "低于" };
    let bound = if upper { "上限" } else { "下限" };
    let level = |l: f64| format!("{}%", fmt_num(l * 100.0));
    // In words a leader reads: the indicator by name, no statistical symbols (the model, the
    // over-dispersion and its τ² are on the 漏斗图 sheet and in 评分说明).
    let describe = |l: f64| {
        format!(
            "{}为{}{}，{}漏斗图{}控制{}{}（{whole}合计{}）",
            f.name,
            f.show(p.value),
            f.figures(p),
            side,
            level(l),
            bound,
            f.show(f.fit.limit(l, p.exposure, upper)),
            f.show(f.fit.target),
        )
    };
    let mut out = Vec::new();
    if f.fit.beyond(p, inner, bad) {
        out.push(Flag {
            kind: FlagKind::Warn,
            trigger: Trigger::Funnel,
            rule: format!("{}超出漏斗图{}控制限", f.name, level(inner)),
            reason: describe(inner),
            deadline: None,
        });
    }
    if f.fit.beyond(p, outer, bad) {
        let z = crate::stats::funnel::z_of(outer);
        let beyond_then = |h: &QuarterRecord| {
            h.funnel_z(&f.setting.id)
                .is_some_and(|v| if upper { v > z } else { v < -z })
        };
        let mut streak = 1u32;
        let mut q = quarter.prev();
        while streak < settings.interview_after && past(&r.code, q).is_some_and(&beyond_then) {
            streak += 1;
            q = q.prev();
        }
        if streak >= settings.interview_after {
            let k = settings.interview_after;
            let what = if f.setting.label.is_empty() {
                String::new()
            } else {
                format!("（{}）", f.setting.label)
            };
            out.push(Flag {
                kind: FlagKind::Interview,
                trigger: Trigger::FunnelStreak,
                rule: format!(
                    "{}连续{k}个季度超出漏斗图{}控制限{what}",
                    f.name,
                    level(outer)
                ),
                reason: format!(
                    "{}{}连续{k}个季度{}漏斗图{}控制{}{what}",
                    f.name,
                    q.next().span_label(quarter),
                    side,
                    level(outer),
                    bound,
                ),
                deadline: None,
            });
        }
    }
    out
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

/// What a gap in the history means for this quarter's measures, in words for the terminal,
/// 评分说明 and 预警与督办; `None` when the history has no gap.
pub fn history_gap_notice(scheme: &Scheme, held: &[Quarter], quarter: Quarter) -> Option<String> {
    let gaps = history_gaps(held, quarter);
    if gaps.is_empty() {
        return None;
    }
    let rules = &scheme.flags;
    // The quarters the consecutive rules look back over, this one included.
    let window = rules
        .interview_after
        .max(rules.supervise_after)
        .max(scheme.statistics.funnel.interview_after)
        .max(2);
    let oldest_judged = (1..window).fold(quarter, |q, _| q.prev());
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
            "{missing}。涉及连续季度的督办规则（连续被通报升级为约谈、挂牌督办，约谈后总分提高不足，漏斗图连续超限）无法完整判定，\
             本季度的督办措施可能偏轻。请先用同一个历史数据文件夹按季度顺序评分{}，再重新评分{}。",
            names(&gaps),
            quarter
        )
    } else {
        format!("{missing}，早于本季度连续规则所看的季度，不影响本季度的督办措施。")
    })
}

/// The measure a region held in a quarter from 约谈 up (its most serious): what a reason that
/// starts from "上季度已约谈" must name, since a region under 挂牌督办 was also 约谈.
fn held_since(last: &QuarterRecord) -> FlagKind {
    last.flags
        .iter()
        .copied()
        .filter(|k| *k <= FlagKind::Interview)
        .min()
        .unwrap_or(FlagKind::Interview)
}

fn fmt2(v: f64) -> String {
    format!("{v:.2}")
}

fn signed(v: f64) -> String {
    if v >= 0.0 {
        format!("提高{v:.2}")
    } else {
        format!("下降{:.2}", -v)
    }
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

    fn kinds(flags: &BTreeMap<String, Vec<Flag>>, code: &str) -> Vec<FlagKind> {
        flags
            .get(code)
            .map(|f| f.iter().map(|f| f.kind).collect())
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
        assert_eq!(kinds(&f1, "r10"), [FlagKind::Notify]);
        assert_eq!(kinds(&f1, "r09"), [FlagKind::Warn]);
        assert_eq!(kinds(&f1, "r08"), [FlagKind::Warn]);
        assert!(kinds(&f1, "r07").is_empty());
        history.extend(crate::pipeline::records(q1, &r1, &f1, &[]));

        // Q2: 通报 again → 约谈.
        let r2 = quarter_results(62.0);
        let f2 = evaluate(&scheme, q2, &r2, &history, &[]);
        assert_eq!(kinds(&f2, "r10"), [FlagKind::Interview, FlagKind::Notify]);
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
            [
                FlagKind::Supervise,
                FlagKind::Supervise,
                FlagKind::Interview,
                FlagKind::Notify
            ]
        );
        assert_eq!(f3["r10"][0].deadline, NaiveDate::from_ymd_opt(2025, 12, 29));
        // One measure, told as a history: the place, the streak once, the measure and its date.
        let m = Measure::of(&f3["r10"]).unwrap();
        assert_eq!(m.kind, FlagKind::Supervise);
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
                p.flags = vec![FlagKind::Notify];
                p.total = 49.0;
            }
            past.extend(recs);
        }
        let f = evaluate(&scheme, q, &r, &past, &[]);
        let m = Measure::of(&f["r10"]).unwrap();
        assert_eq!(m.kind, FlagKind::Supervise);
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
        past[4].flags = vec![FlagKind::Interview];
        let mut now = quarter_results(62.0);
        now[4].total = 74.99; // +4.99 < 5
        now[3].total = 80.0;
        let flags = evaluate(&scheme, q, &now, &past, &[]);
        let f = &flags["r05"];
        assert_eq!(f[0].kind, FlagKind::Supervise);
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
            past[4].flags = vec![FlagKind::Interview];
            let mut now = quarter_results(62.0);
            now[4].total = after;
            let flags = evaluate(&scheme, q, &now, &past, &[]);
            assert_eq!(
                kinds(&flags, "r05").contains(&FlagKind::Supervise),
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
        let mut scheme = Scheme::builtin().unwrap();
        scheme.flags.notify_share = 0.07;
        scheme.flags.warn_share = 0.07;
        let q: Quarter = "2025Q1".parse().unwrap();
        let results: Vec<RegionResult> = (1..=100)
            .map(|i| result(&format!("r{i:03}"), i, 200.0 - f64::from(i), "合格"))
            .collect();
        let f = evaluate(&scheme, q, &results, &[], &[]);
        let notified = f
            .values()
            .filter(|fl| fl.iter().any(|x| x.kind == FlagKind::Notify))
            .count();
        assert_eq!(notified, 7);
        assert!(kinds(&f, "r093").is_empty());
        assert_eq!(kinds(&f, "r094"), [FlagKind::Notify]);
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
        past[4].flags = vec![FlagKind::Supervise, FlagKind::Interview, FlagKind::Notify];
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
            p.flags = vec![FlagKind::Notify];
        }
        let f = evaluate(&scheme, q, &r, &past, &[]);
        assert_eq!(kinds(&f, "r10"), [FlagKind::Notify]);
        assert!(f["r10"][0].reason.contains("等次为不合格"));
    }
}
