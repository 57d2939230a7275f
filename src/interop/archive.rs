//! Zip archives (`.qdpx`), read as untrusted input and written
//! deterministically.
//!
//! Reading never unpacks to disk: entries come back as bytes by name. Even
//! so, an archive whose entry names point outside it (`../`, absolute
//! paths, drive letters) or that holds symbolic links is refused whole, and
//! sizes are bounded: the number of entries, each entry's and the total
//! decompressed size, checked against what the archive declares and again
//! against what decompression actually yields (a zip bomb is refused, not
//! unpacked).

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::interop::InteropError;

/// How much an archive may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    /// Decompressed size of one entry, in bytes.
    pub max_entry_bytes: u64,
    /// Decompressed size of all entries together, in bytes.
    pub max_total_bytes: u64,
}

/// Far above any real project's transcripts (a long transcript is a few
/// hundred kilobytes), far below what would exhaust a shared server.
pub const LIMITS: Limits = Limits {
    max_entries: 20_000,
    max_entry_bytes: 64 * 1024 * 1024,
    max_total_bytes: 512 * 1024 * 1024,
};

/// An archive's files, by entry name (folders left out).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entries {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Entries {
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(Vec::as_slice)
    }
}

const HINT_UNTRUSTED: &str = "this archive was not written by a REFI-QDA tool as exported; nothing was imported. Export the project again from the tool that made it";

/// Whether `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Read every file of the archive `bytes` (called `shown` in messages).
pub fn read(shown: &str, bytes: &[u8], limits: Limits) -> Result<Entries, InteropError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        InteropError::new(
            shown,
            format!("not a readable zip archive ({e})"),
            "a .qdpx file is a zip archive; check that the file is complete (copy it again) and that it is a REFI-QDA project",
        )
    })?;
    if zip.len() > limits.max_entries {
        return Err(InteropError::new(
            shown,
            format!(
                "the archive holds {} entries, more than the {} concord accepts",
                zip.len(),
                limits.max_entries
            ),
            HINT_UNTRUSTED,
        ));
    }
    let mut entries = Entries::default();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(|e| {
            InteropError::new(
                shown,
                format!("entry {} cannot be read ({e})", i + 1),
                "the archive is damaged; export the project again",
            )
        })?;
        let name = file.name().to_string();
        let place = format!("{shown}:{name}");
        if let Some(why) = unsafe_name(&name) {
            return Err(InteropError::new(
                place,
                format!("refused: the entry's name {why}"),
                HINT_UNTRUSTED,
            ));
        }
        if file.is_symlink() {
            return Err(InteropError::new(
                place,
                "refused: the entry is a symbolic link, which could point outside the archive",
                HINT_UNTRUSTED,
            ));
        }
        if file.is_dir() {
            continue;
        }
        let bomb = |size: String| {
            InteropError::new(
                format!("{shown}:{name}"),
                format!(
                    "refused: the entry decompresses to {size}, more than the {} MiB concord accepts for one file (a zip bomb?)",
                    limits.max_entry_bytes / (1024 * 1024)
                ),
                HINT_UNTRUSTED,
            )
        };
        let declared = file.size();
        if declared > limits.max_entry_bytes {
            return Err(bomb(format!("{declared} bytes")));
        }
        // Trust nothing declared: read at most one byte more than allowed.
        let mut data = Vec::with_capacity(declared.min(1 << 20) as usize);
        (&mut file)
            .take(limits.max_entry_bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| {
                InteropError::new(
                    place.clone(),
                    format!("the entry cannot be decompressed ({e})"),
                    "the archive is damaged; export the project again",
                )
            })?;
        if data.len() as u64 > limits.max_entry_bytes {
            return Err(bomb("more than it declared".into()));
        }
        total += data.len() as u64;
        if total > limits.max_total_bytes {
            return Err(InteropError::new(
                shown,
                format!(
                    "refused: the archive decompresses to more than {} MiB in all (a zip bomb?)",
                    limits.max_total_bytes / (1024 * 1024)
                ),
                HINT_UNTRUSTED,
            ));
        }
        if entries.files.insert(name.clone(), data).is_some() {
            return Err(InteropError::new(
                place,
                "refused: two entries have this name",
                HINT_UNTRUSTED,
            ));
        }
    }
    Ok(entries)
}

/// Why an entry name could reach outside the archive's folder, if it could.
fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.contains('\0') {
        return Some("is empty or holds a NUL character");
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Some("is an absolute path");
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return Some("starts with a drive letter");
    }
    if name.split(['/', '\\']).any(|part| part == "..") {
        return Some("climbs out of the archive with ..");
    }
    None
}

/// A zip archive of `files` (name, bytes), in the order given, compressed
/// with deflate, with fixed times and permissions: the same files always
/// make the same bytes.
pub fn write(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, InteropError> {
    let err = |e: zip::result::ZipError| {
        InteropError::new(
            "archive",
            format!("cannot build the archive ({e})"),
            "this is a bug in concord; please report it",
        )
    };
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).map_err(err)?;
        zip.write_all(bytes).map_err(|e| err(e.into()))?;
    }
    Ok(zip.finish().map_err(err)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limits {
        Limits {
            max_entries: 4,
            max_entry_bytes: 1000,
            max_total_bytes: 1500,
        }
    }

    #[test]
    fn round_trips_and_is_deterministic() {
        let files = vec![
            ("project.qde".to_string(), b"<Project/>".to_vec()),
            ("sources/a.txt".to_string(), "Zoë\n".as_bytes().to_vec()),
        ];
        let a = write(&files).unwrap();
        assert_eq!(a, write(&files).unwrap());
        let back = read("x.qdpx", &a, LIMITS).unwrap();
        assert_eq!(back.get("sources/a.txt").unwrap(), "Zoë\n".as_bytes());
    }

    #[test]
    fn refuses_names_outside_the_archive() {
        for bad in ["../evil.txt", "/etc/passwd", "sources/../../x", "C:\\x.txt"] {
            let bytes = write(&[(bad.to_string(), b"x".to_vec())]).unwrap();
            let e = read("x.qdpx", &bytes, LIMITS).unwrap_err();
            assert!(e.message.starts_with("refused"), "{bad}: {e}");
            assert!(e.place.contains(bad), "{e}");
        }
    }

    #[test]
    fn refuses_symbolic_links() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.add_symlink("sources/a.txt", "/etc/passwd", SimpleFileOptions::default())
            .unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let e = read("x.qdpx", &bytes, LIMITS).unwrap_err();
        assert!(e.message.contains("symbolic link"), "{e}");
    }

    #[test]
    fn refuses_too_large_entries_totals_and_counts() {
        let big = write(&[("a".into(), vec![0; 1001])]).unwrap();
        let e = read("x.qdpx", &big, small()).unwrap_err();
        assert!(e.message.contains("zip bomb"), "{e}");
        let total = write(&[("a".into(), vec![0; 800]), ("b".into(), vec![0; 800])]).unwrap();
        let e = read("x.qdpx", &total, small()).unwrap_err();
        assert!(e.message.contains("in all"), "{e}");
        let many: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("{i}"), vec![])).collect();
        let e = read("x.qdpx", &write(&many).unwrap(), small()).unwrap_err();
        assert!(e.message.contains("entries"), "{e}");
    }

    #[test]
    fn refuses_an_entry_that_lies_about_its_size() {
        // Declares 10 bytes in both headers, inflates to 5000.
        let mut bytes = write(&[("a".into(), vec![b'a'; 5000])]).unwrap();
        patch_sizes(&mut bytes, 10);
        let e = read("x.qdpx", &bytes, small());
        assert!(e.is_err(), "a lying entry was read");
    }

    /// Overwrite the uncompressed size in the local and central headers.
    fn patch_sizes(bytes: &mut [u8], size: u32) {
        let le = size.to_le_bytes();
        for i in 0..bytes.len().saturating_sub(4) {
            if bytes[i..i + 4] == [0x50, 0x4b, 0x03, 0x04] {
                bytes[i + 22..i + 26].copy_from_slice(&le);
            }
            if bytes[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
                bytes[i + 24..i + 28].copy_from_slice(&le);
            }
        }
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let e = read("x.qdpx", b"PK\x03\x04garbage", LIMITS).unwrap_err();
        assert!(e.message.contains("zip"), "{e}");
    }
}
