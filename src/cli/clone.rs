//! `concord clone URL [DIR]`: a team member's first day: a clone of the
//! study through the system `git` (their SSH and credential set-up apply).

use std::path::{Path, PathBuf};

use crate::cli::exit;
use crate::repo::RepoError;
use crate::repo::remote;
use crate::study::files::MANIFEST;

pub const LONG_ABOUT: &str = "Clone a study from the team's remote (a server over SSH, or a Git host) into DIR \
(default: the repository's name). Runs the system `git clone`, so ~/.ssh/config, ssh-agent, known_hosts \
and credential helpers apply; an unknown SSH host key is an error, never accepted. Then open the study \
with `concord DIR` and share your decisions with `concord sync`.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The remote's address (git@host:lab/study.git, ssh://host/path, https://..., a path)
    pub url: String,
    /// Where to clone to (default: the name at the end of URL)
    pub dir: Option<PathBuf>,
}

/// The folder name git would pick: the last part of the address without `.git`.
fn default_dir(url: &str) -> PathBuf {
    let trimmed = url.trim_end_matches('/');
    let last = trimmed
        .rsplit(['/', ':'])
        .next()
        .unwrap_or(trimmed)
        .trim_end_matches(".git");
    PathBuf::from(if last.is_empty() { "study" } else { last })
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let dir = args.dir.unwrap_or_else(|| default_dir(&args.url));
    if dir.exists() && std::fs::read_dir(&dir).map_or(true, |mut d| d.next().is_some()) {
        return Err(RepoError::Refused(format!(
            "{} exists and is not empty; give another folder",
            dir.display()
        )));
    }
    remote::clone(Path::new("."), &args.url, &dir)?;
    println!("Cloned {} into {}", args.url, dir.display());
    let study = if dir.join(MANIFEST).is_file() {
        Some(dir.clone())
    } else {
        // A study in a subfolder: the one folder with a manifest.
        std::fs::read_dir(&dir).ok().and_then(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .find(|p| p.join(MANIFEST).is_file())
        })
    };
    match study {
        Some(s) => {
            println!(
                "Next: concord {} opens the review screen; concord sync shares your decisions.",
                s.display()
            );
            Ok(exit::OK)
        }
        _ => {
            eprintln!(
                "concord: {} has no {MANIFEST}: the clone is there, but it holds no concord study",
                dir.display()
            );
            Ok(exit::PROBLEMS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_from_addresses() {
        assert_eq!(
            default_dir("git@github.com:lab/iem-study.git"),
            PathBuf::from("iem-study")
        );
        assert_eq!(
            default_dir("ssh://lab/srv/git/iem.git/"),
            PathBuf::from("iem")
        );
        assert_eq!(default_dir("lab:iem"), PathBuf::from("iem"));
    }
}
