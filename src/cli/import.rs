//! `concord import FILE [--into PATH] [--coder USER=ID ...] [--replace]`:
//! a REFI-QDA project (`.qdpx`) or codebook (`.qdc`) into a study, as one
//! git commit.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::cli::exit;
use crate::cli::init::GITATTRIBUTES;
use crate::interop::InteropError;
use crate::interop::exchange::read_exchange_file;
use crate::interop::import::{Options, Plan, plan};
use crate::repo::RepoError;
use crate::repo::git::{self, Person};
use crate::repo::locate::find_study_root;
use crate::repo::read::read_study;
use crate::repo::write::write_atomically;
use crate::study::files::{CODEBOOK_DIR, CODINGS_DIR, DECISIONS_DIR, MANIFEST, TRANSCRIPTS_DIR};
use crate::study::text::printable;
use crate::study::{self, StudyFiles};

pub const LONG_ABOUT: &str = "Bring a project or codebook exported by ATLAS.ti, MAXQDA, NVivo, QualCoder, qc \
or another REFI-QDA tool into a study.\n\n\
A .qdpx project brings its codebook (code tree, names, colours, descriptions), its plain-text sources \
as transcripts, and its coded selections as codings, each assigned to the coder of the user who made it. \
A .qdc codebook brings the codebook alone.\n\n\
Into an existing study, an import adds: a source whose text is already a transcript is matched to it, \
codes are matched by their REFI-QDA GUID and then by their path of names, and each user's codings are \
added for their coder. So when each coder exports their own project from the same transcripts, import \
one file after the other and the study has both coders. When --into names a folder without a study, a new one is created \
there (with a git repository if there is none).\n\n\
Line ends: transcripts are stored with LF line ends; when a source has CRLF line ends concord works out \
from the selections whether the tool counted CRLF as one character or two and shifts the positions \
to match, and says so. Pictures, PDFs, audio and video are skipped with a line each.\n\n\
The import is one git commit, authored by you (git's user.name and user.email), whose message says what \
came in. Everything is checked in memory first: if anything is wrong, nothing is written.";

pub const AFTER_HELP: &str = "Examples:\n  concord import coder-a.qdpx --into my-study\n  concord import coder-b.qdpx --into my-study --coder \"Tom Becker=coder-b\"\n  concord import codebook.qdc\n\n\
Exit status: 0 imported, 2 nothing was imported (the message says why). The mapping: docs/interop.md.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The .qdpx project or .qdc codebook to import
    pub file: PathBuf,
    /// The study to import into (default: the study around the current folder); created if it has no study yet
    #[arg(long, value_name = "PATH")]
    pub into: Option<PathBuf>,
    /// Put the codings of the file's user USER (name, id or GUID) under coder ID; repeatable
    #[arg(long, value_name = "USER=ID", value_parser = parse_coder)]
    pub coder: Vec<(String, String)>,
    /// Replace a coder's codings of a transcript the study already has (default: refuse)
    #[arg(long)]
    pub replace: bool,
    /// The study's name, when the import creates the study (default: the project's name)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The user (name, id or GUID) whose codings are a reconciled result, not a coder's: they are not imported as a coder (concord's own "Consensus" user is always recognised)
    #[arg(long, value_name = "NAME")]
    pub consensus_user: Option<String>,
    /// Print the report as one JSON object (what came in, what matched, and every kind of element not imported, counted) instead of lines
    #[arg(long)]
    pub json: bool,
}

fn parse_coder(s: &str) -> Result<(String, String), String> {
    match s.rsplit_once('=') {
        Some((user, id)) if !user.is_empty() && !id.is_empty() => {
            Ok((user.to_string(), id.to_string()))
        }
        _ => Err("write it as USER=ID, for example --coder \"Ann Lee=coder-a\"".into()),
    }
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let refused = |e: InteropError| RepoError::Refused(format!("{e}; nothing was imported"));
    let (project, entries) = read_exchange_file(&args.file).map_err(refused)?;
    let shown = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());

    // The study: the one around --into (or here), else a new one at --into.
    let start = args.into.clone().unwrap_or_else(|| PathBuf::from("."));
    let (root, creating) = match start.exists().then(|| find_study_root(&start, false)) {
        Some(Ok(root)) => (root, false),
        _ if args.into.is_some() => (start.clone(), true),
        Some(Err(e)) => return Err(no_study(e)),
        None => return Err(no_study(RepoError::NoStudy(start.clone()))),
    };
    let files = if creating {
        StudyFiles::default()
    } else {
        read_study(&root)?
    };
    let before = study::check(&files);
    let options = Options {
        coder_map: args.coder.clone(),
        replace: args.replace,
        study_name: args.name.clone(),
        consensus_user: args.consensus_user.clone(),
    };
    let mut plan =
        plan(&shown, &project, &entries, &files, &before.study, &options).map_err(refused)?;
    if creating {
        plan.writes
            .insert(".gitattributes".into(), GITATTRIBUTES.as_bytes().to_vec());
        for dir in [CODEBOOK_DIR, TRANSCRIPTS_DIR, CODINGS_DIR, DECISIONS_DIR] {
            plan.writes.insert(format!("{dir}/.gitkeep"), Vec::new());
        }
    }
    let nothing = plan.report.codes_added == 0
        && plan.report.sources_added == 0
        && plan.report.codings_total() == 0
        && plan.removes.is_empty()
        && !plan.writes.contains_key(MANIFEST)
        && !plan.writes.contains_key(crate::study::cases::CASES_FILE);
    if !args.json {
        for line in &plan.report.lines {
            println!("{}", printable(line));
        }
    }
    if nothing {
        if args.json {
            print_json(&plan, false);
        } else {
            println!("Nothing new to import; the study is unchanged.");
        }
        return Ok(exit::OK);
    }

    // The study as it would be: every problem the import would bring is a refusal.
    let mut after = files.clone();
    for (p, b) in &plan.writes {
        after.insert(p.clone(), b.clone());
    }
    for p in &plan.removes {
        after.files.remove(p);
    }
    let was: BTreeSet<String> = before.problems.iter().map(|p| p.to_string()).collect();
    let checked = study::check(&after);
    let new: Vec<String> = checked
        .problems
        .iter()
        .map(|p| p.to_string())
        .filter(|p| !was.contains(p))
        .collect();
    if !new.is_empty() {
        for p in &new {
            eprintln!("{}", printable(p));
        }
        return Err(RepoError::Refused(format!(
            "importing {shown} would leave {} problem(s) in the study (listed above); nothing was imported",
            new.len()
        )));
    }

    // Who commits, before anything is written.
    let repo = git::discover(&root);
    let who = match &repo {
        Some(r) => git::configured_identity(r),
        None => default_identity(),
    }
    .ok_or_else(|| {
        RepoError::Refused(
            "git does not know who you are, and the import's commit needs an author; nothing was imported. \
Run: git config --global user.name \"Your Name\" && git config --global user.email you@example.org"
                .into(),
        )
    })?;
    if let Some(r) = &repo {
        refuse_uncommitted(r, &root, &plan)?;
    }
    let repo = match repo {
        Some(r) => r,
        None => {
            std::fs::create_dir_all(&root).map_err(|source| RepoError::Write {
                path: root.clone(),
                source,
            })?;
            git::init(&root)?
        }
    };
    write_and_commit(&repo, &root, &files, &plan, &who, &message(&shown, &plan))?;
    if args.json {
        print_json(&plan, true);
        return Ok(exit::OK);
    }
    let r = &plan.report;
    let coders: Vec<String> = r
        .codings
        .iter()
        .map(|(c, n)| format!("{n} for {c}"))
        .collect();
    println!(
        "Imported {shown} into {}: {} new transcript(s), {} matched, {} skipped; {} new code(s), {} matched; {} coding(s){}{}.",
        root.display(),
        r.sources_added,
        r.sources_matched,
        r.sources_skipped,
        r.codes_added,
        r.codes_matched,
        r.codings_total(),
        if coders.is_empty() {
            String::new()
        } else {
            format!(" ({})", coders.join(", "))
        },
        if r.codings_missed > 0 {
            format!("; {} coding(s) not imported (see above)", r.codings_missed)
        } else {
            String::new()
        }
    );
    println!("Committed as one commit by {who}. Next: concord check, concord status.");
    Ok(exit::OK)
}

/// `{"imported": bool, "report": {...}}` on standard output.
fn print_json(plan: &Plan, imported: bool) {
    let value = serde_json::json!({ "imported": imported, "report": plan.report });
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

fn no_study(e: RepoError) -> RepoError {
    RepoError::Refused(format!(
        "{e}; nothing was imported. To create a new study from the file, name its folder: --into NEW-FOLDER"
    ))
}

/// The identity from the user's global git configuration (no repository yet).
fn default_identity() -> Option<Person> {
    let config = git2::Config::open_default().ok()?;
    let name = config.get_string("user.name").ok()?;
    let email = config.get_string("user.email").ok()?;
    Some(Person::new(name, email))
}

/// Path of a study file relative to the repository's working folder.
fn repo_relative(repo: &git2::Repository, root: &Path, rel: &str) -> PathBuf {
    let abs = root.join(rel);
    let workdir = repo.workdir().and_then(|w| w.canonicalize().ok());
    let base = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match workdir {
        Some(w) => base.strip_prefix(&w).map(|r| r.join(rel)).unwrap_or(abs),
        None => abs,
    }
}

/// A file the import would overwrite must not hold uncommitted work.
fn refuse_uncommitted(repo: &git2::Repository, root: &Path, plan: &Plan) -> Result<(), RepoError> {
    for p in plan.writes.keys().chain(plan.removes.iter()) {
        if !root.join(p).exists() {
            continue;
        }
        let rel = repo_relative(repo, root, p);
        let status = repo.status_file(&rel).unwrap_or(git2::Status::CURRENT);
        if !(status.is_empty() || status == git2::Status::IGNORED) {
            return Err(RepoError::Refused(format!(
                "{p} has changes that are not committed, and the import would change it; nothing was imported. Commit or stash them first"
            )));
        }
    }
    Ok(())
}

fn write_and_commit(
    repo: &git2::Repository,
    root: &Path,
    old: &StudyFiles,
    plan: &Plan,
    who: &Person,
    message: &str,
) -> Result<(), RepoError> {
    let mut done: Vec<&str> = Vec::new();
    let result = (|| {
        for (p, bytes) in &plan.writes {
            write_atomically(&root.join(p), bytes)?;
            done.push(p);
        }
        for p in &plan.removes {
            std::fs::remove_file(root.join(p)).map_err(|source| RepoError::Write {
                path: root.join(p),
                source,
            })?;
            done.push(p);
        }
        let mut index = repo.index()?;
        for p in &plan.removes {
            index.remove_path(&repo_relative(repo, root, p))?;
        }
        index.write()?;
        let paths: Vec<PathBuf> = plan
            .writes
            .keys()
            .map(|p| repo_relative(repo, root, p))
            .collect();
        git::commit_paths(repo, &paths, who, None, message)?;
        Ok(())
    })();
    if result.is_err() {
        // Put back what was there: the study is as it was before.
        for p in done {
            let path = root.join(p);
            match old.get(p) {
                Some(bytes) => {
                    let _ = write_atomically(&path, bytes);
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        if let Ok(mut index) = repo.index() {
            let _ = index.read(true);
        }
    }
    result
}

fn message(shown: &str, plan: &Plan) -> String {
    let r = &plan.report;
    let coders: Vec<String> = r
        .codings
        .iter()
        .map(|(c, n)| format!("{n} by {c}"))
        .collect();
    let mut m = format!(
        "Import {shown}: {} transcript(s), {} code(s), {} coding(s){}",
        r.sources_added,
        r.codes_added,
        r.codings_total(),
        if coders.is_empty() {
            String::new()
        } else {
            format!(" ({})", coders.join(", "))
        }
    );
    if !r.lines.is_empty() {
        m.push_str("\n\n");
        m.push_str(&r.lines.join("\n"));
    }
    m.push('\n');
    m
}
