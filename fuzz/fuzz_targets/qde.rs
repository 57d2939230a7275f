//! The REFI-QDA project XML (project.qde inside a .qdpx).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(root) = concord::interop::xml::parse("project.qde", data) {
        let _ = concord::interop::refi::project_from("project.qde", &root);
    }
});
