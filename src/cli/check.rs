//! `concord check [PATH]`: every problem of a study, at once.

use std::path::PathBuf;

use crate::cli::exit;
use crate::cli::study_arg;
use crate::repo::RepoError;
use crate::study::text::printable;

/// The long help of `concord check --help`.
pub const LONG_ABOUT: &str = "Check a study and list every problem at once, one per line, as\n\n    file:line:column: what is wrong — what to do\n\n\
which editors and terminals can jump to. Checks the manifest, each code file's front matter, \
that transcripts are UTF-8 with LF line ends, that every coding names a known code, lies inside \
its transcript and quotes it exactly, that ids are unique, and that decisions refer to codings that exist.";

pub const AFTER_HELP: &str = "Exit status: 0 no problems, 1 problems found, 2 could not run (no study found, unreadable folder).";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let reads = crate::repo::read::FileReads::default();
    let open = study_arg::open_cached(args.path.as_deref(), &reads)?;
    // Decision conflicts are review work, not broken files: counted, not failed.
    let (problems, conflicts): (Vec<crate::study::Problem>, usize) =
        open.study.derived_by("problems", || {
            let decisions = &open.study.whole().decisions;
            // No decision, no conflict: the units are not needed.
            let conflicts = if decisions.iter().all(|f| f.decisions.is_empty()) {
                0
            } else {
                // Only units decisions name can be in conflict: those of
                // the reviewed transcripts suffice.
                let units = open.study.units_for_standings();
                crate::review::standings(&units, decisions)
                    .values()
                    .filter(|s| matches!(s, crate::review::Standing::Conflict(_)))
                    .count()
            };
            (open.study.problems(), conflicts)
        });
    for p in &problems {
        // File names and messages carry study text: never let it drive the terminal.
        println!("{}", printable(&p.display_with_prefix(&open.shown)));
    }
    let where_ = if open.shown.is_empty() {
        "."
    } else {
        &open.shown
    };
    if conflicts > 0 {
        eprintln!(
            "{where_}: {conflicts} decision conflict{} (two reviewers decided the same unit): settle them in the review screen; list them with concord units --class conflict",
            if conflicts == 1 { "" } else { "s" }
        );
    }
    if problems.is_empty() {
        eprintln!("{where_}: no problems");
        Ok(exit::OK)
    } else {
        let n = problems.len();
        eprintln!("{where_}: {n} problem{}", if n == 1 { "" } else { "s" });
        Ok(exit::PROBLEMS)
    }
}
