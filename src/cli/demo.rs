//! `concord demo [--path DIR]`: the bundled sample study in a new git
//! repository whose history tells the study's story.

use std::path::{Path, PathBuf};

use crate::cli::exit;
use crate::cli::init::GITATTRIBUTES;
use crate::repo::RepoError;
use crate::repo::git::{self, Person, When};
use crate::repo::write::write_atomically;
use crate::sample;
use crate::study::files::{CODEBOOK_DIR, MANIFEST, TRANSCRIPTS_DIR};

/// The long help of `concord demo --help`.
pub const LONG_ABOUT: &str = "Write the bundled sample study (a fictional reconstruction of a focus-group study of \
message-based psychotherapy: 37 codes, 5 transcripts, 2 coders) into a new git repository, with a \
history that tells the study's story: the principal investigator commits the codebook and transcripts, \
each coder commits their codings, and the codebook is later revised. Then opens the review screen \
on it (in a terminal), and prints where the study is.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to write it: a new or empty folder (default: a new temporary folder)
    #[arg(long)]
    pub path: Option<PathBuf>,
    /// Who is reviewing, as "Name <email>" (default: git's identity, else the sample's reviewer)
    #[arg(long, value_name = "NAME <EMAIL>")]
    pub reviewer: Option<String>,
}

/// Who reviews the demo when git does not say: the sample study's PI.
const DEMO_REVIEWER: &str = "Helen Marsh <helen.marsh@example.org>";

/// One commit of the demo's history.
struct Step {
    author: Person,
    /// 2022, fictional; fixed so the demo's history is the same every time.
    when: When,
    message: &'static str,
    /// Which of the sample's files this commit writes (study-relative prefixes).
    parts: &'static [&'static str],
}

fn story() -> Vec<Step> {
    let pi = Person::new("Helen Marsh", "helen.marsh@example.org");
    let coder_a = Person::new("Priya Raman", "priya.raman@example.org");
    let coder_b = Person::new("Tom Becker", "tom.becker@example.org");
    let at = |seconds| When {
        seconds,
        offset_minutes: 60,
    };
    vec![
        Step {
            author: pi.clone(),
            when: at(1_654_070_400), // 2022-06-01
            message: "Start the IEM-DP study: codebook v1 and five focus-group transcripts\n\n\
The codebook reconstructs 10 constructs and 24 subconstructs in three groups\n\
(intrapsychic, interpersonal, external). Transcripts fg1-fg5 are fictional.",
            parts: &[
                MANIFEST,
                ".gitattributes",
                "README.md",
                CODEBOOK_DIR,
                TRANSCRIPTS_DIR,
            ],
        },
        Step {
            author: coder_a,
            when: at(1_655_294_400), // 2022-06-15
            message: "Code fg1-fg5 (coder A)",
            parts: &["codings/coder-a"],
        },
        Step {
            author: coder_b,
            when: at(1_655_467_200), // 2022-06-17
            message: "Code fg1-fg5 (coder B)",
            parts: &["codings/coder-b"],
        },
        Step {
            author: pi,
            when: at(1_656_331_200), // 2022-06-27
            message: "Sharpen maintenance vs recovery self-efficacy\n\n\
The first comparison showed the coders splitting on these two codes. A lapse\n\
(a stop clearly longer than the participant's usual rhythm) now decides\n\
between them, and each definition says so.",
            parts: &[CODEBOOK_DIR],
        },
    ]
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let dir = match args.path {
        Some(p) => {
            refuse_non_empty(&p)?;
            std::fs::create_dir_all(&p).map_err(|source| RepoError::Write {
                path: p.clone(),
                source,
            })?;
            p
        }
        None => tempfile::Builder::new()
            .prefix("concord-demo-")
            .tempdir()
            .map_err(|source| RepoError::Write {
                path: std::env::temp_dir(),
                source,
            })?
            .keep(),
    };
    write_demo(&dir)?;
    // With a terminal, review the sample at once (as the demo's reviewer,
    // unless git or --reviewer says who you are); the path comes after.
    if crate::tui::runtime::has_terminal() {
        let reviewer = args.reviewer.clone().or_else(|| {
            crate::repo::git::discover(&dir)
                .and_then(|r| crate::repo::git::configured_identity(&r))
                .map(|p| p.to_string())
        });
        let reviewer = reviewer.unwrap_or_else(|| DEMO_REVIEWER.to_string());
        crate::cli::review::open(&dir, Some(&reviewer))?;
    }
    println!("{}", dir.display());
    eprintln!(
        "The sample study is in {} (a git repository; see `git log`). Open it again with: concord {0}",
        dir.display()
    );
    Ok(exit::OK)
}

fn refuse_non_empty(p: &Path) -> Result<(), RepoError> {
    match std::fs::read_dir(p) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(RepoError::Refused(format!(
                    "{} is not empty; give a new or empty folder",
                    p.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(RepoError::Read {
            path: p.to_path_buf(),
            source,
        }),
    }
}

/// Write the sample study into `dir` commit by commit.
pub fn write_demo(dir: &Path) -> Result<(), RepoError> {
    let repo = git::init(dir)?;
    let mut files: Vec<(String, Vec<u8>)> = sample::sample_study().files.into_iter().collect();
    files.push((".gitattributes".into(), GITATTRIBUTES.as_bytes().to_vec()));
    let first_versions = sample::first_codebook_versions();
    for (i, step) in story().iter().enumerate() {
        let mut written = Vec::new();
        for (path, bytes) in &files {
            if !step
                .parts
                .iter()
                .any(|p| path == p || path.starts_with(&format!("{p}/")))
            {
                continue;
            }
            // The first commit carries the codebook as it was before the revision.
            let earlier = first_versions.iter().find(|(p, _)| p == path);
            let bytes = match (i, earlier) {
                (0, Some((_, old))) => old,
                (0, None) => bytes,
                _ if path.starts_with(CODEBOOK_DIR) && earlier.is_none() => continue,
                _ => bytes,
            };
            write_atomically(&dir.join(path), bytes)?;
            written.push(PathBuf::from(path));
        }
        git::commit_paths(&repo, &written, &step.author, Some(step.when), step.message)?;
    }
    Ok(())
}
