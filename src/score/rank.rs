//! Ranking: valid and not vetoed by total (equal totals share a rank, the next rank skips), then
//! vetoed by total, then regions without a valid submission sharing the last rank.

use super::{RegionResult, Status};

/// Totals closer than this are equal (they differ only by floating-point rounding).
const TIE: f64 = 1e-9;

/// Sets `rank` on every result and sorts them into rank order (ties by region code).
pub fn rank(results: &mut [RegionResult]) {
    let class = |r: &RegionResult| match (r.status, r.veto.is_some()) {
        (Status::Scored, false) => 0,
        (Status::Scored, true) => 1,
        _ => 2,
    };
    let snapshot: Vec<(u8, f64)> = results.iter().map(|r| (class(r), r.total)).collect();
    let before = |c: u8| snapshot.iter().filter(|(k, _)| *k < c).count() as u32;
    for r in results.iter_mut() {
        let c = class(r);
        r.rank = if c == 2 {
            before(2) + 1
        } else {
            let better = snapshot
                .iter()
                .filter(|(k, t)| *k == c && *t > r.total + TIE)
                .count() as u32;
            before(c) + better + 1
        };
    }
    results.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.code.cmp(&b.code)));
}

#[cfg(test)]
mod tests {
    use super::*;

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
