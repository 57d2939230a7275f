//! From files to a [`Study`]: parse every file, keep what parses, and
//! collect a problem for what does not.

use std::collections::BTreeSet;

use crate::study::codebook::{CodeFile, build_codebook};
use crate::study::files::{FileRole, MANIFEST, StudyFiles, role_of};
use crate::study::parse::code_file::parse_code_file;
use crate::study::parse::jsonl::parse_jsonl;
use crate::study::parse::manifest::parse_manifest;
use crate::study::parse::transcript::parse_transcript;
use crate::study::problem::{Location, Problem};
use crate::study::types::{Coding, CodingFile, Decision, DecisionFile, Study};

const CODING_HINT: &str = "each line is one coding: {\"id\":...,\"code\":...,\"start\":...,\"end\":...,\"quote\":...,\"memo\":...} (see docs/format.md); fix the line, or restore the file with git";
const DECISION_HINT: &str = "each line is one decision: {\"id\",\"unit\",\"basis\",\"action\",\"chosen\",\"result\",\"reviewer\",\"at\",\"note\"} (see docs/format.md); restore the line with git rather than editing the log";

/// A loaded study and the problems met while parsing it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub study: Study,
    pub problems: Vec<Problem>,
    /// Transcripts that exist but could not be read (not UTF-8): their
    /// codings are not checked against text.
    pub unreadable_transcripts: BTreeSet<String>,
}

pub fn load(files: &StudyFiles) -> Loaded {
    let mut problems = Vec::new();
    let mut manifest = None;
    let mut code_files = Vec::new();
    let mut transcripts = Vec::new();
    let mut codings = Vec::new();
    let mut decisions = Vec::new();
    let mut unreadable_transcripts = BTreeSet::new();

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

    for (path, bytes) in &files.files {
        match role_of(path) {
            FileRole::Manifest => match parse_manifest(path, bytes) {
                Ok(m) => manifest = Some(m),
                Err(p) => problems.push(p),
            },
            FileRole::Code => match parse_code_file(path, bytes) {
                Ok((header, body)) => code_files.push(CodeFile {
                    path: path.clone(),
                    header,
                    body,
                }),
                Err(p) => problems.push(p),
            },
            FileRole::Transcript { id } => match parse_transcript(path, &id, bytes) {
                Ok((t, ps)) => {
                    transcripts.push(t);
                    problems.extend(ps);
                }
                Err(p) => {
                    unreadable_transcripts.insert(id);
                    problems.push(p);
                }
            },
            FileRole::Codings { coder, transcript } => {
                let (items, ps) = parse_jsonl::<Coding>(path, bytes, CODING_HINT);
                problems.extend(ps);
                let (lines, items): (Vec<usize>, Vec<Coding>) = items.into_iter().unzip();
                codings.push(CodingFile {
                    coder,
                    transcript,
                    codings: items,
                    lines,
                });
            }
            FileRole::Decisions { transcript } => {
                let (items, ps) = parse_jsonl::<Decision>(path, bytes, DECISION_HINT);
                problems.extend(ps);
                let (lines, items): (Vec<usize>, Vec<Decision>) = items.into_iter().unzip();
                decisions.push(DecisionFile {
                    transcript,
                    decisions: items,
                    lines,
                });
            }
            FileRole::Stray { reason } => problems.push(Problem::new(
                Location::file(path),
                "concord does not read this file",
                format!("{reason}; rename or move it"),
            )),
            FileRole::Other => {}
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
        },
        problems,
        unreadable_transcripts,
    }
}
