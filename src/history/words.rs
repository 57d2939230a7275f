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
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
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
    fn empty_sides() {
        assert!(word_diff("", "").is_empty());
        assert_eq!(marked(&word_diff("", "new")), "{+new+}");
    }
}
