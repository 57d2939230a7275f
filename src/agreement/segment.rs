//! Segment-level agreement, as MAXQDA: an excerpt agrees when the other
//! coder has an excerpt with the same code that overlaps it by at least
//! `segment_overlap` of their union. MAXQDA compares two coders; with
//! three or more, every pair of coders is matched on its own and the
//! team's figures are the mean over the pairs of the pairs' figures (the
//! pair table's), as Light (1971) averages pairwise kappas and ReCal
//! reports "average pairwise percent agreement": every coder takes part,
//! each pair counts once.

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
    /// Each pair of coders' counts, pairs as [`coder_pairs`] lists them:
    /// with two coders the one pair (A, B).
    pub pairs: Vec<SegmentCounts>,
    /// Two coders: agreements / (agreements + a_only + b_only). Three or
    /// more: the mean of that over the pairs that have an excerpt here.
    pub percent_agreement: Estimate,
    /// Brennan and Prediger: (p - 1/k) / (1 - 1/k), k the number of codes
    /// either coder used anywhere in the study; three or more coders: the
    /// mean over the pairs, each with its own p and k. Undefined when a
    /// coder has no excerpt of the code in the row's scope.
    pub kappa_bp: Estimate,
}

impl SegmentRow {
    /// The counts of a two-coder study (none with one coder or three and more).
    pub fn two_coder_counts(&self) -> Option<&SegmentCounts> {
        match self.pairs.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }
}

/// The pairs of coders (i < j), in study order: (0,1), (0,2), (1,2), ...
/// The same order as [`crate::agreement::pairs::pairs`].
pub fn coder_pairs(coders: usize) -> Vec<(usize, usize)> {
    (0..coders)
        .flat_map(|a| (a + 1..coders).map(move |b| (a, b)))
        .collect()
}

/// Rows for each codable code (per transcript, then pooled) and the
/// overall row.
pub fn segment_rows(input: &Input) -> Vec<SegmentRow> {
    let pairs = coder_pairs(input.coders.len());
    let k = codes_in_use(input);
    let mut rows = Vec::new();
    let mut overall = vec![SegmentCounts::default(); pairs.len()];
    for code in input.codable_codes() {
        let excerpts = input.of_code(code);
        let mut pooled = vec![SegmentCounts::default(); pairs.len()];
        for t in 0..input.transcripts.len() {
            let by_coder = input.spans_by_coder(excerpts, t);
            let counts: Vec<SegmentCounts> = pairs
                .iter()
                .map(|&(a, b)| match_excerpts(&by_coder[a], &by_coder[b], input.segment_overlap))
                .collect();
            for (p, c) in pooled.iter_mut().zip(&counts) {
                p.add(c);
            }
            rows.push(row(Some(code), Some(t), counts, &k, &input.coders));
        }
        for (o, p) in overall.iter_mut().zip(&pooled) {
            o.add(p);
        }
        rows.push(row(Some(code), None, pooled, &k, &input.coders));
    }
    rows.push(row(None, None, overall, &k, &input.coders));
    rows
}

/// For each pair of coders ([`coder_pairs`]), the number of distinct codes
/// its two coders applied anywhere: Brennan and Prediger's k of that pair.
pub fn codes_in_use(input: &Input) -> Vec<usize> {
    let mut used = vec![BTreeSet::new(); input.coders.len()];
    for e in &input.excerpts {
        if let Some(set) = used.get_mut(e.coder) {
            set.insert(e.code);
        }
    }
    coder_pairs(input.coders.len())
        .into_iter()
        .map(|(a, b)| used[a].union(&used[b]).count())
        .collect()
}

fn scope_words(code: Option<usize>, transcript: Option<usize>) -> &'static str {
    match (code, transcript) {
        (Some(_), Some(_)) => "this code in this transcript",
        (Some(_), None) => "this code in any transcript",
        (None, _) => "any code",
    }
}

/// One row from each pair's counts (`pairs` and `k` as [`coder_pairs`]
/// lists the pairs of `names`).
pub fn row(
    code: Option<usize>,
    transcript: Option<usize>,
    pairs: Vec<SegmentCounts>,
    k: &[usize],
    names: &[String],
) -> SegmentRow {
    let (percent_agreement, kappa_bp) = if names.len() < 2 {
        let none = || Estimate::undefined("needs at least two coders");
        (none(), none())
    } else if let [one] = pairs.as_slice() {
        pair_figures(code, transcript, one, k[0], names)
    } else {
        team_figures(code, transcript, &pairs, k, names)
    };
    SegmentRow {
        code,
        transcript,
        pairs,
        percent_agreement,
        kappa_bp,
    }
}

/// Percent agreement and Brennan and Prediger's kappa of one pair of
/// coders, `names` being the pair's (A, B).
fn pair_figures(
    code: Option<usize>,
    transcript: Option<usize>,
    counts: &SegmentCounts,
    k: usize,
    names: &[String],
) -> (Estimate, Estimate) {
    let total = counts.agreements + counts.a_only + counts.b_only;
    let percent_agreement = Estimate::ratio(
        counts.agreements as f64,
        total as f64,
        "neither coder has an excerpt here",
    );
    let silent = silent_coder(
        &[
            counts.agreements + counts.a_only,
            counts.agreements + counts.b_only,
        ],
        names,
        scope_words(code, transcript),
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
    (percent_agreement, kappa_bp)
}

/// Three or more coders: the mean over the pairs of each pair's figures.
/// Percent agreement is descriptive: a pair in which neither coder has an
/// excerpt here has nothing to agree on and drops out. The kappa is
/// undefined when a coder has no excerpt here (every pair with that coder
/// would be) or when any pair's kappa is, so that the mean is always over
/// every pair, as the pair table shows them.
fn team_figures(
    code: Option<usize>,
    transcript: Option<usize>,
    pairs: &[SegmentCounts],
    k: &[usize],
    names: &[String],
) -> (Estimate, Estimate) {
    let list = coder_pairs(names.len());
    let mut percents = Vec::new();
    let mut kappas = Vec::new();
    let mut undefined_kappa = None;
    // Each coder's excerpts here, read off the first pair the coder is in.
    let mut excerpts = vec![None; names.len()];
    for (((a, b), counts), &k) in list.iter().zip(pairs).zip(k) {
        excerpts[*a].get_or_insert(counts.agreements + counts.a_only);
        excerpts[*b].get_or_insert(counts.agreements + counts.b_only);
        let pair_names = [names[*a].clone(), names[*b].clone()];
        let (percent, kappa) = pair_figures(code, transcript, counts, k, &pair_names);
        percents.extend(percent.value());
        match kappa.value() {
            Some(v) => kappas.push(v),
            None => {
                undefined_kappa.get_or_insert_with(|| {
                    format!(
                        "the pair {}+{}'s is undefined ({})",
                        names[*a],
                        names[*b],
                        kappa.reason().unwrap_or("no reason given")
                    )
                });
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let percent_agreement = if percents.is_empty() {
        Estimate::undefined("no coder has an excerpt here")
    } else {
        Estimate::Value(mean(&percents))
    };
    let excerpts: Vec<u64> = excerpts
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect();
    let kappa_bp = if percents.is_empty() {
        percent_agreement.clone()
    } else if let Some(silent) = silent_coder(&excerpts, names, scope_words(code, transcript)) {
        silent
    } else if let Some(reason) = undefined_kappa {
        Estimate::undefined(reason)
    } else {
        Estimate::Value(mean(&kappas))
    };
    (percent_agreement, kappa_bp)
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
        let r = row(Some(0), Some(0), vec![counts], &[3], &names);
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
            row(None, None, vec![counts], &[3], &names).kappa_bp.value(),
            Some(1.0)
        );
    }

    /// Three coders: a and b code the same two excerpts, c codes one of
    /// them and a passage of its own. The team's figures are the mean over
    /// the three pairs, so c's disagreement shows in them (with only the
    /// first two coders they were 100% and κ 1), and they equal the mean of
    /// the pair table's figures.
    #[test]
    fn three_coders_the_team_is_the_mean_over_the_pairs() {
        use crate::agreement::input::{CodeInfo, Excerpt, TranscriptInfo};
        use crate::agreement::pairs::pairs;
        use crate::agreement::report::{Measures, report};
        let e = |coder, code, start, end| Excerpt {
            code,
            transcript: 0,
            coder,
            start,
            end,
        };
        let input = Input {
            coders: vec!["a".into(), "b".into(), "c".into()],
            codes: vec![CodeInfo::top("x"), CodeInfo::top("y")],
            transcripts: vec![TranscriptInfo {
                id: "t".into(),
                length: 200,
                turns: vec![],
            }],
            excerpts: vec![
                e(0, 0, 0, 10),
                e(1, 0, 0, 10),
                e(2, 0, 0, 10),
                e(0, 0, 50, 60),
                e(1, 0, 50, 60),
                e(2, 0, 100, 120),
                e(0, 1, 150, 160),
                e(1, 1, 150, 160),
                e(2, 1, 150, 160),
            ],
            segment_overlap: 0.9,
        }
        .sorted();
        let rows = segment_rows(&input);
        let overall = rows.last().unwrap();
        // Pairs: a+b 3 of 3 matched; a+c and b+c 2 matched of 4 excerpts
        // (2 + 1 + 1). k = 2 for every pair.
        let p = (1.0 + 0.5 + 0.5) / 3.0;
        let kappa = (1.0 + 0.0 + 0.0) / 3.0;
        assert!((overall.percent_agreement.value().unwrap() - p).abs() < 1e-12);
        assert!((overall.kappa_bp.value().unwrap() - kappa).abs() < 1e-12);
        // The same as the mean of the pair table's overall rows.
        let table = pairs(&input, Measures::ALL);
        assert_eq!(table.len(), 3);
        let mean = |f: &dyn Fn(&crate::agreement::report::SegmentGroup) -> f64| {
            table
                .iter()
                .map(|pair| f(pair.rows.last().unwrap().segment.as_ref().unwrap()))
                .sum::<f64>()
                / 3.0
        };
        let team = report(&input, Measures::ALL);
        let team = team.rows.last().unwrap().segment.clone().unwrap();
        assert!(
            (team.percent_agreement.value().unwrap()
                - mean(&|s| s.percent_agreement.value().unwrap()))
            .abs()
                < 1e-12
        );
        assert!(
            (team.kappa_bp.value().unwrap() - mean(&|s| s.kappa_bp.value().unwrap())).abs() < 1e-12
        );
        // Counts belong to a pair: the team's row has none.
        assert_eq!(team.agreements, None);
    }

    /// Three coders, c never applies x: the team's κ is undefined and
    /// names c, as every pair with c would be.
    #[test]
    fn three_coders_a_silent_third_coder_leaves_the_team_kappa_undefined() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let pairs = vec![
            match_excerpts(&[(0, 10)], &[(0, 10)], 0.9),
            match_excerpts(&[(0, 10)], &[], 0.9),
            match_excerpts(&[(0, 10)], &[], 0.9),
        ];
        let r = row(Some(0), None, pairs, &[2, 2, 2], &names);
        assert!((r.percent_agreement.value().unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.kappa_bp.value(), None);
        assert!(r.kappa_bp.reason().unwrap().starts_with("c did not apply"));
    }
}
