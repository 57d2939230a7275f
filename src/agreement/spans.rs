//! Arithmetic on sets of character spans, by sweeping over their sorted
//! boundaries: never by visiting characters, so a 60,000-character
//! transcript costs as much as its excerpts, not its length.

/// Spans (sorted by start) merged where they overlap or touch: the
/// characters a coder covered with one code, as disjoint runs.
pub fn merge(spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for &(s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Total length of disjoint spans.
pub fn covered(spans: &[(usize, usize)]) -> usize {
    spans.iter().map(|(s, e)| e - s).sum()
}

/// For several coders' disjoint, sorted spans: how many characters are
/// covered by exactly n coders, for n = 0..=coders (index n), within
/// `[0, length)`. One sweep over all boundaries.
pub fn coverage_histogram(per_coder: &[Vec<(usize, usize)>], length: usize) -> Vec<u64> {
    let mut events: Vec<(usize, i32)> = Vec::new();
    for spans in per_coder {
        for &(s, e) in spans {
            events.push((s, 1));
            events.push((e, -1));
        }
    }
    events.sort_unstable();
    let mut hist = vec![0u64; per_coder.len() + 1];
    let mut depth: i32 = 0;
    let mut pos = 0usize;
    for (at, delta) in events {
        if at > pos {
            hist[depth.max(0) as usize] += (at - pos) as u64;
            pos = at;
        }
        depth += delta;
    }
    if length > pos {
        hist[depth.max(0) as usize] += (length - pos) as u64;
    }
    hist
}

/// Length of the intersection of two sets of disjoint, sorted spans.
pub fn intersection(a: &[(usize, usize)], b: &[(usize, usize)]) -> usize {
    let (mut i, mut j, mut total) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if hi > lo {
            total += hi - lo;
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn per_char(spans: &[(usize, usize)], len: usize) -> Vec<bool> {
        let mut v = vec![false; len];
        for &(s, e) in spans {
            for x in &mut v[s..e] {
                *x = true;
            }
        }
        v
    }

    fn spans_strategy(len: usize) -> impl Strategy<Value = Vec<(usize, usize)>> {
        prop::collection::vec((0..len, 1..20usize), 0..8).prop_map(move |v| {
            let mut s: Vec<(usize, usize)> = v
                .into_iter()
                .map(|(a, l)| (a, (a + l).min(len)))
                .filter(|(a, b)| a < b)
                .collect();
            s.sort_unstable();
            s
        })
    }

    #[test]
    fn merge_joins_overlapping_and_touching() {
        assert_eq!(
            merge(&[(0, 5), (3, 8), (8, 10), (12, 13)]),
            vec![(0, 10), (12, 13)]
        );
    }

    proptest! {
        #[test]
        fn sweeps_agree_with_counting_characters(
            a in spans_strategy(60), b in spans_strategy(60), c in spans_strategy(60)
        ) {
            let (ma, mb, mc) = (merge(&a), merge(&b), merge(&c));
            let (ca, cb, cc) = (per_char(&a, 60), per_char(&b, 60), per_char(&c, 60));
            prop_assert_eq!(covered(&ma), ca.iter().filter(|x| **x).count());
            let both = (0..60).filter(|&i| ca[i] && cb[i]).count();
            prop_assert_eq!(intersection(&ma, &mb), both);
            let hist = coverage_histogram(&[ma, mb, mc], 60);
            let mut expect = vec![0u64; 4];
            for i in 0..60 {
                expect[ca[i] as usize + cb[i] as usize + cc[i] as usize] += 1;
            }
            prop_assert_eq!(hist, expect);
        }
    }
}
