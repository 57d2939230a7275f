//! A code file (TOML front matter between +++ lines, Markdown body).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((_, body)) = concord::study::parse::code_file::parse_code_file("codebook/x.md", data)
    {
        let _ = concord::study::parse::code_file::section(&body, "Definition");
    }
});
