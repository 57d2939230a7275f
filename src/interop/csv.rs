//! The study as CSV tables for R, SPSS and spreadsheets: UTF-8, a header
//! row, RFC 4180 quoting (fields with a comma, quote or line end are quoted,
//! quotes doubled), LF line ends.
//!
//! One value per cell (numbers as numbers, an absent figure as an empty
//! cell, which R and pandas read as NA). The data are exact: a quote is
//! the transcript's text. Only with [`Style::excel_safe`] does a field that
//! begins with `=`, `+`, `@` or a `-` that does not start a number get a
//! leading `'`, so that a spreadsheet never runs study text as a formula.

use std::collections::HashMap;

use crate::agreement::Estimate;
use crate::agreement::report::{Report, Row};
use crate::align::ReviewUnit;
use crate::interop::InteropError;
use crate::review::standing::{Standing, live_decisions, standings};
use crate::study::{Codebook, Study};

/// How the tables are written.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Style {
    /// Guard fields a spreadsheet would run as formulas (changes the data).
    pub excel_safe: bool,
}

/// A table's text: `header` and then `rows`.
pub fn table(header: &[&str], rows: &[Vec<String>], style: Style) -> Result<String, InteropError> {
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
        if style.excel_safe {
            w.write_record(row.iter().map(|f| guard(f))).map_err(err)?;
        } else {
            w.write_record(row).map_err(err)?;
        }
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
pub fn codings(study: &Study, style: Style) -> Result<String, InteropError> {
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
                c.id.to_string(),
                c.code.to_string(),
                study.codebook.name_path(&c.code).unwrap_or_default(),
                c.start.to_string(),
                c.end.to_string(),
                c.quote.clone(),
                c.memo.clone(),
            ]);
        }
    }
    table(&CODINGS_HEADER, &rows, style)
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
/// `code:start-end` items separated by one space (long form:
/// [`decision_results`]), `basis` coding ids separated by one space (ids
/// hold no spaces); `live` is whether the decision is in force (not
/// reverted, not itself a revert).
pub fn decisions(study: &Study, style: Style) -> Result<String, InteropError> {
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
    table(&DECISIONS_HEADER, &rows, style)
}

pub const DECISION_RESULTS_HEADER: [&str; 5] =
    ["decision_id", "transcript", "code", "start", "end"];

/// `decision_results.csv`: one row per excerpt of a decision's result, in
/// log order (the long form of `decisions.csv`'s `result`).
pub fn decision_results(study: &Study, style: Style) -> Result<String, InteropError> {
    let mut rows = Vec::new();
    for f in &study.decisions {
        for d in &f.decisions {
            for r in &d.result {
                rows.push(vec![
                    d.id.clone(),
                    f.transcript.clone(),
                    r.code.clone(),
                    r.start.to_string(),
                    r.end.to_string(),
                ]);
            }
        }
    }
    table(&DECISION_RESULTS_HEADER, &rows, style)
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

/// `units.csv`: every review unit, its class and where it stands. `codes`
/// (code ids), `codings` (`coder:coding-id`) and `decision` (the decisions
/// in conflict) hold items separated by one space; the long form is
/// [`unit_codings`].
pub fn units(study: &Study, units: &[ReviewUnit], style: Style) -> Result<String, InteropError> {
    let standing = standings(units, &study.decisions);
    let mut rows = Vec::new();
    for u in units {
        let s = standing
            .get(u.id.as_str())
            .cloned()
            .unwrap_or(Standing::Open);
        let decision = match &s {
            Standing::Decided(d) | Standing::Stale(d) => d.clone(),
            Standing::Conflict(ds) => ds.join(" "),
            _ => String::new(),
        };
        let mut codes: Vec<&str> = u.excerpts.iter().map(|e| e.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        rows.push(vec![
            u.id.to_string(),
            u.transcript.to_string(),
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
    table(&UNITS_HEADER, &rows, style)
}

pub const UNIT_CODINGS_HEADER: [&str; 7] = [
    "unit",
    "transcript",
    "coder",
    "coding_id",
    "code",
    "start",
    "end",
];

/// `unit_codings.csv`: one row per coding of each review unit (the long
/// form of `units.csv`'s `codes` and `codings`).
pub fn unit_codings(units: &[ReviewUnit], style: Style) -> Result<String, InteropError> {
    let mut rows = Vec::new();
    for u in units {
        for e in &u.excerpts {
            rows.push(vec![
                u.id.to_string(),
                u.transcript.to_string(),
                e.coder.to_string(),
                e.coding.to_string(),
                e.code.to_string(),
                e.start.to_string(),
                e.end.to_string(),
            ]);
        }
    }
    table(&UNIT_CODINGS_HEADER, &rows, style)
}

pub const AGREEMENT_HEADER: [&str; 35] = [
    "level",
    "code",
    "transcript",
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
    // The code's name and place in the codebook (the row's `code` is its
    // id), and which pair of coders the row is about (empty: all coders).
    "code_name",
    "code_path",
    "pair",
];

/// Columns of the domain figures in [`AGREEMENT_HEADER`].
const U_ALPHA: usize = 17;
const CU_ALPHA: usize = 18;

/// What a row of `agreement.csv` pools over: every transcript and code
/// (`overall`), one code over every transcript (`code`), one transcript
/// (`transcript`: one code in it, or all codes when `code` is empty). The
/// figures of a parent code's semantic domain (its children as values) are
/// a row of their own, `domain`.
pub fn level(row: &Row) -> &'static str {
    match (&row.code, &row.transcript) {
        (None, None) => "overall",
        (_, Some(_)) => "transcript",
        (Some(_), None) => "code",
    }
}

/// The report's row sets: all coders' rows (pair empty), then, with three
/// or more coders, each pair's rows (pair `a+b`: its A and B).
fn row_sets(r: &Report) -> Vec<(&[Row], String)> {
    let mut sets = vec![(r.rows.as_slice(), String::new())];
    for p in &r.pairs {
        sets.push((
            p.rows.as_slice(),
            format!("{}+{}", p.coders[0], p.coders[1]),
        ));
    }
    sets
}

/// `agreement.csv`: the figures of `concord agreement`, one measure per
/// column, one level per row (see [`level`]) and one pair of coders per
/// row (`pair`, empty for all coders): typed values, empty where a figure
/// is absent or undefined (the reason is in [`agreement_notes`]).
pub fn agreement(r: &Report, codebook: &Codebook, style: Style) -> Result<String, InteropError> {
    let num = |e: Option<&Estimate>| {
        e.and_then(|e| e.value())
            .map_or(String::new(), |v| v.to_string())
    };
    let count = |n: Option<u64>| n.map_or(String::new(), |n| n.to_string());
    let name = |code: &str| {
        codebook
            .get(code)
            .map(|c| c.name().to_string())
            .unwrap_or_default()
    };
    let path = |code: &str| codebook.name_path(code).unwrap_or_default();
    let mut rows = Vec::new();
    for (set, pair) in row_sets(r) {
        // (k)uα and coverage of each code, from its parent's domain row.
        let mut k: HashMap<&str, (&Estimate, Option<&Estimate>)> = HashMap::new();
        for row in set {
            if let Some(a) = &row.alpha {
                for (code, e) in a.k_u_alpha.iter().flatten() {
                    k.insert(
                        code.as_str(),
                        (e, a.coverage.as_ref().and_then(|c| c.get(code))),
                    );
                }
            }
        }
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
            let code = row.code.clone().unwrap_or_default();
            let transcript = row.transcript.clone().unwrap_or_default();
            let domain = a.is_some_and(|a| a.domain.is_some());
            let own = c.is_some()
                || s.is_some()
                || t.is_some()
                || own_k.is_some()
                || a.is_some_and(|a| a.binary_u_alpha.is_some() || a.cu_alpha_domains.is_some());
            if own || !domain {
                rows.push(vec![
                    level(row).to_string(),
                    code.clone(),
                    transcript.clone(),
                    count(c.and_then(|c| c.both)),
                    count(c.and_then(|c| c.a_only)),
                    count(c.and_then(|c| c.b_only)),
                    count(c.and_then(|c| c.neither)),
                    num(c.map(|c| &c.percent_agreement)),
                    num(c.and_then(|c| c.cohen_kappa.as_ref())),
                    num(c.and_then(|c| c.cohen_kappa_weighted_mean.as_ref())),
                    num(c.and_then(|c| c.fleiss_kappa.as_ref())),
                    count(s.and_then(|s| s.agreements)),
                    count(s.and_then(|s| s.a_only)),
                    count(s.and_then(|s| s.b_only)),
                    num(s.map(|s| &s.percent_agreement)),
                    num(s.map(|s| &s.kappa_bp)),
                    num(a.and_then(|a| a.binary_u_alpha.as_ref())),
                    String::new(),
                    String::new(),
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
                    name(&code),
                    path(&code),
                    pair.clone(),
                ]);
            }
            if domain {
                let mut cells = vec![String::new(); AGREEMENT_HEADER.len()];
                cells[0] = "domain".into();
                cells[1] = code.clone();
                cells[2] = transcript;
                cells[U_ALPHA] = num(a.and_then(|a| a.u_alpha.as_ref()));
                cells[CU_ALPHA] = num(a.and_then(|a| a.cu_alpha.as_ref()));
                let n = AGREEMENT_HEADER.len();
                cells[n - 3] = name(&code);
                cells[n - 2] = path(&code);
                cells[n - 1] = pair.clone();
                rows.push(cells);
            }
        }
    }
    table(&AGREEMENT_HEADER, &rows, style)
}

pub const AGREEMENT_NOTES_HEADER: [&str; 6] =
    ["level", "code", "transcript", "pair", "measure", "note"];

/// Why a figure of `agreement.csv` is empty: one row per note, one message
/// each; `measure` is the column's name (`character_cohen_kappa`, or
/// `alpha_k_u_alpha` for a child code of a domain, named in `code`), `pair`
/// as in `agreement.csv`.
pub fn agreement_notes(r: &Report, style: Style) -> Result<String, InteropError> {
    let mut rows = Vec::new();
    for (set, pair) in row_sets(r) {
        for row in set {
            for n in &row.notes {
                let (measure, note) = n.split_once(": ").unwrap_or(("", n.as_str()));
                let (level, code, measure) = match measure {
                    "alpha.u_alpha" | "alpha.cu_alpha" => ("domain", row.code.clone(), measure),
                    m => match m.strip_prefix("alpha.k_u_alpha.") {
                        Some(child) => ("code", Some(child.to_string()), "alpha.k_u_alpha"),
                        None => (level(row), row.code.clone(), m),
                    },
                };
                rows.push(vec![
                    level.to_string(),
                    code.unwrap_or_default(),
                    row.transcript.clone().unwrap_or_default(),
                    pair.clone(),
                    measure.replace('.', "_"),
                    note.to_string(),
                ]);
            }
        }
    }
    table(&AGREEMENT_NOTES_HEADER, &rows, style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_follows_rfc_4180() {
        let rows = [
            vec!["plain".into(), "with, comma".into()],
            vec!["say \"hi\"".into(), "two\nlines".into()],
            vec!["=SUM(A1)".into(), "-3.5".into()],
        ];
        let t = table(&["a", "b"], &rows, Style::default()).unwrap();
        assert_eq!(
            t,
            "a,b\nplain,\"with, comma\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n=SUM(A1),-3.5\n"
        );
        let safe = table(&["a", "b"], &rows, Style { excel_safe: true }).unwrap();
        assert!(safe.ends_with("'=SUM(A1),-3.5\n"), "{safe}");
    }
}
