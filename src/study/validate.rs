//! Checks across files: that codings name codes that exist, fit their
//! transcripts and quote them faithfully; that ids are unique; that the
//! decisions log refers to codings that exist.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::study::files::{
    CODINGS_DIR, MANIFEST, StudyFiles, codings_path, decisions_path, done_path, transcript_path,
};
use crate::study::load::Loaded;
use crate::study::parse::jsonl::column_of_key;
use crate::study::problem::{Location, Problem};
use crate::study::text::{char_slice, shorten};
use crate::study::types::{Action, Code, CodingFile, Study, Transcript};

/// Longest excerpt of text shown in a message.
const SHOWN: usize = 60;

pub fn validate(loaded: &Loaded, files: &StudyFiles) -> Vec<Problem> {
    let mut v = Validator {
        study: &loaded.study,
        files,
        problems: Vec::new(),
    };
    v.manifest();
    v.codebook();
    v.codings(&loaded.unreadable_transcripts);
    v.decisions();
    v.done_marks();
    v.problems
}

/// A name that is safe as a file or folder name and in a unit id.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The character offset of the occurrence of `quote` in `text` nearest to
/// character `near`, if there is one.
fn nearest_occurrence(text: &str, quote: &str, near: usize) -> Option<usize> {
    if quote.is_empty() {
        return None;
    }
    let mut best: Option<usize> = None;
    let mut chars_before = 0;
    let mut last_byte = 0;
    for (byte, _) in text.match_indices(quote) {
        chars_before += text[last_byte..byte].chars().count();
        last_byte = byte;
        if best.is_none_or(|b| chars_before.abs_diff(near) < b.abs_diff(near)) {
            best = Some(chars_before);
        }
    }
    best
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Slices a transcript by character offsets, walking forward from the
/// previous slice: a file's codings are sorted by start, so checking all
/// their quotes is one pass over the transcript, not one per coding.
#[derive(Default)]
struct CharCursor {
    chars: usize,
    bytes: usize,
}

impl CharCursor {
    /// Whether `quote` is the text at characters `[start, end)`: the cursor
    /// walks to `start` from where it last was, then the quote's bytes are
    /// compared in place, so a file's quotes cost one pass over the text.
    fn quote_matches(&mut self, text: &str, start: usize, end: usize, quote: &str) -> bool {
        if start < self.chars {
            *self = CharCursor::default();
        }
        let Some(from) = skip_chars(text, self.bytes, start - self.chars) else {
            return false;
        };
        self.chars = start;
        self.bytes = from;
        text.as_bytes()[from..].starts_with(quote.as_bytes())
            && quote.chars().count() == end.saturating_sub(start)
    }
}

/// The byte offset `n` characters after byte offset `from` (a character
/// boundary), counting bytes that start a character: much faster than
/// decoding each character.
fn skip_chars(text: &str, from: usize, n: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut left = n;
    while left > 0 {
        // Eight ASCII bytes at once are eight characters: transcripts are
        // mostly ASCII, so most of the walk goes by words, not bytes.
        if left >= 8 {
            if let Some(chunk) = bytes.get(i..i + 8) {
                let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8;
                    left -= 8;
                    continue;
                }
            }
        }
        if i >= bytes.len() {
            return None;
        }
        i += 1;
        while i < bytes.len() && bytes[i] & 0xC0 == 0x80 {
            i += 1;
        }
        left -= 1;
    }
    Some(i)
}

struct Validator<'a> {
    study: &'a Study,
    files: &'a StudyFiles,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn push(&mut self, at: Location, message: impl Into<String>, hint: impl Into<String>) {
        self.problems.push(Problem::new(at, message, hint));
    }

    /// The location of `key` on line `line` of `file`.
    fn at_key(&self, file: &str, line: usize, key: &str) -> Location {
        let column = self
            .files
            .get(file)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|t| t.split('\n').nth(line.saturating_sub(1)))
            .map(|l| column_of_key(l, key))
            .unwrap_or(1);
        Location::at(file, line, column)
    }

    /// The location of a TOML `key = ` line in a file (for the manifest and
    /// front matter, whose parsed values carry no positions).
    fn at_toml_key(&self, file: &str, key: &str, nth: usize) -> Location {
        let text = self
            .files
            .get(file)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        text.split('\n')
            .enumerate()
            .filter(|(_, l)| {
                l.trim_start()
                    .strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='))
            })
            .nth(nth)
            .map(|(i, l)| Location::at(file, i + 1, l.len() - l.trim_start().len() + 1))
            .unwrap_or_else(|| Location::file(file))
    }

    fn manifest(&mut self) {
        let Some(m) = &self.study.manifest else {
            return;
        };
        let mut seen = BTreeSet::new();
        for (i, coder) in m.coders.iter().enumerate() {
            let at = self.at_toml_key(MANIFEST, "id", i);
            if !is_valid_id(&coder.id) {
                self.push(
                    at.clone(),
                    format!("coder id {:?} cannot name a folder", coder.id),
                    "use letters, digits, '-', '_' or '.' (for example coder-a)",
                );
            }
            if !seen.insert(coder.id.as_str()) {
                self.push(
                    at,
                    format!("coder id {:?} appears twice", coder.id),
                    "give each [[coder]] its own id",
                );
            }
        }
        let overlap = m.agreement.segment_overlap;
        if !(overlap > 0.0 && overlap <= 1.0) {
            let at = self.at_toml_key(MANIFEST, "segment_overlap", 0);
            self.push(
                at,
                format!("segment_overlap = {overlap} is outside (0, 1]"),
                "set it to a share of the excerpts' union, such as 0.9",
            );
        }
    }

    fn codebook(&mut self) {
        let mut first_file: HashMap<&str, &str> = HashMap::new();
        for code in &self.study.codebook.codes {
            let h = &code.header;
            if let Some(other) = first_file.get(h.id.as_str()) {
                let at = self.at_toml_key(&code.file, "id", 0);
                self.push(
                    at,
                    format!("duplicate code id {:?}, already used by {other}", h.id),
                    "give one of the codes a new id (codings refer to codes by id)",
                );
            } else {
                first_file.insert(&h.id, &code.file);
            }
            if !is_valid_id(&h.id) {
                let at = self.at_toml_key(&code.file, "id", 0);
                self.push(
                    at,
                    format!("code id {:?} has characters concord cannot use", h.id),
                    "use letters, digits, '-', '_' or '.' (for example se-maintenance)",
                );
            }
            if h.name.trim().is_empty() {
                let at = self.at_toml_key(&code.file, "name", 0);
                self.push(
                    at,
                    "the code has an empty name",
                    "give it a name researchers read",
                );
            }
            if !is_hex_colour(&h.color) {
                let at = self.at_toml_key(&code.file, "color", 0);
                self.push(
                    at,
                    format!("color {:?} is not a #rrggbb colour", h.color),
                    "write it as # and six hex digits, for example \"#4e79a7\"",
                );
            }
        }
    }

    fn codings(&mut self, unreadable: &BTreeSet<String>) {
        let study = self.study;
        let manifest_coders: BTreeSet<&str> =
            study.coders().iter().map(|c| c.id.as_str()).collect();
        let mut reported_coders = BTreeSet::new();
        // Where each id was first seen: (index of its file, line). Paths are
        // made only for the message, not for each of a large study's codings.
        let mut first_id: HashMap<&str, (usize, usize)> = HashMap::new();
        let codes: HashMap<&str, &crate::study::types::Code> =
            study.codebook.codes.iter().map(|c| (c.id(), c)).collect();
        let transcripts: HashMap<&str, &crate::study::types::Transcript> = study
            .transcripts
            .iter()
            .map(|t| (t.id.as_str(), t))
            .collect();
        for (file_index, file) in study.codings.iter().enumerate() {
            let path = codings_path(&file.coder, &file.transcript);
            if study.manifest.is_some()
                && !manifest_coders.contains(file.coder.as_str())
                && reported_coders.insert(file.coder.clone())
            {
                self.push(
                    Location::file(&path),
                    format!(
                        "coder folder {CODINGS_DIR}/{}/ is not a coder in concord.toml",
                        file.coder
                    ),
                    format!(
                        "add [[coder]] id = \"{}\" to concord.toml, or rename the folder to a listed coder",
                        file.coder
                    ),
                );
            }
            let transcript = transcripts.get(file.transcript.as_str()).copied();
            if transcript.is_none() && !unreadable.contains(&file.transcript) {
                self.push(
                    Location::file(&path),
                    format!(
                        "codes transcript {:?}, but there is no {}",
                        file.transcript,
                        transcript_path(&file.transcript)
                    ),
                    "add the transcript, or rename this file after the transcript it codes",
                );
            }
            for (coding, &line) in file.codings.iter().zip(&file.lines) {
                if let Some(&(other_file, other_line)) = first_id.get(coding.id.as_str()) {
                    let o = &study.codings[other_file];
                    let other = codings_path(&o.coder, &o.transcript);
                    let at = self.at_key(&path, line, "id");
                    self.push(
                        at,
                        format!(
                            "duplicate coding id {:?}, already used at {other}:{other_line}",
                            coding.id
                        ),
                        "give this coding a new id; ids are never reused",
                    );
                } else {
                    first_id.insert(&coding.id, (file_index, line));
                }
            }
        }
        // The checks of each coding against its code and transcript need
        // nothing from other files: they run on every core.
        let this: &Validator = self;
        let per_file = |file: &CodingFile| {
            let transcript = transcripts.get(file.transcript.as_str()).copied();
            this.coding_file_problems(file, transcript, &codes)
        };
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        let found: Vec<Problem> = if threads < 2 || study.codings.len() < 16 {
            study.codings.iter().flat_map(per_file).collect()
        } else {
            let chunk = study.codings.len().div_ceil(threads);
            std::thread::scope(|scope| {
                let handles: Vec<_> = study
                    .codings
                    .chunks(chunk)
                    .map(|part| {
                        scope.spawn(move || part.iter().flat_map(per_file).collect::<Vec<_>>())
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_default())
                    .collect()
            })
        };
        self.problems.extend(found);
    }

    /// The problems of one coding file's lines: unknown or uncodable codes,
    /// empty or reversed spans, offsets past the end, quotes that do not match.
    fn coding_file_problems(
        &self,
        file: &CodingFile,
        transcript: Option<&Transcript>,
        codes: &HashMap<&str, &Code>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut push =
            |at: Location, message: String, hint: &str| out.push(Problem::new(at, message, hint));
        let path = codings_path(&file.coder, &file.transcript);
        let mut cursor = CharCursor::default();
        for (coding, &line) in file.codings.iter().zip(&file.lines) {
            match codes.get(coding.code.as_str()).copied() {
                None => {
                    let at = self.at_key(&path, line, "code");
                    push(
                        at,
                        format!("unknown code {:?}", coding.code),
                        "use the id of a code in codebook/, or add the code to the codebook",
                    );
                }
                Some(code) if !code.header.codable => {
                    let at = self.at_key(&path, line, "code");
                    push(
                        at,
                        format!(
                            "code {:?} ({}) is not codable (codable = false)",
                            coding.code,
                            code.name()
                        ),
                        "code one of its subcodes, or set codable = true in its file",
                    );
                }
                Some(_) => {}
            }
            if coding.start >= coding.end {
                let at = self.at_key(&path, line, "start");
                push(
                    at,
                    format!(
                        "start {} is not before end {}: the excerpt is empty or reversed",
                        coding.start, coding.end
                    ),
                    "set start to the first character and end to one past the last",
                );
                continue;
            }
            let Some(t) = transcript else { continue };
            if coding.end > t.chars {
                let at = self.at_key(&path, line, "end");
                push(
                    at,
                    format!(
                        "end {} is past the end of transcript {} ({} characters)",
                        coding.end, t.id, t.chars
                    ),
                    "offsets count characters of the transcript; re-anchor the coding or restore the transcript",
                );
                continue;
            }
            if !cursor.quote_matches(&t.text, coding.start, coding.end, &coding.quote) {
                let found = char_slice(&t.text, coding.start, coding.end).unwrap_or("");
                let at = self.at_key(&path, line, "quote");
                // Where the quote is now, if the transcript still has it:
                // the usual cause is an edit earlier in the transcript.
                let hint = match nearest_occurrence(&t.text, &coding.quote, coding.start) {
                        Some(s) => format!(
                            "the quote is now at {s}-{}: if the transcript was edited, concord reanchor moves the codings there; otherwise correct the quote",
                            s + coding.quote.chars().count()
                        ),
                        None => "this coding needs a human: its text was changed (concord reanchor keeps such codings, with their old quote); set start, end and quote to the text it should code now, or delete the coding".to_string(),
                    };
                push(
                    at,
                    format!(
                        "quote does not match the transcript at {}-{}: expected \u{201c}{}\u{201d}, found \u{201c}{}\u{201d}",
                        coding.start,
                        coding.end,
                        shorten(found, SHOWN),
                        shorten(&coding.quote, SHOWN)
                    ),
                    &hint,
                );
            }
        }
        out
    }

    /// Done marks name transcripts of the study.
    fn done_marks(&mut self) {
        let study = self.study;
        for file in &study.done {
            let path = done_path(&file.coder);
            for (mark, &line) in file.marks.iter().zip(&file.lines) {
                if study.transcript(&mark.transcript).is_none() {
                    let at = self.at_key(&path, line, "transcript");
                    self.push(
                        at,
                        format!(
                            "marks transcript {:?} done, but there is no {}",
                            mark.transcript,
                            transcript_path(&mark.transcript)
                        ),
                        "restore the transcript, or remove the line (with git, then commit)",
                    );
                }
            }
        }
    }

    fn decisions(&mut self) {
        let study = self.study;
        if study.decisions.iter().all(|f| f.decisions.is_empty()) {
            return;
        }
        let coding_ids: std::collections::HashSet<&str> = study
            .codings
            .iter()
            .flat_map(|f| f.codings.iter().map(|c| c.id.as_str()))
            .collect();
        let coders: BTreeSet<&str> = study.coders().iter().map(|c| c.id.as_str()).collect();
        let mut seen: BTreeMap<&str, (String, usize)> = BTreeMap::new();
        // A reverted decision is history, not a claim about today's codings:
        // its basis may name codings a coder has since replaced.
        let reverted: BTreeSet<&str> = study
            .decisions
            .iter()
            .flat_map(|f| f.decisions.iter().filter_map(|d| d.reverts.as_deref()))
            .collect();
        for file in &study.decisions {
            let path = decisions_path(&file.transcript);
            let transcript = study.transcript(&file.transcript);
            if transcript.is_none() {
                self.push(
                    Location::file(&path),
                    format!(
                        "decisions for transcript {:?}, but there is no {}",
                        file.transcript,
                        transcript_path(&file.transcript)
                    ),
                    "restore the transcript, or rename the log after the transcript it settles",
                );
            }
            for (d, &line) in file.decisions.iter().zip(&file.lines) {
                if let Some((other, other_line)) = seen.get(d.id.as_str()) {
                    let at = self.at_key(&path, line, "id");
                    self.push(
                        at,
                        format!(
                            "duplicate decision id {:?}, already used at {other}:{other_line}",
                            d.id
                        ),
                        "this usually comes from a bad merge: keep one of the two lines",
                    );
                } else {
                    seen.insert(&d.id, (path.clone(), line));
                }
                if !reverted.contains(d.id.as_str()) {
                    for b in &d.basis {
                        if !coding_ids.contains(b.as_str()) {
                            let at = self.at_key(&path, line, "basis");
                            self.push(
                                at,
                                format!("basis names coding {b:?}, which no coding has as its id"),
                                "correct the id; if a coder recoded the passage, decide the unit again (the new decision reverts this one)",
                            );
                        }
                    }
                }
                match (d.action, &d.chosen) {
                    (Action::Accept, None) => {
                        let at = self.at_key(&path, line, "action");
                        self.push(
                            at,
                            "an accept decision must name the coder chosen",
                            "add \"chosen\": \"<coder id>\"",
                        );
                    }
                    (_, Some(c)) if !coders.is_empty() && !coders.contains(c.as_str()) => {
                        let at = self.at_key(&path, line, "chosen");
                        self.push(
                            at,
                            format!("chosen coder {c:?} is not in concord.toml"),
                            "name a coder listed in concord.toml",
                        );
                    }
                    _ => {}
                }
                if d.action == Action::Revert {
                    match &d.reverts {
                        Some(r) if !seen.contains_key(r.as_str()) => {
                            let at = self.at_key(&path, line, "reverts");
                            self.push(
                                at,
                                format!("reverts {r:?}, which is not an earlier decision"),
                                "name the id of an earlier decision of this log",
                            );
                        }
                        None => {
                            let at = self.at_key(&path, line, "action");
                            self.push(
                                at,
                                "a revert must name the decision it reverts",
                                "add \"reverts\": \"<decision id>\"",
                            );
                        }
                        _ => {}
                    }
                }
                for span in &d.result {
                    if study.codebook.get(&span.code).is_none() {
                        let at = self.at_key(&path, line, "result");
                        self.push(
                            at,
                            format!("result names unknown code {:?}", span.code),
                            "use the id of a code in codebook/",
                        );
                    }
                    let past_end = transcript.is_some_and(|t| span.end > t.chars);
                    if span.start >= span.end || past_end {
                        let at = self.at_key(&path, line, "result");
                        self.push(
                            at,
                            format!(
                                "result span {}-{} is empty or outside the transcript",
                                span.start, span.end
                            ),
                            "restore the line with git rather than editing the log",
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_occurrence_in_characters() {
        let text = "é ab é ab é ab";
        assert_eq!(nearest_occurrence(text, "ab", 0), Some(2));
        assert_eq!(nearest_occurrence(text, "ab", 8), Some(7));
        assert_eq!(nearest_occurrence(text, "ab", 100), Some(12));
        assert_eq!(nearest_occurrence(text, "zz", 0), None);
    }

    #[test]
    fn skipping_characters_counts_multibyte_ones_once() {
        let text = "abcdefghij—é😀 klmnopqrstuvwxyz";
        for n in 0..=text.chars().count() {
            let expected = text
                .char_indices()
                .nth(n)
                .map(|(b, _)| b)
                .unwrap_or(text.len());
            assert_eq!(skip_chars(text, 0, n), Some(expected), "{n}");
        }
        assert_eq!(skip_chars(text, 0, 100), None);
    }

    #[test]
    fn ids_are_file_name_safe() {
        assert!(is_valid_id("se-maintenance"));
        assert!(is_valid_id("coder_a.2"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("../x"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id(".hidden"));
    }
}
