//! `concord init [PATH]`: a new, empty study.

use std::path::PathBuf;

use crate::cli::exit;
use crate::repo::RepoError;
use crate::repo::git;
use crate::repo::write::write_new;
use crate::study::files::{CODEBOOK_DIR, CODINGS_DIR, DECISIONS_DIR, MANIFEST, TRANSCRIPTS_DIR};

/// The long help of `concord init --help`.
pub const LONG_ABOUT: &str = "Start a new, empty study in PATH (default: the current folder): a concord.toml with \
placeholders to fill in, empty codebook/, transcripts/, codings/ and decisions/ folders, and a \
.gitattributes that lets git merge two reviewers' decision logs. Runs `git init` when PATH is not \
inside a git repository yet. Refuses to touch a folder that already holds a study.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to create the study (created if missing)
    pub path: Option<PathBuf>,
    /// The team's remote (a bare repository on a server, or a Git host's
    /// empty repository), added as `origin`; `concord sync` publishes to it
    #[arg(long, value_name = "URL")]
    pub remote: Option<String>,
}

/// What git needs to merge decision logs: appending reviewers never
/// conflict, both lines are kept (see docs/format.md).
pub const GITATTRIBUTES: &str = "decisions/*.jsonl merge=union\n";

pub fn manifest_template(study_name: &str) -> String {
    let name = study_name.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"# The concord study manifest. Format: docs/format.md in concord's repository.

[study]
name = "{name}"

# One [[coder]] table per coder. `id` names the coder's folder under codings/.
[[coder]]
id = "coder-a"
name = "Coder A"

[[coder]]
id = "coder-b"
name = "Coder B"

[agreement]
# Segment-level agreement (as in MAXQDA): two excerpts with the same code
# match when their overlap is at least this share of their union.
segment_overlap = 0.9
"#
    )
}

/// `git remote add origin URL`, refused when the repository has an origin already.
fn add_origin(root: &std::path::Path, url: &str) -> Result<(), RepoError> {
    let repo = git::discover(root).ok_or_else(|| {
        RepoError::Refused(format!("{} is not in a git repository", root.display()))
    })?;
    if let Ok(existing) = repo.find_remote("origin") {
        return Err(RepoError::Refused(format!(
            "the repository has a remote origin already ({}); the study was created, the remote left as it was",
            existing.url().unwrap_or("?")
        )));
    }
    repo.remote("origin", url)?;
    Ok(())
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let write_err = |source| RepoError::Write {
        path: root.clone(),
        source,
    };
    if root.join(MANIFEST).exists() {
        return Err(RepoError::Refused(format!(
            "{} already holds a study ({MANIFEST} exists); nothing was changed",
            root.display()
        )));
    }
    std::fs::create_dir_all(&root).map_err(write_err)?;
    let name = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "New study".into());
    // Check every file first, so that a refusal leaves nothing half made.
    for f in [MANIFEST, ".gitattributes"] {
        if root.join(f).exists() {
            return Err(RepoError::Refused(format!(
                "{} exists already; nothing was changed",
                root.join(f).display()
            )));
        }
    }
    let created_repo = match git::discover(&root) {
        Some(_) => false,
        None => {
            git::init(&root)?;
            true
        }
    };
    for dir in [CODEBOOK_DIR, TRANSCRIPTS_DIR, CODINGS_DIR, DECISIONS_DIR] {
        let d = root.join(dir);
        std::fs::create_dir_all(&d).map_err(write_err)?;
        // git keeps no empty folder; the marker keeps the layout in a clone.
        let keep = d.join(".gitkeep");
        if !keep.exists() {
            std::fs::write(&keep, "").map_err(write_err)?;
        }
    }
    write_new(&root.join(".gitattributes"), GITATTRIBUTES.as_bytes())?;
    write_new(&root.join(MANIFEST), manifest_template(&name).as_bytes())?;
    println!("Created an empty study in {}", root.display());
    if created_repo {
        println!(
            "Initialised a git repository there (branch {}).",
            git::INITIAL_BRANCH
        );
    }
    if let Some(url) = &args.remote {
        add_origin(&root, url)?;
        println!("Added the remote origin: {url}");
    }
    println!(
        "Next: edit {MANIFEST} (study name, coders), add code files under {CODEBOOK_DIR}/, \
transcripts as {TRANSCRIPTS_DIR}/<id>.txt, then `concord check` and commit{}.",
        if args.remote.is_some() {
            "; `concord sync` then publishes the study for the team"
        } else {
            ""
        }
    );
    Ok(exit::OK)
}
