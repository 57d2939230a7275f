//! `concord undo [PATH] [DECISION]`: take back a decision or a discussion
//! mark (default: the reviewer's newest one still in force), as the
//! screen's undo does: a new line that reverts it, and a commit.

use crate::cli::deciding::{Deciding, Refusal, split_targets};
use crate::repo::RepoError;
use crate::repo::record::{new_decision_id, now};
use crate::review::{describe, revert_of};
use crate::study::text::printable;
use crate::study::{Action, Decision};

pub const LONG_ABOUT: &str = "Undo a decision or a discussion mark: a new line in the decision log \
reverts it (the log is append-only, so the history of the review stays readable) and the unit is \
open again. DECISION is a decision's id (d-...; `concord units --json`, `git log` and the decision \
logs show them); without one, the newest decision or mark still in force that you (the reviewer) \
made. With one word, it is the DECISION unless it is an existing folder (then it is the study).";

pub const AFTER_HELP: &str = "Exit status: 0 undone; 1 refused (no such decision, already undone, \
itself an undo, or nothing of yours to undo); 2 could not run.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// [PATH] [DECISION]: the study folder (default: found from here upward) and the decision's id
    #[arg(value_name = "[PATH] [DECISION]", num_args = 0..=2)]
    pub targets: Vec<String>,
    /// Who is undoing, as "Name <email>" (default: git's user.name and user.email)
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub reviewer: Option<String>,
    /// Print the commit and the line as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let (path, wanted) = split_targets(&args.targets, true);
    let d = Deciding::open(path.as_deref(), args.reviewer.as_deref())?;
    let (transcript, line) = match which(&d, wanted.as_deref()) {
        Ok(found) => found,
        Err(r) => return Ok(r.report(args.json)),
    };
    let revert = revert_of(line, new_decision_id(), d.reviewer.to_string(), now());
    let message = match d.unit(&line.unit) {
        Some(unit) => describe(unit, &revert, |c| d.study.codebook.short_label(c)),
        // The unit changed since (stale): say which line is undone.
        None => format!("{transcript} {}: undo {}", line.unit, line.id),
    };
    Ok(d.commit(vec![(transcript.to_string(), revert)], &message, args.json))
}

/// The line to undo and its transcript.
fn which<'a>(d: &'a Deciding, wanted: Option<&str>) -> Result<(&'a str, &'a Decision), Refusal> {
    let reverted: Vec<&str> = d
        .study
        .decisions
        .iter()
        .flat_map(|f| f.decisions.iter())
        .filter_map(|l| l.reverts.as_deref())
        .collect();
    let live = |l: &Decision| l.action != Action::Revert && !reverted.contains(&l.id.as_str());
    match wanted {
        Some(id) => {
            let (transcript, line) = d.line(id).ok_or_else(|| {
                Refusal(format!(
                    "no decision {} in the study's decision logs",
                    printable(id)
                ))
            })?;
            if line.action == Action::Revert {
                return Err(Refusal(format!(
                    "{} is itself an undo; undo the decision it reverted by deciding again",
                    printable(id)
                )));
            }
            if !live(line) {
                return Err(Refusal(format!("{} is already undone", printable(id))));
            }
            Ok((transcript, line))
        }
        None => {
            let me = d.reviewer.to_string();
            // The newest by time; among lines of the same second, the later in its log.
            d.study
                .decisions
                .iter()
                .flat_map(|f| f.decisions.iter().map(move |l| (f.transcript.as_str(), l)))
                .enumerate()
                .filter(|(_, (_, l))| l.reviewer == me && live(l))
                .max_by(|(i, (_, a)), (j, (_, b))| a.at.cmp(&b.at).then(i.cmp(j)))
                .map(|(_, found)| found)
                .ok_or_else(|| {
                    Refusal(format!(
                        "nothing of yours ({}) to undo: no decision or mark of yours is in force",
                        printable(&me)
                    ))
                })
        }
    }
}
