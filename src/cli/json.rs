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

/// `value` as one line of JSON, safe to print.
pub fn line(value: &impl Serialize) -> String {
    escape_for_terminal(&serde_json::to_string(value).unwrap_or_default())
}

fn escape_for_terminal(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '\u{80}'..='\u{9f}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
