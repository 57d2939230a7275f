//! Where each unit stands: open, decided, stale (decided once, but a coder
//! has recoded since), in conflict (two live decisions for one unit, as
//! after two reviewers' logs were merged), or marked for discussion.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::align::{ReviewUnit, UnitClass};
use crate::study::{Action, Decision, DecisionFile};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Standing {
    Open,
    /// Every coder coded the passage the same: nothing to decide.
    Agreed,
    /// Settled by this decision (its id).
    Decided(String),
    /// A decision touched this passage, but its basis is not this unit's
    /// codings any more: the unit is back in the queue.
    Stale(String),
    /// More than one live decision names this unit; the reviewer must settle which holds.
    Conflict(Vec<String>),
    /// Not settled, marked "needs discussion" by this line (its id): still
    /// in the queue, flagged ⚑ for the team's meeting.
    Discussion(String),
}

impl Standing {
    /// Whether the unit still needs a reviewer.
    pub fn is_open(&self) -> bool {
        !matches!(self, Standing::Decided(_) | Standing::Agreed)
    }
    pub fn word(&self) -> &'static str {
        match self {
            Standing::Open => "open",
            Standing::Agreed => "agreed",
            Standing::Decided(_) => "decided",
            Standing::Stale(_) => "stale",
            Standing::Conflict(_) => "conflict",
            Standing::Discussion(_) => "discussion",
        }
    }
}

/// The decisions still in force: every settling decision not reverted by a
/// later line, in log order, by transcript. Discussion marks are not
/// decisions: see [`live_discussions`].
pub fn live_decisions(files: &[DecisionFile]) -> Vec<&Decision> {
    live_lines(files)
        .into_iter()
        .filter(|d| d.action.settles())
        .collect()
}

/// The discussion marks still in force: not reverted, by unit id the last
/// one in log order (a later mark on the same unit replaces the note).
pub fn live_discussions(files: &[DecisionFile]) -> HashMap<&str, &Decision> {
    live_lines(files)
        .into_iter()
        .filter(|d| d.action == Action::Discuss)
        .map(|d| (d.unit.as_str(), d))
        .collect()
}

/// Every line that is not a revert and not reverted.
fn live_lines(files: &[DecisionFile]) -> Vec<&Decision> {
    let reverted: BTreeSet<&str> = files
        .iter()
        .flat_map(|f| f.decisions.iter())
        .filter(|d| d.action == Action::Revert)
        .filter_map(|d| d.reverts.as_deref())
        .collect();
    files
        .iter()
        .flat_map(|f| f.decisions.iter())
        .filter(|d| d.action != Action::Revert && !reverted.contains(d.id.as_str()))
        .collect()
}

/// The standing of each unit, by unit id.
pub fn standings(units: &[ReviewUnit], files: &[DecisionFile]) -> HashMap<String, Standing> {
    let live = live_decisions(files);
    let discussed = live_discussions(files);
    let mut by_unit: BTreeMap<&str, Vec<&Decision>> = BTreeMap::new();
    // Built only when some decision is not on a unit as it is now (the
    // maps cost a hash of every unit and every coding: most of this
    // function's time on a large study).
    let current: HashMap<&str, &ReviewUnit, foldhash::fast::RandomState> = if live.is_empty() {
        HashMap::default()
    } else {
        units.iter().map(|u| (u.id.as_str(), u)).collect()
    };
    let mut changed: Vec<&Decision> = Vec::new();
    for d in &live {
        match current.get(d.unit.as_str()) {
            Some(u) if same_basis(u, d) => by_unit.entry(&u.id).or_default().push(d),
            _ => changed.push(d),
        }
    }
    let mut stale: HashMap<&str, &str> = HashMap::new();
    if !changed.is_empty() {
        // Which unit each coding is in now, to find where a stale decision's basis went.
        let mut unit_of_coding: HashMap<&str, &str, foldhash::fast::RandomState> =
            HashMap::default();
        for u in units {
            for e in &u.excerpts {
                unit_of_coding.insert(&e.coding, &u.id);
            }
        }
        for d in changed {
            // The unit changed: mark every current unit holding a coding of the basis.
            for b in &d.basis {
                if let Some(u) = unit_of_coding.get(b.as_str()) {
                    stale.insert(u, &d.id);
                }
            }
        }
    }
    units
        .iter()
        .map(|u| {
            let standing = match by_unit.get(u.id.as_str()) {
                Some(ds) if ds.len() == 1 => Standing::Decided(ds[0].id.clone()),
                Some(ds) => Standing::Conflict(ds.iter().map(|d| d.id.clone()).collect()),
                None => match (stale.get(u.id.as_str()), discussed.get(u.id.as_str())) {
                    // Marked for discussion on this very unit (same codings).
                    (_, Some(d)) if same_basis(u, d) => Standing::Discussion(d.id.clone()),
                    // Recoded since the decision, and now the coders agree: nothing to decide.
                    (Some(_), _) if u.class == UnitClass::Agreement => Standing::Agreed,
                    (Some(d), _) => Standing::Stale(d.to_string()),
                    (None, _) if u.class == UnitClass::Agreement => Standing::Agreed,
                    (None, _) => Standing::Open,
                },
            };
            (u.id.to_string(), standing)
        })
        .collect()
}

fn same_basis(u: &ReviewUnit, d: &Decision) -> bool {
    let now: BTreeSet<&str> = u.excerpts.iter().map(|e| e.coding.as_str()).collect();
    let then: BTreeSet<&str> = d.basis.iter().map(String::as_str).collect();
    now == then
}
