//! What `concord units` keeps in the derived cache: every unit's listing,
//! kept in columns (one entry per unit, in the units' order) so that
//! reading it back is a few large copies rather than an allocation for
//! every unit, excerpt, coding id and code. The plain listing of the
//! 150,000 units of a large study is printed from these columns alone;
//! only `--json` and the standings (after a decision) need the units
//! themselves, which the coded layer keeps (`repo/layered.rs`).

use serde::{Deserialize, Serialize};

use crate::align::{ReviewUnit, UnitClass};
use crate::review::reviewed::unreviewed;
use crate::review::{Standing, standings};
use crate::study::cases::Cases;
use crate::study::left_out::LeftOut;
use crate::study::packed::Packed;
use crate::study::text::shorten;
use crate::study::types::DecisionFile;
use crate::study::{Codebook, Decision, Loaded};

/// Longest quote shown.
const QUOTE: usize = 74;

#[derive(Serialize, Deserialize)]
pub(super) struct Listed {
    pub transcripts: Vec<String>,
    pub codebook: Codebook,
    /// cases.toml, for `--where`.
    pub cases: Cases,
    /// The codings the units could not use.
    pub left_out: LeftOut,
    /// Per unit: its transcript, an index into `transcripts`.
    pub transcript: Vec<u32>,
    pub class: Vec<UnitClass>,
    /// Per unit, the codes any coder applied in it (for `--code`):
    /// `codes[code_at[i]..code_at[i + 1]]`, indices into `code_names`.
    code_names: Vec<String>,
    codes: Vec<u32>,
    code_at: Vec<usize>,
    pub ids: Packed,
    /// The start of each unit's text, as shown.
    pub quotes: Packed,
    /// Each unit's listing (see [`Listed::human`]) before where it stands,
    /// and after it.
    heads: Packed,
    tails: Packed,
    /// Where each unit stands and the live decisions named by a conflict:
    /// kept apart (by the whole study's key, [`Review`]), so that after a
    /// decision the listing itself is neither made nor written again.
    #[serde(skip)]
    pub standings: Vec<Option<Standing>>,
    #[serde(skip)]
    pub in_conflict: Vec<Decision>,
}

/// The review's part of the listing.
#[derive(Serialize, Deserialize)]
pub(super) struct Review {
    /// As `review::standings` has them (`None`: open).
    standings: Vec<Option<Standing>>,
    /// The live decisions named by a conflict.
    in_conflict: Vec<Decision>,
}

impl Review {
    /// Whether this is a review of `listed`'s units (one standing each).
    pub fn fits(&self, listed: &Listed) -> bool {
        self.standings.len() == listed.len()
    }
}

impl Listed {
    /// Every unit's listing, without where it stands: what the coded files
    /// say, kept by their key.
    pub fn of_coded(loaded: &Loaded, units: &[ReviewUnit]) -> Listed {
        let study = &loaded.study;
        let transcripts: Vec<String> = study.transcripts.iter().map(|t| t.id.clone()).collect();
        let index: std::collections::HashMap<&str, u32> = transcripts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as u32))
            .collect();
        let mut code_names: Vec<String> = Vec::new();
        let mut code_index: std::collections::HashMap<String, u32> = Default::default();
        let mut listed = Listed {
            transcripts: Vec::new(),
            codebook: study.codebook.clone(),
            cases: study.cases.clone(),
            left_out: LeftOut::of_units(study, loaded.unparsed_codings),
            transcript: Vec::with_capacity(units.len()),
            class: Vec::with_capacity(units.len()),
            code_names: Vec::new(),
            codes: Vec::new(),
            code_at: vec![0],
            ids: Packed::default(),
            quotes: Packed::default(),
            heads: Packed::default(),
            tails: Packed::default(),
            standings: Vec::new(),
            in_conflict: Vec::new(),
        };
        for u in units {
            // A unit's transcript is one of the study's (units are made from them).
            listed.transcript.push(
                index
                    .get(u.transcript.as_str())
                    .copied()
                    .unwrap_or(u32::MAX),
            );
            listed.class.push(u.class);
            let mut codes: Vec<&str> = u.excerpts.iter().map(|e| e.code.as_str()).collect();
            codes.sort_unstable();
            codes.dedup();
            for c in codes {
                let at = *code_index.entry(c.to_string()).or_insert_with(|| {
                    code_names.push(c.to_string());
                    (code_names.len() - 1) as u32
                });
                listed.codes.push(at);
            }
            listed.code_at.push(listed.codes.len());
            listed.ids.push(&u.id);
            // Only the start is shown: slicing more would cost a long unit's text.
            let quote = study
                .transcript(&u.transcript)
                .and_then(|t| t.slice(u.start, u.end.min(u.start + QUOTE + 1)))
                .unwrap_or("");
            let quote = shorten(quote, QUOTE);
            let (head, tail) = human_parts(u, &quote);
            listed.quotes.push(&quote);
            listed.heads.push(&head);
            listed.tails.push(&tail);
        }
        listed.transcripts = transcripts;
        listed.code_names = code_names;
        listed
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The transcript of unit `i`.
    pub fn transcript_of(&self, i: usize) -> &str {
        self.transcripts
            .get(self.transcript[i] as usize)
            .map_or("", String::as_str)
    }

    /// Whether some coder applied one of `wanted` in unit `i`.
    pub fn has_code(&self, i: usize, wanted: &[&str]) -> bool {
        self.codes[self.code_at[i]..self.code_at[i + 1]]
            .iter()
            .any(|&c| wanted.contains(&self.code_names[c as usize].as_str()))
    }

    /// Where each unit stands after `decisions`: `units` are every unit
    /// the listing was made from, or those of the transcripts the review
    /// touches (`review::reviewed`), the rest standing as their class says.
    /// With them, the decisions of units in conflict.
    pub fn review(&self, units: &[ReviewUnit], decisions: &[DecisionFile]) -> Review {
        let by_id = standings(units, decisions);
        let standings: Vec<Option<Standing>> = (0..self.len())
            .map(|i| match by_id.get(self.ids.get(i)) {
                Some(Standing::Open) => None,
                Some(s) => Some(s.clone()),
                None => match unreviewed(self.class[i]) {
                    Standing::Open => None,
                    s => Some(s),
                },
            })
            .collect();
        let conflicted: std::collections::HashSet<&str> = standings
            .iter()
            .filter_map(|s| match s {
                Some(Standing::Conflict(ids)) => Some(ids.iter().map(String::as_str)),
                _ => None,
            })
            .flatten()
            .collect();
        let in_conflict = decisions
            .iter()
            .flat_map(|f| f.decisions.iter())
            .filter(|d| conflicted.contains(d.id.as_str()))
            .cloned()
            .collect();
        Review {
            standings,
            in_conflict,
        }
    }

    /// The listing with where its units stand ([`Review::fits`] it).
    pub fn with_review(mut self, review: Review) -> Listed {
        self.standings = review.standings;
        self.in_conflict = review.in_conflict;
        self
    }

    /// Three lines for unit `i`, within 80 columns: id, class, span and
    /// where it stands; each coder's codes; the quote; and in a conflict
    /// each decision on a line of its own, for the team to compare.
    pub fn human(&self, i: usize, standing: &str, decisions: &[&Decision]) -> String {
        let mut out = String::with_capacity(256);
        out.push_str(self.heads.get(i));
        out.push_str(standing);
        out.push('\n');
        out.push_str(self.tails.get(i));
        for d in decisions {
            let action = format!("{:?}", d.action).to_lowercase();
            let what = match &d.chosen {
                Some(c) => format!("{action} {c}"),
                None => action,
            };
            let note = if d.note.is_empty() {
                String::new()
            } else {
                format!(" \u{201c}{}\u{201d}", d.note)
            };
            let line = format!("{what} by {} at {}{note}", d.reviewer, d.at);
            out.push_str(&format!("  {}\n", shorten(&line, 76)));
        }
        out
    }
}

/// A unit's listing before where it stands (id, class, span) and after it
/// (each coder's codes, the quote).
fn human_parts(u: &ReviewUnit, quote: &str) -> (String, String) {
    let head = format!(
        "{}  {}  {}-{}  ",
        shorten(&u.id, 44),
        u.class.name(),
        u.start,
        u.end,
    );
    let mut coders: Vec<&str> = u.excerpts.iter().map(|e| e.coder.as_str()).collect();
    coders.sort_unstable();
    coders.dedup();
    let versions: Vec<String> = coders
        .iter()
        .map(|c| {
            let mut codes: Vec<&str> = u
                .excerpts
                .iter()
                .filter(|e| e.coder == *c)
                .map(|e| e.code.as_str())
                .collect();
            codes.sort_unstable();
            codes.dedup();
            format!("{c}: {}", codes.join(", "))
        })
        .collect();
    let tail = format!(
        "  {}\n  \u{201c}{quote}\u{201d}\n",
        shorten(&versions.join("; "), 76)
    );
    (head, tail)
}
