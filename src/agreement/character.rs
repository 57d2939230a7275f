//! Character-level agreement, as NVivo's coding comparison: every character
//! of a transcript is a unit that each coder either coded with a code or
//! did not. Two coders: the 2x2 table, percent agreement and Cohen's kappa;
//! three or more: Fleiss' kappa on the same units.

use crate::agreement::estimate::{Estimate, one_minus};
use crate::agreement::input::Input;
use crate::agreement::spans::{coverage_histogram, covered, intersection, merge};

/// The characters of one code in one transcript (or summed over several),
/// by who coded them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CharacterCounts {
    /// Coded by the first coder and by the second.
    pub both: u64,
    /// Coded by the first coder only (of the first two).
    pub a_only: u64,
    /// Coded by the second coder only (of the first two).
    pub b_only: u64,
    /// Coded by neither of the first two.
    pub neither: u64,
    /// `by_coders[n]`: characters coded by exactly `n` of all coders.
    pub by_coders: Vec<u64>,
    /// `coded_by[i]`: characters coder i coded (0: the coder did not apply
    /// the code here, which leaves every kappa undefined).
    pub coded_by: Vec<u64>,
}

impl CharacterCounts {
    pub fn length(&self) -> u64 {
        self.by_coders.iter().sum()
    }

    /// As numbers that add up over transcripts (for the cluster bootstrap):
    /// both, a_only, b_only, neither, by_coders, coded_by.
    pub fn numbers(&self, coders: usize) -> Vec<f64> {
        let mut out = vec![
            self.both as f64,
            self.a_only as f64,
            self.b_only as f64,
            self.neither as f64,
        ];
        out.extend((0..=coders).map(|i| self.by_coders.get(i).copied().unwrap_or(0) as f64));
        out.extend((0..coders).map(|i| self.coded_by.get(i).copied().unwrap_or(0) as f64));
        out
    }

    /// The counts [`CharacterCounts::numbers`] gave (summed).
    pub fn of_numbers(n: &[f64], coders: usize) -> CharacterCounts {
        let int = |x: &f64| *x as u64;
        CharacterCounts {
            both: int(&n[0]),
            a_only: int(&n[1]),
            b_only: int(&n[2]),
            neither: int(&n[3]),
            by_coders: n[4..5 + coders].iter().map(int).collect(),
            coded_by: n[5 + coders..5 + 2 * coders].iter().map(int).collect(),
        }
    }

    fn add(&mut self, other: &CharacterCounts) {
        self.both += other.both;
        self.a_only += other.a_only;
        self.b_only += other.b_only;
        self.neither += other.neither;
        if self.by_coders.len() < other.by_coders.len() {
            self.by_coders.resize(other.by_coders.len(), 0);
        }
        for (s, o) in self.by_coders.iter_mut().zip(&other.by_coders) {
            *s += o;
        }
        if self.coded_by.len() < other.coded_by.len() {
            self.coded_by.resize(other.coded_by.len(), 0);
        }
        for (s, o) in self.coded_by.iter_mut().zip(&other.coded_by) {
            *s += o;
        }
    }
}

/// One row: a code in a transcript, a code pooled over transcripts
/// (`transcript: None`), or every code pooled (`code: None`).
#[derive(Debug, Clone, PartialEq)]
pub struct CharacterRow {
    pub code: Option<usize>,
    pub transcript: Option<usize>,
    pub counts: CharacterCounts,
    /// Two coders: (both + neither) / length. Three or more: the share of
    /// characters on which all coders agree (all coded, or none did).
    pub percent_agreement: Estimate,
    /// First two coders.
    pub cohen_kappa: Estimate,
    /// Pooled rows: the mean of the defined per-transcript kappas, weighted
    /// by transcript length (NVivo's figure across sources).
    pub cohen_kappa_weighted_mean: Option<Estimate>,
    /// Three or more coders.
    pub fleiss_kappa: Option<Estimate>,
    /// Large-sample standard error of `cohen_kappa` (Fleiss, Cohen and
    /// Everitt 1969).
    pub cohen_kappa_se: Estimate,
    /// Gwet's AC1 over all coders, and its variance.
    pub gwet_ac1: Estimate,
    pub gwet_ac1_variance: Estimate,
}

const NOTHING: &str = "no characters to compare (empty transcript)";
const NO_VARIATION: &str =
    "no variation: the coders coded every character or none, so chance agreement is 1";
const TWO_CODERS: &str = "needs at least two coders";

/// Issue 3's rule for every chance-corrected figure: undefined when a coder
/// taking part in it applied the scope's code(s) nowhere in the scope.
/// `coded[i]`: how much coder `names[i]` coded there (characters, excerpts,
/// turns); `scope` completes "did not apply ...", e.g. "this code in this
/// transcript". The reason names the first silent coder.
pub fn silent_coder(coded: &[u64], names: &[String], scope: &str) -> Option<Estimate> {
    let i = coded.iter().position(|&n| n == 0)?;
    let name = names.get(i).map_or("a coder", String::as_str);
    Some(Estimate::undefined(format!(
        "{name} did not apply {scope}, so there is no agreement to correct for chance"
    )))
}

/// What a row covers, in the words of [`silent_coder`]'s reason.
fn scope(code: Option<usize>, transcript: Option<usize>) -> &'static str {
    match (code, transcript) {
        (Some(_), Some(_)) => "this code in this transcript",
        (Some(_), None) => "this code in any transcript",
        (None, _) => "any code",
    }
}

/// Every row of the character-level measure: for each codable code in
/// codebook order, one row per transcript (a transcript of length 0 has a
/// row of zeros and undefined ratios, and contributes nothing), its pooled
/// row; then the overall row.
pub fn character_rows(input: &Input) -> Vec<CharacterRow> {
    let coders = input.coders.len();
    let mut rows = Vec::new();
    let mut overall = CharacterCounts::default();
    let mut overall_kappas = WeightedMean::default();
    for code in input.codable_codes() {
        let excerpts = input.of_code(code);
        let mut pooled = CharacterCounts::default();
        let mut kappas = WeightedMean::default();
        for (t, transcript) in input.transcripts.iter().enumerate() {
            let merged: Vec<Vec<(usize, usize)>> = input
                .spans_by_coder(excerpts, t)
                .iter()
                .map(|s| merge(s))
                .collect();
            let counts = count(&merged, transcript.length);
            let row = row(Some(code), Some(t), counts, &input.coders);
            if let Some(k) = row.cohen_kappa.value() {
                kappas.add(k, transcript.length as f64);
                overall_kappas.add(k, transcript.length as f64);
            }
            pooled.add(&row.counts);
            rows.push(row);
        }
        overall.add(&pooled);
        let mut row = row(Some(code), None, pooled, &input.coders);
        row.cohen_kappa_weighted_mean = (coders == 2).then(|| kappas.mean());
        rows.push(row);
    }
    let mut row = row(None, None, overall, &input.coders);
    row.cohen_kappa_weighted_mean = (coders == 2).then(|| overall_kappas.mean());
    rows.push(row);
    rows
}

/// The counts of one transcript from each coder's merged spans.
pub fn count(merged: &[Vec<(usize, usize)>], length: usize) -> CharacterCounts {
    let by_coders = coverage_histogram(merged, length);
    let (both, a_only, b_only) = match merged {
        [a, b, ..] => {
            let both = intersection(a, b);
            (both, covered(a) - both, covered(b) - both)
        }
        [a] => (0, covered(a), 0),
        [] => (0, 0, 0),
    };
    CharacterCounts {
        both: both as u64,
        a_only: a_only as u64,
        b_only: b_only as u64,
        neither: (length - both - a_only - b_only) as u64,
        by_coders,
        coded_by: merged.iter().map(|s| covered(s) as u64).collect(),
    }
}

pub fn row(
    code: Option<usize>,
    transcript: Option<usize>,
    counts: CharacterCounts,
    names: &[String],
) -> CharacterRow {
    let coders = names.len();
    let scope = scope(code, transcript);
    let length = counts.length();
    let percent_agreement = if coders < 2 {
        Estimate::undefined(TWO_CODERS)
    } else if coders == 2 {
        Estimate::ratio(
            (counts.both + counts.neither) as f64,
            length as f64,
            NOTHING,
        )
    } else {
        let all_agree = counts.by_coders[0] + counts.by_coders[coders];
        Estimate::ratio(all_agree as f64, length as f64, NOTHING)
    };
    let cohen_kappa = if coders < 2 {
        Estimate::undefined(TWO_CODERS)
    } else {
        cohen_kappa(
            [counts.both, counts.a_only, counts.b_only, counts.neither],
            names,
            scope,
        )
    };
    let table = [counts.both, counts.a_only, counts.b_only, counts.neither];
    let cohen_kappa_se = cohen_kappa_se(table, &cohen_kappa);
    let (gwet_ac1, gwet_ac1_variance) =
        gwet_figures(&counts.by_coders, &counts.coded_by, names, scope);
    let fleiss_kappa = (coders >= 3).then(|| {
        if length == 0 {
            return Estimate::undefined(NOTHING);
        }
        silent_coder(&counts.coded_by, names, scope)
            .unwrap_or_else(|| fleiss_kappa(&counts.by_coders))
    });
    CharacterRow {
        code,
        transcript,
        counts,
        percent_agreement,
        cohen_kappa,
        cohen_kappa_weighted_mean: None,
        fleiss_kappa,
        cohen_kappa_se,
        gwet_ac1,
        gwet_ac1_variance,
    }
}

/// Gwet's AC1 and its variance on units counted by how many coders coded
/// them, under issue 3's rule (every coder takes part).
pub fn gwet_figures(
    by_coders: &[u64],
    coded: &[u64],
    names: &[String],
    scope: &str,
) -> (Estimate, Estimate) {
    if by_coders.iter().sum::<u64>() == 0 {
        return (Estimate::undefined(NOTHING), Estimate::undefined(NOTHING));
    }
    if let Some(silent) = silent_coder(coded, names, scope) {
        return (silent.clone(), silent);
    }
    let a = crate::agreement::gwet::ac1(by_coders);
    (a.ac1, a.variance)
}

/// Cohen's kappa from a 2x2 table `[both, a_only, b_only, neither]` of
/// the coders `names[0]` and `names[1]`: (po - pe) / (1 - pe), with pe from
/// the two coders' marginals. Undefined when the table is empty, when
/// either coder coded no unit of the table (the marginal rule of issue 3:
/// the formula would give a silent 0 there; the reason says who did not
/// apply `scope`), or when pe = 1 (tested exactly, in integers).
pub fn cohen_kappa(table: [u64; 4], names: &[String], scope: &str) -> Estimate {
    let [both, a_only, b_only, neither] = table;
    let n = (both + a_only + b_only + neither) as u128;
    if n == 0 {
        return Estimate::undefined(NOTHING);
    }
    if let Some(silent) = silent_coder(&[both + a_only, both + b_only], names, scope) {
        return silent;
    }
    let (both, a_only, b_only, neither) = (
        both as u128,
        a_only as u128,
        b_only as u128,
        neither as u128,
    );
    let chance = (both + a_only) * (both + b_only) + (b_only + neither) * (a_only + neither);
    if chance == n * n {
        return Estimate::undefined(NO_VARIATION);
    }
    let n = n as f64;
    let po = (both + neither) as f64 / n;
    let pe = chance as f64 / (n * n);
    Estimate::Value((po - pe) / (1.0 - pe))
}

/// The large-sample standard error of Cohen's kappa (Fleiss, Cohen and
/// Everitt 1969, eq. 13; statsmodels' `cohens_kappa(...).std_kappa`), not
/// the one under the null hypothesis of no agreement: the one an interval
/// around an observed kappa needs. Undefined where the kappa is.
pub fn cohen_kappa_se(table: [u64; 4], kappa: &Estimate) -> Estimate {
    let Some(k) = kappa.value() else {
        return kappa.clone();
    };
    let n = table.iter().sum::<u64>() as f64;
    // p[i][j]: coder A's category i (0 coded, 1 not), B's category j.
    let p = [
        [table[0] as f64 / n, table[1] as f64 / n],
        [table[2] as f64 / n, table[3] as f64 / n],
    ];
    let row = [p[0][0] + p[0][1], p[1][0] + p[1][1]];
    let col = [p[0][0] + p[1][0], p[0][1] + p[1][1]];
    let pe = row[0] * col[0] + row[1] * col[1];
    let mut sum = 0.0;
    for i in 0..2 {
        sum += p[i][i] * (1.0 - (row[i] + col[i]) * (1.0 - k)).powi(2);
        let j = 1 - i;
        sum += (1.0 - k).powi(2) * p[i][j] * (col[i] + row[j]).powi(2);
    }
    sum -= (k - pe * (1.0 - k)).powi(2);
    // Rounding can leave a hair below zero when the kappa is 1.
    Estimate::Value((sum.max(0.0) / (n * (1.0 - pe).powi(2))).sqrt())
}

/// Fleiss' kappa with two categories (coded, not coded), every coder rating
/// every character: `by_coders[n]` characters were coded by n of the m
/// coders. As statsmodels' `fleiss_kappa`.
pub fn fleiss_kappa(by_coders: &[u64]) -> Estimate {
    let m = by_coders.len().saturating_sub(1) as u128;
    let subjects: u128 = by_coders.iter().map(|&h| h as u128).sum();
    if m < 2 {
        return Estimate::undefined(TWO_CODERS);
    }
    if subjects == 0 {
        return Estimate::undefined(NOTHING);
    }
    let mut coded: u128 = 0;
    let mut agreeing_pairs: u128 = 0;
    for (n, &h) in by_coders.iter().enumerate() {
        let (n, h) = (n as u128, h as u128);
        coded += n * h;
        agreeing_pairs += h * (n * n.saturating_sub(1) + (m - n) * (m - n).saturating_sub(1));
    }
    if coded == 0 || coded == subjects * m {
        return Estimate::undefined(NO_VARIATION);
    }
    let p_bar = agreeing_pairs as f64 / (m * (m - 1)) as f64 / subjects as f64;
    let p1 = coded as f64 / (subjects * m) as f64;
    let pe = p1 * p1 + (1.0 - p1) * (1.0 - p1);
    one_minus(1.0 - p_bar, 1.0 - pe, NO_VARIATION)
}

/// A running mean weighted by transcript length.
#[derive(Default)]
struct WeightedMean {
    sum: f64,
    weight: f64,
}

impl WeightedMean {
    fn add(&mut self, value: f64, weight: f64) {
        self.sum += value * weight;
        self.weight += weight;
    }
    fn mean(&self) -> Estimate {
        Estimate::ratio(
            self.sum,
            self.weight,
            "no transcript has a defined kappa for this code",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        ["a", "b", "c", "d"][..n]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// NVivo's documented example: 1,000 characters, 50 coded by both, 150
    /// by one coder only, 800 by neither: 85% agreement.
    #[test]
    fn nvivo_documented_example() {
        let r = row(
            None,
            None,
            CharacterCounts {
                both: 50,
                a_only: 150,
                b_only: 0,
                neither: 800,
                by_coders: vec![800, 150, 50],
                coded_by: vec![200, 50],
            },
            &names(2),
        );
        assert_eq!(r.percent_agreement.value(), Some(0.85));
        // po = .85, pe = (200*50 + 800*950)/1e6 = .77; kappa = .08/.23
        let k = r.cohen_kappa.value().unwrap();
        assert!((k - 0.08 / 0.23).abs() < 1e-12, "{k}");
    }

    #[test]
    fn no_variation_is_undefined() {
        let k = |t| cohen_kappa(t, &names(2), "this code in this transcript");
        assert!(k([0, 0, 0, 100]).value().is_none());
        assert!(k([100, 0, 0, 0]).value().is_none());
        assert!(fleiss_kappa(&[100, 0, 0, 0]).value().is_none());
    }

    /// A coded, B silent: the 2x2 formula would give exactly 0 (pe = po);
    /// the rule makes it undefined and says that B did not code.
    #[test]
    fn a_silent_coder_leaves_cohen_undefined_and_named() {
        let k = cohen_kappa([0, 10, 0, 90], &names(2), "this code in this transcript");
        assert_eq!(k.value(), None);
        let reason = k.reason().unwrap();
        assert!(
            reason.starts_with("b did not apply this code in this transcript"),
            "{reason}"
        );
        let k = cohen_kappa([0, 0, 10, 90], &names(2), "x");
        assert!(k.reason().unwrap().starts_with("a did not apply x"));
        // Percent agreement stays: it is descriptive.
        let r = row(
            Some(0),
            Some(0),
            count(&[vec![(0, 10)], vec![]], 100),
            &names(2),
        );
        assert_eq!(r.percent_agreement.value(), Some(0.9));
        assert!(r.cohen_kappa.reason().unwrap().starts_with("b did not"));
    }

    /// Three coders, one silent in the scope: Fleiss undefined, naming it;
    /// all three coding: defined.
    #[test]
    fn a_silent_coder_leaves_fleiss_undefined() {
        let r = row(
            Some(0),
            None,
            count(&[vec![(0, 10)], vec![], vec![(2, 12)]], 100),
            &names(3),
        );
        let f = r.fleiss_kappa.unwrap();
        assert!(
            f.reason()
                .unwrap()
                .starts_with("b did not apply this code in any transcript")
        );
        let r = row(
            None,
            None,
            count(&[vec![(0, 10)], vec![(1, 9)], vec![(2, 12)]], 100),
            &names(3),
        );
        assert!(r.fleiss_kappa.unwrap().value().is_some());
    }

    /// The weighted mean leaves out transcripts where a coder was silent.
    #[test]
    fn weighted_mean_skips_silent_transcripts() {
        use crate::agreement::input::{CodeInfo, Excerpt, TranscriptInfo};
        let t = |id: &str| TranscriptInfo {
            id: id.into(),
            length: 100,
            turns: vec![],
        };
        let e = |coder, transcript, start, end| Excerpt {
            code: 0,
            transcript,
            coder,
            start,
            end,
        };
        let input = Input {
            coders: names(2),
            codes: vec![CodeInfo::top("x")],
            transcripts: vec![t("t1"), t("t2")],
            excerpts: vec![e(0, 0, 0, 10), e(1, 0, 0, 10), e(0, 1, 0, 10)],
            segment_overlap: 0.9,
        }
        .sorted();
        let rows = character_rows(&input);
        assert_eq!(rows[0].cohen_kappa.value(), Some(1.0));
        assert!(rows[1].cohen_kappa.value().is_none());
        assert_eq!(
            rows[2].cohen_kappa_weighted_mean,
            Some(Estimate::Value(1.0))
        );
        // Pooled: both coders coded x somewhere, so the summed table's kappa is defined.
        assert!(rows[2].cohen_kappa.value().is_some());
    }

    #[test]
    fn fleiss_matches_a_hand_computation() {
        // 3 coders, 10 characters: 5 coded by none, 2 by one, 3 by all.
        // P_i: none 1, one 1/3, all 1 -> P_bar = (5 + 2/3 + 3)/10 = .866667
        // p1 = (2 + 9)/30 = 11/30, Pe = p1^2 + (1-p1)^2
        let p1: f64 = 11.0 / 30.0;
        let pe = p1 * p1 + (1.0 - p1) * (1.0 - p1);
        let pbar = (5.0 + 2.0 / 3.0 + 3.0) / 10.0;
        let k = fleiss_kappa(&[5, 2, 0, 3]).value().unwrap();
        assert!((k - (pbar - pe) / (1.0 - pe)).abs() < 1e-12);
    }
}
