//! `concord reanchor [PATH] [--transcript ID] [--dry-run] [--json]`: after
//! transcripts were edited outside concord, move every coding (and every
//! decision's spans) to where its text went, in one commit.

use std::path::PathBuf;

use serde_json::json;

use crate::cli::exit;
use crate::repo::RepoError;
use crate::repo::at_commit;
use crate::repo::git::configured_identity;
use crate::repo::read::read_and_load;
use crate::repo::reanchor::{TranscriptReanchored, plan, write_and_commit};
use crate::study::reanchor::Outcome;
use crate::study::text::{printable, shorten};

pub const LONG_ABOUT: &str = "Move codings to follow edited transcripts. For each transcript, concord compares \
the text its codings were made on (the transcript at the newest commit that changed one of its codings files) \
with the transcript in the working tree, moves every coding's start and end through the character diff of the \
two, and checks the result against the coding's quote. A coding whose text the edit did not touch lands on the \
same text; one whose text was changed (a name anonymised inside it, say) is kept, at the nearest offsets and \
with its old quote, and listed for a human: concord check names it until someone sets its offsets and quote. \
Decisions' unit and result spans move with their codings, whose ids do not change, so no decision goes stale. \
The edited transcripts and the moved codings and decisions are committed together, in one commit.";

pub const AFTER_HELP: &str = "Exit status: 0 done (every coding followed its text), 1 some codings need a human (listed), 2 could not run.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// Only this transcript (its file name without .txt)
    #[arg(long, value_name = "ID")]
    pub transcript: Option<String>,
    /// Say what would move, write and commit nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON instead of the list, for scripts
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let gs = at_commit::open(args.path.as_deref())?;
    let root = gs.root.clone().ok_or_else(|| {
        RepoError::Refused("reanchor needs a working tree (this is a bare repository)".into())
    })?;
    // A change a kill left committed but not in the working tree (this
    // command's own, or a coder's) is put in step first: the codings must
    // be read as committed, or they would be moved from the wrong place.
    let who = configured_identity(&gs.repo)
        .unwrap_or_else(|| crate::repo::git::Person::new("concord", "concord@localhost"));
    for said in crate::repo::recover::recover_interrupted(&root, &who)? {
        eprintln!("concord: {said}");
    }
    let mut loaded = read_and_load(&root)?;
    let done = plan(&gs, &mut loaded.study, args.transcript.as_deref())?;
    let human: usize = done
        .iter()
        .map(|t| t.all().filter(|(_, r)| r.needs_a_human()).count())
        .sum();
    let moved: usize = done
        .iter()
        .map(|t| t.all().filter(|(_, r)| r.moved()).count())
        .sum();

    let commit = if args.dry_run || done.is_empty() {
        None
    } else {
        let author = configured_identity(&gs.repo).ok_or_else(|| {
            RepoError::Refused(
                "concord commits the moved codings and does not know who you are: set git config user.name and user.email".into(),
            )
        })?;
        let names: Vec<&str> = done.iter().map(|t| t.transcript.as_str()).collect();
        let message = format!(
            "reanchor: codings follow the edited {} ({moved} moved, {human} for a human)\n\n{}",
            if names.len() == 1 {
                "transcript"
            } else {
                "transcripts"
            },
            shorten(&names.join(", "), 400)
        );
        write_and_commit(&gs, &loaded.study, &done, &author, &message)?
    };

    if args.json {
        let out = json!({
            "dry_run": args.dry_run,
            "commit": commit.map(|c| c.to_string()),
            "moved": moved,
            "need_a_human": human,
            "transcripts": done.iter().map(transcript_json).collect::<Vec<_>>(),
        });
        crate::cli::json::print_pretty(&out)?;
    } else {
        for t in &done {
            print_transcript(t);
        }
        let verb = if args.dry_run { "would move" } else { "moved" };
        match commit {
            Some(c) => eprintln!(
                "{} transcript(s) edited: {verb} {moved} coding(s), {human} need a human; committed {}",
                done.len(),
                &c.to_string()[..10]
            ),
            None if done.is_empty() => {
                eprintln!("no transcript was edited since its codings: nothing to move")
            }
            None => eprintln!(
                "{} transcript(s) edited: {verb} {moved} coding(s), {human} need a human; nothing written (--dry-run)",
                done.len()
            ),
        }
    }
    // The study and the moved codings are large (450,000 codings in the
    // large study) and the process ends here: leave them to the operating
    // system rather than free them one by one.
    std::mem::forget(loaded);
    std::mem::forget(done);
    Ok(if human > 0 { exit::PROBLEMS } else { exit::OK })
}

fn outcome_word(o: &Outcome) -> &'static str {
    match o {
        Outcome::Followed => "followed",
        Outcome::Found => "found",
        Outcome::Changed => "needs a human",
    }
}

fn print_transcript(t: &TranscriptReanchored) {
    let moved = t.all().filter(|(_, r)| r.moved()).count();
    println!(
        "{}: {} coding(s), {moved} moved, {} decision(s) moved (text of {})",
        printable(&t.transcript),
        t.all().count(),
        t.decisions_moved,
        &t.since.to_string()[..10]
    );
    for (coder, r) in t.all().filter(|(_, r)| r.outcome != Outcome::Followed) {
        println!(
            "  {} {} {} {}-{} -> {}-{}: {} \u{201c}{}\u{201d}",
            printable(coder),
            printable(&r.coding.id),
            printable(&r.coding.code),
            r.was.0,
            r.was.1,
            r.coding.start,
            r.coding.end,
            outcome_word(&r.outcome),
            shorten(&r.coding.quote, 50)
        );
    }
}

fn transcript_json(t: &TranscriptReanchored) -> serde_json::Value {
    json!({
        "transcript": t.transcript,
        "since": t.since.to_string(),
        "decisions_moved": t.decisions_moved,
        "codings": t.all().filter(|(_, r)| r.moved() || r.outcome != Outcome::Followed).map(|(coder, r)| json!({
            "coder": coder,
            "id": r.coding.id,
            "code": r.coding.code,
            "was": [r.was.0, r.was.1],
            "now": [r.coding.start, r.coding.end],
            "outcome": outcome_word(&r.outcome),
        })).collect::<Vec<_>>(),
    })
}
