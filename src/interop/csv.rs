//! The study as CSV tables for R, SPSS and spreadsheets: UTF-8, a header
//! row, RFC 4180 quoting (fields with a comma, quote or line end are quoted,
//! quotes doubled), LF line ends.
//!
//! A field that begins with `=`, `+`, `@` or a `-` that does not start a
//! number gets a leading `'`, as the agreement table does, so that a
//! spreadsheet never runs study text as a formula.

use std::collections::HashMap;

use crate::agreement::Estimate;
use crate::agreement::report::{Report, Row};
use crate::align::ReviewUnit;
use crate::interop::InteropError;
use crate::review::standing::{Standing, live_decisions, standings};
use crate::study::{Codebook, Study};

/// A table's text: `header` and then `rows`.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> Result<String, InteropError> {
    let err = |e: csv::Error| {
        InteropError::new(
            "csv",
            format!("cannot write the table ({e})"),
            "this is a bug in concord; please report it",
        )
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.write_record(row.iter().map(|f| guard(f))).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| err(e.into_error().into()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn guard(f: &str) -> String {
    if f.starts_with(['=', '+', '@']) || (f.starts_with('-') && f.parse::<f64>().is_err()) {
        format!("'{f}")
    } else {
        f.to_string()
    }
}

pub const CODINGS_HEADER: [&str; 9] = [
    "coder",
    "transcript",
    "coding_id",
    "code",
    "code_path",
    "start",
    "end",
    "quote",
    "memo",
];

/// `codings.csv`: one row per coding, by coder (manifest order), transcript, position.
pub fn codings(study: &Study) -> Result<String, InteropError> {
    let rank = |coder: &str| {
        study
            .coders()
            .iter()
            .position(|c| c.id == coder)
            .unwrap_or(usize::MAX)
    };
    let mut files: Vec<_> = study.codings.iter().collect();
    files.sort_by(|a, b| (rank(&a.coder), &a.transcript).cmp(&(rank(&b.coder), &b.transcript)));
    let mut rows = Vec::new();
    for f in files {
        let mut codings: Vec<_> = f.codings.iter().collect();
        codings.sort_by(|a, b| {
            (a.start, a.end, &a.code, &a.id).cmp(&(b.start, b.end, &b.code, &b.id))
        });
        for c in codings {
            rows.push(vec![
                f.coder.clone(),
                f.transcript.clone(),
                c.id.clone(),
                c.code.clone(),
                study.codebook.name_path(&c.code).unwrap_or_default(),
                c.start.to_string(),
                c.end.to_string(),
                c.quote.clone(),
                c.memo.clone(),
            ]);
        }
    }
    table(&CODINGS_HEADER, &rows)
}

pub const DECISIONS_HEADER: [&str; 12] = [
    "transcript",
    "decision_id",
    "unit",
    "action",
    "chosen",
    "reverts",
    "result",
    "basis",
    "reviewer",
    "at",
    "note",
    "live",
];

/// `decisions.csv`: every line of every log, in log order. `result` is
/// `code:start-end` items separated by spaces; `live` is whether the
/// decision is in force (not reverted, not itself a revert).
pub fn decisions(study: &Study) -> Result<String, InteropError> {
    let live: std::collections::BTreeSet<&str> = live_decisions(&study.decisions)
        .into_iter()
        .map(|d| d.id.as_str())
        .collect();
    let mut rows = Vec::new();
    for f in &study.decisions {
        for d in &f.decisions {
            let action = serde_json::to_value(d.action)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            rows.push(vec![
                f.transcript.clone(),
                d.id.clone(),
                d.unit.clone(),
                action,
                d.chosen.clone().unwrap_or_default(),
                d.reverts.clone().unwrap_or_default(),
                d.result
                    .iter()
                    .map(|r| format!("{}:{}-{}", r.code, r.start, r.end))
                    .collect::<Vec<_>>()
                    .join(" "),
                d.basis.join(" "),
                d.reviewer.clone(),
                d.at.clone(),
                d.note.clone(),
                live.contains(d.id.as_str()).to_string(),
            ]);
        }
    }
    table(&DECISIONS_HEADER, &rows)
}

pub const UNITS_HEADER: [&str; 9] = [
    "unit",
    "transcript",
    "start",
    "end",
    "class",
    "standing",
    "decision",
    "codes",
    "codings",
];

/// `units.csv`: every review unit, its class and where it stands.
pub fn units(study: &Study, units: &[ReviewUnit]) -> Result<String, InteropError> {
    let standing = standings(units, &study.decisions);
    let mut rows = Vec::new();
    for u in units {
        let s = standing.get(&u.id).cloned().unwrap_or(Standing::Open);
        let decision = match &s {
            Standing::Decided(d) | Standing::Stale(d) => d.clone(),
            Standing::Conflict(ds) => ds.join(" "),
            _ => String::new(),
        };
        let mut codes: Vec<&str> = u.excerpts.iter().map(|e| e.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        rows.push(vec![
            u.id.clone(),
            u.transcript.clone(),
            u.start.to_string(),
            u.end.to_string(),
            u.class.name().to_string(),
            s.word().to_string(),
            decision,
            codes.join(" "),
            u.excerpts
                .iter()
                .map(|e| format!("{}:{}", e.coder, e.coding))
                .collect::<Vec<_>>()
                .join(" "),
        ]);
    }
    table(&UNITS_HEADER, &rows)
}

pub const AGREEMENT_HEADER: [&str; 36] = [
    "code",
    "transcript",
    "domain",
    "character_both",
    "character_a_only",
    "character_b_only",
    "character_neither",
    "character_percent_agreement",
    "character_cohen_kappa",
    "character_cohen_kappa_weighted_mean",
    "character_fleiss_kappa",
    "segment_agreements",
    "segment_a_only",
    "segment_b_only",
    "segment_percent_agreement",
    "segment_kappa_bp",
    "alpha_binary_u_alpha",
    "alpha_u_alpha",
    "alpha_cu_alpha",
    "alpha_k_u_alpha",
    "alpha_coverage",
    "alpha_cu_alpha_domains",
    "turn_turns",
    "turn_alpha",
    "turn_cohen_kappa",
    "turn_fleiss_kappa",
    "character_cohen_kappa_se",
    "character_gwet_ac1",
    "character_gwet_ac1_variance",
    "turn_cohen_kappa_se",
    "turn_gwet_ac1",
    "turn_gwet_ac1_variance",
    "notes",
    // Last, so scripts that read columns by position keep working.
    "code_name",
    "code_path",
    "pair",
];

/// `agreement.csv`: the rows and columns of `concord agreement --csv`
/// (every measure; empty where a figure is absent or undefined, the reason
/// in `notes`).
pub fn agreement(r: &Report, codebook: &Codebook) -> Result<String, InteropError> {
    // (k)uα and coverage of each code, from its parent's domain row.
    let k_of = |rows: &[Row]| {
        let mut k: HashMap<String, (Estimate, Option<Estimate>)> = HashMap::new();
        for row in rows {
            if let Some(a) = &row.alpha {
                for (code, e) in a.k_u_alpha.iter().flatten() {
                    k.insert(
                        code.clone(),
                        (
                            e.clone(),
                            a.coverage.as_ref().and_then(|c| c.get(code)).cloned(),
                        ),
                    );
                }
            }
        }
        k
    };
    let num = |e: Option<&Estimate>| {
        e.and_then(|e| e.value())
            .map_or(String::new(), |v| v.to_string())
    };
    let count = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
    let mut rows = Vec::new();
    // All coders' rows (pair empty), then, with three or more coders, each
    // pair's pooled rows (pair "a+b": its A and B).
    let mut sets = vec![(&r.rows, String::new())];
    for p in &r.pairs {
        sets.push((&p.rows, format!("{}+{}", p.coders[0], p.coders[1])));
    }
    for (set, pair) in sets {
        let k = k_of(set);
        for row in set {
            let c = row.character.as_ref();
            let s = row.segment.as_ref();
            let a = row.alpha.as_ref();
            let t = row.turn.as_ref();
            let own_k = row
                .code
                .as_deref()
                .filter(|_| row.transcript.is_none())
                .and_then(|code| k.get(code));
            let own_k = own_k.map(|(e, c)| (e, c.as_ref()));
            rows.push(vec![
                row.code.clone().unwrap_or_default(),
                row.transcript.clone().unwrap_or_default(),
                a.and_then(|a| a.domain.clone()).unwrap_or_default(),
                count(c.and_then(|c| c.both)),
                count(c.and_then(|c| c.a_only)),
                count(c.and_then(|c| c.b_only)),
                count(c.and_then(|c| c.neither)),
                num(c.map(|c| &c.percent_agreement)),
                num(c.and_then(|c| c.cohen_kappa.as_ref())),
                num(c.and_then(|c| c.cohen_kappa_weighted_mean.as_ref())),
                num(c.and_then(|c| c.fleiss_kappa.as_ref())),
                count(s.map(|s| s.agreements)),
                count(s.map(|s| s.a_only)),
                count(s.map(|s| s.b_only)),
                num(s.map(|s| &s.percent_agreement)),
                num(s.map(|s| &s.kappa_bp)),
                num(a.and_then(|a| a.binary_u_alpha.as_ref())),
                num(a.and_then(|a| a.u_alpha.as_ref())),
                num(a.and_then(|a| a.cu_alpha.as_ref())),
                num(own_k.map(|k| k.0)),
                num(own_k.and_then(|k| k.1)),
                num(a.and_then(|a| a.cu_alpha_domains.as_ref())),
                count(t.map(|t| t.turns as u64)),
                num(t.map(|t| &t.alpha)),
                num(t.and_then(|t| t.cohen_kappa.as_ref())),
                num(t.and_then(|t| t.fleiss_kappa.as_ref())),
                num(c.and_then(|c| c.cohen_kappa_se.as_ref())),
                num(c.map(|c| &c.gwet_ac1)),
                num(c.map(|c| &c.gwet_ac1_variance)),
                num(t.and_then(|t| t.cohen_kappa_se.as_ref())),
                num(t.map(|t| &t.gwet_ac1)),
                num(t.map(|t| &t.gwet_ac1_variance)),
                row.notes.join("; "),
                row.code
                    .as_deref()
                    .and_then(|c| codebook.get(c))
                    .map(|c| c.name().to_string())
                    .unwrap_or_default(),
                row.code
                    .as_deref()
                    .and_then(|c| codebook.name_path(c))
                    .unwrap_or_default(),
                pair.clone(),
            ]);
        }
    }
    table(&AGREEMENT_HEADER, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        let t = table(
            &["a", "b"],
            &[
                vec!["plain".into(), "with, comma".into()],
                vec!["say \"hi\"".into(), "two\nlines".into()],
                vec!["=SUM(A1)".into(), "-3.5".into()],
            ],
        )
        .unwrap();
        assert_eq!(
            t,
            "a,b\nplain,\"with, comma\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n'=SUM(A1),-3.5\n"
        );
    }
}
