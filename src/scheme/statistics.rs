//! Settings of the statistics: funnel limits, anomaly warnings and rank intervals, each with
//! its defaults.

use serde::Deserialize;

/// Settings of the statistics (漏斗图, 数据异常, 排名区间).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Statistics {
    pub funnel: FunnelSettings,
    pub anomaly: AnomalySettings,
    pub rank_interval: RankIntervalSettings,
}

/// Funnel limits (Spiegelhalter 2005) for indicators whose denominators differ widely.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FunnelSettings {
    /// The inner and outer limit, as two-sided coverage (0.95 and 0.998).
    pub levels: [f64; 2],
    /// Share of z-scores winsorised at each end before φ is estimated.
    pub winsorise: f64,
    /// Whether an additive random-effects τ² widens the limits when φ shows overdispersion.
    pub overdispersion: bool,
    /// Of earlier versions (quarters beyond the outer limit that led to 约谈); refused on load,
    /// since a rule with a `funnel` condition now says it.
    pub interview_after: Option<u32>,
    pub indicators: Vec<FunnelIndicator>,
}

impl Default for FunnelSettings {
    fn default() -> FunnelSettings {
        FunnelSettings {
            levels: [0.95, 0.998],
            winsorise: 0.10,
            overdispersion: true,
            interview_after: None,
            indicators: Vec::new(),
        }
    }
}

/// One indicator that gets funnel limits.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunnelIndicator {
    pub id: String,
    pub model: FunnelModel,
    /// Which side of the limits is bad.
    pub bad: BadSide,
    /// What persistently being beyond the outer limit means, e.g. 问题长期高发.
    #[serde(default)]
    pub label: String,
}

/// The sampling model of a funnel indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelModel {
    /// A proportion: numerator cases out of denominator cases.
    Binomial,
    /// An incidence: a count over an exposure (e.g. per 万户).
    Poisson,
}

/// The side of a funnel that is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadSide {
    Low,
    High,
}

/// Robust z-scores that raise 数据异常，请核实 warnings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnomalySettings {
    /// |robust z| above this is an anomaly (Iglewicz and Hoaglin suggest 3.5).
    pub threshold: f64,
    /// Fewer regions than this give no warnings (a median of a handful is no yardstick).
    pub min_regions: usize,
    /// A rate's change is only judged when its denominator is at least this (1 case of 1 swings
    /// between 0% and 100% by chance).
    pub min_denominator: f64,
}

impl Default for AnomalySettings {
    fn default() -> AnomalySettings {
        AnomalySettings {
            threshold: 3.5,
            min_regions: 8,
            min_denominator: 20.0,
        }
    }
}

/// The Monte Carlo simulation of rank uncertainty over weights.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RankIntervalSettings {
    pub draws: u32,
    /// Each weight is multiplied by U(1 − spread, 1 + spread).
    pub spread: f64,
    pub seed: u64,
    /// The percentiles shown as 排名区间.
    pub percentiles: [f64; 2],
}

impl Default for RankIntervalSettings {
    fn default() -> RankIntervalSettings {
        RankIntervalSettings {
            draws: 1000,
            spread: 0.2,
            seed: 2020,
            percentiles: [5.0, 95.0],
        }
    }
}
