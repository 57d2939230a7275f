//! Codings the figures cannot use because of a problem in the study: a
//! code not in the codebook (also when its code file does not parse), a
//! transcript that is not there, a span outside the text, or a line of a
//! codings file that does not parse. `agreement`, `units` and the review
//! screen say how many they left out, so that no figure silently rests on
//! part of the data.

use serde::{Deserialize, Serialize};

use crate::study::Study;

/// How many codings were left out, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// Their code is not in the codebook.
    pub unknown_code: usize,
    /// Their transcript is not in the study (or could not be read).
    pub no_transcript: usize,
    /// `start >= end`, or `end` past the transcript's end.
    pub bad_span: usize,
    /// Lines of codings files that do not parse (see [`crate::study::Loaded`]).
    pub unparsed: usize,
}

impl LeftOut {
    /// The codings `concord agreement` leaves out: all of the above.
    pub fn of_agreement(study: &Study, unparsed: usize) -> LeftOut {
        let mut out = LeftOut {
            unparsed,
            ..LeftOut::default()
        };
        for f in &study.codings {
            let transcript = study.transcript(&f.transcript);
            for c in &f.codings {
                if study.codebook.get(&c.code).is_none() {
                    out.unknown_code += 1;
                } else if transcript.is_none() {
                    out.no_transcript += 1;
                } else if !(c.start < c.end && transcript.is_some_and(|t| c.end <= t.chars)) {
                    out.bad_span += 1;
                }
            }
        }
        out
    }

    /// The codings review units leave out: an empty or reversed span, or a
    /// line that does not parse (units keep unknown codes, to show them).
    pub fn of_units(study: &Study, unparsed: usize) -> LeftOut {
        let bad_span = study
            .codings
            .iter()
            .flat_map(|f| &f.codings)
            .filter(|c| c.start >= c.end)
            .count();
        LeftOut {
            bad_span,
            unparsed,
            ..LeftOut::default()
        }
    }

    pub fn total(&self) -> usize {
        self.unknown_code + self.no_transcript + self.bad_span + self.unparsed
    }

    /// `12 coding(s) left out because of problems (10 with a code not in
    /// the codebook, 2 whose line does not parse); run concord check`, or
    /// nothing when none were.
    pub fn sentence(&self) -> Option<String> {
        if self.total() == 0 {
            return None;
        }
        let parts: Vec<String> = [
            (self.unknown_code, "with a code not in the codebook"),
            (
                self.no_transcript,
                "of a transcript the study does not have",
            ),
            (self.bad_span, "with a span outside the text"),
            (self.unparsed, "whose line does not parse"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, why)| format!("{n} {why}"))
        .collect();
        Some(format!(
            "{} coding(s) left out because of problems ({}); run concord check",
            self.total(),
            parts.join(", ")
        ))
    }
}
