//! The arithmetic of one indicator for one unit: ratio, target check and shortfall.
//!
//! Inputs are already summed (Σ numerators, Σ denominators): ratios are ratios of sums at
//! every level, never means of village percentages.

use super::model::IndicatorValue;

/// Slack in `value ≥ target`, so that 0.85 reached exactly is not lost to rounding.
const MET_EPSILON: f64 = 1e-12;

/// Slack before rounding the missing numerator up. `target × denominator − numerator` is
/// off by a few ulps (0.55 × 100 = 55.00000000000001), and one ulp grows with the size of the
/// numbers: with tonnes at provincial scale (0.9 × 28000401.0 t − 25200318.9 t, exactly 42)
/// the error is about 4e-9, so a fixed 1e-9 would ask for 43. A slack of 1e-12 of the
/// required amount (never less than 1e-9) absorbs that and stays far below a tenth of a
/// tonne or one household at any scale in the register.
fn shortfall_epsilon(required: f64) -> f64 {
    (required.abs() * 1e-12).max(1e-9)
}

/// Evaluate one indicator from its summed numerator and denominator.
///
/// - `value` = numerator ÷ denominator, None when the denominator is 0;
/// - `met` = value ≥ target (within 1e-12), None without a target or a value;
/// - `shortfall` = numerator still missing to reach the target, rounded up to a whole unit
///   (village, household, tonne, farm); None without a target, 0 when the denominator is 0.
pub fn evaluate(id: &str, numerator: f64, denominator: f64, target: Option<f64>) -> IndicatorValue {
    let value = (denominator != 0.0).then(|| numerator / denominator);
    let met = match (value, target) {
        (Some(v), Some(t)) => Some(v >= t - MET_EPSILON),
        _ => None,
    };
    let shortfall = target.map(|t| {
        if denominator == 0.0 {
            return 0.0;
        }
        let required = t * denominator;
        let missing = (required - numerator - shortfall_epsilon(required)).ceil();
        // Also turns ceil's -0.0 into 0.0, so that no writer prints "-0".
        if missing > 0.0 { missing } else { 0.0 }
    });
    IndicatorValue {
        id: id.to_owned(),
        numerator,
        denominator,
        value,
        target,
        met,
        shortfall,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn households_over_target_is_met_with_no_shortfall() {
        // 301234 / 352000 = 0.85578…; 0.85 × 352000 = 299200 ≤ 301234.
        let v = evaluate("toilet_harmless", 301234.0, 352000.0, Some(0.85));
        assert_eq!(v.id, "toilet_harmless");
        let value = v.value.expect("denominator is not 0");
        assert!((value - 301234.0 / 352000.0).abs() < 1e-15);
        assert!((value - 0.8558).abs() < 1e-4);
        assert_eq!(v.met, Some(true));
        assert_eq!(v.shortfall, Some(0.0));
    }

    #[test]
    fn households_under_target_rounds_shortfall_up() {
        // 0.85 × 352000 = 299200; 299200 − 299000 = 200.
        let v = evaluate("toilet_harmless", 299000.0, 352000.0, Some(0.85));
        assert_eq!(v.met, Some(false));
        assert_eq!(v.shortfall, Some(200.0));
        // 0.85 × 1001 = 850.85 → 850 households are 0.85 short → 1 more household.
        let v = evaluate("toilet_harmless", 850.0, 1001.0, Some(0.85));
        assert_eq!(v.met, Some(false));
        assert_eq!(v.shortfall, Some(1.0));
    }

    #[test]
    fn ninety_percent_of_ten_villages_is_nine_not_ten() {
        let eight = evaluate("garbage_effective", 8.0, 10.0, Some(0.9));
        assert_eq!(eight.met, Some(false));
        assert_eq!(eight.shortfall, Some(1.0));
        let nine = evaluate("garbage_effective", 9.0, 10.0, Some(0.9));
        assert_eq!(nine.met, Some(true));
        assert_eq!(nine.shortfall, Some(0.0));
        let ten = evaluate("garbage_effective", 10.0, 10.0, Some(0.9));
        assert_eq!(ten.met, Some(true));
        assert_eq!(ten.shortfall, Some(0.0));
    }

    #[test]
    fn a_product_just_above_an_integer_does_not_ask_for_one_more() {
        // 0.9 × 10 happens to round to exactly 9.0 in f64, but 0.55 × 100 is
        // 55.00000000000001: a bare ceil would ask for 56 villages.
        assert!(std::hint::black_box(0.55_f64) * 100.0 > 55.0);
        let v = evaluate("garbage_effective", 55.0, 100.0, Some(0.55));
        assert_eq!(v.met, Some(true));
        assert_eq!(v.shortfall, Some(0.0));
        let v = evaluate("garbage_effective", 54.0, 100.0, Some(0.55));
        assert_eq!(v.met, Some(false));
        assert_eq!(v.shortfall, Some(1.0));
    }

    #[test]
    fn exact_target_at_national_scale_has_no_shortfall() {
        // 0.85 × 200_000_000 households, reached exactly.
        let den = 200_000_000.0;
        let num = 170_000_000.0;
        let v = evaluate("toilet_harmless", num, den, Some(0.85));
        assert_eq!(v.met, Some(true));
        assert_eq!(v.shortfall, Some(0.0));
        let v = evaluate("toilet_harmless", num - 1.0, den, Some(0.85));
        assert_eq!(v.met, Some(false));
        assert_eq!(v.shortfall, Some(1.0));
    }

    #[test]
    fn provincial_tonnes_do_not_round_up_an_extra_tonne() {
        // Exact decimal arithmetic: 0.9 × 28000401.0 − 25200318.9 = 42 tonnes;
        // 0.75 × 29245947.6 − 21934456.7 = 4 tonnes. A fixed 1e-9 slack gives 43 and 5.
        let v = evaluate("manure_utilization", 25_200_318.9, 28_000_401.0, Some(0.9));
        assert_eq!(v.shortfall, Some(42.0));
        let v = evaluate("manure_utilization", 21_934_456.7, 29_245_947.6, Some(0.75));
        assert_eq!(v.shortfall, Some(4.0));
    }

    #[test]
    fn tonnes_shortfall_is_rounded_up_to_a_whole_tonne() {
        // 0.75 × 1000.0 = 750; 749.5 utilized → 0.5 t missing → 1 t.
        let v = evaluate("manure_utilization", 749.5, 1000.0, Some(0.75));
        assert_eq!(v.met, Some(false));
        assert_eq!(v.shortfall, Some(1.0));
    }

    #[test]
    fn zero_denominator_has_no_value_and_no_shortfall() {
        let v = evaluate("farm_facilities", 0.0, 0.0, Some(0.95));
        assert_eq!(v.value, None);
        assert_eq!(v.target, Some(0.95));
        assert_eq!(v.met, None);
        assert_eq!(v.shortfall, Some(0.0));
    }

    #[test]
    fn no_target_has_no_met_and_no_shortfall() {
        let v = evaluate("toilet_sanitary", 3.0, 4.0, None);
        assert_eq!(v.value, Some(0.75));
        assert_eq!(v.target, None);
        assert_eq!(v.met, None);
        assert_eq!(v.shortfall, None);
        let v = evaluate("sewage_controlled", 0.0, 0.0, None);
        assert_eq!(v.value, None);
        assert_eq!(v.met, None);
        assert_eq!(v.shortfall, None);
    }

    #[test]
    fn shortfall_is_never_negative_zero() {
        let v = evaluate("garbage_effective", 10.0, 10.0, Some(0.5));
        let s = v.shortfall.expect("has a target");
        assert!(s == 0.0 && s.is_sign_positive());
    }
}
