//! Whether a working file is as git's index last saw it, from its `stat`
//! data alone, as git decides it: the file's mtime, ctime, size and inode
//! match the index entry, and the entry is not "racily clean" (the file
//! was modified in the same instant the index was written, or after, so it
//! may have changed after its entry was made). A file that passes is the
//! entry's blob without being read; any other is read and hashed.

use std::fs::Metadata;
use std::path::Path;

use git2::{Index, Oid, Repository};

/// git's index of a repository, read once, with the time it was written.
pub(crate) struct IndexStat {
    index: Index,
    written: Option<(i64, u32)>,
}

impl IndexStat {
    /// The index of `repo`, or `None` when it cannot be read (every file
    /// is then read).
    pub(crate) fn open(repo: &Repository) -> Option<IndexStat> {
        let index = repo.index().ok()?;
        let written = std::fs::metadata(repo.path().join("index"))
            .ok()
            .and_then(|m| stat_of(&m))
            .map(|s| s.mtime);
        Some(IndexStat { index, written })
    }

    /// The blob id the index records for `repo_path` (repository-relative,
    /// `/`-separated), if the file whose metadata is `meta` is unchanged
    /// since by git's rule.
    pub(crate) fn unchanged(&self, repo_path: &str, meta: &Metadata) -> Option<Oid> {
        let e = self.index.get_path(Path::new(repo_path), 0)?;
        let stat = stat_of(meta)?;
        let entry = Stat {
            mtime: (e.mtime.seconds() as i64, e.mtime.nanoseconds()),
            ctime: (e.ctime.seconds() as i64, e.ctime.nanoseconds()),
            size: e.file_size as u64,
            ino: e.ino as u64,
        };
        let racy = self.written.is_none_or(|w| stat.mtime >= w);
        (!racy && meta.is_file() && stat.same_as(&entry)).then_some(e.id)
    }
}

/// The `stat` data git keeps in its index, to tell an unchanged file.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stat {
    mtime: (i64, u32),
    ctime: (i64, u32),
    size: u64,
    ino: u64,
}

impl Stat {
    /// As git compares them: sizes are kept in 32 bits, and an inode of 0
    /// means the index did not record one.
    fn same_as(&self, entry: &Stat) -> bool {
        self.mtime == entry.mtime
            && self.ctime == entry.ctime
            && (self.size & 0xffff_ffff) == entry.size
            && (entry.ino == 0 || (self.ino & 0xffff_ffff) == entry.ino)
    }
}

#[cfg(unix)]
fn stat_of(m: &Metadata) -> Option<Stat> {
    use std::os::unix::fs::MetadataExt;
    Some(Stat {
        mtime: (m.mtime(), m.mtime_nsec() as u32),
        ctime: (m.ctime(), m.ctime_nsec() as u32),
        size: m.size(),
        ino: m.ino(),
    })
}

/// Elsewhere every file is hashed: no `stat` data to compare.
#[cfg(not(unix))]
fn stat_of(_: &Metadata) -> Option<Stat> {
    None
}
