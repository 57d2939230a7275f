//! Which transcripts a review touches. A unit that no decision or
//! discussion line names, and that holds none of the codings a stale
//! decision was based on, stands as its class says: agreed if the coders
//! agree, else open. So where every unit stands can be found from the
//! units of the reviewed transcripts alone, and the class of the rest:
//! after a decision, a large study's listing costs what its review is.

use std::collections::BTreeSet;

use crate::align::{ReviewUnit, UnitClass};
use crate::review::Standing;
use crate::review::standing::live_decisions;
use crate::study::DecisionFile;

/// The transcripts of every decision and discussion line (their logs', and
/// those their units' ids name).
pub fn reviewed_transcripts(files: &[DecisionFile]) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for f in files.iter().filter(|f| !f.decisions.is_empty()) {
        ids.insert(f.transcript.clone());
        for d in &f.decisions {
            if let Some(t) = transcript_of_unit(&d.unit) {
                ids.insert(t.to_string());
            }
        }
    }
    ids
}

/// The transcript a unit id names (`fg1:1500-1800:9c2e`: all before the
/// last two fields, so an id with `:` in it is whole).
fn transcript_of_unit(unit: &str) -> Option<&str> {
    let mut fields = unit.rsplitn(3, ':');
    let (_hash, _span) = (fields.next()?, fields.next()?);
    fields.next()
}

/// The codings that a live decision, on a unit not among `units` as it
/// was decided, was based on and that `units` do not hold. If the study
/// still has one of them, it lies in a unit of another transcript (which
/// the decision makes stale): then `units` are not enough.
pub fn bases_elsewhere<'a>(units: &[ReviewUnit], files: &'a [DecisionFile]) -> Vec<&'a str> {
    let held: BTreeSet<&str> = units
        .iter()
        .flat_map(|u| u.excerpts.iter().map(|e| e.coding.as_str()))
        .collect();
    let decided: BTreeSet<&str> = units.iter().map(|u| u.id.as_str()).collect();
    live_decisions(files)
        .into_iter()
        .filter(|d| !decided.contains(d.unit.as_str()))
        .flat_map(|d| d.basis.iter().map(String::as_str))
        .filter(|b| !held.contains(b))
        .collect()
}

/// Where a unit no review line touches stands.
pub fn unreviewed(class: UnitClass) -> Standing {
    match class {
        UnitClass::Agreement => Standing::Agreed,
        _ => Standing::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::review_units;
    use crate::review::standings;
    use crate::study::{Action, Decision};

    #[test]
    fn a_unit_id_names_its_transcript_even_with_colons() {
        assert_eq!(transcript_of_unit("fg1:10-20:9c2e"), Some("fg1"));
        assert_eq!(transcript_of_unit("site:a:b:10-20:9c2e"), Some("site:a:b"));
        assert_eq!(transcript_of_unit("nonsense"), None);
    }

    /// The standings from the reviewed transcripts' units and the class of
    /// the rest are those from every unit, on the sample study with a
    /// decision, a discussion mark and a decision made stale.
    #[test]
    fn the_reviewed_transcripts_units_and_the_classes_give_every_standing() {
        let study = crate::study::check(&crate::sample::sample_study()).study;
        let units = review_units(&study);
        let by_transcript = |t: &str| units.iter().filter(|u| u.transcript == t).count();
        let first = &units[0];
        let later = units
            .iter()
            .find(|u| u.transcript != first.transcript && u.class != UnitClass::Agreement)
            .unwrap();
        let line = |id: &str, unit: &ReviewUnit, action: Action, basis: Vec<String>| Decision {
            id: id.into(),
            unit: unit.id.to_string(),
            basis,
            action,
            reverts: None,
            chosen: None,
            result: Vec::new(),
            reviewer: "R <r@e.org>".into(),
            at: "2026-12-02T10:00:00Z".into(),
            note: String::new(),
        };
        let basis = |u: &ReviewUnit| u.excerpts.iter().map(|e| e.coding.to_string()).collect();
        let mut stale_unit = later.clone();
        stale_unit.id = format!("{}:1-2:beef", later.transcript).into();
        let files = vec![
            DecisionFile {
                transcript: first.transcript.to_string(),
                decisions: vec![line("d1", first, Action::Reject, basis(first))],
                lines: vec![1],
            },
            DecisionFile {
                transcript: later.transcript.to_string(),
                decisions: vec![line("d2", &stale_unit, Action::Reject, basis(later))],
                lines: vec![1],
            },
        ];
        let reviewed = reviewed_transcripts(&files);
        assert_eq!(reviewed.len(), 2);
        let some: Vec<ReviewUnit> = units
            .iter()
            .filter(|u| reviewed.contains(u.transcript.as_str()))
            .cloned()
            .collect();
        assert!(some.len() < units.len() && some.len() >= by_transcript(&first.transcript));
        assert!(bases_elsewhere(&some, &files).is_empty());
        let all = standings(&units, &files);
        let from_some = standings(&some, &files);
        for u in &units {
            let s = from_some
                .get(u.id.as_str())
                .cloned()
                .unwrap_or(unreviewed(u.class));
            assert_eq!(s, all[u.id.as_str()], "{}", u.id);
        }
        assert_eq!(all[first.id.as_str()], Standing::Decided("d1".into()));
        assert_eq!(all[later.id.as_str()], Standing::Stale("d2".into()));
        // Without the later transcript's units, its basis is elsewhere.
        let only_first: Vec<ReviewUnit> = units
            .iter()
            .filter(|u| u.transcript == first.transcript)
            .cloned()
            .collect();
        assert!(!bases_elsewhere(&only_first, &files).is_empty());
    }
}
