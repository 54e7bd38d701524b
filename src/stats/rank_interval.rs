//! 排名区间: how far a region's rank moves when the weights move. Each draw multiplies every
//! indicator's points by U(1 − spread, 1 + spread) and rescales them to the same sum; a region's
//! total becomes Σ (score ÷ points) × new points, plus its bonus and less its deductions as they
//! were. Regions are ranked as in scoring (vetoed ones after the others, equal totals share a
//! rank) and each region's interval is the two percentiles of its ranks over the draws.
//!
//! Percentiles are nearest-rank: the p-th of N sorted ranks is the ⌈p/100 · N⌉-th (1-based), so
//! with 1,000 draws the 5th is the 50th smallest and the 95th the 950th.
//!
//! The weight draws come from one ChaCha8 stream seeded by the scheme, drawn in order before any
//! parallel work, so the same seed gives the same intervals on any machine and thread count.

use crate::scheme::{RankIntervalSettings, Scheme};
use crate::score::RegionResult;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A region's 5th–95th percentile of rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankInterval {
    pub low: u32,
    pub high: u32,
}

impl RankInterval {
    /// "3–7", or "3" when the rank never moves.
    pub fn label(&self) -> String {
        if self.low == self.high {
            self.low.to_string()
        } else {
            format!("{}–{}", self.low, self.high)
        }
    }
}

/// The interval of every scored region, by code.
pub fn simulate(
    scheme: &Scheme,
    results: &[RegionResult],
    settings: &RankIntervalSettings,
) -> BTreeMap<String, RankInterval> {
    let scored: Vec<&RegionResult> = results.iter().filter(|r| r.is_scored()).collect();
    if scored.is_empty() {
        return BTreeMap::new();
    }
    let points: Vec<f64> = scheme.indicators.iter().map(|i| i.points).collect();
    // Each region: share of each indicator's points earned, and the part of the total that the
    // weights do not touch.
    let shares: Vec<Vec<f64>> = scored
        .iter()
        .map(|r| {
            scheme
                .indicators
                .iter()
                .map(|ind| match r.indicator(&ind.id) {
                    Some(i) if ind.points > 0.0 => i.score / ind.points,
                    _ => 0.0,
                })
                .collect()
        })
        .collect();
    let fixed: Vec<f64> = scored
        .iter()
        .zip(&shares)
        .map(|(r, s)| r.total - s.iter().zip(&points).map(|(s, p)| s * p).sum::<f64>())
        .collect();
    let vetoed: Vec<bool> = scored.iter().map(|r| r.veto.is_some()).collect();

    let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
    let sum: f64 = points.iter().sum();
    let weights: Vec<Vec<f64>> = (0..settings.draws)
        .map(|_| {
            let w: Vec<f64> = points
                .iter()
                .map(|p| p * rng.gen_range(1.0 - settings.spread..=1.0 + settings.spread))
                .collect();
            let scale = sum / w.iter().sum::<f64>();
            w.into_iter().map(|w| w * scale).collect()
        })
        .collect();

    // ranks[d][i]: region i's rank in draw d.
    let ranks: Vec<Vec<u32>> = weights
        .par_iter()
        .map(|w| {
            let totals: Vec<f64> = shares
                .iter()
                .zip(&fixed)
                .map(|(s, f)| f + s.iter().zip(w).map(|(s, w)| s * w).sum::<f64>())
                .collect();
            rank_draw(&totals, &vetoed)
        })
        .collect();

    let [lo, hi] = settings.percentiles;
    let n = ranks.len();
    let nearest = |p: f64| crate::decimal::share_ceil(p / 100.0, n).clamp(1, n) - 1;
    scored
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut mine: Vec<u32> = ranks.iter().map(|d| d[i]).collect();
            mine.sort_unstable();
            let interval = RankInterval {
                low: mine[nearest(lo)],
                high: mine[nearest(hi)],
            };
            (r.code.clone(), interval)
        })
        .collect()
}

/// Ranks of one draw, by the ranking's own rule (not vetoed before vetoed, higher total first,
/// equal totals share a rank).
fn rank_draw(totals: &[f64], vetoed: &[bool]) -> Vec<u32> {
    use crate::score::rank::{competition_ranks, RANKED, VETOED};
    let keys: Vec<(u8, f64)> = totals
        .iter()
        .zip(vetoed)
        .map(|(t, v)| (if *v { VETOED } else { RANKED }, *t))
        .collect();
    competition_ranks(&keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Status;
    use crate::score::IndicatorResult;

    /// A region whose every indicator earns `share` of its points, except that indicator
    /// `tilt` (by position) earns `tilt_share`.
    fn region(
        scheme: &Scheme,
        code: &str,
        share: f64,
        tilt: usize,
        tilt_share: f64,
    ) -> RegionResult {
        let indicators: Vec<IndicatorResult> = scheme
            .indicators
            .iter()
            .enumerate()
            .map(|(k, ind)| {
                let s = if k == tilt { tilt_share } else { share };
                IndicatorResult {
                    id: ind.id.clone(),
                    numerator: None,
                    denominator: None,
                    value: None,
                    empty: None,
                    raw: s * ind.points,
                    score: s * ind.points,
                    sources: Vec::new(),
                }
            })
            .collect();
        let total = indicators.iter().map(|i| i.score).sum();
        RegionResult {
            indicators,
            total,
            ..RegionResult::blank(code, code, Status::Scored)
        }
    }

    #[test]
    fn ties_share_a_rank_and_vetoed_come_last() {
        let ranks = rank_draw(
            &[90.0, 95.0, 90.0, 99.0, 80.0],
            &[false, false, false, true, false],
        );
        assert_eq!(ranks, [2, 1, 2, 5, 4]);
    }

    #[test]
    fn same_seed_same_intervals_and_a_clear_leader_never_moves() {
        let scheme = Scheme::builtin().unwrap();
        let settings = scheme.statistics.rank_interval.clone();
        // r1 is far ahead; r2 and r3 tie, each strong on a different indicator of 3 points
        // (A2 and A3), so the weights decide their order; r4 is far behind.
        let results = vec![
            region(&scheme, "r1", 0.98, 0, 0.98),
            region(&scheme, "r2", 0.80, 1, 1.0),
            region(&scheme, "r3", 0.80, 2, 1.0),
            region(&scheme, "r4", 0.30, 0, 0.30),
        ];
        let a = simulate(&scheme, &results, &settings);
        let b = simulate(&scheme, &results, &settings);
        assert_eq!(a, b);
        assert_eq!(a["r1"], RankInterval { low: 1, high: 1 });
        assert_eq!(a["r1"].label(), "1");
        assert_eq!(a["r4"], RankInterval { low: 4, high: 4 });
        assert_eq!(a["r2"], RankInterval { low: 2, high: 3 }, "{a:?}");
        assert_eq!(a["r3"], RankInterval { low: 2, high: 3 }, "{a:?}");
        assert_eq!(a["r2"].label(), "2–3");

        // Another seed gives the same clear leader but draws different weights.
        let other = RankIntervalSettings {
            seed: settings.seed + 1,
            ..settings.clone()
        };
        assert_eq!(simulate(&scheme, &results, &other)["r1"].label(), "1");
    }

    #[test]
    fn unscored_regions_have_no_interval() {
        let scheme = Scheme::builtin().unwrap();
        let results = vec![
            region(&scheme, "r1", 0.9, 0, 0.9),
            RegionResult::blank("r2", "r2", Status::Missing),
        ];
        let a = simulate(&scheme, &results, &scheme.statistics.rank_interval);
        assert_eq!(a.len(), 1);
        assert_eq!(a["r1"].label(), "1");
    }
}
