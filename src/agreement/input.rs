//! What the measures are computed on: coders, codes, transcripts (length and
//! speaker turns) and every coder's excerpts, as plain values. A study on
//! disk, a fixture and a generated study all become an [`Input`], so the
//! statistics never see files.

use std::collections::HashMap;

use crate::agreement::turn::speaker_turns;
use crate::study::Study;

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Coder ids in study order: the first two are "A" and "B" of the
    /// two-coder measures.
    pub coders: Vec<String>,
    /// Codes in codebook order (a parent before its children).
    pub codes: Vec<CodeInfo>,
    pub transcripts: Vec<TranscriptInfo>,
    pub excerpts: Vec<Excerpt>,
    /// For the segment-level measure (`[agreement] segment_overlap`).
    pub segment_overlap: f64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CodeInfo {
    pub id: String,
    pub parent: Option<String>,
    /// Hierarchy depth, for indenting tables (0 = top level).
    pub depth: usize,
    /// Whether coders may apply it; a code that is only a heading still
    /// names a semantic domain (its children).
    pub codable: bool,
}

#[cfg(test)]
impl CodeInfo {
    /// A codable code at the top of the codebook (for the measures' tests).
    pub fn top(id: &str) -> CodeInfo {
        CodeInfo {
            id: id.into(),
            parent: None,
            depth: 0,
            codable: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptInfo {
    pub id: String,
    /// Length in characters (Unicode scalar values).
    pub length: usize,
    /// Speaker turns, half-open `[start, end)`, sorted, not overlapping.
    pub turns: Vec<(usize, usize)>,
}

/// One coded excerpt, by index into [`Input`]'s lists; `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Excerpt {
    pub code: usize,
    pub transcript: usize,
    pub coder: usize,
    pub start: usize,
    pub end: usize,
}

impl Input {
    /// The study's values for the measures. Codings that `concord check`
    /// reports (an unknown code, a span outside its transcript, an unknown
    /// transcript) are left out rather than guessed at.
    pub fn from_study(study: &Study) -> Input {
        let mut coders: Vec<String> = study.coders().iter().map(|c| c.id.clone()).collect();
        for f in &study.codings {
            if !coders.contains(&f.coder) {
                coders.push(f.coder.clone());
            }
        }
        let codes: Vec<CodeInfo> = study
            .codebook
            .codes
            .iter()
            .map(|c| CodeInfo {
                id: c.id().to_string(),
                parent: c.parent.clone(),
                depth: c.depth,
                codable: c.header.codable,
            })
            .collect();
        let transcripts: Vec<TranscriptInfo> = study
            .transcripts
            .iter()
            .map(|t| TranscriptInfo {
                id: t.id.clone(),
                length: t.chars,
                turns: speaker_turns(&t.text),
            })
            .collect();
        let code_index: HashMap<&str, usize> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let transcript_index: HashMap<&str, usize> = transcripts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        let mut excerpts = Vec::new();
        for f in &study.codings {
            let Some(&t) = transcript_index.get(f.transcript.as_str()) else {
                continue;
            };
            let coder = coders.iter().position(|c| *c == f.coder).unwrap_or(0);
            for c in &f.codings {
                let Some(&code) = code_index.get(c.code.as_str()) else {
                    continue;
                };
                if c.start < c.end && c.end <= transcripts[t].length {
                    excerpts.push(Excerpt {
                        code,
                        transcript: t,
                        coder,
                        start: c.start,
                        end: c.end,
                    });
                }
            }
        }
        let segment_overlap = study
            .manifest
            .as_ref()
            .map(|m| m.agreement.segment_overlap)
            .unwrap_or(0.9);
        Input {
            coders,
            codes,
            transcripts,
            excerpts,
            segment_overlap,
        }
        .sorted()
    }

    /// The same input with its excerpts sorted by code, transcript, coder,
    /// start, end: the order every measure relies on.
    pub fn sorted(mut self) -> Input {
        self.excerpts.sort_unstable();
        self
    }

    /// The codes coders may apply, in codebook order: the ones every
    /// measure has rows for.
    pub fn codable_codes(&self) -> Vec<usize> {
        (0..self.codes.len())
            .filter(|&c| self.codes[c].codable)
            .collect()
    }

    pub fn code_index(&self, id: &str) -> Option<usize> {
        self.codes.iter().position(|c| c.id == id)
    }

    /// The excerpts of one code, in (transcript, coder, start, end) order.
    /// Requires [`Input::sorted`].
    pub fn of_code(&self, code: usize) -> &[Excerpt] {
        let lo = self.excerpts.partition_point(|e| e.code < code);
        let hi = self.excerpts.partition_point(|e| e.code <= code);
        &self.excerpts[lo..hi]
    }

    /// The excerpts of one code in one transcript, for each coder: spans
    /// sorted by start. Requires [`Input::sorted`].
    pub fn spans_by_coder(
        &self,
        code_excerpts: &[Excerpt],
        transcript: usize,
    ) -> Vec<Vec<(usize, usize)>> {
        let lo = code_excerpts.partition_point(|e| e.transcript < transcript);
        let hi = code_excerpts.partition_point(|e| e.transcript <= transcript);
        let mut out = vec![Vec::new(); self.coders.len()];
        for e in &code_excerpts[lo..hi] {
            if let Some(v) = out.get_mut(e.coder) {
                v.push((e.start, e.end));
            }
        }
        out
    }

    /// Transcripts in which this code's excerpts occur (sorted, distinct).
    pub fn transcripts_of(code_excerpts: &[Excerpt]) -> Vec<usize> {
        let mut ts: Vec<usize> = code_excerpts.iter().map(|e| e.transcript).collect();
        ts.dedup();
        ts
    }
}
