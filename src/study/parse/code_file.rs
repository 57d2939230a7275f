//! Code files: Markdown with TOML front matter between `+++` lines, the
//! convention of Zola and Hugo.

use crate::study::problem::{Location, Problem};
use crate::study::types::CodeHeader;

use super::manifest::toml_problem;
use super::{crlf, utf8};
use crate::study::files::INDEX_FILE;
use crate::study::palette::colour_of;

pub const FENCE: &str = "+++";

const HINT: &str = "a code file starts with a +++ line, then at least id and name as TOML (color, codable, weight if wanted), then a closing +++ line, then the Markdown body (see docs/format.md)";

/// The front matter as written: only `id` and `name` are required.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenHeader {
    id: String,
    name: String,
    color: Option<String>,
    codable: Option<bool>,
    weight: Option<i64>,
    guid: Option<String>,
}

/// The header and the body (everything after the closing fence, verbatim).
pub fn parse_code_file(path: &str, bytes: &[u8]) -> Result<(CodeHeader, String), Problem> {
    let text = utf8(path, bytes, "save the code file as UTF-8")?;
    if let Some(p) = crlf(
        path,
        text,
        "convert the file to LF line ends (for example: dos2unix FILE)",
    ) {
        return Err(p);
    }
    let Some(after_open) = text.strip_prefix("+++\n") else {
        return Err(Problem::new(
            Location::at(path, 1, 1),
            "missing front matter: the file must begin with a line +++",
            HINT,
        ));
    };
    // The closing fence is the first line that is exactly `+++`.
    let mut offset = 0;
    let mut close = None;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end_matches('\n') == FENCE {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((front_end, body_start)) = close else {
        return Err(Problem::new(
            Location::at(path, 1, 1),
            "front matter is not closed: no second +++ line",
            HINT,
        ));
    };
    let front = &after_open[..front_end];
    let w: WrittenHeader =
        toml::from_str(front).map_err(|e| toml_problem(path, front, 1, &e, HINT))?;
    // A folder's `_index.md` organises the tree: not codable unless it says
    // so. A leaf is a code to apply. No colour: a stable one of the palette.
    let folder = path.ends_with(&format!("/{INDEX_FILE}")) || path == INDEX_FILE;
    let header = CodeHeader {
        color: w.color.unwrap_or_else(|| colour_of(&w.id).to_string()),
        codable: w.codable.unwrap_or(!folder),
        id: w.id,
        name: w.name,
        weight: w.weight,
        guid: w.guid,
    };
    Ok((header, after_open[body_start..].to_string()))
}

/// The trimmed text under `## {title}` in a Markdown body, up to the next
/// heading of level 1 or 2. Titles compare without regard to case.
pub fn section<'a>(body: &'a str, title: &str) -> Option<&'a str> {
    let mut start = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let bare = line.trim_end();
        let is_heading = bare.starts_with("# ") || bare.starts_with("## ");
        if let Some(s) = start {
            if is_heading {
                return Some(body[s..offset].trim());
            }
        } else if let Some(h) = bare.strip_prefix("## ") {
            if h.trim().eq_ignore_ascii_case(title) {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    start.map(|s| body[s..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "+++\nid = \"x\"\nname = \"X\"\ncolor = \"#112233\"\ncodable = true\n+++\n## Definition\nThe def.\n\n## When to use\nUse.\n";

    #[test]
    fn splits_header_and_body() {
        let (h, body) = parse_code_file("codebook/x.md", FILE.as_bytes()).unwrap();
        assert_eq!(h.id, "x");
        assert!(h.codable);
        assert_eq!(section(&body, "Definition"), Some("The def."));
        assert_eq!(section(&body, "when to use"), Some("Use."));
        assert_eq!(section(&body, "Examples"), None);
    }

    #[test]
    fn only_id_and_name_are_required() {
        let bare = "+++\nid = \"x\"\nname = \"X\"\n+++\nBody.\n";
        let (leaf, _) = parse_code_file("codebook/g/x.md", bare.as_bytes()).unwrap();
        assert!(leaf.codable);
        assert_eq!(leaf.color, colour_of("x"));
        let (folder, _) = parse_code_file("codebook/g/_index.md", bare.as_bytes()).unwrap();
        assert!(!folder.codable);
        let said = bare.replace("name = \"X\"\n", "name = \"X\"\ncodable = true\n");
        let (folder, _) = parse_code_file("codebook/g/_index.md", said.as_bytes()).unwrap();
        assert!(folder.codable);
    }

    #[test]
    fn front_matter_errors_point_into_the_file() {
        let bad = FILE.replace("name = \"X\"", "name = X");
        let p = parse_code_file("codebook/x.md", bad.as_bytes()).unwrap_err();
        // `name = X` is line 3 of the file (line 2 of the TOML).
        assert_eq!((p.location.line, p.location.column), (3, 8));
        let p = parse_code_file("codebook/x.md", b"## Definition\n").unwrap_err();
        assert!(p.message.contains("missing front matter"));
        let p = parse_code_file("codebook/x.md", b"+++\nid = \"x\"\n").unwrap_err();
        assert!(p.message.contains("not closed"));
    }
}
