//! What two coders' excerpts of a unit have in common and what each
//! included that the other did not, from their offsets: character ranges
//! `[start, end)` of the transcript, never a comparison of the texts (which
//! can match an "I" of one excerpt to another "I" of the other).

use crate::agreement::spans::merge;
use crate::align::ReviewUnit;

/// The two coders' excerpts of a unit, split by who included what.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoundaryDifference {
    /// Included by the first coder only.
    pub first_only: Vec<(usize, usize)>,
    /// Included by the second coder only.
    pub second_only: Vec<(usize, usize)>,
    /// Included by both.
    pub both: Vec<(usize, usize)>,
}

/// A coder's excerpts in the unit (any code), merged where they overlap or touch.
pub fn coder_spans(unit: &ReviewUnit, coder: &str) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = unit
        .excerpts
        .iter()
        .filter(|e| e.coder == coder)
        .map(|e| (e.start, e.end))
        .collect();
    spans.sort();
    merge(&spans)
}

/// Split the unit's text between coders `first` and `second`.
pub fn boundary_difference(unit: &ReviewUnit, first: &str, second: &str) -> BoundaryDifference {
    split(&coder_spans(unit, first), &coder_spans(unit, second))
}

/// Split two sets of sorted, disjoint ranges into what only the first
/// covers, what only the second covers, and what both cover.
pub fn split(a: &[(usize, usize)], b: &[(usize, usize)]) -> BoundaryDifference {
    // Every boundary of either side, then each piece between two is one kind.
    let mut cuts: Vec<usize> = a.iter().chain(b).flat_map(|&(s, e)| [s, e]).collect();
    cuts.sort();
    cuts.dedup();
    let inside = |set: &[(usize, usize)], p: usize| set.iter().any(|&(s, e)| s <= p && p < e);
    let mut out = BoundaryDifference::default();
    let push = |v: &mut Vec<(usize, usize)>, s: usize, e: usize| match v.last_mut() {
        Some(last) if last.1 == s => last.1 = e,
        _ => v.push((s, e)),
    };
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        match (inside(a, s), inside(b, s)) {
            (true, true) => push(&mut out.both, s, e),
            (true, false) => push(&mut out.first_only, s, e),
            (false, true) => push(&mut out.second_only, s, e),
            (false, false) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_each_included_is_a_matter_of_offsets() {
        // A starts two characters earlier ("I " of "I'm"), B runs on further.
        let d = split(&[(2147, 2379)], &[(2149, 2400)]);
        assert_eq!(d.first_only, vec![(2147, 2149)]);
        assert_eq!(d.second_only, vec![(2379, 2400)]);
        assert_eq!(d.both, vec![(2149, 2379)]);
        // Two pieces on one side, a gap in the other.
        let d = split(&[(0, 10), (20, 30)], &[(5, 25)]);
        assert_eq!(d.first_only, vec![(0, 5), (25, 30)]);
        assert_eq!(d.second_only, vec![(10, 20)]);
        assert_eq!(d.both, vec![(5, 10), (20, 25)]);
        // The same excerpts: nothing on either side alone.
        let d = split(&[(3, 9)], &[(3, 9)]);
        assert!(d.first_only.is_empty() && d.second_only.is_empty());
    }

    #[test]
    fn every_boundary_unit_of_the_sample_is_split_without_loss() {
        let study = crate::study::check(&crate::sample::sample_study()).study;
        let units = crate::align::review_units(&study);
        let len = |v: &[(usize, usize)]| v.iter().map(|(s, e)| e - s).sum::<usize>();
        for u in units
            .iter()
            .filter(|u| u.class == crate::align::UnitClass::Boundary)
        {
            let (a, b) = (coder_spans(u, "coder-a"), coder_spans(u, "coder-b"));
            let d = boundary_difference(u, "coder-a", "coder-b");
            assert_eq!(len(&d.first_only) + len(&d.both), len(&a), "{}", u.id);
            assert_eq!(len(&d.second_only) + len(&d.both), len(&b), "{}", u.id);
        }
    }
}
