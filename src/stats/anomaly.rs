//! 数据异常，请核实: robust z-scores that point at figures worth a second look: a rate far from
//! every other region's (an extra zero typed into a count), or a change from last quarter far
//! from every other region's change. They are warnings in 数据质量, never errors, and never
//! change a score.
//!
//! The robust z-score of `x` among `xs` is `(x − median) / (1.4826 · MAD)`, MAD the median
//! absolute deviation (1.4826 makes it match σ for normal data). When more than half the values
//! are equal the MAD is 0; then the mean absolute deviation × 1.2533 stands in (Iglewicz and
//! Hoaglin 1993), and when that is 0 too nothing is flagged.
//!
//! - Cross-region: indicators per unit (件/万户), on the log scale, over regions with a value
//!   above 0.
//! - Change from last quarter: rates (比例) in percentage points, for regions whose denominator
//!   this quarter is at least `min_denominator`; per-unit indicators as the log of this
//!   quarter's value over last quarter's; over regions with both quarters.

use crate::problem::{Kind, Problem, Source};
use crate::record::QuarterRecord;
use crate::scheme::{AnomalySettings, Indicator, Scheme, ValueDef};
use crate::score::RegionResult;
use std::collections::HashMap;

/// The median of values (which must not be empty).
fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The median and robust scale of values; `None` when they are too few or all alike.
pub fn robust_scale(xs: &[f64]) -> Option<(f64, f64)> {
    if xs.is_empty() {
        return None;
    }
    let m = median(xs);
    let dev: Vec<f64> = xs.iter().map(|x| (x - m).abs()).collect();
    let mad = median(&dev);
    let scale = if mad > 0.0 {
        1.4826 * mad
    } else {
        1.2533 * dev.iter().sum::<f64>() / dev.len() as f64
    };
    (scale > 0.0).then_some((m, scale))
}

/// Warnings for one quarter. `previous` holds the records of the quarter before (any others are
/// ignored by the caller's choice).
pub fn anomalies(
    scheme: &Scheme,
    results: &[RegionResult],
    previous: &[QuarterRecord],
    settings: &AnomalySettings,
) -> Vec<Problem> {
    let scored: Vec<&RegionResult> = results.iter().filter(|r| r.is_scored()).collect();
    let before: HashMap<&str, &QuarterRecord> = previous
        .iter()
        .filter(|p| p.scored())
        .map(|p| (p.code.as_str(), p))
        .collect();
    let whole = scheme.office.whole();
    let mut out = Vec::new();
    for ind in &scheme.indicators {
        let per_unit = matches!(ind.value, ValueDef::PerUnit { .. });
        let ratio = matches!(ind.value, ValueDef::Ratio { .. });
        if !(per_unit || ratio) {
            continue;
        }
        let now = |r: &RegionResult| r.indicator(&ind.id).and_then(|i| i.value);
        if per_unit {
            let xs: Vec<(&RegionResult, f64)> = scored
                .iter()
                .filter_map(|r| now(r).filter(|v| *v > 0.0).map(|v| (*r, v)))
                .collect();
            let logs: Vec<f64> = xs.iter().map(|(_, v)| v.ln()).collect();
            let values: Vec<f64> = xs.iter().map(|(_, v)| *v).collect();
            if xs.len() >= settings.min_regions {
                if let Some((m, s)) = robust_scale(&logs) {
                    let mid = median(&values);
                    for ((r, v), l) in xs.iter().zip(&logs) {
                        let z = (l - m) / s;
                        if z.abs() > settings.threshold {
                            out.push(warn(
                                r,
                                ind,
                                format!(
                                    "{} {} 为{}{}，是{}中位数{}{}的{}倍（{}）",
                                    ind.id,
                                    ind.name,
                                    fmt2(*v),
                                    ind.unit,
                                    whole,
                                    fmt2(mid),
                                    ind.unit,
                                    ratio_as_printed(*v, mid),
                                    departure(z, settings.threshold)
                                ),
                            ));
                        }
                    }
                }
            }
        }
        // Change from last quarter.
        let pairs: Vec<(&RegionResult, f64, f64)> = scored
            .iter()
            .filter(|r| {
                per_unit
                    || r.indicator(&ind.id)
                        .and_then(|i| i.denominator)
                        .is_some_and(|d| d >= settings.min_denominator)
            })
            .filter_map(|r| {
                let v = now(r)?;
                let p = before
                    .get(r.code.as_str())?
                    .indicators
                    .iter()
                    .find(|(id, _, _)| *id == ind.id)?
                    .1?;
                Some((*r, p, v))
            })
            .filter(|(_, p, v)| !per_unit || (*p > 0.0 && *v > 0.0))
            .collect();
        if pairs.len() < settings.min_regions {
            continue;
        }
        let change = |p: f64, v: f64| if per_unit { (v / p).ln() } else { v - p };
        let changes: Vec<f64> = pairs.iter().map(|(_, p, v)| change(*p, *v)).collect();
        let Some((m, s)) = robust_scale(&changes) else {
            continue;
        };
        for ((r, p, v), c) in pairs.iter().zip(&changes) {
            let z = (c - m) / s;
            if z.abs() <= settings.threshold {
                continue;
            }
            let text = if per_unit {
                format!(
                    "{} {} 由上季度{}{}变为{}{}，为上季度的{}倍（{}中位数为{}倍；{}）",
                    ind.id,
                    ind.name,
                    fmt2(*p),
                    ind.unit,
                    fmt2(*v),
                    ind.unit,
                    ratio_as_printed(*v, *p),
                    whole,
                    fmt2(m.exp()),
                    departure(z, settings.threshold)
                )
            } else {
                format!(
                    "{} {} 由上季度{}变为{}，变化{}个百分点（{}变化中位数{}个百分点；{}）",
                    ind.id,
                    ind.name,
                    pct(*p),
                    pct(*v),
                    signed_points(c * 100.0),
                    whole,
                    signed_points(m * 100.0),
                    departure(z, settings.threshold)
                )
            };
            out.push(warn(r, ind, text));
        }
    }
    out
}

fn warn(r: &RegionResult, ind: &Indicator, text: String) -> Problem {
    let source = r
        .indicator(&ind.id)
        .and_then(|i| i.sources.first().cloned())
        .unwrap_or_else(|| Source::new(r.file.as_deref().unwrap_or(""), "", ""));
    let mut p = Problem::warning(Kind::Anomaly, source, format!("数据异常，请核实：{text}"));
    p.region = Some(r.code.clone());
    p
}

/// `a / b` on the figures as the sentence prints them (two decimals): "0.01 … 中位数0.05 … 的
/// 0.20倍", not 0.17 from the unrounded values; the unrounded quotient when `b` prints as 0.
fn ratio_as_printed(a: f64, b: f64) -> String {
    let shown = |x: f64| (x * 100.0).round() / 100.0;
    if shown(b) > 0.0 {
        fmt2(shown(a) / shown(b))
    } else {
        fmt2(a / b)
    }
}

fn fmt2(v: f64) -> String {
    // `+ 0.0` turns −0 (the sum of nothing) into 0.
    format!("{:.2}", v + 0.0)
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0 + 0.0)
}

/// "+6.9" or "−16.7" (a real minus sign, as the workbook shows changes).
fn signed_points(v: f64) -> String {
    signed(v, 1)
}

/// The robust z-value in words a region's clerk reads ("偏离程度为各地区通常差异的4.2倍，超过3.5倍
/// 即提示"); 评分说明 says that this is |稳健z值|.
fn departure(z: f64, threshold: f64) -> String {
    format!(
        "偏离程度为各地区通常差异的{:.1}倍，超过{threshold}倍即提示",
        z.abs()
    )
}

fn signed(v: f64, decimals: usize) -> String {
    let shown = format!("{:.*}", decimals, v.abs());
    if shown.trim_start_matches(['0', '.']).is_empty() {
        shown
    } else if v > 0.0 {
        format!("+{shown}")
    } else {
        format!("−{shown}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quarter::Quarter;
    use crate::record::Status;
    use crate::score::IndicatorResult;

    /// Regression (issue 24): "0.01件/万户 … 中位数0.05 … 的0.17倍" — 0.01 / 0.05 is 0.20 as
    /// printed. The ratio is taken on the printed figures.
    #[test]
    fn regression_the_ratio_is_the_printed_figures_ratio() {
        assert_eq!(ratio_as_printed(0.0087, 0.0512), "0.20");
        assert_eq!(ratio_as_printed(0.44, 0.19), "2.32");
        // A denominator that prints as 0: the quotient itself.
        assert_eq!(ratio_as_printed(0.01, 0.004), "2.50");
    }

    #[test]
    fn robust_scale_by_hand() {
        // median 3; |x − 3| = 2, 1, 0, 1, 97 → MAD 1 → scale 1.4826.
        let (m, s) = robust_scale(&[1.0, 2.0, 3.0, 4.0, 100.0]).unwrap();
        assert_eq!(m, 3.0);
        assert!((s - 1.4826).abs() < 1e-12);
        // More than half alike: MAD 0, mean absolute deviation 6/5 = 1.2 → 1.2533 · 1.2.
        let (m, s) = robust_scale(&[1.0, 1.0, 1.0, 1.0, 7.0]).unwrap();
        assert_eq!(m, 1.0);
        assert!((s - 1.2533 * 1.2).abs() < 1e-12);
        assert!(robust_scale(&[2.0, 2.0, 2.0]).is_none());
        assert!(robust_scale(&[]).is_none());
    }

    fn region(code: &str, values: &[(&str, f64)]) -> RegionResult {
        RegionResult {
            file: Some(format!("{code}.xlsx")),
            indicators: values
                .iter()
                .map(|(id, v)| IndicatorResult {
                    id: id.to_string(),
                    numerator: None,
                    denominator: Some(100.0),
                    value: Some(*v),
                    empty: None,
                    raw: 0.0,
                    score: 0.0,
                    sources: vec![Source::new(&format!("{code}.xlsx"), "汇总指标", "D6")],
                })
                .collect(),
            ..RegionResult::blank(code, &format!("{code}市"), Status::Scored)
        }
    }

    #[test]
    fn an_extra_zero_and_a_collapse_are_warned() {
        let scheme = Scheme::builtin().unwrap();
        let settings = scheme.statistics.anomaly.clone();
        let q: Quarter = "2025Q2".parse().unwrap();
        // B3 is per 万户 (件/万户); C1 is a rate. Ten regions around 1.0 and 90%; r09 typed an
        // extra zero into B3 (10.5), r10's C1 fell from 92% to 30%.
        let b3 = [0.9, 1.1, 1.0, 0.95, 1.2, 0.8, 1.05, 1.15, 10.5, 1.0];
        let c1_now = [0.9, 0.92, 0.88, 0.95, 0.9, 0.91, 0.93, 0.89, 0.9, 0.30];
        let c1_then = [0.88, 0.9, 0.9, 0.93, 0.92, 0.9, 0.9, 0.9, 0.91, 0.92];
        let now: Vec<RegionResult> = (0..10)
            .map(|i| {
                region(
                    &format!("r{:02}", i + 1),
                    &[("B3", b3[i]), ("C1", c1_now[i])],
                )
            })
            .collect();
        let then: Vec<QuarterRecord> =
            crate::pipeline::records(q.prev(), &now, &Default::default(), &[])
                .into_iter()
                .enumerate()
                .map(|(i, mut rec)| {
                    rec.indicators = vec![
                        ("B3".to_string(), Some(b3[i]), 0.0),
                        ("C1".to_string(), Some(c1_then[i]), 0.0),
                    ];
                    rec
                })
                .collect();
        let found = anomalies(&scheme, &now, &then, &settings);
        let about: Vec<(String, String)> = found
            .iter()
            .map(|p| {
                (
                    p.region.clone().unwrap(),
                    p.message.chars().take(16).collect(),
                )
            })
            .collect();
        assert_eq!(
            about,
            [
                (
                    "r09".to_string(),
                    "数据异常，请核实：B3 大案要案".to_string()
                ),
                (
                    "r10".to_string(),
                    "数据异常，请核实：C1 涉嫌犯罪".to_string()
                ),
            ],
            "{found:#?}"
        );
        assert!(found
            .iter()
            .all(|p| p.severity == crate::problem::Severity::Warning));
        assert!(
            found[1]
                .message
                .contains("由上季度92.0%变为30.0%，变化−62.0个百分点"),
            "{}",
            found[1].message
        );
        assert_eq!(found[0].source.address(), "汇总指标!D6");
    }

    #[test]
    fn too_few_regions_give_no_warnings() {
        let scheme = Scheme::builtin().unwrap();
        let now: Vec<RegionResult> = [1.0, 1.1, 50.0]
            .iter()
            .enumerate()
            .map(|(i, v)| region(&format!("r{i}"), &[("B3", *v)]))
            .collect();
        assert!(anomalies(&scheme, &now, &[], &scheme.statistics.anomaly).is_empty());
    }
}
