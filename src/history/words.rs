//! Word-level differences between two versions of a text, made with
//! `similar`: what a reviewer reads to see how a definition changed.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Same,
    Removed,
    Added,
}

/// A run of words that is the same on both sides, only in the older text,
/// or only in the newer one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub op: Op,
    pub text: String,
}

/// The word diff of `old` and `new`, adjacent words of one kind joined.
/// Joining the `Same` and `Removed` pieces gives `old`; the `Same` and
/// `Added` pieces give `new`.
///
/// A changed passage reads as one removal and one addition: the spaces
/// between changed words join the change instead of cutting it into
/// alternating one-word pieces.
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    let raw = raw_diff(old, new);
    let mut out: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i].op == Op::Same {
            push(&mut out, Op::Same, &raw[i].text);
            i += 1;
            continue;
        }
        // A run of changes, with only spaces kept between them.
        let mut last = i;
        let mut j = i;
        while j < raw.len() && (raw[j].op != Op::Same || raw[j].text.trim().is_empty()) {
            if raw[j].op != Op::Same {
                last = j;
            }
            j += 1;
        }
        let (mut removed, mut added) = (String::new(), String::new());
        for p in &raw[i..=last] {
            if p.op != Op::Added {
                removed.push_str(&p.text);
            }
            if p.op != Op::Removed {
                added.push_str(&p.text);
            }
        }
        if raw[i..=last].iter().any(|p| p.op == Op::Removed) {
            push(&mut out, Op::Removed, &removed);
        }
        if raw[i..=last].iter().any(|p| p.op == Op::Added) {
            push(&mut out, Op::Added, &added);
        }
        i = last + 1;
    }
    out
}

fn push(out: &mut Vec<Piece>, op: Op, text: &str) {
    match out.last_mut() {
        Some(p) if p.op == op => p.text.push_str(text),
        _ => out.push(Piece {
            op,
            text: text.to_string(),
        }),
    }
}

/// `similar`'s word diff, adjacent tokens of one kind joined.
fn raw_diff(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => Op::Same,
            ChangeTag::Delete => Op::Removed,
            ChangeTag::Insert => Op::Added,
        };
        match out.last_mut() {
            Some(p) if p.op == op => p.text.push_str(change.value()),
            _ => out.push(Piece {
                op,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

/// The diff as plain text with `[-removed-]` and `{+added+}` markers (the
/// notation of `git diff --word-diff`), for output that is not a terminal.
pub fn marked(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p.op {
            Op::Same => out.push_str(&p.text),
            Op::Removed => {
                out.push_str("[-");
                out.push_str(&p.text);
                out.push_str("-]");
            }
            Op::Added => {
                out.push_str("{+");
                out.push_str(&p.text);
                out.push_str("+}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_rebuild_both_texts() {
        let (a, b) = (
            "keep messaging the therapist",
            "keep writing to the therapist daily",
        );
        let d = word_diff(a, b);
        let side = |keep: Op| -> String {
            d.iter()
                .filter(|p| p.op == Op::Same || p.op == keep)
                .map(|p| p.text.as_str())
                .collect()
        };
        assert_eq!(side(Op::Removed), a);
        assert_eq!(side(Op::Added), b);
        assert_eq!(
            marked(&d),
            "keep [-messaging-]{+writing to+} the therapist{+ daily+}"
        );
    }

    #[test]
    fn a_rewritten_passage_is_one_change() {
        let (a, b) = ("get back on track with it", "get into the thread after it");
        let d = word_diff(a, b);
        assert_eq!(
            marked(&d),
            "get [-back on track with-]{+into the thread after+} it"
        );
    }

    #[test]
    fn empty_sides() {
        assert!(word_diff("", "").is_empty());
        assert_eq!(marked(&word_diff("", "new")), "{+new+}");
    }
}
