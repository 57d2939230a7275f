//! `concord discuss [PATH] UNIT --note TEXT`: mark a unit "needs
//! discussion" for the team's meeting, as the screen does: a line in its
//! decision log and a commit, settling nothing.

use crate::cli::deciding::{Deciding, may_decide, split_targets};
use crate::repo::RepoError;
use crate::repo::record::{new_decision_id, now};
use crate::review::decide::discussion_for;
use crate::review::describe;

pub const LONG_ABOUT: &str = "Mark a review unit as needing discussion, with a note saying what to \
discuss. The mark is a line in decisions/<transcript>.jsonl and a git commit, like a decision, but it \
settles nothing: the unit stays in the queue (flagged in the review screen and listed by `concord \
units --open`) until it is decided. A later mark on the same unit replaces the note; `concord undo` \
takes a mark back.";

pub const AFTER_HELP: &str = "Exit status: 0 marked; 1 refused (the unit is already decided, in \
conflict, or no longer a unit of the study); 2 could not run.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// [PATH] UNIT: the study folder (default: found from here upward) and the unit's id
    #[arg(value_name = "[PATH] UNIT", num_args = 1..=2, required = true)]
    pub targets: Vec<String>,
    /// What the team should discuss
    #[arg(long, value_name = "TEXT", required = true)]
    pub note: String,
    /// Who is marking it, as "Name <email>" (default: git's user.name and user.email)
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub reviewer: Option<String>,
    /// Print the commit and the line as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    if args.note.trim().is_empty() {
        return Err(RepoError::Refused(
            "--note says what to discuss; it cannot be empty".into(),
        ));
    }
    let (path, unit) = split_targets(&args.targets, true);
    let d = Deciding::open_for(path.as_deref(), args.reviewer.as_deref(), unit.as_deref())?;
    let unit = match d.current_unit(unit.as_deref().unwrap_or_default()) {
        Ok(u) => u,
        Err(r) => return Ok(r.report(args.json)),
    };
    if let Err(r) = may_decide(&d, unit) {
        return Ok(r.report(args.json));
    }
    let line = discussion_for(
        unit,
        new_decision_id(),
        d.reviewer.to_string(),
        now(),
        args.note.clone(),
    );
    let message = describe(unit, &line, |c| d.study.codebook.short_label(c));
    Ok(d.commit(
        vec![(unit.transcript.to_string(), line)],
        &message,
        args.json,
    ))
}
