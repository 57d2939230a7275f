//! Text helpers shared by the parsers and every front end: positions in
//! characters, shortening for messages, and making study text safe to print.

/// 1-based (line, column) of a byte offset in `text`, the column counted in
/// characters. An offset inside a character or past the end is clamped.
pub fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The byte offset of the `n`th character of `text` (`text.len()` for the end).
pub fn byte_of_char(text: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    let mut count = 0;
    for (i, _) in text.char_indices() {
        if count == n {
            return Some(i);
        }
        count += 1;
    }
    (count == n).then_some(text.len())
}

/// Characters between two entries of a [`CharIndex`].
const STRIDE: usize = 64;

/// Where every 64th character of a text starts, in bytes: a character
/// offset becomes a byte offset by one lookup and at most 63 steps, so a
/// transcript's codings cost the same at its millionth character as at
/// its first (slicing from the start each time made a long transcript's
/// commands quadratic). Built in the same pass that counts the characters;
/// a pure-ASCII text needs no entries (bytes are characters).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CharIndex {
    /// Byte offset of character `k * STRIDE`; empty for ASCII text.
    marks: Vec<usize>,
    chars: usize,
}

impl CharIndex {
    pub fn new(text: &str) -> CharIndex {
        if text.is_ascii() {
            return CharIndex {
                marks: Vec::new(),
                chars: text.len(),
            };
        }
        let bytes = text.as_bytes();
        let mut marks = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut chars: usize = 0;
        // A block of ASCII bytes (most of a transcript) is as many
        // characters, and its mark found by arithmetic; only a block with
        // other bytes is walked byte by byte.
        for (n, block) in bytes.chunks(STRIDE).enumerate() {
            let at = n * STRIDE;
            if block.is_ascii() {
                let mut k = chars.next_multiple_of(STRIDE);
                while k < chars + block.len() {
                    marks.push(at + (k - chars));
                    k += STRIDE;
                }
                chars += block.len();
                continue;
            }
            for (j, &b) in block.iter().enumerate() {
                if b & 0xC0 != 0x80 {
                    if chars % STRIDE == 0 {
                        marks.push(at + j);
                    }
                    chars += 1;
                }
            }
        }
        CharIndex { marks, chars }
    }

    /// Length of the text in characters.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// The byte offset of character `n` of `text` (the text this index was
    /// built from); `text.len()` for the end, `None` past it.
    pub fn byte_of(&self, text: &str, n: usize) -> Option<usize> {
        if n > self.chars {
            return None;
        }
        if n == self.chars {
            return Some(text.len());
        }
        if self.marks.is_empty() {
            return Some(n);
        }
        let from = *self.marks.get(n / STRIDE)?;
        skip_chars(text, from, n % STRIDE)
    }

    /// The character offset of byte `byte` (a character boundary) of `text`.
    pub fn char_of(&self, text: &str, byte: usize) -> usize {
        if self.marks.is_empty() {
            return byte.min(self.chars);
        }
        let k = self.marks.partition_point(|&m| m <= byte).saturating_sub(1);
        let from = self.marks.get(k).copied().unwrap_or(0);
        let end = byte.min(text.len());
        k * STRIDE
            + text.as_bytes()[from..end]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count()
    }

    /// The characters `[start, end)` of `text`, or `None` when out of range.
    pub fn slice<'a>(&self, text: &'a str, start: usize, end: usize) -> Option<&'a str> {
        if start > end {
            return None;
        }
        let b0 = self.byte_of(text, start)?;
        let b1 = self.byte_of(text, end)?;
        text.get(b0..b1)
    }
}

/// The byte offset `n` characters after byte offset `from` (a character
/// boundary) of `text`, `None` past its end. Counts bytes that start a
/// character, eight ASCII bytes at a time: much faster than decoding.
pub fn skip_chars(text: &str, from: usize, n: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut left = n;
    while left > 0 {
        // Eight ASCII bytes at once are eight characters: transcripts are
        // mostly ASCII, so most of the walk goes by words, not bytes.
        if left >= 8 {
            if let Some(chunk) = bytes.get(i..i + 8) {
                let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0x80; 8]));
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8;
                    left -= 8;
                    continue;
                }
            }
        }
        if i >= bytes.len() {
            return None;
        }
        i += 1;
        while i < bytes.len() && bytes[i] & 0xC0 == 0x80 {
            i += 1;
        }
        left -= 1;
    }
    Some(i)
}

/// The characters `[start, end)` of `text`, or `None` when out of range.
pub fn char_slice(text: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let b0 = byte_of_char(text, start)?;
    let b1 = b0 + byte_of_char(&text[b0..], end - start)?;
    Some(&text[b0..b1])
}

/// `text` cut to at most `max` characters, with `…` where it was cut, and
/// made printable (see [`printable`]).
pub fn shorten(text: &str, max: usize) -> String {
    let clean = printable(text);
    let count = clean.chars().count();
    if count <= max {
        return clean;
    }
    let keep = max.saturating_sub(1);
    let mut out: String = clean.chars().take(keep).collect();
    out.push('…');
    out
}

/// Study text made safe for a terminal: control characters (escape
/// sequences among them) are shown as visible `\x1b`, `\n`, `\t` instead of
/// being sent, so a transcript or memo can never drive the terminal.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            // Bidirectional overrides can make text read differently from
            // what it is; show them too.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:04x}}}", ch as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\ncé\u{1F600}x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // After "cé😀": 3 characters in, column 4.
        let x = t.find('x').unwrap();
        assert_eq!(line_col(t, x), (2, 4));
        assert_eq!(line_col(t, 999), (2, 5));
    }

    #[test]
    fn char_slice_uses_scalar_values() {
        let t = "Zoë said “yes”";
        assert_eq!(char_slice(t, 0, 3), Some("Zoë"));
        assert_eq!(char_slice(t, 9, 14), Some("“yes”"));
        assert_eq!(char_slice(t, 9, 15), None);
        assert_eq!(char_slice(t, 14, 14), Some(""));
        assert_eq!(char_slice(t, 3, 2), None);
    }

    #[test]
    fn the_char_index_agrees_with_walking_the_text() {
        let long: String = "ab—é😀 “x” ".repeat(40);
        // Runs of ASCII of every length between other characters: blocks
        // of plain bytes and blocks with a character split across them.
        let mixed: String = (0..60)
            .map(|i| "a".repeat(i * 7 % 150) + ["é", "😀", "—", ""][i % 4])
            .collect();
        for text in ["", "plain ascii text", "é", long.as_str(), mixed.as_str()] {
            let index = CharIndex::new(text);
            let chars = text.chars().count();
            assert_eq!(index.chars(), chars);
            for n in 0..=chars + 1 {
                assert_eq!(index.byte_of(text, n), byte_of_char(text, n), "{n}");
                if let Some(b) = byte_of_char(text, n) {
                    assert_eq!(index.char_of(text, b), n);
                }
            }
            for (s, e) in [(0, chars), (3, 70), (64, 130), (chars, chars), (5, 2)] {
                assert_eq!(index.slice(text, s, e), char_slice(text, s, e), "{s}-{e}");
            }
        }
    }

    #[test]
    fn printable_shows_escapes() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\x1b[31mb");
        assert_eq!(printable("line\nnext"), "line\\nnext");
        assert_eq!(shorten("abcdefgh", 5), "abcd…");
        assert_eq!(shorten("abc", 5), "abc");
    }
}
