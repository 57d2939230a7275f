//! After reconciliation: how the consensus (the fold of the decisions,
//! [`crate::review::consensus`]) compares with each coder's own work, and
//! how the units were settled. Only settled units count (decided, or coded
//! alike by everyone); open, stale, conflicting and discussion-only units
//! are left out of both sides, and counted.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::agreement::Estimate;
use crate::agreement::character::cohen_kappa;
use crate::agreement::spans::{covered, intersection, merge};
use crate::align::ReviewUnit;
use crate::review::consensus::settled_version;
use crate::review::standing::{Standing, live_decisions, standings};
use crate::study::{Action, DecisionFile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reconciled {
    pub units: usize,
    /// Coded alike by every coder: nothing to decide.
    pub agreed: usize,
    /// Settled by a decision.
    pub decided: usize,
    /// Not settled yet (open, stale, in conflict, marked for discussion).
    pub unsettled: usize,
    /// Decided units by how: `accept <coder>`, `union`, `reject`, `edit`.
    pub by_action: BTreeMap<String, usize>,
    /// Decided units by reviewer.
    pub by_reviewer: BTreeMap<String, usize>,
    /// Each coder against the consensus.
    pub coders: Vec<CoderOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoderOutcome {
    pub coder: String,
    /// Per code (codebook order of first use), then `code: null` overall.
    pub codes: Vec<CodeOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeOutcome {
    pub code: Option<String>,
    /// Characters the coder coded with the code, in settled units.
    pub coded: u64,
    /// Of those, the characters the consensus also has with the code.
    pub stood: u64,
    /// `stood / coded`: how much of the coder's work stood.
    pub stood_share: Estimate,
    /// Characters of the consensus with the code that the coder did not code.
    pub added: u64,
    /// Cohen's kappa, coder against consensus, on the characters of every
    /// transcript outside unsettled units.
    pub kappa: Estimate,
}

/// How a decision settled its unit, in the researcher's words.
pub fn action_label(action: Action, chosen: Option<&str>) -> String {
    match action {
        Action::Accept => format!("accept {}", chosen.unwrap_or("a coder")),
        Action::Union => "union".into(),
        Action::Reject => "reject".into(),
        Action::Custom => "edit".into(),
        Action::Revert => "revert".into(),
        Action::Discuss => "discuss".into(),
    }
}

/// `coders` in study order, `codes` in codebook order, `characters` the
/// study's total length in characters.
pub fn reconciled(
    units: &[ReviewUnit],
    decisions: &[DecisionFile],
    coders: &[String],
    codes: &[String],
    characters: u64,
) -> Reconciled {
    Tally::of(units, decisions, coders, codes).figures(coders, codes, characters)
}

/// What the units add up to, before the figures are made of it. It is a
/// sum over units, so the part of the units a review does not touch can be
/// kept from before any review: after a decision only the reviewed
/// transcripts' units are counted again ([`Tally::with_review`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    units: usize,
    agreed: usize,
    decided: usize,
    unsettled: usize,
    by_action: BTreeMap<String, usize>,
    by_reviewer: BTreeMap<String, usize>,
    /// Per coder (study order), per code: [both, coder only, consensus only].
    tables: Vec<BTreeMap<String, [u64; 3]>>,
    /// Characters of unsettled units.
    outside: u64,
}

impl Tally {
    pub fn of(
        units: &[ReviewUnit],
        decisions: &[DecisionFile],
        coders: &[String],
        codes: &[String],
    ) -> Tally {
        let standing = standings(units, decisions);
        let live: HashMap<&str, &crate::study::Decision> = live_decisions(decisions)
            .into_iter()
            .map(|d| (d.id.as_str(), d))
            .collect();
        let mut out = Tally {
            units: units.len(),
            tables: vec![BTreeMap::new(); coders.len()],
            ..Tally::default()
        };
        for u in units {
            let s = standing.get(u.id.as_str());
            let Some(version) = settled_version(u, s, &live) else {
                out.unsettled += 1;
                out.outside += (u.end - u.start) as u64;
                continue;
            };
            match s {
                Some(Standing::Decided(id)) => {
                    out.decided += 1;
                    if let Some(d) = live.get(id.as_str()) {
                        *out.by_action
                            .entry(action_label(d.action, d.chosen.as_deref()))
                            .or_default() += 1;
                        *out.by_reviewer.entry(d.reviewer.clone()).or_default() += 1;
                    }
                }
                _ => out.agreed += 1,
            }
            let mut consensus: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
            for r in &version {
                consensus.entry(&r.code).or_default().push((r.start, r.end));
            }
            for spans in consensus.values_mut() {
                spans.sort_unstable();
                *spans = merge(spans);
            }
            for (i, coder) in coders.iter().enumerate() {
                let mut own: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
                for e in u.excerpts.iter().filter(|e| e.coder == *coder) {
                    own.entry(&e.code).or_default().push((e.start, e.end));
                }
                for spans in own.values_mut() {
                    spans.sort_unstable();
                    *spans = merge(spans);
                }
                let empty = Vec::new();
                for code in codes {
                    let (a, c) = (
                        own.get(code.as_str()).unwrap_or(&empty),
                        consensus.get(code.as_str()).unwrap_or(&empty),
                    );
                    if a.is_empty() && c.is_empty() {
                        continue;
                    }
                    let both = intersection(a, c) as u64;
                    let table = &mut out.tables[i];
                    if !table.contains_key(code.as_str()) {
                        table.insert(code.clone(), [0; 3]);
                    }
                    if let Some(t) = table.get_mut(code.as_str()) {
                        t[0] += both;
                        t[1] += covered(a) as u64 - both;
                        t[2] += covered(c) as u64 - both;
                    }
                }
            }
        }
        out
    }

    /// `self` (every unit, before any review) with the reviewed units
    /// counted as they stand now (`now`) rather than as they stood before
    /// any review (`before`, the same units without decisions).
    pub fn with_review(&self, before: &Tally, now: Tally) -> Tally {
        let mut out = self.clone();
        out.units = out.units - before.units + now.units;
        out.agreed = out.agreed - before.agreed + now.agreed;
        out.decided = out.decided - before.decided + now.decided;
        out.unsettled = out.unsettled - before.unsettled + now.unsettled;
        out.outside = out.outside - before.outside + now.outside;
        // Before any review nothing is decided: no action, no reviewer.
        out.by_action = now.by_action;
        out.by_reviewer = now.by_reviewer;
        for (i, table) in out.tables.iter_mut().enumerate() {
            for (code, t) in before.tables.get(i).into_iter().flatten() {
                if let Some(all) = table.get_mut(code) {
                    for k in 0..3 {
                        all[k] -= t[k];
                    }
                }
            }
            for (code, t) in now.tables.get(i).into_iter().flatten() {
                let all = table.entry(code.clone()).or_insert([0; 3]);
                for k in 0..3 {
                    all[k] += t[k];
                }
            }
            // A code no settled unit has any more has no row, as when
            // counted from every unit.
            table.retain(|_, t| t.iter().any(|&n| n > 0));
        }
        out
    }

    /// The figures: each coder against the consensus, per code in `codes`'
    /// order, then overall.
    pub fn figures(&self, coders: &[String], codes: &[String], characters: u64) -> Reconciled {
        let mut out = Reconciled {
            units: self.units,
            agreed: self.agreed,
            decided: self.decided,
            unsettled: self.unsettled,
            by_action: self.by_action.clone(),
            by_reviewer: self.by_reviewer.clone(),
            coders: Vec::new(),
        };
        let scope_length = characters.saturating_sub(self.outside);
        for (i, coder) in coders.iter().enumerate() {
            let names = [coder.clone(), "the consensus".to_string()];
            let mut all = [0u64; 3];
            let mut rows = Vec::new();
            for code in codes {
                let Some(t) = self.tables.get(i).and_then(|t| t.get(code.as_str())) else {
                    continue;
                };
                for k in 0..3 {
                    all[k] += t[k];
                }
                rows.push(outcome(Some(code.clone()), *t, scope_length, &names));
            }
            // Overall: every (character, code) pair of the scope is a unit.
            let overall_length = scope_length * codes.len() as u64;
            rows.push(outcome(None, all, overall_length, &names));
            out.coders.push(CoderOutcome {
                coder: coder.clone(),
                codes: rows,
            });
        }
        out
    }
}

fn outcome(code: Option<String>, t: [u64; 3], length: u64, names: &[String]) -> CodeOutcome {
    let [both, own, added] = t;
    let coded = both + own;
    let neither = length.saturating_sub(both + own + added);
    let scope = if code.is_some() {
        "this code in a settled unit"
    } else {
        "any code in a settled unit"
    };
    CodeOutcome {
        code,
        coded,
        stood: both,
        stood_share: Estimate::ratio(
            both as f64,
            coded as f64,
            "the coder did not apply this code in a settled unit",
        ),
        added,
        kappa: cohen_kappa([both, own, added, neither], names, scope),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// a and b agree on [0,10); at [20,30) a coded 20-30, b 22-30 and the
    /// reviewer took b's; a's y at [50,60) is still open. So 8 of a's 10
    /// characters at the boundary stood, all of b's; the open unit counts
    /// for neither side.
    #[test]
    fn what_stood_of_each_coder_and_how_units_were_settled() {
        let (units, decisions) = crate::review::consensus::tests::one_boundary_decided();
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let r = reconciled(
            &units,
            &decisions,
            &names(&["a", "b"]),
            &names(&["x", "y"]),
            100,
        );
        assert_eq!((r.units, r.agreed, r.decided, r.unsettled), (3, 1, 1, 1));
        assert_eq!(r.by_action.get("accept b"), Some(&1));
        assert_eq!(r.by_reviewer.get("R"), Some(&1));
        let x = |coder: usize| {
            r.coders[coder]
                .codes
                .iter()
                .find(|c| c.code.as_deref() == Some("x"))
                .unwrap()
                .clone()
        };
        assert_eq!((x(0).coded, x(0).stood, x(0).added), (20, 18, 0));
        assert_eq!(x(0).stood_share.value(), Some(0.9));
        assert_eq!((x(1).coded, x(1).stood, x(1).added), (18, 18, 0));
        assert_eq!(x(1).kappa.value(), Some(1.0));
        // a against the consensus, over the 90 characters outside the open
        // unit: 18 both, 2 a only, 70 neither.
        let k = x(0).kappa.value().unwrap();
        let expected = cohen_kappa([18, 2, 0, 70], &names(&["a", "c"]), "x")
            .value()
            .unwrap();
        assert!((k - expected).abs() < 1e-12, "{k} {expected}");
        // y was only in the open unit: no row for it.
        assert!(
            r.coders[0]
                .codes
                .iter()
                .all(|c| c.code.as_deref() != Some("y"))
        );
    }

    /// Kept from before any review, with the reviewed units counted again,
    /// the tally is the one counted from every unit: whichever units are
    /// taken as the reviewed ones, as long as they hold the decided one.
    #[test]
    fn the_unreviewed_tally_with_the_reviewed_units_is_the_whole_tally() {
        let (units, decisions) = crate::review::consensus::tests::one_boundary_decided();
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (coders, codes) = (names(&["a", "b"]), names(&["x", "y"]));
        let whole = Tally::of(&units, &decisions, &coders, &codes);
        let unreviewed = Tally::of(&units, &[], &coders, &codes);
        assert_ne!(whole, unreviewed);
        let decided = decisions[0].decisions[0].unit.clone();
        for mask in 0..(1u32 << units.len()) {
            let reviewed: Vec<ReviewUnit> = units
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, u)| u.clone())
                .collect();
            if !reviewed.iter().any(|u| u.id == decided) {
                continue;
            }
            let before = Tally::of(&reviewed, &[], &coders, &codes);
            let now = Tally::of(&reviewed, &decisions, &coders, &codes);
            let combined = unreviewed.with_review(&before, now);
            assert_eq!(combined, whole, "reviewed units {mask:b}");
            assert_eq!(
                combined.figures(&coders, &codes, 100),
                reconciled(&units, &decisions, &coders, &codes, 100)
            );
        }
    }
}
