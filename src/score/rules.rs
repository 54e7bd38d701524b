//! Scoring rules: an indicator's value to points, exactly as DESIGN.md states them. Relative rules
//! see the values of every region with a valid submission.

use crate::scheme::Rule;

/// The values of one indicator across the compared regions (empty values left out), prepared
/// once so that each region's relative score costs no more than a search.
#[derive(Debug, Clone, Default)]
pub struct Peers {
    /// Smallest and largest finite value; `None` when there are none.
    bounds: Option<(f64, f64)>,
    /// Every value but NaN, in ascending order.
    sorted: Vec<f64>,
    /// How many values were given, NaN included.
    n: usize,
}

impl Peers {
    pub fn of(values: &[f64]) -> Peers {
        let mut it = values.iter().copied().filter(|v| v.is_finite());
        let bounds = it
            .next()
            .map(|first| it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))));
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        Peers {
            bounds,
            sorted,
            n: values.len(),
        }
    }

    /// How many values are below `v` (above it when `inverted`), as counting them one by one
    /// would find.
    fn beaten(&self, v: f64, inverted: bool) -> usize {
        if v.is_nan() {
            return 0;
        }
        if inverted {
            self.sorted.len() - self.sorted.partition_point(|&x| x <= v)
        } else {
            self.sorted.partition_point(|&x| x < v)
        }
    }
}

/// Points for value `v` under `rule` with `w` points; `all` holds every compared region's value.
pub fn score(rule: &Rule, w: f64, v: f64, all: &Peers) -> f64 {
    match rule {
        Rule::Checklist => {
            if v > 0.5 {
                w
            } else {
                0.0
            }
        }
        Rule::Linear => w * v.clamp(0.0, 1.0),
        Rule::Target { target, per_point } => {
            (w - per_point * 100.0 * (target - v.min(*target))).max(0.0)
        }
        Rule::RatioToBest { inverted } => {
            let Some((min, max)) = all.bounds else {
                return w;
            };
            if *inverted {
                if v <= 0.0 {
                    w
                } else {
                    w * min.max(0.0) / v
                }
            } else if max <= 0.0 {
                w
            } else {
                w * v.max(0.0) / max
            }
        }
        Rule::MinMax { inverted } => {
            let Some((min, max)) = all.bounds else {
                return w;
            };
            let span = max - min;
            if span <= 0.0 {
                w
            } else if *inverted {
                w * (max - v) / span
            } else {
                w * (v - min) / span
            }
        }
        Rule::Percentile { inverted } => {
            let n = all.n;
            if n <= 1 {
                return w;
            }
            w * all.beaten(v, *inverted) as f64 / (n - 1) as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_as_designed() {
        // target 100%, 0.2 per point: 85% → 10 − 0.2 × 15 = 7.
        let t = Rule::Target {
            target: 1.0,
            per_point: 0.2,
        };
        assert!((score(&t, 10.0, 0.85, &Peers::of(&[])) - 7.0).abs() < 1e-12);
        // 40% → 10 − 12 < 0 → 0.
        assert_eq!(score(&t, 10.0, 0.40, &Peers::of(&[])), 0.0);
        assert_eq!(score(&t, 10.0, 1.0, &Peers::of(&[])), 10.0);
        assert_eq!(score(&Rule::Linear, 5.0, 0.5, &Peers::default()), 2.5);
        assert_eq!(score(&Rule::Checklist, 3.0, 1.0, &Peers::default()), 3.0);
        assert_eq!(score(&Rule::Checklist, 3.0, 0.0, &Peers::default()), 0.0);
        let best = Rule::RatioToBest { inverted: false };
        assert_eq!(score(&best, 10.0, 2.0, &Peers::of(&[1.0, 2.0, 4.0])), 5.0);
        assert_eq!(score(&best, 10.0, 0.0, &Peers::of(&[0.0, 0.0])), 10.0);
        let inv = Rule::MinMax { inverted: true };
        // (8 − 6) ÷ (8 − 4) × 5 = 2.5
        assert_eq!(score(&inv, 5.0, 6.0, &Peers::of(&[4.0, 6.0, 8.0])), 2.5);
        assert_eq!(score(&inv, 5.0, 6.0, &Peers::of(&[6.0, 6.0])), 5.0);
        let pct = Rule::Percentile { inverted: false };
        assert_eq!(score(&pct, 4.0, 6.0, &Peers::of(&[4.0, 6.0, 8.0])), 2.0);
        let low = Rule::Percentile { inverted: true };
        assert_eq!(score(&low, 4.0, 6.0, &Peers::of(&[4.0, 6.0, 8.0])), 2.0);
    }

    /// The prepared peers give the same count as comparing with every value, ties and
    /// infinities included.
    #[test]
    fn percentile_counts_as_comparing_one_by_one() {
        let all = [
            3.0,
            1.0,
            3.0,
            f64::INFINITY,
            0.5,
            3.0,
            f64::NEG_INFINITY,
            2.0,
        ];
        let peers = Peers::of(&all);
        for v in [-1.0, 0.5, 1.0, 2.5, 3.0, 4.0, f64::INFINITY] {
            for inverted in [false, true] {
                let by_hand = all
                    .iter()
                    .filter(|&&x| if inverted { x > v } else { x < v })
                    .count();
                assert_eq!(peers.beaten(v, inverted), by_hand, "{v} {inverted}");
            }
        }
    }
}
