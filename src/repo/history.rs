//! Walking a study's history in git: each commit that changed the
//! codebook, with what changed code by code, and the agreement figures at
//! each commit that changed what they depend on (codebook, codings,
//! transcripts, manifest). The diffing and the statistics are the pure
//! core's (`history`, `agreement`); this module reads trees and keeps the
//! work already done: codebooks by their tree id, figures by the tree ids
//! of `transcripts/` and `codings/`, the manifest and the codebook's
//! codable structure, so a commit that only rewords definitions costs no
//! statistics.

use std::collections::HashMap;

use git2::{Oid, Sort};
use serde::Serialize;

use crate::history::trend::{Figures, codebook_key, figures};
use crate::history::when::rfc3339;
use crate::history::{CodeChange, diff_codebooks};
use crate::repo::RepoError;
use crate::repo::at_commit::{GitStudy, read_tree};
use crate::repo::cache::{cache_dir, read_value, write_value};
use crate::repo::read::read_study;
use crate::study::files::{CODEBOOK_DIR, CODINGS_DIR, MANIFEST, TRANSCRIPTS_DIR};
use crate::study::load::load;
use crate::study::parse::manifest::parse_manifest;
use crate::study::{Codebook, StudyFiles};

/// A commit as `history` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitInfo {
    pub commit: String,
    pub short: String,
    pub author: String,
    pub email: String,
    /// RFC 3339 in the author's offset.
    pub date: String,
    #[serde(skip)]
    pub seconds: i64,
    pub message: String,
}

impl CommitInfo {
    pub fn summary(&self) -> &str {
        self.message.lines().next().unwrap_or("")
    }
}

/// The agreement figures at one commit, or why they could not be had.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TrendAt {
    Figures {
        figures: Vec<Figures>,
        /// The same inputs as an earlier commit: its figures were reused.
        reused: bool,
    },
    NotLoaded {
        not_loaded: String,
    },
}

/// One commit of the walk that changed something of the study.
#[derive(Debug, Clone)]
pub struct Record {
    pub info: CommitInfo,
    /// Position in the walk, oldest first: later commits have larger numbers.
    pub seq: usize,
    /// Some when the commit changed `codebook/`: the codes that changed.
    pub codebook: Option<Vec<CodeChange>>,
    /// The commit changed `codings/`.
    pub codings_changed: bool,
    pub transcripts_changed: bool,
    pub manifest_changed: bool,
    /// Computed when asked for.
    pub trend: Option<TrendAt>,
}

/// The trees of one commit that the history follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Trees {
    manifest: Option<Oid>,
    codebook: Option<Oid>,
    transcripts: Option<Oid>,
    codings: Option<Oid>,
}

impl Trees {
    fn is_empty(&self) -> bool {
        *self == Trees::default()
    }
}

/// The figures of one set of inputs, kept across commits.
type TrendKey = (
    Option<Oid>,
    Option<Oid>,
    Option<Oid>,
    Vec<(String, Option<String>, usize, bool)>,
);

pub struct Walker<'a> {
    gs: &'a GitStudy,
    codebooks: HashMap<Option<Oid>, Codebook>,
    figures: HashMap<TrendKey, Vec<Figures>>,
    /// The inputs this walk has met (the figures may have come from the cache).
    seen: std::collections::HashSet<TrendKey>,
    /// How many figures came from the cache before the walk.
    kept: usize,
    /// How many commits had their figures computed (or taken from the
    /// cache), and how many reused from an earlier commit of the walk.
    pub computed: usize,
    pub reused: usize,
}

/// The trend's figures as kept in the derived cache: the key's object ids
/// as hex, since they are content ids the figures are valid whatever the
/// working tree holds.
type KeptFigures = Vec<(
    (Option<String>, Option<String>, Option<String>),
    Vec<(String, Option<String>, usize, bool)>,
    Vec<Figures>,
)>;
const TREND: &str = "trend";
/// More distinct inputs than this and the kept figures start afresh.
const TREND_KEPT: usize = 20_000;

impl<'a> Walker<'a> {
    /// A walker that starts with the figures earlier runs kept (in
    /// `.git/concord/trend.bin`), so `agreement --trend` computes only the
    /// commits it has not seen.
    pub fn new(gs: &'a GitStudy) -> Walker<'a> {
        let hex = |o: Option<String>| o.and_then(|s| Oid::from_str(&s).ok());
        let figures = read_value::<KeptFigures>(&cache_dir(gs.repo.path()), TREND, TREND)
            .unwrap_or_default()
            .into_iter()
            .map(|((m, t, c), codes, f)| ((hex(m), hex(t), hex(c), codes), f))
            .collect::<HashMap<_, _>>();
        Walker {
            gs,
            codebooks: HashMap::new(),
            kept: figures.len(),
            figures,
            seen: Default::default(),
            computed: 0,
            reused: 0,
        }
    }

    /// Keep the figures computed for the next run (when any were).
    pub fn keep_figures(&self) {
        if self.figures.len() == self.kept || self.figures.len() > TREND_KEPT {
            return;
        }
        let hex = |o: &Option<Oid>| o.map(|o| o.to_string());
        let kept: KeptFigures = self
            .figures
            .iter()
            .map(|((m, t, c, codes), f)| ((hex(m), hex(t), hex(c)), codes.clone(), f.clone()))
            .collect();
        write_value(&cache_dir(self.gs.repo.path()), TREND, TREND, &kept);
    }

    fn trees(&self, commit: Oid) -> Result<Trees, RepoError> {
        let Some(tree) = self.gs.study_tree(commit)? else {
            return Ok(Trees::default());
        };
        let id = |name: &str| tree.get_name(name).map(|e| e.id());
        Ok(Trees {
            manifest: id(MANIFEST),
            codebook: id(CODEBOOK_DIR),
            transcripts: id(TRANSCRIPTS_DIR),
            codings: id(CODINGS_DIR),
        })
    }

    /// The codebook of a commit (cached by the codebook's tree id).
    pub fn codebook_at(&mut self, commit: Oid) -> Result<Codebook, RepoError> {
        let key = self.trees(commit)?.codebook;
        if let Some(c) = self.codebooks.get(&key) {
            return Ok(c.clone());
        }
        let files = self.gs.files_at_only(commit, &[CODEBOOK_DIR])?;
        let codebook = load(&files).study.codebook;
        self.codebooks.insert(key, codebook.clone());
        Ok(codebook)
    }

    fn trend_at(&mut self, commit: Oid, trees: &Trees) -> Result<TrendAt, RepoError> {
        let Some(study_tree) = self.gs.study_tree(commit)? else {
            return Ok(TrendAt::NotLoaded {
                not_loaded: format!(
                    "the study folder {} does not exist at this commit",
                    if self.gs.prefix.is_empty() {
                        "(the repository's root)"
                    } else {
                        &self.gs.prefix
                    }
                ),
            });
        };
        if trees.manifest.is_none() {
            return Ok(TrendAt::NotLoaded {
                not_loaded: "there is no concord.toml at this commit".into(),
            });
        }
        let mut manifest = StudyFiles::default();
        read_tree(&self.gs.repo, &study_tree, &[MANIFEST], &mut manifest)?;
        if let Err(p) = parse_manifest(MANIFEST, manifest.get(MANIFEST).unwrap_or_default()) {
            return Ok(TrendAt::NotLoaded {
                not_loaded: format!("concord.toml does not load: {}", p.message),
            });
        }
        let codebook = self.codebook_at(commit)?;
        let key = (
            trees.manifest,
            trees.transcripts,
            trees.codings,
            codebook_key(&codebook),
        );
        if let Some(f) = self.figures.get(&key) {
            // Kept by an earlier run, the figures are this walk's first for
            // these inputs: shown as computed, as they would be without the cache.
            let reused = !self.seen.insert(key);
            if reused {
                self.reused += 1;
            } else {
                self.computed += 1;
            }
            return Ok(TrendAt::Figures {
                figures: f.clone(),
                reused,
            });
        }
        self.seen.insert(key.clone());
        let mut files = StudyFiles::default();
        read_tree(
            &self.gs.repo,
            &study_tree,
            &[MANIFEST, CODEBOOK_DIR, TRANSCRIPTS_DIR, CODINGS_DIR],
            &mut files,
        )?;
        let study = load(&files).study;
        let f = figures(&study);
        self.computed += 1;
        self.figures.insert(key, f.clone());
        Ok(TrendAt::Figures {
            figures: f,
            reused: false,
        })
    }

    /// Every commit reachable from `HEAD` that changed the study's
    /// codebook, codings, transcripts or manifest, oldest first. A commit
    /// counts when it differs from each of its parents (a merge that only
    /// brings in a side branch's commits is not listed again). With
    /// `trend`, each gets its agreement figures. `progress` hears how far
    /// the walk is (commits done, commits in all).
    pub fn walk(
        &mut self,
        trend: bool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Record>, RepoError> {
        let repo = &self.gs.repo;
        let mut revwalk = repo.revwalk()?;
        revwalk.push_head().map_err(|_| {
            RepoError::Refused("the repository has no commits yet: nothing has a history".into())
        })?;
        revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)?;
        let oids: Vec<Oid> = revwalk.collect::<Result<_, _>>()?;
        let mut trees_of: HashMap<Oid, Trees> = HashMap::new();
        let mut out = Vec::new();
        for (seq, &oid) in oids.iter().enumerate() {
            progress(seq, oids.len());
            let commit = repo.find_commit(oid)?;
            let here = self.trees(oid)?;
            trees_of.insert(oid, here);
            let parents: Vec<(Oid, Trees)> = commit
                .parent_ids()
                .map(|p| {
                    let t = match trees_of.get(&p) {
                        Some(t) => *t,
                        None => self.trees(p).unwrap_or_default(),
                    };
                    (p, t)
                })
                .collect();
            let changed = |f: fn(&Trees) -> Option<Oid>| -> bool {
                if parents.is_empty() {
                    f(&here).is_some()
                } else {
                    parents.iter().all(|(_, t)| f(t) != f(&here))
                }
            };
            let codebook_changed = changed(|t| t.codebook);
            let codings_changed = changed(|t| t.codings);
            let transcripts_changed = changed(|t| t.transcripts);
            let manifest_changed = changed(|t| t.manifest);
            if !(codebook_changed || codings_changed || transcripts_changed || manifest_changed) {
                continue;
            }
            if here.is_empty() && parents.iter().all(|(_, t)| t.is_empty()) {
                continue;
            }
            let codebook = if codebook_changed {
                let before = match parents.first() {
                    Some((p, _)) => self.codebook_at(*p)?,
                    None => Codebook::default(),
                };
                let after = self.codebook_at(oid)?;
                Some(diff_codebooks(&before, &after))
            } else {
                None
            };
            let trend = if trend {
                Some(self.trend_at(oid, &here)?)
            } else {
                None
            };
            out.push(Record {
                info: commit_info(&commit),
                seq,
                codebook,
                codings_changed,
                transcripts_changed,
                manifest_changed,
                trend,
            });
        }
        progress(oids.len(), oids.len());
        Ok(out)
    }

    /// What the working tree's codebook changes against `HEAD`'s (None
    /// without a working tree; empty when nothing changed).
    pub fn uncommitted(&mut self) -> Result<Option<Vec<CodeChange>>, RepoError> {
        let Some(root) = &self.gs.root else {
            return Ok(None);
        };
        let head = match self.gs.repo.head().and_then(|h| h.peel_to_commit()) {
            Ok(c) => self.codebook_at(c.id())?,
            Err(_) => Codebook::default(),
        };
        let files = read_study(root)?;
        let mut only = StudyFiles::default();
        for (p, b) in files.files {
            if p.starts_with(&format!("{CODEBOOK_DIR}/")) {
                only.files.insert(p, b);
            }
        }
        let now = load(&only).study.codebook;
        Ok(Some(diff_codebooks(&head, &now)))
    }
}

pub fn commit_info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    let when = author.when();
    let id = commit.id().to_string();
    CommitInfo {
        short: id[..7.min(id.len())].to_string(),
        commit: id,
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        date: rfc3339(when.seconds(), when.offset_minutes()),
        seconds: when.seconds(),
        message: String::from_utf8_lossy(commit.message_bytes())
            .trim_end()
            .to_string(),
    }
}
