//! `concord units [PATH] [--transcript ID] [--code ID] [--class CLASS] [--open] [--json]`:
//! the review units, where the coders' excerpts meet, and how they differ.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::align::{ReviewUnit, UnitClass};
use crate::cli::deciding::waiting;
use crate::cli::exit;
use crate::cli::units_listed::Listed;
use crate::cli::{code_arg, study_arg};
use crate::repo::RepoError;
use crate::review::Standing;
use crate::study::cases::{Where, ids_where};
use crate::study::text::printable;
use crate::study::{Codebook, Decision};

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
    /// Only units of transcripts whose case (or own value) has this value of a variable of cases.toml; repeatable
    #[arg(long = "where", value_name = "VARIABLE=VALUE", value_parser = Where::parse)]
    pub where_: Vec<Where>,
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

/// A unit as printed by `--json`: the unit, the start of its text, and where it stands.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    unit: &'a ReviewUnit,
    quote: &'a str,
    standing: &'static str,
    /// The live decision's id, when the unit is decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<String>,
    /// In a conflict: every live decision of the unit, side by side.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    decisions: Vec<&'a Decision>,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let reads = crate::repo::read::FileReads::default();
    let open = study_arg::open_cached(args.path.as_deref(), &reads)?;
    let listed: Listed = open
        .study
        .coded("listed", |l| Listed::of_coded(l, open.study.units()));
    let make_review = || {
        // After a decision: the reviewed transcripts' units, not every unit.
        let units = open.study.units_for_standings();
        listed.review(&units, &open.study.whole().decisions)
    };
    let mut review = open.study.derived_by("units-review", make_review);
    if !review.fits(&listed) {
        // Never expected (both are kept for the same files): made again.
        review = make_review();
    }
    let all = listed.with_review(review);
    if let Some(t) = &args.transcript {
        if !all.transcripts.contains(t) {
            return Err(RepoError::Refused(format!(
                "no transcript {t:?} in the study (see concord status)"
            )));
        }
    }
    let code = match &args.code {
        Some(c) => Some(code_arg::resolve(&all.codebook, c)?),
        None => None,
    };
    // A code stands for its subtree, as in the review screen.
    let wanted: Vec<&str> = match &code {
        Some(id) => all
            .codebook
            .codes
            .iter()
            .filter(|c| is_within(&all.codebook, c.id(), id))
            .map(|c| c.id())
            .collect(),
        None => Vec::new(),
    };
    let keep = if args.where_.is_empty() {
        None
    } else {
        Some(
            ids_where(
                &all.cases,
                all.transcripts.iter().map(String::as_str),
                &args.where_,
            )
            .map_err(RepoError::Refused)?,
        )
    };
    let class = args.class.as_deref().and_then(UnitClass::parse);
    let standing_word = args.class.as_deref().filter(|_| class.is_none());
    let picked: Vec<(usize, Standing)> = (0..all.len())
        .map(|i| (i, all.standings[i].clone().unwrap_or(Standing::Open)))
        .filter(|(i, _)| {
            args.transcript
                .as_ref()
                .is_none_or(|t| all.transcript_of(*i) == t)
        })
        .filter(|(i, _)| {
            keep.as_ref()
                .is_none_or(|k| k.contains(all.transcript_of(*i)))
        })
        .filter(|(i, _)| code.is_none() || all.has_code(*i, &wanted))
        .filter(|(i, _)| class.is_none_or(|c| all.class[*i] == c))
        .filter(|(_, s)| standing_word.is_none_or(|w| s.word() == w))
        .filter(|(_, s)| !args.open || waiting(s))
        .collect();
    let by_id: std::collections::HashMap<&str, &Decision> =
        all.in_conflict.iter().map(|d| (d.id.as_str(), d)).collect();
    let decisions_of = |st: &Standing| -> Vec<&Decision> {
        match st {
            Standing::Conflict(ids) => ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.open && !args.json {
        // Ids only, one a line, for `while read unit; do concord decide "$unit" ...; done`.
        // A reader that stops early (`| head`) ends the list, not the program.
        for (i, _) in &picked {
            if writeln!(out, "{}", printable(all.ids.get(*i))).is_err() {
                return Ok(exit::OK);
            }
        }
        if out.flush().is_err() {
            return Ok(exit::OK);
        }
        if counted_for_a_person() {
            eprintln!(
                "{} open unit{}",
                picked.len(),
                if picked.len() == 1 { "" } else { "s" }
            );
        }
        return Ok(exit::OK);
    }
    let left_out = all.left_out.sentence();
    if args.json {
        drop(out);
        // The units themselves, kept by the coded files' key, in the listing's order.
        let units = open.study.review_units();
        if units.len() != all.len() {
            return Err(RepoError::Refused(format!(
                "the derived cache disagrees with itself ({} units listed, {} kept); \
                 remove .git/concord and run again",
                all.len(),
                units.len()
            )));
        }
        let shown: Vec<Shown> = picked
            .iter()
            .map(|(i, st)| Shown {
                unit: &units[*i],
                quote: all.quotes.get(*i),
                standing: st.word(),
                decision: match st {
                    Standing::Decided(id) => Some(id.clone()),
                    _ => None,
                },
                decisions: decisions_of(st),
            })
            .collect();
        crate::cli::json::print_pretty(&shown)?;
        if let Some(s) = left_out {
            eprintln!("concord: {s}");
        }
        return Ok(exit::OK);
    }
    for (i, st) in &picked {
        // A reader that stops early (`| head`) ends the list, not the program.
        if out
            .write_all(all.human(*i, st.word(), &decisions_of(st)).as_bytes())
            .is_err()
        {
            return Ok(exit::OK);
        }
    }
    if out.flush().is_err() {
        return Ok(exit::OK);
    }
    drop(out);
    if counted_for_a_person() {
        eprintln!(
            "{} unit{}",
            picked.len(),
            if picked.len() == 1 { "" } else { "s" }
        );
    }
    // Codings left out are a problem of the data: said wherever the list goes.
    if let Some(s) = left_out {
        eprintln!("concord: {s}");
    }
    // The listing is large and the process ends here: leave it to the
    // operating system rather than free 150,000 entries one by one.
    std::mem::forget(all);
    Ok(exit::OK)
}

/// The count under the list is for a person reading it; a pipeline
/// (`concord units | head -1`, `wc -l`) counts for itself, and a line on
/// standard error there would only be noise.
fn counted_for_a_person() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
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
