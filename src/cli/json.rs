//! JSON for standard output. serde_json escapes the C0 controls (ESC
//! among them) but writes C1 controls (U+009B is CSI to many terminals)
//! and bidirectional overrides as they are; they can only occur inside
//! strings, so writing them as `\uXXXX` keeps the JSON the same value and
//! keeps study text from driving a terminal the output is shown on.

use serde::Serialize;

/// `value` as pretty JSON, safe to print.
pub fn pretty(value: &impl Serialize) -> String {
    escape_for_terminal(&serde_json::to_string_pretty(value).unwrap_or_default())
}

/// Print `value` as pretty JSON on standard output, safe to print,
/// written as it is made (a large study's units are hundreds of megabytes
/// of JSON: not held in memory, let alone twice). A closed pipe ends it
/// quietly, as `print!` does here; any other failure (a full disk) is an
/// error naming standard output.
pub fn print_pretty(value: &impl Serialize) -> Result<(), crate::repo::RepoError> {
    use std::io::Write;
    let stdout = std::io::stdout();
    // Buffered before the escaping: it sees 64 KB at a time, not every
    // token serde_json writes.
    let mut out = std::io::BufWriter::with_capacity(
        1 << 16,
        TerminalSafe {
            inner: stdout.lock(),
            pending: Vec::new(),
        },
    );
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(crate::repo::RepoError::Write {
            path: std::path::PathBuf::from("(standard output)"),
            source,
        }),
        Ok(()) => Ok(()),
    }
}

/// A writer that writes C1 controls and bidirectional controls as `\uXXXX`
/// (what [`escape_for_terminal`] does to a whole text), whatever the
/// chunks it is given: the start of a character cut between two writes
/// waits for the rest.
struct TerminalSafe<W: std::io::Write> {
    inner: W,
    /// The first bytes of a character whose end has not come yet.
    pending: Vec<u8>,
}

impl<W: std::io::Write> std::io::Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined;
        let bytes: &[u8] = if self.pending.is_empty() {
            buf
        } else {
            joined = [std::mem::take(&mut self.pending).as_slice(), buf].concat();
            &joined
        };
        // Every character escaped starts with 0xC2 or 0xE2 (see
        // [`escaped_at`]): one cut short at the end waits for the rest.
        let n = bytes.len();
        let hold = if n >= 1 && matches!(bytes[n - 1], 0xC2 | 0xE2) {
            1
        } else if n >= 2 && bytes[n - 2] == 0xE2 {
            2
        } else {
            0
        };
        write_escaped(&bytes[..n - hold], &mut self.inner)?;
        self.pending = bytes[n - hold..].to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.inner.write_all(&rest)?;
        }
        self.inner.flush()
    }
}

/// The length of the character at the start of `bytes` (UTF-8) if it is
/// one [`drives_terminal`] names: C1 controls are `C2 80`..`C2 9F`, the
/// bidirectional controls `E2 80 8E`, `E2 80 8F`, `E2 80 AA`..`E2 80 AE`
/// and `E2 81 A6`..`E2 81 A9`. Looking at bytes, not characters, is what
/// lets hundreds of megabytes of JSON through at the speed of a copy.
fn escaped_at(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [0xC2, 0x80..=0x9F, ..] => Some(2),
        [0xE2, 0x80, 0x8E | 0x8F | 0xAA..=0xAE, ..] | [0xE2, 0x81, 0xA6..=0xA9, ..] => Some(3),
        _ => None,
    }
}

/// `bytes` (UTF-8) written with every character [`drives_terminal`] names as `\uXXXX`.
fn write_escaped(bytes: &[u8], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut written = 0;
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| b == 0xC2 || b == 0xE2) {
        let start = at + found;
        match escaped_at(&bytes[start..]) {
            Some(len) => {
                out.write_all(&bytes[written..start])?;
                let c = std::str::from_utf8(&bytes[start..start + len])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map_or(0, |c| c as u32);
                write!(out, "\\u{c:04x}")?;
                written = start + len;
                at = written;
            }
            None => at = start + 1,
        }
    }
    out.write_all(&bytes[written..])
}

/// `value` as one line of JSON, safe to print.
pub fn line(value: &impl Serialize) -> String {
    escape_for_terminal(&serde_json::to_string(value).unwrap_or_default())
}

/// A C1 control or a bidirectional control: what a terminal may obey (the
/// characters [`escaped_at`] finds, by their bytes).
#[cfg(test)]
fn drives_terminal(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_for_terminal(json: &str) -> String {
    let mut out = Vec::with_capacity(json.len());
    // Writing to a vector cannot fail, and the escapes are ASCII.
    let _ = write_escaped(json.as_bytes(), &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_in_any_chunks_it_is_the_pretty_text() {
        use std::io::Write;
        let text = "a\u{9b}31m é \u{202e}z \u{1F600} \u{2067}";
        let whole = pretty(&vec![text, text]);
        let json = serde_json::to_string_pretty(&vec![text, text]).unwrap();
        for chunk in 1..=7 {
            let mut w = TerminalSafe {
                inner: Vec::new(),
                pending: Vec::new(),
            };
            for part in json.as_bytes().chunks(chunk) {
                w.write_all(part).unwrap();
            }
            w.flush().unwrap();
            assert_eq!(
                String::from_utf8(w.inner).unwrap(),
                whole,
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn the_bytes_looked_at_are_the_characters_named() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(
                escaped_at(bytes).is_some(),
                drives_terminal(c),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn c1_and_bidi_controls_are_escaped_and_the_value_is_unchanged() {
        let text = "a\u{1b}[31m\u{9b}31m\u{202e}z";
        let json = pretty(&text);
        assert!(!json.chars().any(|c| c.is_control() && c != '\n'));
        assert!(!json.contains('\u{202e}'));
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, text);
    }
}
