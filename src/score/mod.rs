//! Scoring: indicator values from the submissions, indicator scores by the scheme's rules, bonus,
//! deductions, veto, total, grade and rank.

mod coverage;
pub mod rank;
pub mod rules;
mod types;
pub mod value;

pub use coverage::{CalendarGap, UncoveredDate};
pub use rank::rank;
pub use types::*;
pub use value::Inputs;

use crate::record::Status;
use crate::registry::{Region, Registry};
use crate::scheme::{DeductionSource, Scheme, WhenEmpty};
use crate::submission::{Batch, Cell, Submission};
use crate::text::fmt_num;
use rayon::prelude::*;
use std::collections::HashMap;
use value::Figures;

/// Scores every region of the registry and ranks them; the result is in rank order.
///
/// # Errors
///
/// [`CalendarGap`] when a working-day count of a valid submission depends on a year the holiday
/// table does not cover: no region is scored on a guessed calendar.
pub fn score(
    registry: &Registry,
    batch: &Batch,
    inp: &Inputs,
) -> Result<Vec<RegionResult>, CalendarGap> {
    let scheme = inp.scheme;
    // Figures of every region with a valid submission.
    let valid: Vec<(&Region, &Submission, Vec<Figures>)> = registry
        .regions
        .par_iter()
        .filter_map(|r| {
            let sub = batch.submissions.get(&r.code)?;
            (!sub.has_errors()).then(|| {
                let figs = scheme
                    .indicators
                    .iter()
                    .map(|ind| value::figures(ind, r, sub, inp))
                    .collect();
                (r, sub, figs)
            })
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    let uncovered: Vec<UncoveredDate> = valid
        .iter()
        .flat_map(|(_, _, figs)| figs.iter().flat_map(|f| f.uncovered.iter()))
        .filter(|u| seen.insert(&u.source))
        .cloned()
        .collect();
    if !uncovered.is_empty() {
        return Err(CalendarGap {
            quarter: inp.quarter,
            origin: inp.calendar.origin(),
            covered: inp.calendar.covered_label(),
            dates: uncovered,
        });
    }
    // Each indicator's values across the compared regions, for relative rules.
    let peers: Vec<rules::Peers> = (0..scheme.indicators.len())
        .map(|i| {
            let values: Vec<f64> = valid.iter().filter_map(|(_, _, f)| f[i].value).collect();
            rules::Peers::of(&values)
        })
        .collect();
    let by_code: HashMap<&str, usize> = valid
        .iter()
        .enumerate()
        .map(|(i, (r, _, _))| (r.code.as_str(), i))
        .collect();
    let mut results: Vec<RegionResult> = registry
        .regions
        .par_iter()
        .map(|region| match by_code.get(region.code.as_str()) {
            Some(&i) => {
                let (_, sub, figs) = &valid[i];
                scored(region, sub, figs, &peers, inp)
            }
            None => unscored(region, batch.submissions.get(&region.code)),
        })
        .collect();
    rank(&mut results);
    Ok(results)
}

/// Each region's status (已评分 meaning "valid, would be scored"), file and 填报日期, with no
/// figures: what `check` lists when [`score`] cannot run.
pub fn statuses(registry: &Registry, batch: &Batch) -> Vec<RegionResult> {
    registry
        .regions
        .iter()
        .map(|r| match batch.submissions.get(&r.code) {
            Some(sub) if !sub.has_errors() => RegionResult {
                file: Some(sub.file.clone()),
                filed_on: sub.filed_on,
                ..RegionResult::blank(&r.code, &r.name, Status::Scored)
            },
            other => unscored(r, other),
        })
        .collect()
}

fn unscored(region: &Region, sub: Option<&Submission>) -> RegionResult {
    let status = match sub {
        Some(s) if s.is_unreadable() => Status::Unreadable,
        Some(_) => Status::Invalid,
        None => Status::Missing,
    };
    RegionResult {
        file: sub.map(|s| s.file.clone()),
        filed_on: sub.and_then(|s| s.filed_on),
        ..RegionResult::blank(&region.code, &region.name, status)
    }
}

fn scored(
    region: &Region,
    sub: &Submission,
    figs: &[Figures],
    peers: &[rules::Peers],
    inp: &Inputs,
) -> RegionResult {
    let scheme = inp.scheme;
    let mut indicators: Vec<IndicatorResult> = scheme
        .indicators
        .iter()
        .zip(figs)
        .zip(peers)
        .map(|((ind, f), all)| {
            let (raw, empty) = match (f.value, ind.when_empty) {
                (Some(v), _) => (rules::score(&ind.rule, ind.points, v, all), None),
                (None, Some(WhenEmpty::Zero)) => (0.0, Some(WhenEmpty::Zero)),
                (None, Some(WhenEmpty::Exclude)) => (0.0, Some(WhenEmpty::Exclude)),
                (None, _) => (ind.points, Some(WhenEmpty::Full)),
            };
            IndicatorResult {
                id: ind.id.clone(),
                numerator: f.numerator,
                denominator: f.denominator,
                value: f.value,
                empty,
                raw,
                score: raw,
                sources: f.sources.clone(),
            }
        })
        .collect();
    let groups = rescale_excluded(scheme, &mut indicators);
    let (bonus, bonus_items) = bonus(scheme, sub);
    // After the quarter's deadline is 迟报, unless the region was returned for correction and
    // resubmitted by the deadline its 退回修改通知 gave.
    let late = sub.filed_on.is_some_and(|d| {
        d > inp.quarter.deadline(scheme.deadline_day)
            && inp.returned.get(&region.code).is_none_or(|by| d > *by)
    });
    let (deductions, deduction_items) = deductions(scheme, region, sub, late, inp);
    let veto = match inp.province.cell(&region.code, &scheme.veto.column) {
        Cell::YesNo(true) => Some(
            match inp.province.cell(&region.code, &scheme.veto.reason_column) {
                Cell::Text(t) if !t.is_empty() => t.clone(),
                _ => "（未填写否决事由）".to_string(),
            },
        ),
        _ => None,
    };
    // Every part was rounded when computed; rounding the sum again only removes the binary noise
    // of adding decimals, so the total is exactly the sum of the figures as printed.
    let total = scheme.round(groups.iter().map(|(_, s)| s).sum::<f64>() + bonus - deductions);
    let grade = if veto.is_some() {
        scheme.veto.grade.clone()
    } else {
        scheme.grade_for(total)
    };
    RegionResult {
        code: region.code.clone(),
        name: region.name.clone(),
        status: Status::Scored,
        file: Some(sub.file.clone()),
        filed_on: sub.filed_on,
        late,
        indicators,
        groups,
        bonus,
        bonus_items,
        deductions,
        deduction_items,
        adjustments: Vec::new(),
        veto,
        total,
        grade,
        rank: 0,
    }
}

/// `exclude`: the other indicators of the group are scaled so the group keeps its points. When a
/// whole group is excluded, every other group is scaled so the total keeps its points.
fn rescale_excluded(scheme: &Scheme, inds: &mut [IndicatorResult]) -> Vec<(String, f64)> {
    let excluded = |r: &IndicatorResult| r.empty == Some(WhenEmpty::Exclude);
    let mut lost = 0.0;
    for g in &scheme.groups {
        let members: Vec<usize> = (0..inds.len())
            .filter(|&i| scheme.indicators[i].group == g.id)
            .collect();
        let points: f64 = members.iter().map(|&i| scheme.indicators[i].points).sum();
        let gone: f64 = members
            .iter()
            .filter(|&&i| excluded(&inds[i]))
            .map(|&i| scheme.indicators[i].points)
            .sum();
        if gone > 0.0 && points - gone > 0.0 {
            for &i in &members {
                inds[i].score = inds[i].raw * points / (points - gone);
            }
        } else if gone > 0.0 {
            lost += points;
        }
    }
    let kept = scheme.total_points - lost;
    if lost > 0.0 && kept > 0.0 {
        for r in inds.iter_mut() {
            r.score *= scheme.total_points / kept;
        }
    }
    // Published figures add up: each score is rounded here, subtotals are sums of rounded scores.
    for r in inds.iter_mut() {
        r.score = scheme.round(r.score);
    }
    scheme
        .groups
        .iter()
        .map(|g| {
            let s = inds
                .iter()
                .zip(&scheme.indicators)
                .filter(|(_, ind)| ind.group == g.id)
                .map(|(r, _)| r.score)
                .sum();
            (g.id.clone(), scheme.round(s))
        })
        .collect()
}

fn bonus(scheme: &Scheme, sub: &Submission) -> (f64, Vec<Item>) {
    let items: Vec<Item> = scheme
        .bonus
        .items
        .iter()
        .filter_map(|b| {
            let n = sub.field(&b.field).unwrap_or(0.0);
            (n > 0.0).then(|| Item {
                label: b.label.clone(),
                points: scheme.round(n * b.points),
                detail: format!("{}次×{}分", fmt_num(n), fmt_num(b.points)),
            })
        })
        .collect();
    let sum: f64 = items.iter().map(|i| i.points).sum();
    (scheme.round(sum.min(scheme.bonus.cap)), items)
}

fn deductions(
    scheme: &Scheme,
    region: &Region,
    sub: &Submission,
    late: bool,
    inp: &Inputs,
) -> (f64, Vec<Item>) {
    let mut items = Vec::new();
    for d in &scheme.deductions.items {
        match d.source {
            DeductionSource::Late => {
                if late {
                    let deadline = inp.quarter.deadline(scheme.deadline_day);
                    let filed = sub
                        .filed_on
                        .map(|x| x.format("%Y-%m-%d").to_string())
                        .unwrap_or_default();
                    items.push(Item {
                        label: d.label.clone(),
                        points: scheme.round(d.points),
                        detail: format!(
                            "填报日期{filed}，晚于截止日期{}",
                            deadline.format("%Y-%m-%d")
                        ),
                    });
                }
            }
            DeductionSource::Province => {
                let col = d.column.as_deref().unwrap_or("");
                match inp.province.cell(&region.code, col) {
                    Cell::Number(n) if *n > 0.0 => items.push(Item {
                        label: d.label.clone(),
                        points: scheme.round(n * d.points),
                        detail: format!("{}次×{}分", fmt_num(*n), fmt_num(d.points)),
                    }),
                    Cell::YesNo(true) => items.push(Item {
                        label: d.label.clone(),
                        points: scheme.round(d.points),
                        detail: format!("{col}：是"),
                    }),
                    _ => {}
                }
            }
        }
    }
    let sum = items.iter().map(|i| i.points).sum();
    (scheme.round(sum), items)
}
