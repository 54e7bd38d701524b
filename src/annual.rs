//! 年度考核: the year's result of each region from the four quarters the history holds, by the
//! scheme's `[annual]` rule. Plain data in, plain data out: the pipeline reads the history and
//! the report writes the workbook.

use crate::quarter::Quarter;
use crate::record::{QuarterRecord, Status};
use crate::scheme::annual::Missing;
use crate::scheme::{Condition, Scheme};
use std::collections::BTreeMap;

/// One quarter of a region's year.
#[derive(Debug, Clone, PartialEq)]
pub struct QuarterPart {
    pub quarter: Quarter,
    /// `None` when the history does not hold the quarter at all (`--partial`).
    pub record: Option<QuarterRecord>,
    /// The measure the region carried that quarter, as printed; "" when none.
    pub measure: String,
    /// Whether the quarter's 一票否决 applied.
    pub vetoed: bool,
    /// The figure the year counts for the quarter.
    pub counted: f64,
    /// How it was counted when the region was not scored that quarter: the rule in words.
    pub substituted: Option<String>,
    /// The quarter's weight in the year (after the quarters the history lacks are left out).
    pub weight: f64,
    /// `counted × weight`, rounded as published: the year's total is the sum of these.
    pub contribution: f64,
}

/// One region's year.
#[derive(Debug, Clone, PartialEq)]
pub struct AnnualResult {
    pub code: String,
    pub name: String,
    /// The year's quarters, first to fourth.
    pub quarters: Vec<QuarterPart>,
    pub total: f64,
    /// 1-based; equal totals share a rank; regions vetoed in the year after the others; regions
    /// scored in no quarter last, sharing the last rank.
    pub rank: u32,
    pub grade: String,
    /// Why the 等次 is not the band of the total (a veto, a measure held), in words.
    pub downgrade: Option<String>,
}

impl AnnualResult {
    /// Whether any quarter of the year was scored.
    pub fn scored(&self) -> bool {
        self.quarters
            .iter()
            .any(|q| q.record.as_ref().is_some_and(QuarterRecord::scored))
    }

    /// The quarters vetoed.
    pub fn vetoed_in(&self) -> Vec<Quarter> {
        self.quarters
            .iter()
            .filter(|q| q.vetoed)
            .map(|q| q.quarter)
            .collect()
    }

    /// The quarters counted by the missing-quarter rule.
    pub fn substituted(&self) -> Vec<&QuarterPart> {
        self.quarters
            .iter()
            .filter(|q| q.substituted.is_some())
            .collect()
    }
}

/// The year's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Year {
    pub year: i32,
    /// Quarters of the year the history does not hold (only with `--partial`).
    pub missing: Vec<Quarter>,
    /// In printed order: by rank, or with `publish_ranks = false` by 等次 and then by code.
    pub regions: Vec<AnnualResult>,
}

impl Year {
    /// "年度结果未完成（缺第二季度）", when a quarter is missing.
    pub fn incomplete(&self) -> Option<String> {
        if self.missing.is_empty() {
            return None;
        }
        let names: Vec<String> = self
            .missing
            .iter()
            .map(|q| format!("第{}季度", q.ordinal()))
            .collect();
        Some(format!("年度结果未完成（缺{}）", names.join("、")))
    }

    /// The year's four quarters.
    pub fn quarters(&self) -> Vec<Quarter> {
        quarters_of(self.year)
    }
}

/// The four quarters of `year`.
pub fn quarters_of(year: i32) -> Vec<Quarter> {
    (1..=4)
        .filter_map(|q| format!("{year}Q{q}").parse().ok())
        .collect()
}

/// The ids of the rules that raise a measure on a veto, and the measures they raise: how a
/// quarter's 一票否决 is read back from the history.
fn veto_marks(scheme: &Scheme) -> (Vec<&str>, Vec<&str>) {
    let rules: Vec<&crate::scheme::RuleDef> = scheme
        .rules
        .iter()
        .filter(|r| matches!(r.condition, Some(Condition::Veto)))
        .collect();
    (
        rules.iter().map(|r| r.id.as_str()).collect(),
        rules.iter().filter_map(|r| r.measure.as_deref()).collect(),
    )
}

/// Combines the year's quarters. `records` holds the quarters of `year` the history has (any
/// order); `missing` the ones it lacks.
pub fn combine(scheme: &Scheme, year: i32, records: &[QuarterRecord], missing: &[Quarter]) -> Year {
    let rule = &scheme.annual;
    let quarters = quarters_of(year);
    let (veto_rules, veto_measures) = veto_marks(scheme);
    // Weights of the quarters held, scaled to add up to 1 when some are missing.
    let held_weight: f64 = quarters
        .iter()
        .enumerate()
        .filter(|(_, q)| !missing.contains(q))
        .map(|(i, _)| rule.weight(i))
        .sum();
    let weight = |i: usize, q: Quarter| {
        if missing.contains(&q) || held_weight <= 0.0 {
            0.0
        } else {
            rule.weight(i) / held_weight
        }
    };
    let mut by_code: BTreeMap<&str, Vec<&QuarterRecord>> = BTreeMap::new();
    for r in records {
        by_code.entry(r.code.as_str()).or_default().push(r);
    }
    let cap_floor = rule
        .cap_after
        .as_deref()
        .and_then(|m| scheme.measure(m))
        .map(|m| m.severity);
    let grade_index = |g: &str| scheme.grades.iter().position(|x| x.name == g);
    let mut out: Vec<AnnualResult> = by_code
        .into_iter()
        .map(|(code, recs)| {
            let at = |q: Quarter| recs.iter().find(|r| r.quarter == q).copied();
            let scored: Vec<f64> = recs
                .iter()
                .filter(|r| r.scored())
                .map(|r| r.total)
                .collect();
            let lowest = scored.iter().copied().reduce(f64::min).unwrap_or(0.0);
            let mean = if scored.is_empty() {
                0.0
            } else {
                scored.iter().sum::<f64>() / scored.len() as f64
            };
            let name = recs
                .iter()
                .max_by_key(|r| r.quarter)
                .map_or_else(|| code.to_string(), |r| r.name.clone());
            let parts: Vec<QuarterPart> = quarters
                .iter()
                .enumerate()
                .map(|(i, &q)| {
                    let rec = at(q);
                    let w = weight(i, q);
                    let (counted, substituted) = match rec {
                        Some(r) if r.scored() => (r.total, None),
                        Some(_) => match rule.missing {
                            Missing::Zero => (0.0, Some("按0分计".to_string())),
                            Missing::Lowest => (
                                lowest,
                                Some(format!("按本年度最低分{}分计", scheme.fixed(lowest))),
                            ),
                            Missing::MeanMinus => {
                                let v = scheme.round(mean - rule.missing_deduction);
                                (
                                    v,
                                    Some(format!(
                                        "按本年度已评分季度平均分减{}分计（{}分）",
                                        crate::text::fmt_num(rule.missing_deduction),
                                        scheme.fixed(v)
                                    )),
                                )
                            }
                        },
                        None => (0.0, None),
                    };
                    let vetoed = rec.is_some_and(|r| {
                        r.scored()
                            && (r.rules.iter().any(|id| veto_rules.contains(&id.as_str()))
                                || r.flags
                                    .iter()
                                    .any(|h| veto_measures.contains(&h.id.as_str())))
                    });
                    QuarterPart {
                        quarter: q,
                        record: rec.cloned(),
                        measure: rec.map_or_else(String::new, |r| {
                            if r.flags.is_empty() {
                                String::new()
                            } else {
                                scheme.held_label(&r.flags)
                            }
                        }),
                        vetoed,
                        counted,
                        substituted,
                        weight: w,
                        contribution: scheme.round(counted * w),
                    }
                })
                .collect();
            let total = scheme.round(parts.iter().map(|p| p.contribution).sum());
            let mut grade = scheme.grade_for(total);
            let mut downgrade = None;
            let vetoed: Vec<Quarter> = parts
                .iter()
                .filter(|p| p.vetoed)
                .map(|p| p.quarter)
                .collect();
            if rule.veto_downgrade && !vetoed.is_empty() {
                grade = scheme.veto.grade.clone();
                let qs: Vec<String> = vetoed.iter().map(|q| q.label()).collect();
                downgrade = Some(format!("{}被一票否决，年度等次定为{grade}", qs.join("、")));
            } else if let (Some(floor), Some(cap)) = (cap_floor, rule.cap_grade.as_deref()) {
                let held = parts.iter().find_map(|p| {
                    let r = p.record.as_ref()?;
                    let h = r.flags.iter().find(|h| {
                        scheme
                            .measure(&h.id)
                            .map(|m| m.severity)
                            .or(h.severity)
                            .unwrap_or(0)
                            >= floor
                    })?;
                    Some((p.quarter, scheme.held_label(std::slice::from_ref(h))))
                });
                if let (Some((q, label)), Some(now), Some(limit)) =
                    (held, grade_index(&grade), grade_index(cap))
                {
                    if now < limit {
                        grade = cap.to_string();
                        downgrade = Some(format!("{}被{label}，年度等次不高于{cap}", q.label()));
                    }
                }
            }
            AnnualResult {
                code: code.to_string(),
                name,
                quarters: parts,
                total,
                rank: 0,
                grade,
                downgrade,
            }
        })
        .collect();
    rank(&mut out, rule.veto_downgrade);
    if !rule.publish_ranks {
        let index = |g: &str| {
            scheme
                .grades
                .iter()
                .position(|x| x.name == g)
                .unwrap_or(usize::MAX)
        };
        out.sort_by(|a, b| {
            (!a.scored(), index(&a.grade), &a.code).cmp(&(!b.scored(), index(&b.grade), &b.code))
        });
    }
    Year {
        year,
        missing: missing.to_vec(),
        regions: out,
    }
}

/// Ranks by annual total as the quarters are ranked: vetoed in the year after the others (when
/// the veto carries over), regions scored in no quarter last.
fn rank(out: &mut [AnnualResult], veto_last: bool) {
    use crate::score::rank::{competition_ranks, RANKED, UNRANKED, VETOED};
    let keys: Vec<(u8, f64)> = out
        .iter()
        .map(|r| {
            let class = if !r.scored() {
                UNRANKED
            } else if veto_last && !r.vetoed_in().is_empty() {
                VETOED
            } else {
                RANKED
            };
            (class, r.total)
        })
        .collect();
    for (r, k) in out.iter_mut().zip(competition_ranks(&keys)) {
        r.rank = k;
    }
    out.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.code.cmp(&b.code)));
}

/// Whether a record's status means the region was not scored that quarter (for words).
pub fn unscored_label(r: &QuarterRecord) -> Option<&'static str> {
    (r.status != Status::Scored).then(|| r.status.label())
}
