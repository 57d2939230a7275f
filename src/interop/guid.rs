//! Deterministic REFI-QDA GUIDs: a version 5 UUID of stable study data, so
//! that the same study always exports to the same bytes.

use uuid::Uuid;

/// concord's namespace for its version 5 UUIDs (itself a v5 UUID of the
/// URL namespace and concord's name).
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"https://concord.invalid/refi-qda")
}

/// The GUID of a thing of `kind` (`code`, `coder`, `transcript`, ...) with `id`.
pub fn of(kind: &str, id: &str) -> String {
    Uuid::new_v5(&namespace(), format!("{kind}:{id}").as_bytes())
        .hyphenated()
        .to_string()
}

/// A GUID as compared: lower case, braces removed.
pub fn normal(guid: &str) -> String {
    guid.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

/// Whether `s` is a GUID as REFI-QDA writes it (with or without braces).
pub fn is_guid(s: &str) -> bool {
    let n = normal(s);
    n.len() == 36
        && n.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Twelve hex digits derived from `s`, for ids made from foreign GUIDs.
pub fn short_hash(s: &str) -> String {
    Uuid::new_v5(&namespace(), s.as_bytes())
        .simple()
        .to_string()[..12]
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_stable_and_valid() {
        let a = of("code", "se-maintenance");
        assert_eq!(a, of("code", "se-maintenance"));
        assert_ne!(a, of("coder", "se-maintenance"));
        assert!(is_guid(&a));
        assert!(is_guid("{088B08AC-D5CD-4ADB-8B71-B4F3459C177F}"));
        assert!(!is_guid("not-a-guid"));
        assert_eq!(
            normal("{088B08AC-D5CD-4ADB-8B71-B4F3459C177F}"),
            "088b08ac-d5cd-4adb-8b71-b4f3459c177f"
        );
    }
}
