//! Search (`/`, `n`, `N`): every match of the query among the codes'
//! names and ids and in the text of the review units, in one list, found
//! once; the same from either pane. A text match selects its unit and is
//! highlighted in the passage; the status line says "match 3 of 12".

use crate::tui::data::ReviewData;
use crate::tui::state::{Pane, Screen, StandingFilter, State, Tone, TreeRow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// A code whose name or id contains the query.
    Code(String),
    /// The query in a unit's text: the unit's index and the match's
    /// characters in its transcript.
    Text {
        unit: usize,
        start: usize,
        end: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub query: String,
    pub matches: Vec<Match>,
    /// Index into `matches` of the match shown.
    pub current: usize,
}

impl Search {
    pub fn current(&self) -> Option<&Match> {
        self.matches.get(self.current)
    }

    /// The characters to highlight in unit `unit`'s passage, if the match shown is there.
    pub fn highlight(&self, unit: usize) -> Option<(usize, usize)> {
        match self.current()? {
            Match::Text {
                unit: u,
                start,
                end,
            } if *u == unit => Some((*start, *end)),
            _ => None,
        }
    }
}

/// Lower case char by char, so positions stay the positions of the text.
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Every match of `query` (ignoring case): codes in codebook order, then
/// the units' text in study order.
pub fn find(data: &ReviewData, query: &str) -> Vec<Match> {
    let q: Vec<char> = query.chars().map(fold).collect();
    if q.is_empty() {
        return Vec::new();
    }
    let ql = query.to_lowercase();
    let mut out: Vec<Match> = data
        .study
        .codebook
        .codes
        .iter()
        .filter(|c| c.name().to_lowercase().contains(&ql) || c.id().to_lowercase().contains(&ql))
        .map(|c| Match::Code(c.id().to_string()))
        .collect();
    for t in &data.study.transcripts {
        let units: Vec<usize> = data.units_of_transcript(&t.id).collect();
        if units.is_empty() {
            continue;
        }
        let chars: Vec<char> = t.text.chars().map(fold).collect();
        // Units are in order and do not overlap: walk them with the matches.
        let mut k = 0;
        let mut p = 0;
        while p + q.len() <= chars.len() {
            if chars[p..p + q.len()] == q[..] {
                while k < units.len() && data.units[units[k]].end <= p {
                    k += 1;
                }
                if k == units.len() {
                    break;
                }
                let u = &data.units[units[k]];
                if u.start <= p && p + q.len() <= u.end {
                    out.push(Match::Text {
                        unit: units[k],
                        start: p,
                        end: p + q.len(),
                    });
                }
                p += q.len();
            } else {
                p += 1;
            }
        }
    }
    out
}

/// A new search from the prompt: find every match, show the first.
pub fn start(state: &mut State, query: String) {
    let Some(data) = &state.data else { return };
    let matches = find(data, &query);
    state.last_search = Some(query.clone());
    state.search = Some(Search {
        query,
        matches,
        current: 0,
    });
    show(state);
}

/// `n` (+1) and `N` (-1): the next or previous match, wrapping.
pub fn step(state: &mut State, by: isize) {
    match &mut state.search {
        None => state.say("nothing searched yet: press /", Tone::Info),
        Some(s) if s.matches.is_empty() => {}
        Some(s) => {
            let n = s.matches.len() as isize;
            s.current = ((s.current as isize + by).rem_euclid(n)) as usize;
            show(state);
        }
    }
}

/// After a reload the units may have moved: find the matches again.
pub fn refresh(state: &mut State) {
    let (Some(data), Some(s)) = (&state.data, &state.search) else {
        return;
    };
    let matches = find(data, &s.query);
    let current = s.current.min(matches.len().saturating_sub(1));
    state.search = Some(Search {
        query: s.query.clone(),
        matches,
        current,
    });
}

/// Go to the current match and say which it is.
fn show(state: &mut State) {
    let Some(s) = &state.search else { return };
    let (n, total, query) = (s.current + 1, s.matches.len(), s.query.clone());
    let Some(m) = s.current().cloned() else {
        state.say(format!("“{query}” is in no code and no unit"), Tone::Info);
        return;
    };
    let Some(data) = &state.data else { return };
    let what = match &m {
        Match::Code(id) => {
            let name = data
                .study
                .codebook
                .get(id)
                .map_or(id.clone(), |c| c.name().to_string());
            select_code(state, id);
            format!("code {name}")
        }
        Match::Text { unit, .. } => {
            let u = &data.units[*unit];
            let place = format!("{} {}-{}", u.transcript, u.start, u.end);
            select_unit(state, *unit);
            format!("text in {place}")
        }
    };
    state.say(
        format!("match {n} of {total} for “{query}”: {what}"),
        Tone::Info,
    );
}

fn select_code(state: &mut State, id: &str) {
    let Some(data) = &state.data else { return };
    let mut cur = data.study.codebook.get(id).and_then(|c| c.parent.clone());
    let mut steps = 0;
    while let Some(p) = cur {
        steps += 1;
        if steps > data.study.codebook.codes.len() {
            break;
        }
        cur = data.study.codebook.get(&p).and_then(|c| c.parent.clone());
        state.expanded.insert(p);
    }
    if let Some(row) = state
        .tree_rows()
        .iter()
        .position(|r| matches!(r, TreeRow::Code { id: rid, .. } if rid == id))
    {
        state.tree_cursor = row;
        state.unit = None;
        state.focus = Pane::Codebook;
        if state.screen == Screen::Unit {
            state.screen = Screen::Browse;
        }
    }
}

fn select_unit(state: &mut State, unit: usize) {
    state.unit = Some(unit);
    if !state.visible_units().contains(&unit) {
        // Keep the scope if the unit is in it; else show the whole study.
        state.filter = StandingFilter::All;
        state.class_filter = None;
        state.filters = Default::default();
        if !state.visible_units().contains(&unit) {
            state.tree_cursor = 0;
        }
    }
    if state.screen == Screen::Browse {
        state.focus = Pane::Units;
    }
}
