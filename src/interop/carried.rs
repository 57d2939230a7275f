//! What concord carries in its own `.qdpx` exports that REFI-QDA has no
//! place for: each code's id, file name and weight. It travels as an extra
//! archive entry, [`ENTRY`], that other tools ignore, so that no person sees
//! it (a line in a code's Description would show in every tool) and an
//! import of concord's own export gives back the same code files. When the
//! entry is missing (another tool rewrote the project), codes are matched by
//! their GUID, which the study keeps.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::interop::archive::Entries;
use crate::interop::guid;

/// The archive entry's name.
pub const ENTRY: &str = "concord/codebook.json";

/// Where a code lives in concord's codebook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CodePlace {
    pub guid: String,
    pub id: String,
    /// File or folder name below the parent's folder (`maintenance`).
    pub file: String,
    /// The code is a folder's `_index.md`.
    #[serde(default)]
    pub folder: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Carried {
    codes: Vec<CodePlace>,
}

/// The entry's bytes for these codes (in the order given).
pub fn entry(codes: Vec<CodePlace>) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(&Carried { codes }).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// The code places of an archive, by GUID (normal form); none when the
/// entry is absent or not what concord writes (it is only a hint).
pub fn code_places(entries: &Entries) -> HashMap<String, CodePlace> {
    let Some(bytes) = entries.get(ENTRY) else {
        return HashMap::new();
    };
    let Ok(c) = serde_json::from_slice::<Carried>(bytes) else {
        return HashMap::new();
    };
    c.codes
        .into_iter()
        .map(|p| (guid::normal(&p.guid), p))
        .collect()
}
