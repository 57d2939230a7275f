//! Recording a coder's work: changes to `codings/<coder>/<transcript>.jsonl`
//! (canonical form) and done marks in `codings/<coder>/_done.jsonl`, each
//! committed authored by the coder through the same compare-and-swap as
//! decisions ([`commit_file`]): a commit made meanwhile (the same coder on
//! another machine) is kept, and a change to a coding that was changed
//! meanwhile is refused rather than written over it.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::repo::git::Person;
use crate::repo::record::{RecordError, Recorded, commit_file};
use crate::study::files::{codings_path, done_path};
use crate::study::parse::jsonl::parse_jsonl;
use crate::study::write::{codings_text, done_line};
use crate::study::{Coding, Done};

/// One change to a coder's codings of a transcript. `Replace` and `Remove`
/// carry the coding as the coder saw it: if the file holds another version
/// by then, the change is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodingChange {
    Add(Coding),
    Replace { was: Coding, now: Coding },
    Remove(Coding),
}

/// Apply `changes` to the codings file `text` (as committed), canonical form out.
pub fn apply_changes(
    path: &str,
    text: Option<&str>,
    changes: &[CodingChange],
) -> Result<String, RecordError> {
    let (items, _) = parse_jsonl::<Coding>(path, text.unwrap_or("").as_bytes(), "");
    let mut codings: Vec<Coding> = items.into_iter().map(|(_, c)| c).collect();
    let meanwhile = |id: &str| RecordError::CodingChangedMeanwhile {
        coding: id.to_string(),
        file: path.to_string(),
    };
    for change in changes {
        match change {
            CodingChange::Add(c) => {
                if codings.iter().any(|x| x.id == c.id) {
                    return Err(meanwhile(&c.id));
                }
                codings.push(c.clone());
            }
            CodingChange::Replace { was, now } => {
                let slot = codings
                    .iter_mut()
                    .find(|x| *x == was)
                    .ok_or_else(|| meanwhile(&was.id))?;
                *slot = now.clone();
            }
            CodingChange::Remove(was) => {
                let i = codings
                    .iter()
                    .position(|x| x == was)
                    .ok_or_else(|| meanwhile(&was.id))?;
                codings.remove(i);
            }
        }
    }
    Ok(codings_text(&codings))
}

/// Commit `changes` to `coder`'s codings of `transcript`, authored by `author`.
pub fn record_codings(
    study_root: &Path,
    coder: &str,
    transcript: &str,
    changes: &[CodingChange],
    author: &Person,
    message: &str,
) -> Result<Recorded, RecordError> {
    let in_study = codings_path(coder, transcript);
    commit_file(study_root, &in_study, author, message, |base| {
        apply_changes(&in_study, base.as_deref(), changes)
    })
}

/// Append a done mark to `coder`'s `_done.jsonl` and commit it.
pub fn record_done(
    study_root: &Path,
    coder: &str,
    mark: &Done,
    author: &Person,
    message: &str,
) -> Result<Recorded, RecordError> {
    let in_study = done_path(coder);
    commit_file(study_root, &in_study, author, message, |base| {
        let mut content = base.unwrap_or_default();
        if !content.is_empty() && !content.ends_with('\n') {
            content.push('\n');
        }
        content.push_str(&done_line(mark));
        Ok(content)
    })
}

/// A new coding id (`c-` and 12 hex digits) from the clock, the process and
/// a counter, never one of `taken` (every coding id of the study, and those
/// handed out in this session).
pub fn new_coding_id(taken: &BTreeSet<String>) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        // splitmix64 of the three: well spread, so short ids rarely meet.
        let mut z = nanos ^ (u64::from(std::process::id()) << 32) ^ n.wrapping_mul(0x9e37_79b9);
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let id = format!("c-{:012x}", z & 0xffff_ffff_ffff);
        if !taken.contains(&id) {
            return id;
        }
    }
}

/// The time now as RFC 3339 UTC (`2026-11-23T10:04:00Z`), for done marks.
pub fn now_rfc3339() -> String {
    crate::repo::record::now()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::git::{commit_paths, init};

    fn coding(id: &str, start: usize, end: usize) -> Coding {
        Coding {
            id: id.into(),
            code: "x".into(),
            start,
            end,
            quote: "q".repeat(end - start),
            memo: String::new(),
            refi: None,
        }
    }

    #[test]
    fn changes_are_committed_by_the_coder_in_canonical_form() {
        let dir = tempfile::tempdir().unwrap();
        let repo = init(dir.path()).unwrap();
        std::fs::write(dir.path().join("concord.toml"), "[study]\nname = \"S\"\n").unwrap();
        commit_paths(
            &repo,
            &["concord.toml".into()],
            &Person::new("P", "p@example.org"),
            None,
            "start",
        )
        .unwrap();
        let coder = Person::new("Coder A", "a@example.org");
        let (b, a) = (coding("c-2", 5, 9), coding("c-1", 0, 3));
        record_codings(
            dir.path(),
            "coder-a",
            "t1",
            &[CodingChange::Add(b.clone()), CodingChange::Add(a.clone())],
            &coder,
            "code",
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join("codings/coder-a/t1.jsonl")).unwrap();
        assert_eq!(text, codings_text(&[a.clone(), b.clone()]));
        let mut wider = a.clone();
        wider.end = 4;
        wider.quote = "qqqq".into();
        record_codings(
            dir.path(),
            "coder-a",
            "t1",
            &[CodingChange::Replace {
                was: a.clone(),
                now: wider.clone(),
            }],
            &coder,
            "adjust",
        )
        .unwrap();
        // A change to a coding as it no longer is: refused, nothing written.
        let err = record_codings(
            dir.path(),
            "coder-a",
            "t1",
            &[CodingChange::Remove(a.clone())],
            &coder,
            "delete",
        )
        .unwrap_err();
        assert!(
            matches!(err, RecordError::CodingChangedMeanwhile { .. }),
            "{err}"
        );
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        assert_eq!(head.message().unwrap(), "adjust");
        assert_eq!(head.author().email().unwrap(), "a@example.org");
        assert!(repo.statuses(None).unwrap().is_empty());

        let mark = Done {
            transcript: "t1".into(),
            at: "2026-11-23T10:00:00Z".into(),
            commit: head.id().to_string(),
        };
        record_done(dir.path(), "coder-a", &mark, &coder, "done").unwrap();
        let done = std::fs::read_to_string(dir.path().join("codings/coder-a/_done.jsonl")).unwrap();
        assert_eq!(done, done_line(&mark));
    }

    #[test]
    fn new_ids_are_not_taken() {
        let mut taken = BTreeSet::new();
        for _ in 0..1000 {
            let id = new_coding_id(&taken);
            assert!(crate::study::validate::is_valid_id(&id));
            assert!(taken.insert(id));
        }
    }
}
