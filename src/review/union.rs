//! The union rule for decision logs (`decisions/*.jsonl merge=union`, as
//! the `.gitattributes` that `concord init` writes tells git): when two
//! clones appended to the same log, the merged log holds every line of
//! both, each once. Nothing is dropped, so two reviewers who decided the
//! same unit both stay in the log, and the unit shows as a conflict.
//!
//! Pure text in, text out: the effects layer reads the blobs.

use std::collections::HashSet;

/// The lines of a log, without their line ends; blank lines left out.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
}

/// `theirs` (the remote's log, kept in its order) followed by every line of
/// `ours` it does not have, in our order. Each line ends with `\n`.
pub fn union_logs(ours: &str, theirs: &str) -> String {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = String::with_capacity(ours.len() + theirs.len());
    for l in lines(theirs).chain(lines(ours)) {
        if seen.insert(l) {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// The lines a commit appended: in `after` and not in `before` (each once).
pub fn added_lines<'a>(before: &str, after: &'a str) -> Vec<&'a str> {
    let had: HashSet<&str> = lines(before).collect();
    let mut seen = HashSet::new();
    lines(after)
        .filter(|l| !had.contains(l) && seen.insert(*l))
        .collect()
}

/// `log` with `added` appended, leaving out lines it already has.
pub fn append_lines(log: &str, added: &[&str]) -> String {
    let have: HashSet<&str> = lines(log).collect();
    let mut out =
        String::with_capacity(log.len() + added.iter().map(|l| l.len() + 1).sum::<usize>());
    for l in lines(log) {
        out.push_str(l);
        out.push('\n');
    }
    let mut seen = HashSet::new();
    for l in added {
        if !have.contains(l) && seen.insert(*l) {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_lines_are_kept_once() {
        let base = "a\nb\n";
        let ours = format!("{base}c\n");
        let theirs = format!("{base}d\ne\n");
        assert_eq!(union_logs(&ours, &theirs), "a\nb\nd\ne\nc\n");
    }

    #[test]
    fn a_line_removed_on_one_side_is_kept() {
        assert_eq!(union_logs("a\n", "a\nb\n"), "a\nb\n");
        assert_eq!(union_logs("a\nb\n", "b\n"), "b\na\n");
    }

    #[test]
    fn missing_final_line_end_and_crlf_are_one_line() {
        assert_eq!(union_logs("a\r\nb", "a\nb\n"), "a\nb\n");
    }

    #[test]
    fn replaying_a_commit_appends_only_what_it_added() {
        let added = added_lines("a\n", "a\nx\ny\n");
        assert_eq!(added, ["x", "y"]);
        assert_eq!(append_lines("a\nz\n", &added), "a\nz\nx\ny\n");
        // Already there (a retried sync): nothing twice.
        assert_eq!(append_lines("a\nx\n", &added), "a\nx\ny\n");
    }
}
