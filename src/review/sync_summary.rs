//! What a sync brought in and sent out, and the sentence that tells the
//! team: "3 decisions by Ann in, 5 of yours out; Coder B recoded fg2 (4
//! units now stale)". Pure: the effects layer counts, this words it.

use serde::Serialize;

/// Decisions (log lines) of one reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ByReviewer {
    /// `Name <email>` as in the decision line.
    pub reviewer: String,
    pub decisions: usize,
}

/// A coder's codings of a transcript that came in changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recoded {
    pub coder: String,
    /// The coder's name from concord.toml (the id when not listed).
    pub coder_name: String,
    pub transcript: String,
    /// Units of the transcript whose decision no longer matches the codings.
    pub stale_units: usize,
}

/// A unit with more than one live decision after the sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictShown {
    pub unit: String,
    pub reviewers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Integration {
    /// Nothing new on either side.
    UpToDate,
    /// Only the remote had new commits: the branch moved forward to them.
    FastForward,
    /// Only this clone had new commits: they were pushed as they are.
    Ahead,
    /// Both had: this clone's decision commits were replayed on the remote's.
    Rebased,
    /// Both had, and this clone had other commits too: a merge commit.
    Merged,
    /// The remote branch did not exist yet: this clone's branch started it.
    Published,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncSummary {
    pub remote: String,
    pub branch: String,
    pub how: Integration,
    /// The local user (`Name <email>`), whose decisions are "yours".
    pub you: Option<String>,
    pub incoming: Vec<ByReviewer>,
    pub outgoing: Vec<ByReviewer>,
    pub recoded: Vec<Recoded>,
    pub conflicts: Vec<ConflictShown>,
    /// How many pushes were tried (more than one when the remote moved meanwhile).
    pub attempts: usize,
}

/// The name part of `Name <email>`.
pub fn name_of(person: &str) -> &str {
    person.split_once('<').map_or(person, |(n, _)| n).trim()
}

fn email_of(person: &str) -> Option<&str> {
    let (_, rest) = person.split_once('<')?;
    rest.strip_suffix('>').map(str::trim)
}

/// Whether the decision line's reviewer is the local user (same email, or
/// the same whole text when there is no email).
pub fn is_you(reviewer: &str, you: Option<&str>) -> bool {
    let Some(you) = you else { return false };
    match (email_of(reviewer), email_of(you)) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => reviewer.trim() == you.trim(),
    }
}

fn decisions(n: usize) -> String {
    format!("{n} decision{}", if n == 1 { "" } else { "s" })
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl SyncSummary {
    pub fn decisions_in(&self) -> usize {
        self.incoming.iter().map(|r| r.decisions).sum()
    }
    pub fn decisions_out(&self) -> usize {
        self.outgoing.iter().map(|r| r.decisions).sum()
    }

    /// One line for the team, as the status line and `concord sync` say it.
    pub fn sentence(&self) -> String {
        let you = self.you.as_deref();
        let mut parts = Vec::new();
        // In: "3 decisions by Ann and 1 by Ben in".
        let ins: Vec<String> = self
            .incoming
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let who = if is_you(&r.reviewer, you) {
                    "you (from another clone)".to_string()
                } else {
                    name_of(&r.reviewer).to_string()
                };
                if i == 0 {
                    format!("{} by {who}", decisions(r.decisions))
                } else {
                    format!("{} by {who}", r.decisions)
                }
            })
            .collect();
        if !ins.is_empty() {
            parts.push(format!("{} in", and_list(&ins)));
        }
        // Out: "5 of yours out", others' lines (a reviewer's clone shared) by name.
        let mine: usize = self
            .outgoing
            .iter()
            .filter(|r| is_you(&r.reviewer, you))
            .map(|r| r.decisions)
            .sum();
        let mut outs = Vec::new();
        if mine > 0 {
            outs.push(if ins.is_empty() {
                format!("{} of yours", decisions(mine))
            } else {
                format!("{mine} of yours")
            });
        }
        for r in self.outgoing.iter().filter(|r| !is_you(&r.reviewer, you)) {
            outs.push(format!(
                "{} by {}",
                decisions(r.decisions),
                name_of(&r.reviewer)
            ));
        }
        if !outs.is_empty() {
            parts.push(format!("{} out", and_list(&outs)));
        }
        let mut sentence = if parts.is_empty() {
            match self.how {
                Integration::UpToDate => "up to date: nothing new in, nothing out".to_string(),
                Integration::FastForward => "the remote's changes are in; nothing out".to_string(),
                Integration::Ahead | Integration::Published => {
                    "your commits are out; nothing new in".to_string()
                }
                Integration::Rebased | Integration::Merged => {
                    "both sides' changes are in and out".to_string()
                }
            }
        } else {
            parts.join(", ")
        };
        for r in &self.recoded {
            sentence.push_str(&format!(
                "; {} recoded {} ({} unit{} now stale)",
                r.coder_name,
                r.transcript,
                r.stale_units,
                if r.stale_units == 1 { "" } else { "s" }
            ));
        }
        if !self.conflicts.is_empty() {
            let n = self.conflicts.len();
            sentence.push_str(&format!(
                "; {n} decision conflict{} to settle ({})",
                if n == 1 { "" } else { "s" },
                and_list(
                    &self
                        .conflicts
                        .iter()
                        .take(3)
                        .map(|c| c.unit.clone())
                        .collect::<Vec<_>>()
                )
            ));
        }
        sentence
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> SyncSummary {
        SyncSummary {
            remote: "origin".into(),
            branch: "main".into(),
            how: Integration::Rebased,
            you: Some("Bea Reviewer <bea@example.org>".into()),
            incoming: vec![ByReviewer {
                reviewer: "Ann <ann@example.org>".into(),
                decisions: 3,
            }],
            outgoing: vec![ByReviewer {
                reviewer: "Bea <BEA@example.org>".into(),
                decisions: 5,
            }],
            recoded: vec![Recoded {
                coder: "coder-b".into(),
                coder_name: "coder B".into(),
                transcript: "fg2".into(),
                stale_units: 4,
            }],
            conflicts: vec![],
            attempts: 1,
        }
    }

    #[test]
    fn says_it_in_the_teams_words() {
        assert_eq!(
            summary().sentence(),
            "3 decisions by Ann in, 5 of yours out; coder B recoded fg2 (4 units now stale)"
        );
    }

    #[test]
    fn names_every_reviewer_and_the_conflicts() {
        let mut s = summary();
        s.incoming.push(ByReviewer {
            reviewer: "Ben <ben@example.org>".into(),
            decisions: 1,
        });
        s.outgoing.clear();
        s.recoded.clear();
        s.conflicts.push(ConflictShown {
            unit: "fg1:10-20:ab12".into(),
            reviewers: vec!["Ann".into(), "Bea".into()],
        });
        assert_eq!(
            s.sentence(),
            "3 decisions by Ann and 1 by Ben in; 1 decision conflict to settle (fg1:10-20:ab12)"
        );
        s.incoming.clear();
        s.conflicts.clear();
        s.how = Integration::UpToDate;
        assert_eq!(s.sentence(), "up to date: nothing new in, nothing out");
    }
}
