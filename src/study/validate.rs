//! Checks across files: that codings name codes that exist, fit their
//! transcripts and quote them faithfully; that ids are unique; that the
//! decisions log refers to codings that exist.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::study::files::{
    CODINGS_DIR, FileRole, MANIFEST, StudyFiles, codings_path, decisions_path, done_path, role_of,
    transcript_path,
};
use crate::study::load::Loaded;
use crate::study::packed::Packed;
use crate::study::parse::jsonl::column_of_key;
use crate::study::problem::{Location, Problem};
use crate::study::text::shorten;
use crate::study::types::{Action, Code, CodingFile, Study, Transcript};

/// Longest excerpt of text shown in a message.
const SHOWN: usize = 60;

pub fn validate(loaded: &Loaded, files: &StudyFiles) -> Vec<Problem> {
    validate_with(loaded, files, true)
}

/// [`validate`] without the checks of each coding against its code and
/// transcript ([`coding_problems`]): what depends on more than one
/// transcript's files, for a study put together from per-transcript parts
/// (`study::parts`) whose own checks were made, or kept, with them.
/// `files` needs the bytes of the manifest, codebook, decisions and done
/// marks, and of any codings file a problem here points into.
pub fn validate_across(loaded: &Loaded, files: &StudyFiles) -> Vec<Problem> {
    validate_with(loaded, files, false)
}

/// What [`validate`] says of the codings files `codings` of one transcript
/// alone: their codes against `study`'s codebook, their offsets and quotes
/// against `transcript` (`None`: missing or unreadable). `files` holds the
/// codings files' bytes (for lines and columns).
pub fn coding_problems(
    study: &Study,
    files: &StudyFiles,
    codings: &[CodingFile],
    transcript: Option<&Transcript>,
) -> Vec<Problem> {
    let v = Validator {
        study,
        files,
        problems: Vec::new(),
        line_starts: Default::default(),
        per_coding: true,
    };
    let codes: HashMap<&str, &Code> = study.codebook.codes.iter().map(|c| (c.id(), c)).collect();
    codings
        .iter()
        .flat_map(|f| v.coding_file_problems(f, transcript, &codes))
        .collect()
}

fn validate_with(loaded: &Loaded, files: &StudyFiles, per_coding: bool) -> Vec<Problem> {
    let mut v = Validator {
        study: &loaded.study,
        files,
        problems: Vec::new(),
        line_starts: Default::default(),
        per_coding,
    };
    v.manifest();
    v.codebook();
    v.codings(&loaded.unreadable_transcripts);
    let study = &loaded.study;
    let chars = |id: &str| study.transcript(id).map(|t| t.chars);
    if study.decisions.iter().any(|f| !f.decisions.is_empty()) {
        // (foldhash: a large study has millions of ids, and SipHash over
        // them was a tenth of a first `check`.)
        let ids: std::collections::HashSet<&str, foldhash::fast::RandomState> = study
            .codings
            .iter()
            .flat_map(|f| f.codings.iter().map(|c| c.id.as_str()))
            .collect();
        v.decisions(&chars, &|id| ids.contains(id));
    }
    v.cases();
    v.done_marks(&chars);
    v.problems
}

/// What the checks of the decision logs and done marks need of the rest of
/// the study: each transcript's length and every coding's id. The derived
/// cache keeps it with the coded files (`repo/layered.rs`), so that after
/// a decision only the logs are checked again.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Coded {
    /// Each transcript's length in characters, by id.
    pub transcripts: BTreeMap<String, usize>,
    /// Sorted (looked up by binary search), in one string: millions of ids
    /// on a large study, read back after every decision.
    pub coding_ids: Packed,
}

impl Coded {
    pub fn of(study: &Study) -> Coded {
        Coded {
            transcripts: study
                .transcripts
                .iter()
                .map(|t| (t.id.clone(), t.chars))
                .collect(),
            coding_ids: Packed::sorted(
                study
                    .codings
                    .iter()
                    .flat_map(|f| f.codings.iter().map(|c| c.id.as_str())),
            ),
        }
    }
}

/// Whether `path` is a decision log or a done mark: the files a review
/// changes, checked by [`review_problems`].
pub fn is_review_file(path: &str) -> bool {
    matches!(
        role_of(path),
        FileRole::Decisions { .. } | FileRole::Done { .. }
    )
}

/// What [`validate`] says of the decision logs and done marks of `whole`
/// (the study loaded from its files of no transcript: manifest, codebook,
/// decisions, done marks), given what they refer to in the rest of the
/// study (`coded`). `files` holds the logs' bytes (for lines and columns).
pub fn review_problems(whole: &Study, coded: &Coded, files: &StudyFiles) -> Vec<Problem> {
    let mut v = Validator {
        study: whole,
        files,
        problems: Vec::new(),
        line_starts: Default::default(),
        per_coding: false,
    };
    let chars = |id: &str| coded.transcripts.get(id).copied();
    if whole.decisions.iter().any(|f| !f.decisions.is_empty()) {
        let is_coding = |id: &str| coded.coding_ids.contains_sorted(id);
        v.decisions(&chars, &is_coding);
    }
    v.done_marks(&chars);
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

/// Characters on either side of a quote's old place searched first: an
/// edit of a transcript usually moves its quotes a little.
const NEAR: usize = 16 * 1024;

/// For each moved quote `(_, quote, start)`, the character offset of its
/// occurrence nearest to `start`, if the transcript has one. Each is looked
/// for around its old place first; the quotes not found there are looked
/// for together, in one pass over the text (Aho-Corasick), so a file whose
/// every quote moved (text inserted near the top) costs one pass, not one
/// per coding.
fn nearest_occurrences(t: &Transcript, moved: &[(usize, &str, usize)]) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = vec![None; moved.len()];
    let mut far: Vec<usize> = Vec::new();
    for (k, &(_, quote, near)) in moved.iter().enumerate() {
        if quote.is_empty() {
            continue;
        }
        let lo = near.saturating_sub(NEAR);
        let hi = (near + NEAR + quote.chars().count()).min(t.chars);
        let (Some(b0), Some(b1)) = (t.byte_of(lo), t.byte_of(hi.max(lo))) else {
            far.push(k);
            continue;
        };
        // An occurrence outside the window is more than NEAR characters
        // away, so one inside it within NEAR is the nearest of all.
        let best = nearest_in(t, &t.text[b0..b1], b0, quote, near);
        match best {
            Some(s) if s.abs_diff(near) <= NEAR => out[k] = Some(s),
            _ if lo == 0 && hi == t.chars => out[k] = best,
            _ => far.push(k),
        }
    }
    if far.is_empty() {
        return out;
    }
    let patterns: Vec<&str> = far.iter().map(|&k| moved[k].1).collect();
    let Ok(searcher) = aho_corasick::AhoCorasick::new(&patterns) else {
        return out;
    };
    for m in searcher.find_overlapping_iter(&t.text) {
        let k = far[m.pattern().as_usize()];
        let at = t.char_of(m.start());
        let near = moved[k].2;
        if out[k].is_none_or(|b: usize| at.abs_diff(near) < b.abs_diff(near)) {
            out[k] = Some(at);
        }
    }
    out
}

/// The occurrence of `quote` in `window` (which starts at byte `base` of
/// the transcript) nearest to character `near`, as a character offset.
fn nearest_in(
    t: &Transcript,
    window: &str,
    base: usize,
    quote: &str,
    near: usize,
) -> Option<usize> {
    let mut best: Option<usize> = None;
    let mut at = 0;
    while let Some(i) = window[at..].find(quote) {
        let byte = at + i;
        let c = t.char_of(base + byte);
        if best.is_none_or(|b| c.abs_diff(near) < b.abs_diff(near)) {
            best = Some(c);
        }
        // Overlapping occurrences count: step one character, not the quote.
        at = byte + window[byte..].chars().next().map_or(1, char::len_utf8);
    }
    best
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

struct Validator<'a> {
    study: &'a Study,
    files: &'a StudyFiles,
    problems: Vec<Problem>,
    /// Byte offsets of each line of a file with problems, by path.
    line_starts: std::sync::Mutex<HashMap<String, std::sync::Arc<Vec<usize>>>>,
    /// Check each coding against its code and transcript (not when they
    /// were checked per transcript: [`validate_across`]).
    per_coding: bool,
}

/// The byte offsets just after each `\n` of `text`.
fn newline_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

impl Validator<'_> {
    fn push(&mut self, at: Location, message: impl Into<String>, hint: impl Into<String>) {
        self.problems.push(Problem::new(at, message, hint));
    }

    /// The location of `key` on line `line` of `file`. Each file's line
    /// starts are found once, on its first problem, so a file with a
    /// problem on every line is not read again for each of them.
    fn at_key(&self, file: &str, line: usize, key: &str) -> Location {
        let text = self
            .files
            .get(file)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        let starts = {
            let mut known = self.line_starts.lock().unwrap_or_else(|e| e.into_inner());
            known
                .entry(file.to_string())
                .or_insert_with(|| {
                    let mut v = vec![0];
                    v.extend(newline_ends(text));
                    std::sync::Arc::new(v)
                })
                .clone()
        };
        let column = line
            .checked_sub(1)
            .and_then(|i| {
                Some((
                    *starts.get(i)?,
                    starts.get(i + 1).map_or(text.len(), |e| e - 1),
                ))
            })
            .and_then(|(a, b)| text.get(a..b.max(a)))
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
        toml_key_location(text, file, key, nth)
    }

    /// `cases.toml`: transcripts that exist, values of declared types.
    fn cases(&mut self) {
        use crate::study::cases::{CASES_FILE, TYPES, fits};
        let c = &self.study.cases;
        let mut kinds: std::collections::BTreeMap<&str, &str> = Default::default();
        for (i, v) in c.variables.iter().enumerate() {
            if !TYPES.contains(&v.kind.as_str()) {
                let at = self.at_toml_key(CASES_FILE, "type", i);
                self.push(
                    at,
                    format!("variable {:?} has type {:?}", v.name, v.kind),
                    format!("use one of {}", TYPES.join(", ")),
                );
            }
            kinds.insert(v.name.as_str(), v.kind.as_str());
        }
        let mut values: Vec<(String, &str, &toml::Value)> = Vec::new();
        for (i, case) in c.cases.iter().enumerate() {
            for t in &case.transcripts {
                if self.study.transcript(t).is_none() {
                    let at = self.at_toml_key(CASES_FILE, "transcripts", i);
                    self.push(
                        at,
                        format!(
                            "case {:?} names transcript {t:?}, which the study does not have",
                            case.id
                        ),
                        "correct the id (a file transcripts/<id>.txt), or remove it from the list",
                    );
                }
            }
            for (k, v) in &case.values {
                values.push((format!("case {:?}", case.id), k, v));
            }
        }
        for (t, m) in &c.transcript {
            if self.study.transcript(t).is_none() {
                self.push(
                    Location::file(CASES_FILE),
                    format!("[transcript.{t}] names a transcript the study does not have"),
                    "correct the id, or remove the table",
                );
            }
            for (k, v) in m {
                values.push((format!("transcript {t:?}"), k, v));
            }
        }
        for (whose, k, v) in values {
            match kinds.get(k) {
                None => self.push(
                    Location::file(CASES_FILE),
                    format!("{whose} has a value of {k:?}, which no [[variable]] declares"),
                    format!("add [[variable]] name = {k:?} type = \"text\" (or the type it has)"),
                ),
                Some(kind) if !fits(kind, v) => self.push(
                    Location::file(CASES_FILE),
                    format!("{whose}: {k} = {v} is not a {kind} value"),
                    "give a value of the variable's type, or change its type",
                ),
                _ => {}
            }
        }
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
        // [[source]]: what another tool called a transcript (see docs/format.md).
        let mut described = BTreeSet::new();
        for (i, source) in m.sources.iter().enumerate() {
            let at = self.at_toml_key(MANIFEST, "transcript", i);
            if self.study.transcript(&source.transcript).is_none() {
                self.push(
                    at.clone(),
                    format!(
                        "[[source]] names transcript {:?}, which the study does not have",
                        source.transcript
                    ),
                    "correct the id, or remove the [[source]] table of a transcript that was removed",
                );
            }
            if !described.insert(source.transcript.as_str()) {
                self.push(
                    at,
                    format!(
                        "transcript {:?} has two [[source]] tables",
                        source.transcript
                    ),
                    "keep one [[source]] table per transcript",
                );
            }
        }
        let text = self
            .files
            .get(MANIFEST)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("");
        if let Some(p) = chosen_measure_problem(m, text) {
            self.problems.push(p);
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
        let mut first_id: HashMap<&str, (usize, usize), foldhash::fast::RandomState> =
            HashMap::with_capacity_and_hasher(
                study.codings.iter().map(|f| f.codings.len()).sum(),
                Default::default(),
            );
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
        if !self.per_coding {
            return;
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
        // Quotes that do not match: (index of their problem, quote, start).
        let mut moved: Vec<(usize, &str, usize)> = Vec::new();
        let push = |out: &mut Vec<Problem>, at: Location, message: String, hint: &str| {
            out.push(Problem::new(at, message, hint))
        };
        let path = codings_path(&file.coder, &file.transcript);
        for (coding, &line) in file.codings.iter().zip(&file.lines) {
            match codes.get(coding.code.as_str()).copied() {
                None => {
                    let at = self.at_key(&path, line, "code");
                    push(
                        &mut out,
                        at,
                        format!("unknown code {:?}", coding.code),
                        "use the id of a code in codebook/, or add the code to the codebook",
                    );
                }
                Some(code) if !code.header.codable => {
                    let at = self.at_key(&path, line, "code");
                    push(
                        &mut out,
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
                    &mut out,
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
                    &mut out,
                    at,
                    format!(
                        "end {} is past the end of transcript {} ({} characters)",
                        coding.end, t.id, t.chars
                    ),
                    "offsets count characters of the transcript; re-anchor the coding or restore the transcript",
                );
                continue;
            }
            let found = t.slice(coding.start, coding.end).unwrap_or("");
            if found != coding.quote {
                let at = self.at_key(&path, line, "quote");
                // The hint (where the quote is now) is found below, for all
                // of the file's moved quotes at once.
                moved.push((out.len(), &coding.quote, coding.start));
                push(
                    &mut out,
                    at,
                    format!(
                        "quote does not match the transcript at {}-{}: expected \u{201c}{}\u{201d}, found \u{201c}{}\u{201d}",
                        coding.start,
                        coding.end,
                        shorten(found, SHOWN),
                        shorten(&coding.quote, SHOWN)
                    ),
                    "",
                );
            }
        }
        if let Some(t) = transcript {
            let places = nearest_occurrences(t, &moved);
            for ((k, quote, _), place) in moved.iter().zip(places) {
                out[*k].hint = match place {
                    Some(s) => format!(
                        "the quote is now at {s}-{}: if the transcript was edited, concord reanchor moves the codings there; otherwise correct the quote",
                        s + quote.chars().count()
                    ),
                    None => "this coding needs a human: its text was changed (concord reanchor keeps such codings, with their old quote); set start, end and quote to the text it should code now, or delete the coding".to_string(),
                };
            }
        }
        out
    }

    /// Done marks name transcripts of the study.
    fn done_marks(&mut self, chars: &dyn Fn(&str) -> Option<usize>) {
        let study = self.study;
        for file in &study.done {
            let path = done_path(&file.coder);
            for (mark, &line) in file.marks.iter().zip(&file.lines) {
                if chars(&mark.transcript).is_none() {
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

    /// `chars`: a transcript's length, if the study has it; `is_coding`:
    /// whether a coding has this id.
    fn decisions(
        &mut self,
        chars: &dyn Fn(&str) -> Option<usize>,
        is_coding: &dyn Fn(&str) -> bool,
    ) {
        let study = self.study;
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
            let transcript = chars(&file.transcript);
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
                        if !is_coding(b.as_str()) {
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
                    let past_end = transcript.is_some_and(|chars| span.end > chars);
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

/// Where the `nth` line `key = ...` of `text` (the file `file`) is: line
/// and column; the file alone when there is no such line.
fn toml_key_location(text: &str, file: &str, key: &str, nth: usize) -> Location {
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

/// An `[agreement] measure` that names no measure concord reports, as a
/// problem at its line of `concord.toml` (`text`). `concord check` reports
/// it; `concord report` stops on it (it reads the study at a commit and
/// does not validate the rest).
pub fn chosen_measure_problem(m: &crate::study::Manifest, text: &str) -> Option<Problem> {
    use crate::agreement::chosen_measure::ChosenMeasure;
    let name = m.agreement.measure.as_deref()?;
    if ChosenMeasure::parse(name).is_some() {
        return None;
    }
    Some(Problem::new(
        toml_key_location(text, MANIFEST, "measure", 0),
        format!("measure = {name:?} is not a measure concord reports"),
        format!(
            "write one of {} (docs/format.md), or leave the key out for kappa",
            ChosenMeasure::names()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_occurrence_in_characters() {
        let t = Transcript::new("t", "é ab é ab é ab");
        let places = |near: usize, quote: &str| nearest_occurrences(&t, &[(0, quote, near)])[0];
        assert_eq!(places(0, "ab"), Some(2));
        assert_eq!(places(8, "ab"), Some(7));
        assert_eq!(places(100, "ab"), Some(12));
        assert_eq!(places(0, "zz"), None);
    }

    #[test]
    fn finds_far_moved_quotes_in_one_pass() {
        // Text inserted at the top moved every quote further than the
        // window searched around its old place.
        let body = "alpha beta gamma “delta” epsilon\n".repeat(10);
        let text = format!("{}{body}", "x".repeat(3 * NEAR));
        let t = Transcript::new("t", text.as_str());
        let moved = [
            (0, "gamma “delta”", 11),
            (1, "epsilon", 25),
            (2, "omega", 0),
        ];
        let places = nearest_occurrences(&t, &moved);
        let first = |q: &str| t.char_of(text.find(q).unwrap());
        assert_eq!(
            places,
            vec![Some(first("gamma")), Some(first("epsilon")), None]
        );
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
