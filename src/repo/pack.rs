//! Many new blobs written as one git packfile (with its version 2 index)
//! rather than as one loose object each.
//!
//! `concord reanchor` on a large study commits 4,000 files at once. As
//! loose objects, libgit2 hashed and compressed each (zlib at its default
//! level) and created a file for each: over two seconds of the command.
//! Here each blob is hashed (SHA-1) and compressed (zlib at the fastest
//! level: git reads any level, and `git gc` recompresses later) on every
//! core (libdeflate), and all are written to one `.pack` file and its `.idx`, each
//! flushed to disk before it is renamed into `objects/pack`, and the folder
//! flushed after: the commit that refers to the blobs is made only when
//! they are on disk. The format is git's own (`Documentation/gitformat-pack`):
//! a pack without deltas, each object whole.
//!
//! A decision's commit (one file) keeps making its one loose blob through
//! libgit2: a pack is worth it only for many objects.

use std::io::Write;
use std::path::Path;

use git2::{Oid, Repository};
use sha1::{Digest, Sha1};

use crate::repo::RepoError;

/// From this many new blobs on, they are written as a pack.
pub(crate) const PACK_FROM: usize = 64;

/// The blob of each of `contents`, in order, written to `repo`: loose
/// through libgit2 when they are few, else as one pack. Blobs already in
/// the repository are not written again.
pub(crate) fn write_blobs(repo: &Repository, contents: &[&[u8]]) -> Result<Vec<Oid>, RepoError> {
    if contents.len() < PACK_FROM {
        return contents
            .iter()
            .map(|c| repo.blob(c).map_err(RepoError::from))
            .collect();
    }
    let ids = crate::repo::threads::each(contents.len(), |i| blob_id(contents[i]));
    let odb = repo.odb()?;
    // Each new blob once (two files may have the same text).
    let mut seen = std::collections::HashSet::new();
    let new: Vec<(Oid, &[u8])> = ids
        .iter()
        .zip(contents)
        .filter(|(id, _)| seen.insert(**id) && !odb.exists(**id))
        .map(|(id, c)| (*id, *c))
        .collect();
    if !new.is_empty() {
        write_pack(&repo.path().join("objects/pack"), &new)?;
        // libgit2 looks for new packs when an object is missing; told
        // here, it need not miss first.
        odb.refresh()?;
    }
    Ok(ids)
}

/// After this many bytes of pack, its writing to disk is started (see
/// [`write_pack`]).
const KICK_EVERY: u64 = 4 << 20;

/// One blob as the index knows it.
struct Entry {
    id: Oid,
    /// CRC-32 of the entry's bytes in the pack (header and compressed content).
    crc: u32,
    /// Where the entry starts in the pack.
    offset: u64,
}

/// The id git gives a blob of `content` (SHA-1 of its header and content).
pub(crate) fn blob_id(content: &[u8]) -> Oid {
    let mut hash = Sha1::new();
    hash.update(format!("blob {}\0", content.len()).as_bytes());
    hash.update(content);
    Oid::from_bytes(&hash.finalize()).expect("a SHA-1 is 20 bytes")
}

/// One blob's entry in a pack: its header and compressed content, and the
/// CRC-32 of both.
fn pack_entry(content: &[u8]) -> (Vec<u8>, u32) {
    let mut bytes = entry_header(3, content.len());
    // Compressed into this thread's scratch buffer (as large as the worst
    // case), and copied out at its size: the pack's entries take what
    // they hold, not the bound.
    COMPRESSOR.with_borrow_mut(|(z, scratch)| {
        scratch.resize(z.zlib_compress_bound(content.len()).max(scratch.len()), 0);
        let n = z
            .zlib_compress(content, scratch)
            .expect("the bound is large enough for any input");
        bytes.extend_from_slice(&scratch[..n]);
    });
    let crc = libdeflater::crc32(&bytes);
    (bytes, crc)
}

thread_local! {
    /// One compressor per thread, made once, and its scratch buffer:
    /// libdeflate at its fastest level, about twice as fast as zlib's
    /// (zlib-rs) fastest on the codings of a large study.
    static COMPRESSOR: std::cell::RefCell<(libdeflater::Compressor, Vec<u8>)> = std::cell::RefCell::new((
        // Level 1: libdeflate's `fastest()` is level 0, which stores
        // without compressing.
        libdeflater::Compressor::new(
            libdeflater::CompressionLvl::new(1).expect("level 1 is one of libdeflate's"),
        ),
        Vec::new(),
    ));
}

/// A pack entry's header: the type (3 for a blob) and the size, seven bits
/// a byte after the first four, low bits first.
fn entry_header(kind: u8, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(10);
    let mut byte = (kind << 4) | (size & 0x0f) as u8;
    let mut rest = size >> 4;
    while rest > 0 {
        out.push(byte | 0x80);
        byte = (rest & 0x7f) as u8;
        rest >>= 7;
    }
    out.push(byte);
    out
}

/// Write `blobs` (id and content) as `pack-<checksum>.pack` and `.idx` in
/// `dir`, both on disk before this returns. The blobs are compressed on
/// every core and each entry written as soon as it and those before it
/// are ready, so the writing overlaps the compressing and a compressed
/// entry is held only until it is written.
fn write_pack(dir: &Path, blobs: &[(Oid, &[u8])]) -> Result<(), RepoError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RepoError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // The pack: header, entries, then the SHA-1 of all that.
    let mut hash = Sha1::new();
    let mut pack = tempfile::Builder::new()
        .prefix("tmp_pack_")
        .tempfile_in(dir)
        .map_err(io(dir))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, pack.as_file_mut());
    // Every byte of the pack goes through its checksum.
    fn put(hash: &mut Sha1, out: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
        hash.update(bytes);
        out.write_all(bytes)
    }
    put(&mut hash, &mut out, b"PACK").map_err(io(dir))?;
    put(&mut hash, &mut out, &2u32.to_be_bytes()).map_err(io(dir))?;
    put(&mut hash, &mut out, &(blobs.len() as u32).to_be_bytes()).map_err(io(dir))?;
    let mut entries = Vec::with_capacity(blobs.len());
    let mut at = 12u64;
    let mut kicked = 0u64;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let written: std::io::Result<()> = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<u8>, u32)>(64);
        for _ in 0..workers {
            let (tx, next) = (tx.clone(), &next);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((_, content)) = blobs.get(i) else {
                        break;
                    };
                    let (bytes, crc) = pack_entry(content);
                    // The writer stopped (it failed): so does this.
                    if tx.send((i, bytes, crc)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // In order: an entry finished early waits for those before it.
        let mut waiting = std::collections::BTreeMap::new();
        for (i, bytes, crc) in rx {
            waiting.insert(i, (bytes, crc));
            while let Some((bytes, crc)) = waiting.remove(&entries.len()) {
                let id = blobs[entries.len()].0;
                entries.push(Entry {
                    id,
                    crc,
                    offset: at,
                });
                put(&mut hash, &mut out, &bytes)?;
                at += bytes.len() as u64;
                // The disk started on what is written so far, every few
                // megabytes, so that the flush before the commit finds most
                // of the pack on disk rather than all of it to write.
                if at - kicked >= KICK_EVERY {
                    kicked = at;
                    crate::repo::write::start_writing_to_disk(out.get_ref());
                }
            }
        }
        if entries.len() == blobs.len() {
            Ok(())
        } else {
            Err(std::io::Error::other("a blob was not compressed"))
        }
    });
    written.map_err(io(dir))?;
    let checksum: [u8; 20] = hash.finalize().into();
    out.write_all(&checksum).map_err(io(dir))?;
    out.flush().map_err(io(dir))?;
    drop(out);
    let name = hex(&checksum);
    let idx = index_bytes(&entries, &checksum);
    let mut idx_file = tempfile::Builder::new()
        .prefix("tmp_idx_")
        .tempfile_in(dir)
        .map_err(io(dir))?;
    idx_file.write_all(&idx).map_err(io(dir))?;
    // Both on disk before either has its name; the pack before its index
    // (git finds packs by their index).
    pack.as_file().sync_all().map_err(io(dir))?;
    idx_file.as_file().sync_all().map_err(io(dir))?;
    let pack_path = dir.join(format!("pack-{name}.pack"));
    let idx_path = dir.join(format!("pack-{name}.idx"));
    read_only(pack.as_file());
    read_only(idx_file.as_file());
    pack.persist(&pack_path)
        .map_err(|e| io(&pack_path)(e.error))?;
    idx_file
        .persist(&idx_path)
        .map_err(|e| io(&idx_path)(e.error))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    Ok(())
}

/// Git makes its packs read-only (`0444` less the umask); so does concord.
fn read_only(file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o444));
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// The version 2 index of a pack: fan-out table, sorted ids, CRCs,
/// offsets (those past 2 GiB in a table of 8-byte ones), the pack's
/// checksum, and the index's own.
fn index_bytes(entries: &[Entry], pack_checksum: &[u8; 20]) -> Vec<u8> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| entries[i].id);
    let mut out = Vec::with_capacity(8 + 1024 + entries.len() * 28 + 40);
    out.extend_from_slice(b"\xfftOc");
    out.extend_from_slice(&2u32.to_be_bytes());
    let mut fanout = [0u32; 256];
    for e in entries {
        fanout[e.id.as_bytes()[0] as usize] += 1;
    }
    let mut total = 0u32;
    for n in fanout {
        total += n;
        out.extend_from_slice(&total.to_be_bytes());
    }
    for &i in &order {
        out.extend_from_slice(entries[i].id.as_bytes());
    }
    for &i in &order {
        out.extend_from_slice(&entries[i].crc.to_be_bytes());
    }
    let mut large = Vec::new();
    for &i in &order {
        let offset = entries[i].offset;
        if offset < 0x8000_0000 {
            out.extend_from_slice(&(offset as u32).to_be_bytes());
        } else {
            out.extend_from_slice(&(0x8000_0000 | large.len() as u32).to_be_bytes());
            large.push(offset);
        }
    }
    for offset in large {
        out.extend_from_slice(&offset.to_be_bytes());
    }
    out.extend_from_slice(pack_checksum);
    let own: [u8; 20] = Sha1::digest(&out).into();
    out.extend_from_slice(&own);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_in_a_pack_have_git_s_ids_and_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        // Enough for a pack; sizes across the header's byte boundaries,
        // one empty, two the same, one already in the repository.
        let mut texts: Vec<Vec<u8>> = (0..PACK_FROM + 5)
            .map(|i| {
                let n = [0, 1, 15, 16, 127, 2047, 2048, 70_000][i % 8] + i;
                (0..n).map(|j| b"abcdefgh\n"[(i + j) % 9]).collect()
            })
            .collect();
        texts.push(Vec::new());
        texts.push(texts[3].clone());
        let before = repo.blob(&texts[7]).unwrap();
        let contents: Vec<&[u8]> = texts.iter().map(Vec::as_slice).collect();
        let ids = write_blobs(&repo, &contents).unwrap();
        assert_eq!(ids[7], before);
        for (text, id) in texts.iter().zip(&ids) {
            assert_eq!(*id, Oid::hash_object(git2::ObjectType::Blob, text).unwrap());
            assert_eq!(repo.find_blob(*id).unwrap().content(), text.as_slice());
        }
        let packs: Vec<_> = std::fs::read_dir(dir.path().join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(packs.len(), 2, "one pack and its index: {packs:?}");
        assert!(packs.iter().all(|p| p.starts_with("pack-")), "{packs:?}");
        // Compressed, not stored: these repetitive texts take a fraction
        // of their size in the repository.
        let pack = packs.iter().find(|p| p.ends_with(".pack")).unwrap();
        let pack_bytes = std::fs::metadata(dir.path().join(".git/objects/pack").join(pack))
            .unwrap()
            .len() as usize;
        let raw: usize = texts.iter().map(Vec::len).sum();
        assert!(
            pack_bytes * 4 < raw,
            "pack of {pack_bytes} bytes for {raw} bytes of text"
        );
    }

    #[test]
    fn entry_headers_carry_the_size_seven_bits_a_byte() {
        assert_eq!(entry_header(3, 0), [0x30]);
        assert_eq!(entry_header(3, 15), [0x3f]);
        assert_eq!(entry_header(3, 16), [0xb0, 0x01]);
        assert_eq!(entry_header(3, 2048 + 5), [0xb5, 0x80, 0x01]);
    }
}
