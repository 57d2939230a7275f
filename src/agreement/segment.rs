//! Segment-level agreement, as MAXQDA: an excerpt agrees when the other
//! coder has an excerpt with the same code that overlaps it by at least
//! `segment_overlap` of their union. Two coders (the first two).

use std::collections::BTreeSet;

use crate::agreement::character::silent_coder;
use crate::agreement::estimate::Estimate;
use crate::agreement::input::Input;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentCounts {
    /// Pairs of excerpts matched one-to-one.
    pub agreements: u64,
    /// The first coder's excerpts left unmatched.
    pub a_only: u64,
    /// The second coder's excerpts left unmatched.
    pub b_only: u64,
}

impl SegmentCounts {
    fn add(&mut self, o: &SegmentCounts) {
        self.agreements += o.agreements;
        self.a_only += o.a_only;
        self.b_only += o.b_only;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SegmentRow {
    pub code: Option<usize>,
    pub transcript: Option<usize>,
    pub counts: SegmentCounts,
    /// agreements / (agreements + a_only + b_only).
    pub percent_agreement: Estimate,
    /// Brennan and Prediger: (p - 1/k) / (1 - 1/k), k the number of codes
    /// either coder used anywhere in the study. Undefined when either coder
    /// has no excerpt of the code in the row's scope.
    pub kappa_bp: Estimate,
}

/// Rows for each codable code (per transcript, then pooled) and the
/// overall row.
pub fn segment_rows(input: &Input) -> Vec<SegmentRow> {
    let k = codes_in_use(input);
    let mut rows = Vec::new();
    let mut overall = SegmentCounts::default();
    for code in input.codable_codes() {
        let excerpts = input.of_code(code);
        let mut pooled = SegmentCounts::default();
        for t in 0..input.transcripts.len() {
            let by_coder = input.spans_by_coder(excerpts, t);
            let (a, b) = match by_coder.as_slice() {
                [a, b, ..] => (a.as_slice(), b.as_slice()),
                [a] => (a.as_slice(), &[][..]),
                [] => (&[][..], &[][..]),
            };
            let counts = match_excerpts(a, b, input.segment_overlap);
            pooled.add(&counts);
            rows.push(row(Some(code), Some(t), counts, k, &input.coders));
        }
        overall.add(&pooled);
        rows.push(row(Some(code), None, pooled, k, &input.coders));
    }
    rows.push(row(None, None, overall, k, &input.coders));
    rows
}

/// The number of distinct codes the first two coders applied anywhere.
pub fn codes_in_use(input: &Input) -> usize {
    input
        .excerpts
        .iter()
        .filter(|e| e.coder < 2)
        .map(|e| e.code)
        .collect::<BTreeSet<_>>()
        .len()
}

pub fn row(
    code: Option<usize>,
    transcript: Option<usize>,
    counts: SegmentCounts,
    k: usize,
    names: &[String],
) -> SegmentRow {
    if names.len() < 2 {
        let none = || Estimate::undefined("needs at least two coders");
        return SegmentRow {
            code,
            transcript,
            counts,
            percent_agreement: none(),
            kappa_bp: none(),
        };
    }
    let total = counts.agreements + counts.a_only + counts.b_only;
    let percent_agreement = Estimate::ratio(
        counts.agreements as f64,
        total as f64,
        "neither coder has an excerpt here",
    );
    let scope = match (code, transcript) {
        (Some(_), Some(_)) => "this code in this transcript",
        (Some(_), None) => "this code in any transcript",
        (None, _) => "any code",
    };
    let silent = silent_coder(
        &[
            counts.agreements + counts.a_only,
            counts.agreements + counts.b_only,
        ],
        names,
        scope,
    );
    let kappa_bp = if total == 0 {
        percent_agreement.clone()
    } else if let Some(silent) = silent {
        silent
    } else if k < 2 {
        Estimate::undefined("fewer than two codes in use: chance agreement 1/k is 1")
    } else {
        let chance = 1.0 / k as f64;
        percent_agreement
            .clone()
            .map(|p| Estimate::Value((p - chance) / (1.0 - chance)))
    };
    SegmentRow {
        code,
        transcript,
        counts,
        percent_agreement,
        kappa_bp,
    }
}

/// Match two coders' excerpts of one code one-to-one. A pair qualifies
/// when it overlaps and |a ∩ b| / |a ∪ b| >= `threshold`; pairs are taken
/// greedily by ratio descending, then a.start, a.end, b.start, b.end
/// ascending, when neither excerpt is taken yet. Both lists sorted by start.
pub fn match_excerpts(a: &[(usize, usize)], b: &[(usize, usize)], threshold: f64) -> SegmentCounts {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    // The longest of b's excerpts bounds how far back an overlapping one
    // can start, so each a looks at a window of b, not all of it.
    let longest_b = b.iter().map(|(s, e)| e - s).max().unwrap_or(0);
    for (i, &(a0, a1)) in a.iter().enumerate() {
        let from = b.partition_point(|&(s, _)| s + longest_b < a0);
        for (j, &(b0, b1)) in b.iter().enumerate().skip(from) {
            if b0 >= a1 {
                break;
            }
            let inter = a1.min(b1).saturating_sub(a0.max(b0));
            if inter == 0 {
                continue;
            }
            let union = a1.max(b1) - a0.min(b0);
            let ratio = inter as f64 / union as f64;
            if ratio >= threshold {
                pairs.push((ratio, i, j));
            }
        }
    }
    pairs.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then_with(|| a[x.1].cmp(&a[y.1]))
            .then_with(|| b[x.2].cmp(&b[y.2]))
    });
    let mut a_taken = vec![false; a.len()];
    let mut b_taken = vec![false; b.len()];
    let mut agreements = 0u64;
    for (_, i, j) in pairs {
        if !a_taken[i] && !b_taken[j] {
            a_taken[i] = true;
            b_taken[j] = true;
            agreements += 1;
        }
    }
    SegmentCounts {
        agreements,
        a_only: a.len() as u64 - agreements,
        b_only: b.len() as u64 - agreements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_is_one_to_one_and_best_first() {
        // b's (0,10) fits a's (0,10) exactly and (0,11) at 10/11.
        let c = match_excerpts(&[(0, 10), (0, 11)], &[(0, 10)], 0.9);
        assert_eq!(
            c,
            SegmentCounts {
                agreements: 1,
                a_only: 1,
                b_only: 0
            }
        );
        // Below the threshold: no agreement.
        let c = match_excerpts(&[(0, 10)], &[(0, 12)], 0.9);
        assert_eq!(
            c,
            SegmentCounts {
                agreements: 0,
                a_only: 1,
                b_only: 1
            }
        );
        let c = match_excerpts(&[(0, 10)], &[(0, 11)], 0.9);
        assert_eq!(c.agreements, 1);
    }

    /// A has excerpts of the code, B none: percent agreement is 0 (it is
    /// descriptive), Brennan and Prediger's kappa undefined, naming B.
    #[test]
    fn a_silent_coder_leaves_kappa_bp_undefined() {
        let names = vec!["a".to_string(), "b".to_string()];
        let counts = match_excerpts(&[(0, 10), (20, 30)], &[], 0.9);
        let r = row(Some(0), Some(0), counts, 3, &names);
        assert_eq!(r.percent_agreement.value(), Some(0.0));
        assert_eq!(r.kappa_bp.value(), None);
        assert!(
            r.kappa_bp
                .reason()
                .unwrap()
                .starts_with("b did not apply this code in this transcript")
        );
        let counts = match_excerpts(&[(0, 10)], &[(0, 10)], 0.9);
        assert_eq!(
            row(None, None, counts, 3, &names).kappa_bp.value(),
            Some(1.0)
        );
    }
}
