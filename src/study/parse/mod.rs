//! Parsers: bytes of one file in, a value or [`Problem`]s out. None of them
//! panics, whatever the bytes (see the property tests in `tests/`).

pub mod code_file;
pub mod jsonl;
pub mod manifest;
pub mod transcript;

use crate::study::problem::{Location, Problem};
use crate::study::text::line_col;

/// Bytes as UTF-8, or a problem that says at which byte they stop being so.
pub fn utf8<'a>(path: &str, bytes: &'a [u8], what_to_do: &str) -> Result<&'a str, Problem> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        // The valid prefix locates the bad byte in lines and columns.
        let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or("");
        let (line, column) = line_col(prefix, prefix.len());
        Problem::new(
            Location::at(path, line, column),
            format!(
                "not valid UTF-8 at byte {at} (byte value 0x{:02x})",
                bytes[at]
            ),
            what_to_do.to_string(),
        )
    })
}

/// The first CRLF line end of `text`, as a problem, if there is one.
pub fn crlf(path: &str, text: &str, what_to_do: &str) -> Option<Problem> {
    let at = text.find("\r\n")?;
    let (line, column) = line_col(text, at);
    Some(Problem::new(
        Location::at(path, line, column),
        "has Windows (CRLF) line ends",
        what_to_do.to_string(),
    ))
}
