//! `concord units [PATH] [--transcript ID] [--code ID] [--class CLASS] [--open] [--json]`:
//! the review units, where the coders' excerpts meet, and how they differ.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::align::{ReviewUnit, UnitClass, review_units};
use crate::cli::deciding::waiting;
use crate::cli::exit;
use crate::cli::study_arg;
use crate::repo::RepoError;
use crate::review::{Standing, standings};
use crate::study::Decision;
use crate::study::text::{char_slice, printable, shorten};

pub const LONG_ABOUT: &str = "List the review units of a study. A review unit is a maximal cluster of \
overlapping excerpts, from any coder, in one transcript. Each is classified: agreement (same codes, \
same boundaries), boundary (same codes, different boundaries), code (overlapping text, different \
codes) or omission (only some coders coded it). With more than two coders the class is also given \
for each pair of coders (--json). A unit's id (fg1:1500-1800:9c2e) is stable while its codings are.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// Only units of this transcript (its file name without .txt)
    #[arg(long, value_name = "ID")]
    pub transcript: Option<String>,
    /// Only units in which some coder applied this code
    #[arg(long, value_name = "ID")]
    pub code: Option<String>,
    /// Only units of this class; or, by where they stand: conflict (two live
    /// decisions, as after two reviewers' logs were merged), stale (a coder
    /// recoded since the decision), decided
    #[arg(long, value_name = "CLASS", value_parser = ["agreement", "boundary", "code", "omission", "conflict", "stale", "decided"])]
    pub class: Option<String>,
    /// Only units waiting for a decision (open, stale or marked for
    /// discussion), printed as ids one per line: what `concord decide` takes
    #[arg(long)]
    pub open: bool,
    /// Print a JSON array instead of the list, for scripts
    #[arg(long)]
    pub json: bool,
}

/// A unit as printed: the unit, the start of its text, and where it stands.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    unit: &'a ReviewUnit,
    quote: String,
    standing: &'static str,
    /// In a conflict: every live decision of the unit, side by side.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    decisions: Vec<&'a Decision>,
}

/// Longest quote shown.
const QUOTE: usize = 74;

pub fn run(args: Args) -> Result<u8, RepoError> {
    let open = study_arg::open(args.path.as_deref())?;
    let study = &open.loaded.study;
    if let Some(t) = &args.transcript {
        if study.transcript(t).is_none() {
            return Err(RepoError::Refused(format!(
                "no transcript {t:?} in the study (see concord status)"
            )));
        }
    }
    if let Some(c) = &args.code {
        if study.codebook.get(c).is_none() {
            return Err(RepoError::Refused(format!("no code {c:?} in the codebook")));
        }
    }
    let class = args.class.as_deref().and_then(UnitClass::parse);
    let standing_word = args.class.as_deref().filter(|_| class.is_none());
    let all_units = review_units(study);
    let standing = standings(&all_units, &study.decisions);
    let standing_of = |u: &ReviewUnit| standing.get(&u.id).cloned().unwrap_or(Standing::Open);
    let units: Vec<ReviewUnit> = all_units
        .into_iter()
        .filter(|u| args.transcript.as_ref().is_none_or(|t| u.transcript == *t))
        .filter(|u| {
            args.code
                .as_ref()
                .is_none_or(|c| u.excerpts.iter().any(|e| e.code == *c))
        })
        .filter(|u| class.is_none_or(|c| u.class == c))
        .filter(|u| standing_word.is_none_or(|w| standing_of(u).word() == w))
        .collect();
    let by_id: std::collections::HashMap<&str, &Decision> = study
        .decisions
        .iter()
        .flat_map(|f| f.decisions.iter())
        .map(|d| (d.id.as_str(), d))
        .collect();
    let units: Vec<ReviewUnit> = if args.open {
        units
            .into_iter()
            .filter(|u| standing.get(&u.id).is_some_and(waiting))
            .collect()
    } else {
        units
    };
    if args.open && !args.json {
        // Ids only, one a line, for `while read unit; do concord decide "$unit" ...; done`.
        // A reader that stops early (`| head`) ends the list, not the program.
        let mut out = std::io::stdout().lock();
        for u in &units {
            if writeln!(out, "{}", printable(&u.id)).is_err() {
                return Ok(exit::OK);
            }
        }
        eprintln!(
            "{} open unit{}",
            units.len(),
            if units.len() == 1 { "" } else { "s" }
        );
        return Ok(exit::OK);
    }
    let shown: Vec<Shown> = units
        .iter()
        .map(|u| {
            let text = study
                .transcript(&u.transcript)
                .map_or("", |t| t.text.as_str());
            let quote = char_slice(text, u.start, u.end).unwrap_or("");
            let st = standing_of(u);
            let decisions = match &st {
                Standing::Conflict(ids) => ids
                    .iter()
                    .filter_map(|id| by_id.get(id.as_str()).copied())
                    .collect(),
                _ => Vec::new(),
            };
            Shown {
                unit: u,
                quote: shorten(quote, QUOTE),
                standing: st.word(),
                decisions,
            }
        })
        .collect();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&shown).unwrap_or_default()
        );
        return Ok(exit::OK);
    }
    for s in &shown {
        print!("{}", human(s));
    }
    eprintln!(
        "{} unit{}",
        shown.len(),
        if shown.len() == 1 { "" } else { "s" }
    );
    Ok(exit::OK)
}

/// Three lines per unit, within 80 columns: id, class and span; each
/// coder's codes; the quote.
fn human(s: &Shown) -> String {
    let u = s.unit;
    let mut out = format!(
        "{}  {}  {}-{}\n",
        shorten(&u.id, 50),
        u.class.name(),
        u.start,
        u.end
    );
    let mut coders: Vec<&str> = u.excerpts.iter().map(|e| e.coder.as_str()).collect();
    coders.dedup();
    coders.sort_unstable();
    coders.dedup();
    let versions: Vec<String> = coders
        .iter()
        .map(|c| {
            let mut codes: Vec<&str> = u
                .excerpts
                .iter()
                .filter(|e| e.coder == *c)
                .map(|e| e.code.as_str())
                .collect();
            codes.sort_unstable();
            codes.dedup();
            format!("{c}: {}", codes.join(", "))
        })
        .collect();
    out.push_str(&format!("  {}\n", shorten(&versions.join("; "), 76)));
    out.push_str(&format!("  \u{201c}{}\u{201d}\n", s.quote));
    // A conflict: each decision on a line of its own, for the team to compare.
    for d in &s.decisions {
        let action = format!("{:?}", d.action).to_lowercase();
        let what = match &d.chosen {
            Some(c) => format!("{action} {c}"),
            None => action,
        };
        let note = if d.note.is_empty() {
            String::new()
        } else {
            format!(" \u{201c}{}\u{201d}", d.note)
        };
        let line = format!("{what} by {} at {}{note}", d.reviewer, d.at);
        out.push_str(&format!("  {}\n", printable(&shorten(&line, 76))));
    }
    out
}
