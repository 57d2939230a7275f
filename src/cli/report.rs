//! `concord report [PATH] [--format md|html] [-o FILE] [--rev REV]`: the
//! methods report of the study at one commit (default HEAD), with the
//! codebook's history up to it. Reads git; the writing is
//! `methods_report`'s.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::agreement::chosen_measure::ChosenMeasure;
use crate::agreement::input::Input;
use crate::agreement::interval::Settings;
use crate::agreement::report::{Measures, report_with};
use crate::cli::exit;
use crate::methods_report::{ChecklistItem, MethodsReport, Revision, Version, html, markdown};
use crate::repo::RepoError;
use crate::repo::at_commit;
use crate::repo::history::{TrendAt, Walker, commit_info};
use crate::review::standing::{Standing, standings};
use crate::study::load::load;

pub const LONG_ABOUT: &str = "Write the methods report of the study: the codebook version (commit, date, \
author) the figures were computed on, concord's version and the command that reproduces the report; \
coders, reviewers, transcripts and codes; the reliability table with 95% intervals per code and overall, \
led by the measure concord.toml names ([agreement] measure), and the pairs of coders; disagreements by class and how they were settled; the codebook's history with \
the agreement trend; and the COREQ items 24-27 and SRQR item 16 answered from the repository, each with \
its source. Markdown renders on a Git host; HTML is one self-contained file (inline SVG chart, no \
scripts) that prints. Every figure equals concord agreement --json on the same revision.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    #[arg(long, default_value = "md", value_parser = ["md", "html"])]
    pub format: String,
    /// Write to this file instead of standard output
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The commit to report on (a hash, branch or tag; default HEAD)
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: String,
    /// Bootstrap resamples for the intervals
    #[arg(long, value_name = "N", default_value_t = Settings::DEFAULT_RESAMPLES as u32)]
    pub boot: u32,
    /// Seed of the bootstrap
    #[arg(long, value_name = "N", default_value_t = Settings::DEFAULT_SEED)]
    pub seed: u64,
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let gs = at_commit::open(args.path.as_deref())?;
    let oid = gs.resolve(&args.rev)?;
    let commit = gs.repo.find_commit(oid)?;
    let info = commit_info(&commit);
    let files = gs.files_at(oid)?;
    let loaded = load(&files);
    let study = &loaded.study;
    let (measure, measure_named) = chosen_measure(&loaded, &files)?;
    let input = Input::from_study(study);
    let settings = Settings {
        level: 0.95,
        resamples: args.boot.max(1) as usize,
        seed: args.seed,
        minimum: None,
    };
    let mut agreement = report_with(&input, Measures::ALL, Some(&settings));
    // The report's pair tables: each pair's overall figures (characters,
    // segments, Cu-α) and its Cohen's kappa on characters per code. No
    // turns: their rows are per code, and the report shows none per pair.
    agreement.pairs = crate::agreement::pairs::pairs(
        &input,
        Measures {
            character: true,
            segment: true,
            alpha: true,
            turn: false,
        },
    );
    let units = crate::align::review_units(study);
    let standing = standings(&units, &study.decisions);
    let mut units_by_class: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for u in &units {
        let s = match standing.get(u.id.as_str()) {
            Some(Standing::Agreed) => "coded alike",
            Some(Standing::Decided(_)) => "decided",
            Some(Standing::Stale(_)) => "stale",
            Some(Standing::Conflict(_)) => "conflicting decisions",
            Some(Standing::Discussion(_)) => "marked for discussion",
            _ => "open",
        };
        *units_by_class
            .entry(u.class.name().to_string())
            .or_default()
            .entry(s.to_string())
            .or_default() += 1;
    }
    let reconciled = crate::cli::agreement_reconciled::compute(study, &input);

    // The history up to the commit: the walk from HEAD, kept to the
    // commit's ancestors.
    let mut ancestors = BTreeSet::new();
    let mut walk = gs.repo.revwalk()?;
    walk.push(oid)?;
    for o in walk {
        ancestors.insert(o?.to_string());
    }
    let mut walker = Walker::new(&gs);
    let records = walker.walk(true, &mut |_, _| {})?;
    let codebook = &study.codebook;
    let history: Vec<Revision> = records
        .into_iter()
        .filter(|r| ancestors.contains(&r.info.commit))
        .map(|r| {
            let overall = match &r.trend {
                Some(TrendAt::Figures { figures, .. }) => {
                    figures.iter().find(|f| f.code.is_none()).cloned()
                }
                _ => None,
            };
            Revision {
                short: r.info.short.clone(),
                date: r.info.date.clone(),
                author: r.info.author.clone(),
                summary: r.info.summary().to_string(),
                changes: {
                    let all: Vec<&crate::history::CodeChange> =
                        r.codebook.iter().flatten().collect();
                    if all.len() > 4 {
                        // The first codebook, or a large revision: a count, not a list.
                        vec![format!(
                            "{} codes changed (concord history lists them)",
                            all.len()
                        )]
                    } else {
                        all.iter()
                            .map(|c| format!("{}: {}", c.code, c.summary.join(", ")))
                            .collect()
                    }
                },
                kappa: overall.as_ref().and_then(|f| f.cohen_kappa),
                binary_u_alpha: overall.as_ref().and_then(|f| f.binary_u_alpha),
            }
        })
        .collect();

    let coders: Vec<(String, String)> = study
        .coders()
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let mut reviewers: Vec<String> = reconciled.by_reviewer.keys().cloned().collect();
    for r in study.manifest.iter().flat_map(|m| &m.reviewers) {
        if !reviewers.iter().any(|x| x.contains(&r.name)) {
            reviewers.push(r.name.clone());
        }
    }
    let codes: Vec<(String, usize, bool, Vec<usize>)> = codebook
        .codes
        .iter()
        .map(|c| {
            let counts = coders
                .iter()
                .map(|(id, _)| {
                    study
                        .codings
                        .iter()
                        .filter(|f| f.coder == *id)
                        .flat_map(|f| &f.codings)
                        .filter(|x| x.code == c.id())
                        .count()
                })
                .collect();
            (c.id().to_string(), c.depth, c.header.codable, counts)
        })
        .collect();
    let transcripts = input
        .transcripts
        .iter()
        .map(|t| (t.id.clone(), t.length, t.turns.len()))
        .collect();
    let name = study
        .manifest
        .as_ref()
        .map(|m| m.study.name.clone())
        .unwrap_or_else(|| "(no name)".into());
    let version = Version {
        commit: info.commit.clone(),
        short: info.short.clone(),
        date: info.date.clone(),
        author: info.author.clone(),
    };
    let command = format!(
        "concord report --rev {} --format {} --boot {} --seed {}",
        info.short, args.format, settings.resamples, settings.seed
    );
    let checklist = checklist(&coders, codebook, &history, &reconciled, &version);
    let report = MethodsReport {
        study: name,
        version,
        concord_version: env!("CARGO_PKG_VERSION").to_string(),
        command,
        coders,
        reviewers,
        transcripts,
        codes,
        agreement,
        measure,
        measure_named,
        settings,
        units_by_class,
        reconciled,
        history,
        checklist,
    };
    let text = if args.format == "html" {
        html::html(&report)
    } else {
        markdown::markdown(&report)
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| RepoError::Refused(format!("could not write {}: {e}", path.display())))?,
        None => print!("{text}"),
    }
    Ok(exit::OK)
}

/// COREQ (Tong, Sainsbury & Craig 2007) items 24-27 and SRQR (O'Brien et
/// al. 2014) item 16, answered from what the repository holds.
fn checklist(
    coders: &[(String, String)],
    codebook: &crate::study::Codebook,
    history: &[Revision],
    rec: &crate::review::reconciled::Reconciled,
    version: &Version,
) -> Vec<ChecklistItem> {
    let codable = codebook.codes.iter().filter(|c| c.header.codable).count();
    let depth = codebook
        .codes
        .iter()
        .map(|c| c.depth + 1)
        .max()
        .unwrap_or(0);
    let revisions = history.iter().filter(|h| !h.changes.is_empty()).count();
    let item = |item: &str, question: &str, answer: String, source: &str| ChecklistItem {
        item: item.into(),
        question: question.into(),
        answer,
        source: source.into(),
    };
    vec![
        item(
            "COREQ 24",
            "Number of data coders",
            format!(
                "{} coders coded every transcript independently: {}",
                coders.len(),
                coders
                    .iter()
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "concord.toml [[coder]]; codings/<coder>/",
        ),
        item(
            "COREQ 25",
            "Description of the coding tree",
            format!(
                "{} codes ({} codable) in {} levels, each with a definition; listed above",
                codebook.codes.len(),
                codable,
                depth
            ),
            &format!("codebook/ at commit {}", version.short),
        ),
        item(
            "COREQ 26",
            "Derivation of themes",
            if revisions > 1 {
                format!(
                    "the codebook was revised in {} commits after it was first written (see the history): codes were refined from the data",
                    revisions - 1
                )
            } else {
                "the codebook was not revised after it was first committed: codes were defined in advance".into()
            },
            "git history of codebook/ (concord history)",
        ),
        item(
            "COREQ 27",
            "Software",
            format!(
                "concord {} (git repository of plain-text files)",
                env!("CARGO_PKG_VERSION")
            ),
            "this report",
        ),
        item(
            "SRQR 16",
            "Techniques to enhance trustworthiness",
            format!(
                "independent coding by {} coders; intercoder reliability with 95% bootstrap intervals (above); {} of {} review units settled by {} reviewer(s), every decision a git commit by its reviewer (audit trail); {} still open",
                coders.len(),
                rec.decided + rec.agreed,
                rec.units,
                rec.by_reviewer.len(),
                rec.unsettled
            ),
            "codings/, decisions/, git log",
        ),
    ]
}

/// The measure `concord.toml` names (`[agreement] measure`), or the
/// default; an unknown name stops the report with validation's message
/// (file, line, the names there are), since a table led by another figure
/// than the team asked for would be wrong in a paper.
fn chosen_measure(
    loaded: &crate::study::Loaded,
    files: &crate::study::StudyFiles,
) -> Result<(ChosenMeasure, bool), RepoError> {
    let Some(m) = loaded.study.manifest.as_ref() else {
        return Ok((ChosenMeasure::default(), false));
    };
    let text = files
        .files
        .get(crate::study::files::MANIFEST)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("");
    if let Some(p) = crate::study::validate::chosen_measure_problem(m, text) {
        return Err(RepoError::Refused(p.to_string()));
    }
    Ok(
        match m
            .agreement
            .measure
            .as_deref()
            .and_then(ChosenMeasure::parse)
        {
            Some(chosen) => (chosen, true),
            None => (ChosenMeasure::default(), false),
        },
    )
}
