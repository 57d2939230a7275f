//! A study put together from per-transcript parts: each transcript's own
//! files (its text and every coder's codings of it) parsed, checked and cut
//! into review units on their own, so that a cache (`repo/parts.rs`) can
//! keep each part by the files it came from and a change of one transcript
//! recomputes only its part. [`assemble`] and [`validate_across`] give the
//! same [`Loaded`] and the same units as [`crate::study::check`] and
//! [`review_units`] of the whole study (`tests/cache.rs` compares them).
//!
//! [`validate_across`]: crate::study::validate::validate_across

use serde::{Deserialize, Serialize};

use crate::align::{
    ReviewUnit, excerpts_of, review_units, transcript_order, unit_coders, units_of_transcript,
};
use crate::study::files::{FileRole, StudyFiles, codings_path, role_of, transcript_path};
use crate::study::load::{Loaded, add_transcripts, load_some};
use crate::study::problem::Problem;
use crate::study::types::{CodingFile, Study, Transcript};
use crate::study::validate::coding_problems;

/// One transcript's files, parsed and checked, and its review units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptPart {
    /// `None` when there is no text (no file, or not UTF-8).
    pub transcript: Option<Transcript>,
    /// The transcript's id when its file is not UTF-8.
    pub unreadable: Option<String>,
    /// Every coder's codings of it, in path order.
    pub codings: Vec<CodingFile>,
    /// The problems of these files alone (parsing, and each coding against
    /// its code and this transcript).
    pub problems: Vec<Problem>,
    pub units: Vec<ReviewUnit>,
}

impl TranscriptPart {
    /// Drop every coding's quote, memo and foreign ids (for a summary:
    /// `Opened::for_summaries`). Offsets, codes and ids stay.
    pub fn leave_out_quotes(&mut self) {
        for c in self.codings.iter_mut().flat_map(|f| f.codings.iter_mut()) {
            c.quote = String::new();
            c.memo = String::new();
            c.refi = None;
        }
    }
}

/// The transcript whose part a study file belongs to: a transcript and its
/// codings; `None` for the files of the whole study (manifest, codebook,
/// decisions, done marks, anything else).
pub fn part_of(path: &str) -> Option<String> {
    match role_of(path) {
        FileRole::Transcript { id } => Some(id),
        FileRole::Codings { transcript, .. } => Some(transcript),
        _ => None,
    }
}

/// The part of transcript `id` from its files (`files`: only the files
/// [`part_of`] gives to it; their bytes are kept without a copy). `whole`
/// is the study loaded from its other files (its codebook checks the
/// codes); `coders` are the coders units are made for ([`unit_coders`] of
/// the whole study).
pub fn make_part(
    id: &str,
    mut files: StudyFiles,
    whole: &Study,
    coders: &[String],
) -> TranscriptPart {
    let texts: Vec<String> = files
        .files
        .keys()
        .filter(|p| matches!(role_of(p), FileRole::Transcript { .. }))
        .cloned()
        .collect();
    let owned: Vec<(String, Vec<u8>)> = texts
        .into_iter()
        .filter_map(|p| files.files.remove(&p).map(|b| (p, b)))
        .collect();
    let mut loaded = load_some(&files);
    add_transcripts(&mut loaded, owned);
    let transcript = loaded.study.transcripts.pop();
    let mut problems = loaded.problems;
    problems.extend(coding_problems(
        whole,
        &files,
        &loaded.study.codings,
        transcript.as_ref(),
    ));
    let excerpts = loaded.study.codings.iter().flat_map(excerpts_of).collect();
    TranscriptPart {
        transcript,
        unreadable: loaded.unreadable_transcripts.into_iter().next(),
        units: units_of_transcript(id, coders, excerpts),
        codings: loaded.study.codings,
        problems,
    }
}

/// The coders units are made for, from the whole study (without its
/// transcripts' files) and the paths of every codings file, in path order:
/// what [`unit_coders`] gives once the study is put together.
pub fn coders_for_units<'a>(whole: &Study, paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut coders: Vec<String> = whole.coders().iter().map(|c| c.id.clone()).collect();
    for path in paths {
        if let FileRole::Codings { coder, .. } = role_of(path)
            && !coders.contains(&coder)
        {
            coders.push(coder);
        }
    }
    coders
}

/// The study from `whole` (loaded from the files of no part, with the
/// study's own problems: `load` of them) and every part, with its review
/// units; `coders` are those the parts' units were made for. The checks
/// across files ([`validate_across`]) are the caller's, who has the bytes.
///
/// [`validate_across`]: crate::study::validate::validate_across
pub fn assemble(
    mut whole: Loaded,
    parts: Vec<(String, TranscriptPart)>,
    coders: &[String],
) -> (Loaded, Vec<ReviewUnit>) {
    let mut by_id = std::collections::HashMap::with_capacity(parts.len());
    for (id, part) in parts {
        if let Some(t) = part.transcript {
            whole.study.transcripts.push(t);
        }
        if let Some(u) = part.unreadable {
            whole.unreadable_transcripts.insert(u);
        }
        whole.study.codings.extend(part.codings);
        whole.problems.extend(part.problems);
        by_id.insert(id, part.units);
    }
    // In path order, as a whole study's files are read.
    whole
        .study
        .transcripts
        .sort_by_cached_key(|t| transcript_path(&t.id));
    whole
        .study
        .codings
        .sort_by_cached_key(|f| codings_path(&f.coder, &f.transcript));
    let units = if unit_coders(&whole.study) == coders {
        // Sized once: grown by doubling, a large study's units were copied
        // over and over, the last time beside a half-sized copy.
        let mut units = Vec::with_capacity(by_id.values().map(Vec::len).sum());
        for t in transcript_order(&whole.study) {
            if let Some(u) = by_id.remove(t) {
                units.extend(u);
            }
        }
        units
    } else {
        // A codings file listed but not read: the coders differ, so the
        // units are made again for the study as it is.
        review_units(&whole.study)
    };
    (whole, units)
}
