//! `concord generate` (hidden): write the seeded synthetic study of
//! [`crate::sample::synthetic`] into a new folder, for benchmarks
//! (benches/large_study.sh).

use std::path::PathBuf;

use crate::cli::exit;
use crate::repo::RepoError;
use crate::sample::synthetic::{Params, synthetic_study};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Number of transcripts
    #[arg(long, default_value_t = 1000)]
    pub transcripts: usize,
    /// Characters per transcript (about)
    #[arg(long, default_value_t = 60_000)]
    pub chars: usize,
    /// Number of coders
    #[arg(long, default_value_t = 3)]
    pub coders: usize,
    /// Excerpts (codings) per transcript per coder (about); `--codings` is
    /// the same, for one long transcript (`--transcripts 1 --chars 50000000 --codings 3000`)
    #[arg(long, alias = "codings", default_value_t = 150)]
    pub excerpts: usize,
    /// Seed: the same seed gives the same study, byte for byte
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the study (a new or empty folder)
    #[arg(long)]
    pub path: PathBuf,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    if args.path.exists() && std::fs::read_dir(&args.path).map_or(true, |mut d| d.next().is_some())
    {
        return Err(RepoError::Refused(format!(
            "{} exists and is not an empty folder; give a new one",
            args.path.display()
        )));
    }
    let files = synthetic_study(&Params {
        transcripts: args.transcripts,
        chars: args.chars,
        coders: args.coders.max(1),
        excerpts: args.excerpts,
        seed: args.seed,
    });
    for (rel, bytes) in &files.files {
        let path = args.path.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| RepoError::Write {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, bytes).map_err(|source| RepoError::Write {
            path: path.clone(),
            source,
        })?;
    }
    eprintln!(
        "wrote {} files to {}",
        files.files.len(),
        args.path.display()
    );
    Ok(exit::OK)
}
