//! `concord units [PATH] [--transcript ID] [--code ID] [--class CLASS] [--json]`:
//! the review units, where the coders' excerpts meet, and how they differ.

use std::path::PathBuf;

use serde::Serialize;

use crate::align::{ReviewUnit, UnitClass, review_units};
use crate::cli::exit;
use crate::cli::study_arg;
use crate::repo::RepoError;
use crate::study::text::shorten;

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
    /// Only units of this class
    #[arg(long, value_name = "CLASS", value_parser = ["agreement", "boundary", "code", "omission"])]
    pub class: Option<String>,
    /// Print a JSON array instead of the list, for scripts
    #[arg(long)]
    pub json: bool,
}

/// A unit as printed: the unit and the start of its text.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    unit: &'a ReviewUnit,
    quote: String,
}

/// Longest quote shown.
const QUOTE: usize = 74;

/// What `units` keeps in the derived cache: every unit with the start of
/// its text, and the ids the filters are checked against.
#[derive(Serialize, serde::Deserialize)]
struct Listed {
    transcripts: Vec<String>,
    codes: Vec<String>,
    units: Vec<ReviewUnit>,
    quotes: Vec<String>,
}

fn listed(study: &crate::study::Study) -> Listed {
    let units = review_units(study);
    let quotes = units
        .iter()
        .map(|u| {
            // Only the start is shown: slicing more would cost a long unit's text.
            let quote = study
                .transcript(&u.transcript)
                .and_then(|t| t.slice(u.start, u.end.min(u.start + QUOTE + 1)))
                .unwrap_or("");
            shorten(quote, QUOTE)
        })
        .collect();
    Listed {
        transcripts: study.transcripts.iter().map(|t| t.id.clone()).collect(),
        codes: study
            .codebook
            .codes
            .iter()
            .map(|c| c.id().to_string())
            .collect(),
        units,
        quotes,
    }
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let reads = crate::repo::read::FileReads::default();
    let open = study_arg::open_cached(args.path.as_deref(), &reads)?;
    let all: Listed = open.study.derived("units", |l| listed(&l.study));
    if let Some(t) = &args.transcript {
        if !all.transcripts.contains(t) {
            return Err(RepoError::Refused(format!(
                "no transcript {t:?} in the study (see concord status)"
            )));
        }
    }
    if let Some(c) = &args.code {
        if !all.codes.contains(c) {
            return Err(RepoError::Refused(format!("no code {c:?} in the codebook")));
        }
    }
    let class = args.class.as_deref().and_then(UnitClass::parse);
    let shown: Vec<Shown> = all
        .units
        .iter()
        .zip(&all.quotes)
        .filter(|(u, _)| args.transcript.as_ref().is_none_or(|t| u.transcript == *t))
        .filter(|(u, _)| {
            args.code
                .as_ref()
                .is_none_or(|c| u.excerpts.iter().any(|e| e.code == *c))
        })
        .filter(|(u, _)| class.is_none_or(|c| u.class == c))
        .map(|(unit, quote)| Shown {
            unit,
            quote: quote.clone(),
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
    out
}
