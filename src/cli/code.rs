//! `concord code [PATH] [--coder ID]`: the coding screen for one coder.

use std::path::{Path, PathBuf};

use crate::cli::exit;
use crate::repo::RepoError;
use crate::repo::git::{self, Person};
use crate::repo::locate::find_study_root;
use crate::repo::read::read_study;
use crate::study::{self, Coder};
use crate::tui::code::runtime::{self, CodeSession};

pub const LONG_ABOUT: &str = "Code transcripts in the terminal. The coding screen shows a transcript with your \
codings as coloured stripes in a margin and as highlighted text, and the codebook beside it. Select a span by \
keyboard (v, then move by character, word, sentence or speaker turn; Enter on a turn takes the whole turn) or \
by dragging the mouse, and apply codes from the fuzzy picker; add a memo, adjust a coding's boundaries, change \
its code, delete it, undo. Every change is written to codings/<coder>/<transcript>.jsonl and committed, \
authored by you (one commit per change, or per batch: B). With blind coding (the default; [coding] blind = false \
in concord.toml turns it off) you see only your own codings of a transcript until you mark it done (D). \
Press ? in the screen for every key.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// Which coder you are (an id of concord.toml's [[coder]]; default: matched from git's user.name or user.email)
    #[arg(long, value_name = "ID")]
    pub coder: Option<String>,
}

const WITHOUT_TERMINAL: &str =
    "the coding screen needs a terminal (standard input and output are not one here)";

pub fn run(args: Args) -> Result<u8, RepoError> {
    let cwd = std::env::current_dir().map_err(|source| RepoError::Read {
        path: PathBuf::from("."),
        source,
    })?;
    let root = find_study_root(args.path.as_deref().unwrap_or(&cwd), args.path.is_some())?;
    open(&root, args.coder.as_deref())
}

fn open(root: &Path, coder: Option<&str>) -> Result<u8, RepoError> {
    let files = read_study(root)?;
    let loaded = study::check(&files);
    let study = loaded.study;
    let coders = study.coders().to_vec();
    let listed = coders
        .iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if coders.is_empty() {
        return Err(RepoError::Refused(
            "concord.toml lists no coders: add a [[coder]] table with id and name for each (docs/format.md)".into(),
        ));
    }
    let repo = git::discover(root).ok_or_else(|| {
        RepoError::Refused(format!(
            "{} is not in a git repository: every coding is a commit (git init, then commit the study)",
            root.display()
        ))
    })?;
    let identity = git::configured_identity(&repo);
    let chosen: Coder = match coder {
        Some(id) => coders.iter().find(|c| c.id == id).cloned().ok_or_else(|| {
            RepoError::Refused(format!("--coder {id:?} is not a coder of concord.toml (coders: {listed})"))
        })?,
        None => identity
            .as_ref()
            .and_then(|p| match_coder(&coders, p))
            .ok_or_else(|| {
                let who = identity.as_ref().map_or("git has no user.name".to_string(), |p| format!("git says you are {p}"));
                RepoError::Refused(format!(
                    "concord does not know which coder you are ({who}, which matches no coder of concord.toml): pass --coder ID (one of {listed}), or set git config user.name to your name as concord.toml writes it"
                ))
            })?,
    };
    if !runtime_terminal() {
        eprintln!("concord: {WITHOUT_TERMINAL}");
        return Ok(exit::CANNOT_RUN);
    }
    // The coder authors the commits: their git identity when it is theirs.
    let author = match &identity {
        Some(p) if match_coder(&coders, p).is_some_and(|c| c.id == chosen.id) => p.clone(),
        Some(p) => Person::new(chosen.name.clone(), p.email.clone()),
        None => Person::new(chosen.name.clone(), format!("{}@localhost", chosen.id)),
    };
    // A change a kill left committed but not in the working file (or the
    // index) is put in step before anything is shown, and the coder told.
    let notices = crate::repo::recover::recover_interrupted(root, &author)?;
    let study = if notices.is_empty() {
        study
    } else {
        study::check(&read_study(root)?).study
    };
    runtime::run(CodeSession {
        root: root.to_path_buf(),
        study,
        notices,
        coder: chosen.id.clone(),
        author,
    })?;
    Ok(exit::OK)
}

fn runtime_terminal() -> bool {
    crate::tui::runtime::has_terminal()
}

/// The coder whose name or id is git's user.name, or whose id is the
/// part of user.email before the `@`.
fn match_coder(coders: &[Coder], who: &Person) -> Option<Coder> {
    let name = who.name.trim().to_lowercase();
    let local = who.email.split('@').next().unwrap_or("").to_lowercase();
    coders
        .iter()
        .find(|c| c.name.to_lowercase() == name || c.id.to_lowercase() == name)
        .or_else(|| coders.iter().find(|c| c.id.to_lowercase() == local))
        .cloned()
}
