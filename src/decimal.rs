//! Decisions on figures as printed. A threshold, a gain or a share is decided on the decimal a
//! reader sees, never on binary floating point: 64.02 − 59.02 is 4.999999999999993 in `f64` but
//! a gain of exactly 5.00 on paper, and 0.07 × 100 is 7.000000000000001, whose ceiling is 8.

/// `v` rounded half away from zero to `decimals` places, as a person rounds the decimal figure
/// (2.675 → 2.68, although the nearest double to 2.675 lies just below it).
pub fn round_half_away(v: f64, decimals: u32) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let scale = 10f64.powi(decimals as i32);
    let x = v.abs() * scale;
    // A value within a few ulps of a half is that half: the binary form of a decimal like 2.675
    // is slightly below it, and a sum of such numbers drifts by a few ulps more.
    let nudge = x * 4.0 * f64::EPSILON;
    let out = (x + nudge).round() / scale;
    // No "−0.00": a negative value that rounds to zero is zero.
    if v < 0.0 && out > 0.0 {
        -out
    } else {
        out
    }
}

/// `v` as printed with `decimals` places, in whole units of the last place (64.02 → 6402 at 2
/// places): figures compared this way compare as the printed figures do.
pub fn units(v: f64, decimals: u32) -> i64 {
    let scale = 10f64.powi(decimals as i32);
    (round_half_away(v, decimals) * scale).round() as i64
}

/// Millionths of a share as its decimal is written (0.07 → 70,000); shares are 0–1.
fn millionths(share: f64) -> u128 {
    (share.clamp(0.0, 1.0) * 1e6).round() as u128
}

/// ⌈share × n⌉, counted on the share's decimal (to six places): 0.07 of 100 is 7.
pub fn share_ceil(share: f64, n: usize) -> usize {
    let exact = millionths(share) * n as u128;
    exact.div_ceil(1_000_000) as usize
}

/// ⌊share × n⌋, counted on the share's decimal (to six places): 0.29 of 100 is 29.
pub fn share_floor(share: f64, n: usize) -> usize {
    (millionths(share) * n as u128 / 1_000_000) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_whose_product_is_whole_in_decimal_but_not_in_binary() {
        // In f64: 0.07 × 100 = 7.000000000000001 and 0.29 × 100 = 28.999999999999996.
        let (share, n) = (std::hint::black_box(0.07f64), std::hint::black_box(100.0));
        assert_eq!((share * n).ceil(), 8.0);
        assert_eq!(share_ceil(0.07, 100), 7);
        assert_eq!((std::hint::black_box(0.29f64) * n).floor(), 28.0);
        assert_eq!(share_floor(0.29, 100), 29);
        assert_eq!(share_ceil(0.10, 21), 3);
        assert_eq!(share_ceil(0.25, 21), 6);
        assert_eq!(share_ceil(0.25, 20), 5);
        assert_eq!(share_ceil(0.0, 20), 0);
        assert_eq!(share_ceil(1.0, 20), 20);
        assert_eq!(share_floor(0.05, 19), 0);
    }

    #[test]
    fn a_gain_of_exactly_five_points_on_paper_is_five() {
        let (a, b) = (std::hint::black_box(64.02), std::hint::black_box(59.02));
        assert!(a - b < 5.0);
        assert_eq!(units(64.02, 2) - units(59.02, 2), units(5.0, 2));
        assert_eq!(units(63.01, 2) - units(58.02, 2), 499);
        assert_eq!(units(-0.004, 2), 0);
        assert_eq!(units(2.675, 2), 268);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_half_away(2.675, 2), 2.68);
        assert_eq!(round_half_away(1.005, 2), 1.01);
        assert_eq!(round_half_away(0.125, 2), 0.13);
        assert_eq!(round_half_away(-2.675, 2), -2.68);
        assert_eq!(round_half_away(10.0 / 3.0, 2), 3.33);
        assert_eq!(round_half_away(5.0 / 3.0, 2), 1.67);
        assert_eq!(round_half_away(2.5, 0), 3.0);
        assert_eq!(round_half_away(-0.001, 2), 0.0);
        assert!(round_half_away(-0.001, 2).is_sign_positive());
        // A sum of rounded figures is itself a 2-decimal figure.
        assert_eq!(round_half_away(0.1 + 0.2, 2), 0.3);
        assert_eq!(round_half_away(68.666_666_7, 2), 68.67);
    }
}
