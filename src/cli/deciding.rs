//! What `decide`, `discuss` and `undo` share: the study read with its
//! units and where each stands, the reviewer, the `[PATH] UNIT` arguments,
//! and committing through `repo::record` (the review screen's path), with
//! one way of reporting the outcome and its exit status.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::align::ReviewUnit;
use crate::cli::exit;
use crate::cli::reviewer::reviewer;
use crate::repo::RepoError;
use crate::repo::cache::Opened;
use crate::repo::git::Person;
use crate::repo::locate::find_study_root;
use crate::repo::read::FileReads;
use crate::repo::record::{RecordError, record_in_logs};
use crate::repo::recover::recover_interrupted;
use crate::review::standing::{Standing, standings};
use crate::study::text::printable;
use crate::study::{Decision, Study};

/// The study, ready for deciding.
pub struct Deciding {
    pub root: PathBuf,
    pub study: Study,
    pub units: Vec<ReviewUnit>,
    pub standings: HashMap<String, Standing>,
    pub reviewer: Person,
}

/// `[PATH] UNIT`: two words are the study folder and the unit (or
/// decision); one word is the study folder when it is an existing folder
/// and `want_target` is false or no target is needed, else the target.
pub fn split_targets(words: &[String], target_needed: bool) -> (Option<PathBuf>, Option<String>) {
    match words {
        [] => (None, None),
        [one] if !target_needed || Path::new(one).is_dir() => (Some(PathBuf::from(one)), None),
        [one] => (None, Some(one.clone())),
        [path, target, ..] => (Some(PathBuf::from(path)), Some(target.clone())),
    }
}

impl Deciding {
    /// Find and read the study at `path` (or around the current folder),
    /// after finishing or putting back a decision a killed concord left
    /// half-recorded (said on standard error).
    pub fn open(path: Option<&Path>, given_reviewer: Option<&str>) -> Result<Deciding, RepoError> {
        Deciding::open_for(path, given_reviewer, None)
    }

    /// [`Deciding::open`] for deciding the one unit `unit` (an id as
    /// `units` prints it): only its transcript's part of the study is
    /// read, from the derived cache, so a decision costs what its
    /// transcript is, not the study. Other units are not in it.
    pub fn open_for(
        path: Option<&Path>,
        given_reviewer: Option<&str>,
        unit: Option<&str>,
    ) -> Result<Deciding, RepoError> {
        let cwd = std::env::current_dir().map_err(|source| RepoError::Read {
            path: PathBuf::from("."),
            source,
        })?;
        let root = find_study_root(path.unwrap_or(&cwd), path.is_some())?;
        let reviewer = reviewer(&root, given_reviewer)?;
        for said in recover_interrupted(&root, &reviewer)? {
            eprintln!("concord: {said}");
        }
        // Through the derived cache: the transcripts' parts (their units
        // among them) come from it; only the decision logs are read anew.
        let reads = FileReads::default();
        let opened = Opened::open(&root, &reads)?;
        let one = unit
            .and_then(transcript_of_unit)
            .and_then(|t| opened.study_of_one(t));
        let (study, units) = match one {
            Some(one) => one,
            None => opened.into_study_and_units(),
        };
        let standings = standings(&units, &study.decisions);
        Ok(Deciding {
            root,
            study,
            units,
            standings,
            reviewer,
        })
    }

    pub fn unit(&self, id: &str) -> Option<&ReviewUnit> {
        self.units.iter().find(|u| u.id == id)
    }

    pub fn standing(&self, id: &str) -> &Standing {
        self.standings.get(id).unwrap_or(&Standing::Open)
    }

    /// A decision or discussion line by id, with its transcript.
    pub fn line(&self, id: &str) -> Option<(&str, &Decision)> {
        self.study.decisions.iter().find_map(|f| {
            f.decisions
                .iter()
                .find(|d| d.id == id)
                .map(|d| (f.transcript.as_str(), d))
        })
    }

    /// The unit named on the command line, if it is one of the study's
    /// units now; else why not (exit 1: a unit id goes stale when a coder
    /// recodes, since ids are made from the codings).
    pub fn current_unit(&self, id: &str) -> Result<&ReviewUnit, Refusal> {
        self.unit(id).ok_or_else(|| {
            Refusal(format!(
                "{} is not a unit of the study now (its codings changed since the id was listed, or it never was one): list the open units again with concord units --open",
                printable(id)
            ))
        })
    }

    /// Commit `lines` (each with its transcript) in one commit and say what
    /// was done: the message's lines on standard output, or with `json` the
    /// commit and the lines.
    pub fn commit(&self, lines: Vec<(String, Decision)>, message: &str, json: bool) -> u8 {
        let mut by_log: BTreeMap<String, Vec<Decision>> = BTreeMap::new();
        for (transcript, d) in &lines {
            by_log
                .entry(transcript.clone())
                .or_default()
                .push(d.clone());
        }
        let lines: Vec<Decision> = lines.into_iter().map(|(_, d)| d).collect();
        let logs: Vec<(String, Vec<Decision>)> = by_log.into_iter().collect();
        match record_in_logs(&self.root, &logs, &self.reviewer, message) {
            Ok(r) => {
                let commit = r.commit.to_string();
                if let Some(why) = &r.worktree_behind {
                    eprintln!(
                        "concord: committed, but the working file could not be updated ({why}); the next concord command puts it in step"
                    );
                }
                if json {
                    let out = Committed {
                        commit: &commit,
                        decisions: &lines,
                    };
                    println!("{}", crate::cli::json::pretty(&out));
                } else {
                    for line in message.lines().skip(usize::from(lines.len() > 1)) {
                        println!("{}", printable(line));
                    }
                    eprintln!(
                        "committed {} ({} line{})",
                        &commit[..7],
                        lines.len(),
                        if lines.len() == 1 { "" } else { "s" }
                    );
                }
                exit::OK
            }
            Err(e @ RecordError::DecidedMeanwhile { .. }) => Refusal(e.to_string()).report(json),
            Err(e) => {
                eprintln!("concord: {e}");
                if json {
                    println!(
                        "{}",
                        crate::cli::json::line(&serde_json::json!({ "error": e.to_string() }))
                    );
                }
                exit::CANNOT_RUN
            }
        }
    }
}

#[derive(Serialize)]
struct Committed<'a> {
    commit: &'a str,
    decisions: &'a [Decision],
}

/// Why a unit cannot be decided as asked (exit 1): already decided, stale,
/// decided meanwhile by someone else.
pub struct Refusal(pub String);

impl Refusal {
    pub fn report(&self, json: bool) -> u8 {
        eprintln!("concord: {}", self.0);
        if json {
            println!(
                "{}",
                crate::cli::json::line(&serde_json::json!({ "refused": self.0 }))
            );
        }
        exit::PROBLEMS
    }
}

/// The transcript of a unit id (`fg1:1500-1800:9c2e`: all before the span
/// and the hash), if it has that form.
fn transcript_of_unit(unit: &str) -> Option<&str> {
    let mut parts = unit.rsplitn(3, ':');
    let (_hash, _span, transcript) = (parts.next()?, parts.next()?, parts.next()?);
    Some(transcript).filter(|t| !t.is_empty())
}

/// A unit that `decide` or `discuss` may settle or mark: open, stale (its
/// decision's basis changed), marked for discussion, or agreed (the
/// coders agree, but a team may still reject it). A decided unit must be
/// undone first; one in conflict (two live decisions) too.
pub fn may_decide(d: &Deciding, unit: &ReviewUnit) -> Result<(), Refusal> {
    match d.standing(&unit.id) {
        Standing::Decided(by) => Err(Refusal(format!(
            "{} is already decided (decision {by}); to decide it again undo that first: concord undo {by}",
            printable(&unit.id)
        ))),
        Standing::Conflict(ids) => Err(Refusal(format!(
            "{} has {} live decisions ({}); undo all but one first (concord undo DECISION)",
            printable(&unit.id),
            ids.len(),
            ids.join(", ")
        ))),
        _ => Ok(()),
    }
}

/// Whether `decide` without a unit (a bulk rule) takes the unit: the ones
/// `units --open` lists.
pub fn waiting(standing: &Standing) -> bool {
    matches!(
        standing,
        Standing::Open | Standing::Stale(_) | Standing::Discussion(_)
    )
}
