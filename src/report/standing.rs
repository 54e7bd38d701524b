//! How a region stands on each indicator against the province: the points it lost, the
//! province's average and best score, its place; and its 整改事项. `explain`, the 反馈单 and the
//! 情况通报 all read these, so they say the same thing as each other and as the ranking workbook.

use crate::scheme::{Indicator, Scheme, WhenEmpty};
use crate::score::{IndicatorResult, RegionResult};

/// Scores closer than this are equal (they are rounded to the scheme's decimals).
const SAME: f64 = 1e-9;

/// The points a region lost on an indicator, rounded as scores are. An indicator left out by
/// `when_empty = "exclude"` lost nothing: its points went to the others in its group.
pub fn points_lost(scheme: &Scheme, ind: &Indicator, res: &IndicatorResult) -> f64 {
    if res.empty == Some(WhenEmpty::Exclude) {
        0.0
    } else {
        scheme.round(ind.points - res.score).max(0.0)
    }
}

/// The indicators on which the region lost more than the scheme's `feedback.rectify_above`
/// points, most points lost first (then in scheme order), with the points lost.
pub fn rectifications<'s>(scheme: &'s Scheme, r: &RegionResult) -> Vec<(&'s Indicator, f64)> {
    let mut lost: Vec<(&Indicator, f64)> = scheme
        .indicators
        .iter()
        .filter_map(|ind| {
            let res = r.indicator(&ind.id)?;
            let lost = points_lost(scheme, ind, res);
            (scheme.units(lost) > scheme.units(scheme.feedback.rectify_above))
                .then_some((ind, lost))
        })
        .collect();
    // A stable sort keeps scheme order among equal losses.
    lost.sort_by(|a, b| b.1.total_cmp(&a.1));
    lost
}

/// The scored regions' results on one indicator.
#[derive(Debug, Clone)]
pub struct IndicatorStanding<'r> {
    /// The score of every scored region it counted for (not those `when_empty` left it out
    /// of), highest first.
    scores: Vec<f64>,
    /// Their mean, rounded as scores are; `None` when it counted for none.
    pub average: Option<f64>,
    /// The regions with the highest score, in rank order, with their result.
    pub best: Vec<(&'r RegionResult, &'r IndicatorResult)>,
}

impl IndicatorStanding<'_> {
    /// 1 + the number of regions it counted for that scored more (equal scores share a place).
    pub fn place(&self, score: f64) -> usize {
        1 + self.scores.iter().filter(|s| **s > score + SAME).count()
    }

    /// How many regions it counted for.
    pub fn of(&self) -> usize {
        self.scores.len()
    }

    /// The highest score.
    pub fn best_score(&self) -> Option<f64> {
        self.best.first().map(|(_, res)| res.score)
    }
}

/// Every indicator's standing over the province's scored regions, in scheme order.
#[derive(Debug, Clone)]
pub struct Province<'r> {
    standings: Vec<(String, IndicatorStanding<'r>)>,
}

impl<'r> Province<'r> {
    /// Over `regions` (any order; only scored regions count).
    pub fn new(scheme: &Scheme, regions: &'r [RegionResult]) -> Province<'r> {
        let scored: Vec<&RegionResult> = regions.iter().filter(|r| r.is_scored()).collect();
        let standings = scheme
            .indicators
            .iter()
            .map(|ind| {
                // Where the indicator counted: not where `when_empty` left it out.
                let results: Vec<(&RegionResult, &IndicatorResult)> = scored
                    .iter()
                    .filter_map(|r| r.indicator(&ind.id).map(|res| (*r, res)))
                    .filter(|(_, res)| res.empty != Some(WhenEmpty::Exclude))
                    .collect();
                let mut scores: Vec<f64> = results.iter().map(|(_, res)| res.score).collect();
                scores.sort_by(|a, b| b.total_cmp(a));
                let average = (!scores.is_empty())
                    .then(|| scheme.round(scores.iter().sum::<f64>() / scores.len() as f64));
                let top = scores.first().copied();
                let best = results
                    .iter()
                    .filter(|(_, res)| top.is_some_and(|t| (res.score - t).abs() < SAME))
                    .copied()
                    .collect();
                let standing = IndicatorStanding {
                    scores,
                    average,
                    best,
                };
                (ind.id.clone(), standing)
            })
            .collect();
        Province { standings }
    }

    /// The standing on the indicator with this id.
    pub fn on(&self, id: &str) -> Option<&IndicatorStanding<'r>> {
        self.standings.iter().find(|(i, _)| i == id).map(|(_, s)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Status;

    fn region(code: &str, scores: &[(&str, f64, Option<WhenEmpty>)]) -> RegionResult {
        let mut r = RegionResult::blank(code, code, Status::Scored);
        r.indicators = scores
            .iter()
            .map(|(id, score, empty)| IndicatorResult {
                id: id.to_string(),
                numerator: None,
                denominator: None,
                value: None,
                empty: *empty,
                raw: *score,
                score: *score,
                sources: Vec::new(),
            })
            .collect();
        r
    }

    #[test]
    fn average_best_and_place_are_over_scored_regions() {
        let scheme = Scheme::builtin().unwrap();
        let a1 = &scheme.indicators[0];
        let points = a1.points;
        let regions = vec![
            region("1", &[(&a1.id, points, None)]),
            region("2", &[(&a1.id, points, None)]),
            region("3", &[(&a1.id, points - 1.5, None)]),
            // Left out: no part of the average, the best or the places.
            region("4", &[(&a1.id, 0.0, Some(WhenEmpty::Exclude))]),
            RegionResult::blank("5", "5", Status::Missing),
        ];
        let p = Province::new(&scheme, &regions);
        let s = p.on(&a1.id).unwrap();
        assert_eq!(s.of(), 3);
        // (2 × points + points − 1.5) / 3 = points − 0.5
        assert_eq!(s.average, Some(scheme.round(points - 0.5)));
        assert_eq!(s.best_score(), Some(points));
        let best: Vec<&str> = s.best.iter().map(|(r, _)| r.code.as_str()).collect();
        assert_eq!(best, ["1", "2"]);
        assert_eq!(s.place(points), 1);
        assert_eq!(s.place(points - 1.5), 3);
        assert_eq!(s.place(0.0), 4, "below every counted region");
        assert_eq!(points_lost(&scheme, a1, &regions[2].indicators[0]), 1.5);
        assert_eq!(points_lost(&scheme, a1, &regions[3].indicators[0]), 0.0);
    }
}
