//! The units pane's filters beyond standing and class: one transcript,
//! one pair of coders (the units where those two differ), and one case
//! variable's value (the transcripts `cases.toml` gives it, as `--where`). Pure; `State`
//! holds a [`Filters`] and `visible_units` asks it.

use std::collections::BTreeSet;

use crate::align::{ReviewUnit, UnitClass};
use crate::study::cases::{Where, conditions, ids_where};
use crate::tui::data::ReviewData;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only this transcript's units.
    pub transcript: Option<String>,
    /// Only units where these two coders (indices into `data.coders`) differ.
    pub pair: Option<(usize, usize)>,
    /// Only units of the transcripts with this `variable=value`, and those transcripts.
    pub case: Option<(Where, BTreeSet<String>)>,
}

impl Filters {
    pub fn admits(&self, data: &ReviewData, unit: &ReviewUnit) -> bool {
        self.transcript
            .as_ref()
            .is_none_or(|t| unit.transcript == *t)
            && self
                .pair
                .is_none_or(|(a, b)| pair_differs(data, unit, a, b))
            && self
                .case
                .as_ref()
                .is_none_or(|(_, ts)| ts.contains(unit.transcript.as_str()))
    }

    pub fn is_empty(&self) -> bool {
        self.transcript.is_none() && self.pair.is_none() && self.case.is_none()
    }

    /// The next `variable=value` of the study's cases, then none.
    pub fn next_case(&mut self, data: &ReviewData) {
        let all = conditions(&data.study.cases);
        let next = match &self.case {
            None => all.first(),
            Some((cur, _)) => all
                .iter()
                .position(|w| w == cur)
                .and_then(|i| all.get(i + 1)),
        };
        self.case = next.map(|w| {
            let ids = data.study.transcripts.iter().map(|t| t.id.as_str());
            let set =
                ids_where(&data.study.cases, ids, std::slice::from_ref(w)).unwrap_or_default();
            (w.clone(), set)
        });
    }

    /// The next transcript in study order, then none.
    pub fn next_transcript(&mut self, data: &ReviewData) {
        let ids: Vec<&str> = data
            .study
            .transcripts
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        self.transcript = match &self.transcript {
            None => ids.first().map(|s| s.to_string()),
            Some(cur) => ids
                .iter()
                .position(|t| t == cur)
                .and_then(|i| ids.get(i + 1))
                .map(|s| s.to_string()),
        };
    }

    /// The next pair of coders (1-2, 1-3, ..., 2-3, ...), then none.
    pub fn next_pair(&mut self, data: &ReviewData) {
        let n = data.coders.len();
        let pairs: Vec<(usize, usize)> = (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .collect();
        self.pair = match self.pair {
            None => pairs.first().copied(),
            Some(cur) => pairs
                .iter()
                .position(|p| *p == cur)
                .and_then(|i| pairs.get(i + 1))
                .copied(),
        };
    }

    /// "fg1, coders 1–2": what the filters keep, short, for titles.
    pub fn describe_short(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(t) = &self.transcript {
            parts.push(t.clone());
        }
        if let Some((a, b)) = self.pair {
            parts.push(format!("coders {}–{}", a + 1, b + 1));
        }
        if let Some((w, _)) = &self.case {
            parts.push(format!("{}={}", w.variable, w.value));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// "fg1, Priya Raman vs Tom Becker": what the filters keep, for messages.
    pub fn describe(&self, data: &ReviewData) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(t) = &self.transcript {
            parts.push(t.clone());
        }
        if let Some((a, b)) = self.pair {
            let name = |i: usize| data.coders.get(i).map_or("?", |c| c.name.as_str());
            parts.push(format!("{} vs {}", name(a), name(b)));
        }
        if let Some((w, ts)) = &self.case {
            let n = ts.len();
            parts.push(format!(
                "{}={} ({n} transcript{})",
                w.variable,
                w.value,
                if n == 1 { "" } else { "s" }
            ));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Whether coders `a` and `b` differ on this unit: one coded it and the
/// other did not, or both did with other codes or boundaries.
pub fn pair_differs(data: &ReviewData, unit: &ReviewUnit, a: usize, b: usize) -> bool {
    let (Some(ca), Some(cb)) = (data.coders.get(a), data.coders.get(b)) else {
        return false;
    };
    let coded = |id: &str| unit.excerpts.iter().any(|e| e.coder == id);
    if !coded(&ca.id) && !coded(&cb.id) {
        return false;
    }
    match unit
        .pairs
        .iter()
        .find(|p| p.coders.iter().any(|c| *c == ca.id) && p.coders.iter().any(|c| *c == cb.id))
    {
        Some(p) => p.class != UnitClass::Agreement,
        // Two coders: the unit's class is the pair's.
        None => unit.class != UnitClass::Agreement,
    }
}

/// `T`, `P`, `F`: change a filter and say what the pane shows now.
pub fn on_filter_key(state: &mut crate::tui::state::State, command: crate::tui::keymap::Command) {
    use crate::tui::keymap::Command;
    use crate::tui::state::{StandingFilter, Tone};
    let Some(data) = &state.data else { return };
    let agreement = state.screen == crate::tui::state::Screen::Agreement;
    // The agreement view keeps the code under its cursor under it.
    let here = agreement
        .then(|| {
            crate::tui::update::agreement_rows(state)
                .get(state.agreement_cursor)
                .cloned()
        })
        .flatten();
    match command {
        Command::FilterTranscript => state.filters.next_transcript(data),
        Command::FilterPair => {
            if data.coders.len() < 2 {
                state.say("a pair filter needs two coders", Tone::Info);
                return;
            }
            state.filters.next_pair(data)
        }
        Command::FilterCase => {
            if conditions(&data.study.cases).is_empty() {
                state.say(
                    "no case variables: cases.toml gives transcripts variables (docs/format.md)",
                    Tone::Info,
                );
                return;
            }
            state.filters.next_case(data)
        }
        Command::ClearFilters => {
            state.filters = Filters::default();
            state.class_filter = None;
            state.filter = StandingFilter::All;
        }
        _ => return,
    }
    if agreement {
        crate::tui::update::agreement_keep_cursor(state, here);
        let Some(data) = &state.data else { return };
        let whose = match crate::tui::agreement_list::shown_pair(data, state.filters.pair) {
            Some(_) => {
                let (a, b) = state.filters.pair.unwrap_or_default();
                let name = |i: usize| data.coders.get(i).map_or("?", |c| c.name.as_str());
                format!(
                    "figures of {} and {} alone (P: next pair)",
                    name(a),
                    name(b)
                )
            }
            None if data.coders.len() >= 3 => {
                "figures of all coders (P: one pair's figures)".to_string()
            }
            None => "figures of both coders".to_string(),
        };
        state.say(whose, Tone::Info);
        return;
    }
    // The selection follows the filter: the unit stays if it still shows.
    let visible = state.visible_units();
    if state.unit.is_some_and(|u| !visible.contains(&u)) {
        state.unit = visible.first().copied();
    }
    let Some(data) = &state.data else { return };
    let what = state
        .filters
        .describe(data)
        .unwrap_or_else(|| "every transcript and coder".into());
    let count = format!("{} of {}", visible.len(), state.scope_units());
    state.say(format!("{count} units: {what}"), Tone::Info);
}
