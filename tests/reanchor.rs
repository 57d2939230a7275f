//! Re-anchoring on random transcripts and random edits (insert, delete,
//! replace; anywhere, including inside codings and on their boundaries):
//! a coding whose text survived the edit lands on text equal to its quote
//! (exactly where the text went, when the quote occurs once); every other
//! coding is kept and either still lies on its quote or is reported; a
//! decision's unit follows the codings of its basis; a coding imported
//! from another tool keeps its selection's GUIDs and name (`refi`).

use concord::align::unit_id;
use concord::study::reanchor::{OffsetMap, Outcome, move_decision, reanchor_with};
use concord::study::{Action, Coding, Decision, SelectionIds};
use proptest::prelude::*;

/// A small alphabet, so that repeats (and so ambiguous diffs) are common,
/// with multi-byte characters and line ends.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('a'),
            Just('b'),
            Just(' '),
            Just('\n'),
            Just('é'),
            Just('“'),
            Just('日'),
            proptest::char::range('c', 'z'),
        ],
        0..max,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Replace(usize, usize, String),
}

impl Edit {
    /// The edited range of the old text and the text put there.
    fn parts(&self) -> (usize, usize, &str) {
        match self {
            Edit::Insert(at, s) => (*at, *at, s),
            Edit::Delete(a, b) => (*a, *b, ""),
            Edit::Replace(a, b, s) => (*a, *b, s),
        }
    }
    fn apply(&self, old: &str) -> String {
        let (a, b, put) = self.parts();
        let chars: Vec<char> = old.chars().collect();
        let mut out: String = chars[..a].iter().collect();
        out.push_str(put);
        out.extend(&chars[b..]);
        out
    }
    /// Whether the edit left `[s, e)` alone (touching its ends is fine).
    fn spares(&self, s: usize, e: usize) -> bool {
        let (a, b, put) = self.parts();
        if a == b {
            put.is_empty() || a <= s || a >= e
        } else {
            b <= s || a >= e
        }
    }
    /// Where a span's start or end (`is_end`) outside the edit is in the
    /// new text: text inserted right at a span's end is after it.
    fn shift(&self, p: usize, is_end: bool) -> usize {
        let (a, b, put) = self.parts();
        if p < a || (is_end && p == a) {
            p
        } else {
            p - (b - a) + put.chars().count()
        }
    }
}

fn case() -> impl Strategy<Value = (String, Vec<(usize, usize)>, Edit)> {
    text(400).prop_flat_map(|t| {
        let n = t.chars().count();
        let spans = proptest::collection::vec((0..=n, 0..=n), 0..12).prop_map(|v| {
            v.into_iter()
                .filter(|(a, b)| a != b)
                .map(|(a, b)| (a.min(b), a.max(b)))
                .collect::<Vec<_>>()
        });
        (Just(t), spans).prop_flat_map(move |(t, spans)| {
            // Edit positions: anywhere, or on a coding's boundary (±1).
            let mut marks: Vec<usize> = vec![0, n];
            for &(s, e) in &spans {
                for p in [s, e] {
                    marks.extend([p.saturating_sub(1), p, (p + 1).min(n)]);
                }
            }
            let pos = prop_oneof![0..=n, proptest::sample::select(marks)];
            let edit = (pos.clone(), pos, 0..3u8, text(30)).prop_map(|(a, b, kind, put)| {
                let (a, b) = (a.min(b), a.max(b));
                match kind {
                    0 => Edit::Insert(a, if put.is_empty() { "x".into() } else { put }),
                    1 => Edit::Delete(a, b),
                    _ => Edit::Replace(a, b, put),
                }
            });
            (Just(t), Just(spans), edit)
        })
    })
}

fn codings(text: &str, spans: &[(usize, usize)]) -> Vec<Coding> {
    spans
        .iter()
        .enumerate()
        .map(|(i, &(s, e))| Coding {
            id: format!("c-{i}").into(),
            code: "x".into(),
            start: s,
            end: e,
            quote: text.chars().skip(s).take(e - s).collect(),
            memo: String::new(),
            // Every other coding came from another tool, with its selection's identity.
            refi: (i % 2 == 0).then(|| {
                Box::new(SelectionIds {
                    selection: format!("SEL-{i}"),
                    name: Some(format!("line:{i}")),
                    coding: Some(format!("COD-{i}")),
                })
            }),
        })
        .collect()
}

fn at(text: &str, s: usize, e: usize) -> Option<String> {
    (s <= e && e <= text.chars().count()).then(|| text.chars().skip(s).take(e - s).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn codings_follow_an_edit((old, spans, edit) in case()) {
        let new = edit.apply(&old);
        let before = codings(&old, &spans);
        let map = OffsetMap::between(&old, &new);
        let after = reanchor_with(&map, &old, &new, &before);

        // None dropped, none renamed, quotes and foreign identities kept.
        prop_assert_eq!(after.len(), before.len());
        for (b, a) in before.iter().zip(&after) {
            prop_assert_eq!(&a.coding.id, &b.id);
            prop_assert_eq!(&a.coding.refi, &b.refi);
            prop_assert_eq!(&a.coding.quote, &b.quote);
            prop_assert_eq!(a.was, (b.start, b.end));
            let lies_on_quote = at(&new, a.coding.start, a.coding.end).as_deref() == Some(b.quote.as_str());
            if edit.spares(b.start, b.end) {
                prop_assert!(lies_on_quote, "survived but moved off its quote: {:?} -> {:?}", b, a);
                prop_assert!(!a.needs_a_human());
                if new.matches(b.quote.as_str()).count() == 1 {
                    prop_assert_eq!(
                        (a.coding.start, a.coding.end),
                        (edit.shift(b.start, false), edit.shift(b.end, true)),
                        "the quote is unique: it must be where the text went"
                    );
                }
            } else {
                // Touched: either still on its quote, or reported.
                prop_assert!(lies_on_quote || a.outcome == Outcome::Changed, "{:?}", a);
            }
            if a.outcome == Outcome::Changed {
                prop_assert!(!lies_on_quote);
                prop_assert!(a.coding.start <= a.coding.end && a.coding.end <= new.chars().count());
            }
        }

        // A decision's unit follows its codings: when every coding of its
        // basis followed the text, its unit id is the one those codings make now.
        if !before.is_empty() {
            let ids: Vec<&str> = before.iter().map(|c| c.id.as_str()).collect();
            let s = before.iter().map(|c| c.start).min().unwrap();
            let e = before.iter().map(|c| c.end).max().unwrap();
            let d = Decision {
                id: "d-1".into(),
                unit: unit_id("t1", s, e, &ids),
                basis: ids.iter().map(|i| i.to_string()).collect(),
                action: Action::Union,
                reverts: None,
                chosen: None,
                result: vec![],
                reviewer: "R <r@example.org>".into(),
                at: "2026-11-23T10:00:00Z".into(),
                note: String::new(),
            };
            let moved = move_decision(&map, &d);
            prop_assert_eq!(&moved.basis, &d.basis);
            if after.iter().all(|a| a.outcome == Outcome::Followed) {
                let ns = after.iter().map(|a| a.coding.start).min().unwrap();
                let ne = after.iter().map(|a| a.coding.end).max().unwrap();
                prop_assert_eq!(moved.unit, unit_id("t1", ns, ne, &ids));
            }
        }
    }
}
