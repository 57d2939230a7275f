//! Bootstrap intervals for every pooled figure of `concord agreement`.
//!
//! - **Cluster bootstrap over transcripts** for the character, segment and
//!   turn kappas, AC1 and the unitized alpha family: a resample draws as
//!   many transcripts as the study has, with replacement, and recomputes
//!   the figure on them. Characters, excerpts and turns of one transcript
//!   are not independent (an excerpt is a run of characters; a coder's
//!   reading of one interview carries over from turn to turn), so
//!   resampling them one by one would give intervals far too narrow; the
//!   transcript is the unit that was sampled. Every figure here is a
//!   function of counts that add up over transcripts (2x2 tables,
//!   coverage histograms, coincidence matrices: units never cross a
//!   transcript boundary), so each transcript's counts are computed once
//!   and a resample only sums them: it costs O(transcripts), not
//!   O(characters).
//! - **Hayes and Krippendorff's (2007) bootstrap of coincidences** for the
//!   nominal alpha on turns, as Krippendorff's "Algorithm for
//!   bootstrapping a distribution of α" describes it (docs/agreement.md).
//!
//! Each resample has its own random stream ([`interval::stream`]), so the
//! intervals depend on the seed only, and resamples run on every core.

use rand::Rng;
use rand_distr::{Binomial, Distribution};

use crate::agreement::character::{self, CharacterCounts, CharacterRow};
use crate::agreement::estimate::Estimate;
use crate::agreement::input::Input;
use crate::agreement::interval::{Interval, Method, Settings, on_every_core, stream};
use crate::agreement::segment::{self, SegmentCounts, SegmentRow};
use crate::agreement::turn;
use crate::agreement::unitized::{self, ScopeKind};

/// One figure's interval, for the pooled row of `code` (`None`: overall).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub code: Option<usize>,
    /// As in the row's notes: `character.cohen_kappa`, `alpha.k_u_alpha.x`.
    pub key: String,
    pub interval: Option<Interval>,
}

type Evaluate<'a> = Box<dyn Fn(&[f64]) -> Vec<Estimate> + Sync + 'a>;

/// Numbers that add up over transcripts, and the figures computed from
/// their sum.
struct Scope<'a> {
    code: Option<usize>,
    /// (key, is an alpha: gets Krippendorff's q)
    keys: Vec<(String, bool)>,
    width: usize,
    /// `per_transcript[t * width..(t + 1) * width]`
    per_transcript: Vec<f64>,
    evaluate: Evaluate<'a>,
}

impl<'a> Scope<'a> {
    fn new(
        code: Option<usize>,
        keys: Vec<(String, bool)>,
        rows: Vec<Vec<f64>>,
        evaluate: Evaluate<'a>,
    ) -> Scope<'a> {
        let width = rows.first().map_or(0, Vec::len);
        Scope {
            code,
            keys,
            width,
            per_transcript: rows.into_iter().flatten().collect(),
            evaluate,
        }
    }

    fn sum(&self, weights: &[u32], out: &mut Vec<f64>) {
        out.clear();
        out.resize(self.width, 0.0);
        for (t, &w) in weights.iter().enumerate() {
            if w == 0 {
                continue;
            }
            let w = w as f64;
            let x = &self.per_transcript[t * self.width..(t + 1) * self.width];
            for (o, v) in out.iter_mut().zip(x) {
                *o += w * v;
            }
        }
    }
}

/// The turn alpha's coincidences, for the bootstrap of coincidences.
struct Coincidence {
    code: Option<usize>,
    /// Probability that a drawn pair of values disagrees, is (0,0), is (1,1).
    p_disagree: f64,
    p_both_absent: f64,
    p_both_present: f64,
    /// Pairs of values in the data: how many a resample draws.
    pairs: u64,
    /// Expected disagreement per pair (held fixed).
    expected: f64,
}

impl Coincidence {
    /// `by_present[p]`: turns on which p of m coders marked the code.
    fn new(code: Option<usize>, by_present: &[u64]) -> Option<Coincidence> {
        let m = by_present.len().checked_sub(1)? as f64;
        if m < 2.0 {
            return None;
        }
        let units: f64 = by_present.iter().sum::<u64>() as f64;
        let values = m * units; // n..
        let (mut o01, mut o00, mut o11, mut n1) = (0.0, 0.0, 0.0, 0.0);
        for (p, &h) in by_present.iter().enumerate() {
            let (p, h) = (p as f64, h as f64);
            o01 += h * p * (m - p) / (m - 1.0);
            o00 += h * (m - p) * (m - p - 1.0) / (m - 1.0);
            o11 += h * p * (p - 1.0) / (m - 1.0);
            n1 += h * p;
        }
        let n0 = values - n1;
        let expected = 2.0 * n0 * n1 / (values * (values - 1.0));
        if values < 2.0 || expected <= 0.0 {
            return None;
        }
        Some(Coincidence {
            code,
            p_disagree: 2.0 * o01 / values,
            p_both_absent: o00 / values,
            p_both_present: o11 / values,
            pairs: (units as u64) * (m as u64) * (m as u64 - 1) / 2,
            expected,
        })
    }

    /// One resampled alpha: `pairs` pairs drawn from the coincidences; a
    /// resample whose pairs all have one value has no variation, and
    /// Krippendorff's algorithm counts it as alpha 0, not 1.
    fn draw(&self, rng: &mut impl Rng) -> f64 {
        let mut binomial = |p: f64| {
            Binomial::new(self.pairs, p.clamp(0.0, 1.0)).map_or(0, |b| b.sample(&mut *rng))
        };
        let disagree = binomial(self.p_disagree);
        if disagree == 0 {
            let agree = self.p_both_absent + self.p_both_present;
            let present = if agree > 0.0 {
                binomial(self.p_both_present / agree)
            } else {
                0
            };
            if present == 0 || present == self.pairs {
                return 0.0;
            }
        }
        let observed = disagree as f64 / self.pairs as f64;
        (1.0 - observed / self.expected).max(-1.0)
    }
}

/// Intervals for every pooled figure the report has: `characters` and
/// `segments` are the rows already computed (their per-transcript rows are
/// the clusters' counts); `alpha` and `turns` say whether those measures
/// were asked for.
pub fn intervals(
    input: &Input,
    characters: Option<&[CharacterRow]>,
    segments: Option<&[SegmentRow]>,
    alpha: bool,
    turns: bool,
    settings: &Settings,
) -> Vec<Found> {
    let (scopes, coincidences) = scopes(input, characters, segments, alpha, turns);
    resample(input.transcripts.len(), &scopes, &coincidences, settings)
}

/// Every figure the bootstrap resamples, computed from its per-transcript
/// numbers summed over the whole study: they must be the report's own
/// figures (a test checks it on every fixture), or the intervals would be
/// around something else.
pub fn whole_study(
    input: &Input,
    characters: Option<&[CharacterRow]>,
    segments: Option<&[SegmentRow]>,
    alpha: bool,
    turns: bool,
) -> Vec<(Option<usize>, String, Estimate)> {
    let (scopes, _) = scopes(input, characters, segments, alpha, turns);
    let all = vec![1u32; input.transcripts.len()];
    let mut buffer = Vec::new();
    let mut out = Vec::new();
    for s in &scopes {
        s.sum(&all, &mut buffer);
        for ((key, _), e) in s.keys.iter().zip((s.evaluate)(&buffer)) {
            out.push((s.code, key.clone(), e));
        }
    }
    out
}

fn scopes<'a>(
    input: &'a Input,
    characters: Option<&[CharacterRow]>,
    segments: Option<&[SegmentRow]>,
    alpha: bool,
    turns: bool,
) -> (Vec<Scope<'a>>, Vec<Coincidence>) {
    let names = &input.coders;
    let m = names.len();
    let transcripts = input.transcripts.len();
    let mut scopes: Vec<Scope> = Vec::new();
    if let Some(rows) = characters {
        let mut overall = vec![vec![0.0; 4 + 2 * m + 1]; transcripts];
        for code in input.codable_codes() {
            let mut per = vec![Vec::new(); transcripts];
            for r in rows.iter().filter(|r| r.code == Some(code)) {
                if let Some(t) = r.transcript {
                    per[t] = r.counts.numbers(m);
                    for (o, x) in overall[t].iter_mut().zip(&per[t]) {
                        *o += x;
                    }
                }
            }
            scopes.push(character_scope(Some(code), per, names));
        }
        scopes.push(character_scope(None, overall, names));
    }
    if let Some(rows) = segments {
        // Each pair of coders' three counts, side by side.
        let k = segment::codes_in_use(input);
        let width = 3 * k.len();
        let mut overall = vec![vec![0.0; width]; transcripts];
        for code in input.codable_codes() {
            let mut per = vec![vec![0.0; width]; transcripts];
            for r in rows.iter().filter(|r| r.code == Some(code)) {
                if let Some(t) = r.transcript {
                    per[t] = r
                        .pairs
                        .iter()
                        .flat_map(|c| [c.agreements as f64, c.a_only as f64, c.b_only as f64])
                        .collect();
                    for (o, x) in overall[t].iter_mut().zip(&per[t]) {
                        *o += x;
                    }
                }
            }
            scopes.push(segment_scope(Some(code), per, k.clone(), names));
        }
        scopes.push(segment_scope(None, overall, k, names));
    }
    let mut coincidences = Vec::new();
    if turns {
        for (code, per) in turn::additive_tallies(input) {
            let mut keys = vec![("turn.cohen_kappa".to_string(), false)];
            if m >= 3 {
                keys.push(("turn.fleiss_kappa".to_string(), false));
            }
            keys.push(("turn.gwet_ac1".to_string(), false));
            let mut total = vec![0.0; per.first().map_or(0, Vec::len)];
            for x in &per {
                for (o, v) in total.iter_mut().zip(x) {
                    *o += v;
                }
            }
            let full = turn::row_of_numbers(&total, code, names);
            if full.alpha.value().is_some() {
                coincidences.extend(Coincidence::new(code, &turn::presence_histogram(&total, m)));
            }
            scopes.push(Scope::new(
                code,
                keys,
                per,
                Box::new(move |sum| {
                    let r = turn::row_of_numbers(sum, code, names);
                    let mut out = vec![r.cohen_kappa];
                    if let Some(f) = r.fleiss_kappa {
                        out.push(f);
                    }
                    out.push(r.gwet_ac1);
                    out
                }),
            ));
        }
    }
    if alpha {
        for scope in unitized::additive_scopes(input) {
            let (code, keys) = match scope.kind {
                ScopeKind::Binary { code } => {
                    (Some(code), vec![("alpha.binary_u_alpha".to_string(), true)])
                }
                ScopeKind::Domain { domain } => {
                    let mut keys = vec![
                        ("alpha.u_alpha".to_string(), true),
                        ("alpha.cu_alpha".to_string(), true),
                    ];
                    keys.extend(
                        input
                            .codes
                            .iter()
                            .filter(|c| {
                                c.codable && c.parent.as_deref() == Some(&input.codes[domain].id)
                            })
                            .map(|c| (format!("alpha.k_u_alpha.{}", c.id), true)),
                    );
                    (Some(domain), keys)
                }
                ScopeKind::Domains => (None, vec![("alpha.cu_alpha_domains".to_string(), true)]),
            };
            let per = scope.per_transcript.clone();
            scopes.push(Scope::new(
                code,
                keys,
                per,
                Box::new(move |sum| scope.figures(sum, names)),
            ));
        }
    }

    (scopes, coincidences)
}

fn resample(
    transcripts: usize,
    scopes: &[Scope],
    coincidences: &[Coincidence],
    settings: &Settings,
) -> Vec<Found> {
    // Figures undefined on the whole study get no interval; with one
    // transcript there is nothing to resample.
    let mut buffer = Vec::new();
    let all = vec![1u32; transcripts];
    let defined: Vec<Vec<bool>> = scopes
        .iter()
        .map(|s| {
            s.sum(&all, &mut buffer);
            (s.evaluate)(&buffer)
                .iter()
                .map(|e| e.value().is_some() && transcripts >= 2)
                .collect()
        })
        .collect();

    let resampled: Vec<Vec<f64>> = on_every_core(settings.resamples, |b| {
        let mut rng = stream(settings.seed, b);
        let mut weights = vec![0u32; transcripts];
        for _ in 0..transcripts {
            weights[rng.random_range(0..transcripts)] += 1;
        }
        let mut out = Vec::new();
        let mut buffer = Vec::new();
        for (s, defined) in scopes.iter().zip(&defined) {
            if !defined.iter().any(|d| *d) {
                out.extend(std::iter::repeat_n(f64::NAN, defined.len()));
                continue;
            }
            s.sum(&weights, &mut buffer);
            out.extend(
                (s.evaluate)(&buffer)
                    .iter()
                    .map(|e| e.value().unwrap_or(f64::NAN)),
            );
        }
        for c in coincidences {
            out.push(c.draw(&mut rng));
        }
        out
    });

    let mut found = Vec::new();
    let mut column = 0;
    let values = |column: usize| -> Vec<f64> { resampled.iter().map(|r| r[column]).collect() };
    for (s, defined) in scopes.iter().zip(&defined) {
        for ((key, is_alpha), &ok) in s.keys.iter().zip(defined) {
            let interval = ok
                .then(|| {
                    Interval::percentile(
                        &values(column),
                        settings,
                        Method::ClusterBootstrap,
                        *is_alpha,
                    )
                })
                .flatten();
            found.push(Found {
                code: s.code,
                key: key.clone(),
                interval,
            });
            column += 1;
        }
    }
    for c in coincidences {
        found.push(Found {
            code: c.code,
            key: "turn.alpha".to_string(),
            interval: Interval::percentile(
                &values(column),
                settings,
                Method::CoincidenceBootstrap,
                true,
            ),
        });
        column += 1;
    }
    found
}

fn character_scope<'a>(code: Option<usize>, per: Vec<Vec<f64>>, names: &'a [String]) -> Scope<'a> {
    let m = names.len();
    let two = m == 2;
    let keys = vec![
        (
            if two {
                "character.cohen_kappa"
            } else {
                "character.fleiss_kappa"
            }
            .to_string(),
            false,
        ),
        ("character.gwet_ac1".to_string(), false),
    ];
    Scope::new(
        code,
        keys,
        per,
        Box::new(move |sum| {
            let r = character::row(code, None, CharacterCounts::of_numbers(sum, m), names);
            let kappa = if two {
                r.cohen_kappa
            } else {
                r.fleiss_kappa
                    .unwrap_or_else(|| Estimate::undefined("three or more coders"))
            };
            vec![kappa, r.gwet_ac1]
        }),
    )
}

fn segment_scope<'a>(
    code: Option<usize>,
    per: Vec<Vec<f64>>,
    k: Vec<usize>,
    names: &'a [String],
) -> Scope<'a> {
    Scope::new(
        code,
        vec![("segment.kappa_bp".to_string(), false)],
        per,
        Box::new(move |sum| {
            let pairs = sum
                .chunks_exact(3)
                .map(|c| SegmentCounts {
                    agreements: c[0] as u64,
                    a_only: c[1] as u64,
                    b_only: c[2] as u64,
                })
                .collect();
            vec![segment::row(code, None, pairs, &k, names).kappa_bp]
        }),
    )
}
