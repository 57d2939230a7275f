//! JSON Lines files: codings and decisions, one object per line.

use serde::de::DeserializeOwned;

use crate::study::problem::{Location, Problem};
use crate::study::text::line_col;

use super::utf8;

/// Every line that parses, with its 1-based line number, and a problem for
/// each line that does not. Blank lines are allowed and skipped.
pub fn parse_jsonl<T: DeserializeOwned>(
    path: &str,
    bytes: &[u8],
    hint: &str,
) -> (Vec<(usize, T)>, Vec<Problem>) {
    let mut items = Vec::new();
    let problems = each_jsonl(path, bytes, hint, |line, v| items.push((line, v)));
    (items, problems)
}

/// [`parse_jsonl`] with the line numbers and the values in two vectors,
/// each made once at its final size (a large study's 450,000 codings were
/// copied once more by every doubling and by the split of the pairs).
pub fn parse_jsonl_columns<T: DeserializeOwned>(
    path: &str,
    bytes: &[u8],
    hint: &str,
) -> (Vec<usize>, Vec<T>, Vec<Problem>) {
    let lines_at_most = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut lines = Vec::with_capacity(lines_at_most);
    let mut items = Vec::with_capacity(lines_at_most);
    let problems = each_jsonl(path, bytes, hint, |line, v| {
        lines.push(line);
        items.push(v);
    });
    (lines, items, problems)
}

/// `found(line, value)` for every line that parses, in order; a problem for
/// each line that does not.
fn each_jsonl<T: DeserializeOwned>(
    path: &str,
    bytes: &[u8],
    hint: &str,
    mut found: impl FnMut(usize, T),
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let text = match utf8(path, bytes, "save the file as UTF-8") {
        Ok(t) => t,
        Err(p) => return vec![p],
    };
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<T>(line) {
            Ok(v) => found(line_no, v),
            Err(e) => {
                // serde_json counts columns in bytes from 1; editors count characters.
                let byte = e.column().saturating_sub(1);
                let (_, column) = line_col(line, byte);
                problems.push(Problem::new(
                    Location::at(path, line_no, column),
                    format!("invalid JSON line: {}", json_message(&e)),
                    hint.to_string(),
                ));
            }
        }
    }
    problems
}

/// serde_json's message without its own " at line L column C" suffix.
fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// 1-based character column of the value of `"key":` in a JSON line, for
/// pointing a message at the field it is about (column 1 if not found).
pub fn column_of_key(line: &str, key: &str) -> usize {
    let needle = format!("\"{key}\":");
    match line.find(&needle) {
        Some(i) => line_col(line, i + needle.len()).1,
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::types::Coding;

    #[test]
    fn reports_each_bad_line_with_position() {
        let text = "{\"id\":\"c1\",\"code\":\"x\",\"start\":0,\"end\":1,\"quote\":\"a\",\"memo\":\"\"}\n{\"id\":\"c2\",\"code\":\"x\",\"start\":0,,}\n\n{\"id\":\"c3\"}\n";
        let (items, problems): (Vec<(usize, Coding)>, _) =
            parse_jsonl("codings/a/t.jsonl", text.as_bytes(), "fix it");
        assert_eq!(items.len(), 1);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].location.line, 2);
        assert_eq!(problems[0].location.column, 33);
        assert_eq!(problems[1].location.line, 4);
        assert!(
            problems[1].message.contains("missing field"),
            "{}",
            problems[1].message
        );
    }

    #[test]
    fn finds_key_columns() {
        assert_eq!(column_of_key("{\"id\":\"c\",\"code\":\"x\"}", "code"), 18);
        assert_eq!(column_of_key("{}", "code"), 1);
    }
}
