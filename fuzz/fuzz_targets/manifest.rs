//! concord.toml: any bytes give a manifest or a problem, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = concord::study::parse::manifest::parse_manifest("concord.toml", data);
});
