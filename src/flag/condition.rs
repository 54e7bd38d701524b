//! A condition of the ladder tried on one region: the facts of the region's quarter and its
//! history, and what each match supplies to the rule's wording. A condition that holds gives one
//! or more bindings (a funnel condition over every funnel indicator gives one per indicator
//! beyond); one that does not gives none.

use crate::quarter::Quarter;
use crate::record::{Held, QuarterRecord};
use crate::scheme::ladder::{Condition, Limit, Submitted};
use crate::scheme::{BadSide, Scheme};
use crate::score::RegionResult;
use crate::stats::{Funnel, Point};
use crate::text::fmt_num;
use std::collections::HashMap;

/// Placeholder values of one match.
pub(super) type Binding = Vec<(&'static str, String)>;

/// What every condition of one quarter reads.
pub(super) struct Facts<'a> {
    pub scheme: &'a Scheme,
    pub quarter: Quarter,
    /// Scored regions.
    pub n: usize,
    /// Ranks of the scored regions, ascending.
    pub ranks: Vec<u32>,
    pub past: HashMap<(&'a str, Quarter), &'a QuarterRecord>,
    pub funnels: &'a [Funnel],
    pub points: Vec<HashMap<&'a str, &'a Point>>,
}

impl<'a> Facts<'a> {
    pub fn new(
        scheme: &'a Scheme,
        quarter: Quarter,
        results: &[RegionResult],
        history: &'a [QuarterRecord],
        funnels: &'a [Funnel],
    ) -> Facts<'a> {
        // Looked up by sorted ranks and by key, not by scanning: 2,850 regions and years of
        // history would make that quadratic.
        let mut ranks: Vec<u32> = results
            .iter()
            .filter(|r| r.is_scored())
            .map(|r| r.rank)
            .collect();
        ranks.sort_unstable();
        let mut past = HashMap::new();
        for h in history {
            past.entry((h.code.as_str(), h.quarter)).or_insert(h);
        }
        Facts {
            scheme,
            quarter,
            n: ranks.len(),
            ranks,
            past,
            funnels,
            points: funnels.iter().map(Funnel::by_code).collect(),
        }
    }

    fn past(&self, code: &str, q: Quarter) -> Option<&'a QuarterRecord> {
        self.past.get(&(code, q)).copied()
    }

    /// Scored regions ranked below `r`: it is in the bottom k when fewer than k are, so ties at
    /// the boundary are counted in.
    fn below(&self, r: &RegionResult) -> usize {
        self.n - self.ranks.partition_point(|&k| k <= r.rank)
    }

    /// Whether `held` (a quarter's measures) counts as holding measure `id`.
    fn holds(&self, held: &[Held], id: &str, at_least: bool) -> bool {
        if !at_least {
            return held.iter().any(|h| h.id == id);
        }
        let floor = self.scheme.measure(id).map_or(u32::MAX, |m| m.severity);
        held.iter().any(|h| self.severity(h) >= floor)
    }

    /// A held measure's severity: the scheme's, else the one recorded with it.
    pub fn severity(&self, h: &Held) -> u32 {
        self.scheme
            .measure(&h.id)
            .map(|m| m.severity)
            .or(h.severity)
            .unwrap_or(0)
    }

    /// A held measure's label: the scheme's, else its id.
    fn label(&self, id: &str) -> String {
        self.scheme
            .measure(id)
            .map_or_else(|| id.to_string(), |m| m.label.clone())
    }

    /// The matches of `c` for region `r`, whose earlier rules this quarter raised `now`.
    pub fn matches(&self, c: &Condition, r: &RegionResult, now: &[Held]) -> Vec<Binding> {
        let s = self.scheme;
        let one = |b: Binding| vec![b];
        let scored = r.is_scored();
        match c {
            Condition::Grade(gs) => {
                if scored && gs.contains(&r.grade) {
                    one(Vec::new())
                } else {
                    Vec::new()
                }
            }
            Condition::TotalBelow(t) => {
                if scored && s.units(r.total) < s.units(*t) {
                    one(vec![("threshold", fmt_num(*t))])
                } else {
                    Vec::new()
                }
            }
            Condition::Bottom(k) => self.bottom(r, *k as usize, None),
            Condition::BottomShare(share) => {
                // Counted on the share's decimals: 0.07 of 100 regions is 7, not 8.
                let k = crate::decimal::share_ceil(*share, self.n);
                self.bottom(r, k, Some(*share))
            }
            Condition::Veto => match (&r.veto, scored) {
                (Some(reason), true) => one(vec![("veto", reason.clone())]),
                _ => Vec::new(),
            },
            Condition::Funnel {
                indicator,
                limit,
                quarters,
            } => {
                if !scored {
                    return Vec::new();
                }
                self.funnels
                    .iter()
                    .zip(&self.points)
                    .filter(|(f, _)| indicator.as_ref().is_none_or(|id| *id == f.setting.id))
                    .filter_map(|(f, points)| {
                        self.funnel(r, f, points.get(r.code.as_str())?, *limit, *quarters)
                    })
                    .collect()
            }
            Condition::Held {
                measure,
                times,
                of,
                current,
                at_least,
            } => self.held(r, measure, *times, *of, *current, *at_least, now),
            Condition::Gain { after, below } => self.gain(r, after, *below),
            Condition::RankDown(d) | Condition::RankUp(d) => {
                let down = matches!(c, Condition::RankDown(_));
                let Some(last) = self.past(&r.code, self.quarter.prev()) else {
                    return Vec::new();
                };
                if !scored || !last.scored() {
                    return Vec::new();
                }
                let moved = i64::from(r.rank) - i64::from(last.rank);
                let places = if down { moved } else { -moved };
                if places >= i64::from(*d) {
                    let word = if down { "下降" } else { "上升" };
                    one(vec![
                        ("places", places.to_string()),
                        ("last_rank", last.rank.to_string()),
                        ("moved", format!("{word}{places}名")),
                    ])
                } else {
                    Vec::new()
                }
            }
            Condition::Status { is, quarters } => self.status(r, is, *quarters),
            Condition::All(cs) => {
                let mut acc: Vec<Binding> = vec![Vec::new()];
                for c in cs {
                    let found = self.matches(c, r, now);
                    if found.is_empty() {
                        return Vec::new();
                    }
                    // One clause per match of the child that has several (a funnel over every
                    // indicator); the others add their one match to each.
                    acc = if acc.len() == 1 {
                        found
                            .into_iter()
                            .map(|mut b| {
                                b.extend(acc[0].iter().cloned());
                                b
                            })
                            .collect()
                    } else {
                        acc.into_iter()
                            .map(|mut b| {
                                b.extend(found[0].iter().cloned());
                                b
                            })
                            .collect()
                    };
                }
                acc
            }
            Condition::Any(cs) => cs
                .iter()
                .map(|c| self.matches(c, r, now))
                .find(|m| !m.is_empty())
                .unwrap_or_default(),
            Condition::Not(c) => {
                if self.matches(c, r, now).is_empty() {
                    one(Vec::new())
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn bottom(&self, r: &RegionResult, k: usize, share: Option<f64>) -> Vec<Binding> {
        if !r.is_scored() || k == 0 || self.below(r) >= k {
            return Vec::new();
        }
        let mut b = vec![("k", k.to_string())];
        if let Some(s) = share {
            b.push(("share", format!("{}%", fmt_num(s * 100.0))));
        }
        vec![b]
    }

    /// Beyond `limit` on the bad side this quarter and, from the history's z-scores, in the
    /// `quarters − 1` before.
    fn funnel(
        &self,
        r: &RegionResult,
        f: &Funnel,
        p: &Point,
        limit: Limit,
        quarters: u32,
    ) -> Option<Binding> {
        let settings = &self.scheme.statistics.funnel;
        let level = match limit {
            Limit::Inner => settings.levels[0],
            Limit::Outer => settings.levels[1],
        };
        let bad = f.setting.bad;
        if !f.fit.beyond(p, level, bad) {
            return None;
        }
        let upper = bad == BadSide::High;
        let z = crate::stats::funnel::z_of(level);
        let beyond_then = |h: &QuarterRecord| {
            h.funnel_z(&f.setting.id)
                .is_some_and(|v| if upper { v > z } else { v < -z })
        };
        let mut streak = 1u32;
        let mut q = self.quarter.prev();
        while streak < quarters && self.past(&r.code, q).is_some_and(beyond_then) {
            streak += 1;
            q = q.prev();
        }
        if streak < quarters {
            return None;
        }
        let tag = if f.setting.label.is_empty() {
            String::new()
        } else {
            format!("（{}）", f.setting.label)
        };
        // In words a leader reads: the indicator by name, no statistical symbols (the model,
        // the over-dispersion and its τ² are on the 漏斗图 sheet and in 评分说明).
        Some(vec![
            ("indicator", f.name.clone()),
            ("value", f.show(p.value)),
            ("figures", f.figures(p)),
            ("side", (if upper { "高于" } else { "低于" }).to_string()),
            ("level", format!("{}%", fmt_num(level * 100.0))),
            ("bound", (if upper { "上限" } else { "下限" }).to_string()),
            ("limit", f.show(f.fit.limit(level, p.exposure, upper))),
            ("whole", self.scheme.office.whole().to_string()),
            ("target", f.show(f.fit.target)),
            ("tag", tag),
            ("quarters", quarters.to_string()),
            ("span", q.next().span_label(self.quarter)),
        ])
    }

    #[allow(clippy::too_many_arguments)]
    fn held(
        &self,
        r: &RegionResult,
        measure: &str,
        times: u32,
        of: u32,
        current: bool,
        at_least: bool,
        now: &[Held],
    ) -> Vec<Binding> {
        let last = if current {
            self.quarter
        } else {
            self.quarter.prev()
        };
        let in_quarter = |q: Quarter| -> bool {
            if q == self.quarter {
                self.holds(now, measure, at_least)
            } else {
                self.past(&r.code, q)
                    .is_some_and(|h| self.holds(&h.flags, measure, at_least))
            }
        };
        let (count, first) = if times == of {
            // Consecutive, as far back as the history goes (the reason tells the whole run).
            let mut streak = 0u32;
            let mut q = last;
            while streak < 100 && in_quarter(q) {
                streak += 1;
                q = q.prev();
            }
            (streak, q.next())
        } else {
            let first = (1..of).fold(last, |q, _| q.prev());
            let mut count = 0u32;
            let mut q = first;
            while q <= last {
                count += u32::from(in_quarter(q));
                q = q.next();
            }
            (count, first)
        };
        if count < times || count == 0 {
            return Vec::new();
        }
        vec![vec![
            ("quarters", times.to_string()),
            ("of", of.to_string()),
            ("streak", count.to_string()),
            ("span", first.span_label(last)),
            ("held", self.label(measure)),
        ]]
    }

    /// Held `after` last quarter and gained less than `below` since, on the totals as printed:
    /// 64.02 after 59.02 is a gain of 5.00, not 4.99999….
    fn gain(&self, r: &RegionResult, after: &str, below: f64) -> Vec<Binding> {
        let s = self.scheme;
        let Some(last) = self.past(&r.code, self.quarter.prev()) else {
            return Vec::new();
        };
        if !r.is_scored() || !last.flags.iter().any(|h| h.id == after) {
            return Vec::new();
        }
        let gain_units = s.units(r.total) - s.units(last.total);
        if gain_units >= s.units(below) {
            return Vec::new();
        }
        let gain = gain_units as f64 / 10f64.powi(s.decimals as i32);
        // What a reason that starts from "上季度已约谈" must name: the most serious measure held
        // from `after` up (a region under 挂牌督办 was also 约谈).
        let floor = s.measure(after).map_or(0, |m| m.severity);
        let held = last
            .flags
            .iter()
            .filter(|h| self.severity(h) >= floor)
            .max_by_key(|h| self.severity(h))
            .map_or_else(|| self.label(after), |h| self.label(&h.id));
        let change = if gain >= 0.0 {
            format!("提高{}", s.fixed(gain))
        } else {
            format!("下降{}", s.fixed(-gain))
        };
        vec![vec![
            ("held", held),
            ("below", fmt_num(below)),
            ("gain", s.fixed(gain)),
            ("change", change),
            ("last_total", s.fixed(last.total)),
            ("last_quarter", self.quarter.prev().label()),
        ]]
    }

    /// A submission status this quarter and in the `quarters − 1` before.
    fn status(&self, r: &RegionResult, is: &[Submitted], quarters: u32) -> Vec<Binding> {
        let matches = |status, late: bool| {
            is.iter().any(|s| match s {
                Submitted::Is(st) => *st == status,
                Submitted::Late => late && status == crate::record::Status::Scored,
            })
        };
        if !matches(r.status, r.late) {
            return Vec::new();
        }
        let mut streak = 1u32;
        let mut q = self.quarter.prev();
        while streak < quarters
            && self
                .past(&r.code, q)
                .is_some_and(|h| matches(h.status, h.late))
        {
            streak += 1;
            q = q.prev();
        }
        if streak < quarters {
            return Vec::new();
        }
        let label = if r.is_scored() && r.late {
            Submitted::Late.label()
        } else {
            r.status.label()
        };
        vec![vec![
            ("status", label.to_string()),
            ("quarters", quarters.to_string()),
            ("span", q.next().span_label(self.quarter)),
        ]]
    }
}
