//! Review units: where coders' excerpts meet. Per transcript, a unit is a
//! maximal cluster of excerpts (from any coder) linked by overlap, i.e. by
//! sharing at least one character; excerpts that only touch are separate
//! units. Each unit is classified, for all coders together and for each
//! pair of coders:
//!
//! - **omission**: some coder has no excerpt in the unit;
//! - otherwise each coder's excerpts in the unit are reduced to a *version*:
//!   for each code, the characters the coder covered with it (excerpts of
//!   one code merged where they overlap or touch);
//! - **agreement**: every coder's version is the same (same codes, same
//!   characters for each code);
//! - **boundary** disagreement: the same set of codes, different characters;
//! - **code** disagreement: the sets of codes differ.
//!
//! Pure: it takes the study's values and returns units.

pub mod unit_id;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::agreement::spans::merge;
use crate::study::{CodingFile, Study};
pub use unit_id::unit_id;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum UnitClass {
    Agreement,
    Boundary,
    Code,
    Omission,
}

impl UnitClass {
    pub const ALL: [UnitClass; 4] = [
        UnitClass::Agreement,
        UnitClass::Boundary,
        UnitClass::Code,
        UnitClass::Omission,
    ];
    /// The word used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            UnitClass::Agreement => "agreement",
            UnitClass::Boundary => "boundary",
            UnitClass::Code => "code",
            UnitClass::Omission => "omission",
        }
    }
    pub fn parse(word: &str) -> Option<UnitClass> {
        UnitClass::ALL.into_iter().find(|c| c.name() == word)
    }
}

/// An id (a coder's, a code's, a coding's, a unit's, a transcript's) as
/// the review units and the codings hold it: up to 24 bytes inline, with
/// no allocation of its own. A large study has millions of them (every
/// coding has an id and a code; every excerpt of a unit names its coder,
/// coding and code; every pair class its two coders), and as `String`s
/// they were a quarter of the memory of a first run.
pub type Id = compact_str::CompactString;

/// One coder's excerpt as it takes part in a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct UnitExcerpt {
    pub coder: Id,
    /// The coding's id.
    pub coding: Id,
    pub code: Id,
    pub start: usize,
    pub end: usize,
}

/// The class of a unit for one pair of coders (at least one of whom coded in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PairClass {
    pub coders: [Id; 2],
    pub class: UnitClass,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ReviewUnit {
    /// Stable while its codings are: see [`unit_id`].
    pub id: Id,
    pub transcript: Id,
    /// The span of the unit: from its first excerpt's start to its last end.
    pub start: usize,
    pub end: usize,
    /// The class for all coders together.
    pub class: UnitClass,
    /// Sorted by start, end, coder, code.
    pub excerpts: Vec<UnitExcerpt>,
    /// With more than two coders, the class for each pair.
    pub pairs: Vec<PairClass>,
}

/// Every review unit of the study, transcript by transcript (study order),
/// by position within each.
pub fn review_units(study: &Study) -> Vec<ReviewUnit> {
    let coders = unit_coders(study);
    let mut by_transcript: BTreeMap<&str, Vec<UnitExcerpt>> = BTreeMap::new();
    for f in &study.codings {
        let list = by_transcript.entry(f.transcript.as_str()).or_default();
        list.extend(excerpts_of(f));
    }
    let mut units = Vec::new();
    for t in transcript_order(study) {
        if let Some(excerpts) = by_transcript.remove(t) {
            units.extend(units_of_transcript(t, &coders, excerpts));
        }
    }
    units
}

/// The coders units are made for: the manifest's, then any coder folder
/// with codings that the manifest does not list (in the study's order).
pub fn unit_coders(study: &Study) -> Vec<String> {
    let mut coders: Vec<String> = study.coders().iter().map(|c| c.id.clone()).collect();
    for f in &study.codings {
        if !coders.contains(&f.coder) {
            coders.push(f.coder.clone());
        }
    }
    coders
}

/// The excerpts of a codings file that can be in a unit (not empty or reversed).
pub fn excerpts_of(f: &CodingFile) -> impl Iterator<Item = UnitExcerpt> + '_ {
    f.codings
        .iter()
        .filter(|c| c.start < c.end)
        .map(|c| UnitExcerpt {
            coder: f.coder.as_str().into(),
            coding: c.id.as_str().into(),
            code: c.code.as_str().into(),
            start: c.start,
            end: c.end,
        })
}

/// The order of the transcripts' units in [`review_units`]: the study's
/// transcripts, then any transcript that has codings but no text, by id.
pub fn transcript_order(study: &Study) -> Vec<&str> {
    let mut order: Vec<&str> = study.transcripts.iter().map(|t| t.id.as_str()).collect();
    // A set, not `order.contains`: that made a study of 5,000 transcripts
    // cost 25 million comparisons here.
    let with_text: std::collections::HashSet<&str> = order.iter().copied().collect();
    let without: std::collections::BTreeSet<&str> = study
        .codings
        .iter()
        .map(|f| f.transcript.as_str())
        .filter(|t| !with_text.contains(t))
        .collect();
    order.extend(without);
    order
}

/// The units of one transcript from all coders' excerpts of it.
pub fn units_of_transcript(
    transcript: &str,
    coders: &[String],
    mut excerpts: Vec<UnitExcerpt>,
) -> Vec<ReviewUnit> {
    excerpts.sort_by(|a, b| {
        (a.start, a.end, &a.coder, &a.code).cmp(&(b.start, b.end, &b.coder, &b.code))
    });
    let mut units = Vec::new();
    let mut cluster: Vec<UnitExcerpt> = Vec::new();
    let mut reach = 0;
    for e in excerpts {
        if !cluster.is_empty() && e.start >= reach {
            units.push(unit(transcript, coders, std::mem::take(&mut cluster)));
        }
        reach = if cluster.is_empty() {
            e.end
        } else {
            reach.max(e.end)
        };
        cluster.push(e);
    }
    if !cluster.is_empty() {
        units.push(unit(transcript, coders, cluster));
    }
    units
}

fn unit(transcript: &str, coders: &[String], excerpts: Vec<UnitExcerpt>) -> ReviewUnit {
    let start = excerpts.iter().map(|e| e.start).min().unwrap_or(0);
    let end = excerpts.iter().map(|e| e.end).max().unwrap_or(0);
    let ids: Vec<&str> = excerpts.iter().map(|e| e.coding.as_str()).collect();
    let id = unit_id(transcript, start, end, &ids);
    let all: Vec<&str> = coders.iter().map(|c| c.as_str()).collect();
    let class = classify(&excerpts, &all).unwrap_or(UnitClass::Omission);
    let mut pairs = Vec::new();
    if coders.len() > 2 {
        for (i, a) in coders.iter().enumerate() {
            for b in &coders[i + 1..] {
                if let Some(class) = classify(&excerpts, &[a, b]) {
                    pairs.push(PairClass {
                        coders: [a.as_str().into(), b.as_str().into()],
                        class,
                    });
                }
            }
        }
    }
    ReviewUnit {
        id: id.into(),
        transcript: transcript.into(),
        start,
        end,
        class,
        excerpts,
        pairs,
    }
}

/// The class of a unit for these coders; `None` when none of them coded in it.
fn classify(excerpts: &[UnitExcerpt], coders: &[&str]) -> Option<UnitClass> {
    // Each coder's version: code -> merged spans.
    let versions: Vec<BTreeMap<&str, Vec<(usize, usize)>>> = coders
        .iter()
        .map(|coder| {
            let mut v: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
            for e in excerpts.iter().filter(|e| e.coder == *coder) {
                v.entry(e.code.as_str()).or_default().push((e.start, e.end));
            }
            for spans in v.values_mut() {
                spans.sort_unstable();
                *spans = merge(spans);
            }
            v
        })
        .collect();
    let coded = versions.iter().filter(|v| !v.is_empty()).count();
    if coded == 0 {
        return None;
    }
    if coded < versions.len() {
        return Some(UnitClass::Omission);
    }
    let first = &versions[0];
    if versions.iter().all(|v| v == first) {
        Some(UnitClass::Agreement)
    } else if versions.iter().all(|v| v.keys().eq(first.keys())) {
        Some(UnitClass::Boundary)
    } else {
        Some(UnitClass::Code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ex(coder: &str, id: &str, code: &str, start: usize, end: usize) -> UnitExcerpt {
        UnitExcerpt {
            coder: coder.into(),
            coding: id.into(),
            code: code.into(),
            start,
            end,
        }
    }

    fn classes(excerpts: Vec<UnitExcerpt>, coders: &[&str]) -> Vec<(usize, usize, UnitClass)> {
        let coders: Vec<String> = coders.iter().map(|c| c.to_string()).collect();
        units_of_transcript("t", &coders, excerpts)
            .iter()
            .map(|u| (u.start, u.end, u.class))
            .collect()
    }

    #[test]
    fn the_four_classes() {
        let units = classes(
            vec![
                ex("a", "1", "x", 0, 10),
                ex("b", "2", "x", 0, 10),
                ex("a", "3", "x", 20, 30),
                ex("b", "4", "x", 22, 30),
                ex("a", "5", "x", 40, 50),
                ex("b", "6", "y", 40, 50),
                ex("a", "7", "x", 60, 70),
            ],
            &["a", "b"],
        );
        assert_eq!(
            units,
            vec![
                (0, 10, UnitClass::Agreement),
                (20, 30, UnitClass::Boundary),
                (40, 50, UnitClass::Code),
                (60, 70, UnitClass::Omission),
            ]
        );
    }

    #[test]
    fn touching_excerpts_are_separate_units_and_chains_join() {
        let units = classes(
            vec![
                ex("a", "1", "x", 0, 10),
                ex("b", "2", "x", 10, 20),
                ex("a", "3", "y", 15, 30),
                ex("b", "4", "y", 29, 40),
            ],
            &["a", "b"],
        );
        assert_eq!(
            units,
            vec![(0, 10, UnitClass::Omission), (10, 40, UnitClass::Code)]
        );
    }

    #[test]
    fn split_excerpts_of_one_code_agree_with_one_whole() {
        let units = classes(
            vec![
                ex("a", "1", "x", 0, 5),
                ex("a", "2", "x", 5, 10),
                ex("b", "3", "x", 0, 10),
            ],
            &["a", "b"],
        );
        assert_eq!(units, vec![(0, 10, UnitClass::Agreement)]);
    }

    #[test]
    fn three_coders_get_pair_classes() {
        let coders: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let units = units_of_transcript(
            "t",
            &coders,
            vec![
                ex("a", "1", "x", 0, 10),
                ex("b", "2", "x", 0, 10),
                ex("c", "3", "x", 2, 10),
            ],
        );
        assert_eq!(units[0].class, UnitClass::Boundary);
        let pair = |a: &str, b: &str| {
            units[0]
                .pairs
                .iter()
                .find(|p| p.coders == [a, b])
                .map(|p| p.class)
        };
        assert_eq!(pair("a", "b"), Some(UnitClass::Agreement));
        assert_eq!(pair("a", "c"), Some(UnitClass::Boundary));
    }

    proptest! {
        /// Units partition the excerpts, do not overlap each other, and their
        /// ids do not depend on the order the excerpts came in.
        #[test]
        fn units_partition_excerpts(spans in prop::collection::vec((0..3usize, 0..100usize, 1..20usize, 0..3usize), 0..30)) {
            let excerpts: Vec<UnitExcerpt> = spans.iter().enumerate()
                .map(|(i, &(c, s, l, code))| ex(["a", "b", "c"][c], &format!("c{i}"), ["x", "y", "z"][code], s, s + l))
                .collect();
            let coders: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
            let units = units_of_transcript("t", &coders, excerpts.clone());
            prop_assert_eq!(units.iter().map(|u| u.excerpts.len()).sum::<usize>(), excerpts.len());
            for w in units.windows(2) {
                prop_assert!(w[0].end <= w[1].start);
            }
            let mut reversed = excerpts;
            reversed.reverse();
            let again = units_of_transcript("t", &coders, reversed);
            prop_assert_eq!(units.iter().map(|u| &u.id).collect::<Vec<_>>(), again.iter().map(|u| &u.id).collect::<Vec<_>>());
        }
    }
}
