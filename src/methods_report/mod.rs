//! `concord report`: the methods report a team pastes into a paper's
//! supplement. Pure: [`MethodsReport`] holds what the effects layer read
//! (the study at one commit, its history, the figures) and [`markdown`]
//! and [`html`] write it. Every figure is the one `concord agreement
//! --json` gives on the same revision, formatted to three decimals.

pub mod html;
pub mod markdown;

use std::collections::BTreeMap;

use crate::agreement::chosen_measure::ChosenMeasure;
use crate::agreement::interval::Settings;
use crate::agreement::report::{Report, Row};
use crate::review::reconciled::Reconciled;

/// The commit the figures were computed on.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub commit: String,
    pub short: String,
    pub date: String,
    pub author: String,
}

/// One commit of the codebook's history, with the agreement after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub short: String,
    pub date: String,
    pub author: String,
    pub summary: String,
    /// The codebook changes, in words (empty: the commit changed codings or
    /// transcripts only).
    pub changes: Vec<String>,
    /// Overall character kappa and |uα at the commit, when they loaded.
    pub kappa: Option<f64>,
    pub binary_u_alpha: Option<f64>,
}

/// A reporting-checklist item, answered from the repository.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistItem {
    pub item: String,
    pub question: String,
    pub answer: String,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct MethodsReport {
    pub study: String,
    pub version: Version,
    pub concord_version: String,
    /// The command that writes this report again.
    pub command: String,
    /// (id, name)
    pub coders: Vec<(String, String)>,
    pub reviewers: Vec<String>,
    /// (id, characters, speaker turns)
    pub transcripts: Vec<(String, usize, usize)>,
    /// (id, depth, codable, excerpts per coder in `coders` order)
    pub codes: Vec<(String, usize, bool, Vec<usize>)>,
    pub agreement: Report,
    /// The figure the reliability table leads with, and whether
    /// `concord.toml` named it (otherwise it is the default).
    pub measure: ChosenMeasure,
    pub measure_named: bool,
    pub settings: Settings,
    /// Units by class, and by standing within each class.
    pub units_by_class: BTreeMap<String, BTreeMap<String, usize>>,
    pub reconciled: Reconciled,
    /// Oldest first.
    pub history: Vec<Revision>,
    pub checklist: Vec<ChecklistItem>,
}

/// The pair table's columns (heading, key in a pair's overall row): the
/// figures of the whole study that a pair of coders has on its own.
pub const PAIR_COLUMNS: [(&str, &str); 5] = [
    ("Cohen's κ (characters)", "character.cohen_kappa"),
    ("AC1 (characters)", "character.gwet_ac1"),
    ("Segment agreement", "segment.percent_agreement"),
    ("Segment κ (Brennan–Prediger)", "segment.kappa_bp"),
    ("Cu-α (domains)", "alpha.cu_alpha_domains"),
];

/// One row per pair of coders: its name ("a–b", unescaped) and its
/// overall figures, as [`PAIR_COLUMNS`] lists them.
pub fn pair_rows(r: &MethodsReport) -> Vec<(String, Vec<String>)> {
    r.agreement
        .pairs
        .iter()
        .map(|p| {
            let overall = p.rows.iter().find(|row| row.code.is_none());
            let figures = PAIR_COLUMNS
                .iter()
                .map(|(_, key)| figure(overall.and_then(|row| cell(row, key).0)))
                .collect();
            (format!("{}–{}", p.coders[0], p.coders[1]), figures)
        })
        .collect()
}

/// A figure as the report prints it: three decimals, `–` when undefined.
pub fn figure(v: Option<f64>) -> String {
    v.map_or("–".to_string(), |v| format!("{v:.3}"))
}

/// The reliability table's columns: (heading, key in the row). The
/// team's measure (`concord.toml`) first, then the others concord reports
/// beside it.
pub fn columns(coders: usize, chosen: ChosenMeasure) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![(chosen.heading(coders), chosen.key(coders))];
    for m in [
        ChosenMeasure::Kappa,
        ChosenMeasure::Ac1,
        ChosenMeasure::BinaryUAlpha,
        ChosenMeasure::TurnAlpha,
    ] {
        if m != chosen {
            out.push((m.heading(coders), m.key(coders)));
        }
    }
    out
}

/// The sentence that says which measure leads the table and where that
/// choice was made.
pub fn chosen_sentence(r: &MethodsReport) -> String {
    let heading = r.measure.heading(r.coders.len());
    if r.measure_named {
        format!(
            "The team's measure, named in concord.toml (`[agreement] measure = \"{}\"`): {heading}.",
            r.measure.name()
        )
    } else {
        format!(
            "The first column, {heading}, is concord's default; a team names its measure in concord.toml (`[agreement] measure = ...`)."
        )
    }
}

/// A row's figure by key (`character.cohen_kappa`), and its interval.
pub fn cell(row: &Row, key: &str) -> (Option<f64>, Option<(f64, f64)>) {
    let value = serde_json::to_value(row).ok().and_then(|v| {
        let mut at = &v;
        for part in key.split('.') {
            at = at.get(part)?;
        }
        at.as_f64()
    });
    (value, row.intervals.get(key).map(|i| (i.low, i.high)))
}

/// `0.812 [0.701, 0.903]`
pub fn with_interval(c: (Option<f64>, Option<(f64, f64)>)) -> String {
    match c {
        (Some(v), Some((lo, hi))) => format!("{v:.3} [{lo:.3}, {hi:.3}]"),
        (v, _) => figure(v),
    }
}

impl MethodsReport {
    /// The pooled rows of codable codes in codebook order, then overall.
    pub fn reliability_rows(&self) -> Vec<(String, usize, &Row)> {
        let mut out = Vec::new();
        for (id, depth, codable, _) in &self.codes {
            if !codable {
                continue;
            }
            if let Some(row) = self
                .agreement
                .rows
                .iter()
                .find(|r| r.code.as_deref() == Some(id) && r.transcript.is_none())
            {
                out.push((id.clone(), *depth, row));
            }
        }
        if let Some(row) = self
            .agreement
            .rows
            .iter()
            .find(|r| r.code.is_none() && r.transcript.is_none())
        {
            out.push(("overall".to_string(), 0, row));
        }
        out
    }
}
