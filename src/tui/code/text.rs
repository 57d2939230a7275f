//! The transcript as the coding screen lays it out and moves through it:
//! rows wrapped to the pane's width (shared by drawing and by mapping a
//! mouse cell to a character), and the units a coder selects by: word,
//! sentence, speaker turn. Pure; offsets count `char`s, as codings do.

use unicode_width::UnicodeWidthChar;

/// How a character of study text is shown: control characters as visible
/// escapes (`\x1b`, `\t`), never sent to the terminal.
pub fn shown(c: char) -> String {
    crate::study::text::printable(&c.to_string())
}

/// Columns a character takes on screen.
pub fn width(c: char) -> usize {
    if c == '\n' {
        return 0;
    }
    if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
        return shown(c).chars().count();
    }
    c.width().unwrap_or(0)
}

/// One screen row of the transcript: characters `[start, end)` (without the
/// line's `\n`), and whether it begins a line of the file (a speaker turn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: usize,
    pub end: usize,
    pub line_start: bool,
}

/// The transcript's rows at `cols` columns: lines broken at spaces where
/// they can be, inside a word where it is longer than a row.
pub fn rows(chars: &[char], cols: usize) -> Vec<Row> {
    let cols = cols.max(4);
    let mut out = Vec::new();
    let mut line_start = 0;
    for (i, &c) in chars.iter().chain(std::iter::once(&'\n')).enumerate() {
        if c != '\n' {
            continue;
        }
        if line_start > chars.len() {
            break;
        }
        wrap_line(chars, line_start, i.min(chars.len()), cols, &mut out);
        line_start = i + 1;
    }
    out
}

fn wrap_line(chars: &[char], start: usize, end: usize, cols: usize, out: &mut Vec<Row>) {
    let mut row_start = start;
    let mut first = true;
    loop {
        let mut used = 0;
        let mut i = row_start;
        let mut last_space = None;
        while i < end && used + width(chars[i]) <= cols {
            used += width(chars[i]);
            if chars[i] == ' ' {
                last_space = Some(i);
            }
            i += 1;
        }
        let cut = if i >= end {
            end
        } else {
            match last_space {
                Some(s) if s > row_start => s + 1,
                _ => i.max(row_start + 1),
            }
        };
        out.push(Row {
            start: row_start,
            end: cut,
            line_start: first,
        });
        first = false;
        if cut >= end {
            break;
        }
        row_start = cut;
    }
}

/// The row holding character `pos` (a line's `\n` belongs to its last row).
pub fn row_of(rows: &[Row], pos: usize) -> usize {
    rows.partition_point(|r| r.start <= pos).saturating_sub(1)
}

/// The character at column `col` of row `r`, or the row's last.
pub fn char_at(chars: &[char], row: &Row, col: usize) -> usize {
    let mut used = 0;
    for (i, &c) in chars.iter().enumerate().take(row.end).skip(row.start) {
        used += width(c);
        if used > col {
            return i;
        }
    }
    row.end.saturating_sub(1).max(row.start)
}

/// The column of character `pos` in its row.
pub fn col_of(chars: &[char], row: &Row, pos: usize) -> usize {
    (row.start..pos.min(row.end)).map(|i| width(chars[i])).sum()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'
}

/// The start of the next word after `pos`.
pub fn next_word(chars: &[char], pos: usize) -> usize {
    let mut i = pos;
    while i < chars.len() && is_word(chars[i]) {
        i += 1;
    }
    while i < chars.len() && !is_word(chars[i]) {
        i += 1;
    }
    i.min(chars.len().saturating_sub(1))
}

/// The start of the word before `pos` (or the one it is in).
pub fn previous_word(chars: &[char], pos: usize) -> usize {
    let mut i = pos;
    while i > 0 && !is_word(chars[i - 1]) {
        i -= 1;
    }
    while i > 0 && is_word(chars[i - 1]) {
        i -= 1;
    }
    i
}

/// The end (last character) of the word at or after `pos`.
pub fn word_end(chars: &[char], pos: usize) -> usize {
    let mut i = pos;
    if i + 1 < chars.len() && !is_word(chars[i + 1]) {
        i += 1;
    }
    while i < chars.len() && !is_word(chars[i]) {
        i += 1;
    }
    while i + 1 < chars.len() && is_word(chars[i + 1]) {
        i += 1;
    }
    i.min(chars.len().saturating_sub(1))
}

fn ends_sentence(chars: &[char], i: usize) -> bool {
    matches!(chars[i], '.' | '!' | '?' | '…') && chars.get(i + 1).is_none_or(|c| c.is_whitespace())
        || chars[i] == '\n'
}

/// The start of the next sentence after `pos`.
pub fn next_sentence(chars: &[char], pos: usize) -> usize {
    let mut i = pos;
    while i < chars.len() && !ends_sentence(chars, i) {
        i += 1;
    }
    while i < chars.len() && (ends_sentence(chars, i) || chars[i].is_whitespace()) {
        i += 1;
    }
    i.min(chars.len().saturating_sub(1))
}

/// The last character of the sentence at `pos` (its full stop, or the
/// character before its line end); the next sentence's when `pos` is
/// already a sentence's last character.
pub fn sentence_end(chars: &[char], pos: usize) -> usize {
    let last = |i: usize| {
        if chars[i] == '\n' {
            i.saturating_sub(1)
        } else {
            i
        }
    };
    let mut i = pos;
    if i < chars.len() && last_of_sentence(chars, i) {
        i += 1;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
    }
    while i < chars.len() && !ends_sentence(chars, i) {
        i += 1;
    }
    if i >= chars.len() {
        return chars.len().saturating_sub(1);
    }
    last(i).max(pos.min(i))
}

fn last_of_sentence(chars: &[char], i: usize) -> bool {
    (ends_sentence(chars, i) && chars[i] != '\n') || chars.get(i + 1) == Some(&'\n')
}

/// The start of the sentence before `pos` (or the one it is in).
pub fn previous_sentence(chars: &[char], pos: usize) -> usize {
    let start_of = |mut i: usize| {
        while i > 0 && !ends_sentence(chars, i - 1) {
            i -= 1;
        }
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        i
    };
    let here = start_of(pos);
    if here < pos {
        return here;
    }
    let mut i = here;
    while i > 0 && (chars[i - 1].is_whitespace() || ends_sentence(chars, i - 1)) {
        i -= 1;
    }
    start_of(i)
}

/// The speaker turn (line of the file) at `pos`: `[start, end)` without its
/// `\n`, and without a leading speaker label (`P01: `, `MOD: `).
pub fn turn_at(chars: &[char], pos: usize) -> (usize, usize) {
    let pos = pos.min(chars.len());
    let mut start = pos;
    while start > 0 && chars[start - 1] != '\n' {
        start -= 1;
    }
    let mut end = pos;
    while end < chars.len() && chars[end] != '\n' {
        end += 1;
    }
    // A label: up to 24 characters without spaces but for the name, then ": ".
    let line: String = chars[start..end].iter().take(26).collect();
    if let Some(colon) = line.find(": ") {
        let label = &line[..colon];
        if !label.is_empty() && label.chars().count() <= 24 && !label.contains('.') {
            let skip = label.chars().count() + 2;
            if start + skip < end {
                start += skip;
            }
        }
    }
    (start, end)
}

/// The start of the next turn (line) after `pos`.
pub fn next_turn(chars: &[char], pos: usize) -> usize {
    let mut i = pos;
    while i < chars.len() && chars[i] != '\n' {
        i += 1;
    }
    (i + 1).min(chars.len().saturating_sub(1))
}

/// The start of the turn before `pos` (or the one it is in).
pub fn previous_turn(chars: &[char], pos: usize) -> usize {
    let mut i = pos;
    while i > 0 && chars[i - 1] != '\n' {
        i -= 1;
    }
    if i == pos && i > 0 {
        i -= 1;
        while i > 0 && chars[i - 1] != '\n' {
            i -= 1;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cs(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn rows_wrap_at_spaces_and_cover_every_character() {
        let t = cs("P01: one two three four\nP02: five\n");
        let r = rows(&t, 10);
        assert_eq!(
            r[0],
            Row {
                start: 0,
                end: 9,
                line_start: true
            }
        );
        assert!(r.iter().filter(|r| r.line_start).count() == 3);
        let covered: usize = r.iter().map(|r| r.end - r.start).sum();
        // Every character but the line ends lies in a row.
        assert_eq!(covered, t.iter().filter(|&&c| c != '\n').count());
        assert_eq!(
            row_of(&r, 24),
            r.iter().position(|x| x.start == 24).unwrap()
        );
    }

    #[test]
    fn words_sentences_and_turns() {
        let t = cs("MOD: Hi there. How are you?\nP01: Fine, thanks.\n");
        assert_eq!(next_word(&t, 5), 8);
        assert_eq!(previous_word(&t, 8), 5);
        assert_eq!(word_end(&t, 5), 6);
        assert_eq!(next_sentence(&t, 5), 15);
        assert_eq!(previous_sentence(&t, 20), 15);
        assert_eq!(previous_sentence(&t, 15), 0);
        assert_eq!(turn_at(&t, 10), (5, 27));
        assert_eq!(sentence_end(&t, 5), 13);
        assert_eq!(sentence_end(&t, 13), 26);
        assert_eq!(sentence_end(&t, 26), 45);
        assert_eq!(next_turn(&t, 10), 28);
        assert_eq!(previous_turn(&t, 30), 28);
        assert_eq!(previous_turn(&t, 28), 0);
    }
}
