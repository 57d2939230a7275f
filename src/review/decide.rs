//! Turning a reviewer's choice about a unit into a decision line.

use crate::agreement::spans::merge;
use crate::align::ReviewUnit;
use crate::study::{Action, Decision, ResultSpan};

/// What the reviewer chose for a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// One coder's version (the coder's id).
    Accept(String),
    /// Every coder's excerpts, merged per code.
    Union,
    /// Nothing is coded here.
    Reject,
    /// An edited result.
    Custom(Vec<ResultSpan>),
}

/// The decision for `unit`. The effects layer hands in what the pure core
/// cannot know: a fresh id, the reviewer, and the time.
pub fn decision_for(
    unit: &ReviewUnit,
    choice: &Choice,
    id: String,
    reviewer: String,
    at: String,
    note: String,
) -> Decision {
    let (action, chosen, result) = match choice {
        Choice::Accept(coder) => (
            Action::Accept,
            Some(coder.clone()),
            merged(unit, |c| c == coder),
        ),
        Choice::Union => (Action::Union, None, merged(unit, |_| true)),
        Choice::Reject => (Action::Reject, None, Vec::new()),
        Choice::Custom(spans) => (Action::Custom, None, spans.clone()),
    };
    let mut basis: Vec<String> = unit.excerpts.iter().map(|e| e.coding.to_string()).collect();
    basis.sort();
    Decision {
        id,
        unit: unit.id.to_string(),
        basis,
        action,
        reverts: None,
        chosen,
        result,
        reviewer,
        at,
        note,
    }
}

/// The line that marks `unit` "needs discussion" with `note`: recorded and
/// committed like a decision, it settles nothing.
pub fn discussion_for(
    unit: &ReviewUnit,
    id: String,
    reviewer: String,
    at: String,
    note: String,
) -> Decision {
    let mut basis: Vec<String> = unit.excerpts.iter().map(|e| e.coding.to_string()).collect();
    basis.sort();
    Decision {
        id,
        unit: unit.id.to_string(),
        basis,
        action: Action::Discuss,
        reverts: None,
        chosen: None,
        result: Vec::new(),
        reviewer,
        at,
        note,
    }
}

/// The line that undoes `decision`.
pub fn revert_of(decision: &Decision, id: String, reviewer: String, at: String) -> Decision {
    Decision {
        id,
        unit: decision.unit.clone(),
        basis: decision.basis.clone(),
        action: Action::Revert,
        reverts: Some(decision.id.clone()),
        chosen: None,
        result: Vec::new(),
        reviewer,
        at,
        note: String::new(),
    }
}

/// The excerpts of the coders `take` accepts, merged per code where they
/// overlap or touch, by code then position.
fn merged(unit: &ReviewUnit, take: impl Fn(&str) -> bool) -> Vec<ResultSpan> {
    let mut codes: Vec<&str> = unit
        .excerpts
        .iter()
        .filter(|e| take(&e.coder))
        .map(|e| e.code.as_str())
        .collect();
    codes.sort();
    codes.dedup();
    let mut out = Vec::new();
    for code in codes {
        let mut spans: Vec<(usize, usize)> = unit
            .excerpts
            .iter()
            .filter(|e| take(&e.coder) && e.code == code)
            .map(|e| (e.start, e.end))
            .collect();
        spans.sort();
        for (start, end) in merge(&spans) {
            out.push(ResultSpan {
                code: code.to_string(),
                start,
                end,
            });
        }
    }
    out
}

/// What a decision did, in a commit message's words:
/// `fg2 1520-1788 self-efficacy/maintenance: accept coder-b`.
pub fn describe(
    unit: &ReviewUnit,
    decision: &Decision,
    code_label: impl Fn(&str) -> String,
) -> String {
    let mut codes: Vec<&str> = unit.excerpts.iter().map(|e| e.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    let labels: Vec<String> = codes.iter().map(|c| code_label(c)).collect();
    let what = match decision.action {
        Action::Accept => format!("accept {}", decision.chosen.as_deref().unwrap_or("?")),
        Action::Union => "accept the union".to_string(),
        Action::Reject => "reject (nothing coded)".to_string(),
        Action::Custom => {
            let result: Vec<String> = decision
                .result
                .iter()
                .map(|r| format!("{} {}-{}", code_label(&r.code), r.start, r.end))
                .collect();
            format!("custom: {}", result.join(", "))
        }
        Action::Revert => format!(
            "undo {}",
            decision.reverts.as_deref().unwrap_or("an earlier decision")
        ),
        Action::Discuss => "needs discussion".to_string(),
    };
    format!(
        "{} {}-{} {}: {}",
        unit.transcript,
        unit.start,
        unit.end,
        labels.join(", "),
        what
    )
}

/// What an undo did: `fg2 1520-1788 self-efficacy/maintenance: undo accept
/// coder-b (d-01hx…)`, naming what the reverted line had done, not only its id.
pub fn describe_undo(
    unit: &ReviewUnit,
    reverted: &Decision,
    code_label: impl Fn(&str) -> String,
) -> String {
    let done = describe(unit, reverted, code_label);
    let what = done.rsplit_once(": ").map(|(_, w)| w).unwrap_or(&done);
    let head = done.rsplit_once(": ").map(|(h, _)| h).unwrap_or("");
    format!("{head}: undo {what} ({})", reverted.id)
}

/// A commit message: the one-line summary, and the note as its body when
/// there is one (so `git log` shows why, not only what).
pub fn commit_message(summary: &str, note: &str) -> String {
    let note = note.trim();
    if note.is_empty() {
        summary.to_string()
    } else {
        format!("{summary}\n\nNote: {note}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::{UnitClass, UnitExcerpt};
    use crate::review::standing::{Standing, standings};
    use crate::study::DecisionFile;

    fn unit() -> ReviewUnit {
        let ex = |coder: &str, coding: &str, code: &str, start, end| UnitExcerpt {
            coder: coder.into(),
            coding: coding.into(),
            code: code.into(),
            start,
            end,
        };
        ReviewUnit {
            id: "t:10-40:abcd".into(),
            transcript: "t".into(),
            start: 10,
            end: 40,
            class: UnitClass::Boundary,
            excerpts: vec![
                ex("a", "c-1", "x", 10, 30),
                ex("b", "c-2", "x", 12, 40),
                ex("a", "c-3", "x", 28, 35),
            ],
            pairs: vec![],
        }
    }

    fn decide(choice: Choice) -> Decision {
        decision_for(
            &unit(),
            &choice,
            "d-1".into(),
            "R <r@x.org>".into(),
            "2026-01-01T00:00:00Z".into(),
            String::new(),
        )
    }

    #[test]
    fn accept_takes_one_coders_excerpts_merged() {
        let d = decide(Choice::Accept("a".into()));
        assert_eq!(d.action, Action::Accept);
        assert_eq!(d.chosen.as_deref(), Some("a"));
        assert_eq!(
            d.result,
            vec![ResultSpan {
                code: "x".into(),
                start: 10,
                end: 35
            }]
        );
        assert_eq!(d.basis, ["c-1", "c-2", "c-3"]);
    }

    #[test]
    fn union_and_reject() {
        assert_eq!(
            decide(Choice::Union).result,
            vec![ResultSpan {
                code: "x".into(),
                start: 10,
                end: 40
            }]
        );
        assert!(decide(Choice::Reject).result.is_empty());
    }

    #[test]
    fn standing_follows_the_log() {
        let u = unit();
        let d = decide(Choice::Union);
        let file = |ds: Vec<Decision>| {
            vec![DecisionFile {
                transcript: "t".into(),
                lines: (1..=ds.len()).collect(),
                decisions: ds,
            }]
        };
        let s = standings(std::slice::from_ref(&u), &file(vec![]));
        assert_eq!(s[u.id.as_str()], Standing::Open);
        let s = standings(std::slice::from_ref(&u), &file(vec![d.clone()]));
        assert_eq!(s[u.id.as_str()], Standing::Decided("d-1".into()));
        // Undone: open again.
        let undo = revert_of(&d, "d-2".into(), "R".into(), "t".into());
        let s = standings(std::slice::from_ref(&u), &file(vec![d.clone(), undo]));
        assert_eq!(s[u.id.as_str()], Standing::Open);
        // Two live decisions for one unit: a conflict.
        let mut other = d.clone();
        other.id = "d-3".into();
        let s = standings(std::slice::from_ref(&u), &file(vec![d.clone(), other]));
        assert_eq!(
            s[u.id.as_str()],
            Standing::Conflict(vec!["d-1".into(), "d-3".into()])
        );
        // A coder recoded: the unit's codings changed, the decision is stale.
        let mut recoded = u.clone();
        recoded.excerpts[1].coding = "c-9".into();
        recoded.id = "t:10-40:ffff".into();
        let s = standings(std::slice::from_ref(&recoded), &file(vec![d]));
        assert_eq!(s[recoded.id.as_str()], Standing::Stale("d-1".into()));
    }

    #[test]
    fn a_stale_unit_whose_codings_now_agree_is_agreed() {
        let u = unit();
        let d = decide(Choice::Union);
        // A coder recoded so that both now coded the same: the unit is an agreement.
        let mut recoded = u.clone();
        recoded.excerpts[1].coding = "c-9".into();
        recoded.id = "t:10-40:eeee".into();
        recoded.class = UnitClass::Agreement;
        let files = vec![DecisionFile {
            transcript: "t".into(),
            lines: vec![1],
            decisions: vec![d],
        }];
        let s = standings(std::slice::from_ref(&recoded), &files);
        assert_eq!(s[recoded.id.as_str()], Standing::Agreed);
    }

    #[test]
    fn a_discussion_mark_flags_the_unit_until_a_decision_settles_it() {
        let u = unit();
        let file = |ds: Vec<Decision>| {
            vec![DecisionFile {
                transcript: "t".into(),
                lines: (1..=ds.len()).collect(),
                decisions: ds,
            }]
        };
        let mark = discussion_for(&u, "d-1".into(), "R".into(), "t".into(), "ask A".into());
        let s = standings(std::slice::from_ref(&u), &file(vec![mark.clone()]));
        assert_eq!(s[u.id.as_str()], Standing::Discussion("d-1".into()));
        assert!(s[u.id.as_str()].is_open());
        // A decision after the meeting settles it; the mark is not a second decision.
        let d = decide(Choice::Union);
        let mut d = d;
        d.id = "d-2".into();
        let s = standings(std::slice::from_ref(&u), &file(vec![mark.clone(), d]));
        assert_eq!(s[u.id.as_str()], Standing::Decided("d-2".into()));
        // Undoing the mark opens the unit again.
        let undo = revert_of(&mark, "d-3".into(), "R".into(), "t".into());
        let s = standings(std::slice::from_ref(&u), &file(vec![mark, undo]));
        assert_eq!(s[u.id.as_str()], Standing::Open);
    }

    #[test]
    fn describes_decisions_for_commit_messages() {
        let d = decide(Choice::Accept("b".into()));
        let msg = describe(&unit(), &d, |c| format!("group/{c}"));
        assert_eq!(msg, "t 10-40 group/x: accept b");
        assert_eq!(commit_message(&msg, ""), msg);
        assert_eq!(
            commit_message(&msg, " B keeps the turn "),
            "t 10-40 group/x: accept b\n\nNote: B keeps the turn"
        );
    }

    #[test]
    fn an_undo_says_what_it_undid() {
        let d = decide(Choice::Accept("b".into()));
        let msg = describe_undo(&unit(), &d, |c| format!("group/{c}"));
        assert_eq!(msg, "t 10-40 group/x: undo accept b (d-1)");
    }
}
