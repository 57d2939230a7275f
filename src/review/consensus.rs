//! The consensus dataset: the fold of the live decisions over the review
//! units. A decided unit's codings are replaced by its decision's result;
//! a unit all coders coded alike is its common version; a unit still open
//! (undecided, stale or in conflict) has no consensus yet and is counted.

use std::collections::{BTreeMap, HashMap};

use crate::agreement::spans::merge;
use crate::align::ReviewUnit;
use crate::review::standing::{Standing, live_decisions, standings};
use crate::study::{DecisionFile, ResultSpan};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Consensus {
    /// Consensus excerpts by transcript, sorted by start, end, code.
    pub spans: BTreeMap<String, Vec<ResultSpan>>,
    /// Units settled by a decision.
    pub decided: usize,
    /// Units every coder coded alike.
    pub agreed: usize,
    /// Units with no consensus yet (open, stale or in conflict): left out.
    pub unsettled: usize,
}

pub fn consensus(units: &[ReviewUnit], decisions: &[DecisionFile]) -> Consensus {
    let standing = standings(units, decisions);
    let live: HashMap<&str, &crate::study::Decision> = live_decisions(decisions)
        .into_iter()
        .map(|d| (d.id.as_str(), d))
        .collect();
    let mut out = Consensus::default();
    for u in units {
        let spans = match settled_version(u, standing.get(u.id.as_str()), &live) {
            Some(spans) => {
                if matches!(standing.get(u.id.as_str()), Some(Standing::Decided(_))) {
                    out.decided += 1;
                } else {
                    out.agreed += 1;
                }
                spans
            }
            None => {
                out.unsettled += 1;
                Vec::new()
            }
        };
        out.spans
            .entry(u.transcript.to_string())
            .or_default()
            .extend(spans);
    }
    for spans in out.spans.values_mut() {
        spans.sort_by(|a, b| (a.start, a.end, &a.code).cmp(&(b.start, b.end, &b.code)));
        spans.dedup();
    }
    out.spans.retain(|_, s| !s.is_empty());
    out
}

/// What a settled unit holds in the consensus: a decided unit its
/// decision's result, a unit every coder coded alike the (common) first
/// coder's version, merged per code; `None` for a unit not settled (open,
/// stale, in conflict, only marked for discussion).
pub fn settled_version(
    u: &ReviewUnit,
    standing: Option<&Standing>,
    live: &HashMap<&str, &crate::study::Decision>,
) -> Option<Vec<ResultSpan>> {
    match standing {
        Some(Standing::Decided(d)) => Some(
            live.get(d.as_str())
                .map(|d| d.result.clone())
                .unwrap_or_default(),
        ),
        Some(Standing::Agreed) => {
            // Every coder's version is the same: take the first coder's.
            let first = u.excerpts.first().map(|e| e.coder.as_str());
            let mut by_code: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
            for e in u
                .excerpts
                .iter()
                .filter(|e| Some(e.coder.as_str()) == first)
            {
                by_code.entry(&e.code).or_default().push((e.start, e.end));
            }
            Some(
                by_code
                    .into_iter()
                    .flat_map(|(code, mut spans)| {
                        spans.sort();
                        merge(&spans)
                            .into_iter()
                            .map(move |(start, end)| ResultSpan {
                                code: code.to_string(),
                                start,
                                end,
                            })
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::align::review_units;
    use crate::review::{Choice, decision_for};
    use crate::study::{Action, Coder, Coding, CodingFile, Manifest, Study, StudyInfo, Transcript};

    fn coding(id: &str, code: &str, start: usize, end: usize) -> Coding {
        Coding {
            id: id.into(),
            code: code.into(),
            start,
            end,
            quote: String::new(),
            memo: String::new(),
            refi: None,
        }
    }

    /// a and b agree on [0,10); at [20,30) a coded 20-30, b 22-30 and a
    /// reviewer took b's; a's y at [50,60) is still open. Its units and
    /// decisions (also the fixture of `reconciled`'s test).
    pub(crate) fn one_boundary_decided() -> (Vec<crate::align::ReviewUnit>, Vec<DecisionFile>) {
        let file = |coder: &str, codings: Vec<Coding>| CodingFile {
            coder: coder.into(),
            transcript: "t".into(),
            lines: (1..=codings.len()).collect(),
            codings,
        };
        let study = Study {
            manifest: Some(Manifest {
                study: StudyInfo { name: "s".into() },
                coders: vec![
                    Coder {
                        id: "a".into(),
                        name: "A".into(),
                        guid: None,
                    },
                    Coder {
                        id: "b".into(),
                        name: "B".into(),
                        guid: None,
                    },
                ],
                agreement: Default::default(),
                reviewers: Vec::new(),
                sync: None,
                sources: Vec::new(),
                coding: Default::default(),
            }),
            cases: Default::default(),
            codebook: Default::default(),
            transcripts: vec![Transcript::new("t", "x".repeat(100))],
            codings: vec![
                file(
                    "a",
                    vec![
                        coding("c1", "x", 0, 10),
                        coding("c3", "x", 20, 30),
                        coding("c5", "y", 50, 60),
                    ],
                ),
                file(
                    "b",
                    vec![coding("c2", "x", 0, 10), coding("c4", "x", 22, 30)],
                ),
            ],
            decisions: vec![],
            done: vec![],
        };
        let units = review_units(&study);
        let boundary = units.iter().find(|u| u.start == 20).unwrap();
        let d = decision_for(
            boundary,
            &Choice::Accept("b".into()),
            "d1".into(),
            "R".into(),
            "t".into(),
            String::new(),
        );
        let decisions = vec![DecisionFile {
            transcript: "t".into(),
            decisions: vec![d],
            lines: vec![1],
        }];
        (units, decisions)
    }

    #[test]
    fn decisions_replace_units_and_open_units_are_counted() {
        let (units, decisions) = one_boundary_decided();
        assert_eq!(decisions[0].decisions[0].action, Action::Accept);
        let c = consensus(&units, &decisions);
        assert_eq!((c.agreed, c.decided, c.unsettled), (1, 1, 1));
        let spans: Vec<(usize, usize)> = c.spans["t"].iter().map(|s| (s.start, s.end)).collect();
        assert_eq!(spans, [(0, 10), (22, 30)]);
    }
}
