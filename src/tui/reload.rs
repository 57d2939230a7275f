//! Live reload: what came in when the study was read again behind the
//! screen (another reviewer's decisions, a coder's new codings, an edited
//! codebook), in the words the status line shows: "2 decisions by Ann".
//!
//! The runtime watches the study (`tui/watch.rs`) and sends
//! `Action::StudyChanged`; `update` asks for `Effect::Reload`; the new data
//! comes back as `Action::Loaded`, and `update` keeps the reviewer's place
//! and says what [`Incoming`] found. Pure: two studies in, a summary out.

use std::collections::{BTreeMap, HashSet};

use crate::study::{Action, Study};

/// What a reload brought that the screen did not have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incoming {
    /// New settling decisions, by reviewer name (in the order first seen).
    pub decisions: BTreeMap<String, usize>,
    /// New "needs discussion" marks.
    pub discussions: usize,
    /// New undos.
    pub undos: usize,
    pub codings_changed: bool,
    pub codebook_changed: bool,
    pub transcripts_changed: bool,
}

/// Compare the study the screen had with the one just read.
pub fn what_came_in(old: &Study, new: &Study) -> Incoming {
    let known: HashSet<&str> = old
        .decisions
        .iter()
        .flat_map(|f| f.decisions.iter())
        .map(|d| d.id.as_str())
        .collect();
    let mut incoming = Incoming::default();
    for d in new.decisions.iter().flat_map(|f| f.decisions.iter()) {
        if known.contains(d.id.as_str()) {
            continue;
        }
        match d.action {
            Action::Revert => incoming.undos += 1,
            Action::Discuss => incoming.discussions += 1,
            _ => {
                let who = d.reviewer.split(" <").next().unwrap_or("").trim();
                let who = if who.is_empty() { "someone" } else { who };
                *incoming.decisions.entry(who.to_string()).or_default() += 1;
            }
        }
    }
    incoming.codings_changed = old.codings != new.codings;
    incoming.codebook_changed = old.codebook != new.codebook;
    incoming.transcripts_changed = old.transcripts != new.transcripts;
    incoming
}

impl Incoming {
    pub fn is_empty(&self) -> bool {
        *self == Incoming::default()
    }

    /// "2 decisions by Ann, 1 by Ben · 1 marked for discussion · codings changed".
    pub fn summary(&self) -> Option<String> {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        let mut by: Vec<String> = Vec::new();
        for (k, (who, n)) in self.decisions.iter().enumerate() {
            if k == 0 {
                by.push(format!("{} by {who}", plural(*n, "decision", "decisions")));
            } else {
                by.push(format!("{n} by {who}"));
            }
        }
        if !by.is_empty() {
            parts.push(by.join(", "));
        }
        if self.discussions > 0 {
            parts.push(format!(
                "{} for discussion",
                plural(self.discussions, "unit marked", "units marked")
            ));
        }
        if self.undos > 0 {
            parts.push(plural(self.undos, "undo", "undos"));
        }
        for (changed, what) in [
            (self.codings_changed, "codings changed"),
            (self.codebook_changed, "codebook changed"),
            (self.transcripts_changed, "transcripts changed"),
        ] {
            if changed {
                parts.push(what.to_string());
            }
        }
        (!parts.is_empty()).then(|| format!("came in: {}", parts.join(" · ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::decide::discussion_for;
    use crate::review::{Choice, decision_for};
    use crate::study::DecisionFile;

    #[test]
    fn new_decisions_are_counted_by_reviewer() {
        let old = crate::study::check(&crate::sample::sample_study()).study;
        let units = crate::align::review_units(&old);
        let mut new = old.clone();
        let d = |k: usize, who: &str| {
            decision_for(
                &units[k],
                &Choice::Union,
                format!("d-new-{k}"),
                format!("{who} <{}@x.org>", who.to_lowercase()),
                "2026-01-01T00:00:00Z".into(),
                String::new(),
            )
        };
        let mark = discussion_for(
            &units[3],
            "d-m".into(),
            "Ann <a@x.org>".into(),
            "t".into(),
            "ask".into(),
        );
        new.decisions.push(DecisionFile {
            transcript: "elsewhere".into(),
            decisions: vec![d(0, "Ann"), d(1, "Ann"), d(2, "Ben"), mark],
            lines: vec![1, 2, 3, 4],
        });
        let came = what_came_in(&old, &new);
        assert_eq!(
            came.summary().unwrap(),
            "came in: 2 decisions by Ann, 1 by Ben · 1 unit marked for discussion"
        );
        // Nothing new: nothing to say.
        assert!(what_came_in(&new, &new).is_empty());
        assert_eq!(what_came_in(&new, &new).summary(), None);
    }
}
