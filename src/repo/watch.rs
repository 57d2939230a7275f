//! Noticing that a study changed on disk: another reviewer's commit on the
//! branch, a coder's pull, an editor saving a code file. A
//! [`Fingerprint`] is cheap to take (the branch tip and the size and
//! modification time of every study file, no contents read), so the review
//! screen can take one a few times a second; polling works on network
//! file systems, where change notifications often do not.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::UNIX_EPOCH;

use crate::study::cases::CASES_FILE;
use crate::study::files::{CODEBOOK_DIR, CODINGS_DIR, DECISIONS_DIR, MANIFEST, TRANSCRIPTS_DIR};

/// What the study looks like from outside: equal fingerprints, nothing to read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fingerprint {
    /// The commit the repository's HEAD points at (zero when there is none yet).
    pub tip: [u8; 20],
    /// The study files' names, sizes and modification times, hashed.
    pub files: u64,
}

/// Take the study's fingerprint. Errors count as "nothing there": a file
/// that vanished mid-walk changes the fingerprint, which is what matters.
pub fn fingerprint(root: &Path) -> Fingerprint {
    let mut tip = [0u8; 20];
    if let Ok(repo) = git2::Repository::discover(root) {
        if let Ok(oid) = repo.refname_to_id("HEAD") {
            tip.copy_from_slice(oid.as_bytes());
        }
    }
    let mut entries: Vec<(String, u64, u128)> = Vec::new();
    // The study's files (as `repo::read` lists them): the manifest, the
    // cases and variables, and the four folders.
    stat(root, MANIFEST, &mut entries);
    stat(root, CASES_FILE, &mut entries);
    for dir in [CODEBOOK_DIR, TRANSCRIPTS_DIR, CODINGS_DIR, DECISIONS_DIR] {
        stat(root, dir, &mut entries);
    }
    entries.sort();
    let mut h = DefaultHasher::new();
    entries.hash(&mut h);
    Fingerprint {
        tip,
        files: h.finish(),
    }
}

fn stat(root: &Path, rel: &str, out: &mut Vec<(String, u64, u128)>) {
    let Ok(meta) = std::fs::symlink_metadata(root.join(rel)) else {
        return;
    };
    if meta.is_dir() {
        let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
            return;
        };
        for e in entries.flatten() {
            if let Some(name) = e.file_name().to_str() {
                stat(root, &format!("{rel}/{name}"), out);
            }
        }
    } else {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        out.push((rel.to_string(), meta.len(), mtime));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_or_a_saved_file_changes_the_fingerprint_and_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        std::fs::write(dir.path().join("concord.toml"), "[study]\n").unwrap();
        std::fs::create_dir_all(dir.path().join("decisions")).unwrap();
        let a = fingerprint(dir.path());
        assert_eq!(a, fingerprint(dir.path()), "taking it changes nothing");
        // A file outside the study's folders is not the study.
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        assert_eq!(a, fingerprint(dir.path()));
        std::fs::write(dir.path().join("decisions/t.jsonl"), "{}\n").unwrap();
        let with_decision = fingerprint(dir.path());
        assert_ne!(a.files, with_decision.files);
        // Cases and variables are study files too (a `W` filter reads them).
        std::fs::write(dir.path().join("cases.toml"), "[transcript.t]\ng = \"x\"\n").unwrap();
        let b = fingerprint(dir.path());
        assert_ne!(with_decision.files, b.files);
        // A commit moves the tip.
        let sig = git2::Signature::now("A", "a@x.org").unwrap();
        let tree = repo.treebuilder(None).unwrap().write().unwrap();
        let tree = repo.find_tree(tree).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "one", &tree, &[])
            .unwrap();
        let c = fingerprint(dir.path());
        assert_ne!(b.tip, c.tip);
        assert_eq!(b.files, c.files);
    }
}
