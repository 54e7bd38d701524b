//! Funnel limits (Spiegelhalter 2005, "Funnel plots for comparing institutional performance";
//! "Handling over-dispersion of performance indicators") for rates whose denominators differ
//! widely, so that a small county is not flagged for noise and a large one is not hidden.
//!
//! Both models work on a variance-stabilising scale where a unit with denominator `n` has standard
//! error `1 / (2√n)`:
//! - a proportion (binomial) `y = asin √(O/n)`;
//! - an incidence (Poisson) `y = √(O/E)`, with `E` the exposure (e.g. 万户).
//!
//! The target `θ₀` is the pooled rate `ΣO / Σn` on the same scale. Each unit's z-score is
//! `(y − θ₀) / s`; the z-scores are winsorised (the `k = ⌊I·w⌋` lowest are set to the `(k+1)`-th
//! lowest, and likewise at the top), and `φ = Σz² / I`. When `I·φ > I − 1` the additive
//! random-effects variance is `τ² = (I·φ − (I − 1)) / (Σwᵢ − Σwᵢ² / Σwᵢ)` with `wᵢ = 1/sᵢ²`
//! (DerSimonian–Laird), otherwise 0. A limit at coverage `L` for denominator `n` is
//! `θ₀ ± z_L·√(s² + τ²)` transformed back; a unit is beyond it when its adjusted z-score
//! `(y − θ₀)/√(s² + τ²)` is beyond `±z_L`.

use crate::scheme::{BadSide, FunnelModel};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// One region's figures for a funnel indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub code: String,
    /// Cases with the property (numerator), or events (count).
    pub observed: f64,
    /// Cases (denominator), or the exposure.
    pub exposure: f64,
}

/// The fitted funnel of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub model: FunnelModel,
    /// Units with a positive denominator.
    pub units: usize,
    /// The pooled rate `ΣO / Σn` (a proportion, or events per unit of exposure).
    pub target: f64,
    /// Mean squared winsorised z-score.
    pub phi: f64,
    /// The additive random-effects variance on the transformed scale (0 when not overdispersed
    /// or when the correction is off).
    pub tau2: f64,
    /// P(χ²ᵢ₋₁ ≥ I·φ): small values mean overdispersion.
    pub p_value: f64,
}

/// A unit placed on the funnel.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub code: String,
    pub observed: f64,
    pub exposure: f64,
    /// `observed / exposure`.
    pub value: f64,
    /// The z-score before winsorising and without τ².
    pub z: f64,
    /// `(y − θ₀) / √(s² + τ²)`: what is compared with the limits.
    pub z_adjusted: f64,
}

/// The two-sided normal quantile of a coverage: 1.959964 for 0.95, 3.090232 for 0.998.
pub fn z_of(level: f64) -> f64 {
    let normal = Normal::standard();
    normal.inverse_cdf(1.0 - (1.0 - level) / 2.0)
}

fn transform(model: FunnelModel, rate: f64) -> f64 {
    match model {
        FunnelModel::Binomial => rate.clamp(0.0, 1.0).sqrt().asin(),
        FunnelModel::Poisson => rate.max(0.0).sqrt(),
    }
}

fn back(model: FunnelModel, y: f64) -> f64 {
    match model {
        FunnelModel::Binomial => y.clamp(0.0, std::f64::consts::FRAC_PI_2).sin().powi(2),
        FunnelModel::Poisson => y.max(0.0).powi(2),
    }
}

/// The standard error on the transformed scale of a unit with this denominator.
fn se(exposure: f64) -> f64 {
    1.0 / (2.0 * exposure.sqrt())
}

impl Fit {
    /// The limit at a coverage for a denominator: the lower one when `upper` is false.
    pub fn limit(&self, level: f64, exposure: f64, upper: bool) -> f64 {
        let half = z_of(level) * (se(exposure).powi(2) + self.tau2).sqrt();
        let centre = transform(self.model, self.target);
        back(
            self.model,
            if upper { centre + half } else { centre - half },
        )
    }

    /// Whether a point is beyond the limit at a coverage on the bad side.
    pub fn beyond(&self, point: &Point, level: f64, bad: BadSide) -> bool {
        match bad {
            BadSide::Low => point.z_adjusted < -z_of(level),
            BadSide::High => point.z_adjusted > z_of(level),
        }
    }
}

/// Fits the funnel. Units with a denominator of 0 are left out; fewer than two units give
/// `None`. A binomial numerator above its denominator counts as the denominator.
pub fn fit(
    model: FunnelModel,
    units: &[Unit],
    winsorise: f64,
    overdispersion: bool,
) -> Option<(Fit, Vec<Point>)> {
    let units: Vec<(&Unit, f64)> = units
        .iter()
        .filter(|u| u.exposure > 0.0 && u.exposure.is_finite() && u.observed.is_finite())
        .map(|u| {
            let observed = match model {
                FunnelModel::Binomial => u.observed.clamp(0.0, u.exposure),
                FunnelModel::Poisson => u.observed.max(0.0),
            };
            (u, observed)
        })
        .collect();
    let i = units.len();
    if i < 2 {
        return None;
    }
    let total_o: f64 = units.iter().map(|(_, o)| o).sum();
    let total_n: f64 = units.iter().map(|(u, _)| u.exposure).sum();
    let target = total_o / total_n;
    let centre = transform(model, target);
    let z: Vec<f64> = units
        .iter()
        .map(|(u, o)| (transform(model, o / u.exposure) - centre) / se(u.exposure))
        .collect();

    let phi = winsorised(&z, winsorise).iter().map(|z| z * z).sum::<f64>() / i as f64;
    let weights: Vec<f64> = units
        .iter()
        .map(|(u, _)| 1.0 / se(u.exposure).powi(2))
        .collect();
    let sw: f64 = weights.iter().sum();
    let sw2: f64 = weights.iter().map(|w| w * w).sum();
    let excess = i as f64 * phi - (i as f64 - 1.0);
    let denom = sw - sw2 / sw;
    let tau2 = if overdispersion && excess > 0.0 && denom > 0.0 {
        excess / denom
    } else {
        0.0
    };
    let p_value = ChiSquared::new(i as f64 - 1.0)
        .map(|c| 1.0 - c.cdf(i as f64 * phi))
        .unwrap_or(f64::NAN);

    let points = units
        .iter()
        .zip(&z)
        .map(|((u, o), z)| {
            let s = se(u.exposure);
            Point {
                code: u.code.clone(),
                observed: *o,
                exposure: u.exposure,
                value: o / u.exposure,
                z: *z,
                z_adjusted: z * s / (s * s + tau2).sqrt(),
            }
        })
        .collect();
    Some((
        Fit {
            model,
            units: i,
            target,
            phi,
            tau2,
            p_value,
        },
        points,
    ))
}

/// The z-scores with the `⌊I·share⌋` most extreme at each end pulled in to the nearest kept one.
fn winsorised(z: &[f64], share: f64) -> Vec<f64> {
    let mut sorted = z.to_vec();
    sorted.sort_by(f64::total_cmp);
    let k = crate::decimal::share_floor(share, z.len());
    if k == 0 || 2 * k >= z.len() {
        return z.to_vec();
    }
    let (lo, hi) = (sorted[k], sorted[z.len() - 1 - k]);
    z.iter().map(|v| v.clamp(lo, hi)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(data: &[(f64, f64)]) -> Vec<Unit> {
        data.iter()
            .enumerate()
            .map(|(i, (o, n))| Unit {
                code: format!("u{i:02}"),
                observed: *o,
                exposure: *n,
            })
            .collect()
    }

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn normal_quantiles() {
        close(z_of(0.95), 1.959964, 1e-6);
        close(z_of(0.998), 3.090232, 1e-6);
    }

    #[test]
    fn winsorising_pulls_in_the_extremes() {
        // Ten values, 10%: k = 1, so the lowest becomes the 2nd lowest, the highest the 2nd highest.
        let z = [5.0, -1.0, 0.0, 1.0, 2.0, -3.0, 0.5, -0.5, 1.5, -2.0];
        let w = winsorised(&z, 0.10);
        assert_eq!(w, [2.0, -1.0, 0.0, 1.0, 2.0, -2.0, 0.5, -0.5, 1.5, -2.0]);
        // Four values: k = 0, nothing changes.
        assert_eq!(winsorised(&z[..4], 0.10), z[..4]);
    }

    /// Binomial, not overdispersed. Four units, pooled p = (45+90+178+441)/(50+100+200+500)
    /// = 754/850 = 0.887059; θ₀ = asin √0.887059 = 1.228058.
    /// z = (asin √(O/n) − θ₀)·2√n:
    ///   45/50:   (1.249046 − 1.228058)·2√50  =  0.296809
    ///   90/100:  (1.249046 − 1.228058)·2√100 =  0.419751
    ///   178/200: (1.232731 − 1.228058)·2√200 =  0.132169
    ///   441/500: (1.220143 − 1.228058)·2√500 = −0.353970
    /// I = 4, k = ⌊0.4⌋ = 0 (no winsorising); φ = (0.088096 + 0.176191 + 0.017469 + 0.125295)/4
    /// = 0.101763; I·φ = 0.407 < I − 1 = 3, so τ² = 0.
    /// 95% limits at n = 100: θ₀ ± 1.959964/(2·√100) = 1.130060 and 1.326056; sin² of them
    /// = 0.818008 and 0.941289.
    #[test]
    fn binomial_without_overdispersion() {
        let (fit, points) = fit(
            FunnelModel::Binomial,
            &units(&[(45.0, 50.0), (90.0, 100.0), (178.0, 200.0), (441.0, 500.0)]),
            0.10,
            true,
        )
        .unwrap();
        close(fit.target, 754.0 / 850.0, 1e-12);
        close(points[0].z, 0.296809, 1e-5);
        close(points[1].z, 0.419751, 1e-5);
        close(points[2].z, 0.132169, 1e-5);
        close(points[3].z, -0.353970, 1e-5);
        close(fit.phi, 0.101763, 1e-5);
        assert_eq!(fit.tau2, 0.0);
        close(fit.limit(0.95, 100.0, false), 0.818008, 1e-5);
        close(fit.limit(0.95, 100.0, true), 0.941289, 1e-5);
        assert!(fit.p_value > 0.9, "{}", fit.p_value);
    }

    /// Poisson, overdispersed. Five units (count, exposure in 万户):
    /// (10, 10), (40, 20), (5, 10), (90, 30), (20, 40); pooled λ = 165/110 = 1.5, θ₀ = √1.5
    /// = 1.224745. z = (√(O/E) − θ₀)·2√E:
    ///   (10,10): (1        − 1.224745)·2√10 = −1.421411
    ///   (40,20): (1.414214 − 1.224745)·2√20 =  1.694659
    ///   (5,10):  (0.707107 − 1.224745)·2√10 = −3.273831
    ///   (90,30): (1.732051 − 1.224745)·2√30 =  5.557258
    ///   (20,40): (0.707107 − 1.224745)·2√40 = −6.547661
    /// I = 5, 10%: k = 0; φ = (2.020410 + 2.871871 + 10.717968 + 30.883118 + 42.871871)/5
    /// = 17.873047; I·φ = 89.365237 > 4. wᵢ = 1/sᵢ² = 4E: 40, 80, 40, 120, 160; Σw = 440,
    /// Σw² = 46400; τ² = (89.365237 − 4)/(440 − 46400/440) = 85.365237/327.272727 = 0.260838.
    /// Upper 99.8% limit at E = 20: (θ₀ + 3.090232·√(1/80 + 0.260838))² = (1.224745 + 1.615628)²
    /// = 8.067716.
    #[test]
    fn poisson_with_overdispersion() {
        let data = [
            (10.0, 10.0),
            (40.0, 20.0),
            (5.0, 10.0),
            (90.0, 30.0),
            (20.0, 40.0),
        ];
        let (fit, points) = fit(FunnelModel::Poisson, &units(&data), 0.10, true).unwrap();
        close(fit.target, 1.5, 1e-12);
        close(points[3].z, 5.557258, 1e-5);
        close(points[4].z, -6.547661, 1e-5);
        close(fit.phi, 17.873047, 1e-5);
        close(fit.tau2, 0.260838, 1e-5);
        close(fit.limit(0.998, 20.0, true), 8.067716, 1e-5);
        assert!(fit.p_value < 1e-10);
        // With τ² the extreme unit is no longer beyond 99.8%: z_adj = 5.557258·s/√(s²+τ²),
        // s = 1/(2√30) = 0.091287 → 5.557258·0.091287/0.518817 = 0.977812.
        close(points[3].z_adjusted, 0.977812, 1e-5);
        assert!(!fit.beyond(&points[3], 0.998, BadSide::High));

        // Without the correction: τ² = 0 and the unit is far beyond.
        let (plain, points) = super::fit(FunnelModel::Poisson, &units(&data), 0.10, false).unwrap();
        assert_eq!(plain.tau2, 0.0);
        close(plain.phi, 17.873047, 1e-5);
        assert!(plain.beyond(&points[3], 0.998, BadSide::High));
        assert!(!plain.beyond(&points[3], 0.998, BadSide::Low));
    }

    /// Binomial, overdispersed, with winsorising. Ten units (O/n): 30/50, 76/80, 70/100,
    /// 108/120, 120/150, 196/200, 188/250, 276/300, 340/400, 350/500; pooled p = 1754/2150
    /// = 0.815814, θ₀ = 1.127224. z (as above): −3.410329, 3.900761, −2.721344, 2.668986,
    /// −0.491736, 8.532672, −2.457524, 5.432266, 1.834926, −6.085109.
    /// k = ⌊10·0.1⌋ = 1: the lowest (−6.085109) becomes the 2nd lowest (−3.410329) and the
    /// highest (8.532672) the 2nd highest (5.432266); φ = Σz²/10 = 12.167302.
    /// I·φ = 121.673 > 9; w = 4n: Σw = 8600, Σw² = 10532800;
    /// τ² = (121.673018 − 9)/(8600 − 10532800/8600) = 112.673018/7375.255814 = 0.015277.
    /// 95% limits at n = 100: θ₀ ± 1.959964·√(1/400 + 0.015277) → sin²: 0.580154, 0.967152;
    /// 99.8%: 0.430032, 0.999005.
    #[test]
    fn binomial_with_overdispersion() {
        let data = [
            (30.0, 50.0),
            (76.0, 80.0),
            (70.0, 100.0),
            (108.0, 120.0),
            (120.0, 150.0),
            (196.0, 200.0),
            (188.0, 250.0),
            (276.0, 300.0),
            (340.0, 400.0),
            (350.0, 500.0),
        ];
        let (fit, points) = fit(FunnelModel::Binomial, &units(&data), 0.10, true).unwrap();
        close(fit.target, 1754.0 / 2150.0, 1e-12);
        close(points[5].z, 8.532672, 1e-5);
        close(points[9].z, -6.085109, 1e-5);
        close(fit.phi, 12.167302, 1e-5);
        close(fit.tau2, 0.015277, 1e-6);
        close(fit.limit(0.95, 100.0, false), 0.580154, 1e-5);
        close(fit.limit(0.95, 100.0, true), 0.967152, 1e-5);
        close(fit.limit(0.998, 100.0, false), 0.430032, 1e-5);
        close(fit.limit(0.998, 100.0, true), 0.999005, 1e-5);
    }

    /// Poisson, not overdispersed: (12, 10), (19, 20), (33, 30), (36, 40); λ = 100/100 = 1,
    /// θ₀ = 1; z = (√(O/E) − 1)·2√E = 0.603648, −0.226474, 0.534674, −0.649111; k = 0;
    /// φ = 0.280726, I·φ = 1.12 < 3 → τ² = 0. 95% limits at E = 10: (1 ∓ 1.959964/(2√10))²
    /// = 0.476241 and 1.715832.
    #[test]
    fn poisson_without_overdispersion() {
        let data = [(12.0, 10.0), (19.0, 20.0), (33.0, 30.0), (36.0, 40.0)];
        let (fit, points) = fit(FunnelModel::Poisson, &units(&data), 0.10, true).unwrap();
        close(fit.target, 1.0, 1e-12);
        close(points[0].z, 0.603648, 1e-5);
        close(points[3].z, -0.649111, 1e-5);
        close(fit.phi, 0.280726, 1e-5);
        assert_eq!(fit.tau2, 0.0);
        close(fit.limit(0.95, 10.0, false), 0.476241, 1e-5);
        close(fit.limit(0.95, 10.0, true), 1.715832, 1e-5);
        assert_eq!(points[0].z_adjusted, points[0].z);
    }

    /// The case: 1 of 2 disclosed is noise, 900 of 1,000 is a real shortfall. Twenty
    /// regions disclose 97% or so of 100–400 cases; the small and the large one join them.
    #[test]
    fn small_region_is_not_flagged_large_one_is() {
        let mut data: Vec<(f64, f64)> = (0..20)
            .map(|i| {
                let n = 100.0 + 15.0 * i as f64;
                let missed = [2.0, 3.0, 4.0, 3.0][i % 4] * n / 100.0;
                ((n - missed).round(), n)
            })
            .collect();
        data.push((1.0, 2.0));
        data.push((900.0, 1000.0));
        let (fit, points) = fit(FunnelModel::Binomial, &units(&data), 0.10, true).unwrap();
        let small = &points[20];
        let large = &points[21];
        assert!(!fit.beyond(small, 0.95, BadSide::Low), "{small:?} {fit:?}");
        assert!(fit.beyond(large, 0.95, BadSide::Low), "{large:?} {fit:?}");
        assert!(fit.beyond(large, 0.998, BadSide::Low), "{large:?} {fit:?}");
        // The small region's rate is far lower; only its denominator saves it.
        assert!(small.value < large.value);
    }

    #[test]
    fn empty_denominators_are_left_out() {
        assert!(fit(
            FunnelModel::Binomial,
            &units(&[(0.0, 0.0), (1.0, 2.0)]),
            0.1,
            true
        )
        .is_none());
        let (f, p) = fit(
            FunnelModel::Binomial,
            &units(&[(0.0, 0.0), (1.0, 2.0), (5.0, 4.0)]),
            0.1,
            true,
        )
        .unwrap();
        assert_eq!(f.units, 2);
        assert_eq!(
            p[1].observed, 4.0,
            "a numerator above the denominator is capped"
        );
    }
}
