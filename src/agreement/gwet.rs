//! Gwet's AC1 (Gwet 2008, "Computing inter-rater reliability and its
//! variance in the presence of high agreement"), for any number of coders
//! who all rate every unit, with two categories (coded, not coded), and its
//! variance by Gwet's linearisation, as the `irrCAC` package computes it
//! (`CAC(...).gwet()`, no finite-population correction).
//!
//! AC1 corrects for chance with pe = Σ_k π_k (1 − π_k) / (q − 1) instead of
//! Cohen's product of marginals, so it does not collapse when one category
//! is rare (the "kappa paradox" of a code applied to 3% of the text).
//! AC2 is AC1 with weights between ordered categories; with two nominal
//! categories its identity weights make it AC1, so concord reports AC1 for
//! any number of coders (docs/agreement.md).

use crate::agreement::estimate::Estimate;

/// AC1 and its variance.
#[derive(Debug, Clone, PartialEq)]
pub struct Ac1 {
    pub ac1: Estimate,
    pub variance: Estimate,
}

/// `by_coders[r]`: units coded by exactly r of the m = len - 1 coders.
pub fn ac1(by_coders: &[u64]) -> Ac1 {
    let undefined = |why: &str| Ac1 {
        ac1: Estimate::undefined(why),
        variance: Estimate::undefined(why),
    };
    let m = by_coders.len().saturating_sub(1);
    if m < 2 {
        return undefined("needs at least two coders");
    }
    let n: u64 = by_coders.iter().sum();
    if n == 0 {
        return undefined("no units to compare");
    }
    let (mf, nf) = (m as f64, n as f64);
    // π: the share of ratings "coded" (every unit has m ratings).
    let coded: f64 = by_coders
        .iter()
        .enumerate()
        .map(|(r, &h)| r as f64 * h as f64)
        .sum();
    let pi = coded / (mf * nf);
    // Σ_k π_k (1 − π_k) / (q − 1) with q = 2 categories.
    let pe = 2.0 * pi * (1.0 - pi);
    let agree_of = |r: f64| (r * (r - 1.0) + (mf - r) * (mf - r - 1.0)) / (mf * (mf - 1.0));
    let pa: f64 = by_coders
        .iter()
        .enumerate()
        .map(|(r, &h)| h as f64 * agree_of(r as f64))
        .sum::<f64>()
        / nf;
    // pe ≤ 1/2 for two categories, so 1 − pe never vanishes.
    let value = (pa - pe) / (1.0 - pe);
    let variance = if n < 2 {
        Estimate::undefined("the variance needs at least two units")
    } else {
        // Gwet's linearised per-unit terms: ac1_i − 2 (1 − AC1)(pe_i − pe)/(1 − pe),
        // pe_i = Σ_k (r_ik / m)(1 − π_k) / (q − 1). Units coded by the same
        // number of coders have the same term: one per histogram bar.
        let sum: f64 = by_coders
            .iter()
            .enumerate()
            .filter(|(_, h)| **h > 0)
            .map(|(r, &h)| {
                let r = r as f64;
                let ac1_i = (agree_of(r) - pe) / (1.0 - pe);
                let pe_i = (r * (1.0 - pi) + (mf - r) * pi) / mf;
                let term = ac1_i - 2.0 * (1.0 - value) * (pe_i - pe) / (1.0 - pe);
                h as f64 * (term - value) * (term - value)
            })
            .sum();
        Estimate::Value(sum / (nf * (nf - 1.0)))
    };
    Ac1 {
        ac1: Estimate::Value(value),
        variance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two coders, 100 units: 80 agreed absent, 5 agreed present, 15 split.
    /// pa = .85, π = (15 + 10)/200 = .125, pe = 2(.125)(.875) = .21875,
    /// AC1 = (.85 − .21875)/(.78125) = .808.
    #[test]
    fn two_coders_by_hand() {
        let a = ac1(&[80, 15, 5]);
        let v = a.ac1.value().unwrap();
        assert!((v - (0.85 - 0.21875) / 0.78125).abs() < 1e-12, "{v}");
        assert!(a.variance.value().unwrap() > 0.0);
    }

    /// Perfect agreement on a rare code: Cohen's kappa is 1 too, but with
    /// one split unit AC1 stays high where kappa drops (the paradox).
    #[test]
    fn high_agreement_on_a_rare_code_stays_high() {
        let a = ac1(&[97, 1, 2]).ac1.value().unwrap();
        assert!(a > 0.98, "{a}");
    }

    #[test]
    fn one_unit_has_no_variance() {
        let a = ac1(&[1, 0, 0]);
        assert_eq!(a.ac1.value(), Some(1.0));
        assert!(a.variance.value().is_none());
        assert!(ac1(&[5, 5]).ac1.value().is_none());
    }
}
