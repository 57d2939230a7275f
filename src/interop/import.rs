//! A REFI-QDA project (or codebook) into a study: which files to write,
//! and a report of what came in, what matched and what could not.
//!
//! Everything happens in memory: [`plan`] takes the project's values, the
//! archive's entries and the study as it is, and returns the files to
//! write. The caller checks the result as a whole before writing anything,
//! so a failed import leaves the study untouched.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::interop::InteropError;
use crate::interop::archive::Entries;
use crate::interop::carried::{self, CodePlace};
use crate::interop::guid;
use crate::interop::refi::{self, Project, Source, TextSource};
use crate::study::cases::{CASES_FILE, cases_text};
use crate::study::files::{CODEBOOK_DIR, INDEX_FILE, MANIFEST, codings_path, transcript_path};
use crate::study::validate::is_valid_id;
use crate::study::write::{code_file_text, codings_text, manifest_text};
use crate::study::{
    AgreementSettings, CodeHeader, Coder, Coding, Manifest, SelectionIds, SourceInfo, Study,
    StudyFiles, StudyInfo,
};

/// What the person running the import asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `USER=ID`: the REFI user (its name, id or GUID) whose codings go to
    /// the coder `ID`.
    pub coder_map: Vec<(String, String)>,
    /// Replace a coder's codings of a transcript that the study already has.
    pub replace: bool,
    /// The study's name when the import creates the study.
    pub study_name: Option<String>,
    /// The name (or id, or GUID) of the user whose codings are a reconciled
    /// result, not a coder's work (besides the "Consensus" user of concord's
    /// own `--consensus` export, which is always recognised).
    pub consensus_user: Option<String>,
}

/// What an import will write, and what it says about it.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Study-relative path to new contents.
    pub writes: BTreeMap<String, Vec<u8>>,
    /// Study-relative paths to delete (a code file that became a folder).
    pub removes: Vec<String>,
    pub report: Report,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Report {
    /// One line per thing worth saying, in order.
    pub lines: Vec<String>,
    pub sources_added: usize,
    pub sources_matched: usize,
    pub sources_skipped: usize,
    pub codes_added: usize,
    pub codes_matched: usize,
    /// Codings taken in, per coder.
    pub codings: BTreeMap<String, usize>,
    /// Codings that could not be taken in (unknown code, bad positions, ...).
    pub codings_missed: usize,
    pub coders_added: Vec<String>,
    /// Transcripts whose offsets were shifted for CRLF line ends.
    pub offsets_adjusted: usize,
    /// Cases in the study's cases.toml after the import (0: unchanged).
    pub cases: usize,
    /// What the file holds that was not imported, counted by kind
    /// (`case`, `code memo`, `user without codings`, ...).
    pub not_imported: BTreeMap<String, usize>,
}

impl Report {
    fn say(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }
    fn not_imported(&mut self, kind: &str, n: usize) {
        if n > 0 {
            *self.not_imported.entry(kind.to_string()).or_default() += n;
        }
    }
    pub fn codings_total(&self) -> usize {
        self.codings.values().sum()
    }
}

/// The key line that concord before 0.2 added at the end of a code's REFI
/// description; still read, so that those exports come back as the same
/// code files. Exports now carry this in [`carried::ENTRY`] instead.
pub const TRAILER: &str = "concord:";

/// What the trailer of a description says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trailer {
    pub id: Option<String>,
    pub file: Option<String>,
    /// The code is a folder's `_index.md` (written `file=NAME/`).
    pub folder: bool,
    pub weight: Option<i64>,
}

/// A code's body and trailer from its REFI description. concord's own
/// descriptions are the Markdown body followed by the trailer line; another
/// tool's description becomes the code's `## Definition`.
pub fn body_of(description: Option<&str>) -> (String, Option<Trailer>) {
    let Some(d) = description else {
        return (String::new(), None);
    };
    let d = d.replace("\r\n", "\n").replace('\r', "\n");
    let (rest, last) = match d.trim_end_matches('\n').rsplit_once('\n') {
        Some((rest, last)) => (format!("{rest}\n"), last.to_string()),
        None => (String::new(), d.trim_end_matches('\n').to_string()),
    };
    if let Some(t) = parse_trailer(&last) {
        return (rest, Some(t));
    }
    let trimmed = d.trim();
    if trimmed.is_empty() {
        (String::new(), None)
    } else if trimmed.lines().any(|l| l.starts_with("## ")) {
        (format!("{trimmed}\n"), None)
    } else {
        (format!("## Definition\n{trimmed}\n"), None)
    }
}

/// A code's body from the Description of concord's own export (its
/// [`carried`] entry names the code): the description as written, with the
/// `## Definition` heading back that the export leaves out of a body that
/// is only a definition (see [`crate::interop::export::description_of`]).
pub fn own_body(description: Option<&str>) -> String {
    match description {
        None => String::new(),
        Some(d) if d.lines().any(is_heading) => d.to_string(),
        Some(d) => format!("## Definition\n{d}\n"),
    }
}

/// A Markdown heading line of level 1 or 2.
pub fn is_heading(line: &str) -> bool {
    line.starts_with("# ") || line.starts_with("## ")
}

fn parse_trailer(line: &str) -> Option<Trailer> {
    let rest = line.strip_prefix(TRAILER)?;
    let mut t = Trailer::default();
    for word in rest.split_whitespace() {
        let (k, v) = word.split_once('=')?;
        match k {
            "id" => t.id = Some(v.to_string()),
            "file" => {
                t.folder = v.ends_with('/');
                t.file = Some(v.trim_end_matches('/').to_string());
            }
            "weight" => t.weight = Some(v.parse().ok()?),
            _ => {}
        }
    }
    Some(t)
}

/// A name as an id: ASCII letters and digits kept (lower case), `_` kept,
/// everything else a single `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    out.chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

// ------------------------------------------------------------ the codebook

/// One code of the codebook being built: those the study has and those the
/// import adds.
#[derive(Debug, Clone)]
struct PlannedCode {
    header: CodeHeader,
    body: String,
    parent: Option<String>,
    /// The file the code is in now (existing codes).
    file: Option<String>,
    /// File or folder name below the parent's folder (new codes).
    stem: String,
    /// A new code that is a folder even without children.
    folder: bool,
    new: bool,
    changed: bool,
}

struct Book {
    codes: Vec<PlannedCode>,
    index: HashMap<String, usize>,
    /// GUID (normal form) -> code id, for the study's codes.
    by_guid: HashMap<String, String>,
    /// Name path -> code id, for the study's codes.
    by_path: HashMap<String, String>,
    /// Folder-relative names in use: `codebook/a/b` for `b.md` or `b/`.
    taken_names: BTreeSet<String>,
    /// The project's code GUIDs (normal form) -> code id.
    mapped: HashMap<String, String>,
    /// Where concord's own export says each code lives.
    places: HashMap<String, CodePlace>,
}

impl Book {
    fn new(study: &Study, places: HashMap<String, CodePlace>) -> Book {
        let mut book = Book {
            codes: Vec::new(),
            index: HashMap::new(),
            by_guid: HashMap::new(),
            by_path: HashMap::new(),
            taken_names: BTreeSet::new(),
            mapped: HashMap::new(),
            places,
        };
        for c in &study.codebook.codes {
            let guid = c
                .header
                .guid
                .clone()
                .unwrap_or_else(|| guid::of("code", c.id()));
            book.by_guid.insert(guid::normal(&guid), c.id().to_string());
            if let Some(p) = study.codebook.name_path(c.id()) {
                book.by_path.entry(p).or_insert_with(|| c.id().to_string());
            }
            book.taken_names.insert(name_of_file(&c.file));
            book.index.insert(c.id().to_string(), book.codes.len());
            book.codes.push(PlannedCode {
                header: c.header.clone(),
                body: c.body.clone(),
                parent: c.parent.clone(),
                file: Some(c.file.clone()),
                stem: String::new(),
                folder: false,
                new: false,
                changed: false,
            });
        }
        book
    }

    /// The folder a code's children go in (study-relative, no trailing `/`).
    fn folder_of(&self, id: Option<&str>) -> String {
        let Some(id) = id else {
            return CODEBOOK_DIR.to_string();
        };
        let code = &self.codes[self.index[id]];
        match &code.file {
            Some(file) => match file.strip_suffix(&format!("/{INDEX_FILE}")) {
                Some(folder) => folder.to_string(),
                None => file.trim_end_matches(".md").to_string(),
            },
            None => format!("{}/{}", self.folder_of(code.parent.as_deref()), code.stem),
        }
    }

    fn walk(
        &mut self,
        c: &refi::Code,
        parent: Option<&str>,
        parent_path: &str,
        siblings_new: &mut Vec<String>,
        report: &mut Report,
    ) {
        let path = if parent_path.is_empty() {
            c.name.clone()
        } else {
            format!("{parent_path}/{}", c.name)
        };
        let g = guid::normal(&c.guid);
        if self.mapped.contains_key(&g) {
            report.say(format!(
                "code {:?}: its GUID {} appears twice in the codebook; the second is left out",
                path, c.guid
            ));
            return;
        }
        let (body, trailer) = match self.places.get(&g) {
            Some(p) => (
                own_body(c.description.as_deref()),
                Some(Trailer {
                    id: Some(p.id.clone()),
                    file: Some(p.file.clone()),
                    folder: p.folder,
                    weight: p.weight,
                }),
            ),
            None => body_of(c.description.as_deref()),
        };
        let matched = self
            .by_guid
            .get(&g)
            .or_else(|| self.by_path.get(&path))
            .cloned();
        let id = match matched {
            Some(id) => {
                report.codes_matched += 1;
                id
            }
            None => {
                let trailer = trailer.unwrap_or_default();
                let id = match trailer
                    .id
                    .filter(|i| is_valid_id(i) && !self.index.contains_key(i))
                {
                    Some(i) => i,
                    None => self.fresh_id(&c.name),
                };
                let folder = self.folder_of(parent);
                let stem = match trailer.file.clone().filter(|f| {
                    is_valid_id(f)
                        && f != "_index"
                        && !self.taken_names.contains(&format!("{folder}/{f}"))
                }) {
                    Some(f) => f,
                    None => {
                        let base = match slug(&c.name) {
                            s if s.is_empty() || s == "_index" => "code".to_string(),
                            s => s,
                        };
                        let mut stem = base.clone();
                        let mut n = 2;
                        while self.taken_names.contains(&format!("{folder}/{stem}")) {
                            stem = format!("{base}-{n}");
                            n += 1;
                        }
                        stem
                    }
                };
                self.taken_names.insert(format!("{folder}/{stem}"));
                let color = colour(c.color.as_deref(), &id);
                let own_guid = if guid::normal(&c.guid) == guid::of("code", &id) {
                    None
                } else {
                    Some(c.guid.clone())
                };
                self.index.insert(id.clone(), self.codes.len());
                self.codes.push(PlannedCode {
                    header: CodeHeader {
                        id: id.clone(),
                        name: c.name.clone(),
                        color,
                        codable: c.codable,
                        weight: trailer.weight,
                        guid: own_guid,
                    },
                    body,
                    parent: parent.map(str::to_string),
                    file: None,
                    stem,
                    folder: trailer.folder,
                    new: true,
                    changed: false,
                });
                siblings_new.push(id.clone());
                report.codes_added += 1;
                id
            }
        };
        self.mapped.insert(g, id.clone());
        let mut children_new = Vec::new();
        for child in &c.children {
            self.walk(child, Some(&id), &path, &mut children_new, report);
        }
        self.order_siblings(&children_new);
    }

    /// Give new siblings weights when their file names alone would not
    /// keep the order the project gave them (and they have none yet).
    fn order_siblings(&mut self, ids: &[String]) {
        let codes: Vec<&PlannedCode> = ids.iter().map(|i| &self.codes[self.index[i]]).collect();
        if codes.iter().any(|c| c.header.weight.is_some()) {
            return;
        }
        let in_order = codes.windows(2).all(|w| w[0].stem <= w[1].stem);
        if in_order {
            return;
        }
        for (n, id) in ids.iter().enumerate() {
            let i = self.index[id];
            self.codes[i].header.weight = Some(n as i64 + 1);
        }
    }

    fn fresh_id(&self, name: &str) -> String {
        let base = match slug(name) {
            s if s.is_empty() => "code".to_string(),
            s => s,
        };
        let mut id = base.clone();
        let mut n = 2;
        while self.index.contains_key(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// Every new or changed code file, and the files that move away.
    fn files(&self) -> (Vec<(String, String)>, Vec<String>) {
        let mut has_children: BTreeSet<&str> = BTreeSet::new();
        for c in &self.codes {
            if let Some(p) = &c.parent {
                has_children.insert(p);
            }
        }
        let mut writes = Vec::new();
        let mut removes = Vec::new();
        for c in &self.codes {
            let id = c.header.id.as_str();
            let path = match &c.file {
                Some(file) => {
                    let is_leaf_file = !file.ends_with(&format!("/{INDEX_FILE}"));
                    if is_leaf_file && has_children.contains(id) {
                        // A leaf that now has children becomes a folder.
                        removes.push(file.clone());
                        format!("{}/{INDEX_FILE}", file.trim_end_matches(".md"))
                    } else if c.changed {
                        file.clone()
                    } else {
                        continue;
                    }
                }
                None => {
                    let folder = self.folder_of(c.parent.as_deref());
                    if has_children.contains(id) || c.folder {
                        format!("{folder}/{}/{INDEX_FILE}", c.stem)
                    } else {
                        format!("{folder}/{}.md", c.stem)
                    }
                }
            };
            writes.push((path, code_file_text(&c.header, &c.body)));
        }
        (writes, removes)
    }
}

/// `codebook/a/b` for `codebook/a/b.md` and for `codebook/a/b/_index.md`.
fn name_of_file(file: &str) -> String {
    match file.strip_suffix(&format!("/{INDEX_FILE}")) {
        Some(folder) => folder.to_string(),
        None => file.trim_end_matches(".md").to_string(),
    }
}

/// A REFI colour as concord's `#rrggbb`; the palette's colour for the
/// code's id when there is none (as for a code file without `color`).
fn colour(c: Option<&str>, id: &str) -> String {
    if let Some(c) = c.map(str::trim) {
        let hex = c.strip_prefix('#').unwrap_or("");
        if hex.chars().all(|h| h.is_ascii_hexdigit()) {
            if hex.len() == 6 {
                return c.to_string();
            }
            if hex.len() == 3 {
                let doubled: String = hex.chars().flat_map(|h| [h, h]).collect();
                return format!("#{}", doubled.to_ascii_lowercase());
            }
        }
    }
    crate::study::palette::colour_of(id).to_string()
}

// ------------------------------------------------------------ line ends

/// A source's text with LF line ends, and how to move its selections'
/// positions onto it.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalised {
    pub text: String,
    /// Character indices, in the text as given, of each `\r` of a `\r\n`.
    crlf_at: Vec<usize>,
    /// Whether positions count a CRLF as two characters (and so shift).
    pub two_chars: bool,
}

impl Normalised {
    /// A position of the project mapped onto the LF text.
    pub fn map(&self, pos: usize) -> usize {
        if self.two_chars {
            pos - self.crlf_at.partition_point(|&r| r < pos)
        } else {
            pos
        }
    }
    pub fn has_crlf(&self) -> bool {
        !self.crlf_at.is_empty()
    }
}

/// Normalise `raw` to LF and decide, from the selections, whether the tool
/// counted CRLF as one character or two. Evidence per hypothesis: positions
/// beyond the text (strong against), a boundary inside a CRLF (against), a
/// selection name that is its own text (strong for, as some tools write),
/// and boundaries on word edges (weak for). A tie counts CRLF as two
/// characters, the literal reading of "characters of the plain text".
pub fn normalise(raw: &str, selections: &[(i64, i64, Option<&str>)]) -> Normalised {
    let mut crlf_at = Vec::new();
    let mut text = String::with_capacity(raw.len());
    let mut chars = raw.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\r' {
            if matches!(chars.peek(), Some((_, '\n'))) {
                crlf_at.push(i);
            } else {
                text.push('\n');
            }
        } else {
            text.push(c);
        }
    }
    let mut n = Normalised {
        text,
        crlf_at,
        two_chars: true,
    };
    if !n.has_crlf() {
        n.two_chars = false;
        return n;
    }
    let lf: Vec<char> = n.text.chars().collect();
    let raw_len = raw.chars().count() as i64;
    let crlf_set: BTreeSet<usize> = n.crlf_at.iter().map(|r| r + 1).collect();
    let score = |two: bool| -> i64 {
        let mut s = 0i64;
        for &(start, end, name) in selections {
            if start < 0 || end <= start {
                continue;
            }
            let limit = if two { raw_len } else { lf.len() as i64 };
            if end > limit {
                s -= 10;
                continue;
            }
            let (a, b) = if two {
                if crlf_set.contains(&(start as usize)) || crlf_set.contains(&(end as usize)) {
                    s -= 5;
                }
                let m = |p: i64| {
                    let p = p as usize;
                    p - n.crlf_at.partition_point(|&r| r < p)
                };
                (m(start), m(end))
            } else {
                (start as usize, end as usize)
            };
            let quote: String = lf[a..b].iter().collect();
            if let Some(name) = name.map(str::trim).filter(|x| x.chars().count() >= 4) {
                let head: String = name.chars().take(30).collect();
                let qhead: String = quote.trim().chars().take(30).collect();
                if quote.trim().starts_with(&head) || name.starts_with(&qhead) && !qhead.is_empty()
                {
                    s += 10;
                }
            }
            let edge = |c: Option<&char>| c.is_none_or(|c| !c.is_alphanumeric());
            if a == 0 || edge(lf.get(a - 1)) {
                s += 1;
            }
            if edge(lf.get(b)) {
                s += 1;
            }
        }
        s
    };
    n.two_chars = score(true) >= score(false);
    n
}

// ------------------------------------------------------------ the plan

/// The files that bring `project` into `study` (read from `files`; both
/// empty when the import creates the study), and the report. `shown` names
/// the imported file.
pub fn plan(
    shown: &str,
    project: &Project,
    entries: &Entries,
    files: &StudyFiles,
    study: &Study,
    options: &Options,
) -> Result<Plan, InteropError> {
    let mut report = Report::default();
    let mut plan = Plan::default();

    // The codebook.
    let mut book = Book::new(study, carried::code_places(entries));
    let mut top_new = Vec::new();
    for c in &project.codes {
        book.walk(c, None, "", &mut top_new, &mut report);
    }
    book.order_siblings(&top_new);

    // Coders.
    let mut coders: Vec<Coder> = study.coders().to_vec();
    let existing_coders: BTreeSet<String> = coders.iter().map(|c| c.id.clone()).collect();
    for (user, id) in &options.coder_map {
        if !is_valid_id(id) {
            return Err(InteropError::new(
                "--coder",
                format!("{user}={id}: {id:?} cannot be a coder id"),
                "use letters, digits, '-', '_' or '.' (for example --coder \"Ann Lee=coder-a\")",
            ));
        }
    }
    let users: HashMap<String, &refi::User> = project
        .users
        .iter()
        .map(|u| (guid::normal(&u.guid), u))
        .collect();
    let mut coder_of_user: HashMap<Option<String>, String> = HashMap::new();
    let mut used_map: BTreeSet<usize> = BTreeSet::new();

    // The reconciled result of a `--consensus` export (or the user named
    // with --consensus-user) is not a coder.
    let consensus_user: Option<String> = project
        .users
        .iter()
        .find(|u| is_consensus_user(u, options))
        .map(|u| guid::normal(&u.guid));
    let from_concord = project
        .origin
        .as_deref()
        .is_some_and(|o| o.starts_with("concord"));
    // concord's own users are its coders: they become coders in their
    // order, codings or not. Other users become coders when their first
    // coding comes; a user without codings is reported, not added.
    for u in project.users.iter().filter(|u| {
        from_concord
            && Some(guid::normal(&u.guid)) != consensus_user
            && concord_coder_id(u).is_some()
    }) {
        let key = Some(guid::normal(&u.guid));
        let coder = coder_for(
            Some(u),
            key.as_deref(),
            options,
            &mut used_map,
            &coders,
            true,
        );
        add_coder(&mut coders, &mut report, &coder, u);
        coder_of_user.insert(key, coder);
    }
    let mut consensus_codings = 0usize;

    // Transcripts of the study, by GUID and by text, for matching. Only the
    // study's transcripts are matched: two sources of one file are two
    // transcripts, even with the same text (two interviews can be alike).
    let source_infos: Vec<SourceInfo> = study
        .manifest
        .as_ref()
        .map(|m| m.sources.clone())
        .unwrap_or_default();
    let mut by_guid: HashMap<String, String> = HashMap::new();
    let mut by_text: HashMap<&str, Vec<String>> = HashMap::new();
    for t in &study.transcripts {
        by_guid.insert(transcript_guid(&source_infos, &t.id), t.id.clone());
        by_text
            .entry(t.text.as_str())
            .or_default()
            .push(t.id.clone());
    }
    let mut matched_transcripts: BTreeSet<String> = BTreeSet::new();
    let mut new_sources: Vec<SourceInfo> = Vec::new();
    let mut transcript_of_source: HashMap<String, String> = HashMap::new();
    let mut transcript_ids: BTreeSet<String> =
        study.transcripts.iter().map(|t| t.id.clone()).collect();
    // Ids this import has given out, and the ids the study has, by the
    // coder and transcript they belong to: an id of the very file this
    // import replaces (or finds unchanged) may be given again, so importing
    // the same export twice gives the same ids.
    let mut used_coding_ids: BTreeSet<String> = BTreeSet::new();
    let existing_ids: HashMap<&str, (&str, &str)> = study
        .codings
        .iter()
        .flat_map(|f| {
            f.codings
                .iter()
                .map(move |c| (c.id.as_str(), (f.coder.as_str(), f.transcript.as_str())))
        })
        .collect();
    let notes: HashMap<String, &refi::Note> = project
        .notes
        .iter()
        .map(|n| (guid::normal(&n.guid), n))
        .collect();
    // (coder, transcript) -> codings
    let mut out: BTreeMap<(String, String), Vec<Coding>> = BTreeMap::new();
    let mut coded_codes: BTreeSet<String> = BTreeSet::new();

    for (n, source) in project.sources.iter().enumerate() {
        let t = match source {
            Source::Other {
                kind,
                name,
                codings,
                ..
            } => {
                report.sources_skipped += 1;
                let kind_word = kind.trim_end_matches("Source").to_lowercase();
                report.not_imported(&format!("{kind_word} source"), 1);
                report.not_imported("coding of a skipped source", *codings);
                report.codings_missed += codings;
                report.say(format!(
                    "skipped {kind_word} {:?}: not plain text (concord codes plain-text transcripts only); its {codings} coding(s) were not imported",
                    name.as_deref().unwrap_or("(unnamed)")
                ));
                continue;
            }
            Source::Text(t) => t,
        };
        let label = t
            .name
            .clone()
            .or_else(|| t.plain_text_path.clone())
            .unwrap_or_else(|| format!("source {}", n + 1));
        let raw = match source_text(t, entries) {
            Ok(raw) => raw,
            Err(why) => {
                report.sources_skipped += 1;
                let codings: usize =
                    t.selections.iter().map(|s| s.codings.len()).sum::<usize>() + t.whole.len();
                report.codings_missed += codings;
                report.say(format!("skipped source {label:?}: {why}"));
                continue;
            }
        };
        let raw = raw.strip_prefix('\u{FEFF}').unwrap_or(&raw).to_string();
        let sels: Vec<(i64, i64, Option<&str>)> = t
            .selections
            .iter()
            .map(|s| (s.start, s.end, s.name.as_deref()))
            .collect();
        let norm = normalise(&raw, &sels);
        let text = norm.text.clone();
        // Which transcript: the one with this source's GUID (the same
        // text), else one with the same text not matched yet (the one of
        // the source's name first), else a new one by name.
        let wanted = transcript_id_of(t, n);
        let same_text = by_text.get(text.as_str());
        let existing = by_guid
            .get(&guid::normal(&t.guid))
            .filter(|id| same_text.is_some_and(|ids| ids.contains(id)))
            .or_else(|| {
                let free: Vec<&String> = same_text
                    .into_iter()
                    .flatten()
                    .filter(|id| !matched_transcripts.contains(*id))
                    .collect();
                free.iter()
                    .find(|id| ***id == wanted)
                    .or(free.first())
                    .copied()
            })
            .filter(|id| !matched_transcripts.contains(*id))
            .cloned();
        let transcript = match existing {
            Some(id) => {
                matched_transcripts.insert(id.clone());
                report.sources_matched += 1;
                report.say(format!(
                    "source {label:?}: same text as transcript {id}, matched"
                ));
                id
            }
            None => {
                if study.transcript(&wanted).is_some() {
                    let codings: usize = t.selections.iter().map(|s| s.codings.len()).sum();
                    report.codings_missed += codings;
                    report.sources_skipped += 1;
                    report.say(format!(
                        "source {label:?}: the study's transcript {wanted} has different text; this source and its {codings} codings were not imported (concord matches transcripts by their exact text: export the coder's project from the same transcript, with the same line ends)"
                    ));
                    continue;
                }
                let mut id = wanted.clone();
                let mut k = 2;
                while transcript_ids.contains(&id) {
                    id = format!("{wanted}-{k}");
                    k += 1;
                }
                transcript_ids.insert(id.clone());
                let info = SourceInfo {
                    transcript: id.clone(),
                    guid: (guid::normal(&t.guid) != guid::of("transcript", &id))
                        .then(|| t.guid.clone()),
                    name: t.name.clone().filter(|name| *name != id),
                };
                if info.guid.is_some() || info.name.is_some() {
                    new_sources.push(info);
                }
                plan.writes
                    .insert(transcript_path(&id), text.clone().into_bytes());
                report.sources_added += 1;
                report.say(format!(
                    "source {label:?}: new transcript {id} ({} characters)",
                    text.chars().count()
                ));
                id
            }
        };
        transcript_of_source.insert(guid::normal(&t.guid), transcript.clone());
        if norm.has_crlf() {
            report.offsets_adjusted += usize::from(norm.two_chars);
            report.say(if norm.two_chars {
                format!("source {label:?}: CRLF line ends; the positions count each CRLF as two characters, so they were shifted onto the transcript's LF line ends")
            } else {
                format!("source {label:?}: CRLF line ends; the positions count each CRLF as one character, so they stand as they are on the transcript's LF line ends")
            });
        }
        let chars: Vec<char> = text.chars().collect();
        // A coding of the whole source is a selection of all its text.
        let raw_len = raw.chars().count() as i64;
        let whole_guids: BTreeSet<String> = t.whole.iter().map(|c| c.guid.clone()).collect();
        let whole: Vec<refi::Selection> = t
            .whole
            .iter()
            .map(|c| refi::Selection {
                guid: c.guid.clone(),
                start: 0,
                end: raw_len,
                codings: vec![c.clone()],
                ..refi::Selection::default()
            })
            .collect();
        for sel in t.selections.iter().chain(whole.iter()) {
            let at = format!(
                "{label}: selection {}-{}{}",
                sel.start,
                sel.end,
                sel.name
                    .as_deref()
                    .map(|n| format!(" ({:?})", crate::study::text::shorten(n, 30)))
                    .unwrap_or_default()
            );
            let span = if sel.start < 0 || sel.end <= sel.start {
                None
            } else {
                let (a, b) = (norm.map(sel.start as usize), norm.map(sel.end as usize));
                (a < b && b <= chars.len()).then_some((a, b))
            };
            let Some((start, end)) = span else {
                report.codings_missed += sel.codings.len();
                report.say(format!(
                    "{at}: the positions are not a span of the text ({} characters); its {} coding(s) were not imported",
                    chars.len(),
                    sel.codings.len()
                ));
                continue;
            };
            let quote: String = chars[start..end].iter().collect();
            for c in &sel.codings {
                let Some(code) = book.mapped.get(&guid::normal(&c.code)).cloned() else {
                    report.codings_missed += 1;
                    report.say(format!(
                        "{at}: codes {} which is not in the codebook; not imported",
                        c.code
                    ));
                    continue;
                };
                let user = c
                    .creating_user
                    .clone()
                    .or_else(|| sel.creating_user.clone())
                    .or_else(|| t.creating_user.clone())
                    .or_else(|| (project.users.len() == 1).then(|| project.users[0].guid.clone()))
                    .map(|g| guid::normal(&g));
                if user.is_some() && user == consensus_user {
                    consensus_codings += 1;
                    continue;
                }
                let coder = match coder_of_user.get(&user) {
                    Some(c) => c.clone(),
                    None => {
                        let u = user.as_ref().and_then(|g| users.get(g)).copied();
                        let coder = coder_for(
                            u,
                            user.as_deref(),
                            options,
                            &mut used_map,
                            &coders,
                            from_concord,
                        );
                        let fallback = refi::User {
                            guid: user.clone().unwrap_or_default(),
                            ..refi::User::default()
                        };
                        add_coder(&mut coders, &mut report, &coder, u.unwrap_or(&fallback));
                        let who = u
                            .and_then(|u| u.name.clone())
                            .or(user.clone())
                            .unwrap_or_else(|| "(no user)".into());
                        report.say(format!("user {who:?}: codings go to coder {coder}"));
                        coder_of_user.insert(user.clone(), coder.clone());
                        coder
                    }
                };
                let memo = memo_of(c, sel, &notes, entries);
                let taken = |id: &str| {
                    used_coding_ids.contains(id)
                        || existing_ids
                            .get(id)
                            .is_some_and(|&(k, t)| (k, t) != (coder.as_str(), transcript.as_str()))
                };
                let id = coding_id(sel, c, &taken);
                used_coding_ids.insert(id.clone());
                let refi = foreign_ids(sel, c, &id, whole_guids.contains(&c.guid));
                coded_codes.insert(code.clone());
                out.entry((coder.clone(), transcript.clone()))
                    .or_default()
                    .push(Coding {
                        id: id.into(),
                        code: code.into(),
                        start,
                        end,
                        quote: quote.clone(),
                        memo,
                        refi: refi.map(Box::new),
                    });
            }
        }
    }

    // Cases and variables.
    let mut cases = study.cases.clone();
    if crate::interop::cases::merge(&mut cases, project, &transcript_of_source) {
        report.say(format!(
            "{CASES_FILE}: {} variable(s), {} case(s) ({} in the file)",
            cases.variables.len(),
            cases.cases.len(),
            project.cases.len()
        ));
        report.cases = cases.cases.len();
        plan.writes
            .insert(CASES_FILE.to_string(), cases_text(&cases).into_bytes());
    }

    // What did not come in, so that nothing is dropped in silence.
    if consensus_codings > 0 {
        let who = consensus_user
            .as_ref()
            .and_then(|g| users.get(g))
            .and_then(|u| u.name.clone())
            .unwrap_or_else(|| "Consensus".into());
        report.not_imported("consensus coding", consensus_codings);
        report.say(format!(
            "user {who:?}: {consensus_codings} coding(s) are a reconciled result, not a coder's work; not imported as a coder (the study's decisions are its reconciliation: concord review)"
        ));
    }
    for u in &project.users {
        let key = Some(guid::normal(&u.guid));
        if key != consensus_user && !coder_of_user.contains_key(&key) {
            report.not_imported("user without codings", 1);
            report.say(format!(
                "user {:?} has no codings in this file; not made a coder",
                u.name.as_deref().or(u.id.as_deref()).unwrap_or(&u.guid)
            ));
        }
    }
    let referred: BTreeSet<String> = project
        .sources
        .iter()
        .filter_map(|s| match s {
            Source::Text(t) => Some(t),
            Source::Other { .. } => None,
        })
        .flat_map(|t| {
            t.selections
                .iter()
                .flat_map(|s| {
                    s.note_refs
                        .iter()
                        .chain(s.codings.iter().flat_map(|c| &c.note_refs))
                })
                .chain(t.whole.iter().flat_map(|c| &c.note_refs))
        })
        .map(|g| guid::normal(g))
        .collect();
    let loose_notes = project
        .notes
        .iter()
        .filter(|n| !referred.contains(&guid::normal(&n.guid)))
        .count();
    report.not_imported("note not on a coding", loose_notes);
    for (kind, n) in &project.unread {
        report.not_imported(kind, *n);
    }
    let dropped: Vec<String> = report
        .not_imported
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if !dropped.is_empty() {
        report.say(format!(
            "not imported (concord has no place for them; see docs/interop.md): {}",
            dropped.join(", ")
        ));
    }

    // A code the project marks not codable but that has codings becomes codable.
    for id in &coded_codes {
        let i = book.index[id];
        let c = &mut book.codes[i];
        if !c.header.codable {
            c.header.codable = true;
            c.changed = !c.new;
            report.say(format!(
                "code {:?} is marked not codable but has codings: imported as codable",
                c.header.name
            ));
        }
    }

    // Codings into files; a coder's transcript the study has already coded
    // is replaced only when asked.
    for ((coder, transcript), codings) in &out {
        let path = codings_path(coder, transcript);
        let before = study
            .codings
            .iter()
            .find(|f| &f.coder == coder && &f.transcript == transcript);
        let text = codings_text(codings);
        if let Some(before) = before {
            if codings_text(&before.codings) == text {
                report.say(format!(
                    "coder {coder}, transcript {transcript}: the study has these codings already; unchanged"
                ));
                continue;
            }
            if !options.replace {
                return Err(InteropError::new(
                    shown,
                    format!(
                        "coder {coder} already has {} codings of transcript {transcript} in the study, and this file brings {} others; nothing was imported",
                        before.codings.len(),
                        codings.len()
                    ),
                    format!(
                        "if this export is another person's work, give them their own coder: --coder \"USER={coder}-2\" (USER is the name in the export); to replace {coder}'s codings, add --replace"
                    ),
                ));
            }
            report.say(format!(
                "coder {coder}, transcript {transcript}: {} codings replaced by {}",
                before.codings.len(),
                codings.len()
            ));
        }
        *report.codings.entry(coder.clone()).or_default() += codings.len();
        plan.writes.insert(path, text.into_bytes());
    }

    // Code files.
    let (code_writes, removes) = book.files();
    for (path, text) in code_writes {
        plan.writes.insert(path, text.into_bytes());
    }
    plan.removes = removes;

    // The manifest.
    match &study.manifest {
        None => {
            let name = options
                .study_name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .or_else(|| Some(project.name.clone()).filter(|n| !n.is_empty()))
                .unwrap_or_else(|| "Imported study".into());
            let m = Manifest {
                study: StudyInfo { name },
                coders: coders.clone(),
                agreement: AgreementSettings::default(),
                reviewers: Vec::new(),
                sync: None,
                sources: new_sources.clone(),
                coding: Default::default(),
            };
            plan.writes
                .insert(MANIFEST.to_string(), manifest_text(&m).into_bytes());
        }
        Some(_) => {
            let added: Vec<&Coder> = coders
                .iter()
                .filter(|c| !existing_coders.contains(&c.id))
                .collect();
            if !added.is_empty() || !new_sources.is_empty() {
                // Appended as text, so the manifest's comments stay.
                let mut text = files
                    .get(MANIFEST)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default();
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                for c in &added {
                    text.push_str(&format!(
                        "\n[[coder]]\nid = {}\nname = {}\n",
                        toml_string(&c.id),
                        toml_string(&c.name)
                    ));
                    if let Some(g) = &c.guid {
                        text.push_str(&format!("guid = {}\n", toml_string(g)));
                    }
                }
                for s in &new_sources {
                    text.push_str(&format!(
                        "\n[[source]]\ntranscript = {}\n",
                        toml_string(&s.transcript)
                    ));
                    if let Some(g) = &s.guid {
                        text.push_str(&format!("guid = {}\n", toml_string(g)));
                    }
                    if let Some(n) = &s.name {
                        text.push_str(&format!("name = {}\n", toml_string(n)));
                    }
                }
                plan.writes.insert(MANIFEST.to_string(), text.into_bytes());
            }
            if !added.is_empty() {
                report.say(format!(
                    "added to {MANIFEST}: coder(s) {}",
                    added
                        .iter()
                        .map(|c| c.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    for (i, (user, id)) in options.coder_map.iter().enumerate() {
        if !used_map.contains(&i) {
            report.say(format!(
                "--coder {user}={id}: no user of this file is called {user:?}; not used"
            ));
        }
    }
    plan.report = report;
    Ok(plan)
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The text of a text source: embedded, or a plain-text file in the archive
/// (`internal://NAME` is `sources/NAME`; qc writes the bare name).
fn source_text(t: &TextSource, entries: &Entries) -> Result<String, String> {
    if let Some(c) = &t.content {
        return Ok(c.clone());
    }
    let Some(path) = &t.plain_text_path else {
        return Err(if t.rich_text_path.is_some() {
            "rich text without a plain-text version (export it with plain text, or as .txt)".into()
        } else {
            "it has no text (no PlainTextContent and no plainTextPath)".into()
        });
    };
    let name = path.strip_prefix("internal://").unwrap_or(path);
    if name.contains("://") {
        return Err(format!(
            "its text is outside the archive ({path}); export the project with its sources embedded"
        ));
    }
    let bytes = entries
        .get(&format!("sources/{name}"))
        .or_else(|| entries.get(name))
        .ok_or_else(|| format!("its text file {path} is not in the archive"))?;
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "its text file {path} is not UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The transcript id a source asks for: its name, else its file's name.
fn transcript_id_of(t: &TextSource, n: usize) -> String {
    let from = |s: &str| {
        let base = s.rsplit(['/', '\\']).next().unwrap_or(s);
        let base = base.strip_prefix("internal://").unwrap_or(base);
        let stem = base
            .strip_suffix(".txt")
            .or_else(|| base.strip_suffix(".TXT"))
            .unwrap_or(base);
        if is_valid_id(stem) {
            stem.to_string()
        } else {
            slug(stem)
        }
    };
    t.name
        .as_deref()
        .map(from)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            t.plain_text_path
                .as_deref()
                .map(from)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| format!("source-{}", n + 1))
}

/// The coder a REFI user's codings go to, the same person whatever tool
/// exported them: as mapped with --coder; else the study's coder with the
/// user's GUID (kept from an earlier import, or concord's own); else, in a
/// file concord wrote, the coder id it wrote in `@id`; else the study's
/// coder with the user's name; else a new coder named after the user.
/// Another tool's `@id` is not an id (NVivo writes the initials there).
fn coder_for(
    user: Option<&refi::User>,
    guid: Option<&str>,
    options: &Options,
    used_map: &mut BTreeSet<usize>,
    coders: &[Coder],
    from_concord: bool,
) -> String {
    for (i, (key, id)) in options.coder_map.iter().enumerate() {
        let hit = user.is_some_and(|u| {
            u.name.as_deref() == Some(key.as_str()) || u.id.as_deref() == Some(key.as_str())
        }) || guid.is_some_and(|g| g == guid::normal(key));
        if hit {
            used_map.insert(i);
            return id.clone();
        }
    }
    if let Some(g) = guid {
        if let Some(c) = coders.iter().find(|c| coder_guid(c) == g) {
            return c.id.clone();
        }
    }
    if let Some(id) = user.and_then(concord_coder_id) {
        return id;
    }
    if from_concord {
        if let Some(id) = user.and_then(|u| u.id.clone()).filter(|i| is_valid_id(i)) {
            return id;
        }
    }
    if let Some(name) = user.and_then(|u| u.name.as_deref()) {
        if let Some(c) = coders.iter().find(|c| c.name == name) {
            return c.id.clone();
        }
        let s = slug(name);
        if !s.is_empty() {
            return s;
        }
    }
    if let Some(id) = user
        .and_then(|u| u.id.as_deref())
        .map(slug)
        .filter(|s| !s.is_empty())
    {
        return id;
    }
    "imported".to_string()
}

/// A coder's REFI GUID (normal form): kept from an import, else concord's own.
pub fn coder_guid(c: &Coder) -> String {
    c.guid
        .as_deref()
        .map(guid::normal)
        .unwrap_or_else(|| guid::of("coder", &c.id))
}

/// The coder id of a user concord wrote: its `@id`, when the user's GUID is
/// the one concord derives from that id.
fn concord_coder_id(u: &refi::User) -> Option<String> {
    let id = u.id.as_deref().filter(|i| is_valid_id(i))?;
    (guid::normal(&u.guid) == guid::of("coder", id)).then(|| id.to_string())
}

/// Whether a user's codings are a reconciled result (see [`Options::consensus_user`]).
fn is_consensus_user(u: &refi::User, options: &Options) -> bool {
    let g = guid::normal(&u.guid);
    if g == guid::of("coder", crate::interop::export::CONSENSUS_ID) {
        return true;
    }
    options.consensus_user.as_deref().is_some_and(|k| {
        u.name.as_deref() == Some(k) || u.id.as_deref() == Some(k) || g == guid::normal(k)
    })
}

/// A coding's memo: the notes its Coding (then its selection) refers to.
fn memo_of(
    c: &refi::Coding,
    sel: &refi::Selection,
    notes: &HashMap<String, &refi::Note>,
    entries: &Entries,
) -> String {
    let texts: Vec<String> = c
        .note_refs
        .iter()
        .chain(sel.note_refs.iter())
        .filter_map(|r| notes.get(&guid::normal(r)))
        .filter_map(|n| match (&n.content, &n.plain_text_path) {
            (Some(t), _) => Some(t.clone()),
            (None, Some(p)) => {
                let name = p.strip_prefix("internal://").unwrap_or(p);
                entries
                    .get(&format!("sources/{name}"))
                    .map(|b| String::from_utf8_lossy(b).into_owned())
            }
            _ => None,
        })
        .collect();
    texts.join("\n\n")
}

/// A coding's id: the selection's name when concord wrote it (`c-...`, one
/// coding per selection), else derived from the Coding's GUID.
/// A coder the study does not have yet joins it, named after the export's
/// user (or by its id when the user has no name), keeping the user's GUID
/// when it is not the one concord derives from the coder id.
fn add_coder(coders: &mut Vec<Coder>, report: &mut Report, coder: &str, user: &refi::User) {
    if coders.iter().any(|x| x.id == coder) {
        return;
    }
    let name = user
        .name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(coder)
        .to_string();
    let g = guid::normal(&user.guid);
    let guid = (!user.guid.is_empty() && g != guid::of("coder", coder)).then(|| user.guid.clone());
    coders.push(Coder {
        id: coder.to_string(),
        name,
        guid,
    });
    report.coders_added.push(coder.to_string());
}

/// The foreign selection a coding came from, unless it is the one concord
/// derives from the coding's id (concord's own export) or the coding is of
/// a whole source (no selection to keep).
fn foreign_ids(
    sel: &refi::Selection,
    c: &refi::Coding,
    id: &str,
    whole: bool,
) -> Option<SelectionIds> {
    if whole || guid::normal(&sel.guid) == guid::of("selection", id) {
        return None;
    }
    Some(SelectionIds {
        selection: sel.guid.clone(),
        name: sel.name.clone(),
        coding: (guid::normal(&c.guid) != guid::of("coding", id)).then(|| c.guid.clone()),
    })
}

/// A transcript's REFI GUID (normal form): kept from an import, else concord's own.
pub fn transcript_guid(sources: &[SourceInfo], id: &str) -> String {
    sources
        .iter()
        .find(|s| s.transcript == id)
        .and_then(|s| s.guid.as_deref())
        .map(guid::normal)
        .unwrap_or_else(|| guid::of("transcript", id))
}

fn coding_id(sel: &refi::Selection, c: &refi::Coding, taken: &dyn Fn(&str) -> bool) -> String {
    if let Some(name) = sel.name.as_deref() {
        if sel.codings.len() == 1 && name.starts_with("c-") && is_valid_id(name) && !taken(name) {
            return name.to_string();
        }
    }
    let base = format!("c-{}", guid::short_hash(&guid::normal(&c.guid)));
    let mut id = base.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_become_bodies() {
        assert_eq!(body_of(None), (String::new(), None));
        assert_eq!(
            body_of(Some("Plain words.\r\nMore.")).0,
            "## Definition\nPlain words.\nMore.\n"
        );
        let (body, t) = body_of(Some(
            "## Definition\nX\n\n## Examples\n> y\nconcord: id=a-b file=b weight=3",
        ));
        assert_eq!(body, "## Definition\nX\n\n## Examples\n> y\n");
        assert_eq!(
            t,
            Some(Trailer {
                id: Some("a-b".into()),
                file: Some("b".into()),
                folder: false,
                weight: Some(3)
            })
        );
        assert_eq!(body_of(Some("concord: id=x file=x")).0, "");
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(
            slug("Self-efficacy (maintenance)"),
            "self-efficacy-maintenance"
        );
        assert_eq!(slug("rq1_definition"), "rq1_definition");
        assert_eq!(slug("Zoë's"), "zo-s");
        assert_eq!(slug("日本"), "");
    }

    #[test]
    fn line_ends_are_detected_from_selections() {
        // "ab\r\ncd\r\nef": "cd" is raw 4..6, LF 3..5.
        let raw = "ab\r\ncd\r\nef";
        let two = normalise(raw, &[(4, 6, Some("cd zz")), (8, 10, None)]);
        assert_eq!(two.text, "ab\ncd\nef");
        assert!(two.two_chars);
        assert_eq!(
            (two.map(4), two.map(6), two.map(8), two.map(10)),
            (3, 5, 6, 8)
        );
        let one = normalise(raw, &[(3, 5, None), (6, 8, None)]);
        assert!(!one.two_chars);
        assert_eq!(one.map(6), 6);
        let none = normalise("ab\ncd", &[(0, 2, None)]);
        assert!(!none.has_crlf());
    }
}
