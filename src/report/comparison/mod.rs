//! 方案比较: the same submissions scored under two schemes (the one in force, A, and a revision
//! being tried, B), region by region: total, rank, 等次 and measure under each and the change,
//! with the indicators that moved the total most; how many regions change 等次 or measure, the
//! rank correlation (Spearman) and the largest moves; a chart of rank under A against rank
//! under B. Worked out here from two scoring runs; `sheets` lays it out.

mod sheets;

use super::ReportError;
use crate::flag::{Flag, Measure};
use crate::quarter::Quarter;
use crate::scheme::MeasureDef;
use crate::scheme::Scheme;
use crate::score::RegionResult;
use std::collections::BTreeMap;
use std::path::Path;

/// One scheme's scoring run of the quarter.
pub struct Side<'a> {
    pub scheme: &'a Scheme,
    /// In rank order, as `pipeline::assess` gives them.
    pub results: &'a [RegionResult],
    pub flags: &'a BTreeMap<String, Vec<Flag>>,
}

/// Where a region stands under one scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Scored (not 数据有误 or 未报送); the rest is meaningful only then.
    pub scored: bool,
    /// 已评分, 数据有误，退回修改, 未报送.
    pub status: String,
    pub total: f64,
    pub rank: u32,
    pub grade: String,
    pub measure: Option<MeasureDef>,
}

impl Standing {
    fn of(r: &RegionResult, flags: &BTreeMap<String, Vec<Flag>>) -> Standing {
        Standing {
            scored: r.is_scored(),
            status: r.status.label().to_string(),
            total: r.total,
            rank: r.rank,
            grade: r.grade.clone(),
            measure: flags
                .get(&r.code)
                .and_then(|f| Measure::of(f))
                .map(|m| m.measure),
        }
    }

    /// The measure as the ranking workbook writes it (无 when none).
    pub fn measure_label(&self) -> &str {
        self.measure.as_ref().map_or("无", |m| m.label.as_str())
    }
}

/// One region under both schemes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub code: String,
    pub name: String,
    pub a: Standing,
    pub b: Standing,
    /// The indicators whose score changed most (B − A, largest first by size), at most three:
    /// (id, name, change).
    pub moved_by: Vec<(String, String, f64)>,
}

impl Change {
    /// Scored under both schemes.
    pub fn both(&self) -> bool {
        self.a.scored && self.b.scored
    }

    /// B's total minus A's, when scored under both.
    pub fn total_change(&self) -> Option<f64> {
        self.both().then_some(self.b.total - self.a.total)
    }

    /// Places gained under B (positive: higher up), when scored under both.
    pub fn rank_change(&self) -> Option<i64> {
        self.both()
            .then(|| i64::from(self.a.rank) - i64::from(self.b.rank))
    }
}

/// The two runs side by side.
pub struct Comparison<'a> {
    pub quarter: Quarter,
    pub a: Side<'a>,
    pub b: Side<'a>,
    /// 评分时间, as in the ranking workbook.
    pub run_time: String,
    /// Every region, in rank order under B (those not scored last, by code).
    pub changes: Vec<Change>,
    /// The history both runs read, in words ("历史 中的 2025Q1–2025Q3"); `None` when none was
    /// read, and measures that follow from earlier quarters could not be judged.
    pub history: Option<String>,
}

impl<'a> Comparison<'a> {
    /// Pairs the regions of the two runs (both cover every region of the registry).
    pub fn new(
        quarter: Quarter,
        a: Side<'a>,
        b: Side<'a>,
        run_time: String,
        history: Option<String>,
    ) -> Comparison<'a> {
        let by_code: BTreeMap<&str, &RegionResult> =
            a.results.iter().map(|r| (r.code.as_str(), r)).collect();
        let mut changes: Vec<Change> = b
            .results
            .iter()
            .filter_map(|rb| {
                let ra = by_code.get(rb.code.as_str())?;
                Some(Change {
                    code: rb.code.clone(),
                    name: rb.name.clone(),
                    a: Standing::of(ra, a.flags),
                    b: Standing::of(rb, b.flags),
                    moved_by: moved_by(ra, rb, b.scheme),
                })
            })
            .collect();
        changes.sort_by(|x, y| {
            (!x.b.scored, x.b.rank, &x.code).cmp(&(!y.b.scored, y.b.rank, &y.code))
        });
        Comparison {
            quarter,
            a,
            b,
            run_time,
            changes,
            history,
        }
    }

    /// The regions scored under both whose 等次 differs: "珠海市（不合格→合格）".
    pub fn grade_changes_named(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter(|c| c.both() && c.a.grade != c.b.grade)
            .map(|c| format!("{}（{}→{}）", c.name, c.a.grade, c.b.grade))
            .collect()
    }

    /// The regions scored under both whose measure differs: "河源市（挂牌督办→通报）".
    pub fn measure_changes_named(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter(|c| c.both() && c.a.measure_label() != c.b.measure_label())
            .map(|c| {
                format!(
                    "{}（{}→{}）",
                    c.name,
                    c.a.measure_label(),
                    c.b.measure_label()
                )
            })
            .collect()
    }

    /// Regions scored under both schemes.
    pub fn scored_both(&self) -> usize {
        self.changes.iter().filter(|c| c.both()).count()
    }

    /// Regions scored under both whose 等次 differs.
    pub fn grade_changes(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.both() && c.a.grade != c.b.grade)
            .count()
    }

    /// Regions scored under both whose measure differs (none counts as a measure).
    pub fn measure_changes(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.both() && c.a.measure_label() != c.b.measure_label())
            .count()
    }

    /// Regions whose status differs (scored under one scheme, not under the other).
    pub fn status_changes(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.a.status != c.b.status)
            .count()
    }

    /// Spearman's rank correlation of the two rankings over the regions scored under both
    /// (ties at their mean place); `None` for fewer than two regions or a ranking without
    /// spread.
    pub fn spearman(&self) -> Option<f64> {
        let both: Vec<&Change> = self.changes.iter().filter(|c| c.both()).collect();
        let a = fractional(&both.iter().map(|c| c.a.rank).collect::<Vec<_>>());
        let b = fractional(&both.iter().map(|c| c.b.rank).collect::<Vec<_>>());
        pearson(&a, &b)
    }

    /// The regions whose place changed most, largest first (then by place under B), at most `n`.
    pub fn largest_moves(&self, n: usize) -> Vec<&Change> {
        let mut moved: Vec<&Change> = self
            .changes
            .iter()
            .filter(|c| c.rank_change().is_some_and(|d| d != 0))
            .collect();
        moved.sort_by_key(|c| {
            (
                std::cmp::Reverse(c.rank_change().unwrap_or(0).abs()),
                c.b.rank,
            )
        });
        moved.truncate(n);
        moved
    }
}

/// The indicators whose score changed most between the two runs of one region.
fn moved_by(a: &RegionResult, b: &RegionResult, scheme_b: &Scheme) -> Vec<(String, String, f64)> {
    if !(a.is_scored() && b.is_scored()) {
        return Vec::new();
    }
    let score = |r: &RegionResult, id: &str| {
        r.indicators
            .iter()
            .find(|i| i.id == id)
            .map_or(0.0, |i| i.score)
    };
    let mut ids: Vec<&str> = a.indicators.iter().map(|i| i.id.as_str()).collect();
    for i in &b.indicators {
        if !ids.contains(&i.id.as_str()) {
            ids.push(&i.id);
        }
    }
    let mut moved: Vec<(String, String, f64)> = ids
        .into_iter()
        .map(|id| {
            let name = scheme_b
                .indicators
                .iter()
                .find(|i| i.id == id)
                .map_or_else(String::new, |i| i.name.clone());
            (id.to_string(), name, score(b, id) - score(a, id))
        })
        .filter(|(_, _, d)| d.abs() >= 0.005)
        .collect();
    moved.sort_by(|x, y| y.2.abs().total_cmp(&x.2.abs()).then_with(|| x.0.cmp(&y.0)));
    moved.truncate(3);
    moved
}

/// Ranks as fractional ranks: the places 1..=n, tied places at their mean.
fn fractional(ranks: &[u32]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by_key(|&i| ranks[i]);
    let mut out = vec![0.0; ranks.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && ranks[order[j + 1]] == ranks[order[i]] {
            j += 1;
        }
        // Places i+1 ..= j+1, at their mean.
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = mean;
        }
        i = j + 1;
    }
    out
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    use statrs::statistics::Statistics;
    if x.len() < 2 || x.len() != y.len() {
        return None;
    }
    let (mx, my) = (x.mean(), y.mean());
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    (vx > 0.0 && vy > 0.0).then(|| cov / (vx * vy).sqrt())
}

/// Writes the 方案比较 workbook to `path` atomically.
///
/// # Errors
///
/// [`ReportError`] when a sheet cannot be laid out or the file cannot be written.
pub fn write(c: &Comparison, path: &Path) -> Result<(), ReportError> {
    let mut wb = sheets::build(c)?;
    crate::output::save_workbook(&mut wb, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tied_places_share_their_mean() {
        assert_eq!(fractional(&[1, 2, 2, 4]), [1.0, 2.5, 2.5, 4.0]);
        assert_eq!(fractional(&[3, 1, 2]), [3.0, 1.0, 2.0]);
    }

    #[test]
    fn spearman_of_a_reversed_ranking_is_minus_one() {
        let a = fractional(&[1, 2, 3, 4, 5]);
        let b = fractional(&[5, 4, 3, 2, 1]);
        assert!((pearson(&a, &b).unwrap() + 1.0).abs() < 1e-12);
        assert!((pearson(&a, &a).unwrap() - 1.0).abs() < 1e-12);
        // One swap of neighbours among five: 1 − 6·2/(5·24) = 0.9.
        let c = fractional(&[2, 1, 3, 4, 5]);
        assert!((pearson(&a, &c).unwrap() - 0.9).abs() < 1e-12);
        assert_eq!(pearson(&[1.0], &[1.0]), None);
    }
}
