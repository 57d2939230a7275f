//! codings/<coder>/<transcript>.jsonl: one coded excerpt per line.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = concord::study::parse::jsonl::parse_jsonl::<concord::study::Coding>(
        "codings/coder-a/t.jsonl",
        data,
        "",
    );
});
