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
        // C1 controls start with 0xC2 in UTF-8, the bidirectional
        // controls with 0xE2: a text without either is written as it is.
        if self.pending.is_empty() && !buf.iter().any(|&b| b == 0xC2 || b == 0xE2) {
            self.inner.write_all(buf)?;
            return Ok(buf.len());
        }
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        // Up to the last whole character; the rest waits for the next write.
        let mut end = bytes.len();
        let mut back = 0;
        while back < 3 && end > 0 && (bytes[end - 1] & 0xC0) == 0x80 {
            end -= 1;
            back += 1;
        }
        if end > 0 && bytes[end - 1] >= 0xC0 {
            end -= 1;
            let need = match bytes[end] {
                b if b >= 0xF0 => 4,
                b if b >= 0xE0 => 3,
                _ => 2,
            };
            if bytes.len() - end >= need {
                end = bytes.len();
            }
        } else {
            end = bytes.len();
        }
        let (whole, rest) = bytes.split_at(end);
        self.pending = rest.to_vec();
        match std::str::from_utf8(whole) {
            Ok(text) => self.inner.write_all(escape_for_terminal(text).as_bytes())?,
            // serde_json writes UTF-8 only; never expected, written as it is.
            Err(_) => self.inner.write_all(whole)?,
        }
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

/// `value` as one line of JSON, safe to print.
pub fn line(value: &impl Serialize) -> String {
    escape_for_terminal(&serde_json::to_string(value).unwrap_or_default())
}

/// A C1 control or a bidirectional control: what a terminal may obey.
fn drives_terminal(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_for_terminal(json: &str) -> String {
    if !json.chars().any(drives_terminal) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if drives_terminal(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
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
    fn c1_and_bidi_controls_are_escaped_and_the_value_is_unchanged() {
        let text = "a\u{1b}[31m\u{9b}31m\u{202e}z";
        let json = pretty(&text);
        assert!(!json.chars().any(|c| c.is_control() && c != '\n'));
        assert!(!json.contains('\u{202e}'));
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, text);
    }
}
