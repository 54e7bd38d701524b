//! Statistics on a quarter's scores (DESIGN.md, "Statistics"): funnel limits for indicators
//! whose denominators differ widely, anomaly warnings, and rank intervals. They read the scores
//! and never change them; flags and the report read them.

pub mod anomaly;
pub mod funnel;
pub mod rank_interval;

pub use funnel::{Fit, Point};
pub use rank_interval::RankInterval;

use crate::problem::Problem;
use crate::record::QuarterRecord;
use crate::scheme::{FunnelIndicator, FunnelModel, Scheme};
use crate::score::RegionResult;
use std::collections::BTreeMap;

/// The funnel of one indicator this quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub setting: FunnelIndicator,
    /// The indicator's name and unit, for labels.
    pub name: String,
    pub unit: String,
    pub fit: Fit,
    pub points: Vec<Point>,
}

impl Funnel {
    /// Every region's point (a region has one when it had a denominator) by region code, for looking many up (the first where a code comes twice).
    pub fn by_code(&self) -> std::collections::HashMap<&str, &Point> {
        let mut map = std::collections::HashMap::with_capacity(self.points.len());
        for p in &self.points {
            map.entry(p.code.as_str()).or_insert(p);
        }
        map
    }

    /// A value as shown in sentences and tables: "90.0%" or "1.25件/万户".
    pub fn show(&self, v: f64) -> String {
        match self.setting.model {
            FunnelModel::Binomial => format!("{:.1}%", v * 100.0),
            FunnelModel::Poisson => format!("{v:.2}{}", self.unit),
        }
    }

    /// The point's figures: "（900/1000）" or "（12件，9.60万户）".
    pub fn figures(&self, p: &Point) -> String {
        let n = crate::text::fmt_num;
        match self.setting.model {
            FunnelModel::Binomial => format!("（{}/{}）", n(p.observed), n(p.exposure)),
            FunnelModel::Poisson => format!("（{}件，{:.2}万户）", n(p.observed), p.exposure),
        }
    }
}

/// Everything computed from one quarter's scores.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    pub funnels: Vec<Funnel>,
    /// 排名区间 of every scored region, by code.
    pub intervals: BTreeMap<String, RankInterval>,
    /// 数据异常，请核实 warnings.
    pub anomalies: Vec<Problem>,
}

/// Funnels, rank intervals and anomalies of a quarter. `previous` holds the records of the
/// quarter before (empty when history has none).
pub fn analyse(scheme: &Scheme, results: &[RegionResult], previous: &[QuarterRecord]) -> Analysis {
    let settings = &scheme.statistics;
    Analysis {
        funnels: funnels(scheme, results),
        intervals: rank_interval::simulate(scheme, results, &settings.rank_interval),
        anomalies: anomaly::anomalies(scheme, results, previous, &settings.anomaly),
    }
}

/// The funnels of the scheme's funnel indicators, over scored regions.
pub fn funnels(scheme: &Scheme, results: &[RegionResult]) -> Vec<Funnel> {
    let settings = &scheme.statistics.funnel;
    settings
        .indicators
        .iter()
        .filter_map(|setting| {
            let ind = scheme.indicators.iter().find(|i| i.id == setting.id)?;
            let units: Vec<funnel::Unit> = results
                .iter()
                .filter(|r| r.is_scored())
                .filter_map(|r| {
                    let i = r.indicator(&setting.id)?;
                    Some(funnel::Unit {
                        code: r.code.clone(),
                        observed: i.numerator?,
                        exposure: i.denominator?,
                    })
                })
                .collect();
            let (fit, points) = funnel::fit(
                setting.model,
                &units,
                settings.winsorise,
                settings.overdispersion,
            )?;
            Some(Funnel {
                setting: setting.clone(),
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                fit,
                points,
            })
        })
        .collect()
}
