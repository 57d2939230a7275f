//! `concord units [PATH] [--transcript ID] [--code ID] [--class CLASS] [--json]`:
//! the review units, where the coders' excerpts meet, and how they differ.

use std::path::PathBuf;

use serde::Serialize;

use crate::align::{ReviewUnit, UnitClass, review_units};
use crate::cli::exit;
use crate::cli::{code_arg, study_arg};
use crate::review::{Standing, standings};
use crate::study::Codebook;
use crate::repo::RepoError;
use crate::study::text::{char_slice, shorten};

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
    /// Only units in which some coder applied this code (or one below it): its id, name or path
    #[arg(long, value_name = "CODE")]
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
    /// open, agreed, decided, stale, conflict or discussion.
    standing: &'static str,
    /// The live decision's id, when the unit is decided.
    decision: Option<String>,
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
    let code = match &args.code {
        Some(c) => Some(code_arg::resolve(&study.codebook, c)?),
        None => None,
    };
    // A code stands for its subtree, as in the review screen.
    let wanted: Vec<&str> = match &code {
        Some(id) => study
            .codebook
            .codes
            .iter()
            .filter(|c| is_within(&study.codebook, c.id(), id))
            .map(|c| c.id())
            .collect(),
        None => Vec::new(),
    };
    let class = args.class.as_deref().and_then(UnitClass::parse);
    let units: Vec<ReviewUnit> = review_units(study)
        .into_iter()
        .filter(|u| args.transcript.as_ref().is_none_or(|t| u.transcript == *t))
        .filter(|u| code.is_none() || u.excerpts.iter().any(|e| wanted.contains(&e.code.as_str())))
        .filter(|u| class.is_none_or(|c| u.class == c))
        .collect();
    let standing = standings(&units, &study.decisions);
    let shown: Vec<Shown> = units
        .iter()
        .map(|u| {
            let s = standing.get(&u.id).cloned().unwrap_or(Standing::Open);
            let text = study
                .transcript(&u.transcript)
                .map_or("", |t| t.text.as_str());
            let quote = char_slice(text, u.start, u.end).unwrap_or("");
            Shown {
                unit: u,
                quote: shorten(quote, QUOTE),
                standing: s.word(),
                decision: match s {
                    Standing::Decided(id) => Some(id),
                    _ => None,
                },
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
        "{}  {}  {}-{}  {}\n",
        shorten(&u.id, 44),
        u.class.name(),
        u.start,
        u.end,
        s.standing
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

/// Whether code `id` is `top` or below it in the codebook.
fn is_within(codebook: &Codebook, id: &str, top: &str) -> bool {
    let mut cur = Some(id);
    let mut steps = 0;
    while let Some(c) = cur {
        if c == top {
            return true;
        }
        steps += 1;
        if steps > codebook.codes.len() {
            break;
        }
        cur = codebook.get(c).and_then(|c| c.parent.as_deref());
    }
    false
}
