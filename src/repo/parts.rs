//! The per-transcript entries of the derived cache: each transcript's part
//! (its text and codings parsed and checked, its review units:
//! `study::parts`) kept in `.git/concord/parts/<key>.bin`, where the key is
//! the hash of the blob ids of the transcript's own files and of every
//! study file that is in no part and is not a decision log or a done mark
//! (the manifest, the codebook, whatever else the listing holds), with the
//! coders units are made for. So a decision recorded, or a done mark,
//! recomputes no part; one coder's codings edited recomputes that
//! transcript's part alone; a codebook edit recomputes every part.
//!
//! The files of the whole study (manifest, codebook, decisions, done
//! marks) are read and parsed on every run: they are small beside the
//! transcripts and their codings. An entry of another format or version,
//! for another key, or corrupt is ignored and made again (`decode`). When
//! an entry had to be made, entries no current part refers to are removed,
//! so the folder holds one study's parts, not every state it ever had.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid};

use crate::align::ReviewUnit;
use crate::repo::cache::{FORMAT, Opened, decode, encode, write_replacing};
use crate::repo::read::{FileReads, read_file};
use crate::study::Study;
use crate::study::files::{CODINGS_DIR, FileRole, StudyFiles, role_of};
use crate::study::load::{Loaded, load};
use crate::study::parts::{TranscriptPart, assemble, coders_for_units, make_part, part_of};
use crate::study::validate::validate_across;

const VERSION: &str = env!("CARGO_PKG_VERSION");

impl Opened<'_> {
    /// The checked study and its units, from the cached parts of the
    /// transcripts that did not change and new parts of those that did;
    /// `None` when the study is not cached (or a file could not be read:
    /// then the whole study is read and checked as without a cache).
    /// Without `across`, the checks across files are left out (their
    /// problems are missing; the study and units are the same).
    pub(super) fn check_by_parts(&self, across: bool) -> Option<(Loaded, Vec<ReviewUnit>)> {
        let k = self.keyed()?;
        let found = {
            let wanted = self.wanted(&k);
            on_every_core(&k.keyed, |(id, paths, key)| wanted.part(id, paths, key))?
        };
        if found.iter().any(|(_, made)| *made) {
            remove_unreferenced(&k.dir, &k.keyed);
        }
        let Keyed {
            mut others,
            whole,
            coders,
            keyed,
            ..
        } = k;
        let parts: Vec<(String, TranscriptPart)> = keyed
            .into_iter()
            .zip(found)
            .map(|((id, _, _), (part, _))| (id, part))
            .collect();
        let (mut loaded, units) = assemble(whole, parts, &coders);
        if !across {
            return Some((loaded, units));
        }
        let mut across = validate_across(&loaded, &others);
        // A problem across files inside a codings file that was not read
        // (a duplicate coding id) needs its bytes for its column.
        let unread: Vec<String> = across
            .iter()
            .map(|p| &p.location)
            .filter(|l| {
                l.line > 0 && l.file.starts_with(CODINGS_DIR) && others.get(&l.file).is_none()
            })
            .map(|l| l.file.clone())
            .collect();
        if !unread.is_empty() {
            for rel in unread {
                let bytes = self.bytes_of(&rel)?;
                others.insert(rel, bytes);
            }
            across = validate_across(&loaded, &others);
        }
        loaded.problems.extend(across);
        loaded.problems.sort();
        loaded.problems.dedup();
        Some((loaded, units))
    }

    /// Every transcript's files and the key of its part, with what the
    /// keys share; `None` when the study is not cached or a file of no
    /// transcript cannot be read.
    fn keyed(&self) -> Option<Keyed<'_>> {
        let store = self.store.as_ref()?;
        let dir = store.dir.join("parts");
        let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let mut others = StudyFiles {
            skipped: self.listing.skipped.clone(),
            ..StudyFiles::default()
        };
        for (rel, _) in &self.listing.files {
            match part_of(rel) {
                Some(id) => groups.entry(id).or_default().push(rel),
                None => others.insert(rel.as_str(), self.bytes_of(rel)?),
            }
        }
        let whole = load(&others);
        let coders = coders_for_units(
            &whole.study,
            self.listing.files.iter().map(|(rel, _)| rel.as_str()),
        );
        let context = context_of(&others, &store.ids, &coders);
        let keyed = groups
            .into_iter()
            .map(|(id, paths)| {
                let key = part_key(&context, &paths, &store.ids);
                (id, paths, key)
            })
            .collect();
        Some(Keyed {
            dir,
            others,
            whole,
            coders,
            keyed,
        })
    }

    /// Whether no transcript's part is kept for the study as it is now
    /// (its first run, or after an edit of the codebook): reading and
    /// checking it whole is then quicker than making every part first.
    pub fn no_part_kept(&self) -> bool {
        self.keyed().is_some_and(|k| {
            k.keyed
                .iter()
                .all(|(_, _, key)| !k.dir.join(format!("{key}.bin")).exists())
        })
    }

    /// Make and keep the part of every transcript that has none, holding
    /// one part at a time on each core (for a caller that has already
    /// shown the study, read whole).
    pub fn keep_parts(&self) {
        let Some(k) = self.keyed() else { return };
        let wanted = self.wanted(&k);
        let made = on_every_core(&k.keyed, |(id, paths, key)| {
            wanted.part(id, paths, key).map(|(_, made)| made)
        });
        if made.is_some_and(|m| m.contains(&true)) {
            remove_unreferenced(&k.dir, &k.keyed);
        }
    }

    /// The review units of the transcripts `ids`, from their parts (kept,
    /// or made and kept). `None` when the study is not cached, a file
    /// cannot be read, or `ids` are more than a quarter of the study's
    /// transcripts (every unit is then read sooner from the coded layer).
    pub fn units_of_transcripts(&self, ids: &BTreeSet<String>) -> Option<Vec<ReviewUnit>> {
        let k = self.keyed()?;
        if ids.len() * 4 > k.keyed.len() {
            return None;
        }
        let wanted = self.wanted(&k);
        let mine: Vec<&(String, Vec<&str>, String)> =
            k.keyed.iter().filter(|(id, ..)| ids.contains(id)).collect();
        let units = on_every_core(&mine, |(id, paths, key)| {
            wanted.part(id, paths, key).map(|(part, _)| part.units)
        })?;
        Some(units.into_iter().flatten().collect())
    }

    /// The study with only the transcript `id` of all its transcripts (its
    /// text, codings and units; every decision log), for deciding one of
    /// its units: that unit's standing depends on its transcript's units
    /// and the decisions alone (unless two transcripts share a coding id,
    /// which `check` reports). `None` when the study is not cached.
    pub fn study_of_one(&self, id: &str) -> Option<(Study, Vec<ReviewUnit>)> {
        let k = self.keyed()?;
        let (_, paths, key) = k.keyed.iter().find(|(of, ..)| of == id)?;
        let (mut part, _) = self.wanted(&k).part(id, paths, key)?;
        // Its units as made for the whole study's coders (the study of
        // one transcript may not have every coder's codings).
        let units = std::mem::take(&mut part.units);
        let (loaded, _) = assemble(k.whole, vec![(id.to_string(), part)], &k.coders);
        Some((loaded.study, units))
    }

    /// What finding or making the parts of `k` needs.
    fn wanted<'a>(&'a self, k: &'a Keyed<'_>) -> Wanted<'a> {
        Wanted {
            root: &self.root,
            reads: self.reads,
            read_while_keying: &self.read_while_keying,
            dir: &k.dir,
            whole: &k.whole.study,
            coders: &k.coders,
            summaries: self.summaries,
        }
    }

    /// A listed file's bytes: those read while keying, else read now.
    fn bytes_of(&self, rel: &str) -> Option<Vec<u8>> {
        match self.read_while_keying.get(rel) {
            Some(b) => Some(b.clone()),
            None => read_file(&self.root, rel, self.reads).ok(),
        }
    }
}

/// The study's transcripts with their files and part keys, and what the keys share.
struct Keyed<'a> {
    dir: PathBuf,
    /// The files in no part, and the study loaded from them.
    others: StudyFiles,
    whole: Loaded,
    coders: Vec<String>,
    /// Each transcript's id, files and part key.
    keyed: Vec<(String, Vec<&'a str>, String)>,
}

/// What finding or making a part needs (shared by the threads).
struct Wanted<'a> {
    root: &'a Path,
    reads: &'a FileReads,
    read_while_keying: &'a HashMap<String, Vec<u8>>,
    dir: &'a PathBuf,
    whole: &'a Study,
    coders: &'a [String],
    /// Leave the codings' quotes, memos and foreign ids out ([`Opened::for_summaries`]).
    summaries: bool,
}

impl Wanted<'_> {
    /// The part of `id` from the cache, or made from its files and kept
    /// (`true`: made); `None` when one of its files cannot be read.
    fn part(&self, id: &str, paths: &[&str], key: &str) -> Option<(TranscriptPart, bool)> {
        let path = self.dir.join(format!("{key}.bin"));
        if let Some(part) = std::fs::read(&path)
            .ok()
            .and_then(|bytes| decode::<TranscriptPart>(&bytes, key))
        {
            return Some((self.as_wanted(part), false));
        }
        let mut files = StudyFiles::default();
        for rel in paths {
            let bytes = match self.read_while_keying.get(*rel) {
                Some(b) => b.clone(),
                None => read_file(self.root, rel, self.reads).ok()?,
            };
            files.insert(*rel, bytes);
        }
        let part = make_part(id, files, self.whole, self.coders);
        if let Some(bytes) = encode(&part, key) {
            let _ = write_replacing(&path, &bytes);
        }
        Some((self.as_wanted(part), true))
    }

    /// `part`, without what a summary never shows when only summaries are wanted.
    fn as_wanted(&self, mut part: TranscriptPart) -> TranscriptPart {
        if self.summaries {
            part.leave_out_quotes();
        }
        part
    }
}

/// What every part's key shares: the format and version, the blob ids of
/// the files in no part except decision logs and done marks (which no part
/// depends on), what was skipped, and the coders.
fn context_of(others: &StudyFiles, ids: &HashMap<String, Oid>, coders: &[String]) -> String {
    let mut s = format!("concord part {FORMAT} {VERSION}\n");
    for rel in others.files.keys() {
        if matches!(
            role_of(rel),
            FileRole::Decisions { .. } | FileRole::Done { .. }
        ) {
            continue;
        }
        let id = ids.get(rel).map(|i| i.to_string()).unwrap_or_default();
        s.push_str(&format!("{id} {rel}\n"));
    }
    for (rel, why) in &others.skipped {
        s.push_str(&format!("skipped {rel}: {why}\n"));
    }
    for c in coders {
        s.push_str(&format!("coder {c}\n"));
    }
    s
}

/// A part's key: the hash of the context and its own files' blob ids.
fn part_key(context: &str, paths: &[&str], ids: &HashMap<String, Oid>) -> String {
    let mut s = context.to_string();
    for rel in paths {
        let id = ids.get(*rel).map(|i| i.to_string()).unwrap_or_default();
        s.push_str(&format!("part {id} {rel}\n"));
    }
    Oid::hash_object(ObjectType::Blob, s.as_bytes())
        .map(|o| o.to_string())
        .unwrap_or_default()
}

/// Remove the entries of `dir` that are no part of `keyed` (only `.bin` files:
/// another process's temporary file being written is left alone).
fn remove_unreferenced(dir: &Path, keyed: &[(String, Vec<&str>, String)]) {
    let keep: HashSet<String> = keyed.iter().map(|(_, _, k)| format!("{k}.bin")).collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.ends_with(".bin") && !keep.contains(name) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// `f` of each item, in order, spread in contiguous chunks over the
/// machine's cores; `None` if any is `None`.
fn on_every_core<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Option<R> + Sync,
) -> Option<Vec<R>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || items.len() < 8 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Option<Vec<R>>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            out.extend(h.join().ok()??);
        }
        Some(out)
    })
}
