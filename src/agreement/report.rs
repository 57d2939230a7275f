//! All measures as the rows `concord agreement` prints: one row per code
//! per transcript, per code pooled over transcripts (`transcript: None`),
//! and overall (`code: None`), in codebook order. A parent code's pooled
//! row carries its semantic domain's alpha family. Every undefined figure
//! is `None` in its group, and its reason is in the row's notes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::agreement::bootstrap::{self, Found};
use crate::agreement::character::{CharacterRow, character_rows};
use crate::agreement::estimate::Estimate;
use crate::agreement::input::Input;
use crate::agreement::interval::{Interval, Settings, z_for};
use crate::agreement::pairs::PairReport;
use crate::agreement::segment::{SegmentRow, segment_rows};
use crate::agreement::turn::{TurnRow, turn_rows};
use crate::agreement::unitized::{AlphaReport, alpha_report};

/// Which measures to compute (each is skipped entirely when not asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measures {
    pub character: bool,
    pub segment: bool,
    pub alpha: bool,
    pub turn: bool,
}

impl Measures {
    pub const ALL: Measures = Measures {
        character: true,
        segment: true,
        alpha: true,
        turn: true,
    };
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Report {
    pub coders: Vec<String>,
    pub rows: Vec<Row>,
    /// With three or more coders, when asked for ([`crate::agreement::pairs`]):
    /// every pair's pooled two-coder figures.
    // `default`: a value kept in the cache without pairs must read back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<PairReport>,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Row {
    /// `None` for the overall row.
    pub code: Option<String>,
    /// `None` for rows pooled over transcripts.
    pub transcript: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub character: Option<CharacterGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<SegmentGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpha: Option<AlphaGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn: Option<TurnGroup>,
    /// With `--ci`: the interval of each pooled figure, by `group.key`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub intervals: BTreeMap<String, Interval>,
    /// Why a figure is undefined, as `group.key: reason`.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CharacterGroup {
    /// Two-coder counts and figures (the first two coders); absent with three or more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub both: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_only: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_only: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neither: Option<u64>,
    pub percent_agreement: Estimate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohen_kappa: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohen_kappa_weighted_mean: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleiss_kappa: Option<Estimate>,
    /// Two coders: the large-sample standard error of `cohen_kappa`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohen_kappa_se: Option<Estimate>,
    pub gwet_ac1: Estimate,
    pub gwet_ac1_variance: Estimate,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SegmentGroup {
    /// Two-coder counts; absent with three or more coders, whose figures
    /// are means over the pairs (each pair's counts: the pair table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreements: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_only: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_only: Option<u64>,
    pub percent_agreement: Estimate,
    pub kappa_bp: Estimate,
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct AlphaGroup {
    /// Code rows: |uα of the code, transcripts concatenated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary_u_alpha: Option<Estimate>,
    /// Domain rows: the parent code whose children are the values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub u_alpha: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cu_alpha: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k_u_alpha: Option<BTreeMap<String, Estimate>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<BTreeMap<String, Estimate>>,
    /// Overall row: Cu-α with the domains as values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cu_alpha_domains: Option<Estimate>,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct TurnGroup {
    pub turns: usize,
    pub alpha: Estimate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohen_kappa: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleiss_kappa: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohen_kappa_se: Option<Estimate>,
    pub gwet_ac1: Estimate,
    pub gwet_ac1_variance: Estimate,
}

/// Compute the asked-for measures and lay them out as rows.
pub fn report(input: &Input, measures: Measures) -> Report {
    report_with(input, measures, None)
}

/// [`report`], with confidence intervals for every pooled figure when
/// `ci` is given.
pub fn report_with(input: &Input, measures: Measures, ci: Option<&Settings>) -> Report {
    rows_of(input, measures, ci, true)
}

/// [`report`] with the pooled rows only (each code's, and the overall
/// row), none per transcript: what a pair of a larger team is reported
/// with. A large study's rows per transcript were most of the memory of
/// computing its pairs' figures, only to be dropped.
pub fn report_pooled(input: &Input, measures: Measures) -> Report {
    rows_of(input, measures, None, false)
}

fn rows_of(
    input: &Input,
    measures: Measures,
    ci: Option<&Settings>,
    per_transcript: bool,
) -> Report {
    let two = input.coders.len() == 2;
    let mut rows = Rows {
        input,
        rows: BTreeMap::new(),
    };
    // The measures are independent: the unitized family and the turns on a
    // second thread while this one does characters and segments (the
    // machine researchers share has two cores).
    let (character, segment, alpha, turn) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            (
                measures.alpha.then(|| alpha_report(input)),
                measures.turn.then(|| turn_rows(input)),
            )
        });
        let character = measures.character.then(|| character_rows(input));
        let segment = measures.segment.then(|| segment_rows(input));
        // A panic on the other thread is a bug, not a property of the data;
        // report it rather than hide it.
        let (alpha, turn) = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (character, segment, alpha, turn)
    });
    let intervals = ci.map(|settings| {
        bootstrap::intervals(
            input,
            character.as_deref(),
            segment.as_deref(),
            measures.alpha,
            measures.turn,
            settings,
        )
    });
    let wanted = |transcript: Option<usize>| per_transcript || transcript.is_none();
    for r in character.into_iter().flatten() {
        if wanted(r.transcript) {
            let g = character_group(&r, two);
            rows.at(r.code, r.transcript).character = Some(g);
        }
    }
    for r in segment.into_iter().flatten() {
        if wanted(r.transcript) {
            rows.at(r.code, r.transcript).segment = Some(segment_group(&r));
        }
    }
    if let Some(a) = alpha {
        add_alpha(input, &a, &mut rows);
    }
    for r in turn.into_iter().flatten() {
        rows.at(r.code, None).turn = Some(turn_group(&r, input.coders.len()));
    }
    if let (Some(found), Some(settings)) = (intervals, ci) {
        add_intervals(found, settings, input.transcripts.len(), &mut rows);
    }
    let mut rows: Vec<Row> = rows.rows.into_values().collect();
    for row in &mut rows {
        let mut n = notes(row);
        n.append(&mut row.notes);
        row.notes = n;
    }
    Report {
        coders: input.coders.clone(),
        rows,
        pairs: Vec::new(),
    }
}

/// Rows by (code, transcript) index, ordered as printed: codebook order,
/// transcripts in study order, pooled after them, overall last.
struct Rows<'a> {
    input: &'a Input,
    rows: BTreeMap<(usize, usize), Row>,
}

impl Rows<'_> {
    fn at(&mut self, code: Option<usize>, transcript: Option<usize>) -> &mut Row {
        let input = self.input;
        let key = (
            code.unwrap_or(input.codes.len()),
            transcript.unwrap_or(input.transcripts.len()),
        );
        self.rows.entry(key).or_insert_with(|| Row {
            code: code.map(|c| input.codes[c].id.clone()),
            transcript: transcript.map(|t| input.transcripts[t].id.clone()),
            ..Row::default()
        })
    }
}

fn character_group(r: &CharacterRow, two: bool) -> CharacterGroup {
    let c = &r.counts;
    CharacterGroup {
        both: two.then_some(c.both),
        a_only: two.then_some(c.a_only),
        b_only: two.then_some(c.b_only),
        neither: two.then_some(c.neither),
        percent_agreement: r.percent_agreement.clone(),
        cohen_kappa: two.then(|| r.cohen_kappa.clone()),
        cohen_kappa_weighted_mean: r.cohen_kappa_weighted_mean.clone(),
        fleiss_kappa: r.fleiss_kappa.clone(),
        cohen_kappa_se: two.then(|| r.cohen_kappa_se.clone()),
        gwet_ac1: r.gwet_ac1.clone(),
        gwet_ac1_variance: r.gwet_ac1_variance.clone(),
    }
}

fn segment_group(r: &SegmentRow) -> SegmentGroup {
    let two = r.two_coder_counts();
    SegmentGroup {
        agreements: two.map(|c| c.agreements),
        a_only: two.map(|c| c.a_only),
        b_only: two.map(|c| c.b_only),
        percent_agreement: r.percent_agreement.clone(),
        kappa_bp: r.kappa_bp.clone(),
    }
}

fn turn_group(r: &TurnRow, coders: usize) -> TurnGroup {
    TurnGroup {
        turns: r.turns,
        alpha: r.alpha.clone(),
        cohen_kappa: (coders >= 2).then(|| r.cohen_kappa.clone()),
        fleiss_kappa: r.fleiss_kappa.clone(),
        cohen_kappa_se: (coders >= 2).then(|| r.cohen_kappa_se.clone()),
        gwet_ac1: r.gwet_ac1.clone(),
        gwet_ac1_variance: r.gwet_ac1_variance.clone(),
    }
}

fn add_alpha(input: &Input, a: &AlphaReport, rows: &mut Rows) {
    for (code, e) in &a.binary_u_alpha {
        let row = rows.at(Some(*code), None);
        row.alpha
            .get_or_insert_with(AlphaGroup::default)
            .binary_u_alpha = Some(e.clone());
    }
    for d in &a.domains {
        let by_code = |list: &[Estimate]| -> BTreeMap<String, Estimate> {
            d.values
                .iter()
                .zip(list)
                .map(|(&v, e)| (input.codes[v].id.clone(), e.clone()))
                .collect()
        };
        let row = rows.at(Some(d.domain), None);
        let g = row.alpha.get_or_insert_with(AlphaGroup::default);
        g.domain = Some(input.codes[d.domain].id.clone());
        g.u_alpha = Some(d.family.u_alpha.clone());
        g.cu_alpha = Some(d.family.cu_alpha.clone());
        g.k_u_alpha = Some(by_code(&d.family.k_u_alpha));
        g.coverage = Some(by_code(&d.family.coverage));
    }
    let row = rows.at(None, None);
    row.alpha
        .get_or_insert_with(AlphaGroup::default)
        .cu_alpha_domains = Some(a.cu_alpha_domains.clone());
}

/// Each interval into its pooled row; Cohen's kappas also get κ ± z·SE.
fn add_intervals(found: Vec<Found>, settings: &Settings, transcripts: usize, rows: &mut Rows) {
    let z = z_for(settings.level);
    if transcripts < 2 {
        rows.at(None, None).notes.push(
            "intervals: one transcript only, so the cluster bootstrap over transcripts has nothing to resample (only the turn alpha gets an interval)"
                .to_string(),
        );
    }
    for f in found {
        let row = rows.at(f.code, None);
        let Some(mut interval) = f.interval else {
            continue;
        };
        let se = match f.key.as_str() {
            "character.cohen_kappa" => row.character.as_ref().and_then(|c| {
                Some((
                    c.cohen_kappa.as_ref()?.value()?,
                    c.cohen_kappa_se.as_ref()?.value()?,
                ))
            }),
            "turn.cohen_kappa" => row.turn.as_ref().and_then(|t| {
                Some((
                    t.cohen_kappa.as_ref()?.value()?,
                    t.cohen_kappa_se.as_ref()?.value()?,
                ))
            }),
            _ => None,
        };
        if let Some((k, se)) = se {
            // A kappa lies in [-1, 1]; the normal approximation does not know it.
            interval.large_sample = Some([(k - z * se).max(-1.0), (k + z * se).min(1.0)]);
        }
        row.intervals.insert(f.key, interval);
    }
}

/// `group.key: reason` for every undefined figure of the row.
fn notes(row: &Row) -> Vec<String> {
    let mut out = Vec::new();
    let mut note = |what: &str, e: Option<&Estimate>| {
        if let Some(reason) = e.and_then(|e| e.reason()) {
            out.push(format!("{what}: {reason}"));
        }
    };
    if let Some(c) = &row.character {
        note("character.percent_agreement", Some(&c.percent_agreement));
        note("character.cohen_kappa", c.cohen_kappa.as_ref());
        note(
            "character.cohen_kappa_weighted_mean",
            c.cohen_kappa_weighted_mean.as_ref(),
        );
        note("character.fleiss_kappa", c.fleiss_kappa.as_ref());
        note("character.gwet_ac1", Some(&c.gwet_ac1));
    }
    if let Some(s) = &row.segment {
        note("segment.percent_agreement", Some(&s.percent_agreement));
        note("segment.kappa_bp", Some(&s.kappa_bp));
    }
    if let Some(a) = &row.alpha {
        note("alpha.binary_u_alpha", a.binary_u_alpha.as_ref());
        note("alpha.u_alpha", a.u_alpha.as_ref());
        note("alpha.cu_alpha", a.cu_alpha.as_ref());
        for (code, e) in a.k_u_alpha.iter().flatten() {
            note(&format!("alpha.k_u_alpha.{code}"), Some(e));
        }
        note("alpha.cu_alpha_domains", a.cu_alpha_domains.as_ref());
    }
    if let Some(t) = &row.turn {
        note("turn.alpha", Some(&t.alpha));
        note("turn.cohen_kappa", t.cohen_kappa.as_ref());
        note("turn.fleiss_kappa", t.fleiss_kappa.as_ref());
        note("turn.gwet_ac1", Some(&t.gwet_ac1));
    }
    // The same reason for several figures is said once per figure; keep
    // them, but not twice the same line.
    out.dedup();
    out
}
