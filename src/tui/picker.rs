//! The code picker: choose a codable code by typing part of its name.
//!
//! Pure and free of the terminal, so every screen that asks for a code (the
//! review screen's edit mode, the coding screen) shares one behaviour:
//! with an empty query the codes come in codebook order; a query keeps the
//! codes whose name, id or parent path hold its characters in order (a
//! fuzzy subsequence match), best first; the cursor moves through them and
//! the window of rows shown follows it.

use crate::study::Codebook;

/// One code the picker offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    /// The names of the code's parents below the top group, joined by ` › `
    /// (`Self-efficacy` for `Maintenance self-efficacy`); empty for a code
    /// directly under its group.
    pub parents: String,
    pub color: String,
}

/// The picker's own state: what was typed, where the cursor is, and the
/// first row shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodePicker {
    pub query: String,
    /// Index into [`CodePicker::candidates`].
    pub selected: usize,
    /// The first candidate shown.
    pub offset: usize,
}

/// What a key did to the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// Still picking.
    Open,
    /// The reviewer chose this code (its id).
    Chosen(String),
    /// Closed without a choice.
    Cancelled,
}

impl CodePicker {
    pub fn new() -> CodePicker {
        CodePicker::default()
    }

    /// The codes matching the query, in the order shown.
    pub fn candidates(&self, codebook: &Codebook) -> Vec<Candidate> {
        candidates(codebook, &self.query)
    }

    pub fn type_char(&mut self, c: char) {
        self.query.push(c);
        self.selected = 0;
        self.offset = 0;
    }

    pub fn backspace(&mut self) {
        self.query.pop();
        self.selected = 0;
        self.offset = 0;
    }

    /// Move the cursor by `by` rows within `len` candidates, the window of
    /// `height` rows following it.
    pub fn move_by(&mut self, by: isize, len: usize, height: usize) {
        if len == 0 {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        self.selected = (self.selected as isize)
            .saturating_add(by)
            .clamp(0, len as isize - 1) as usize;
        self.follow(height);
    }

    /// Keep the cursor inside the window of `height` rows.
    pub fn follow(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
    }

    /// The candidates shown in a window of `height` rows, with their index.
    pub fn window(&self, all: &[Candidate], height: usize) -> std::ops::Range<usize> {
        let start = self.offset.min(all.len());
        start..(start + height).min(all.len())
    }

    /// The id under the cursor.
    pub fn chosen(&self, codebook: &Codebook) -> Option<String> {
        self.candidates(codebook)
            .get(self.selected)
            .map(|c| c.id.clone())
    }
}

/// The codable codes matching `query`: every code in codebook order when
/// it is empty, else those whose text holds the query's characters in
/// order, best match first (ties in codebook order).
pub fn candidates(codebook: &Codebook, query: &str) -> Vec<Candidate> {
    let q: Vec<char> = query.to_lowercase().chars().collect();
    let mut hits: Vec<(i64, usize, Candidate)> = Vec::new();
    for (order, code) in codebook.codes.iter().enumerate() {
        if !code.header.codable {
            continue;
        }
        let candidate = Candidate {
            id: code.id().to_string(),
            name: code.name().to_string(),
            parents: parents(codebook, code.id()),
            color: code.header.color.clone(),
        };
        if q.is_empty() {
            hits.push((0, order, candidate));
            continue;
        }
        // The name counts most, then the parents, then the id.
        let best = [
            score(&candidate.name, &q).map(|s| s + 20),
            score(&candidate.parents, &q),
            score(&candidate.id, &q),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(s) = best {
            hits.push((s, order, candidate));
        }
    }
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, _, c)| c).collect()
}

/// The parents' names below the top group, joined by ` › `.
pub fn parents(codebook: &Codebook, id: &str) -> String {
    let mut names = Vec::new();
    let mut cur = codebook.get(id).and_then(|c| c.parent.as_deref());
    while let Some(p) = cur.and_then(|p| codebook.get(p)) {
        if p.depth == 0 || names.len() > codebook.codes.len() {
            break;
        }
        names.push(p.name().to_string());
        cur = p.parent.as_deref();
    }
    names.reverse();
    names.join(" › ")
}

/// How well `hay` matches the query `q` (lower-case characters), if every
/// character of `q` is in it in order: points for each character matched,
/// more when it follows the previous match or else starts a word.
fn score(hay: &str, q: &[char]) -> Option<i64> {
    let hay: Vec<char> = hay.to_lowercase().chars().collect();
    let mut total = 0i64;
    let mut from = 0usize;
    let mut previous: Option<usize> = None;
    for &qc in q {
        let at = (from..hay.len()).find(|&i| hay[i] == qc)?;
        total += 1;
        if previous.is_some_and(|p| p + 1 == at) {
            total += 8;
        } else if at == 0 || !hay[at - 1].is_alphanumeric() {
            total += 6;
        }
        previous = Some(at);
        from = at + 1;
    }
    // Shorter texts are closer matches, by a little.
    Some(total * 4 - hay.len() as i64 / 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codebook() -> Codebook {
        crate::study::check(&crate::sample::sample_study())
            .study
            .codebook
    }

    #[test]
    fn an_empty_query_offers_every_codable_code_in_codebook_order() {
        let cb = codebook();
        let all = candidates(&cb, "");
        let expected: Vec<&str> = cb
            .codes
            .iter()
            .filter(|c| c.header.codable)
            .map(|c| c.id())
            .collect();
        let got: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_code_shows_its_parent_path_below_the_group() {
        let cb = codebook();
        let c = candidates(&cb, "")
            .into_iter()
            .find(|c| c.id == "se-maintenance")
            .unwrap();
        assert_eq!(c.parents, "Self-efficacy");
    }

    #[test]
    fn a_query_matches_in_order_and_ranks_word_starts_first() {
        let cb = codebook();
        let hits = candidates(&cb, "rec");
        assert!(!hits.is_empty());
        assert_eq!(hits[0].id, "se-recovery", "{hits:?}");
        // Every hit holds r, e, c in order somewhere.
        assert!(candidates(&cb, "zzzq").is_empty());
        // A parent's name finds its children.
        let by_parent = candidates(&cb, "self-eff");
        assert!(by_parent.iter().any(|c| c.id == "se-maintenance"));
    }

    #[test]
    fn the_window_follows_the_cursor_both_ways() {
        let mut p = CodePicker::new();
        p.move_by(20, 24, 10);
        assert_eq!((p.selected, p.offset), (20, 11));
        p.move_by(isize::MAX / 2, 24, 10);
        assert_eq!((p.selected, p.offset), (23, 14));
        // Up inside the window does not scroll; past its top it does.
        p.move_by(-5, 24, 10);
        assert_eq!((p.selected, p.offset), (18, 14));
        p.move_by(-10, 24, 10);
        assert_eq!((p.selected, p.offset), (8, 8));
    }
}
