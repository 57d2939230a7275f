//! Confidence intervals (`concord agreement --ci`): on simulated studies
//! whose population agreement is known, the intervals cover it about as
//! often as they claim; the same seed gives the same intervals.

use concord::agreement::input::{CodeInfo, Excerpt, Input, TranscriptInfo};
use concord::agreement::interval::Settings;
use concord::agreement::report::{Measures, Report, report_with};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TURNS: usize = 20;
const TURN_LENGTH: usize = 10;

/// Two coders, `transcripts` transcripts of 20 turns of 10 characters,
/// each followed by a newline. On each turn, with probability `r` both
/// coders see the turn's true presence of the code (drawn with prevalence
/// `prevalence`); otherwise each draws their own. A present turn is coded
/// whole. The population's Scott's pi (and so alpha and, with equal
/// marginals, Cohen's kappa) on turns is exactly `r`.
fn simulate(rng: &mut ChaCha8Rng, transcripts: usize, r: f64, prevalence: f64) -> Input {
    let step = TURN_LENGTH + 1;
    let mut excerpts = Vec::new();
    let infos = (0..transcripts)
        .map(|t| {
            for u in 0..TURNS {
                let (a, b) = if rng.random_bool(r) {
                    let x = rng.random_bool(prevalence);
                    (x, x)
                } else {
                    (rng.random_bool(prevalence), rng.random_bool(prevalence))
                };
                for (coder, present) in [(0, a), (1, b)] {
                    if present {
                        excerpts.push(Excerpt {
                            code: 0,
                            transcript: t,
                            coder,
                            start: u * step,
                            end: u * step + TURN_LENGTH,
                        });
                    }
                }
            }
            transcript(t)
        })
        .collect();
    Input {
        coders: vec!["a".into(), "b".into()],
        codes: vec![CodeInfo {
            id: "x".into(),
            parent: None,
            depth: 0,
            codable: true,
        }],
        transcripts: infos,
        excerpts,
        segment_overlap: 0.9,
    }
    .sorted()
}

/// Transcript `t` of the simulations: 20 turns of 10 characters, each
/// followed by a newline.
fn transcript(t: usize) -> TranscriptInfo {
    let step = TURN_LENGTH + 1;
    TranscriptInfo {
        id: format!("t{t}"),
        length: TURNS * step,
        turns: (0..TURNS)
            .map(|u| (u * step, u * step + TURN_LENGTH))
            .collect(),
    }
}

/// The population's character-level Cohen's kappa and AC1 of [`simulate`]:
/// a share f = 10/11 of the characters are in turns; the newlines are
/// never coded.
fn character_truth(r: f64, p: f64) -> (f64, f64) {
    let f = TURN_LENGTH as f64 / (TURN_LENGTH + 1) as f64;
    let turn_agree = r + (1.0 - r) * (p * p + (1.0 - p) * (1.0 - p));
    let po = f * turn_agree + (1.0 - f);
    let coded = f * p;
    let pe_cohen = coded * coded + (1.0 - coded) * (1.0 - coded);
    let pe_gwet = 2.0 * coded * (1.0 - coded);
    (
        (po - pe_cohen) / (1.0 - pe_cohen),
        (po - pe_gwet) / (1.0 - pe_gwet),
    )
}

fn interval(report: &Report, key: &str) -> Option<(f64, f64)> {
    interval_of(report, Some("x"), key)
}

/// The interval of `key` on the pooled row of `code` (None: overall).
fn interval_of(report: &Report, code: Option<&str>, key: &str) -> Option<(f64, f64)> {
    let row = report
        .rows
        .iter()
        .find(|r| r.code.as_deref() == code && r.transcript.is_none())?;
    row.intervals.get(key).map(|i| (i.low, i.high))
}

/// 200 simulated studies of 40 transcripts, 95% intervals from 250
/// resamples each: every interval should cover the population value in
/// about 95% of the studies. With 200 studies the observed coverage of a
/// correct 95% procedure has a standard deviation of 1.5 points; a
/// percentile bootstrap over 40 clusters runs a little narrow (about 93%
/// is usual). The bounds, 88% and 99.5%, are more than four standard
/// deviations from 95%: a procedure that treated characters or turns as
/// independent (about 40-60% here, since one transcript's 220 characters
/// move together) or ignored the sampling altogether fails them by far.
/// The seed is fixed, so the test gives the same answer every run.
#[test]
fn intervals_cover_the_population_value_on_simulated_studies() {
    let (r, p) = (0.7, 0.3);
    let (kappa, ac1) = character_truth(r, p);
    let settings = Settings {
        level: 0.95,
        resamples: 250,
        seed: 5,
        minimum: None,
    };
    let measures = Measures {
        character: true,
        segment: false,
        alpha: false,
        turn: true,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(20261202);
    let studies = 200;
    let checks = [
        ("character.cohen_kappa", kappa),
        ("character.gwet_ac1", ac1),
        ("turn.cohen_kappa", r),
        ("turn.alpha", r),
    ];
    let mut covered = [0usize; 4];
    let mut width = [0.0f64; 4];
    for _ in 0..studies {
        let input = simulate(&mut rng, 40, r, p);
        let report = report_with(&input, measures, Some(&settings));
        for (i, (key, truth)) in checks.iter().enumerate() {
            let (low, high) = interval(&report, key).unwrap_or_else(|| panic!("no {key}"));
            covered[i] += (low <= *truth && *truth <= high) as usize;
            width[i] += high - low;
        }
    }
    for (i, (key, truth)) in checks.iter().enumerate() {
        let coverage = covered[i] as f64 / studies as f64;
        eprintln!(
            "{key}: population {truth:.4}, coverage {coverage:.3}, mean width {:.3}",
            width[i] / studies as f64
        );
        assert!(
            (0.88..=0.995).contains(&coverage),
            "{key}: 95% intervals covered the population value {truth} in {coverage} of the studies"
        );
    }
}

/// The same seed gives the same intervals, another seed others; q is the
/// share of resampled alphas below the minimum, so it falls as the
/// minimum falls.
#[test]
fn intervals_depend_on_the_seed_only() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let input = simulate(&mut rng, 12, 0.6, 0.4);
    let at = |seed, minimum| {
        let settings = Settings {
            level: 0.9,
            resamples: 300,
            seed,
            minimum: Some(minimum),
        };
        report_with(&input, Measures::ALL, Some(&settings))
    };
    let json = |r: &Report| serde_json::to_string(r).unwrap();
    assert_eq!(json(&at(1, 0.667)), json(&at(1, 0.667)));
    assert_ne!(json(&at(1, 0.667)), json(&at(2, 0.667)));
    let q = |r: &Report, key: &str| {
        r.rows
            .iter()
            .find(|r| r.code.as_deref() == Some("x") && r.transcript.is_none())
            .and_then(|row| row.intervals.get(key))
            .and_then(|i| i.below_minimum)
            .unwrap()
    };
    for key in ["turn.alpha", "alpha.binary_u_alpha"] {
        assert!(q(&at(1, 0.9), key) > q(&at(1, 0.3), key), "{key}");
    }
}

/// The codes of [`simulate_domains`]: two domains, g (x, y, v) and h (z,
/// w). Three codes in g, so that (k)uα of x is not cuα of g rewritten (with
/// two values they are the same figure).
const DOMAIN_CODES: [(&str, Option<&str>); 7] = [
    ("g", None),
    ("x", Some("g")),
    ("y", Some("g")),
    ("v", Some("g")),
    ("h", None),
    ("z", Some("h")),
    ("w", Some("h")),
];

/// `coders` coders, `transcripts` transcripts laid out as [`transcript`].
/// Each turn's true category is nothing (probability 1 − p) or one of the
/// five codes (p/5 each); with probability `r` every coder codes
/// the true category, otherwise each coder draws one of their own from the
/// same distribution. A coded turn is one whole excerpt, so excerpts of two
/// turns never overlap or touch (the newline is between them), and no coder
/// applies two codes to one character.
fn simulate_domains(
    rng: &mut ChaCha8Rng,
    transcripts: usize,
    coders: usize,
    r: f64,
    p: f64,
) -> Input {
    let step = TURN_LENGTH + 1;
    let draw = |rng: &mut ChaCha8Rng| {
        if rng.random_bool(p) {
            // The codable codes' indices in DOMAIN_CODES.
            Some([1, 2, 3, 5, 6][rng.random_range(0..5)])
        } else {
            None
        }
    };
    let mut excerpts = Vec::new();
    for t in 0..transcripts {
        for u in 0..TURNS {
            let copied = rng.random_bool(r);
            let truth = draw(rng);
            for coder in 0..coders {
                let category = if copied { truth } else { draw(rng) };
                if let Some(code) = category {
                    excerpts.push(Excerpt {
                        code,
                        transcript: t,
                        coder,
                        start: u * step,
                        end: u * step + TURN_LENGTH,
                    });
                }
            }
        }
    }
    Input {
        coders: (0..coders).map(|c| format!("c{c}")).collect(),
        codes: DOMAIN_CODES
            .iter()
            .map(|&(id, parent)| CodeInfo {
                id: id.into(),
                parent: parent.map(Into::into),
                depth: usize::from(parent.is_some()),
                codable: parent.is_some(),
            })
            .collect(),
        transcripts: (0..transcripts).map(transcript).collect(),
        excerpts,
        segment_overlap: 0.9,
    }
    .sorted()
}

/// The population values of [`simulate_domains`] (the limits as the
/// number of transcripts grows; the terms by which the unitized family's
/// expected coincidences remove a unit's pairs with itself are of the
/// order of one transcript's length against the study's, and vanish).
/// Every pair of coders has the same joint distribution, so the pairwise
/// sums of the alpha family, and the mean over pairs of the segment
/// kappa, have the same limits for any number of coders.
struct DomainTruth {
    binary_u_alpha_x: f64,
    u_alpha_g: f64,
    cu_alpha_g: f64,
    k_u_alpha_x: f64,
    cu_alpha_domains: f64,
    segment_kappa_x: f64,
}

fn domain_truth(r: f64, p: f64) -> DomainTruth {
    let f = TURN_LENGTH as f64 / (TURN_LENGTH + 1) as f64;
    // |uα of x: coded x or not, a binary code of prevalence p/5 per turn;
    // its limit is Scott's pi on characters, the newlines never coded.
    let px = p / 5.0;
    let c = f * px;
    let binary_u_alpha_x = 1.0 - f * (1.0 - r) * px * (1.0 - px) / (c * (1.0 - c));
    // uα of g: values nothing (also z, w and the newlines), x, y, v.
    // Observed disagreement per character: in a turn, only when drawn
    // independently and the draws differ; expected: from the margins.
    let q = [1.0 - 3.0 * px, px, px, px];
    let pi = [1.0 - 3.0 * f * px, f * px, f * px, f * px];
    let differ = 1.0 - q.iter().map(|v| v * v).sum::<f64>();
    let chance = 1.0 - pi.iter().map(|v| v * v).sum::<f64>();
    let u_alpha_g = 1.0 - f * (1.0 - r) * differ / chance;
    // cuα of g: on the turns two coders both coded in g (copied: r·pg;
    // drawn: (1 − r)·pg², differing in a share d of them, d also the
    // expected disagreement of the values there): 1 − (1 − r)pg·d / ((r +
    // (1 − r)pg)·d) = r / (r + (1 − r)pg). (k)uα of x has the same limit
    // (x, y, v alike); Cu-α too, with the domains as values, a turn coded
    // in some domain with probability p.
    let cu = |pg: f64| r / (r + (1.0 - r) * pg);
    // Segment level, x: matched excerpts are the turns two coders both
    // coded x; k = 5 codes in use.
    let both = r * px + (1.0 - r) * px * px;
    let one = (1.0 - r) * px * (1.0 - px);
    let percent = both / (both + 2.0 * one);
    DomainTruth {
        binary_u_alpha_x,
        u_alpha_g,
        cu_alpha_g: cu(3.0 * px),
        k_u_alpha_x: cu(3.0 * px),
        cu_alpha_domains: cu(p),
        segment_kappa_x: (percent - 0.2) / 0.8,
    }
}

/// The unitized alpha family (|uα, uα, cuα, (k)uα, Cu-α) and the segment
/// level's Brennan and Prediger kappa, with two coders and with three (the
/// team's figures: the alpha family pooled over pairs, the segment kappa
/// the mean over pairs): 150 simulated studies of 40 transcripts each, 95%
/// intervals from 200 resamples, every interval should cover the
/// population value in about 95% of the studies.
///
/// Tolerance: 80% to 99.5%. A percentile bootstrap over 40 clusters runs
/// narrow for these ratio estimators: 88-94% was observed here (the
/// character and turn figures above: 95-97.5%), so the true coverage is
/// near 90-91%, and over 150 studies the observed coverage then has a
/// standard deviation of 2.4 points. 80% is more than four of those below
/// it (12 checks, so a lower bound at two or three deviations would make
/// the test fail on a reseed now and then); a procedure that treated
/// characters as independent (about 50% here) fails it by far. 99.5% is
/// 150 of 150 studies: intervals far too wide. The seeds are fixed, so
/// the answer is the same every run; about 12 s in a debug build.
#[test]
fn unitized_and_segment_intervals_cover_the_population_value() {
    let (r, p) = (0.7, 0.4);
    let truth = domain_truth(r, p);
    let settings = Settings {
        level: 0.95,
        resamples: 200,
        seed: 11,
        minimum: None,
    };
    let measures = Measures {
        character: false,
        segment: true,
        alpha: true,
        turn: false,
    };
    let checks: [(Option<&str>, &str, f64); 6] = [
        (Some("x"), "alpha.binary_u_alpha", truth.binary_u_alpha_x),
        (Some("g"), "alpha.u_alpha", truth.u_alpha_g),
        (Some("g"), "alpha.cu_alpha", truth.cu_alpha_g),
        (Some("g"), "alpha.k_u_alpha.x", truth.k_u_alpha_x),
        (None, "alpha.cu_alpha_domains", truth.cu_alpha_domains),
        (Some("x"), "segment.kappa_bp", truth.segment_kappa_x),
    ];
    let studies = 150;
    for coders in [2, 3] {
        let mut rng = ChaCha8Rng::seed_from_u64(20261203 + coders as u64);
        let mut covered = [0usize; 6];
        let mut width = [0.0f64; 6];
        for _ in 0..studies {
            let input = simulate_domains(&mut rng, 40, coders, r, p);
            let report = report_with(&input, measures, Some(&settings));
            for (i, (code, key, truth)) in checks.iter().enumerate() {
                let (low, high) = interval_of(&report, *code, key)
                    .unwrap_or_else(|| panic!("{coders} coders: no {key} for {code:?}"));
                covered[i] += (low <= *truth && *truth <= high) as usize;
                width[i] += high - low;
            }
        }
        for (i, (code, key, truth)) in checks.iter().enumerate() {
            let coverage = covered[i] as f64 / studies as f64;
            eprintln!(
                "{coders} coders, {key} of {code:?}: population {truth:.4}, coverage {coverage:.3}, mean width {:.3}",
                width[i] / studies as f64
            );
            assert!(
                (0.80..=0.995).contains(&coverage),
                "{coders} coders: 95% intervals of {key} ({code:?}) covered the population value {truth} in {coverage} of the studies"
            );
        }
    }
}
