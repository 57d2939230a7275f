//! A REFI-QDA codebook (.qdc): the XML of a <CodeBook>.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(root) = concord::interop::xml::parse("codebook.qdc", data) {
        let _ = concord::interop::refi::codes_from("codebook.qdc", &root);
    }
});
