//! The study as a set of files: what the effects layer hands the pure core.
//! The same value comes from a working tree, a git tree or an import.

use std::collections::BTreeMap;

/// The manifest's file name; its folder is the study's root.
pub const MANIFEST: &str = "concord.toml";
pub const CODEBOOK_DIR: &str = "codebook";
pub const TRANSCRIPTS_DIR: &str = "transcripts";
pub const CODINGS_DIR: &str = "codings";
pub const DECISIONS_DIR: &str = "decisions";
/// The file that describes a folder's own code.
pub const INDEX_FILE: &str = "_index.md";
/// A coder's done marks, beside their codings files.
pub const DONE_FILE: &str = "_done.jsonl";

/// Study-relative paths (with `/`) to file contents, sorted by path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StudyFiles {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Paths the reader saw but did not take (symbolic links, unreadable
    /// entries), with the reason; `check` reports them.
    pub skipped: Vec<(String, String)>,
}

impl StudyFiles {
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| b.as_slice())
    }
}

/// What a study-relative path is, by where it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRole {
    Manifest,
    /// `cases.toml`: cases and variables.
    Cases,
    /// A code file: Markdown with front matter under `codebook/`.
    Code,
    Transcript {
        id: String,
    },
    Codings {
        coder: String,
        transcript: String,
    },
    Decisions {
        transcript: String,
    },
    /// `codings/<coder>/_done.jsonl`: the transcripts the coder marked done.
    Done {
        coder: String,
    },
    /// A file in a study folder that concord does not read (shown by `check`).
    Stray {
        reason: &'static str,
    },
    /// Anything outside the study's folders (README, scripts): not ours.
    Other,
}

pub fn role_of(path: &str) -> FileRole {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        [MANIFEST] => FileRole::Manifest,
        [crate::study::cases::CASES_FILE] => FileRole::Cases,
        [CODEBOOK_DIR, rest @ ..] if !rest.is_empty() => {
            let name = rest[rest.len() - 1];
            if name.ends_with(".md") && !is_hidden(name) && name != "README.md" {
                FileRole::Code
            } else if is_hidden(name) || name == "README.md" {
                FileRole::Other
            } else {
                FileRole::Stray {
                    reason: "only Markdown files (.md) define codes",
                }
            }
        }
        [TRANSCRIPTS_DIR, name] if is_hidden(name) => FileRole::Other,
        [TRANSCRIPTS_DIR, name] => match name.strip_suffix(".txt") {
            Some(id) if !id.is_empty() => FileRole::Transcript { id: id.to_string() },
            _ => FileRole::Stray {
                reason: "transcripts are plain-text files named <id>.txt",
            },
        },
        [CODINGS_DIR, _, name] if is_hidden(name) => FileRole::Other,
        [CODINGS_DIR, coder, DONE_FILE] => FileRole::Done {
            coder: coder.to_string(),
        },
        [CODINGS_DIR, coder, name] => match name.strip_suffix(".jsonl") {
            Some(t) if !t.is_empty() => FileRole::Codings {
                coder: coder.to_string(),
                transcript: t.to_string(),
            },
            _ => FileRole::Stray {
                reason: "codings are files named codings/<coder>/<transcript>.jsonl",
            },
        },
        [DECISIONS_DIR, name] if is_hidden(name) => FileRole::Other,
        [DECISIONS_DIR, name] => match name.strip_suffix(".jsonl") {
            Some(t) if !t.is_empty() => FileRole::Decisions {
                transcript: t.to_string(),
            },
            _ => FileRole::Stray {
                reason: "decision logs are files named decisions/<transcript>.jsonl",
            },
        },
        [TRANSCRIPTS_DIR | CODINGS_DIR | DECISIONS_DIR, ..] => {
            if parts.iter().any(|p| is_hidden(p)) {
                FileRole::Other
            } else {
                FileRole::Stray {
                    reason: "this folder does not belong in the study layout",
                }
            }
        }
        _ => FileRole::Other,
    }
}

fn is_hidden(name: &str) -> bool {
    name.starts_with('.')
}

pub fn transcript_path(id: &str) -> String {
    format!("{TRANSCRIPTS_DIR}/{id}.txt")
}
pub fn codings_path(coder: &str, transcript: &str) -> String {
    format!("{CODINGS_DIR}/{coder}/{transcript}.jsonl")
}
pub fn done_path(coder: &str) -> String {
    format!("{CODINGS_DIR}/{coder}/{DONE_FILE}")
}
pub fn decisions_path(transcript: &str) -> String {
    format!("{DECISIONS_DIR}/{transcript}.jsonl")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_layout() {
        assert_eq!(role_of("concord.toml"), FileRole::Manifest);
        assert_eq!(role_of("codebook/a/_index.md"), FileRole::Code);
        assert_eq!(
            role_of("transcripts/fg1.txt"),
            FileRole::Transcript { id: "fg1".into() }
        );
        assert_eq!(
            role_of("codings/coder-a/fg1.jsonl"),
            FileRole::Codings {
                coder: "coder-a".into(),
                transcript: "fg1".into()
            }
        );
        assert_eq!(
            role_of("decisions/fg1.jsonl"),
            FileRole::Decisions {
                transcript: "fg1".into()
            }
        );
        assert_eq!(
            role_of("codings/coder-a/_done.jsonl"),
            FileRole::Done {
                coder: "coder-a".into()
            }
        );
        assert_eq!(role_of("README.md"), FileRole::Other);
        assert_eq!(role_of("decisions/.gitkeep"), FileRole::Other);
        assert!(matches!(
            role_of("transcripts/fg1.docx"),
            FileRole::Stray { .. }
        ));
        assert!(matches!(
            role_of("codings/fg1.jsonl"),
            FileRole::Stray { .. }
        ));
    }
}
