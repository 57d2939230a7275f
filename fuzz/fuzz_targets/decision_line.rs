//! decisions/<transcript>.jsonl: the reconciliation log.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = concord::study::parse::jsonl::parse_jsonl::<concord::study::Decision>(
        "decisions/t.jsonl",
        data,
        "",
    );
});
