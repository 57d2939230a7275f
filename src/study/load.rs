//! From files to a [`Study`]: parse every file, keep what parses, and
//! collect a problem for what does not.

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::study::cases::{Cases, parse_cases};
use crate::study::codebook::{CodeFile, build_codebook};
use crate::study::files::{FileRole, MANIFEST, StudyFiles, role_of};
use crate::study::parse::code_file::parse_code_file;
use crate::study::parse::jsonl::parse_jsonl_columns;
use crate::study::parse::manifest::parse_manifest;
use crate::study::parse::transcript::parse_transcript_owned;
use crate::study::problem::{Location, Problem};
use crate::study::types::{
    Coding, CodingFile, Decision, DecisionFile, Done, DoneFile, Manifest, Study, Transcript,
};

const CODING_HINT: &str = "each line is one coding: {\"id\":...,\"code\":...,\"start\":...,\"end\":...,\"quote\":...,\"memo\":...} (see docs/format.md); fix the line, or restore the file with git";
const DONE_HINT: &str = "each line marks a transcript done: {\"transcript\":...,\"at\":...,\"commit\":...} (see docs/format.md); the coding screen writes them (D), restore the file with git rather than editing it";
const DECISION_HINT: &str = "each line is one decision: {\"id\",\"unit\",\"basis\",\"action\",\"chosen\",\"result\",\"reviewer\",\"at\",\"note\"} (see docs/format.md); restore the line with git rather than editing the log";

/// A loaded study and the problems met while parsing it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Loaded {
    pub study: Study,
    pub problems: Vec<Problem>,
    /// Transcripts that exist but could not be read (not UTF-8): their
    /// codings are not checked against text.
    pub unreadable_transcripts: BTreeSet<String>,
    /// Lines of codings files that did not parse (their codings are not in
    /// the study; see [`crate::study::left_out`]).
    pub unparsed_codings: usize,
}

pub fn load(files: &StudyFiles) -> Loaded {
    load_with(borrowed(files), &files.skipped, true, &no_reader)
}

/// [`load`] of the files at `paths` (study-relative, in path order), each
/// read by `read` in the thread that parses it, just before it is parsed:
/// a transcript's text is its bytes, and every other file's bytes are
/// freed once parsed and their memory used for the next, so the parsed
/// study takes the place of the files rather than joining them
/// (`concord reanchor` on a large study held both: 175 MB more memory, each
/// page of it new, which on a virtual machine costs more than the reading).
/// A file `read` refuses (with the reason) is reported as skipped, after
/// those in `skipped`.
pub fn load_reading(
    paths: &[String],
    skipped: &[(String, String)],
    read: &(dyn Fn(&str) -> Result<Vec<u8>, String> + Sync),
) -> Loaded {
    let entries = paths
        .iter()
        .map(|p| (Cow::Borrowed(p.as_str()), None))
        .collect();
    load_with(entries, skipped, true, read)
}

/// A file's path and its bytes (borrowed, handed over, or None: to be read).
type Entry<'f> = (Cow<'f, str>, Option<Cow<'f, [u8]>>);

/// The reader of entries that hold their bytes (never called).
fn no_reader(path: &str) -> Result<Vec<u8>, String> {
    Err(format!("{path} was not read"))
}

fn borrowed(files: &StudyFiles) -> Vec<Entry<'_>> {
    files
        .files
        .iter()
        .map(|(p, b)| (Cow::Borrowed(p.as_str()), Some(Cow::Borrowed(b.as_slice()))))
        .collect()
}

/// [`load`] of some of a study's files (one transcript's, or all but the
/// transcripts' and codings'): without the problems of the study as a
/// whole (files skipped, no manifest), which the caller says once.
pub fn load_some(files: &StudyFiles) -> Loaded {
    load_with(borrowed(files), &files.skipped, false, &no_reader)
}

/// Parse `entries` (reading with `read` those without their bytes);
/// `skipped` are the paths not taken, reported when the study is `whole`.
fn load_with(
    entries: Vec<Entry<'_>>,
    skipped: &[(String, String)],
    whole: bool,
    read: &(dyn Fn(&str) -> Result<Vec<u8>, String> + Sync),
) -> Loaded {
    let mut problems = Vec::new();
    let listed_manifest = entries.iter().any(|(path, _)| path == MANIFEST);
    let parsed = parse_all(entries, read);
    let not_read: Vec<&(String, String)> = parsed
        .iter()
        .filter_map(|p| match p {
            Parsed::NotRead(path_reason) => Some(path_reason),
            _ => None,
        })
        .collect();
    for (path, reason) in skipped
        .iter()
        .chain(not_read.iter().copied())
        .filter(|_| whole)
    {
        problems.push(Problem::new(
            Location::file(path),
            format!("not read: {reason}"),
            "keep study files as regular files inside the study folder",
        ));
    }
    let manifest_read = listed_manifest && !not_read.iter().any(|(path, _)| path == MANIFEST);
    if whole && !manifest_read {
        problems.push(Problem::new(
            Location::file(MANIFEST),
            "missing manifest: there is no concord.toml in the study folder",
            "create it (concord init writes a template; the format is in docs/format.md)",
        ));
    }
    let mut manifest = None;
    let mut code_files = Vec::new();
    let mut transcripts = Vec::new();
    let mut codings = Vec::new();
    let mut decisions = Vec::new();
    let mut cases = Cases::default();
    let mut done = Vec::new();
    let mut unreadable_transcripts = BTreeSet::new();
    let mut unparsed_codings = 0;

    // Files parse independently, so they parse on every core; the results
    // are put together in path order, so the outcome does not depend on it.
    for parsed in parsed {
        match parsed {
            Parsed::Manifest(m) => manifest = Some(m),
            Parsed::Cases(c) => cases = c,
            Parsed::Code(c) => code_files.push(c),
            Parsed::Transcript(t, ps) => {
                transcripts.push(t);
                problems.extend(ps);
            }
            Parsed::Unreadable(id, p) => {
                unreadable_transcripts.insert(id);
                problems.push(p);
            }
            Parsed::Codings(f, ps) => {
                codings.push(f);
                unparsed_codings += ps.len();
                problems.extend(ps);
            }
            Parsed::Decisions(f, ps) => {
                decisions.push(f);
                problems.extend(ps);
            }
            Parsed::Done(f, ps) => {
                done.push(f);
                problems.extend(ps);
            }
            Parsed::Problem(p) => problems.push(p),
            Parsed::NotRead(_) | Parsed::Nothing => {}
        }
    }
    let (codebook, ps) = build_codebook(code_files);
    problems.extend(ps);
    Loaded {
        study: Study {
            manifest,
            codebook,
            transcripts,
            codings,
            decisions,
            cases,
            done,
        },
        problems,
        unreadable_transcripts,
        unparsed_codings,
    }
}

/// Parse transcripts whose bytes are handed over (`check_owned`), on every
/// core, and add them to `loaded` in path order, as `load` would have.
pub fn add_transcripts(loaded: &mut Loaded, mut owned: Vec<(String, Vec<u8>)>) {
    let parse = |(path, bytes): &mut (String, Vec<u8>)| {
        let id = match role_of(path) {
            FileRole::Transcript { id } => id,
            _ => return Parsed::Nothing,
        };
        match parse_transcript_owned(path, &id, std::mem::take(bytes)) {
            Ok((t, ps)) => Parsed::Transcript(t, ps),
            Err(p) => Parsed::Unreadable(id, p),
        }
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    let parsed: Vec<Parsed> = if threads < 2 || owned.len() < 16 {
        owned.iter_mut().map(parse).collect()
    } else {
        let chunk = owned.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = owned
                .chunks_mut(chunk)
                .map(|part| scope.spawn(move || part.iter_mut().map(parse).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    let mut transcripts = Vec::with_capacity(parsed.len());
    for p in parsed {
        match p {
            Parsed::Transcript(t, ps) => {
                transcripts.push(t);
                loaded.problems.extend(ps);
            }
            Parsed::Unreadable(id, p) => {
                loaded.unreadable_transcripts.insert(id);
                loaded.problems.push(p);
            }
            _ => {}
        }
    }
    // In path order among any the files already held.
    loaded.study.transcripts.extend(transcripts);
}

/// One file, parsed.
enum Parsed {
    Manifest(Manifest),
    Cases(Cases),
    Code(CodeFile),
    Transcript(Transcript, Vec<Problem>),
    Unreadable(String, Problem),
    Codings(CodingFile, Vec<Problem>),
    Decisions(DecisionFile, Vec<Problem>),
    Done(DoneFile, Vec<Problem>),
    Problem(Problem),
    /// A file the reader refused, with the reason.
    NotRead((String, String)),
    Nothing,
}

/// Parse every entry, in order, spreading contiguous chunks over the
/// machine's cores (plain scoped threads: no clock, no IO).
fn parse_all(
    mut entries: Vec<Entry<'_>>,
    read: &(dyn Fn(&str) -> Result<Vec<u8>, String> + Sync),
) -> Vec<Parsed> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    // Each entry's bytes are taken as it is parsed, so what is handed over
    // is freed (and its memory used again) as the parse goes.
    let parse = |(path, bytes): &mut Entry<'_>| match bytes.take() {
        Some(bytes) => parse_one(path, bytes),
        None => match read(path) {
            Ok(bytes) => parse_one(path, Cow::Owned(bytes)),
            Err(reason) => Parsed::NotRead((path.to_string(), reason)),
        },
    };
    if threads < 2 || entries.len() < 64 {
        return entries.iter_mut().map(parse).collect();
    }
    let chunk = entries.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks_mut(chunk)
            .map(|part| scope.spawn(move || part.iter_mut().map(parse).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn parse_one(path: &str, bytes: Cow<'_, [u8]>) -> Parsed {
    match role_of(path) {
        FileRole::Manifest => match parse_manifest(path, &bytes) {
            Ok(m) => Parsed::Manifest(m),
            Err(p) => Parsed::Problem(p),
        },
        FileRole::Cases => match parse_cases(path, &bytes) {
            Ok(c) => Parsed::Cases(c),
            Err(p) => Parsed::Problem(p),
        },
        FileRole::Code => match parse_code_file(path, &bytes) {
            Ok((header, body)) => Parsed::Code(CodeFile {
                path: path.to_string(),
                header,
                body,
            }),
            Err(p) => Parsed::Problem(p),
        },
        FileRole::Transcript { id } => {
            match parse_transcript_owned(path, &id, bytes.into_owned()) {
                Ok((t, ps)) => Parsed::Transcript(t, ps),
                Err(p) => Parsed::Unreadable(id, p),
            }
        }
        FileRole::Codings { coder, transcript } => {
            let (lines, items, ps) = parse_jsonl_columns::<Coding>(path, &bytes, CODING_HINT);
            Parsed::Codings(
                CodingFile {
                    coder,
                    transcript,
                    codings: items,
                    lines,
                },
                ps,
            )
        }
        FileRole::Decisions { transcript } => {
            let (lines, items, ps) = parse_jsonl_columns::<Decision>(path, &bytes, DECISION_HINT);
            Parsed::Decisions(
                DecisionFile {
                    transcript,
                    decisions: items,
                    lines,
                },
                ps,
            )
        }
        FileRole::Done { coder } => {
            let (lines, marks, ps) = parse_jsonl_columns::<Done>(path, &bytes, DONE_HINT);
            Parsed::Done(
                DoneFile {
                    coder,
                    marks,
                    lines,
                },
                ps,
            )
        }
        FileRole::Stray { reason } => Parsed::Problem(Problem::new(
            Location::file(path),
            "concord does not read this file",
            format!("{reason}; rename or move it"),
        )),
        FileRole::Other => Parsed::Nothing,
    }
}
