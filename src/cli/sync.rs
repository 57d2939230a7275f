//! `concord sync [PATH] [--remote NAME] [--json]`: share decisions with the
//! team's remote: fetch, integrate, push (see repo/sync.rs and
//! docs/collaboration.md).

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::exit;
use crate::repo::RepoError;
use crate::repo::sync::{SyncOptions, sync};
use crate::study::text::printable;

pub const LONG_ABOUT: &str = "Share the study with the team's remote: fetch what others pushed, put your \
decision commits on top of it (or make a merge commit when you have other commits too), keep every \
line of both sides' decision logs, and push — never forced; when someone pushed meanwhile, fetch and \
try again, a few times. Says what came in and went out: \"3 decisions by Ann in, 5 of yours out; \
Coder B recoded fg2 (4 units now stale)\". Two reviewers who decided the same unit both stay in the \
log: the unit is a decision conflict to settle (concord units --class conflict).\n\n\
A codebook, codings or transcript file changed both here and on the remote is not merged: sync \
stops, names the files, says what to do, and leaves your branch as it was. So does any failure to \
reach the remote: your commits stay here and go out with the next sync.\n\n\
Fetch and push run the system `git` program, so your ~/.ssh/config, ssh-agent, known_hosts and git \
credential helpers apply; an unknown SSH host key is an error (concord never accepts one), and \
nothing waits for a password.";

pub const AFTER_HELP: &str = "Exit status: 0 synced, 2 could not sync (nothing lost; the message says why and what to do).\nThe walk-through: docs/collaboration.md in concord's repository.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// The remote to sync with (default: the branch's upstream, else origin)
    #[arg(long, value_name = "NAME")]
    pub remote: Option<String>,
    /// Print what came in and went out as one JSON object, for scripts
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let start = match args.path {
        Some(p) => p,
        None => std::env::current_dir().map_err(|source| RepoError::Read {
            path: PathBuf::from("."),
            source,
        })?,
    };
    let options = SyncOptions {
        remote: args.remote,
    };
    let talk = !args.json && std::io::stderr().is_terminal();
    let summary = sync(&start, &options, &mut |stage| {
        if talk {
            eprintln!("sync: {}…", stage.words());
        }
    })?;
    if args.json {
        crate::cli::json::print_pretty(&summary)?;
    } else {
        // Reviewer and coder names are study data: never let them drive the terminal.
        println!("{}", printable(&summary.sentence()));
        if !summary.conflicts.is_empty() {
            println!(
                "Settle each conflict with a new decision in the review screen (concord), or list them: concord units --class conflict"
            );
        }
    }
    Ok(exit::OK)
}
