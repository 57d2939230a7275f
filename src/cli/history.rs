//! `concord history [PATH] [--code ID] [--json]`: how the codebook changed,
//! commit by commit, newest first, in the researcher's words.

use std::path::PathBuf;

use serde::Serialize;

use crate::cli::exit;
use crate::history::CodeChange;
use crate::repo::RepoError;
use crate::repo::at_commit;
use crate::repo::history::{CommitInfo, Walker};
use crate::study::text::printable;

pub const LONG_ABOUT: &str = "The codebook's history, read from git: one entry per commit that changed \
codebook/, newest first, with its commit, author, date and message, and what happened to which code: \
added, removed, renamed, moved (to another parent), definition changed, \"when to use\" / \"when not to \
use\" / examples changed, colour changed. A code is followed across renames and moves by its id; \
--code ID gives one code's whole life.\n\n\
Works from the commits themselves (no checkout): on a working tree with uncommitted changes, and on a \
bare clone (give its folder as PATH). See also concord diff and concord agreement --trend.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder, or a bare clone (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// Only this code's changes: its whole life, followed by its id
    #[arg(long, value_name = "ID")]
    pub code: Option<String>,
    /// Print one JSON object: {"entries": [{"commit", "short", "author", "email", "date", "message", "codes": [...]}]}
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Entry {
    #[serde(flatten)]
    commit: CommitInfo,
    codes: Vec<CodeChange>,
}

#[derive(Serialize)]
struct Output {
    entries: Vec<Entry>,
}

/// Above this many codes added in one commit, the text lists a count.
const MANY: usize = 8;

pub fn run(args: Args) -> Result<u8, RepoError> {
    let gs = at_commit::open(args.path.as_deref())?;
    let mut walker = Walker::new(&gs);
    let records = walker.walk(false, &mut |_, _| {})?;
    let mut entries: Vec<Entry> = records
        .into_iter()
        .rev()
        .filter_map(|r| {
            let mut codes = r.codebook?;
            if let Some(id) = &args.code {
                codes.retain(|c| &c.code == id);
            }
            (!codes.is_empty() || args.code.is_none()).then_some(Entry {
                commit: r.info,
                codes,
            })
        })
        .collect();
    if let Some(id) = &args.code {
        if entries.is_empty() {
            return Err(RepoError::Refused(format!(
                "no code {id:?} in the codebook's history (concord history lists every code that changed)"
            )));
        }
    }
    entries.retain(|e| !e.codes.is_empty() || args.code.is_none());
    if args.json {
        let out = Output { entries };
        crate::cli::json::print_pretty(&out)?;
        return Ok(exit::OK);
    }
    if entries.is_empty() {
        println!("No commit has changed the codebook yet.");
        return Ok(exit::OK);
    }
    let mut out = String::new();
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}  {}  {} <{}>\n    {}\n",
            e.commit.short,
            e.commit.date.replacen('T', " ", 1),
            printable(&e.commit.author),
            printable(&e.commit.email),
            printable(e.commit.summary())
        ));
        let added = e.codes.iter().filter(|c| c.kinds() == ["added"]).count();
        let collapse = added > MANY && args.code.is_none();
        if collapse {
            out.push_str(&format!(
                "    · {added} codes added (concord history --code ID shows one code's life)\n"
            ));
        }
        for c in &e.codes {
            if collapse && c.kinds() == ["added"] {
                continue;
            }
            out.push_str(&format!(
                "    · {} `{}`: {}\n",
                printable(&c.name),
                printable(&c.code),
                printable(&c.summary.join("; "))
            ));
        }
    }
    print!("{out}");
    Ok(exit::OK)
}
