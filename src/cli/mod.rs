//! The command line: one file per subcommand. Each returns an exit status;
//! an error that stops a command is printed here, once, as `concord: ...`.

mod agreement;
mod agreement_explain;
mod agreement_intervals;
mod agreement_reconciled;
mod check;
mod clone;
mod code;
mod code_arg;
mod completions;
mod decide;
mod deciding;
mod demo;
mod diff;
mod discuss;
mod export;
mod generate;
mod history;
mod import;
mod init;
mod json;
mod reanchor;
mod report;
mod review;
mod reviewer;
mod status;
mod study_arg;
mod sync;
mod trend;
mod undo;
mod units;
mod units_listed;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit statuses, the same for every subcommand.
pub mod exit {
    /// Done; for `check`, the study is clean.
    pub const OK: u8 = 0;
    /// `check` found problems in the study.
    pub const PROBLEMS: u8 = 1;
    /// The command could not run: no study, unreadable folder, bad arguments.
    pub const CANNOT_RUN: u8 = 2;
}

#[derive(Parser, Debug)]
#[command(
    name = "concord",
    version,
    about = "Review a qualitative study's coding: codebook, coder differences, intercoder reliability, reconciliation in git",
    long_about = "concord reviews the coding of a qualitative study kept as plain text in a git repository: \
the codebook's construct hierarchy, each coder's excerpts of each transcript, where the coders disagree, \
and how reliable the coding is.\n\n\
A study is a folder with a concord.toml (found by walking up from the current folder when no PATH is given). \
Without a command, concord opens the review screen on the study: browse the codebook, see where \
the coders differ, and settle each disagreement with one key; every decision is a git commit.\n\n\
Try it on the bundled sample study: `concord demo`.",
    after_help = "Exit status: 0 done (for check: no problems), 1 problems found, 2 could not run.\nThe study format: docs/format.md in concord's repository."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub review: review::Args,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a study for problems and list every one as file:line:column
    #[command(long_about = check::LONG_ABOUT, after_help = check::AFTER_HELP)]
    Check(check::Args),
    /// Summarise a study: coders, codebook levels, transcripts, codings, decisions
    #[command(long_about = status::LONG_ABOUT)]
    Status(status::Args),
    /// Start a new, empty study (and a git repository if there is none)
    #[command(long_about = init::LONG_ABOUT)]
    Init(init::Args),
    /// Write the bundled sample study into a new git repository
    #[command(long_about = demo::LONG_ABOUT)]
    Demo(demo::Args),
    /// List review units: where coders' excerpts meet, and how they differ
    #[command(long_about = units::LONG_ABOUT)]
    Units(units::Args),
    /// Decide a review unit (or every open unit of a code, transcript or class), as the screen does
    #[command(long_about = decide::LONG_ABOUT, after_help = decide::AFTER_HELP)]
    Decide(decide::Args),
    /// Mark a review unit "needs discussion" with a note
    #[command(long_about = discuss::LONG_ABOUT, after_help = discuss::AFTER_HELP)]
    Discuss(discuss::Args),
    /// Undo a decision or discussion mark (default: your newest one)
    #[command(long_about = undo::LONG_ABOUT, after_help = undo::AFTER_HELP)]
    Undo(undo::Args),
    /// Measure intercoder reliability per code, per transcript and overall
    #[command(long_about = agreement::LONG_ABOUT)]
    Agreement(agreement::Args),
    /// Write the methods report: versions, reliability with intervals, reconciliation, history, COREQ/SRQR items
    #[command(long_about = report::LONG_ABOUT)]
    Report(report::Args),
    /// How the codebook changed, commit by commit, code by code
    #[command(long_about = history::LONG_ABOUT)]
    History(history::Args),
    /// The codebook between two revisions, with word-level differences
    #[command(long_about = diff::LONG_ABOUT)]
    Diff(diff::Args),
    /// Import a REFI-QDA project (.qdpx) or codebook (.qdc) from ATLAS.ti, MAXQDA, NVivo, QualCoder, ...
    #[command(long_about = import::LONG_ABOUT, after_help = import::AFTER_HELP)]
    Import(import::Args),
    /// Export the study as a REFI-QDA project (qdpx) or codebook (qdc), or as CSV tables
    #[command(long_about = export::LONG_ABOUT, after_help = export::AFTER_HELP)]
    Export(export::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(long_about = completions::LONG_ABOUT)]
    Completions(completions::Args),
    /// Print the man page (roff)
    #[command(long_about = completions::MAN_ABOUT)]
    Man,
    /// Code transcripts in the terminal: the coding screen for one coder, blind to the others until done
    #[command(long_about = code::LONG_ABOUT)]
    Code(code::Args),
    /// Move codings (and decisions) to follow transcripts edited outside concord, in one commit
    #[command(long_about = reanchor::LONG_ABOUT, after_help = reanchor::AFTER_HELP)]
    Reanchor(reanchor::Args),
    /// Share decisions with the team's remote: fetch, integrate, push
    #[command(long_about = sync::LONG_ABOUT, after_help = sync::AFTER_HELP)]
    Sync(sync::Args),
    /// Clone a study from the team's remote (over SSH or from a Git host)
    #[command(long_about = clone::LONG_ABOUT)]
    Clone(clone::Args),
    /// Write a seeded synthetic study, for benchmarks
    #[command(hide = true)]
    Generate(generate::Args),
}

/// Parse the process's arguments and run the command.
///
/// A reader that stops reading (`concord units | head -1`) ends the command
/// quietly with status 0: Rust's `println!` panics on a closed pipe, and
/// that panic is caught here rather than reported as a crash (exit 101).
/// Any other panic is a bug: its message is printed and the status is 2,
/// so no command exits with other than 0, 1 or 2.
pub fn run() -> ExitCode {
    // Read objects as git does: without hashing each one again on every
    // read (libgit2's default, which was a quarter of a sync's time on a
    // large study). `git fsck` still checks them; objects concord writes
    // are still checked as they are made (strict object creation stays on).
    git2::opts::strict_hash_verification(false);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_closed_pipe(info.payload()) {
            previous(info);
        }
    }));
    match std::panic::catch_unwind(run_parsed) {
        Ok(code) => code,
        Err(payload) if is_closed_pipe(payload.as_ref()) => ExitCode::from(exit::OK),
        Err(_) => ExitCode::from(exit::CANNOT_RUN),
    }
}

/// Whether a panic is `print!` failing on a closed pipe (EPIPE).
fn is_closed_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    text.starts_with("failed printing to std") && text.contains("Broken pipe")
}

fn run_parsed() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::CANNOT_RUN
            } else {
                exit::OK
            });
        }
    };
    let result = match cli.command {
        None => review::run(cli.review),
        Some(command) => run_command(command),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("concord: {e}");
            ExitCode::from(exit::CANNOT_RUN)
        }
    }
}

fn run_command(command: Command) -> Result<u8, crate::repo::RepoError> {
    match command {
        Command::Check(a) => check::run(a),
        Command::Status(a) => status::run(a),
        Command::Init(a) => init::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Units(a) => units::run(a),
        Command::Decide(a) => decide::run(a),
        Command::Discuss(a) => discuss::run(a),
        Command::Undo(a) => undo::run(a),
        Command::Agreement(a) => agreement::run(a),
        Command::Report(a) => report::run(a),
        Command::History(a) => history::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Import(a) => import::run(a),
        Command::Export(a) => export::run(a),
        Command::Completions(a) => completions::run(a),
        Command::Man => completions::run_man(),
        Command::Code(a) => code::run(a),
        Command::Reanchor(a) => reanchor::run(a),
        Command::Sync(a) => sync::run(a),
        Command::Clone(a) => clone::run(a),
        Command::Generate(a) => generate::run(a),
    }
}
