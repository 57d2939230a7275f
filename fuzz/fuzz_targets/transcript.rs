//! A transcript, and the text helpers every view of it goes through.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((t, _)) = concord::study::parse::transcript::parse_transcript("transcripts/t.txt", "t", data) {
        let n = t.chars;
        let _ = concord::study::text::char_slice(&t.text, n / 3, n / 2);
        let _ = concord::study::text::shorten(&t.text, 40);
        let p = concord::study::text::printable(&t.text);
        assert!(!p.chars().any(|c| c.is_control()), "printable let a control character through");
    }
});
