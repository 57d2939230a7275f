//! `concord status [PATH] [--json]`: what a study holds, at a glance.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::exit;
use crate::cli::study_arg;
use crate::repo::RepoError;
use crate::review::roles::{self, PersonProgress};
use crate::review::standing::{live_decisions, standings};
use crate::study::Study;
use crate::study::text::{printable, shorten};

/// The long help of `concord status --help`.
pub const LONG_ABOUT: &str = "Summarise a study: its name, coders, how many codes there are at each level of the \
codebook (groups, constructs, subconstructs), the transcripts and their length in characters, \
how many excerpts each coder coded in each transcript, and how many decisions are recorded.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// Print one JSON object instead of the table, for scripts
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize, serde::Deserialize)]
struct Report {
    study: String,
    path: String,
    coders: Vec<CoderReport>,
    codes: CodeCounts,
    transcripts: TranscriptCounts,
    decisions: usize,
    /// Review units by class (agreement, boundary, code, omission).
    units: std::collections::BTreeMap<String, usize>,
    /// Per reviewer (concord.toml's [[reviewer]] and anyone else who
    /// decided) and per coder: decided, open, in conflict.
    reviewers: Vec<PersonProgress>,
    review_by_coder: Vec<PersonProgress>,
    problems: usize,
}

impl Report {
    /// The coders as (id, name), in the report's order.
    fn coder_ids(&self) -> Vec<(String, String)> {
        self.coders
            .iter()
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect()
    }
}

#[derive(Serialize, serde::Deserialize)]
struct CoderReport {
    id: String,
    name: String,
    codings: usize,
}

#[derive(Serialize, serde::Deserialize)]
struct CodeCounts {
    total: usize,
    codable: usize,
    groups: usize,
    constructs: usize,
    subconstructs: usize,
    /// Codes at each depth of the tree, from the top.
    by_level: Vec<usize>,
}

#[derive(Serialize, serde::Deserialize)]
struct TranscriptCounts {
    count: usize,
    characters: usize,
    items: Vec<TranscriptReport>,
}

#[derive(Serialize, serde::Deserialize)]
struct TranscriptReport {
    id: String,
    characters: usize,
    /// Codings by coder id.
    codings: BTreeMap<String, usize>,
}

/// The report but for the review (decisions, progress, problems): what
/// the coded files say, kept by their key (`repo/layered.rs`).
fn coded_report(study: &Study, units: &[crate::align::ReviewUnit]) -> Report {
    let mut by_level = Vec::new();
    for code in &study.codebook.codes {
        if by_level.len() <= code.depth {
            by_level.resize(code.depth + 1, 0);
        }
        by_level[code.depth] += 1;
    }
    let level = |n: usize| by_level.get(n).copied().unwrap_or(0);
    // Coders in manifest order, then any folder the manifest does not list.
    let mut coder_ids: Vec<(String, String)> = study
        .coders()
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    for f in &study.codings {
        if !coder_ids.iter().any(|(id, _)| *id == f.coder) {
            coder_ids.push((f.coder.clone(), "(not in concord.toml)".into()));
        }
    }
    // Counted in one pass (looking through every file for each transcript
    // and coder was quadratic: 16 s of 5,000 transcripts' 22).
    let mut counts: std::collections::HashMap<(&str, &str), usize> = Default::default();
    let mut by_coder: std::collections::HashMap<&str, usize> = Default::default();
    for f in &study.codings {
        *counts.entry((&f.coder, &f.transcript)).or_default() += f.codings.len();
        *by_coder.entry(&f.coder).or_default() += f.codings.len();
    }
    let count = |coder: &str, transcript: Option<&str>| -> usize {
        match transcript {
            Some(t) => counts.get(&(coder, t)).copied().unwrap_or(0),
            None => by_coder.get(coder).copied().unwrap_or(0),
        }
    };
    Report {
        study: study.name().to_string(),
        path: String::new(),
        coders: coder_ids
            .iter()
            .map(|(id, name)| CoderReport {
                id: id.clone(),
                name: name.clone(),
                codings: count(id, None),
            })
            .collect(),
        codes: CodeCounts {
            total: study.codebook.codes.len(),
            codable: study
                .codebook
                .codes
                .iter()
                .filter(|c| c.header.codable)
                .count(),
            groups: level(0),
            constructs: level(1),
            subconstructs: level(2),
            by_level: by_level.clone(),
        },
        transcripts: TranscriptCounts {
            count: study.transcripts.len(),
            characters: study.transcripts.iter().map(|t| t.chars).sum(),
            items: study
                .transcripts
                .iter()
                .map(|t| TranscriptReport {
                    id: t.id.clone(),
                    characters: t.chars,
                    codings: coder_ids
                        .iter()
                        .map(|(c, _)| (c.clone(), count(c, Some(&t.id))))
                        .collect(),
                })
                .collect(),
        },
        decisions: 0,
        units: units_by_class(units),
        reviewers: Vec::new(),
        review_by_coder: Vec::new(),
        problems: 0,
    }
}

/// What the units count before any review line (`roles::unreviewed_progress`).
#[derive(Serialize, serde::Deserialize)]
struct Unreviewed {
    open: usize,
    by_coder: Vec<PersonProgress>,
}

/// The review's part of the report: the decisions of `whole` (the study's
/// manifest and logs) on `units`, and the number of problems. `units` are
/// every unit, or (with `all`, what every unit counts before any review)
/// those of the reviewed transcripts: the rest stand as their class says,
/// so they count as in `all`, less what the reviewed units counted there.
fn add_review(
    r: &mut Report,
    whole: &Study,
    units: &[crate::align::ReviewUnit],
    all: Option<&Unreviewed>,
    problems: usize,
) {
    let standing = standings(units, &whole.decisions);
    let coder_ids = r.coder_ids();
    r.decisions = whole.decisions.iter().map(|f| f.decisions.len()).sum();
    r.reviewers = roles::by_reviewer(
        whole
            .manifest
            .as_ref()
            .map_or(&[][..], |m| m.reviewers.as_slice()),
        units,
        &standing,
        &live_decisions(&whole.decisions),
    );
    r.review_by_coder = roles::by_coder(&coder_ids, units, &standing);
    if let Some(all) = all {
        let (open_here, here) = roles::unreviewed_progress(&coder_ids, units);
        for p in &mut r.reviewers {
            p.progress.open = p.progress.open + all.open - open_here;
        }
        for ((p, a), h) in r.review_by_coder.iter_mut().zip(&all.by_coder).zip(&here) {
            p.progress.decided = p.progress.decided + a.progress.decided - h.progress.decided;
            p.progress.open = p.progress.open + a.progress.open - h.progress.open;
        }
    }
    r.problems = problems;
}

/// Review units counted by class, every class present (0 when none).
fn units_by_class(units: &[crate::align::ReviewUnit]) -> std::collections::BTreeMap<String, usize> {
    let mut counts: std::collections::BTreeMap<String, usize> = crate::align::UnitClass::ALL
        .iter()
        .map(|c| (c.name().to_string(), 0))
        .collect();
    for unit in units {
        *counts.entry(unit.class.name().to_string()).or_default() += 1;
    }
    counts
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let reads = crate::repo::read::FileReads::default();
    let open = study_arg::open_cached(args.path.as_deref(), &reads)?;
    let shown = if open.shown.is_empty() {
        "."
    } else {
        &open.shown
    };
    // Kept without the path, which depends on where the command runs.
    let mut r: Report = open.study.derived_by("status", || {
        // After a decision, the reviewed transcripts' units (not every unit).
        let reviewed = open.study.reviewed_units();
        let (mut r, all): (Report, Unreviewed) = open.study.coded("status", |l| {
            let units = open.study.review_units();
            let r = coded_report(&l.study, &units);
            let (open, by_coder) = roles::unreviewed_progress(&r.coder_ids(), &units);
            (r, Unreviewed { open, by_coder })
        });
        let problems = open.study.problems().len();
        match reviewed {
            Some(units) => add_review(&mut r, open.study.whole(), &units, Some(&all), problems),
            None => {
                let units = open.study.review_units();
                add_review(&mut r, open.study.whole(), &units, None, problems)
            }
        }
        r
    });
    r.path = shown.to_string();
    if args.json {
        crate::cli::json::print_pretty(&r)?;
    } else {
        print!("{}", human(&r));
    }
    Ok(exit::OK)
}

/// Thousands separated by commas, as researchers write counts.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The table: at most 80 columns whatever the study holds.
fn human(r: &Report) -> String {
    let mut out = String::new();
    let line = |out: &mut String, label: &str, value: String| {
        out.push_str(&format!("{label:<13}{}\n", shorten(&value, 80 - 13)));
    };
    line(&mut out, "Study", format!("{} ({})", r.study, r.path));
    let coders: Vec<String> = r
        .coders
        .iter()
        .map(|c| format!("{} ({})", c.id, c.name))
        .collect();
    line(
        &mut out,
        "Coders",
        format!("{}: {}", r.coders.len(), coders.join(", ")),
    );
    let mut levels = vec![
        format!("{} groups", r.codes.groups),
        format!("{} constructs", r.codes.constructs),
        format!("{} subconstructs", r.codes.subconstructs),
    ];
    for (depth, n) in r.codes.by_level.iter().enumerate().skip(3) {
        levels.push(format!("{n} at level {}", depth + 1));
    }
    line(
        &mut out,
        "Codebook",
        format!(
            "{} codes ({} codable): {}",
            r.codes.total,
            r.codes.codable,
            levels.join(", ")
        ),
    );
    line(
        &mut out,
        "Transcripts",
        format!(
            "{}, {} characters",
            r.transcripts.count,
            thousands(r.transcripts.characters)
        ),
    );
    line(&mut out, "Decisions", format!("{} recorded", r.decisions));
    let units: Vec<String> = r
        .units
        .iter()
        .map(|(class, n)| format!("{n} {class}"))
        .collect();
    line(
        &mut out,
        "Units",
        format!("{} ({})", r.units.values().sum::<usize>(), units.join(", ")),
    );
    // Who has done what: decided, open, in conflict (a team that syncs).
    let progress = |p: &PersonProgress| {
        format!(
            "{}: {} decided, {} open, {} in conflict{}",
            p.name,
            p.progress.decided,
            p.progress.open,
            p.progress.conflict,
            if p.listed {
                ""
            } else {
                " (not in concord.toml)"
            }
        )
    };
    for (i, p) in r.reviewers.iter().enumerate() {
        line(
            &mut out,
            if i == 0 { "Reviewers" } else { "" },
            printable(&progress(p)),
        );
    }
    for (i, p) in r.review_by_coder.iter().enumerate() {
        line(
            &mut out,
            if i == 0 { "By coder" } else { "" },
            printable(&progress(p)),
        );
    }
    if r.problems > 0 {
        line(
            &mut out,
            "Problems",
            format!("{} (run concord check to see them)", r.problems),
        );
    }
    // Codings: one column per coder while they fit in 80 columns.
    const FIRST: usize = 16;
    const COL: usize = 10;
    let fits = FIRST + COL * (r.coders.len() + 1) <= 80;
    out.push('\n');
    if fits && !r.transcripts.items.is_empty() {
        out.push_str(&format!("{:<FIRST$}", "Codings"));
        for c in &r.coders {
            out.push_str(&format!("{:>COL$}", shorten(&c.id, COL - 1)));
        }
        out.push_str(&format!("{:>COL$}\n", "total"));
        for t in &r.transcripts.items {
            out.push_str(&format!(
                "  {:<w$}",
                shorten(&t.id, FIRST - 3),
                w = FIRST - 2
            ));
            for c in &r.coders {
                out.push_str(&format!("{:>COL$}", thousands(t.codings[c.id.as_str()])));
            }
            let total: usize = t.codings.values().sum();
            out.push_str(&format!("{:>COL$}\n", thousands(total)));
        }
        out.push_str(&format!("  {:<w$}", "total", w = FIRST - 2));
        for c in &r.coders {
            out.push_str(&format!("{:>COL$}", thousands(c.codings)));
        }
        let total: usize = r.coders.iter().map(|c| c.codings).sum();
        out.push_str(&format!("{:>COL$}\n", thousands(total)));
    } else {
        out.push_str("Codings by coder (all transcripts)\n");
        for c in &r.coders {
            out.push_str(&format!(
                "  {:<30}{:>10}\n",
                shorten(&c.id, 29),
                thousands(c.codings)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
