//! `transcripts/<id>.txt`: UTF-8 text with LF line ends.

use crate::study::problem::Problem;
use crate::study::types::Transcript;

use super::{crlf, utf8};

/// A transcript, and the problems that do not stop it being read (CRLF).
/// Not UTF-8 is fatal: without the text no offset means anything.
pub fn parse_transcript(
    path: &str,
    id: &str,
    bytes: &[u8],
) -> Result<(Transcript, Vec<Problem>), Problem> {
    parse_transcript_owned(path, id, bytes.to_vec())
}

/// [`parse_transcript`] of bytes it may keep: the text is the bytes, not a
/// copy of them (a large study's transcripts are held once, not twice).
pub fn parse_transcript_owned(
    path: &str,
    id: &str,
    bytes: Vec<u8>,
) -> Result<(Transcript, Vec<Problem>), Problem> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bytes = e.into_bytes();
            return Err(utf8(
                path,
                &bytes,
                "save the transcript as UTF-8 (for example: iconv -f WINDOWS-1252 -t UTF-8 FILE), then check that codings still match",
            )
            .err()
            .unwrap_or_else(|| Problem::new(
                crate::study::problem::Location::file(path),
                "not valid UTF-8",
                "save the transcript as UTF-8",
            )));
        }
    };
    let problems = crlf(
        path,
        &text,
        "convert it to LF line ends (for example: dos2unix FILE); offsets count characters of the LF text",
    )
    .into_iter()
    .collect();
    Ok((Transcript::new(id, text), problems))
}
