use std::path::PathBuf;

/// Why the effects layer could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error(
        "no concord study found at {0} or in any folder above it (a study is a folder with a concord.toml)"
    )]
    NoStudy(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("{0}")]
    Refused(String),
}
