//! Scoring rules: an indicator's value to points, exactly as DESIGN.md states them. Relative rules
//! see the values of every region with a valid submission.

use crate::scheme::Rule;

/// The values of one indicator across the compared regions (empty values left out).
#[derive(Debug, Clone, Copy)]
pub struct Peers {
    pub min: f64,
    pub max: f64,
}

impl Peers {
    /// Min and max of the values; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Peers> {
        let mut it = values.iter().copied().filter(|v| v.is_finite());
        let first = it.next()?;
        let (min, max) = it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v)));
        Some(Peers { min, max })
    }
}

/// Points for value `v` under `rule` with `w` points; `all` holds every compared region's value.
pub fn score(rule: &Rule, w: f64, v: f64, all: &[f64]) -> f64 {
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
            let Some(p) = Peers::of(all) else { return w };
            if *inverted {
                if v <= 0.0 {
                    w
                } else {
                    w * p.min.max(0.0) / v
                }
            } else if p.max <= 0.0 {
                w
            } else {
                w * v.max(0.0) / p.max
            }
        }
        Rule::MinMax { inverted } => {
            let Some(p) = Peers::of(all) else { return w };
            let span = p.max - p.min;
            if span <= 0.0 {
                w
            } else if *inverted {
                w * (p.max - v) / span
            } else {
                w * (v - p.min) / span
            }
        }
        Rule::Percentile { inverted } => {
            let n = all.len();
            if n <= 1 {
                return w;
            }
            let beaten = all
                .iter()
                .filter(|&&x| if *inverted { x > v } else { x < v })
                .count();
            w * beaten as f64 / (n - 1) as f64
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
        assert!((score(&t, 10.0, 0.85, &[]) - 7.0).abs() < 1e-12);
        // 40% → 10 − 12 < 0 → 0.
        assert_eq!(score(&t, 10.0, 0.40, &[]), 0.0);
        assert_eq!(score(&t, 10.0, 1.0, &[]), 10.0);
        assert_eq!(score(&Rule::Linear, 5.0, 0.5, &[]), 2.5);
        assert_eq!(score(&Rule::Checklist, 3.0, 1.0, &[]), 3.0);
        assert_eq!(score(&Rule::Checklist, 3.0, 0.0, &[]), 0.0);
        let best = Rule::RatioToBest { inverted: false };
        assert_eq!(score(&best, 10.0, 2.0, &[1.0, 2.0, 4.0]), 5.0);
        assert_eq!(score(&best, 10.0, 0.0, &[0.0, 0.0]), 10.0);
        let inv = Rule::MinMax { inverted: true };
        // (8 − 6) ÷ (8 − 4) × 5 = 2.5
        assert_eq!(score(&inv, 5.0, 6.0, &[4.0, 6.0, 8.0]), 2.5);
        assert_eq!(score(&inv, 5.0, 6.0, &[6.0, 6.0]), 5.0);
        let pct = Rule::Percentile { inverted: false };
        assert_eq!(score(&pct, 4.0, 6.0, &[4.0, 6.0, 8.0]), 2.0);
    }
}
