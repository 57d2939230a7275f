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

use crate::agreement::character::silent_coder;
use crate::agreement::estimate::{Estimate, one_minus};
use crate::agreement::input::{Excerpt, Input};

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
    /// segments of other coders (rather than with gaps): how much of k's
    /// coding its (k)uα speaks for.
    pub coverage: Vec<Estimate>,
}

const NO_VARIATION: &str = "no variation: no disagreement is expected on these data";

impl Family {
    fn undefined(why: &str, values: usize) -> Family {
        Family {
            u_alpha: Estimate::undefined(why),
            binary_u_alpha: Estimate::undefined(why),
            cu_alpha: Estimate::undefined(why),
            k_u_alpha: vec![Estimate::undefined(why); values],
            coverage: vec![Estimate::undefined(why); values],
        }
    }
}

/// The whole family on a continuum of `length` characters with `values`
/// values, for each coder's valued segments (sorted by start, not
/// overlapping: each coder's marks partition the continuum with the gaps).
pub fn family(coders: &[Vec<Segment>], length: u64, values: usize) -> Family {
    if coders.len() < 2 {
        return Family::undefined("needs at least two coders", values);
    }
    if length == 0 {
        return Family::undefined("the continuum is empty", values);
    }
    let c = Coincidences::sweep(coders, length, values);
    let coded = CodedCoincidences::sweep(coders, values);
    let (cu_alpha, k_u_alpha) = coded.alphas();
    let coverage = (0..values)
        .map(|k| {
            let all: f64 = c.ell[k + 1].iter().sum();
            Estimate::ratio(coded.row(k), all, "no coder applied this code")
        })
        .collect();
    Family {
        u_alpha: c.u_alpha(),
        binary_u_alpha: c.binary_u_alpha(),
        cu_alpha,
        k_u_alpha,
        coverage,
    }
}

/// Coincidences of partitions (gaps included): value 0 is the gap, value
/// v + 1 the segments valued v.
struct Coincidences {
    /// Observed coincidences l_ck, (values + 1) squared.
    ell: Vec<Vec<f64>>,
    /// S_c: Σ l² of each value's segments (gaps: Σ l, their characters
    /// pair freely).
    self_pairs: Vec<f64>,
}

impl Coincidences {
    /// l_ck = 1/(m-1) Σ_i Σ_{j≠i} Σ_g Σ_h |g ∩ h|, by one sweep over the
    /// elementary intervals between all coders' boundaries: on each, with
    /// n_c coders holding value c, the ordered coder pairs (c, k) number
    /// n_c n_k, or n_c (n_c - 1) when c = k.
    fn sweep(coders: &[Vec<Segment>], length: u64, values: usize) -> Coincidences {
        let m = coders.len();
        let n = values + 1;
        let mut ell = vec![vec![0.0f64; n]; n];
        let mut self_pairs = vec![0.0f64; n];
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
            self_pairs[0] += length.saturating_sub(coded) as f64;
        }
        bounds.sort_unstable();
        bounds.dedup();
        let mut next = vec![0usize; m]; // each coder's first segment not yet ended
        let mut counts = vec![0u64; n];
        let mut present: Vec<usize> = Vec::with_capacity(m); // distinct values here
        let w = 1.0 / (m - 1) as f64;
        for win in bounds.windows(2) {
            let (p, q) = (win[0], win[1]);
            for (i, segs) in coders.iter().enumerate() {
                while next[i] < segs.len() && segs[next[i]].end <= p {
                    next[i] += 1;
                }
                let value = match segs.get(next[i]) {
                    Some(s) if s.start <= p => s.value + 1,
                    _ => 0,
                };
                counts[value] += 1;
                if counts[value] == 1 {
                    present.push(value);
                }
            }
            let len = (q - p) as f64;
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
            for &c in &present {
                counts[c] = 0;
            }
            present.clear();
        }
        Coincidences { ell, self_pairs }
    }

    /// e_ck = l.. (l_c. l_.k - [c = k] S_c) / (l..² - S).
    fn expected(&self) -> Option<Vec<Vec<f64>>> {
        let n = self.ell.len();
        let row: Vec<f64> = self.ell.iter().map(|r| r.iter().sum()).collect();
        let total: f64 = row.iter().sum();
        let denominator = total * total - self.self_pairs.iter().sum::<f64>();
        if denominator <= 0.0 {
            return None;
        }
        Some(
            (0..n)
                .map(|c| {
                    (0..n)
                        .map(|k| {
                            let same = if c == k { self.self_pairs[c] } else { 0.0 };
                            total * (row[c] * row[k] - same) / denominator
                        })
                        .collect()
                })
                .collect(),
        )
    }

    /// uα = 1 - (l.. - Σ_c l_cc) / (l.. - Σ_c e_cc).
    fn u_alpha(&self) -> Estimate {
        let Some(e) = self.expected() else {
            return Estimate::undefined(NO_VARIATION);
        };
        let total: f64 = self.ell.iter().flatten().sum();
        let n = self.ell.len();
        let observed_agree: f64 = (0..n).map(|c| self.ell[c][c]).sum();
        let expected_agree: f64 = (0..n).map(|c| e[c][c]).sum();
        one_minus(total - observed_agree, total - expected_agree, NO_VARIATION)
    }

    /// |uα = 1 - Σ_{k≠∅} l_∅k / Σ_{k≠∅} e_∅k: gap versus any value.
    fn binary_u_alpha(&self) -> Estimate {
        let Some(e) = self.expected() else {
            return Estimate::undefined(NO_VARIATION);
        };
        let observed: f64 = self.ell[0][1..].iter().sum();
        let expected: f64 = e[0][1..].iter().sum();
        one_minus(
            observed,
            expected,
            "no variation: nothing coded, or nothing left uncoded",
        )
    }
}

/// Coincidences of coded segments only (gaps left out), for cuα and (k)uα.
/// One coder's segments may overlap here (a passage coded in two domains):
/// every pair of intersecting segments of different coders counts.
struct CodedCoincidences {
    /// l*_ck over values (no gap).
    ell: Vec<Vec<f64>>,
    /// T_c = 1/(m-1) Σ_i Σ_{j≠i} Σ_g (|g ∩ coder j's segments|)²: each
    /// segment's pairs with itself over the stretch another coder coded.
    self_pairs: Vec<f64>,
}

impl CodedCoincidences {
    fn sweep(coders: &[Vec<Segment>], values: usize) -> CodedCoincidences {
        let m = coders.len();
        let w = 1.0 / (m - 1) as f64;
        let mut ell = vec![vec![0.0f64; values]; values];
        let mut self_pairs = vec![0.0f64; values];
        let mut bounds: Vec<u64> = coders
            .iter()
            .flatten()
            .flat_map(|s| [s.start, s.end])
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        // Per coder: segments started so far, the active ones, and for each
        // active one the length it shares with each other coder's segments.
        let mut next = vec![0usize; m];
        let mut active: Vec<Vec<(Segment, Vec<u64>)>> = vec![Vec::new(); m];
        let mut per_value = vec![0u64; values]; // A_c: all coders
        let mut own = vec![vec![0u64; values]; m]; // a_ic
        for win in bounds.windows(2) {
            let (p, q) = (win[0], win[1]);
            for i in 0..m {
                // Retire segments that ended, adding their T terms.
                let mut x = 0;
                while x < active[i].len() {
                    if active[i][x].0.end <= p {
                        let (s, shared) = active[i].swap_remove(x);
                        let sq: f64 = shared.iter().map(|&l| (l as f64) * (l as f64)).sum();
                        self_pairs[s.value] += sq * w;
                    } else {
                        x += 1;
                    }
                }
                while next[i] < coders[i].len() && coders[i][next[i]].start <= p {
                    let s = coders[i][next[i]];
                    if s.end > p {
                        active[i].push((s, vec![0; m]));
                    }
                    next[i] += 1;
                }
            }
            let len = q - p;
            let mut any = false;
            for i in 0..m {
                for (s, _) in &active[i] {
                    per_value[s.value] += 1;
                    own[i][s.value] += 1;
                    any = true;
                }
            }
            if !any {
                continue;
            }
            // Σ_{i≠j} a_ic a_jk = A_c A_k - Σ_i a_ic a_ik
            let lf = len as f64 * w;
            for c in 0..values {
                if per_value[c] == 0 {
                    continue;
                }
                for k in 0..values {
                    if per_value[k] == 0 {
                        continue;
                    }
                    let same_coder: u64 = own.iter().map(|a| a[c] * a[k]).sum();
                    let pairs = per_value[c] * per_value[k] - same_coder;
                    if pairs > 0 {
                        ell[c][k] += lf * pairs as f64;
                    }
                }
            }
            let held: Vec<u64> = active.iter().map(|a| a.len() as u64).collect();
            for (i, list) in active.iter_mut().enumerate() {
                for (_, shared) in list.iter_mut() {
                    for (j, h) in held.iter().enumerate() {
                        if j != i {
                            shared[j] += len * h;
                        }
                    }
                }
            }
            per_value.iter_mut().for_each(|x| *x = 0);
            own.iter_mut().flatten().for_each(|x| *x = 0);
        }
        for list in active {
            for (s, shared) in list {
                let sq: f64 = shared.iter().map(|&l| (l as f64) * (l as f64)).sum();
                self_pairs[s.value] += sq * w;
            }
        }
        CodedCoincidences { ell, self_pairs }
    }

    fn row(&self, c: usize) -> f64 {
        self.ell[c].iter().sum()
    }

    /// cuα = 1 - (l*.. - Σ l*_cc) / (l*.. - Σ e*_cc), with
    /// e*_ck = l*.. (l*_c. l*_.k - [c = k] T_c) / (l*..² - T); and for each
    /// value k, (k)uα = 1 - (e*_k. / l*_k.) (l*_k. - l*_kk) / (e*_k. - e*_kk).
    fn alphas(&self) -> (Estimate, Vec<Estimate>) {
        let v = self.ell.len();
        let row: Vec<f64> = (0..v).map(|c| self.row(c)).collect();
        let total: f64 = row.iter().sum();
        let nothing = "no coded segments of different coders overlap";
        if total <= 0.0 {
            return (
                Estimate::undefined(nothing),
                vec![Estimate::undefined(nothing); v],
            );
        }
        let denominator = total * total - self.self_pairs.iter().sum::<f64>();
        if denominator <= 0.0 {
            return (
                Estimate::undefined(NO_VARIATION),
                vec![Estimate::undefined(NO_VARIATION); v],
            );
        }
        let expected = |c: usize, k: usize| {
            let same = if c == k { self.self_pairs[c] } else { 0.0 };
            total * (row[c] * row[k] - same) / denominator
        };
        let observed_agree: f64 = (0..v).map(|c| self.ell[c][c]).sum();
        let expected_agree: f64 = (0..v).map(|c| expected(c, c)).sum();
        let cu_alpha = one_minus(
            total - observed_agree,
            total - expected_agree,
            "no variation: one code only where coders' excerpts overlap",
        );
        let k_u_alpha = (0..v)
            .map(|k| {
                if row[k] <= 0.0 {
                    return Estimate::undefined(
                        "this code never overlaps another coder's coded segment",
                    );
                }
                let expected_row: f64 = (0..v).map(|c| expected(k, c)).sum();
                let observed = row[k] - self.ell[k][k];
                Estimate::ratio(
                    observed,
                    expected_row - expected(k, k),
                    "no variation: the only code where coders' excerpts overlap",
                )
                .map(|r| Estimate::Value(1.0 - expected_row / row[k] * r))
            })
            .collect();
        (cu_alpha, k_u_alpha)
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
    /// The parent code.
    pub domain: usize,
    /// Code indices of the values, the parent's codable children.
    pub values: Vec<usize>,
    pub family: Family,
    pub conflict: Option<Conflict>,
}

/// Everything the alpha family reports for a study.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaReport {
    /// |uα per codable code (code vs not coded), in code order.
    pub binary_u_alpha: Vec<(usize, Estimate)>,
    pub domains: Vec<DomainAlpha>,
    /// Cu-α with the domains as values: each excerpt valued by its code's
    /// parent. One passage may be coded in two domains; every pair of
    /// intersecting excerpts of different coders counts.
    pub cu_alpha_domains: Estimate,
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
    let binary_u_alpha = input
        .codable_codes()
        .into_iter()
        .map(|code| {
            let segs = segmentations(input, input.of_code(code), &offsets, |_| Some(0), false);
            let alpha = match segs {
                Ok(s) if s.len() >= 2 && length > 0 => {
                    silent_in(&s, None, &input.coders, "this code anywhere")
                        .unwrap_or_else(|| Coincidences::sweep(&s, length, 1).u_alpha())
                }
                Ok(_) => Estimate::undefined("needs two coders and a non-empty continuum"),
                Err(_) => Estimate::undefined("unreachable: a code cannot conflict with itself"),
            };
            (code, alpha)
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
        let excerpts: Vec<Excerpt> = values
            .iter()
            .flat_map(|&v| input.of_code(v))
            .copied()
            .collect();
        let valued = |c: usize| values.iter().position(|&v| v == c);
        let (family, conflict) = match segmentations(input, &excerpts, &offsets, valued, false) {
            Ok(s) => (domain_family(input, &s, length, p, &values), None),
            Err(conflict) => (
                Family::undefined(&conflict.describe(input), values.len()),
                Some(conflict),
            ),
        };
        domains.push(DomainAlpha {
            domain: p,
            values,
            family,
            conflict,
        });
    }
    // Overall: each excerpt valued by its code's parent (top-level codes
    // belong to no domain and are left out).
    let parents: Vec<usize> = domains.iter().map(|d| d.domain).collect();
    let parent_of: Vec<Option<usize>> = input
        .codes
        .iter()
        .map(|c| {
            c.parent
                .as_deref()
                .and_then(|p| parents.iter().position(|&q| input.codes[q].id == p))
        })
        .collect();
    let cu_alpha_domains =
        match segmentations(input, &input.excerpts, &offsets, |c| parent_of[c], true) {
            Ok(s) if s.len() >= 2 => silent_in(&s, None, &input.coders, "any code of a domain")
                .unwrap_or_else(|| CodedCoincidences::sweep(&s, parents.len()).alphas().0),
            _ => Estimate::undefined("needs at least two coders"),
        };
    AlphaReport {
        binary_u_alpha,
        domains,
        cu_alpha_domains,
    }
}

/// Issue 3's rule on the continuum: undefined, naming the coder, when a
/// coder has no segment (of `value`, or of any value) at all.
fn silent_in(
    coders: &[Vec<Segment>],
    value: Option<usize>,
    names: &[String],
    scope: &str,
) -> Option<Estimate> {
    let coded: Vec<u64> = coders
        .iter()
        .map(|segs| {
            segs.iter()
                .filter(|g| value.is_none_or(|v| g.value == v))
                .count() as u64
        })
        .collect();
    silent_coder(&coded, names, scope)
}

/// The family of one domain (parent code `domain`, codable children
/// `values`), with issue 3's rule: uα, |uα and cuα undefined when a coder
/// applied no code of the domain, (k)uα of a code when a coder never
/// applied that code (the domain's other codes stay defined).
fn domain_family(
    input: &Input,
    coders: &[Vec<Segment>],
    length: u64,
    domain: usize,
    values: &[usize],
) -> Family {
    let mut f = family(coders, length, values.len());
    if coders.len() < 2 || length == 0 {
        return f;
    }
    let scope = format!("any code of domain {}", input.codes[domain].id);
    if let Some(silent) = silent_in(coders, None, &input.coders, &scope) {
        f.u_alpha = silent.clone();
        f.binary_u_alpha = silent.clone();
        f.cu_alpha = silent;
    }
    for (k, &code) in values.iter().enumerate() {
        let scope = format!("code {} anywhere", input.codes[code].id);
        if let Some(silent) = silent_in(coders, Some(k), &input.coders, &scope) {
            f.k_u_alpha[k] = silent;
        }
    }
    f
}

impl Conflict {
    /// The reason a domain's values are undefined, naming where.
    pub fn describe(&self, input: &Input) -> String {
        format!(
            "{} applied {} and {} to the same characters ({}:{}-{}), so the domain's codes do not partition the text",
            input.coders[self.coder],
            input.codes[self.codes.0].id,
            input.codes[self.codes.1].id,
            input.transcripts[self.transcript].id,
            self.start,
            self.end
        )
    }
}

/// An excerpt as (transcript, value, start, end, code): sorting groups it
/// by transcript and value for merging.
type Valued = (usize, usize, usize, usize, usize);

/// Each coder's segments on the continuum for the codes that `valued` maps
/// to a value: excerpts with the same value merged where they overlap or
/// touch (within a transcript), then placed at their transcript's offset,
/// sorted by start. Unless `overlaps_allowed`, two values on the same
/// characters of one coder is a [`Conflict`].
fn segmentations(
    input: &Input,
    excerpts: &[Excerpt],
    offsets: &[u64],
    valued: impl Fn(usize) -> Option<usize>,
    overlaps_allowed: bool,
) -> Result<Vec<Vec<Segment>>, Conflict> {
    let m = input.coders.len();
    let mut raw: Vec<Vec<Valued>> = vec![Vec::new(); m];
    for e in excerpts {
        if let (Some(v), Some(list)) = (valued(e.code), raw.get_mut(e.coder)) {
            list.push((e.transcript, v, e.start, e.end, e.code));
        }
    }
    let mut out = Vec::with_capacity(m);
    for (coder, mut list) in raw.into_iter().enumerate() {
        list.sort_unstable();
        // (transcript, start, end, value, code), merged per transcript and value.
        let mut merged: Vec<(usize, usize, usize, usize, usize)> = Vec::with_capacity(list.len());
        for x in list {
            let (t, v, s, e, code) = x;
            match merged.last_mut() {
                Some(last) if last.0 == t && last.3 == v && s <= last.2 => last.2 = last.2.max(e),
                _ => merged.push((t, s, e, v, code)),
            }
        }
        merged.sort_unstable();
        if !overlaps_allowed {
            let mut reach: Option<(usize, usize, usize)> = None; // (transcript, end, code)
            for &(t, s, e, _, code) in &merged {
                if let Some((pt, pe, pc)) = reach {
                    if pt == t && s < pe {
                        return Err(Conflict {
                            coder,
                            transcript: t,
                            codes: (pc, code),
                            start: s,
                            end: e.min(pe),
                        });
                    }
                }
                if reach.is_none_or(|(pt, pe, _)| pt != t || e > pe) {
                    reach = Some((t, e, code));
                }
            }
        }
        out.push(
            merged
                .into_iter()
                .map(|(t, s, e, v, _)| Segment {
                    start: offsets[t] + s as u64,
                    end: offsets[t] + e as u64,
                    value: v,
                })
                .collect(),
        );
    }
    Ok(out)
}

/// For the cluster bootstrap (`agreement::bootstrap`): one scope of the
/// family (a code's |uα, a domain, or Cu-α over domains) as numbers that
/// add up over transcripts. Units never cross a transcript boundary, so
/// the coincidences, the self-pairs and each coder's unit counts of the
/// whole continuum are the sums of each transcript's: a resample of
/// transcripts sums its transcripts' numbers, never the text.
#[derive(Debug, Clone, PartialEq)]
pub struct AdditiveScope {
    pub kind: ScopeKind,
    /// Values of the scope (1 for a code's |uα).
    pub values: usize,
    pub coders: usize,
    /// Per transcript, [`ScopeKind::width`] numbers: the partition
    /// coincidences (unless Cu-α) and self-pairs, the coded coincidences
    /// and self-pairs (unless |uα), and each coder's unit count per value.
    pub per_transcript: Vec<Vec<f64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// |uα of the code.
    Binary { code: usize },
    /// uα, cuα and (k)uα of the domain (parent code), values its children.
    Domain { domain: usize },
    /// Cu-α with the domains as values.
    Domains,
}

impl AdditiveScope {
    fn width_of(kind: ScopeKind, v: usize, m: usize) -> usize {
        let partition = (v + 1) * (v + 1) + (v + 1);
        let coded = v * v + v;
        m * v
            + match kind {
                ScopeKind::Binary { .. } => partition,
                ScopeKind::Domain { .. } => partition + coded,
                ScopeKind::Domains => coded,
            }
    }

    pub fn width(&self) -> usize {
        Self::width_of(self.kind, self.values, self.coders)
    }

    fn numbers(kind: ScopeKind, local: &[Vec<Segment>], length: u64, v: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(Self::width_of(kind, v, local.len()));
        if !matches!(kind, ScopeKind::Domains) {
            let c = Coincidences::sweep(local, length, v);
            out.extend(c.ell.iter().flatten());
            out.extend(&c.self_pairs);
        }
        if !matches!(kind, ScopeKind::Binary { .. }) {
            let c = CodedCoincidences::sweep(local, v);
            out.extend(c.ell.iter().flatten());
            out.extend(&c.self_pairs);
        }
        for segs in local {
            let mut n = vec![0.0; v];
            for g in segs {
                n[g.value] += 1.0;
            }
            out.extend(n);
        }
        out
    }

    /// The scope's figures from summed numbers, as `alpha_report` computes
    /// them (issue 3's silent-coder rule included): |uα; or uα, cuα and each
    /// (k)uα; or Cu-α.
    pub fn figures(&self, sum: &[f64], names: &[String]) -> Vec<Estimate> {
        let (v, m) = (self.values, self.coders);
        let mut at = 0;
        let mut take = |n: usize| {
            let slice = &sum[at..at + n];
            at += n;
            slice
        };
        let square = |flat: &[f64], n: usize| -> Vec<Vec<f64>> {
            flat.chunks(n).map(|r| r.to_vec()).collect()
        };
        let partition = (!matches!(self.kind, ScopeKind::Domains)).then(|| Coincidences {
            ell: square(take((v + 1) * (v + 1)), v + 1),
            self_pairs: take(v + 1).to_vec(),
        });
        let coded = (!matches!(self.kind, ScopeKind::Binary { .. })).then(|| CodedCoincidences {
            ell: square(take(v * v), v),
            self_pairs: take(v).to_vec(),
        });
        let units = take(m * v);
        let per_coder: Vec<u64> = (0..m)
            .map(|i| units[i * v..(i + 1) * v].iter().sum::<f64>() as u64)
            .collect();
        let of_value = |k: usize| -> Vec<u64> { (0..m).map(|i| units[i * v + k] as u64).collect() };
        let silent = |coded: &[u64]| silent_coder(coded, names, "the scope");
        match (self.kind, partition, coded) {
            (ScopeKind::Binary { .. }, Some(p), _) => {
                vec![silent(&per_coder).unwrap_or_else(|| p.u_alpha())]
            }
            (ScopeKind::Domain { .. }, Some(p), Some(c)) => {
                let (cu, ks) = c.alphas();
                let whole = silent(&per_coder);
                let mut out = vec![
                    whole.clone().unwrap_or_else(|| p.u_alpha()),
                    whole.unwrap_or(cu),
                ];
                out.extend(
                    ks.into_iter()
                        .enumerate()
                        .map(|(k, e)| silent(&of_value(k)).unwrap_or(e)),
                );
                out
            }
            (ScopeKind::Domains, _, Some(c)) => {
                vec![silent(&per_coder).unwrap_or_else(|| c.alphas().0)]
            }
            _ => Vec::new(),
        }
    }
}

/// Every scope of [`alpha_report`] (a domain whose codes conflict is left
/// out: it has no figures), with its per-transcript numbers.
pub fn additive_scopes(input: &Input) -> Vec<AdditiveScope> {
    let m = input.coders.len();
    if m < 2 {
        return Vec::new();
    }
    let offsets: Vec<u64> = input
        .transcripts
        .iter()
        .scan(0u64, |acc, t| {
            let start = *acc;
            *acc += t.length as u64;
            Some(start)
        })
        .collect();
    let split = |whole: &[Vec<Segment>], kind: ScopeKind, v: usize| -> AdditiveScope {
        let per_transcript = input
            .transcripts
            .iter()
            .enumerate()
            .map(|(t, info)| {
                let (lo, hi) = (offsets[t], offsets[t] + info.length as u64);
                let local: Vec<Vec<Segment>> = whole
                    .iter()
                    .map(|segs| {
                        let a = segs.partition_point(|g| g.start < lo);
                        let b = segs.partition_point(|g| g.start < hi);
                        segs[a..b]
                            .iter()
                            .map(|g| Segment {
                                start: g.start - lo,
                                end: g.end - lo,
                                value: g.value,
                            })
                            .collect()
                    })
                    .collect();
                AdditiveScope::numbers(kind, &local, info.length as u64, v)
            })
            .collect();
        AdditiveScope {
            kind,
            values: v,
            coders: m,
            per_transcript,
        }
    };
    let mut out = Vec::new();
    for code in input.codable_codes() {
        if let Ok(s) = segmentations(input, input.of_code(code), &offsets, |_| Some(0), false) {
            out.push(split(&s, ScopeKind::Binary { code }, 1));
        }
    }
    let mut parents = Vec::new();
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
        parents.push(p);
        let excerpts: Vec<Excerpt> = values
            .iter()
            .flat_map(|&v| input.of_code(v))
            .copied()
            .collect();
        let valued = |c: usize| values.iter().position(|&v| v == c);
        if let Ok(s) = segmentations(input, &excerpts, &offsets, valued, false) {
            out.push(split(&s, ScopeKind::Domain { domain: p }, values.len()));
        }
    }
    let parent_of: Vec<Option<usize>> = input
        .codes
        .iter()
        .map(|c| {
            c.parent
                .as_deref()
                .and_then(|p| parents.iter().position(|&q| input.codes[q].id == p))
        })
        .collect();
    if parents.is_empty() {
        return out; // no domains, no Cu-α
    }
    if let Ok(s) = segmentations(input, &input.excerpts, &offsets, |c| parent_of[c], true) {
        out.push(split(&s, ScopeKind::Domains, parents.len()));
    }
    out
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

    /// cuα with three coders, on the pairwise reading (docs/agreement.md,
    /// "cuα with three or more coders"): L = 30, x = 0 and y = 1;
    /// A: x[0,10) y[10,20), B: x[0,10) y[12,20), C: x[0,5) y[5,20).
    /// The oracle (tests/oracle/unitized_alpha.py, self-check) gives
    /// exactly 764/1085; squaring the part of each unit the union of the
    /// other coders covers would give 3079/4340 instead.
    #[test]
    fn cu_alpha_of_three_coders_is_the_pairwise_reading() {
        let a = vec![seg(0, 10, 0), seg(10, 20, 1)];
        let b = vec![seg(0, 10, 0), seg(12, 20, 1)];
        let c = vec![seg(0, 5, 0), seg(5, 20, 1)];
        let f = family(&[a, b, c], 30, 2);
        let v = f.cu_alpha.value().unwrap();
        assert!((v - 764.0 / 1085.0).abs() < 1e-12, "{v}");
        assert!((v - 3079.0 / 4340.0).abs() > 1e-3, "{v}");
    }

    #[test]
    fn identical_coding_is_perfect_and_nothing_is_undefined() {
        let a = vec![seg(0, 10, 0), seg(20, 30, 1)];
        let f = family(&[a.clone(), a], 40, 2);
        assert_eq!(f.u_alpha.value(), Some(1.0));
        let f = family(&[vec![], vec![]], 40, 1);
        assert!(f.u_alpha.value().is_none());
    }

    /// The published case through the report, then with coder b never
    /// applying y: uα and cuα of the domain stay as published while both
    /// coders use both codes; when b codes x where a coded y, (k)uα of y is
    /// undefined naming b, and x's stays defined, as do uα, cuα and |uα of x.
    #[test]
    fn a_code_one_coder_never_applied_is_undefined_for_that_code_only() {
        use crate::agreement::input::{CodeInfo, TranscriptInfo};
        let code = |id: &str, parent: Option<&str>, codable| CodeInfo {
            id: id.into(),
            parent: parent.map(String::from),
            depth: parent.map_or(0, |_| 1),
            codable,
        };
        let e = |coder, code, start, end| Excerpt {
            code,
            transcript: 0,
            coder,
            start,
            end,
        };
        let mut input = Input {
            coders: vec!["a".into(), "b".into()],
            codes: vec![
                code("g", None, false),
                code("x", Some("g"), true),
                code("y", Some("g"), true),
            ],
            transcripts: vec![TranscriptInfo {
                id: "t1".into(),
                length: 60,
                turns: vec![],
            }],
            excerpts: vec![
                e(0, 1, 0, 10),
                e(0, 2, 15, 30),
                e(0, 1, 40, 50),
                e(1, 1, 0, 12),
                e(1, 2, 15, 28),
                e(1, 1, 41, 50),
                e(1, 2, 55, 60),
            ],
            segment_overlap: 0.9,
        }
        .sorted();
        let r = alpha_report(&input);
        let u = r.domains[0].family.u_alpha.value().unwrap();
        assert!((u - 0.763331231168103).abs() < 1e-12, "{u}");
        assert_eq!(r.domains[0].family.cu_alpha.value(), Some(1.0));
        // b codes as x what a coded as y.
        for x in input.excerpts.iter_mut().filter(|x| x.coder == 1) {
            x.code = 1;
        }
        let input = input.sorted();
        let r = alpha_report(&input);
        let f = &r.domains[0].family;
        assert!(f.u_alpha.value().is_some() && f.cu_alpha.value().is_some());
        assert!(f.k_u_alpha[0].value().is_some());
        let why = f.k_u_alpha[1].reason().unwrap();
        assert!(why.starts_with("b did not apply code y anywhere"), "{why}");
        assert!(r.binary_u_alpha[0].1.value().is_some()); // x
        assert!(
            r.binary_u_alpha[1]
                .1
                .reason()
                .unwrap()
                .starts_with("b did not")
        );
        // b applies nothing of the domain: the domain's figures and the
        // overall cuα are undefined.
        let mut input = input;
        input.excerpts.retain(|x| x.coder == 0);
        let r = alpha_report(&input);
        let why = r.domains[0].family.u_alpha.reason().unwrap();
        assert!(
            why.starts_with("b did not apply any code of domain g"),
            "{why}"
        );
        assert!(
            r.cu_alpha_domains
                .reason()
                .unwrap()
                .starts_with("b did not")
        );
    }
}

#[cfg(test)]
#[allow(clippy::needless_range_loop)] // index loops mirror the formulas
mod naive {
    //! The definitions computed the slow, obvious way (every pair of
    //! segments, gaps written out), to check the sweeps against.
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

    fn overlap(a: (u64, u64), b: (u64, u64)) -> u64 {
        a.1.min(b.1).saturating_sub(a.0.max(b.0))
    }

    /// l_ck over all ordered coder pairs and all pairs of segments.
    fn pairwise(parts: &[Vec<(u64, u64, usize)>], n: usize) -> Vec<Vec<f64>> {
        let m = parts.len();
        let mut ell = vec![vec![0.0; n]; n];
        for i in 0..m {
            for j in 0..m {
                if i != j {
                    for g in &parts[i] {
                        for h in &parts[j] {
                            ell[g.2][h.2] +=
                                overlap((g.0, g.1), (h.0, h.1)) as f64 / (m - 1) as f64;
                        }
                    }
                }
            }
        }
        ell
    }

    fn segmentation(
        length: u64,
        values: usize,
        disjoint: bool,
    ) -> impl Strategy<Value = Vec<Segment>> {
        prop::collection::vec((0..length, 1..15u64, 0..values), 0..6).prop_map(move |v| {
            let mut segs: Vec<Segment> = Vec::new();
            let mut sorted: Vec<_> = v
                .into_iter()
                .map(|(s, l, val)| (s, (s + l).min(length), val))
                .collect();
            sorted.sort_unstable();
            for (s, e, val) in sorted {
                if s < e && (!disjoint || segs.last().is_none_or(|p| s >= p.end)) {
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
        fn partition_sweep_matches_pairwise_definition(
            a in segmentation(50, 3, true), b in segmentation(50, 3, true), c in segmentation(50, 3, true)
        ) {
            for coders in [vec![a.clone(), b.clone()], vec![a, b, c]] {
                let fast = Coincidences::sweep(&coders, 50, 3);
                let parts: Vec<_> = coders.iter().map(|s| partition(s, 50)).collect();
                let slow = pairwise(&parts, 4);
                for x in 0..4 {
                    for y in 0..4 {
                        prop_assert!((fast.ell[x][y] - slow[x][y]).abs() < 1e-9);
                    }
                }
                let mut self_pairs = [0.0; 4];
                for g in parts.iter().flatten() {
                    let l = (g.1 - g.0) as f64;
                    self_pairs[g.2] += if g.2 == 0 { l } else { l * l };
                }
                for x in 0..4 {
                    prop_assert!((fast.self_pairs[x] - self_pairs[x]).abs() < 1e-9);
                }
            }
        }

        #[test]
        fn coded_sweep_matches_pairwise_definition(
            a in segmentation(50, 3, false), b in segmentation(50, 3, false), c in segmentation(50, 3, false)
        ) {
            for coders in [vec![a.clone(), b.clone()], vec![a, b, c]] {
                let m = coders.len();
                let fast = CodedCoincidences::sweep(&coders, 3);
                let parts: Vec<Vec<(u64, u64, usize)>> =
                    coders.iter().map(|s| s.iter().map(|g| (g.start, g.end, g.value)).collect()).collect();
                let slow = pairwise(&parts, 3);
                let mut t = [0.0; 3];
                for i in 0..m {
                    for j in 0..m {
                        if i != j {
                            for g in &parts[i] {
                                let shared: u64 = parts[j].iter().map(|h| overlap((g.0, g.1), (h.0, h.1))).sum();
                                t[g.2] += (shared * shared) as f64 / (m - 1) as f64;
                            }
                        }
                    }
                }
                for x in 0..3 {
                    prop_assert!((fast.self_pairs[x] - t[x]).abs() < 1e-9, "{:?} {:?}", fast.self_pairs, t);
                    for y in 0..3 {
                        prop_assert!((fast.ell[x][y] - slow[x][y]).abs() < 1e-9);
                    }
                }
            }
        }
    }
}
