//! The colours of codes that come without one (a code file written by
//! hand, a REFI-QDA code without `color`): mid-tones that read on dark and
//! on light terminal backgrounds (none very light, none very dark), picked
//! by a stable hash of the code's id, so a code keeps its colour.

/// Tableau 10's mid-tones without its light grey and yellow (too faint on
/// a light background), with a rose instead.
pub const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#b07aa1", "#9c755f", "#d37295",
];

/// The colour of a code without one: FNV-1a of its id, so the same id
/// always gets the same colour, whatever version of concord reads it.
pub fn colour_of(id: &str) -> &'static str {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    PALETTE[h as usize % PALETTE.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_keeps_its_colour_and_codes_spread_over_the_palette() {
        assert_eq!(colour_of("se-maintenance"), colour_of("se-maintenance"));
        let used: std::collections::BTreeSet<&str> =
            (0..40).map(|i| colour_of(&format!("code-{i}"))).collect();
        assert!(used.len() >= 6, "{used:?}");
    }
}
