//! The study's values, in the researcher's words. These are what the parsers
//! produce and the writers take; nothing here knows about files or git.

use serde::{Deserialize, Serialize};

/// `concord.toml`: the study's name, its coders and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub study: StudyInfo,
    #[serde(rename = "coder", default)]
    pub coders: Vec<Coder>,
    #[serde(default)]
    pub agreement: AgreementSettings,
    /// Who reviews, when the team lists them (`[[reviewer]]`): `concord
    /// status` then counts each one's decisions. Optional; anyone may decide.
    #[serde(rename = "reviewer", default, skip_serializing_if = "Vec::is_empty")]
    pub reviewers: Vec<Reviewer>,
    /// `[sync]`: how the review screen shares decisions with the remote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<SyncSettings>,
    /// What an import from another tool knew about each transcript (its
    /// REFI-QDA GUID and name), kept so that an export gives them back.
    #[serde(rename = "source", default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceInfo>,
    #[serde(default, skip_serializing_if = "CodingSettings::is_default")]
    pub coding: CodingSettings,
}

/// `[coding]` in `concord.toml`: how coders code in concord.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodingSettings {
    /// Blind coding (the default): a coder sees only their own codings of a
    /// transcript until they mark it done. `false` for teams that code openly.
    #[serde(default = "default_blind")]
    pub blind: bool,
}

fn default_blind() -> bool {
    true
}

impl Default for CodingSettings {
    fn default() -> Self {
        CodingSettings { blind: true }
    }
}

impl CodingSettings {
    pub fn is_default(&self) -> bool {
        *self == CodingSettings::default()
    }
}

/// `[sync]` in concord.toml (or the user's config file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncSettings {
    /// Fetch and integrate on its own this often ("60s", "5m"); none: only on `S`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
}

/// A person who reconciles the coding, as decisions name them (`Name <email>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewer {
    pub name: String,
    /// Matched against the email in each decision's `reviewer`; without
    /// it, the name is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `[[source]]` in `concord.toml`: a transcript's identity in the tool it
/// came from. Only written when it differs from what concord derives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    /// The transcript's id (`transcripts/<id>.txt`).
    pub transcript: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    /// The source's name in the other tool (`Interview A.txt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyInfo {
    pub name: String,
}

/// A person who codes transcripts. `id` names the folder under `codings/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coder {
    pub id: String,
    pub name: String,
    /// The REFI-QDA GUID of the user this coder came from in another tool,
    /// kept so that a second import finds the same person and an export
    /// gives the GUID back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementSettings {
    /// For the segment-level measure: the share of the union of two
    /// excerpts that their overlap must reach for them to count as the same.
    #[serde(default = "default_segment_overlap")]
    pub segment_overlap: f64,
    /// The figure the team reports (`concord report` puts it first), by its
    /// name in [`crate::agreement::chosen_measure::ChosenMeasure`]; checked
    /// by validation, so an unknown name is a problem with its line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
}

fn default_segment_overlap() -> f64 {
    0.9
}

impl Default for AgreementSettings {
    fn default() -> Self {
        AgreementSettings {
            segment_overlap: default_segment_overlap(),
            measure: None,
        }
    }
}

/// The TOML front matter of a code file, in its canonical key order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeHeader {
    /// Stable: codings refer to it, so a code can be renamed or moved freely.
    pub id: String,
    pub name: String,
    pub color: String,
    #[serde(default = "default_codable")]
    pub codable: bool,
    /// Sort key among siblings (lower first), as in Zola and Hugo; codes
    /// without one follow, by file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// The REFI-QDA guid of a code that came from another tool, kept so that
    /// an export round-trips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
}

fn default_codable() -> bool {
    true
}

/// One code of the codebook: its header, its place in the tree, and the
/// Markdown body that defines it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Code {
    pub header: CodeHeader,
    /// Study-relative path of the file, e.g.
    /// `codebook/intrapsychic/self-efficacy/maintenance.md`.
    pub file: String,
    /// Id of the parent code (the code of the enclosing folder), if any.
    pub parent: Option<String>,
    /// 0 for a top-level code (a group), 1 for its children, and so on.
    pub depth: usize,
    /// The Markdown after the front matter, exactly as written.
    pub body: String,
}

impl Code {
    pub fn id(&self) -> &str {
        &self.header.id
    }
    pub fn name(&self) -> &str {
        &self.header.name
    }
    /// The text of one `## Heading` section of the body (trimmed), if present.
    pub fn section(&self, heading: Section) -> Option<&str> {
        crate::study::parse::code_file::section(&self.body, heading.title())
    }
}

/// The sections a code's body is expected to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Definition,
    WhenToUse,
    WhenNotToUse,
    Examples,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Definition,
        Section::WhenToUse,
        Section::WhenNotToUse,
        Section::Examples,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Section::Definition => "Definition",
            Section::WhenToUse => "When to use",
            Section::WhenNotToUse => "When not to use",
            Section::Examples => "Examples",
        }
    }
}

/// The codebook: every code in tree order (a parent before its children,
/// siblings by file name).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Codebook {
    pub codes: Vec<Code>,
}

impl Codebook {
    pub fn get(&self, id: &str) -> Option<&Code> {
        self.codes.iter().find(|c| c.id() == id)
    }
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Code> + 'a {
        self.codes
            .iter()
            .filter(move |c| c.parent.as_deref() == Some(id))
    }
    /// A code as a commit message or the screen names it: the last two
    /// levels of its place in the codebook (`self-efficacy/maintenance`), or
    /// its id when the codebook has no such code.
    pub fn short_label(&self, id: &str) -> String {
        match self.get(id) {
            Some(code) => {
                let path = code
                    .file
                    .trim_start_matches("codebook/")
                    .trim_end_matches(".md")
                    .trim_end_matches("/_index");
                let parts: Vec<&str> = path.split('/').collect();
                parts[parts.len().saturating_sub(2)..].join("/")
            }
            None => id.to_string(),
        }
    }
    /// The names from the top of the tree down to this code, joined by `/`
    /// (`Intrapsychic factors/Self-efficacy/Maintenance self-efficacy`).
    pub fn name_path(&self, id: &str) -> Option<String> {
        let mut names = Vec::new();
        let mut cur = self.get(id);
        while let Some(code) = cur {
            names.push(code.name().to_string());
            // A cycle is impossible (parents come from folders) but bound the walk anyway.
            if names.len() > self.codes.len() {
                break;
            }
            cur = code.parent.as_deref().and_then(|p| self.get(p));
        }
        if names.is_empty() {
            return None;
        }
        names.reverse();
        Some(names.join("/"))
    }
}

/// A source text: UTF-8 with LF line ends. Offsets into it count `char`s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The file stem: `transcripts/fg1.txt` is `fg1`.
    pub id: String,
    pub text: String,
    /// Length in Unicode scalar values, the unit of every offset.
    pub chars: usize,
    /// Character offsets to bytes, built once with the text.
    index: crate::study::text::CharIndex,
}

impl Transcript {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Transcript {
        let text = text.into();
        let index = crate::study::text::CharIndex::new(&text);
        Transcript {
            id: id.into(),
            chars: index.chars(),
            text,
            index,
        }
    }
    /// The characters `[start, end)`, or `None` when out of range; costs
    /// the same wherever in the text they are.
    pub fn slice(&self, start: usize, end: usize) -> Option<&str> {
        self.index.slice(&self.text, start, end)
    }
    /// The byte offset of character `n` (`text.len()` for the end).
    pub fn byte_of(&self, n: usize) -> Option<usize> {
        self.index.byte_of(&self.text, n)
    }
    /// The character offset of byte `byte` (a character boundary).
    pub fn char_of(&self, byte: usize) -> usize {
        self.index.char_of(&self.text, byte)
    }
}

/// One coded excerpt: a code applied by one coder to `[start, end)` of a
/// transcript. Field order is the canonical key order on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coding {
    pub id: crate::align::Id,
    pub code: crate::align::Id,
    pub start: usize,
    pub end: usize,
    /// The excerpt's text, so a diff is readable and an edit of the
    /// transcript under a coding can be detected.
    pub quote: String,
    #[serde(default)]
    pub memo: String,
    /// The REFI-QDA identity of the coded selection this coding came from
    /// (another tool's GUIDs and the selection's name, such as qc's
    /// `line:12`), kept so that an export gives them back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refi: Option<Box<SelectionIds>>,
}

/// A foreign selection's identity: `{"selection":GUID,"name":...,"coding":GUID}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionIds {
    /// The `PlainTextSelection`'s GUID.
    pub selection: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The `Coding`'s GUID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coding: Option<String>,
}

/// One coder's codings of one transcript (`codings/<coder>/<transcript>.jsonl`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodingFile {
    pub coder: String,
    pub transcript: String,
    pub codings: Vec<Coding>,
    /// 1-based line of each coding in the file as read, for messages.
    pub lines: Vec<usize>,
}

/// A line of `codings/<coder>/_done.jsonl`: the coder marked a transcript
/// done (with `D` in the coding screen). Blind coding lifts for them there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Done {
    pub transcript: String,
    /// RFC 3339 UTC time, handed in by the effects layer.
    pub at: String,
    /// The commit the coder's codings were at when they marked it done.
    pub commit: String,
}

/// One coder's done marks (`codings/<coder>/_done.jsonl`), in file order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoneFile {
    pub coder: String,
    pub marks: Vec<Done>,
    pub lines: Vec<usize>,
}

/// A span of a decision's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultSpan {
    pub code: String,
    pub start: usize,
    pub end: usize,
}

/// What a reviewer decided about a review unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Take one coder's version (`chosen` names the coder).
    Accept,
    /// Take the union of all coders' excerpts.
    Union,
    /// Nothing is coded here.
    Reject,
    /// An edited result (boundaries or codes).
    Custom,
    /// Undo of an earlier decision (`reverts` names it).
    Revert,
    /// Not a decision: the unit is marked "needs discussion" with a note, to
    /// be settled at the team's meeting. It does not settle the unit; a later
    /// decision does, and a later discussion line replaces its note.
    Discuss,
}

impl Action {
    /// Whether a line with this action settles its unit (accept, union,
    /// reject, custom). A revert or a discussion mark does not.
    pub fn settles(self) -> bool {
        !matches!(self, Action::Revert | Action::Discuss)
    }
}

/// One line of `decisions/<transcript>.jsonl`, an append-only log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub id: String,
    pub unit: String,
    /// The ids of the codings the reviewer saw; if they change the decision is stale.
    pub basis: Vec<String>,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverts: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen: Option<String>,
    #[serde(default)]
    pub result: Vec<ResultSpan>,
    pub reviewer: String,
    /// RFC 3339 UTC time, handed in by the effects layer.
    pub at: String,
    #[serde(default)]
    pub note: String,
}

/// The decisions log of one transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionFile {
    pub transcript: String,
    pub decisions: Vec<Decision>,
    pub lines: Vec<usize>,
}

/// A whole study as loaded: whatever parsed, even when other parts did not,
/// so that `status` can describe a study that `check` complains about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Study {
    pub manifest: Option<Manifest>,
    pub codebook: Codebook,
    pub transcripts: Vec<Transcript>,
    pub codings: Vec<CodingFile>,
    pub decisions: Vec<DecisionFile>,
    /// `cases.toml`: cases and variables (empty when there is none).
    pub cases: crate::study::cases::Cases,
    /// Which coder marked which transcript done.
    pub done: Vec<DoneFile>,
}

impl Study {
    pub fn name(&self) -> &str {
        self.manifest
            .as_ref()
            .map(|m| m.study.name.as_str())
            .unwrap_or("(unnamed study)")
    }
    pub fn coders(&self) -> &[Coder] {
        self.manifest
            .as_ref()
            .map(|m| m.coders.as_slice())
            .unwrap_or(&[])
    }
    /// Transcripts are usually in id order (read in path order), so a
    /// binary search finds one without a walk per lookup (callers look one
    /// up per unit); the walk remains for any other order.
    pub fn transcript(&self, id: &str) -> Option<&Transcript> {
        match self.transcripts.binary_search_by(|t| t.id.as_str().cmp(id)) {
            Ok(i) => Some(&self.transcripts[i]),
            Err(_) => self.transcripts.iter().find(|t| t.id == id),
        }
    }
    /// Whether `coder` has marked `transcript` done.
    pub fn is_done(&self, coder: &str, transcript: &str) -> bool {
        self.done
            .iter()
            .filter(|f| f.coder == coder)
            .any(|f| f.marks.iter().any(|m| m.transcript == transcript))
    }
    /// Whether coding is blind (the default when there is no manifest).
    pub fn blind(&self) -> bool {
        self.manifest.as_ref().is_none_or(|m| m.coding.blind)
    }
}
