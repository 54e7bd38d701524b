//! Ranking: valid and not vetoed by total (equal totals share a rank, the next rank skips), then
//! vetoed by total, then regions without a valid submission sharing the last rank.

use super::RegionResult;
use crate::record::Status;

/// Totals closer than this are equal (they differ only by floating-point rounding).
const TIE: f64 = 1e-9;

/// Where a region stands in the ranking: scored and not vetoed, scored and vetoed, or without
/// a valid submission (all of those share the last rank).
pub const RANKED: u8 = 0;
/// See [`RANKED`].
pub const VETOED: u8 = 1;
/// See [`RANKED`].
pub const UNRANKED: u8 = 2;

/// Competition ranks ("1, 2, 2, 4") of `(class, total)` keys: lower class first, then higher
/// total; totals closer than [`TIE`] share a rank; every [`UNRANKED`] key shares the rank after
/// all the others. The one ranking rule, used by [`rank`] and by the rank intervals' draws.
pub fn competition_ranks(keys: &[(u8, f64)]) -> Vec<u32> {
    let mut totals: [Vec<f64>; 3] = Default::default();
    for &(class, total) in keys {
        totals[usize::from(class.min(UNRANKED))].push(total);
    }
    for t in &mut totals {
        t.sort_by(|a, b| b.total_cmp(a));
    }
    let before = |class: usize| totals[..class].iter().map(Vec::len).sum::<usize>();
    keys.iter()
        .map(|&(class, total)| {
            let class = usize::from(class.min(UNRANKED));
            let better = if class == usize::from(UNRANKED) {
                0
            } else {
                totals[class].partition_point(|t| *t > total + TIE)
            };
            u32::try_from(before(class) + better + 1).unwrap_or(u32::MAX)
        })
        .collect()
}

/// Sets `rank` on every result and sorts them into rank order (ties by region code).
pub fn rank(results: &mut [RegionResult]) {
    let class = |r: &RegionResult| match (r.status, r.veto.is_some()) {
        (Status::Scored, false) => RANKED,
        (Status::Scored, true) => VETOED,
        _ => UNRANKED,
    };
    let keys: Vec<(u8, f64)> = results.iter().map(|r| (class(r), r.total)).collect();
    for (r, rank) in results.iter_mut().zip(competition_ranks(&keys)) {
        r.rank = rank;
    }
    results.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.code.cmp(&b.code)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one rule both the ranking and the rank intervals' draws use.
    #[test]
    fn competition_ranks_share_ties_and_put_vetoed_then_unranked_last() {
        let keys = [
            (RANKED, 90.0),
            (RANKED, 80.0),
            (RANKED, 90.0),
            (VETOED, 95.0),
            (UNRANKED, 0.0),
            (RANKED, 80.0 + 1e-12),
            (UNRANKED, 50.0),
        ];
        assert_eq!(competition_ranks(&keys), vec![1, 3, 1, 5, 6, 3, 6]);
    }

    fn region(code: &str, status: Status, total: f64, veto: bool) -> RegionResult {
        RegionResult {
            veto: veto.then(|| "事由".to_string()),
            total,
            ..RegionResult::blank(code, code, status)
        }
    }

    #[test]
    fn ties_share_a_rank_and_the_next_skips() {
        let mut r = vec![
            region("a", Status::Scored, 80.0, false),
            region("b", Status::Scored, 85.0, false),
            region("c", Status::Scored, 90.0, false),
            // Equal up to floating-point noise.
            region("d", Status::Scored, 85.0 + 1e-12, false),
            region("e", Status::Scored, 99.0, true),
            region("f", Status::Missing, 0.0, false),
            region("g", Status::Invalid, 0.0, false),
            region("h", Status::Scored, 70.0, true),
        ];
        rank(&mut r);
        let got: Vec<(&str, u32)> = r.iter().map(|x| (x.code.as_str(), x.rank)).collect();
        // 90 → 1; 85, 85 → 2, 2; 80 → 4; vetoed 99 → 5, vetoed 70 → 6; no valid submission → 7, 7.
        assert_eq!(
            got,
            [
                ("c", 1),
                ("b", 2),
                ("d", 2),
                ("a", 4),
                ("e", 5),
                ("h", 6),
                ("f", 7),
                ("g", 7)
            ]
        );
    }
}
