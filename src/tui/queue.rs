//! The review queue in view: where the shown unit is in the list ("unit
//! 12 of 208"), how far each code and transcript has come, going on to the
//! next open disagreement after a decision, and the "review complete"
//! screen when nothing is open. Pure.

use std::collections::BTreeMap;

use crate::review::Standing;
use crate::study::{Action as DecisionAction, Decision};
use crate::tui::data::ReviewData;
use crate::tui::state::{Screen, State, Tone};

/// The shown unit's place in the units pane's list (1-based) and the list's length.
pub fn position(state: &State) -> Option<(usize, usize)> {
    let i = state.unit?;
    let visible = state.visible_units();
    let pos = visible.iter().position(|&v| v == i)?;
    Some((pos + 1, visible.len()))
}

/// How far review has come on some units: those that needed a reviewer
/// (not agreed), and how many of them are settled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub settled: usize,
    pub to_review: usize,
}

impl Progress {
    pub fn fraction(self) -> Option<f64> {
        (self.to_review > 0).then(|| self.settled as f64 / self.to_review as f64)
    }
}

fn progress_of(data: &ReviewData, units: impl Iterator<Item = usize>) -> Progress {
    let mut p = Progress::default();
    for i in units {
        match data.standings[i] {
            Standing::Agreed => {}
            Standing::Decided(_) => {
                p.settled += 1;
                p.to_review += 1;
            }
            _ => p.to_review += 1,
        }
    }
    p
}

/// Progress per transcript, in study order.
pub fn by_transcript(data: &ReviewData) -> Vec<(String, Progress)> {
    data.study
        .transcripts
        .iter()
        .map(|t| {
            // Its units are consecutive: not a scan of every unit per
            // transcript (drawn on every frame of the codebook pane).
            (
                t.id.clone(),
                progress_of(data, data.units_of_transcript(&t.id)),
            )
        })
        .collect()
}

/// Progress of a code's subtree (None: the whole study).
pub fn of_code(data: &ReviewData, code: Option<&str>) -> Progress {
    match code {
        None => progress_of(data, 0..data.units.len()),
        Some(c) => progress_of(
            data,
            data.units_of_code
                .get(c)
                .map(|v| v.clone().into_iter())
                .unwrap_or_default(),
        ),
    }
}

/// After decisions were recorded: in the unit view, on the unit just
/// decided, go on to the next open disagreement (if `state.advance`);
/// when none is left anywhere, the review-complete screen.
pub fn after_recorded(state: &mut State, decisions: &[Decision]) {
    let Some(data) = &state.data else { return };
    let settled_here = state.unit.is_some_and(|i| {
        decisions
            .iter()
            .any(|d| d.unit == data.units[i].id && d.action.settles())
    });
    if !settled_here || state.screen != Screen::Unit || state.edit.is_some() {
        return;
    }
    if data.open_count() == 0 && state.pending.is_empty() {
        state.screen = Screen::Complete;
        return;
    }
    if state.advance {
        let message = state.message.clone();
        crate::tui::update::jump_open(state, true);
        // Keep saying what was recorded; the jump says nothing new.
        if state
            .message
            .as_ref()
            .is_none_or(|m| m.tone != Tone::Success)
        {
            state.message = message;
        }
    }
}

/// `]` / `[`: the next (previous) open disagreement, or, when none is
/// left, the review-complete screen.
pub fn next_open(state: &mut State, forward: bool) {
    let none_open = state
        .data
        .as_ref()
        .is_some_and(|d| d.open_count() == 0 && !d.units.is_empty());
    if none_open && state.pending.is_empty() {
        state.screen = Screen::Complete;
        return;
    }
    crate::tui::update::jump_open(state, forward);
}

/// `A`: advance after a decision, or stay.
pub fn toggle_advance(state: &mut State) {
    state.advance = !state.advance;
    let word = if state.advance {
        "after a decision: on to the next open disagreement"
    } else {
        "after a decision: stay on the unit"
    };
    state.say(word, Tone::Info);
}

/// How the consensus came about: units by the action that settled them
/// (accept coder-a, union, ...), and the units every coder agreed on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settlement {
    /// ("accept Coder A", n), ("both (union)", n), ... in a fixed order.
    pub by_action: Vec<(String, usize)>,
    pub agreed: usize,
    pub decided: usize,
    /// Excerpts in the consensus: decided results plus agreed units' excerpts (one coder's).
    pub consensus_excerpts: usize,
}

pub fn settlement(data: &ReviewData) -> Settlement {
    let mut counts: BTreeMap<(u8, String), usize> = BTreeMap::new();
    let mut s = Settlement::default();
    for (i, standing) in data.standings.iter().enumerate() {
        match standing {
            Standing::Agreed => {
                s.agreed += 1;
                let first = data.units[i].excerpts.first().map(|e| e.coder.clone());
                s.consensus_excerpts += data.units[i]
                    .excerpts
                    .iter()
                    .filter(|e| Some(&e.coder) == first.as_ref())
                    .count();
            }
            Standing::Decided(id) => {
                s.decided += 1;
                let Some(d) = data.decision(id) else { continue };
                s.consensus_excerpts += d.result.len();
                let key = match d.action {
                    DecisionAction::Accept => {
                        let chosen = d.chosen.clone().unwrap_or_default();
                        let name = data
                            .coders
                            .iter()
                            .find(|c| c.id == chosen)
                            .map_or(chosen.clone(), |c| c.name.clone());
                        let order = data
                            .coders
                            .iter()
                            .position(|c| c.id == chosen)
                            .unwrap_or(99);
                        (order.min(99) as u8, format!("accepted {name}'s version"))
                    }
                    DecisionAction::Union => (100, "took both (the union)".into()),
                    DecisionAction::Reject => (101, "rejected (nothing coded)".into()),
                    _ => (102, "custom result (edited)".into()),
                };
                *counts.entry(key).or_default() += 1;
            }
            _ => {}
        }
    }
    s.by_action = counts.into_iter().map(|((_, k), n)| (k, n)).collect();
    s
}
