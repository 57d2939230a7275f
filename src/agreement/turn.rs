//! Agreement on predefined units: speaker turns. A turn is a line that
//! begins with a speaker label (`MOD:`, `P07:`); a coder marks a code
//! present on a turn when one of their excerpts with that code overlaps the
//! turn by at least one character. On these units: Krippendorff's nominal
//! alpha (any number of coders, missing values allowed), Cohen's kappa (the
//! first two coders) and Fleiss' kappa (three or more).

use crate::agreement::character::{
    cohen_kappa, cohen_kappa_se, fleiss_kappa, gwet_figures, silent_coder,
};
use crate::agreement::estimate::{Estimate, one_minus};
use crate::agreement::input::Input;
use crate::agreement::spans::merge;

/// The speaker turns of a transcript, as character spans `[start, end)`:
/// each line that starts with a speaker label, up to (not including) its
/// line end. A label is an upper-case letter, then upper-case letters,
/// digits, `-` or `_` (at most 16 in all), then `:` and a space or the line
/// end: `MOD:` and `P07:` are labels, `Date:` and `Note: ...` are not.
pub fn speaker_turns(text: &str) -> Vec<(usize, usize)> {
    let mut turns = Vec::new();
    let mut pos = 0usize; // in characters
    for line in text.split('\n') {
        let len = line.chars().count();
        if is_turn(line) {
            turns.push((pos, pos + len));
        }
        pos += len + 1;
    }
    turns
}

fn is_turn(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    let label = &line[..colon];
    let after = &line[colon + 1..];
    let mut chars = label.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && label.len() <= 16
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && (after.is_empty() || after.starts_with([' ', '\t']))
}

/// Krippendorff's alpha for nominal data from a coincidence matrix, with
/// missing values: `units[u]` lists the values the coders gave unit u
/// (`None` where a coder gave none). Units with fewer than two values are
/// not pairable and are left out (Krippendorff 2011, "Computing
/// Krippendorff's alpha-reliability").
pub fn nominal_alpha<V: PartialEq + Clone>(units: &[Vec<Option<V>>]) -> Estimate {
    let mut values: Vec<V> = Vec::new();
    let mut counted: Vec<Vec<u64>> = Vec::new();
    for unit in units {
        let mut counts = vec![0u64; values.len()];
        for v in unit.iter().flatten() {
            let i = match values.iter().position(|x| x == v) {
                Some(i) => i,
                None => {
                    values.push(v.clone());
                    counts.push(0);
                    values.len() - 1
                }
            };
            if counts.len() < values.len() {
                counts.resize(values.len(), 0);
            }
            counts[i] += 1;
        }
        counted.push(counts);
    }
    let mut c = Coincidences::new(values.len());
    for counts in &counted {
        c.add_unit(counts, 1);
    }
    c.alpha()
}

/// A nominal coincidence matrix, built unit by unit from each unit's count
/// of each value.
pub struct Coincidences {
    /// o[c][k]
    matrix: Vec<Vec<f64>>,
}

impl Coincidences {
    pub fn new(values: usize) -> Coincidences {
        Coincidences {
            matrix: vec![vec![0.0; values]; values],
        }
    }

    /// Add `times` units whose values are counted in `counts` (count of
    /// value v at index v; shorter slices mean zero for the rest).
    pub fn add_unit(&mut self, counts: &[u64], times: u64) {
        let m_u: u64 = counts.iter().sum();
        if m_u < 2 || times == 0 {
            return;
        }
        let w = times as f64 / (m_u - 1) as f64;
        for (c, &nc) in counts.iter().enumerate() {
            for (k, &nk) in counts.iter().enumerate() {
                let pairs = if c == k {
                    nc * nc.saturating_sub(1)
                } else {
                    nc * nk
                };
                if pairs > 0 {
                    self.matrix[c][k] += pairs as f64 * w;
                }
            }
        }
    }

    /// alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.
    pub fn alpha(&self) -> Estimate {
        let n_c: Vec<f64> = self.matrix.iter().map(|r| r.iter().sum()).collect();
        let n: f64 = n_c.iter().sum();
        if n == 0.0 {
            return Estimate::undefined("no unit has values from two coders");
        }
        let mut observed = 0.0;
        let mut expected = 0.0;
        for (c, row) in self.matrix.iter().enumerate() {
            for (k, o) in row.iter().enumerate() {
                if c != k {
                    observed += o;
                    expected += n_c[c] * n_c[k];
                }
            }
        }
        one_minus(
            (n - 1.0) * observed,
            expected,
            "no variation: every value given is the same, so no disagreement is expected",
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TurnRow {
    /// `None`: every code, each (turn, code) pair a unit.
    pub code: Option<usize>,
    /// Turns in all transcripts.
    pub turns: usize,
    pub alpha: Estimate,
    /// First two coders.
    pub cohen_kappa: Estimate,
    /// Three or more coders.
    pub fleiss_kappa: Option<Estimate>,
    /// Large-sample standard error of `cohen_kappa`.
    pub cohen_kappa_se: Estimate,
    /// Gwet's AC1 over all coders, and its variance.
    pub gwet_ac1: Estimate,
    pub gwet_ac1_variance: Estimate,
}

/// One row per codable code (turns of all transcripts pooled), then the
/// overall row (every (turn, code) pair a unit).
pub fn turn_rows(input: &Input) -> Vec<TurnRow> {
    let m = input.coders.len();
    let turns: usize = input.transcripts.iter().map(|t| t.turns.len()).sum();
    let mut rows = Vec::new();
    let mut all = TurnTally::new(m);
    let codable = input.codable_codes();
    for &code in &codable {
        let excerpts = input.of_code(code);
        let mut tally = TurnTally::new(m);
        // Transcripts without this code: every coder marks every turn absent.
        let mut seen = 0usize;
        for t in Input::transcripts_of(excerpts) {
            let by_coder: Vec<Vec<(usize, usize)>> = input
                .spans_by_coder(excerpts, t)
                .iter()
                .map(|s| merge(s))
                .collect();
            let marks: Vec<Vec<bool>> = by_coder
                .iter()
                .map(|spans| present(&input.transcripts[t].turns, spans))
                .collect();
            for u in 0..input.transcripts[t].turns.len() {
                tally.add(marks.iter().map(|m| m[u]));
            }
            seen += input.transcripts[t].turns.len();
        }
        tally.add_absent(turns - seen);
        all.merge(&tally);
        rows.push(tally.row(Some(code), turns, &input.coders));
    }
    rows.push(all.row(None, turns * codable.len(), &input.coders));
    rows
}

/// For the cluster bootstrap (`agreement::bootstrap`): per codable code,
/// then overall (`None`), each transcript's tally as numbers that add up
/// over transcripts ([`row_of_numbers`] reads them back).
pub fn additive_tallies(input: &Input) -> Vec<(Option<usize>, Vec<Vec<f64>>)> {
    let m = input.coders.len();
    let codable = input.codable_codes();
    let mut overall: Vec<TurnTally> = input
        .transcripts
        .iter()
        .map(|_| TurnTally::new(m))
        .collect();
    let mut out = Vec::new();
    for &code in &codable {
        let excerpts = input.of_code(code);
        let mut per: Vec<TurnTally> = input
            .transcripts
            .iter()
            .map(|t| {
                let mut tally = TurnTally::new(m);
                tally.add_absent(t.turns.len());
                tally
            })
            .collect();
        for t in Input::transcripts_of(excerpts) {
            let mut tally = TurnTally::new(m);
            let marks: Vec<Vec<bool>> = input
                .spans_by_coder(excerpts, t)
                .iter()
                .map(|s| present(&input.transcripts[t].turns, &merge(s)))
                .collect();
            for u in 0..input.transcripts[t].turns.len() {
                tally.add(marks.iter().map(|m| m[u]));
            }
            per[t] = tally;
        }
        for (all, one) in overall.iter_mut().zip(&per) {
            all.merge(one);
        }
        out.push((Some(code), per.iter().map(TurnTally::numbers).collect()));
    }
    out.push((None, overall.iter().map(TurnTally::numbers).collect()));
    out
}

/// The turn row's figures from summed [`additive_tallies`] numbers.
pub fn row_of_numbers(numbers: &[f64], code: Option<usize>, names: &[String]) -> TurnRow {
    let m = names.len();
    let int = |x: &f64| *x as u64;
    let tally = TurnTally {
        coders: m,
        table: [
            int(&numbers[0]),
            int(&numbers[1]),
            int(&numbers[2]),
            int(&numbers[3]),
        ],
        by_present: numbers[4..5 + m].iter().map(int).collect(),
        marked: numbers[5 + m..5 + 2 * m].iter().map(int).collect(),
    };
    let turns = tally.by_present.iter().sum::<u64>() as usize;
    tally.row(code, turns, names)
}

/// Turns by how many coders marked the code present (`by_present[p]`),
/// for the coincidence bootstrap of the turn alpha.
pub fn presence_histogram(numbers: &[f64], coders: usize) -> Vec<u64> {
    numbers[4..5 + coders].iter().map(|x| *x as u64).collect()
}

/// For each turn (sorted), whether any of the spans (merged, sorted)
/// overlaps it: one pass over both lists.
fn present(turns: &[(usize, usize)], spans: &[(usize, usize)]) -> Vec<bool> {
    let mut out = vec![false; turns.len()];
    let mut j = 0;
    for (i, &(t0, t1)) in turns.iter().enumerate() {
        while j < spans.len() && spans[j].1 <= t0 {
            j += 1;
        }
        // Spans are disjoint and sorted: the first not ending before the
        // turn is the only candidate that can start inside it first.
        out[i] = j < spans.len() && spans[j].0 < t1;
    }
    out
}

/// Turns counted by how many coders marked the code present, and the 2x2
/// table of the first two coders.
struct TurnTally {
    coders: usize,
    /// by_present[p]: turns on which exactly p coders marked the code.
    by_present: Vec<u64>,
    /// both, a_only, b_only, neither (first two coders).
    table: [u64; 4],
    /// marked[i]: turns on which coder i marked the code present.
    marked: Vec<u64>,
}

impl TurnTally {
    fn new(coders: usize) -> TurnTally {
        TurnTally {
            coders,
            by_present: vec![0; coders + 1],
            table: [0; 4],
            marked: vec![0; coders],
        }
    }
    fn add(&mut self, marks: impl Iterator<Item = bool>) {
        let marks: Vec<bool> = marks.collect();
        self.by_present[marks.iter().filter(|m| **m).count()] += 1;
        for (n, &m) in self.marked.iter_mut().zip(&marks) {
            *n += m as u64;
        }
        if let [a, b, ..] = marks[..] {
            self.table[match (a, b) {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => 2,
                (false, false) => 3,
            }] += 1;
        }
    }
    /// table, by_present, marked, as numbers that add up.
    fn numbers(&self) -> Vec<f64> {
        self.table
            .iter()
            .chain(&self.by_present)
            .chain(&self.marked)
            .map(|&x| x as f64)
            .collect()
    }
    fn add_absent(&mut self, turns: usize) {
        self.by_present[0] += turns as u64;
        if self.coders >= 2 {
            self.table[3] += turns as u64;
        }
    }
    fn merge(&mut self, o: &TurnTally) {
        for (s, x) in self.by_present.iter_mut().zip(&o.by_present) {
            *s += x;
        }
        for (s, x) in self.table.iter_mut().zip(&o.table) {
            *s += x;
        }
        for (s, x) in self.marked.iter_mut().zip(&o.marked) {
            *s += x;
        }
    }
    /// The row's figures. Every one of them is undefined when a coder
    /// taking part in it marked the code present on no turn (issue 3's
    /// rule; alpha and Fleiss: any coder, Cohen: the first two).
    fn row(&self, code: Option<usize>, turns: usize, names: &[String]) -> TurnRow {
        let scope = if code.is_some() {
            "this code on any turn"
        } else {
            "any code on any turn"
        };
        let silent = silent_coder(&self.marked, names, scope);
        let m = self.coders as u64;
        let mut c = Coincidences::new(2);
        for (p, &times) in self.by_present.iter().enumerate() {
            c.add_unit(&[m - p as u64, p as u64], times);
        }
        let two = || Estimate::undefined("needs at least two coders");
        let alpha = if self.coders < 2 {
            two()
        } else if turns == 0 {
            Estimate::undefined(
                "no speaker turns (lines starting with a label such as MOD: or P07:)",
            )
        } else if let Some(silent) = &silent {
            silent.clone()
        } else {
            c.alpha()
        };
        let [both, a_only, b_only, neither] = self.table;
        let cohen = if self.coders < 2 {
            two()
        } else {
            cohen_kappa([both, a_only, b_only, neither], names, scope)
        };
        let (gwet_ac1, gwet_ac1_variance) = if turns == 0 {
            let none = Estimate::undefined("no speaker turns");
            (none.clone(), none)
        } else {
            gwet_figures(&self.by_present, &self.marked, names, scope)
        };
        TurnRow {
            code,
            turns,
            alpha,
            cohen_kappa_se: cohen_kappa_se(self.table, &cohen),
            cohen_kappa: cohen,
            gwet_ac1,
            gwet_ac1_variance,
            fleiss_kappa: (self.coders >= 3).then(|| match silent {
                Some(silent) if turns > 0 => silent,
                _ => fleiss_kappa(&self.by_present),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Krippendorff's reliability data "C" (Krippendorff 2011): 4 coders,
    /// 12 units, nominal, with missing values: alpha = 0.743.
    #[test]
    fn krippendorff_data_c() {
        let n = None;
        let s = Some;
        let data: [[Option<u8>; 12]; 4] = [
            [
                s(1),
                s(2),
                s(3),
                s(3),
                s(2),
                s(1),
                s(4),
                s(1),
                s(2),
                n,
                n,
                n,
            ],
            [
                s(1),
                s(2),
                s(3),
                s(3),
                s(2),
                s(2),
                s(4),
                s(1),
                s(2),
                s(5),
                n,
                s(3),
            ],
            [
                n,
                s(3),
                s(3),
                s(3),
                s(2),
                s(3),
                s(4),
                s(2),
                s(2),
                s(5),
                s(1),
                n,
            ],
            [
                s(1),
                s(2),
                s(3),
                s(3),
                s(2),
                s(4),
                s(4),
                s(1),
                s(2),
                s(5),
                s(1),
                n,
            ],
        ];
        let units: Vec<Vec<Option<u8>>> = (0..12)
            .map(|u| data.iter().map(|c| c[u]).collect())
            .collect();
        let a = nominal_alpha(&units).value().unwrap();
        assert!((a - 0.743421052631579).abs() < 1e-12, "{a}");
    }

    /// Three coders on four turns; c never marks the code: alpha and Fleiss
    /// are undefined naming c, Cohen (a and b only) stays defined.
    #[test]
    fn a_silent_coder_on_turns() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let mut t = TurnTally::new(3);
        for marks in [
            [true, true, false],
            [false, false, false],
            [true, false, false],
        ] {
            t.add(marks.into_iter());
        }
        t.add_absent(1);
        let r = t.row(Some(0), 4, &names);
        let starts = |e: &Estimate, s: &str| e.reason().is_some_and(|r| r.starts_with(s));
        assert!(starts(&r.alpha, "c did not apply this code on any turn"));
        assert!(starts(r.fleiss_kappa.as_ref().unwrap(), "c did not apply"));
        assert!(r.cohen_kappa.value().is_some());
    }

    #[test]
    fn one_value_is_undefined() {
        let units = vec![vec![Some(1), Some(1)], vec![Some(1), None]];
        assert!(nominal_alpha(&units).value().is_none());
    }

    #[test]
    fn turns_are_labelled_lines() {
        let text = "Date: 2022\n\nMOD: Hello\nP07: Hi there\ncontinued\nP1:\n";
        assert_eq!(speaker_turns(text), vec![(12, 22), (23, 36), (47, 50)]);
    }

    #[test]
    fn presence_needs_one_shared_character() {
        let turns = [(0, 10), (11, 20), (21, 30)];
        assert_eq!(present(&turns, &[(9, 11)]), vec![true, false, false]);
        assert_eq!(
            present(&turns, &[(10, 11), (19, 25)]),
            vec![false, true, true]
        );
    }
}
