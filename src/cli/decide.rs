//! `concord decide [PATH] UNIT (--accept CODER | --union | --reject | --edit SPEC) [--note TEXT] [--json]`
//! and the bulk rules (`--code`, `--transcript`, `--class`, `--where` without a UNIT):
//! the review screen's decisions, for scripts and for a team settling a
//! list in a meeting. The same code as the screen: `review::decision_for`,
//! `review::describe`, `repo::record`.

use crate::align::{ReviewUnit, UnitClass};
use crate::cli::deciding::{Deciding, may_decide, split_targets, waiting};
use crate::cli::exit;
use crate::repo::RepoError;
use crate::repo::record::{new_decision_id, now};
use crate::review::{Choice, decision_for, describe};
use crate::study::ResultSpan;
use crate::study::cases::{Where, transcripts_where};
use crate::study::text::printable;

pub const LONG_ABOUT: &str = "Decide a review unit from the command line, as the review screen does: \
accept one coder's version, take the union of every coder's excerpts, reject them all (nothing is \
coded there), or put in an edited result. The decision is a line in decisions/<transcript>.jsonl and \
a git commit, authored by the reviewer (--reviewer, else git's user.name and user.email).\n\n\
UNIT is an id as `concord units --open` prints them, one per line, so a shell loop can work through \
the queue:\n\n    concord units --open --class boundary | while read u; do concord decide \"$u\" --union; done\n\n\
Without a UNIT, --code, --transcript, --class and --where (a variable of cases.toml, as in units) \
choose every open unit that matches (all given must match), decided alike in one commit: `concord decide --code se-maintenance --accept coder-b`, \
`concord decide --class boundary --union`. Open means what `units --open` lists: not decided, or \
decided on codings that have changed since (stale), or marked for discussion.\n\n\
--edit SPEC gives the result as CODE:START-END[,CODE:START-END...]: code ids of the codebook and \
character positions in the transcript (half-open, as in coding lines), for example \
`--edit se-maintenance:1510-1788,se-initiation:1510-1600`. An empty SPEC is not allowed: to code \
nothing, use --reject.\n\n\
With one word, it is the UNIT, unless it is an existing folder (then it is the study, for a bulk \
rule); with two, the study folder and the UNIT.";

pub const AFTER_HELP: &str = "Exit status: 0 decided; 1 refused: the unit is already decided (undo it \
first: concord undo DECISION), in conflict, decided meanwhile by someone else, or no longer a unit of \
the study (stale: a coder recoded since it was listed); 2 could not run (no study, no reviewer \
identity, bad arguments, uncommitted edits of the log, a write that failed).";

#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("choice").required(true).args(["accept", "union", "reject", "edit"])))]
pub struct Args {
    /// [PATH] UNIT: the study folder (default: found from here upward) and the unit's id
    #[arg(value_name = "[PATH] UNIT", num_args = 0..=2)]
    pub targets: Vec<String>,
    /// Accept this coder's version (the coder's id)
    #[arg(long, value_name = "CODER")]
    pub accept: Option<String>,
    /// Take every coder's excerpts, merged per code
    #[arg(long)]
    pub union: bool,
    /// Reject every excerpt: nothing is coded here
    #[arg(long)]
    pub reject: bool,
    /// An edited result: CODE:START-END[,CODE:START-END...]
    #[arg(long, value_name = "SPEC")]
    pub edit: Option<String>,
    /// Why, kept with the decision
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Bulk: every open unit in which some coder applied this code
    #[arg(long, value_name = "ID")]
    pub code: Option<String>,
    /// Bulk: every open unit of this transcript
    #[arg(long, value_name = "ID")]
    pub transcript: Option<String>,
    /// Bulk: every open unit of this class
    #[arg(long, value_name = "CLASS", value_parser = ["agreement", "boundary", "code", "omission"])]
    pub class: Option<String>,
    /// Bulk: every open unit of the transcripts whose case (or own value) has this value of a variable of cases.toml; repeatable
    #[arg(long = "where", value_name = "VARIABLE=VALUE", value_parser = Where::parse)]
    pub where_: Vec<Where>,
    /// Who is deciding, as "Name <email>" (default: git's user.name and user.email)
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub reviewer: Option<String>,
    /// Print the commit and the decision lines as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let bulk = is_bulk(&args);
    let (path, unit) = split_targets(&args.targets, !bulk);
    if bulk && unit.is_some() {
        return Err(RepoError::Refused(
            "give a UNIT or a bulk rule (--code, --transcript, --class, --where), not both".into(),
        ));
    }
    if !bulk && unit.is_none() {
        return Err(RepoError::Refused(
            "which unit? Give its id (concord units --open lists them) or a bulk rule (--code, --transcript, --class, --where)".into(),
        ));
    }
    let d = Deciding::open_for(path.as_deref(), args.reviewer.as_deref(), unit.as_deref())?;
    let choice = choice(&args, &d)?;
    let note = args.note.clone().unwrap_or_default();
    let units: Vec<&ReviewUnit> = match &unit {
        Some(id) => {
            let unit = match d.current_unit(id) {
                Ok(u) => u,
                Err(r) => return Ok(r.report(args.json)),
            };
            if let Err(r) = may_decide(&d, unit) {
                return Ok(r.report(args.json));
            }
            vec![unit]
        }
        None => chosen_by_rule(&args, &d)?,
    };
    if units.is_empty() {
        eprintln!("concord: no open unit matches; nothing to decide");
        if args.json {
            println!(
                "{}",
                crate::cli::json::line(&serde_json::json!({ "commit": null, "decisions": [] }))
            );
        }
        return Ok(exit::OK);
    }
    if let Choice::Custom(spans) = &choice {
        check_edit(&d, units[0], spans)?;
    }
    let who = d.reviewer.to_string();
    let mut lines = Vec::new();
    let mut described = Vec::new();
    for unit in &units {
        let line = decision_for(
            unit,
            &choice,
            new_decision_id(),
            who.clone(),
            now(),
            note.clone(),
        );
        described.push(describe(unit, &line, |c| d.study.codebook.short_label(c)));
        lines.push((unit.transcript.to_string(), line));
    }
    let message = if described.len() == 1 {
        described.remove(0)
    } else {
        format!(
            "decide {} units ({}): {}\n\n{}",
            described.len(),
            rule_words(&args),
            choice_words(&choice),
            described.join("\n")
        )
    };
    Ok(d.commit(lines, &message, args.json))
}

/// What was asked, as a `Choice` (a coder or code that does not exist is a
/// mistake in the arguments: exit 2).
fn choice(args: &Args, d: &Deciding) -> Result<Choice, RepoError> {
    if let Some(coder) = &args.accept {
        if !d.study.coders().iter().any(|c| &c.id == coder) {
            let ids: Vec<&str> = d.study.coders().iter().map(|c| c.id.as_str()).collect();
            return Err(RepoError::Refused(format!(
                "no coder {:?} in concord.toml (coders: {})",
                printable(coder),
                ids.join(", ")
            )));
        }
        return Ok(Choice::Accept(coder.clone()));
    }
    if args.union {
        return Ok(Choice::Union);
    }
    if args.reject {
        return Ok(Choice::Reject);
    }
    let spec = args.edit.as_deref().unwrap_or_default();
    if is_bulk(args) {
        return Err(RepoError::Refused(
            "--edit gives one unit's result; it does not go with a bulk rule".into(),
        ));
    }
    let spans = parse_edit(spec).map_err(RepoError::Refused)?;
    Ok(Choice::Custom(spans))
}

/// `CODE:START-END[,CODE:START-END...]` into result spans, sorted as a
/// decision line keeps them (by code, then position).
pub fn parse_edit(spec: &str) -> Result<Vec<ResultSpan>, String> {
    let bad = |part: &str, why: &str| {
        format!(
            "--edit {:?}: {why} in {:?}; the form is CODE:START-END[,CODE:START-END...], e.g. se-maintenance:1510-1788",
            printable(spec),
            printable(part)
        )
    };
    if spec.trim().is_empty() {
        return Err(
            "--edit needs at least one CODE:START-END (to code nothing, use --reject)".into(),
        );
    }
    let mut spans = Vec::new();
    for part in spec.split(',').map(str::trim) {
        let (code, range) = part
            .rsplit_once(':')
            .ok_or_else(|| bad(part, "no ':' between the code and the positions"))?;
        let (start, end) = range
            .split_once('-')
            .ok_or_else(|| bad(part, "no '-' between start and end"))?;
        let start: usize = start
            .trim()
            .parse()
            .map_err(|_| bad(part, "the start is not a whole number"))?;
        let end: usize = end
            .trim()
            .parse()
            .map_err(|_| bad(part, "the end is not a whole number"))?;
        if code.trim().is_empty() {
            return Err(bad(part, "no code"));
        }
        if end <= start {
            return Err(bad(part, "the end must be after the start"));
        }
        spans.push(ResultSpan {
            code: code.trim().to_string(),
            start,
            end,
        });
    }
    spans.sort_by(|a, b| (&a.code, a.start, a.end).cmp(&(&b.code, b.start, b.end)));
    spans.dedup();
    Ok(spans)
}

/// An edited result must name codable codes and stay inside the transcript.
fn check_edit(d: &Deciding, unit: &ReviewUnit, spans: &[ResultSpan]) -> Result<(), RepoError> {
    let chars = d
        .study
        .transcript(&unit.transcript)
        .map_or(usize::MAX, |t| t.chars);
    for s in spans {
        match d.study.codebook.get(&s.code) {
            None => {
                return Err(RepoError::Refused(format!(
                    "--edit: no code {:?} in the codebook",
                    printable(&s.code)
                )));
            }
            Some(c) if !c.header.codable => {
                return Err(RepoError::Refused(format!(
                    "--edit: {:?} is a grouping code (codable = false); name one of its codes",
                    printable(&s.code)
                )));
            }
            Some(_) => {}
        }
        if s.end > chars {
            return Err(RepoError::Refused(format!(
                "--edit: {}:{}-{} ends after the transcript's last character ({chars})",
                printable(&s.code),
                s.start,
                s.end
            )));
        }
    }
    Ok(())
}

/// Whether a bulk rule chooses the units (rather than a UNIT).
fn is_bulk(args: &Args) -> bool {
    args.code.is_some()
        || args.transcript.is_some()
        || args.class.is_some()
        || !args.where_.is_empty()
}

/// The open units the bulk rule matches (every rule given must match).
fn chosen_by_rule<'a>(args: &Args, d: &'a Deciding) -> Result<Vec<&'a ReviewUnit>, RepoError> {
    if let Some(t) = &args.transcript {
        if d.study.transcript(t).is_none() {
            return Err(RepoError::Refused(format!(
                "no transcript {:?} in the study (see concord status)",
                printable(t)
            )));
        }
    }
    if let Some(c) = &args.code {
        if d.study.codebook.get(c).is_none() {
            return Err(RepoError::Refused(format!(
                "no code {:?} in the codebook",
                printable(c)
            )));
        }
    }
    let keep = if args.where_.is_empty() {
        None
    } else {
        Some(transcripts_where(&d.study, &args.where_).map_err(RepoError::Refused)?)
    };
    let class = args.class.as_deref().and_then(UnitClass::parse);
    Ok(d.units
        .iter()
        .filter(|u| waiting(d.standing(&u.id)))
        .filter(|u| args.transcript.as_ref().is_none_or(|t| u.transcript == t))
        .filter(|u| {
            keep.as_ref()
                .is_none_or(|k| k.contains(u.transcript.as_str()))
        })
        .filter(|u| {
            args.code
                .as_ref()
                .is_none_or(|c| u.excerpts.iter().any(|e| e.code == c))
        })
        .filter(|u| class.is_none_or(|c| u.class == c))
        .collect())
}

fn rule_words(args: &Args) -> String {
    let mut words = Vec::new();
    if let Some(c) = &args.code {
        words.push(format!("code {c}"));
    }
    if let Some(t) = &args.transcript {
        words.push(format!("transcript {t}"));
    }
    if let Some(c) = &args.class {
        words.push(format!("class {c}"));
    }
    for w in &args.where_ {
        words.push(format!("where {}={}", w.variable, w.value));
    }
    words.join(", ")
}

fn choice_words(choice: &Choice) -> String {
    match choice {
        Choice::Accept(c) => format!("accept {c}"),
        Choice::Union => "accept the union".into(),
        Choice::Reject => "reject (nothing coded)".into(),
        Choice::Custom(_) => "custom".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_specs() {
        let s = parse_edit("y:5-9, x:1-3,x:0-2").unwrap();
        let got: Vec<(&str, usize, usize)> = s
            .iter()
            .map(|r| (r.code.as_str(), r.start, r.end))
            .collect();
        assert_eq!(got, [("x", 0, 2), ("x", 1, 3), ("y", 5, 9)]);
        assert!(parse_edit("").is_err());
        assert!(parse_edit("x:5-5").unwrap_err().contains("after the start"));
        assert!(parse_edit("x5-9").unwrap_err().contains("':'"));
        assert!(parse_edit("x:a-9").unwrap_err().contains("start"));
        assert!(parse_edit(":1-2").unwrap_err().contains("no code"));
    }
}
