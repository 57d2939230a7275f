//! `concord [PATH]`: the review screen on a study.

use std::path::{Path, PathBuf};

use crate::cli::exit;
use crate::repo::RepoError;
use crate::repo::git;
use crate::repo::locate::find_study_root;
use crate::tui::runtime::{self, Session};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// Who is reviewing, as "Name <email>" (default: git's user.name and user.email)
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub reviewer: Option<String>,
}

const WITHOUT_TERMINAL: &str = "the review screen needs a terminal (standard input and output are not one here).
Without a terminal these work: concord check, concord status, concord units, concord agreement, concord init, concord demo (see concord --help).";

pub fn run(args: Args) -> Result<u8, RepoError> {
    let cwd = std::env::current_dir().map_err(|source| RepoError::Read {
        path: PathBuf::from("."),
        source,
    })?;
    let root = find_study_root(args.path.as_deref().unwrap_or(&cwd), args.path.is_some())?;
    open(&root, args.reviewer.as_deref())
}

/// Open the review screen on the study at `root`.
pub fn open(root: &Path, reviewer: Option<&str>) -> Result<u8, RepoError> {
    if !runtime::has_terminal() {
        eprintln!("concord: {WITHOUT_TERMINAL}");
        return Ok(exit::CANNOT_RUN);
    }
    let reviewer = crate::cli::reviewer::reviewer(root, reviewer)?;
    // Before anything is read: a decision a kill left half-recorded is
    // finished or put back, and the reviewer told which.
    let notices = crate::repo::recover::recover_interrupted(root, &reviewer)?;
    let repo = git::discover(root);
    let branch = repo
        .as_ref()
        .and_then(git::branch_name)
        .unwrap_or_else(|| "(not in git)".into());
    let study_name = crate::repo::read::read_regular_file(
        &root.join("concord.toml"),
        crate::repo::read::MAX_FILE_BYTES,
    )
    .ok()
    .and_then(|b| crate::study::parse::manifest::parse_manifest("concord.toml", &b).ok())
    .map(|m| m.study.name)
    .unwrap_or_else(|| root.display().to_string());
    runtime::run(Session {
        root: root.to_path_buf(),
        reviewer,
        study_name,
        branch,
        notices,
    })?;
    Ok(exit::OK)
}
