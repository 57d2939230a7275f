//! Every pair of coders, with three or more: the two-coder figures
//! (Cohen's kappa, the 2x2 counts, the segment level, |uα and the alpha
//! family, turns) of each pair on its own, so that a team sees which coder
//! drifts. A pair's figures are the study's figures with only those two
//! coders' codings, exactly as if the study had had two coders.

use serde::Serialize;

use crate::agreement::input::Input;
use crate::agreement::report::{Measures, Row, report_pooled};

/// One pair's pooled rows (a code over all transcripts, domains, overall).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct PairReport {
    /// The pair's coder ids, in study order: "A" and "B" of its figures.
    pub coders: [String; 2],
    pub rows: Vec<Row>,
}

/// The input with only coders `a` and `b` (in that order), re-indexed.
/// Built from the kept excerpts alone (not a copy of the whole input
/// trimmed afterwards): a large study holds hundreds of thousands.
pub fn pair_input(input: &Input, a: usize, b: usize) -> Input {
    Input {
        coders: vec![input.coders[a].clone(), input.coders[b].clone()],
        codes: input.codes.clone(),
        transcripts: input.transcripts.clone(),
        excerpts: input
            .excerpts
            .iter()
            .filter(|e| e.coder == a || e.coder == b)
            .map(|e| crate::agreement::input::Excerpt {
                coder: usize::from(e.coder == b),
                ..*e
            })
            .collect(),
        segment_overlap: input.segment_overlap,
    }
    .sorted()
}

/// Each pair (i < j, study order) with three or more coders; none with two.
/// One pair after the other: side by side they held several pairs' rows
/// at once (peak memory 697 MB instead of 537 MB on the large study,
/// docs/performance.md) for the same CPU time.
pub fn pairs(input: &Input, measures: Measures) -> Vec<PairReport> {
    let m = input.coders.len();
    if m < 3 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for a in 0..m {
        for b in a + 1..m {
            let r = report_pooled(&pair_input(input, a, b), measures);
            out.push(PairReport {
                coders: [input.coders[a].clone(), input.coders[b].clone()],
                rows: r.rows,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::input::{CodeInfo, Excerpt, TranscriptInfo};
    use crate::agreement::report::report;

    /// Three coders: a and b agree exactly, c codes elsewhere. The pair
    /// (a, b) has kappa 1, the pairs with c do not.
    #[test]
    fn each_pair_on_its_own() {
        let e = |coder, start, end| Excerpt {
            code: 0,
            transcript: 0,
            coder,
            start,
            end,
        };
        let input = Input {
            coders: vec!["a".into(), "b".into(), "c".into()],
            codes: vec![CodeInfo::top("x")],
            transcripts: vec![TranscriptInfo {
                id: "t".into(),
                length: 100,
                turns: vec![],
            }],
            excerpts: vec![e(0, 0, 10), e(1, 0, 10), e(2, 50, 60)],
            segment_overlap: 0.9,
        }
        .sorted();
        let p = pairs(&input, Measures::ALL);
        assert_eq!(p.len(), 3);
        let kappa = |i: usize| {
            p[i].rows[0]
                .character
                .as_ref()
                .and_then(|c| c.cohen_kappa.as_ref())
                .and_then(|k| k.value())
        };
        assert_eq!(p[0].coders, ["a".to_string(), "b".to_string()]);
        assert_eq!(kappa(0), Some(1.0));
        assert!(kappa(1).unwrap() < 0.0);
        assert_eq!(p[2].coders, ["b".to_string(), "c".to_string()]);
        // c's excerpts became coder B of the pair.
        assert_eq!(p[2].rows[0].character.as_ref().unwrap().b_only, Some(10));
    }

    /// A pair's rows, made pooled only, are the full report's pooled rows:
    /// leaving the rows per transcript out changes no figure.
    #[test]
    fn a_pair_has_the_pooled_rows_of_its_full_report() {
        let e = |code, transcript, coder, start, end| Excerpt {
            code,
            transcript,
            coder,
            start,
            end,
        };
        let transcript = |id: &str| TranscriptInfo {
            id: id.into(),
            length: 200,
            turns: vec![(0, 80), (80, 200)],
        };
        let input = Input {
            coders: vec!["a".into(), "b".into()],
            codes: vec![CodeInfo::top("x"), CodeInfo::top("y")],
            transcripts: vec![transcript("t1"), transcript("t2")],
            excerpts: vec![
                e(0, 0, 0, 0, 40),
                e(0, 0, 1, 5, 40),
                e(1, 0, 1, 90, 150),
                e(0, 1, 0, 10, 20),
                e(1, 1, 0, 100, 190),
                e(1, 1, 1, 100, 180),
            ],
            segment_overlap: 0.9,
        }
        .sorted();
        let json = |rows: &[Row]| serde_json::to_string(rows).unwrap();
        let full = report(&input, Measures::ALL);
        assert!(full.rows.iter().any(|r| r.transcript.is_some()));
        let pooled: Vec<Row> = full
            .rows
            .into_iter()
            .filter(|r| r.transcript.is_none())
            .collect();
        assert_eq!(
            json(&report_pooled(&input, Measures::ALL).rows),
            json(&pooled)
        );
    }
}
