//! Reading an exchange file: a `.qdpx` archive (or a `.qdc` codebook, bare
//! or zipped) into the project's values and the archive's other files.

use std::path::Path;

use crate::interop::archive::{self, Entries, LIMITS};
use crate::interop::refi::{self, Project};
use crate::interop::{InteropError, xml};
use crate::repo::read::{NotRead, read_regular_file};

/// What an import file holds: the project and the archive's other files.
pub fn read_exchange_file(path: &Path) -> Result<(Project, Entries), InteropError> {
    let shown = path.display().to_string();
    let cannot = |e: &dyn std::fmt::Display| {
        InteropError::new(&shown, format!("cannot read it ({e})"), "check the path")
    };
    // The user named this file: a link to it is followed, but what it leads to
    // must be a regular file (a FIFO would block the import forever).
    let target = path.canonicalize().map_err(|e| cannot(&e))?;
    let bytes = match read_regular_file(&target, LIMITS.max_total_bytes) {
        Ok(b) => b,
        Err(NotRead::TooLarge(max)) => {
            return Err(InteropError::new(
                &shown,
                format!("the file is larger than {} MiB", max / (1024 * 1024)),
                "concord does not import files this large",
            ));
        }
        Err(e) => return Err(cannot(&e)),
    };
    parse_exchange(&shown, &bytes)
}

/// The project in `bytes`: a zip archive with a `.qde` (or `.qdc`) inside,
/// or the XML of a project or codebook itself.
pub fn parse_exchange(shown: &str, bytes: &[u8]) -> Result<(Project, Entries), InteropError> {
    let (xml_name, xml_bytes, entries) = if archive::is_zip(bytes) {
        let entries = archive::read(shown, bytes, LIMITS)?;
        let candidates: Vec<&String> = entries
            .files
            .keys()
            .filter(|k| !k.contains('/') && (k.ends_with(".qde") || k.ends_with(".qdc")))
            .collect();
        let name = if entries.files.contains_key("project.qde") {
            "project.qde".to_string()
        } else if candidates.len() == 1 {
            candidates[0].clone()
        } else {
            return Err(InteropError::new(
                shown,
                "the archive has no project.qde (the project's XML)",
                "a .qdpx is a zip with project.qde and a sources/ folder; export the project again",
            ));
        };
        let xml_bytes = entries.files[&name].clone();
        (format!("{shown}:{name}"), xml_bytes, entries)
    } else {
        (shown.to_string(), bytes.to_vec(), Entries::default())
    };
    let root = xml::parse(&xml_name, &xml_bytes)?;
    let project = match root.name.as_str() {
        "Project" => refi::project_from(&xml_name, &root)?,
        "CodeBook" => Project {
            codes: refi::codes_from(&xml_name, &root)?,
            ..Project::default()
        },
        other => {
            return Err(InteropError::new(
                xml_name,
                format!("the root element is <{other}>, neither <Project> nor <CodeBook>"),
                "import a REFI-QDA project (.qdpx) or codebook (.qdc)",
            ));
        }
    };
    Ok((project, entries))
}
