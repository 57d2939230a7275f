//! `concord diff [PATH] REV1 [REV2] [--code ID] [--json]`: the codebook
//! between two revisions (default: REV1 and the working tree), each changed
//! code's fields with a word-level diff.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::cli::exit;
use crate::history::words::marked;
use crate::history::{CodeChange, Op, Piece, diff_codebooks, word_diff};
use crate::repo::RepoError;
use crate::repo::at_commit::{self, GitStudy};
use crate::repo::history::{Walker, commit_info};
use crate::repo::read::read_study;
use crate::study::files::CODEBOOK_DIR;
use crate::study::load::load;
use crate::study::text::printable;
use crate::study::{Codebook, StudyFiles};

pub const LONG_ABOUT: &str = "The codebook between two revisions: every code that was added, removed, \
renamed, moved or redefined, with each changed field (definition, when to use, when not to use, \
examples, name, parent, colour) as a word-level diff. REV1 and REV2 are anything git names a commit \
by (HEAD~3, a branch, a tag, a hash); without REV2 the working tree, uncommitted edits included. \
When two arguments are given and the first is an existing folder, it is the study's PATH.\n\n\
In a terminal, removed words are red and added words green (not with NO_COLOR); otherwise they are \
marked [-removed-] and {+added+}, as git diff --word-diff does. --json gives the same as data, each \
text change with its \"words\": [{\"op\": \"same\"|\"removed\"|\"added\", \"text\"}].";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// [PATH] REV1 [REV2]: the study folder (optional), the older revision, the newer one (default: the working tree)
    #[arg(value_name = "[PATH] REV1 [REV2]", num_args = 1..=3, required = true)]
    pub args: Vec<String>,
    /// Only this code
    #[arg(long, value_name = "ID")]
    pub code: Option<String>,
    /// Print one JSON object: {"from", "to", "codes": [...]}
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let (path, rev1, rev2) = match args.args.as_slice() {
        [a] => (None, a.clone(), None),
        [a, b] if Path::new(a).is_dir() => (Some(PathBuf::from(a)), b.clone(), None),
        [a, b] => (None, a.clone(), Some(b.clone())),
        [p, a, b] => (Some(PathBuf::from(p)), a.clone(), Some(b.clone())),
        _ => {
            return Err(RepoError::Refused(
                "give REV1, and optionally PATH before it and REV2 after it".into(),
            ));
        }
    };
    let gs = at_commit::open(path.as_deref())?;
    let from_commit = gs.resolve(&rev1)?;
    let to_commit = rev2.as_deref().map(|r| gs.resolve(r)).transpose()?;
    let mut walker = Walker::new(&gs);
    let old = walker.codebook_at(from_commit)?;
    let new = match to_commit {
        Some(c) => walker.codebook_at(c)?,
        None => working_codebook(&gs)?,
    };
    let mut codes = diff_codebooks(&old, &new);
    if let Some(id) = &args.code {
        if old.get(id).is_none() && new.get(id).is_none() {
            return Err(RepoError::Refused(format!(
                "no code {id:?} in either revision's codebook"
            )));
        }
        codes.retain(|c| &c.code == id);
    }
    let side = |rev: &str, commit: Option<git2::Oid>| -> Result<Value, RepoError> {
        Ok(match commit {
            Some(oid) => {
                let info = commit_info(&gs.repo.find_commit(oid)?);
                let mut v = serde_json::to_value(&info).unwrap_or(Value::Null);
                v["revision"] = json!(rev);
                v
            }
            None => json!({"revision": "working tree", "commit": null}),
        })
    };
    let from = side(&rev1, Some(from_commit))?;
    let to = side(rev2.as_deref().unwrap_or("working tree"), to_commit)?;
    if args.json {
        let out = json!({
            "from": from,
            "to": to,
            "codes": codes.iter().map(code_json).collect::<Vec<_>>(),
        });
        crate::cli::json::print_pretty(&out)?;
        return Ok(exit::OK);
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let label = |v: &Value| match v["short"].as_str() {
        Some(s) => format!("{} ({s})", v["revision"].as_str().unwrap_or("")),
        None => "the working tree".to_string(),
    };
    let mut out = format!("Codebook from {} to {}\n", label(&from), label(&to));
    if codes.is_empty() {
        out.push_str("No code changed.\n");
    }
    for c in &codes {
        out.push_str(&format!(
            "\n{} `{}`\n",
            printable(&c.name),
            printable(&c.code)
        ));
        for (change, said) in c.changes.iter().zip(&c.summary) {
            out.push_str(&format!("  {}\n", printable(said)));
            if let Some((a, b)) = change.texts() {
                out.push_str(&format!("    {}:\n", change.field()));
                out.push_str(&indent(&render(&word_diff(a, b), colour), "      "));
                out.push('\n');
            }
        }
    }
    print!("{out}");
    Ok(exit::OK)
}

/// The codebook of the working tree.
fn working_codebook(gs: &GitStudy) -> Result<Codebook, RepoError> {
    let Some(root) = &gs.root else {
        return Err(RepoError::Refused(
            "a bare repository has no working tree: give REV2 as well".into(),
        ));
    };
    let files = read_study(root)?;
    let mut only = StudyFiles::default();
    for (p, b) in files.files {
        if p.starts_with(&format!("{CODEBOOK_DIR}/")) {
            only.files.insert(p, b);
        }
    }
    Ok(load(&only).study.codebook)
}

fn code_json(c: &CodeChange) -> Value {
    let changes: Vec<Value> = c
        .changes
        .iter()
        .zip(&c.summary)
        .map(|(ch, said)| {
            let mut v = serde_json::to_value(ch).unwrap_or(Value::Null);
            v["summary"] = json!(said);
            if let Some((a, b)) = ch.texts() {
                v["words"] = serde_json::to_value(word_diff(a, b)).unwrap_or(Value::Null);
            }
            v
        })
        .collect();
    json!({
        "code": c.code,
        "name": c.name,
        "file_before": c.before.as_ref().map(|b| b.file.clone()),
        "file_after": c.after.as_ref().map(|a| a.file.clone()),
        "changes": changes,
    })
}

/// The diff for a terminal (colours) or anything else (`[-` `-]` `{+` `+}`),
/// study text made printable line by line.
fn render(pieces: &[Piece], colour: bool) -> String {
    let safe = |s: &str| -> String { s.split('\n').map(printable).collect::<Vec<_>>().join("\n") };
    if !colour {
        let safe_pieces: Vec<Piece> = pieces
            .iter()
            .map(|p| Piece {
                op: p.op,
                text: safe(&p.text),
            })
            .collect();
        return marked(&safe_pieces);
    }
    let mut out = String::new();
    for p in pieces {
        let (on, off) = match p.op {
            Op::Same => ("", ""),
            Op::Removed => ("\x1b[31;9m", "\x1b[0m"),
            Op::Added => ("\x1b[32;4m", "\x1b[0m"),
        };
        // Colour per line, so a line break never carries a colour over.
        let lines: Vec<String> = safe(&p.text)
            .split('\n')
            .map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("{on}{l}{off}")
                }
            })
            .collect();
        out.push_str(&lines.join("\n"));
    }
    out
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
