//! A .qdpx archive (zip) with its project XML: what `concord import` reads.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = concord::interop::exchange::parse_exchange("fuzz.qdpx", data);
});
