//! The measure a team reports as its reliability figure, named in
//! `concord.toml` (`[agreement] measure = "..."`): `concord report` puts
//! it first in the reliability table, with its interval. The names are the
//! researcher's words for the figures of [`crate::agreement::report`].

/// One of the figures a pooled row carries, as a team names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChosenMeasure {
    /// Cohen's kappa on characters with two coders, Fleiss' with three or
    /// more (NVivo's figure); the default.
    #[default]
    Kappa,
    /// Gwet's AC1 on characters.
    Ac1,
    /// Krippendorff's |uα of each code (ATLAS.ti).
    BinaryUAlpha,
    /// Krippendorff's nominal alpha on speaker turns.
    TurnAlpha,
    /// Brennan and Prediger's kappa on excerpts matched by overlap (MAXQDA).
    SegmentKappa,
}

impl ChosenMeasure {
    /// Every measure with its `concord.toml` name, in the order the
    /// documentation lists them.
    pub const ALL: [(ChosenMeasure, &'static str); 5] = [
        (ChosenMeasure::Kappa, "kappa"),
        (ChosenMeasure::Ac1, "ac1"),
        (ChosenMeasure::BinaryUAlpha, "binary-u-alpha"),
        (ChosenMeasure::TurnAlpha, "turn-alpha"),
        (ChosenMeasure::SegmentKappa, "segment-kappa"),
    ];

    /// The measure `concord.toml` names, if it is one.
    pub fn parse(name: &str) -> Option<ChosenMeasure> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(m, _)| *m)
    }

    /// `"kappa", "ac1", ...`: for a message that lists what may be written.
    pub fn names() -> String {
        Self::ALL
            .iter()
            .map(|(_, n)| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The name `concord.toml` uses.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(m, _)| *m == self)
            .map_or("kappa", |(_, n)| n)
    }

    /// The figure's key in a row (`group.key`, as in `Row::intervals`).
    pub fn key(self, coders: usize) -> &'static str {
        match self {
            ChosenMeasure::Kappa if coders >= 3 => "character.fleiss_kappa",
            ChosenMeasure::Kappa => "character.cohen_kappa",
            ChosenMeasure::Ac1 => "character.gwet_ac1",
            ChosenMeasure::BinaryUAlpha => "alpha.binary_u_alpha",
            ChosenMeasure::TurnAlpha => "turn.alpha",
            ChosenMeasure::SegmentKappa => "segment.kappa_bp",
        }
    }

    /// The column heading of the figure.
    pub fn heading(self, coders: usize) -> &'static str {
        match self {
            ChosenMeasure::Kappa if coders >= 3 => "Fleiss' κ (characters)",
            ChosenMeasure::Kappa => "Cohen's κ (characters)",
            ChosenMeasure::Ac1 => "Gwet's AC1 (characters)",
            ChosenMeasure::BinaryUAlpha => "|uα",
            ChosenMeasure::TurnAlpha => "α (turns)",
            ChosenMeasure::SegmentKappa => "κ (segments, Brennan–Prediger)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back() {
        for (m, n) in ChosenMeasure::ALL {
            assert_eq!(ChosenMeasure::parse(n), Some(m));
            assert_eq!(m.name(), n);
        }
        assert_eq!(ChosenMeasure::parse("Kappa"), None);
        assert_eq!(ChosenMeasure::parse("alpha"), None);
    }

    #[test]
    fn kappa_is_fleiss_with_three_coders() {
        assert_eq!(ChosenMeasure::Kappa.key(2), "character.cohen_kappa");
        assert_eq!(ChosenMeasure::Kappa.key(3), "character.fleiss_kappa");
    }
}
