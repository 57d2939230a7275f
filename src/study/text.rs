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
    fn printable_shows_escapes() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\x1b[31mb");
        assert_eq!(printable("line\nnext"), "line\\nnext");
        assert_eq!(shorten("abcdefgh", 5), "abcd…");
        assert_eq!(shorten("abc", 5), "abc");
    }
}
