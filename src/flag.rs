//! Flag rules (预警, 通报, 约谈, 挂牌督办, 一票否决, 未报送) and their escalation over quarters.

use chrono::NaiveDate;

/// The kind of flag. The order is the order of seriousness (most serious first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlagKind {
    Veto,
    Supervise,
    Interview,
    Notify,
    Warn,
    Missing,
}

impl FlagKind {
    /// Every kind, most serious first.
    pub const ALL: [FlagKind; 6] = [
        FlagKind::Veto,
        FlagKind::Supervise,
        FlagKind::Interview,
        FlagKind::Notify,
        FlagKind::Warn,
        FlagKind::Missing,
    ];

    /// The Chinese name shown in workbooks.
    pub fn label(self) -> &'static str {
        match self {
            FlagKind::Veto => "一票否决",
            FlagKind::Supervise => "挂牌督办",
            FlagKind::Interview => "约谈",
            FlagKind::Notify => "通报",
            FlagKind::Warn => "预警",
            FlagKind::Missing => "未报送",
        }
    }

    /// The kind with this Chinese name.
    pub fn from_label(s: &str) -> Option<FlagKind> {
        FlagKind::ALL.into_iter().find(|k| k.label() == s)
    }
}

/// One rule that fired for one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub kind: FlagKind,
    /// The rule, briefly: "连续2个季度被通报".
    pub rule: String,
    /// A sentence with the figures, for leadership.
    pub reason: String,
    /// 整改期限, for 挂牌督办.
    pub deadline: Option<NaiveDate>,
}

use crate::history::QuarterRecord;
use crate::quarter::Quarter;
use crate::scheme::{fmt_num, BadSide, Scheme};
use crate::score::{RegionResult, Status};
use crate::stats::Funnel;
use chrono::Duration;
use std::collections::BTreeMap;

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
    let k_notify = (rules.notify_share * n as f64).ceil() as usize;
    let k_warn = (rules.warn_share * n as f64).ceil() as usize;
    // A region is in the bottom k when fewer than k scored regions rank below it, so ties at the
    // boundary are counted in.
    let below = |r: &RegionResult| scored.iter().filter(|o| o.rank > r.rank).count();
    let past = |code: &str, q: Quarter| history.iter().find(|h| h.quarter == q && h.code == code);
    let deadline = quarter.last_day() + Duration::days(rules.rectify_days);

    let mut out = BTreeMap::new();
    for r in results {
        let mut flags = Vec::new();
        match r.status {
            Status::Missing => flags.push(Flag {
                kind: FlagKind::Missing,
                rule: "未报送".to_string(),
                reason: format!("{}未在截止日期前报送{}数据", r.name, quarter.label()),
                deadline: None,
            }),
            Status::Invalid => flags.push(Flag {
                kind: FlagKind::Missing,
                rule: "数据有误，退回修改".to_string(),
                reason: format!(
                    "{}报送的{}有错误，未予评分，详见“数据质量”",
                    r.name,
                    r.file.as_deref().unwrap_or("文件")
                ),
                deadline: None,
            }),
            Status::Scored => {}
        }
        if r.is_scored() {
            if let Some(reason) = &r.veto {
                flags.push(Flag {
                    kind: FlagKind::Veto,
                    rule: "发生重特大案（事）件，一票否决".to_string(),
                    reason: format!("一票否决：{reason}；等次定为{}", scheme.veto.grade),
                    deadline: None,
                });
            }
            let position = format!(
                "总分{}，排名第{}（共{}个有效报送地区）",
                fmt2(r.total),
                r.rank,
                n
            );
            let bad_grade = rules.notify_grades.contains(&r.grade);
            let bottom_notify = k_notify > 0 && below(r) < k_notify;
            let notified = bad_grade || bottom_notify;
            if bad_grade {
                flags.push(Flag {
                    kind: FlagKind::Notify,
                    rule: format!("等次为{}", r.grade),
                    reason: format!("{position}，等次为{}", r.grade),
                    deadline: None,
                });
            } else if bottom_notify {
                flags.push(Flag {
                    kind: FlagKind::Notify,
                    rule: format!("排名末位{k_notify}名"),
                    reason: format!("{position}，处于末位{k_notify}名"),
                    deadline: None,
                });
            }
            if !notified && k_warn > 0 && below(r) < k_warn {
                flags.push(Flag {
                    kind: FlagKind::Warn,
                    rule: format!("排名末位{k_warn}名"),
                    reason: format!("{position}，处于末位{k_warn}名"),
                    deadline: None,
                });
            }
            for f in funnels {
                flags.extend(funnel_flags(scheme, quarter, r, f, &past));
            }
            if notified {
                // Consecutive quarters of 通报, this one included.
                let mut streak = 1u32;
                let mut q = quarter.prev();
                while past(&r.code, q).is_some_and(|h| h.has(FlagKind::Notify)) && streak < 100 {
                    streak += 1;
                    q = q.prev();
                }
                let span = |k: u32| {
                    let first = (1..k).fold(quarter, |q, _| q.prev());
                    format!("{first}至{quarter}")
                };
                if streak >= rules.interview_after {
                    let k = rules.interview_after;
                    flags.push(Flag {
                        kind: FlagKind::Interview,
                        rule: format!("连续{k}个季度被通报"),
                        reason: format!(
                            "{}连续{streak}个季度被通报（{}），本季度{position}",
                            r.name,
                            span(streak)
                        ),
                        deadline: None,
                    });
                }
                if streak >= rules.supervise_after {
                    let k = rules.supervise_after;
                    flags.push(Flag {
                        kind: FlagKind::Supervise,
                        rule: format!("连续{k}个季度被通报"),
                        reason: format!(
                            "{}连续{streak}个季度被通报（{}），挂牌督办，限{}前整改到位",
                            r.name,
                            span(streak),
                            deadline.format("%Y年%-m月%-d日")
                        ),
                        deadline: Some(deadline),
                    });
                }
            }
            if let Some(last) = past(&r.code, quarter.prev()) {
                let gain = r.total - last.total;
                let already = flags.iter().any(|f| f.kind == FlagKind::Supervise);
                if last.has(FlagKind::Interview) && gain < rules.supervise_min_gain && !already {
                    flags.push(Flag {
                        kind: FlagKind::Supervise,
                        rule: format!("上季度被约谈且本季度总分提高不足{}分", fmt_num(rules.supervise_min_gain)),
                        reason: format!(
                            "{}上季度（{}）被约谈，本季度总分{}，较上季度{}{}分，提高不足{}分，挂牌督办，限{}前整改到位",
                            r.name,
                            quarter.prev(),
                            fmt2(r.total),
                            fmt2(last.total),
                            signed(gain),
                            fmt_num(rules.supervise_min_gain),
                            deadline.format("%Y年%-m月%-d日")
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
    past: &dyn Fn(&str, Quarter) -> Option<&'h QuarterRecord>,
) -> Vec<Flag> {
    let settings = &scheme.statistics.funnel;
    let [inner, outer] = settings.levels;
    let Some(p) = f.point(&r.code) else {
        return Vec::new();
    };
    let bad = f.setting.bad;
    let upper = bad == BadSide::High;
    let side = if upper { "高于" } else { "低于" };
    let bound = if upper { "上限" } else { "下限" };
    let level = |l: f64| format!("{}%", fmt_num(l * 100.0));
    let od = if f.fit.tau2 > 0.0 {
        format!("，已按过度离散校正，τ²={:.4}", f.fit.tau2)
    } else {
        String::new()
    };
    let describe = |l: f64| {
        format!(
            "{} {}为{}{}，{}漏斗图{}控制{}{}（全省合计{}{}）",
            f.setting.id,
            f.name,
            f.show(p.value),
            f.figures(p),
            side,
            level(l),
            bound,
            f.show(f.fit.limit(l, p.exposure, upper)),
            f.show(f.fit.target),
            od
        )
    };
    let mut out = Vec::new();
    if f.fit.beyond(p, inner, bad) {
        out.push(Flag {
            kind: FlagKind::Warn,
            rule: format!("{}超出漏斗图{}控制限", f.setting.id, level(inner)),
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
                rule: format!(
                    "{}连续{k}个季度超出漏斗图{}控制限{what}",
                    f.setting.id,
                    level(outer)
                ),
                reason: format!(
                    "{}连续{k}个季度（{}至{quarter}）{}漏斗图{}控制{}{what}；本季度{}",
                    r.name,
                    q.next(),
                    side,
                    level(outer),
                    bound,
                    describe(outer)
                ),
                deadline: None,
            });
        }
    }
    out
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
        history.extend(crate::history::records(q1, &r1, &f1, &[]));

        // Q2: 通报 again → 约谈.
        let r2 = quarter_results(62.0);
        let f2 = evaluate(&scheme, q2, &r2, &history, &[]);
        assert_eq!(kinds(&f2, "r10"), [FlagKind::Interview, FlagKind::Notify]);
        let interview = &f2["r10"][0];
        assert!(
            interview
                .reason
                .contains("连续2个季度被通报（2025Q1至2025Q2）"),
            "{}",
            interview.reason
        );
        history.extend(crate::history::records(q2, &r2, &f2, &[]));

        // Q3: third 通报 → 挂牌督办 with 整改期限 = 2025-09-30 + 90 days = 2025-12-29.
        let r3 = quarter_results(63.0);
        let f3 = evaluate(&scheme, q3, &r3, &history, &[]);
        assert_eq!(
            kinds(&f3, "r10"),
            [FlagKind::Supervise, FlagKind::Interview, FlagKind::Notify]
        );
        assert_eq!(f3["r10"][0].deadline, NaiveDate::from_ymd_opt(2025, 12, 29));
        assert!(
            f3["r10"][0].reason.contains("2025年12月29日"),
            "{}",
            f3["r10"][0].reason
        );
    }

    #[test]
    fn interview_then_too_little_gain_is_supervised() {
        let scheme = Scheme::builtin().unwrap();
        let q: Quarter = "2025Q2".parse().unwrap();
        let mut last = quarter_results(61.0);
        last[4].total = 70.0;
        let mut past = crate::history::records(q.prev(), &last, &BTreeMap::new(), &[]);
        // r05 was interviewed last quarter with 70 points.
        past[4].flags = vec![FlagKind::Interview];
        let mut now = quarter_results(62.0);
        now[4].total = 74.99; // +4.99 < 5
        now[3].total = 80.0;
        let flags = evaluate(&scheme, q, &now, &past, &[]);
        let f = &flags["r05"];
        assert_eq!(f[0].kind, FlagKind::Supervise);
        assert!(f[0].reason.contains("提高4.99分"), "{}", f[0].reason);
        assert!(kinds(&flags, "r04").is_empty());
    }

    #[test]
    fn a_gap_in_history_breaks_the_streak() {
        let scheme = Scheme::builtin().unwrap();
        let q: Quarter = "2025Q3".parse().unwrap();
        let r = quarter_results(50.0);
        // 通报 in Q1 only: Q2 is missing from history, so Q3 is not consecutive.
        let mut past = crate::history::records(q.prev().prev(), &r, &BTreeMap::new(), &[]);
        for p in &mut past {
            p.flags = vec![FlagKind::Notify];
        }
        let f = evaluate(&scheme, q, &r, &past, &[]);
        assert_eq!(kinds(&f, "r10"), [FlagKind::Notify]);
        assert!(f["r10"][0].reason.contains("等次为不合格"));
    }
}
