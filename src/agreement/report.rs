//! All measures as the rows `concord agreement` prints: one row per code
//! per transcript, per code pooled over transcripts (`transcript: None`),
//! and overall (`code: None`), in codebook order. A parent code's pooled
//! row carries its semantic domain's alpha family. Every undefined figure
//! is `None` in its group, and its reason is in the row's notes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::agreement::character::{CharacterRow, character_rows};
use crate::agreement::estimate::Estimate;
use crate::agreement::input::Input;
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
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SegmentGroup {
    pub agreements: u64,
    pub a_only: u64,
    pub b_only: u64,
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
}

/// Compute the asked-for measures and lay them out as rows.
pub fn report(input: &Input, measures: Measures) -> Report {
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
    for r in character.into_iter().flatten() {
        let g = character_group(&r, two);
        rows.at(r.code, r.transcript).character = Some(g);
    }
    for r in segment.into_iter().flatten() {
        rows.at(r.code, r.transcript).segment = Some(segment_group(&r));
    }
    if let Some(a) = alpha {
        add_alpha(input, &a, &mut rows);
    }
    for r in turn.into_iter().flatten() {
        rows.at(r.code, None).turn = Some(turn_group(&r, input.coders.len()));
    }
    let mut rows: Vec<Row> = rows.rows.into_values().collect();
    for row in &mut rows {
        row.notes = notes(row);
    }
    Report {
        coders: input.coders.clone(),
        rows,
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
    }
}

fn segment_group(r: &SegmentRow) -> SegmentGroup {
    SegmentGroup {
        agreements: r.counts.agreements,
        a_only: r.counts.a_only,
        b_only: r.counts.b_only,
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
    }
    // The same reason for several figures is said once per figure; keep
    // them, but not twice the same line.
    out.dedup();
    out
}
