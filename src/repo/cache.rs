//! The derived cache: what concord computes from a study (the checked
//! study, its problems, review units, agreement figures, a command's
//! summary), kept under `.git/concord/` between runs and keyed by the git
//! object ids of the files it was computed from, so a command on a study
//! that has not changed reads no study file.
//!
//! The key of a study is the blob id of each of its files (and what was
//! skipped, and why). A file's blob id comes from the git index when the
//! file's `stat` data (mtime, ctime, size, inode) still match the index
//! entry and the entry is not "racily clean" (modified in the same instant
//! the index was written: git's own rule); otherwise the file is read and
//! hashed. So after `git commit` (or `git add`) nothing is read; a file
//! edited since is read (and only it), and any change of content is a new
//! key. Untracked files are always hashed.
//!
//! Each value is one file `.git/concord/<name>.bin`: a header (magic,
//! [`FORMAT`], concord's version, the study key, the payload's length) and
//! the value in MessagePack (`rmp-serde`, with field names, so the types'
//! optional fields round-trip). A value from another version or format, for
//! another key, truncated or undecodable is ignored and recomputed, never
//! trusted; a value that cannot be written is simply not kept. Never in the
//! working tree, never committed. Bump [`FORMAT`] whenever a cached type
//! changes shape.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::align::{ReviewUnit, review_units};
use crate::repo::RepoError;
use crate::repo::index_stat::IndexStat;
use crate::repo::read::{FileReads, Listing, list_study, read_file, read_listed};
use crate::study::{self, Loaded, Study, StudyFiles};

/// The layout of a cache file; bump it when a cached type changes shape.
pub const FORMAT: u32 = 9;
const MAGIC: &[u8; 14] = b"concord-cache\n";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A study opened through the cache: its listing and key, and the checked
/// study itself only once something needs it.
pub struct Opened<'r> {
    pub(super) root: PathBuf,
    pub(super) listing: Listing,
    pub(super) reads: &'r FileReads,
    /// `None` outside a git repository: then nothing is cached.
    pub(super) store: Option<Store>,
    /// Files read to hash them while keying: not read twice.
    pub(super) read_while_keying: HashMap<String, Vec<u8>>,
    pub(super) loaded: std::cell::OnceCell<Loaded>,
    /// The files of no transcript, loaded (`repo/layered.rs`).
    pub(super) whole: std::cell::OnceCell<Option<(Loaded, StudyFiles)>>,
    /// The review units, when the study was put together from cached
    /// parts (`repo/parts.rs`), which hold them.
    units: std::cell::OnceCell<Vec<ReviewUnit>>,
    /// Only summaries are wanted ([`Opened::for_summaries`]).
    pub(super) summaries: bool,
}

pub(super) struct Store {
    pub(super) dir: PathBuf,
    key: String,
    /// The key of the coded files alone: every file but the decision logs
    /// and done marks (`repo/layered.rs`).
    pub(super) coded: String,
    /// Each listed file's blob id.
    pub(super) ids: HashMap<String, Oid>,
}

impl<'r> Opened<'r> {
    /// List the study at `root` and find its key (reading only files whose
    /// blob id the index cannot vouch for).
    pub fn open(root: &Path, reads: &'r FileReads) -> Result<Opened<'r>, RepoError> {
        let listing = list_study(root)?;
        let mut read_while_keying = HashMap::new();
        let store = if disabled() {
            None
        } else {
            key_of(root, &listing, reads, &mut read_while_keying)
        };
        Ok(Opened {
            root: root.to_path_buf(),
            listing,
            reads,
            store,
            read_while_keying,
            loaded: std::cell::OnceCell::new(),
            whole: std::cell::OnceCell::new(),
            units: std::cell::OnceCell::new(),
            summaries: false,
        })
    }

    /// Open the study for its summaries (`check`, `status`, `units`,
    /// `agreement`), none of which shows a coding's quote, memo or foreign
    /// ids: when the study is put together from its transcripts' parts,
    /// those are left out of each part as it is read or made (they were
    /// checked when the part was made, and the part keeps them). A large
    /// study's quotes alone were a fifth of its first run's memory.
    pub fn for_summaries(&mut self) {
        self.summaries = true;
    }

    /// Whether values are cached at all (the study is in a git repository).
    pub fn caches(&self) -> bool {
        self.store.is_some()
    }

    /// The study key (the hash of its files' blob ids), if cached.
    pub fn key(&self) -> Option<&str> {
        self.store.as_ref().map(|s| s.key.as_str())
    }

    /// The checked study: put together from the transcripts' parts
    /// (`repo/parts.rs`), or read and checked whole. (It is not kept
    /// whole: its parts are, and the values made from it.)
    pub fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| self.compute_loaded())
    }

    fn compute_loaded(&self) -> Loaded {
        match self.check_by_parts(true) {
            Some((loaded, units)) => {
                let _ = self.units.set(units);
                loaded
            }
            None => study::check_owned(self.files()),
        }
    }

    /// The study's review units: kept with the transcripts' parts when the
    /// study is cached, else made from the checked study.
    pub fn units(&self) -> &[ReviewUnit] {
        let loaded = self.loaded();
        self.units.get_or_init(|| review_units(&loaded.study))
    }

    /// The checked study and its review units, owned.
    pub fn into_checked(mut self) -> (Loaded, Vec<ReviewUnit>) {
        let loaded = match self.loaded.take() {
            Some(l) => l,
            None => self.compute_loaded(),
        };
        let units = match self.units.take() {
            Some(u) => u,
            None => review_units(&loaded.study),
        };
        (loaded, units)
    }

    /// The checked study and its units, computed now and not kept here (for
    /// a caller that keeps what it derives from them). With them, whether
    /// the transcripts' parts are still to be kept ([`Opened::keep_parts`]):
    /// when none is kept, the study is read and checked whole, which is
    /// quicker than making every part before the caller can show anything.
    pub fn checked_now(&self) -> (Loaded, Vec<ReviewUnit>, bool) {
        let whole = self.caches() && self.no_part_kept();
        if !whole && let Some((loaded, units)) = self.check_by_parts(true) {
            return (loaded, units, false);
        }
        let loaded = study::check_owned(self.files());
        let units = review_units(&loaded.study);
        (loaded, units, whole)
    }

    /// The study and its review units, without the checks across files
    /// (for deciding, which needs no problems): the same study as
    /// [`Opened::into_checked`], sooner.
    pub fn into_study_and_units(self) -> (Study, Vec<ReviewUnit>) {
        if self.loaded.get().is_none()
            && let Some((loaded, units)) = self.check_by_parts(false)
        {
            return (loaded.study, units);
        }
        let (loaded, units) = self.into_checked();
        (loaded.study, units)
    }

    /// The study's files, read (those read while keying are not read again).
    pub fn files(&self) -> StudyFiles {
        let mut files = StudyFiles {
            skipped: self.listing.skipped.clone(),
            ..StudyFiles::default()
        };
        let rest = Listing {
            files: self
                .listing
                .files
                .iter()
                .filter(|(rel, _)| !self.read_while_keying.contains_key(rel))
                .map(|(rel, m)| (rel.clone(), m.clone()))
                .collect(),
            skipped: Vec::new(),
        };
        let read = read_listed(&self.root, &rest, self.reads);
        files.files = read.files;
        files.skipped.extend(read.skipped);
        for (rel, bytes) in &self.read_while_keying {
            files.files.insert(rel.clone(), bytes.clone());
        }
        files
    }

    /// The value `name` of this study: from the cache if it was computed
    /// for the same files by this version, else made from the checked
    /// study and kept.
    pub fn derived<T: Serialize + DeserializeOwned>(
        &self,
        name: &str,
        make: impl FnOnce(&Loaded) -> T,
    ) -> T {
        if let Some(v) = self.get::<T>(name) {
            return v;
        }
        let v = make(self.loaded());
        self.put(name, &v);
        v
    }

    /// The value `name` of this study: from the cache if it was computed
    /// for the same files by this version, else made by `make` (from the
    /// layers of `repo/layered.rs`, say) and kept.
    pub fn derived_by<T: Serialize + DeserializeOwned>(
        &self,
        name: &str,
        make: impl FnOnce() -> T,
    ) -> T {
        if let Some(v) = self.get::<T>(name) {
            return v;
        }
        let v = make();
        self.put(name, &v);
        v
    }

    /// The checked study, computed now if it was not yet (read and
    /// checked, or from the cache), owned: for a caller that derives its
    /// own value from it and keeps that ([`Opened::keep`]).
    pub fn into_loaded(mut self) -> Loaded {
        match self.loaded.take() {
            Some(l) => l,
            None => self.compute_loaded(),
        }
    }

    /// The value `name`, if the cache holds it for this study and version.
    pub fn cached<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.get(name)
    }

    /// Keep `value` as the value `name` of this study.
    pub fn keep<T: Serialize>(&self, name: &str, value: &T) {
        self.put(name, value)
    }

    fn get<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let store = self.store.as_ref()?;
        read_value(&store.dir, name, &store.key)
    }

    fn put<T: Serialize>(&self, name: &str, value: &T) {
        if let Some(store) = &self.store {
            write_value(&store.dir, name, &store.key, value);
        }
    }
}

/// `CONCORD_NO_CACHE` set: nothing is read from or kept in the cache (for
/// comparing figures, and for benchmarks of the cold path).
fn disabled() -> bool {
    std::env::var_os("CONCORD_NO_CACHE").is_some()
}

/// The cache folder of a repository whose git folder is `git_dir`.
pub fn cache_dir(git_dir: &Path) -> PathBuf {
    git_dir.join("concord")
}

/// The value `name` in the cache folder `dir`, if it was kept for `key` by
/// this version of concord (for values keyed by something other than the
/// study's files, such as the trend's figures by tree ids).
pub fn read_value<T: DeserializeOwned>(dir: &Path, name: &str, key: &str) -> Option<T> {
    if disabled() {
        return None;
    }
    let bytes = std::fs::read(dir.join(format!("{name}.bin"))).ok()?;
    decode(&bytes, key)
}

/// Keep `value` as `name` for `key` in the cache folder `dir`. A cache that
/// cannot be written is not kept; the command's work is done either way.
pub fn write_value<T: Serialize>(dir: &Path, name: &str, key: &str, value: &T) {
    if disabled() {
        return;
    }
    let _ = write_streamed(&dir.join(format!("{name}.bin")), key, |w| {
        rmp_serde::encode::write_named(w, value)
    });
}

/// Write the header and the value `payload` writes straight to a temporary
/// file beside `path`, then rename it over `path` ([`write_replacing`]).
/// Never the whole value in memory: a large study's units listing was
/// held twice over (encoded, then framed) on its first run.
fn write_streamed(
    path: &Path,
    key: &str,
    payload: impl FnOnce(
        &mut std::io::BufWriter<&mut std::fs::File>,
    ) -> Result<(), rmp_serde::encode::Error>,
) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    let header = header(key);
    let length_at = header.len() as u64;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        w.write_all(&header)?;
        w.write_all(&0u64.to_le_bytes())?;
        payload(&mut w).map_err(std::io::Error::other)?;
        w.flush()?;
    }
    let file = tmp.as_file_mut();
    let end = file.stream_position()?;
    file.seek(SeekFrom::Start(length_at))?;
    file.write_all(&(end - length_at - 8).to_le_bytes())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Write to a temporary file beside `path`, then rename it over `path`: a
/// reader sees the old value or the new one. Not flushed to disk (it is a
/// cache: a torn file fails the length check and is recomputed).
pub(super) fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Keep `value` as `name` for `key` in `dir`, its structs as arrays (no
/// field names: smaller and quicker to read), for a type with no optional
/// field left out when empty (`skip_serializing_if`), such as the review
/// units. [`read_value`] reads it back.
pub fn write_value_compact<T: Serialize>(dir: &Path, name: &str, key: &str, value: &T) {
    if disabled() {
        return;
    }
    let _ = write_streamed(&dir.join(format!("{name}.bin")), key, |w| {
        rmp_serde::encode::write(w, value)
    });
}

/// The header and the value.
pub fn encode<T: Serialize>(value: &T, key: &str) -> Option<Vec<u8>> {
    Some(framed(rmp_serde::to_vec_named(value).ok()?, key))
}

fn framed(payload: Vec<u8>, key: &str) -> Vec<u8> {
    let mut out = header(key);
    out.reserve(payload.len() + 8);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// What comes before the payload's length: magic, format, version, key.
fn header(key: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    for field in [VERSION.as_bytes(), key.as_bytes()] {
        out.extend_from_slice(&(field.len() as u32).to_le_bytes());
        out.extend_from_slice(field);
    }
    out
}

/// The value, if `bytes` hold one of this format and version for `key`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], key: &str) -> Option<T> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (format, mut rest) = rest.split_at_checked(4)?;
    if u32::from_le_bytes(format.try_into().ok()?) != FORMAT {
        return None;
    }
    for expected in [VERSION.as_bytes(), key.as_bytes()] {
        let (len, after) = rest.split_at_checked(4)?;
        let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
        let (field, after) = after.split_at_checked(len)?;
        if field != expected {
            return None;
        }
        rest = after;
    }
    let (len, payload) = rest.split_at_checked(8)?;
    if u64::from_le_bytes(len.try_into().ok()?) != payload.len() as u64 {
        return None;
    }
    rmp_serde::from_slice(payload).ok()
}

/// The study's key and where its values live, or `None` when it is not in
/// a git repository with a working tree (or the index cannot be read).
fn key_of(
    root: &Path,
    listing: &Listing,
    reads: &FileReads,
    read_while_keying: &mut HashMap<String, Vec<u8>>,
) -> Option<Store> {
    let repo = Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root_abs = root.canonicalize().ok()?;
    let prefix = root_abs.strip_prefix(&workdir).ok()?;
    let prefix = prefix.to_str()?.replace(std::path::MAIN_SEPARATOR, "/");
    let prefix = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    let index = IndexStat::open(&repo)?;
    let mut listed = String::new();
    let mut coded = String::new();
    let mut ids = HashMap::with_capacity(listing.files.len());
    for (rel, meta) in &listing.files {
        let from_index = index.unchanged(&format!("{prefix}{rel}"), meta);
        let id = match from_index {
            Some(id) => id,
            None => {
                let bytes = read_file(root, rel, reads).ok()?;
                let id = Oid::hash_object(ObjectType::Blob, &bytes).ok()?;
                read_while_keying.insert(rel.clone(), bytes);
                id
            }
        };
        let line = format!("{id} {rel}\n");
        if !crate::study::validate::is_review_file(rel) {
            coded.push_str(&line);
        }
        listed.push_str(&line);
        ids.insert(rel.clone(), id);
    }
    for (rel, why) in &listing.skipped {
        let line = format!("skipped {rel}: {why}\n");
        coded.push_str(&line);
        listed.push_str(&line);
    }
    let key = Oid::hash_object(ObjectType::Blob, listed.as_bytes()).ok()?;
    // Told apart from a study key even for a study with no review files.
    coded.push_str("coded\n");
    let coded = Oid::hash_object(ObjectType::Blob, coded.as_bytes()).ok()?;
    Some(Store {
        dir: cache_dir(repo.path()),
        key: key.to_string(),
        coded: coded.to_string(),
        ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_round_trips_and_a_foreign_or_broken_one_is_refused() {
        let v = vec![("a".to_string(), Some(3u32)), ("b".into(), None)];
        let bytes = encode(&v, "k1").unwrap();
        assert_eq!(decode::<Vec<(String, Option<u32>)>>(&bytes, "k1"), Some(v));
        // Another study key, a truncated file, a flipped format number.
        assert_eq!(decode::<Vec<(String, Option<u32>)>>(&bytes, "k2"), None);
        assert_eq!(
            decode::<Vec<(String, Option<u32>)>>(&bytes[..bytes.len() - 1], "k1"),
            None
        );
        let mut other = bytes.clone();
        other[MAGIC.len()] ^= 1;
        assert_eq!(decode::<Vec<(String, Option<u32>)>>(&other, "k1"), None);
        // Another version of concord.
        let mut old = bytes.clone();
        let at = MAGIC.len() + 4 + 4;
        old[at] ^= 1;
        assert_eq!(decode::<Vec<(String, Option<u32>)>>(&old, "k1"), None);
    }

    /// A value written to its file (streamed, not framed in memory) is the
    /// same bytes as one framed in memory, and is read back only for its key.
    #[test]
    fn a_value_kept_in_a_file_reads_back_for_its_key_alone() {
        let dir = tempfile::tempdir().unwrap();
        let v: Vec<(String, Option<u32>)> = (0..5000)
            .map(|i| (format!("unit {i}"), (i % 3 != 0).then_some(i)))
            .collect();
        write_value(dir.path(), "named", "k1", &v);
        let on_disk = std::fs::read(dir.path().join("named.bin")).unwrap();
        assert_eq!(on_disk, encode(&v, "k1").unwrap());
        assert_eq!(read_value(dir.path(), "named", "k1"), Some(v.clone()));
        assert_eq!(
            read_value::<Vec<(String, Option<u32>)>>(dir.path(), "named", "k2"),
            None
        );
        write_value_compact(dir.path(), "compact", "k1", &v);
        assert_eq!(read_value(dir.path(), "compact", "k1"), Some(v));
    }
}
