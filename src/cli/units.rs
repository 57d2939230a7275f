//! `concord units [PATH] [--transcript ID] [--code ID] [--class CLASS] [--open] [--json]`:
//! the review units, where the coders' excerpts meet, and how they differ.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::align::{ReviewUnit, UnitClass};
use crate::cli::deciding::waiting;
use crate::cli::exit;
use crate::cli::{code_arg, study_arg};
use crate::repo::RepoError;
use crate::review::{Standing, standings};
use crate::study::cases::{Cases, Where, ids_where};
use crate::study::left_out::LeftOut;
use crate::study::text::{printable, shorten};
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

/// A unit as printed: the unit, the start of its text, and where it stands.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    unit: &'a ReviewUnit,
    quote: String,
    standing: &'static str,
    /// The live decision's id, when the unit is decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<String>,
    /// In a conflict: every live decision of the unit, side by side.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    decisions: Vec<&'a Decision>,
}

/// Longest quote shown.
const QUOTE: usize = 74;

/// What `units` keeps in the derived cache: every unit with the start of
/// its text and where it stands, the decisions of units in conflict, and
/// the ids the filters are checked against.
#[derive(Serialize, serde::Deserialize)]
struct Listed {
    transcripts: Vec<String>,
    codebook: Codebook,
    units: Vec<ReviewUnit>,
    quotes: Vec<String>,
    /// As `review::standings` has them (`None`: not in its map, open).
    standings: Vec<Option<Standing>>,
    /// The live decisions named by a conflict.
    in_conflict: Vec<Decision>,
    /// cases.toml, for `--where`.
    cases: Cases,
    /// The codings the units could not use.
    left_out: LeftOut,
}

/// Every unit with the start of its text, without where it stands: what
/// the coded files say, kept by their key (`repo/layered.rs`).
fn coded_listed(loaded: &crate::study::Loaded, units: Vec<ReviewUnit>) -> Listed {
    let study = &loaded.study;
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
        codebook: study.codebook.clone(),
        units,
        quotes,
        standings: Vec::new(),
        in_conflict: Vec::new(),
        cases: study.cases.clone(),
        left_out: LeftOut::of_units(study, loaded.unparsed_codings),
    }
}

/// Where each unit stands after `decisions`, and the decisions of units
/// in conflict.
fn add_standings(listed: &mut Listed, decisions: &[crate::study::types::DecisionFile]) {
    let by_id = standings(&listed.units, decisions);
    listed.standings = listed
        .units
        .iter()
        .map(|u| by_id.get(&u.id).cloned())
        .collect();
    let conflicted: std::collections::HashSet<&str> = listed
        .standings
        .iter()
        .filter_map(|s| match s {
            Some(Standing::Conflict(ids)) => Some(ids.iter().map(String::as_str)),
            _ => None,
        })
        .flatten()
        .collect();
    listed.in_conflict = decisions
        .iter()
        .flat_map(|f| f.decisions.iter())
        .filter(|d| conflicted.contains(d.id.as_str()))
        .cloned()
        .collect();
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let reads = crate::repo::read::FileReads::default();
    let open = study_arg::open_cached(args.path.as_deref(), &reads)?;
    let all: Listed = open.study.derived_by("units", || {
        let mut listed = open
            .study
            .coded("listed", |l| coded_listed(l, open.study.units().to_vec()));
        add_standings(&mut listed, &open.study.whole().decisions);
        listed
    });
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
    let units: Vec<(&ReviewUnit, &String, Standing, bool)> = all
        .units
        .iter()
        .zip(&all.quotes)
        .zip(&all.standings)
        .map(|((u, q), s)| {
            let waits = s.as_ref().is_some_and(waiting);
            (u, q, s.clone().unwrap_or(Standing::Open), waits)
        })
        .filter(|(u, ..)| args.transcript.as_ref().is_none_or(|t| u.transcript == *t))
        .filter(|(u, ..)| keep.as_ref().is_none_or(|k| k.contains(&u.transcript)))
        .filter(|(u, ..)| {
            code.is_none() || u.excerpts.iter().any(|e| wanted.contains(&e.code.as_str()))
        })
        .filter(|(u, ..)| class.is_none_or(|c| u.class == c))
        .filter(|(_, _, s, _)| standing_word.is_none_or(|w| s.word() == w))
        .filter(|(.., waits)| !args.open || *waits)
        .collect();
    let by_id: std::collections::HashMap<&str, &Decision> =
        all.in_conflict.iter().map(|d| (d.id.as_str(), d)).collect();
    if args.open && !args.json {
        // Ids only, one a line, for `while read unit; do concord decide "$unit" ...; done`.
        // A reader that stops early (`| head`) ends the list, not the program.
        let mut out = std::io::stdout().lock();
        for (u, ..) in &units {
            if writeln!(out, "{}", printable(&u.id)).is_err() {
                return Ok(exit::OK);
            }
        }
        if counted_for_a_person() {
            eprintln!(
                "{} open unit{}",
                units.len(),
                if units.len() == 1 { "" } else { "s" }
            );
        }
        return Ok(exit::OK);
    }
    let shown: Vec<Shown> = units
        .iter()
        .map(|(u, quote, st, _)| {
            let decisions = match st {
                Standing::Conflict(ids) => ids
                    .iter()
                    .filter_map(|id| by_id.get(id.as_str()).copied())
                    .collect(),
                _ => Vec::new(),
            };
            Shown {
                unit: u,
                quote: (*quote).clone(),
                standing: st.word(),
                decision: match st {
                    Standing::Decided(id) => Some(id.clone()),
                    _ => None,
                },
                decisions,
            }
        })
        .collect();
    let left_out = all.left_out.sentence();
    if args.json {
        println!("{}", crate::cli::json::pretty(&shown));
        if let Some(s) = left_out {
            eprintln!("concord: {s}");
        }
        return Ok(exit::OK);
    }
    for s in &shown {
        print!("{}", human(s));
    }
    if counted_for_a_person() {
        eprintln!(
            "{} unit{}",
            shown.len(),
            if shown.len() == 1 { "" } else { "s" }
        );
    }
    // Codings left out are a problem of the data: said wherever the list goes.
    if let Some(s) = left_out {
        eprintln!("concord: {s}");
    }
    Ok(exit::OK)
}

/// The count under the list is for a person reading it; a pipeline
/// (`concord units | head -1`, `wc -l`) counts for itself, and a line on
/// standard error there would only be noise.
fn counted_for_a_person() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal()
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
