//! Codings follow an edited transcript: every coding's offsets are moved
//! through the character diff of the old and the new text, and checked
//! against its quote. A coding whose text the edit did not touch lands on
//! the same text; one whose text was changed is kept (at the nearest
//! offsets, its quote as it was, so `check` names it) and reported for a
//! human, never dropped. A coding keeps its id, so a decision's basis stays
//! valid; a decision's unit span and result spans are moved the same way.
//!
//! The diff is by lines first and by characters only inside the lines that
//! changed, so a typo fixed in a 60,000-character transcript costs a line
//! diff and a tiny character diff, not a character diff of the whole text.

use similar::{Algorithm, DiffOp, TextDiff, capture_diff_slices};

use crate::study::types::{Coding, Decision, ResultSpan, Transcript};

/// A changed stretch longer than this (old plus new characters) is not
/// diffed by characters (Myers is quadratic in the worst case): its common
/// beginning and end are kept and the middle counts as replaced.
const CHAR_DIFF_BOUND: usize = 20_000;

/// One stretch of the diff, in characters: `[old, old + old_len)` of the old
/// text became `[new, new + new_len)` of the new, unchanged or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stretch {
    old: usize,
    old_len: usize,
    new: usize,
    new_len: usize,
    same: bool,
}

/// Where each character of the old text went in the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetMap {
    /// In old-text order, covering it whole, no two unchanged ones adjacent.
    stretches: Vec<Stretch>,
    old_chars: usize,
    new_chars: usize,
}

impl OffsetMap {
    /// The character diff of `old` and `new`.
    pub fn between(old: &str, new: &str) -> OffsetMap {
        let mut b = Builder::default();
        let lines = TextDiff::configure()
            .algorithm(Algorithm::Myers)
            .diff_lines(old, new);
        let old_lines: Vec<&str> = lines.iter_old_slices().collect();
        let new_lines: Vec<&str> = lines.iter_new_slices().collect();
        let count = |s: &[&str]| s.iter().map(|l| l.chars().count()).sum::<usize>();
        for op in lines.ops().iter().copied() {
            let (o, n) = (op.old_range(), op.new_range());
            let old_part = &old_lines[o];
            let new_part = &new_lines[n];
            match op {
                DiffOp::Equal { .. } => b.push(count(old_part), count(new_part), true),
                _ => {
                    let a: Vec<char> = old_part.iter().flat_map(|l| l.chars()).collect();
                    let z: Vec<char> = new_part.iter().flat_map(|l| l.chars()).collect();
                    b.chars(&a, &z);
                }
            }
        }
        OffsetMap {
            stretches: b.stretches,
            old_chars: b.old,
            new_chars: b.new,
        }
    }

    /// Whether the texts are the same.
    pub fn is_identity(&self) -> bool {
        self.stretches.iter().all(|s| s.same)
    }

    /// The stretch that holds old character `p`.
    fn holding(&self, p: usize) -> Option<&Stretch> {
        let i = self
            .stretches
            .partition_point(|s| s.old + s.old_len <= p || (s.old_len == 0 && s.old <= p));
        self.stretches
            .get(i)
            .filter(|s| s.old <= p && p < s.old + s.old_len)
    }

    /// Where a span starting at old character `p` starts in the new text.
    pub fn start(&self, p: usize) -> usize {
        match self.holding(p) {
            Some(s) if s.same => s.new + (p - s.old),
            // Inside changed text: where the replacement starts.
            Some(s) => s.new,
            None => self.new_chars,
        }
    }

    /// Where a span ending (exclusive) at old character `p` ends in the new text.
    pub fn end(&self, p: usize) -> usize {
        if p == 0 {
            return self.start(0).min(self.new_chars);
        }
        match self.holding(p - 1) {
            Some(s) if s.same => s.new + (p - 1 - s.old) + 1,
            Some(s) => s.new + s.new_len,
            None => self.new_chars,
        }
    }

    /// Whether old characters `[start, end)` came through the edit
    /// untouched and unsplit (no insertion between two of them).
    pub fn intact(&self, start: usize, end: usize) -> bool {
        if start >= end || end > self.old_chars {
            return false;
        }
        match (self.holding(start), self.holding(end - 1)) {
            (Some(a), Some(b)) => a.same && a == b,
            _ => false,
        }
    }
}

#[derive(Default)]
struct Builder {
    stretches: Vec<Stretch>,
    old: usize,
    new: usize,
}

impl Builder {
    fn push(&mut self, old_len: usize, new_len: usize, same: bool) {
        if old_len == 0 && new_len == 0 {
            return;
        }
        match self.stretches.last_mut() {
            // Adjacent stretches of one kind are one stretch.
            Some(last) if last.same == same => {
                last.old_len += old_len;
                last.new_len += new_len;
            }
            _ => self.stretches.push(Stretch {
                old: self.old,
                old_len,
                new: self.new,
                new_len,
                same,
            }),
        }
        self.old += old_len;
        self.new += new_len;
    }

    /// A changed stretch of lines, diffed by characters.
    fn chars(&mut self, a: &[char], z: &[char]) {
        if a.len() + z.len() > CHAR_DIFF_BOUND {
            let prefix = a.iter().zip(z).take_while(|(x, y)| x == y).count();
            let rest = (a.len() - prefix).min(z.len() - prefix);
            let suffix = a
                .iter()
                .rev()
                .zip(z.iter().rev())
                .take(rest)
                .take_while(|(x, y)| x == y)
                .count();
            self.push(prefix, prefix, true);
            self.push(a.len() - prefix - suffix, z.len() - prefix - suffix, false);
            self.push(suffix, suffix, true);
            return;
        }
        for op in capture_diff_slices(Algorithm::Myers, a, z) {
            let (o, n) = (op.old_range(), op.new_range());
            self.push(o.len(), n.len(), matches!(op, DiffOp::Equal { .. }));
        }
    }
}

/// What became of one coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Its text is untouched; its offsets are the same or moved with the text around it.
    Followed,
    /// Its text was touched, but the quote is still in the transcript: the
    /// coding now lies on the occurrence nearest to where it was.
    Found,
    /// Its text was changed: the coding is kept at the nearest offsets with
    /// its old quote, for a human to look at.
    Changed,
}

/// One coding after the edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reanchored {
    pub coding: Coding,
    /// The offsets it had.
    pub was: (usize, usize),
    pub outcome: Outcome,
}

impl Reanchored {
    pub fn moved(&self) -> bool {
        self.was != (self.coding.start, self.coding.end)
    }
    pub fn needs_a_human(&self) -> bool {
        self.outcome == Outcome::Changed
    }
}

/// The occurrence of `quote` in `text` whose start is nearest to character `near`.
fn nearest(text: &Transcript, quote: &str, near: usize) -> Option<usize> {
    if quote.is_empty() {
        return None;
    }
    text.text
        .match_indices(quote)
        .map(|(byte, _)| text.char_of(byte))
        .min_by_key(|s| s.abs_diff(near))
}

/// Every coding of one transcript moved from `old` to `new` (same order,
/// same ids, none dropped).
pub fn reanchor_codings(old: &str, new: &str, codings: &[Coding]) -> Vec<Reanchored> {
    let map = OffsetMap::between(old, new);
    reanchor_with(&map, old, new, codings)
}

/// [`reanchor_codings`] with a map already made (the same map moves the
/// transcript's decisions).
pub fn reanchor_with(map: &OffsetMap, old: &str, new: &str, codings: &[Coding]) -> Vec<Reanchored> {
    let old = Transcript::new("", old);
    let new = Transcript::new("", new);
    reanchor_owned(map, &old, &new, codings.to_vec())
}

/// [`reanchor_with`] on texts whose character index is already made (one
/// transcript's codings files, one per coder, share the old text's index
/// and the new one's, which is built once as the transcript is loaded), of
/// codings handed over: each is moved, not copied.
pub fn reanchor_owned(
    map: &OffsetMap,
    old: &Transcript,
    new: &Transcript,
    codings: Vec<Coding>,
) -> Vec<Reanchored> {
    codings
        .into_iter()
        .map(|mut coding| {
            let was = (coding.start, coding.end);
            let (start, end) = (map.start(was.0), map.end(was.1).max(map.start(was.0)));
            let quoted_before = old.slice(was.0, was.1) == Some(coding.quote.as_str());
            // Untouched text needs no comparison; anything else is checked against the quote.
            let outcome = if (quoted_before && map.intact(was.0, was.1))
                || new.slice(start, end) == Some(coding.quote.as_str())
            {
                Outcome::Followed
            } else if let Some(s) = nearest(new, &coding.quote, start) {
                coding.start = s;
                coding.end = s + coding.quote.chars().count();
                return Reanchored {
                    coding,
                    was,
                    outcome: Outcome::Found,
                };
            } else {
                Outcome::Changed
            };
            coding.start = start;
            coding.end = end;
            Reanchored {
                coding,
                was,
                outcome,
            }
        })
        .collect()
}

/// A decision of the same transcript with its unit's span and its result
/// spans moved through `map` (its basis is coding ids, which do not change).
pub fn move_decision(map: &OffsetMap, d: &Decision) -> Decision {
    let mut moved = d.clone();
    if let Some((head, span, hash)) = split_unit_id(&d.unit) {
        if let Some((s, e)) = span.split_once('-') {
            if let (Ok(s), Ok(e)) = (s.parse::<usize>(), e.parse::<usize>()) {
                let (ns, ne) = (map.start(s), map.end(e).max(map.start(s)));
                moved.unit = format!("{head}:{ns}-{ne}:{hash}");
            }
        }
    }
    moved.result = d
        .result
        .iter()
        .map(|r| ResultSpan {
            code: r.code.clone(),
            start: map.start(r.start),
            end: map.end(r.end).max(map.start(r.start)),
        })
        .collect();
    moved
}

/// `fg1:1500-1800:9c2e` as (`fg1`, `1500-1800`, `9c2e`).
fn split_unit_id(unit: &str) -> Option<(&str, &str, &str)> {
    let (rest, hash) = unit.rsplit_once(':')?;
    let (head, span) = rest.rsplit_once(':')?;
    Some((head, span, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_occurrence_is_counted_in_characters() {
        let text: String = (0..200)
            .map(|i| ["a", "é", "’", "🙂", "\n"][i % 5])
            .collect();
        let t = Transcript::new("t", text);
        assert_eq!(nearest(&t, "🙂\n", 100), Some(98));
        assert_eq!(nearest(&t, "🙂\n", 0), Some(3));
        assert_eq!(nearest(&t, "x", 0), None);
        assert_eq!(nearest(&t, "", 0), None);
    }

    fn coding(id: &str, text: &str, start: usize, end: usize) -> Coding {
        Coding {
            id: id.into(),
            code: "x".into(),
            start,
            end,
            quote: text.chars().skip(start).take(end - start).collect(),
            memo: String::new(),
            refi: None,
        }
    }

    #[test]
    fn a_typo_fixed_before_a_coding_moves_it() {
        let old = "P1: I cna always send one line.\nP2: Even on bad weeks I wrote.\n";
        let new = "P1: I can always send one line.\nP2: Even on bad weeks I wrote.\n";
        let start = old.find("Even").unwrap();
        let c = coding("c-1", old, start, start + 14);
        let out = reanchor_codings(old, new, std::slice::from_ref(&c));
        assert_eq!(out[0].outcome, Outcome::Followed);
        assert_eq!(out[0].coding, c, "same length edit: same offsets");

        let new = "P1: I can\u{00e9} always send one line.\nP2: Even on bad weeks I wrote.\n";
        let out = reanchor_codings(old, new, std::slice::from_ref(&c));
        assert_eq!(out[0].coding.start, c.start + 1);
        assert!(out[0].moved());
    }

    #[test]
    fn a_coding_whose_text_was_anonymised_is_kept_and_reported() {
        let old = "P1: I told Maria about it.\n";
        let new = "P1: I told [name] about it.\n";
        let c = coding("c-1", old, 4, 25);
        let out = reanchor_codings(old, new, std::slice::from_ref(&c));
        assert_eq!(out.len(), 1);
        assert!(out[0].needs_a_human());
        assert_eq!(
            out[0].coding.quote, c.quote,
            "the old quote is kept for the human"
        );
        assert_eq!(out[0].coding.id, "c-1");
        assert_eq!((out[0].coding.start, out[0].coding.end), (4, 26));
    }

    #[test]
    fn decisions_follow_their_codings() {
        let old = "aaa bbb ccc\n";
        let new = "XX aaa bbb ccc\n";
        let map = OffsetMap::between(old, new);
        let d = Decision {
            id: "d-1".into(),
            unit: "fg1:4-7:9c2e".into(),
            basis: vec!["c-1".into()],
            action: crate::study::Action::Custom,
            reverts: None,
            chosen: None,
            result: vec![ResultSpan {
                code: "x".into(),
                start: 4,
                end: 7,
            }],
            reviewer: "R <r@example.org>".into(),
            at: "2026-11-23T10:00:00Z".into(),
            note: String::new(),
        };
        let m = move_decision(&map, &d);
        assert_eq!(m.unit, "fg1:7-10:9c2e");
        assert_eq!((m.result[0].start, m.result[0].end), (7, 10));
        assert_eq!(m.basis, d.basis);
    }
}
