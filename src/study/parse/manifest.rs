//! `concord.toml`.

use crate::study::problem::{Location, Problem};
use crate::study::text::line_col;
use crate::study::types::Manifest;

use super::utf8;

pub fn parse_manifest(path: &str, bytes: &[u8]) -> Result<Manifest, Problem> {
    let text = utf8(path, bytes, "save concord.toml as UTF-8")?;
    toml::from_str::<Manifest>(text).map_err(|e| toml_problem(path, text, 0, &e, MANIFEST_HINT))
}

const MANIFEST_HINT: &str = "fix the TOML; the manifest needs [study] name = \"...\", one [[coder]] table (id, name) per coder, and optionally [agreement] segment_overlap and measure (see docs/format.md)";

/// A TOML error as a problem at the position the parser gives, shifted by
/// `line_offset` lines (front matter starts below its `+++` line).
pub(crate) fn toml_problem(
    path: &str,
    text: &str,
    line_offset: usize,
    e: &toml::de::Error,
    hint: &str,
) -> Problem {
    let (line, column) = e
        .span()
        .map(|span| line_col(text, span.start))
        .unwrap_or((1, 1));
    // The message alone; the toml crate's Display repeats the source line.
    let message = e.message().trim().replace('\n', " ");
    Problem::new(
        Location::at(path, line + line_offset, column),
        format!("invalid TOML: {message}"),
        hint.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_manifest() {
        let m = parse_manifest(
            "concord.toml",
            b"[study]\nname = \"S\"\n[[coder]]\nid = \"a\"\nname = \"A\"\n",
        )
        .unwrap();
        assert_eq!(m.study.name, "S");
        assert_eq!(m.coders.len(), 1);
        assert_eq!(m.agreement.segment_overlap, 0.9);
    }

    #[test]
    fn toml_errors_have_positions() {
        let p = parse_manifest("concord.toml", b"[study]\nname = \"S\nx = 1\n").unwrap_err();
        assert_eq!(p.location.line, 2);
        assert!(p.message.starts_with("invalid TOML"), "{}", p.message);
    }
}
