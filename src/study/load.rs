//! From files to a [`Study`]: parse every file, keep what parses, and
//! collect a problem for what does not.

use std::collections::BTreeSet;

use crate::study::cases::{Cases, parse_cases};
use crate::study::codebook::{CodeFile, build_codebook};
use crate::study::files::{FileRole, MANIFEST, StudyFiles, role_of};
use crate::study::parse::code_file::parse_code_file;
use crate::study::parse::jsonl::parse_jsonl;
use crate::study::parse::manifest::parse_manifest;
use crate::study::parse::transcript::{parse_transcript, parse_transcript_owned};
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
    let mut problems = Vec::new();
    let mut manifest = None;
    let mut code_files = Vec::new();
    let mut transcripts = Vec::new();
    let mut codings = Vec::new();
    let mut decisions = Vec::new();
    let mut cases = Cases::default();
    let mut done = Vec::new();
    let mut unreadable_transcripts = BTreeSet::new();
    let mut unparsed_codings = 0;

    for (path, reason) in &files.skipped {
        problems.push(Problem::new(
            Location::file(path),
            format!("not read: {reason}"),
            "keep study files as regular files inside the study folder",
        ));
    }
    if files.get(MANIFEST).is_none() {
        problems.push(Problem::new(
            Location::file(MANIFEST),
            "missing manifest: there is no concord.toml in the study folder",
            "create it (concord init writes a template; the format is in docs/format.md)",
        ));
    }

    // Files parse independently, so they parse on every core; the results
    // are put together in path order, so the outcome does not depend on it.
    let entries: Vec<(&String, &Vec<u8>)> = files.files.iter().collect();
    for parsed in parse_all(&entries) {
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
            Parsed::Nothing => {}
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
    Nothing,
}

/// Parse every entry, in order, spreading contiguous chunks over the
/// machine's cores (plain scoped threads: no clock, no IO).
fn parse_all(entries: &[(&String, &Vec<u8>)]) -> Vec<Parsed> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || entries.len() < 64 {
        return entries.iter().map(|(p, b)| parse_one(p, b)).collect();
    }
    let chunk = entries.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(p, b)| parse_one(p, b))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn parse_one(path: &str, bytes: &[u8]) -> Parsed {
    match role_of(path) {
        FileRole::Manifest => match parse_manifest(path, bytes) {
            Ok(m) => Parsed::Manifest(m),
            Err(p) => Parsed::Problem(p),
        },
        FileRole::Cases => match parse_cases(path, bytes) {
            Ok(c) => Parsed::Cases(c),
            Err(p) => Parsed::Problem(p),
        },
        FileRole::Code => match parse_code_file(path, bytes) {
            Ok((header, body)) => Parsed::Code(CodeFile {
                path: path.to_string(),
                header,
                body,
            }),
            Err(p) => Parsed::Problem(p),
        },
        FileRole::Transcript { id } => match parse_transcript(path, &id, bytes) {
            Ok((t, ps)) => Parsed::Transcript(t, ps),
            Err(p) => Parsed::Unreadable(id, p),
        },
        FileRole::Codings { coder, transcript } => {
            let (items, ps) = parse_jsonl::<Coding>(path, bytes, CODING_HINT);
            let (lines, items): (Vec<usize>, Vec<Coding>) = items.into_iter().unzip();
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
            let (items, ps) = parse_jsonl::<Decision>(path, bytes, DECISION_HINT);
            let (lines, items): (Vec<usize>, Vec<Decision>) = items.into_iter().unzip();
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
            let (items, ps) = parse_jsonl::<Done>(path, bytes, DONE_HINT);
            let (lines, marks): (Vec<usize>, Vec<Done>) = items.into_iter().unzip();
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
