//! The canonical form of every study file: fixed key order, sorted coding
//! lines, LF line ends. Reading a canonical file and writing it back gives
//! the same bytes, so a rewrite never makes a diff of its own.

use crate::study::types::{CodeHeader, Coding, Decision, Done, Manifest};

pub fn manifest_text(m: &Manifest) -> String {
    // Serializing plain structs of strings, numbers and tables cannot fail.
    toml::to_string(m).unwrap_or_default()
}

/// A code file: `+++`, the front matter, `+++`, then the body verbatim.
pub fn code_file_text(header: &CodeHeader, body: &str) -> String {
    let front = toml::to_string(header).unwrap_or_default();
    format!("+++\n{front}+++\n{body}")
}

/// One coder's codings of one transcript, one line each, sorted by start,
/// then end, then code (then id, so that the order is total).
pub fn codings_text(codings: &[Coding]) -> String {
    codings_text_of(codings)
}

/// [`codings_text`] of codings held elsewhere (not copied into a slice).
pub fn codings_text_of<'a>(codings: impl IntoIterator<Item = &'a Coding>) -> String {
    let mut sorted: Vec<&Coding> = codings.into_iter().collect();
    sorted.sort_by(|a, b| (a.start, a.end, &a.code, &a.id).cmp(&(b.start, b.end, &b.code, &b.id)));
    // About the text's length, so it is made at once rather than doubled
    // (and copied) a dozen times for a large file: the strings, and the
    // keys and numbers around them.
    let about: usize = sorted
        .iter()
        .map(|c| c.quote.len() + c.memo.len() + c.id.len() + c.code.len() + 72)
        .sum();
    lines_into(String::with_capacity(about), sorted)
}

/// A decisions log keeps its order: it is append-only.
pub fn decisions_text(decisions: &[Decision]) -> String {
    lines(decisions.iter())
}

/// One decision as the line to append to its log.
pub fn decision_line(d: &Decision) -> String {
    lines(std::iter::once(d))
}

/// One done mark as the line to append to `_done.jsonl`.
pub fn done_line(d: &Done) -> String {
    lines(std::iter::once(d))
}

fn lines<'a, T: serde::Serialize + 'a>(items: impl IntoIterator<Item = &'a T>) -> String {
    lines_into(String::new(), items)
}

/// Each item's JSON line appended to `out`, written in place (not made
/// as a string of its own and copied).
fn lines_into<'a, T: serde::Serialize + 'a>(
    out: String,
    items: impl IntoIterator<Item = &'a T>,
) -> String {
    let mut bytes = out.into_bytes();
    for item in items {
        // Struct field order is the canonical key order. Serializing plain
        // structs of strings and numbers into memory cannot fail.
        let before = bytes.len();
        if serde_json::to_writer(&mut bytes, item).is_err() {
            bytes.truncate(before);
            continue;
        }
        bytes.push(b'\n');
    }
    // serde_json writes UTF-8 only; checked rather than assumed.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::parse::code_file::parse_code_file;
    use crate::study::parse::jsonl::parse_jsonl;
    use crate::study::parse::manifest::parse_manifest;

    #[test]
    fn canonical_files_round_trip_byte_for_byte() {
        let manifest = "[study]\nname = \"S\"\n\n[[coder]]\nid = \"coder-a\"\nname = \"Coder A\"\n\n[agreement]\nsegment_overlap = 0.9\n";
        let m = parse_manifest("concord.toml", manifest.as_bytes()).unwrap();
        assert_eq!(manifest_text(&m), manifest);

        let code = "+++\nid = \"x\"\nname = \"Zoë's “code”\"\ncolor = \"#112233\"\ncodable = false\n+++\n## Definition\nText.\n";
        let (h, body) = parse_code_file("codebook/x.md", code.as_bytes()).unwrap();
        assert_eq!(code_file_text(&h, &body), code);

        let codings = "{\"id\":\"c-1\",\"code\":\"a\",\"start\":0,\"end\":4,\"quote\":\"Zoë\\n\",\"memo\":\"\"}\n{\"id\":\"c-2\",\"code\":\"b\",\"start\":0,\"end\":4,\"quote\":\"Zoë\\n\",\"memo\":\"m\"}\n";
        let (items, problems) = parse_jsonl::<Coding>("c", codings.as_bytes(), "");
        assert!(problems.is_empty());
        let items: Vec<Coding> = items.into_iter().map(|(_, c)| c).collect();
        assert_eq!(codings_text(&items), codings);
    }

    #[test]
    fn codings_are_sorted_by_start_end_code() {
        let c = |id: &str, code: &str, start, end| Coding {
            id: id.into(),
            code: code.into(),
            start,
            end,
            quote: String::new(),
            memo: String::new(),
            refi: None,
        };
        let text = codings_text(&[c("3", "b", 5, 9), c("1", "z", 0, 9), c("2", "a", 5, 9)]);
        let ids: Vec<&str> = text.lines().map(|l| &l[7..8]).collect();
        assert_eq!(ids, ["1", "2", "3"]);
    }
}
