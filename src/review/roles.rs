//! Where the review stands per person: for each reviewer, the units they
//! settled and those where their decision is in conflict with another's;
//! for each coder, the units with their excerpts that are decided, still
//! open (open, stale or marked for discussion) and in conflict. What
//! `concord status` shows a team that syncs.

use std::collections::HashMap;

use serde::Serialize;

use crate::align::ReviewUnit;
use crate::review::Standing;
use crate::review::reviewed::unreviewed;
use crate::review::sync_summary::{is_you, name_of};
use crate::study::{Decision, Reviewer};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default, serde::Deserialize)]
pub struct Progress {
    pub decided: usize,
    pub open: usize,
    pub conflict: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PersonProgress {
    /// The coder's id, or the reviewer as in decisions (`Name <email>`).
    pub id: String,
    pub name: String,
    /// Listed in concord.toml (a reviewer found only in decisions is not).
    pub listed: bool,
    #[serde(flatten)]
    pub progress: Progress,
}

/// Does the decision's `reviewer` (`Name <email>`) name this listed reviewer?
fn names(listed: &Reviewer, reviewer: &str) -> bool {
    match &listed.email {
        Some(email) => is_you(reviewer, Some(&format!("{} <{email}>", listed.name))),
        None => name_of(reviewer) == listed.name.trim(),
    }
}

/// Per reviewer: units settled by them (`open` is the units nobody settled
/// yet, the same for every reviewer) and conflicts they are part of.
pub fn by_reviewer(
    listed: &[Reviewer],
    units: &[ReviewUnit],
    standings: &HashMap<String, Standing>,
    decisions: &[&Decision],
) -> Vec<PersonProgress> {
    let by_id: HashMap<&str, &Decision> = decisions.iter().map(|d| (d.id.as_str(), *d)).collect();
    let open = units
        .iter()
        .filter(|u| standings.get(u.id.as_str()).is_some_and(Standing::is_open))
        .count();
    let mut people: Vec<PersonProgress> = listed
        .iter()
        .map(|r| PersonProgress {
            id: match &r.email {
                Some(e) => format!("{} <{e}>", r.name),
                None => r.name.clone(),
            },
            name: r.name.clone(),
            listed: true,
            progress: Progress {
                open,
                ..Progress::default()
            },
        })
        .collect();
    let slot = |reviewer: &str, people: &mut Vec<PersonProgress>| -> usize {
        if let Some(i) = listed.iter().position(|l| names(l, reviewer)) {
            return i;
        }
        if let Some(i) = people.iter().position(|p| !p.listed && p.id == reviewer) {
            return i;
        }
        people.push(PersonProgress {
            id: reviewer.to_string(),
            name: name_of(reviewer).to_string(),
            listed: false,
            progress: Progress {
                open,
                ..Progress::default()
            },
        });
        people.len() - 1
    };
    for u in units {
        match standings.get(u.id.as_str()) {
            Some(Standing::Decided(id)) => {
                if let Some(d) = by_id.get(id.as_str()) {
                    let i = slot(&d.reviewer, &mut people);
                    people[i].progress.decided += 1;
                }
            }
            Some(Standing::Conflict(ids)) => {
                let mut seen = Vec::new();
                for id in ids {
                    if let Some(d) = by_id.get(id.as_str()) {
                        let i = slot(&d.reviewer, &mut people);
                        if !seen.contains(&i) {
                            seen.push(i);
                            people[i].progress.conflict += 1;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    people
}

/// Per coder (id, name): the units holding their excerpts, by standing.
pub fn by_coder(
    coders: &[(String, String)],
    units: &[ReviewUnit],
    standings: &HashMap<String, Standing>,
) -> Vec<PersonProgress> {
    coders
        .iter()
        .map(|(id, name)| {
            let mut p = Progress::default();
            for u in units
                .iter()
                .filter(|u| u.excerpts.iter().any(|e| e.coder == *id))
            {
                match standings.get(u.id.as_str()) {
                    Some(Standing::Decided(_)) | Some(Standing::Agreed) => p.decided += 1,
                    Some(Standing::Conflict(_)) => p.conflict += 1,
                    _ => p.open += 1,
                }
            }
            PersonProgress {
                id: id.clone(),
                name: name.clone(),
                listed: true,
                progress: p,
            }
        })
        .collect()
}
/// [`by_coder`] with every unit standing as its class says (as before any
/// review line), and how many of them are open: what the units no review
/// line touches count, kept with the coded files so that after a decision
/// only the reviewed transcripts' units are counted again.
pub fn unreviewed_progress(
    coders: &[(String, String)],
    units: &[ReviewUnit],
) -> (usize, Vec<PersonProgress>) {
    let standings: HashMap<String, Standing> = units
        .iter()
        .map(|u| (u.id.to_string(), unreviewed(u.class)))
        .collect();
    let open = standings.values().filter(|s| s.is_open()).count();
    (open, by_coder(coders, units, &standings))
}
