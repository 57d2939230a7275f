//! Stable review-unit ids: `fg1:1500-1800:9c2e`, the transcript, the unit's
//! span, and a short hash of the ids of the codings in it. The same codings
//! always give the same id, on any machine and in any version of concord,
//! so a decision can name its unit; a recoded excerpt gives a new id.

/// The id of a unit of `transcript` spanning `[start, end)` made of the
/// codings `coding_ids` (in any order).
pub fn unit_id(transcript: &str, start: usize, end: usize, coding_ids: &[&str]) -> String {
    let mut ids: Vec<&str> = coding_ids.to_vec();
    ids.sort_unstable();
    let mut hash = Fnv1a::new();
    for id in ids {
        hash.write(id.as_bytes());
        // A separator no id contains, so ["ab", "c"] and ["a", "bc"] differ.
        hash.write(b"\n");
    }
    format!("{transcript}:{start}-{end}:{:04x}", hash.finish() & 0xffff)
}

/// FNV-1a, 64 bits (Fowler, Noll and Vo): tiny, stable by definition, and
/// enough to tell apart the few units that share one transcript span. Not
/// std's `DefaultHasher`, whose output may change between Rust releases.
struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv1a {
        Fnv1a(Self::OFFSET)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_known_values() {
        // Published test vectors of FNV-1a 64.
        let h = |s: &str| {
            let mut f = Fnv1a::new();
            f.write(s.as_bytes());
            f.finish()
        };
        assert_eq!(h(""), 0xcbf29ce484222325);
        assert_eq!(h("a"), 0xaf63dc4c8601ec8c);
        assert_eq!(h("foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn id_ignores_order_and_depends_on_codings() {
        let a = unit_id("fg1", 1500, 1800, &["c-1", "c-2"]);
        assert_eq!(a, unit_id("fg1", 1500, 1800, &["c-2", "c-1"]));
        assert_ne!(a, unit_id("fg1", 1500, 1800, &["c-1", "c-3"]));
        assert!(a.starts_with("fg1:1500-1800:") && a.len() == "fg1:1500-1800:".len() + 4);
    }
}
