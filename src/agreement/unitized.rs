//! Krippendorff's alpha family for unitizing a continuum, as ATLAS.ti
//! reports it: uα, |uα, cuα and (k)uα (Krippendorff, Mathet, Bouvry and
//! Widlöcher 2016; Krippendorff 2019, section 12.6).
//!
//! The continuum is every transcript, concatenated in study order. Each
//! coder divides it into segments: runs valued with a code, and gaps (not
//! coded). Observed coincidences are the lengths of overlap between one
//! coder's segment valued c and another coder's valued k, over all ordered
//! pairs of coders, divided by m - 1. Expected coincidences come from the
//! margins, less the pairs a segment forms with itself (l² for a valued
//! segment, l for a gap, whose characters pair freely). All of it is one
//! sweep over the segments' boundaries.

use crate::agreement::estimate::{Estimate, one_minus};
use crate::agreement::input::Input;
use crate::agreement::spans::merge;

/// A valued segment on the continuum: `[start, end)` and a value index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Segment {
    pub start: u64,
    pub end: u64,
    pub value: usize,
}

/// The family's coefficients on one set of segmentations.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// uα: boundaries and values, gaps included.
    pub u_alpha: Estimate,
    /// |uα: coded versus not coded, every value as one.
    pub binary_u_alpha: Estimate,
    /// cuα: values of the coded segments where coders' segments overlap.
    pub cu_alpha: Estimate,
    /// (k)uα for each value.
    pub k_u_alpha: Vec<Estimate>,
    /// For each value k, the share of k's coincidences that are with coded
    /// segments of other coders (rather than with gaps).
    pub coverage: Vec<Estimate>,
}

const NO_VARIATION: &str = "no variation: no disagreement is expected on these data";

/// Coincidences on a continuum of `length` characters of `values` values,
/// for each coder's valued segments (sorted by start, not overlapping).
pub fn family(coders: &[Vec<Segment>], length: u64, values: usize) -> Family {
    let m = coders.len();
    let undefined_all = |why: &str| Family {
        u_alpha: Estimate::undefined(why),
        binary_u_alpha: Estimate::undefined(why),
        cu_alpha: Estimate::undefined(why),
        k_u_alpha: vec![Estimate::undefined(why); values],
        coverage: vec![Estimate::undefined(why); values],
    };
    if m < 2 {
        return undefined_all("needs at least two coders");
    }
    if length == 0 {
        return undefined_all("the continuum is empty");
    }
    let c = Coincidences::sweep(coders, length, values);
    let u_alpha = c.u_alpha();
    let binary_u_alpha = c.binary().u_alpha();
    let (cu_alpha, k_u_alpha, coverage) = c.coded_only();
    Family {
        u_alpha,
        binary_u_alpha,
        cu_alpha,
        k_u_alpha,
        coverage,
    }
}

/// Value 0 is the gap; value v + 1 is the segments valued v.
struct Coincidences {
    /// Observed coincidences, (values + 1) squared.
    ell: Vec<Vec<f64>>,
    /// Σ l² of each value's segments (gaps: Σ l).
    self_pairs: Vec<f64>,
    /// Σ (pairable length)² of each value's segments: the part of a
    /// segment that overlaps coded segments of other coders.
    pairable_self_pairs: Vec<f64>,
}

impl Coincidences {
    fn sweep(coders: &[Vec<Segment>], length: u64, values: usize) -> Coincidences {
        let m = coders.len();
        let n = values + 1;
        let mut ell = vec![vec![0.0f64; n]; n];
        let mut self_pairs = vec![0.0f64; n];
        let mut pairable_self_pairs = vec![0.0f64; n];
        let mut bounds: Vec<u64> =
            Vec::with_capacity(2 + coders.iter().map(|c| 2 * c.len()).sum::<usize>());
        bounds.push(0);
        bounds.push(length);
        for segs in coders {
            let mut coded = 0u64;
            for s in segs {
                bounds.push(s.start);
                bounds.push(s.end);
                let l = (s.end - s.start) as f64;
                self_pairs[s.value + 1] += l * l;
                coded += s.end - s.start;
            }
            self_pairs[0] += (length - coded) as f64;
        }
        bounds.sort_unstable();
        bounds.dedup();
        let mut next = vec![0usize; m]; // each coder's first segment not yet ended
        let mut pairable = vec![0u64; m]; // of the coder's current segment
        let mut counts = vec![0u64; n];
        let mut current: Vec<usize> = vec![0; m];
        let mut present: Vec<usize> = Vec::with_capacity(m); // distinct values here
        let w = 1.0 / (m - 1) as f64;
        for win in bounds.windows(2) {
            let (p, q) = (win[0], win[1]);
            let len = (q - p) as f64;
            let mut coded_here = 0usize;
            for (i, segs) in coders.iter().enumerate() {
                while next[i] < segs.len() && segs[next[i]].end <= p {
                    let s = segs[next[i]];
                    let l = pairable[i] as f64;
                    pairable_self_pairs[s.value + 1] += l * l;
                    pairable[i] = 0;
                    next[i] += 1;
                }
                current[i] = match segs.get(next[i]) {
                    Some(s) if s.start <= p => s.value + 1,
                    _ => 0,
                };
                counts[current[i]] += 1;
                if counts[current[i]] == 1 {
                    present.push(current[i]);
                }
                if current[i] != 0 {
                    coded_here += 1;
                }
            }
            if coded_here >= 2 {
                for i in 0..m {
                    if current[i] != 0 {
                        pairable[i] += q - p;
                    }
                }
            }
            for &c in &present {
                for &k in &present {
                    let pairs = if c == k {
                        counts[c] * (counts[c] - 1)
                    } else {
                        counts[c] * counts[k]
                    };
                    ell[c][k] += len * pairs as f64 * w;
                }
            }
            // Reset the counts (only the values present were touched).
            for &c in &present {
                counts[c] = 0;
            }
            present.clear();
        }
        for (i, segs) in coders.iter().enumerate() {
            if let Some(s) = segs.get(next[i]) {
                let l = pairable[i] as f64;
                pairable_self_pairs[s.value + 1] += l * l;
            }
        }
        Coincidences {
            ell,
            self_pairs,
            pairable_self_pairs,
        }
    }

    /// uα = 1 - (l.. - Σ_c l_cc) / (l.. - Σ_c e_cc), where
    /// e_ck = l.. (l_c. l_.k - [c = k] Σ self-pairs of c) / (l..² - Σ self-pairs).
    fn u_alpha(&self) -> Estimate {
        let n = self.ell.len();
        let row: Vec<f64> = self.ell.iter().map(|r| r.iter().sum()).collect();
        let total: f64 = row.iter().sum();
        let all_self: f64 = self.self_pairs.iter().sum();
        let denominator = total * total - all_self;
        if denominator <= 0.0 {
            return Estimate::undefined(NO_VARIATION);
        }
        let observed_agree: f64 = (0..n).map(|c| self.ell[c][c]).sum();
        let expected_agree: f64 = (0..n)
            .map(|c| total * (row[c] * row[c] - self.self_pairs[c]) / denominator)
            .sum();
        one_minus(total - observed_agree, total - expected_agree, NO_VARIATION)
    }

    /// The same coincidences with every value merged into one (coded).
    fn binary(&self) -> Coincidences {
        let n = self.ell.len();
        let mut ell = vec![vec![0.0; 2]; 2];
        for c in 0..n {
            for k in 0..n {
                ell[(c > 0) as usize][(k > 0) as usize] += self.ell[c][k];
            }
        }
        let coded: f64 = self.self_pairs[1..].iter().sum();
        Coincidences {
            ell,
            self_pairs: vec![self.self_pairs[0], coded],
            pairable_self_pairs: vec![0.0, 0.0],
        }
    }

    /// cuα, and (k)uα and coverage for each value, on the coincidences of
    /// coded segments only (gaps left out); expected coincidences subtract
    /// each segment's pairs with itself over its pairable length.
    fn coded_only(&self) -> (Estimate, Vec<Estimate>, Vec<Estimate>) {
        let n = self.ell.len();
        let v = n - 1;
        let star = |c: usize, k: usize| self.ell[c + 1][k + 1];
        let row: Vec<f64> = (0..v).map(|c| (0..v).map(|k| star(c, k)).sum()).collect();
        let col: Vec<f64> = (0..v).map(|k| (0..v).map(|c| star(c, k)).sum()).collect();
        let total: f64 = row.iter().sum();
        let full_col: Vec<f64> = (0..v)
            .map(|k| (0..n).map(|c| self.ell[c][k + 1]).sum())
            .collect();
        let coverage: Vec<Estimate> = (0..v)
            .map(|k| Estimate::ratio(col[k], full_col[k], "no coder applied this code"))
            .collect();
        let nothing = "no coded segments of different coders overlap";
        if total <= 0.0 {
            return (
                Estimate::undefined(nothing),
                vec![Estimate::undefined(nothing); v],
                coverage,
            );
        }
        let correction: f64 = self.pairable_self_pairs[1..].iter().sum();
        let denominator = total - correction / total;
        if denominator <= 0.0 {
            return (
                Estimate::undefined(NO_VARIATION),
                vec![Estimate::undefined(NO_VARIATION); v],
                coverage,
            );
        }
        let expected = |c: usize, k: usize| {
            let mut num = row[c] * col[k];
            if c == k {
                num -= self.pairable_self_pairs[c + 1];
            }
            num / denominator
        };
        let observed_agree: f64 = (0..v).map(|c| star(c, c)).sum();
        let expected_agree: f64 = (0..v).map(|c| expected(c, c)).sum();
        let expected_total: f64 = (0..v)
            .flat_map(|c| (0..v).map(move |k| (c, k)))
            .map(|(c, k)| expected(c, k))
            .sum();
        let cu_alpha = one_minus(
            total - observed_agree,
            expected_total - expected_agree,
            NO_VARIATION,
        );
        let k_u_alpha = (0..v)
            .map(|k| {
                if col[k] <= 0.0 {
                    return Estimate::undefined(
                        "this code never overlaps another coder's coded segment",
                    );
                }
                let expected_col: f64 = (0..v).map(|c| expected(c, k)).sum();
                let observed = col[k] - star(k, k);
                let expected_dis = expected_col - expected(k, k);
                Estimate::ratio(observed, expected_dis, NO_VARIATION)
                    .map(|r| Estimate::Value(1.0 - expected_col / col[k] * r))
            })
            .collect();
        (cu_alpha, k_u_alpha, coverage)
    }
}

/// Where one coder applied two codes of one domain to the same characters,
/// which makes the domain's values undefined.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub coder: usize,
    pub transcript: usize,
    pub codes: (usize, usize),
    /// The shared characters, in the transcript.
    pub start: usize,
    pub end: usize,
}

/// A domain's results: the parent code, its values (codable children) and
/// the family, or the conflict that leaves it undefined.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainAlpha {
    /// The parent code; `None` for the overall Cu-α, whose values are the domains.
    pub domain: Option<usize>,
    /// Code indices of the values (for the overall row: the parent codes).
    pub values: Vec<usize>,
    pub family: Family,
    pub conflict: Option<Conflict>,
}

/// Everything the alpha family reports for a study.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaReport {
    /// |uα per code (code vs not coded), in code order.
    pub binary_u_alpha: Vec<Estimate>,
    pub domains: Vec<DomainAlpha>,
    /// Cu-α with the domains as values.
    pub cu_alpha_domains: DomainAlpha,
}

pub fn alpha_report(input: &Input) -> AlphaReport {
    let offsets: Vec<u64> = input
        .transcripts
        .iter()
        .scan(0u64, |acc, t| {
            let start = *acc;
            *acc += t.length as u64;
            Some(start)
        })
        .collect();
    let length: u64 = input.transcripts.iter().map(|t| t.length as u64).sum();
    let binary_u_alpha = (0..input.codes.len())
        .map(|code| {
            let valued = |c: usize| (c == code).then_some(0);
            match segmentations(input, &offsets, valued) {
                Ok(s) => family(&s, length, 1).u_alpha,
                Err(_) => Estimate::undefined("unreachable: one code cannot conflict with itself"),
            }
        })
        .collect();
    let mut domains = Vec::new();
    for (p, parent) in input.codes.iter().enumerate() {
        let values: Vec<usize> = input
            .codes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.codable && c.parent.as_deref() == Some(parent.id.as_str()))
            .map(|(i, _)| i)
            .collect();
        if values.is_empty() {
            continue;
        }
        let valued = |c: usize| values.iter().position(|&v| v == c);
        domains.push(domain_alpha(
            input,
            &offsets,
            length,
            Some(p),
            values.clone(),
            valued,
        ));
    }
    // Overall: each excerpt valued by its code's parent (top-level codes
    // belong to no domain and are left out).
    let parents: Vec<usize> = domains.iter().filter_map(|d| d.domain).collect();
    let parent_of: Vec<Option<usize>> = input
        .codes
        .iter()
        .map(|c| {
            c.parent
                .as_deref()
                .and_then(|p| parents.iter().position(|&q| input.codes[q].id == p))
        })
        .collect();
    let cu_alpha_domains = domain_alpha(input, &offsets, length, None, parents.clone(), |c| {
        parent_of[c]
    });
    AlphaReport {
        binary_u_alpha,
        domains,
        cu_alpha_domains,
    }
}

fn domain_alpha(
    input: &Input,
    offsets: &[u64],
    length: u64,
    domain: Option<usize>,
    values: Vec<usize>,
    valued: impl Fn(usize) -> Option<usize>,
) -> DomainAlpha {
    match segmentations(input, offsets, valued) {
        Ok(s) => DomainAlpha {
            domain,
            family: family(&s, length, values.len()),
            values,
            conflict: None,
        },
        Err(conflict) => {
            let why = format!(
                "{} applied {} and {} to the same characters ({}:{}-{}), so the domain's codes are not mutually exclusive there",
                input.coders[conflict.coder],
                input.codes[conflict.codes.0].id,
                input.codes[conflict.codes.1].id,
                input.transcripts[conflict.transcript].id,
                conflict.start,
                conflict.end
            );
            let u = Estimate::undefined(why);
            DomainAlpha {
                domain,
                family: Family {
                    u_alpha: u.clone(),
                    binary_u_alpha: u.clone(),
                    cu_alpha: u.clone(),
                    k_u_alpha: vec![u.clone(); values.len()],
                    coverage: vec![u; values.len()],
                },
                values,
                conflict: Some(conflict),
            }
        }
    }
}

/// An excerpt as (transcript, value, start, end, code): sorting groups it
/// by transcript and value for merging.
type Valued = (usize, usize, usize, usize, usize);

/// Each coder's segmentation of the continuum for the codes that `valued`
/// maps to a value: excerpts with the same value merged where they overlap
/// or touch (within a transcript), then placed at their transcript's offset.
/// Two values on the same characters of one coder is a [`Conflict`].
fn segmentations(
    input: &Input,
    offsets: &[u64],
    valued: impl Fn(usize) -> Option<usize>,
) -> Result<Vec<Vec<Segment>>, Conflict> {
    let m = input.coders.len();
    let mut raw: Vec<Vec<Valued>> = vec![Vec::new(); m];
    for e in &input.excerpts {
        if let Some(v) = valued(e.code) {
            raw[e.coder].push((e.transcript, v, e.start, e.end, e.code));
        }
    }
    let mut out = Vec::with_capacity(m);
    for (coder, mut list) in raw.into_iter().enumerate() {
        list.sort_unstable();
        // Merge per (transcript, value); keep a code for messages.
        // (transcript, start, end, value, code), sorted by position.
        let mut merged: Vec<(usize, usize, usize, usize, usize)> = Vec::with_capacity(list.len());
        let mut i = 0;
        while i < list.len() {
            let (t, v) = (list[i].0, list[i].1);
            let mut j = i;
            while j < list.len() && list[j].0 == t && list[j].1 == v {
                j += 1;
            }
            let spans: Vec<(usize, usize)> = list[i..j].iter().map(|x| (x.2, x.3)).collect();
            for (s, e) in merge(&spans) {
                let code = list[i..j]
                    .iter()
                    .find(|x| x.2 >= s && x.2 < e)
                    .map_or(list[i].4, |x| x.4);
                merged.push((t, s, e, v, code));
            }
            i = j;
        }
        merged.sort_unstable();
        let mut segs = Vec::with_capacity(merged.len());
        for w in 0..merged.len() {
            let (t, s, e, v, _) = merged[w];
            if w > 0 {
                let (pt, _, pe, _, pc) = merged[w - 1];
                if pt == t && s < pe {
                    return Err(Conflict {
                        coder,
                        transcript: t,
                        codes: (pc, merged[w].4),
                        start: s,
                        end: e.min(pe),
                    });
                }
            }
            segs.push(Segment {
                start: offsets[t] + s as u64,
                end: offsets[t] + e as u64,
                value: v,
            });
        }
        out.push(segs);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(start: u64, end: u64, value: usize) -> Segment {
        Segment { start, end, value }
    }

    /// The published-style case, L = 60.
    #[test]
    fn published_case() {
        let a = vec![seg(0, 10, 0), seg(15, 30, 1), seg(40, 50, 0)];
        let b = vec![
            seg(0, 12, 0),
            seg(15, 28, 1),
            seg(41, 50, 0),
            seg(55, 60, 1),
        ];
        let f = family(&[a, b], 60, 2);
        let close = |e: &Estimate, x: f64| (e.value().unwrap() - x).abs() < 1e-12;
        assert!(close(&f.u_alpha, 0.763331231168103), "{:?}", f.u_alpha);
        assert!(
            close(&f.binary_u_alpha, 0.669261652957305),
            "{:?}",
            f.binary_u_alpha
        );
        assert!(close(&f.cu_alpha, 1.0), "{:?}", f.cu_alpha);
    }

    #[test]
    fn identical_coding_is_perfect_and_nothing_is_undefined() {
        let a = vec![seg(0, 10, 0), seg(20, 30, 1)];
        let f = family(&[a.clone(), a], 40, 2);
        assert_eq!(f.u_alpha.value(), Some(1.0));
        let f = family(&[vec![], vec![]], 40, 1);
        assert!(f.u_alpha.value().is_none());
    }
}

#[cfg(test)]
mod naive {
    //! The definitions computed the slow, obvious way (every pair of
    //! segments, gaps written out, pairable length per character), to check
    //! the sweep against.
    use super::*;
    use proptest::prelude::*;

    fn partition(segs: &[Segment], length: u64) -> Vec<(u64, u64, usize)> {
        let mut out = Vec::new();
        let mut pos = 0;
        for s in segs {
            if s.start > pos {
                out.push((pos, s.start, 0));
            }
            out.push((s.start, s.end, s.value + 1));
            pos = s.end;
        }
        if pos < length {
            out.push((pos, length, 0));
        }
        out
    }

    fn naive(coders: &[Vec<Segment>], length: u64, values: usize) -> Coincidences {
        let n = values + 1;
        let m = coders.len();
        let parts: Vec<_> = coders.iter().map(|s| partition(s, length)).collect();
        let mut ell = vec![vec![0.0; n]; n];
        for i in 0..m {
            for j in 0..m {
                if i == j {
                    continue;
                }
                for g in &parts[i] {
                    for h in &parts[j] {
                        let o = g.1.min(h.1).saturating_sub(g.0.max(h.0));
                        ell[g.2][h.2] += o as f64 / (m - 1) as f64;
                    }
                }
            }
        }
        let mut self_pairs = vec![0.0; n];
        let mut pairable_self_pairs = vec![0.0; n];
        for (i, p) in parts.iter().enumerate() {
            for g in p {
                let l = (g.1 - g.0) as f64;
                self_pairs[g.2] += if g.2 == 0 { l } else { l * l };
                if g.2 != 0 {
                    let pairable = (g.0..g.1)
                        .filter(|&x| {
                            (0..m).any(|j| {
                                j != i && coders[j].iter().any(|s| s.start <= x && x < s.end)
                            })
                        })
                        .count() as f64;
                    pairable_self_pairs[g.2] += pairable * pairable;
                }
            }
        }
        Coincidences {
            ell,
            self_pairs,
            pairable_self_pairs,
        }
    }

    fn segmentation(length: u64, values: usize) -> impl Strategy<Value = Vec<Segment>> {
        prop::collection::vec((0..length, 1..15u64, 0..values), 0..6).prop_map(move |v| {
            let mut segs: Vec<Segment> = Vec::new();
            let mut sorted: Vec<_> = v
                .into_iter()
                .map(|(s, l, val)| (s, (s + l).min(length), val))
                .collect();
            sorted.sort_unstable();
            for (s, e, val) in sorted {
                // Keep them disjoint: drop what overlaps the previous one.
                if segs.last().is_none_or(|p| s >= p.end) && s < e {
                    segs.push(Segment {
                        start: s,
                        end: e,
                        value: val,
                    });
                }
            }
            segs
        })
    }

    proptest! {
        #[test]
        fn sweep_matches_pairwise_definition(
            a in segmentation(50, 3), b in segmentation(50, 3), c in segmentation(50, 3)
        ) {
            for coders in [vec![a.clone(), b.clone()], vec![a, b, c]] {
                let fast = Coincidences::sweep(&coders, 50, 3);
                let slow = naive(&coders, 50, 3);
                for x in 0..4 {
                    prop_assert!((fast.self_pairs[x] - slow.self_pairs[x]).abs() < 1e-9);
                    prop_assert!((fast.pairable_self_pairs[x] - slow.pairable_self_pairs[x]).abs() < 1e-9,
                        "pairable {:?} {:?}", fast.pairable_self_pairs, slow.pairable_self_pairs);
                    for y in 0..4 {
                        prop_assert!((fast.ell[x][y] - slow.ell[x][y]).abs() < 1e-9);
                    }
                }
            }
        }
    }
}
