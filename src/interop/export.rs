//! A study as a REFI-QDA project or codebook. Every GUID is derived from
//! stable study data ([`guid::of`]), every list is in a fixed order, and
//! the archive has fixed times, so the same study exports to the same bytes.

use std::collections::{BTreeSet, HashMap};

use crate::align::review_units;
use crate::interop::carried::{self, CodePlace};
use crate::interop::import::is_heading;
use crate::interop::refi::{self, Project, Selection, Source, TextSource, User};
use crate::interop::{InteropError, archive, guid};
use crate::review::consensus;
use crate::study::files::INDEX_FILE;
use crate::study::{Code, SelectionIds, Study};

/// The coder id and name of the reconciled result in an export.
pub const CONSENSUS_ID: &str = "consensus";
pub const CONSENSUS_NAME: &str = "Consensus";

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The coders whose codings go in (`None`: all, in manifest order).
    pub coders: Option<Vec<String>>,
    /// Add the reconciled result as the codings of a "consensus" user.
    pub consensus: bool,
}

/// What an export holds, for the message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub codes: usize,
    pub transcripts: usize,
    pub codings: usize,
    pub coders: Vec<String>,
    /// With --consensus: excerpts, and units left out as not yet settled.
    pub consensus_codings: usize,
    pub unsettled_units: usize,
}

pub fn origin() -> String {
    format!("concord {}", env!("CARGO_PKG_VERSION"))
}

/// The codebook as REFI codes, in the study's tree order.
pub fn codes(study: &Study) -> Vec<refi::Code> {
    fn build(study: &Study, code: &Code) -> refi::Code {
        refi::Code {
            guid: code_guid(code),
            name: code.name().to_string(),
            codable: code.header.codable,
            color: Some(code.header.color.clone()),
            description: description_of(&code.body),
            children: study
                .codebook
                .children(code.id())
                .map(|c| build(study, c))
                .collect(),
        }
    }
    study
        .codebook
        .codes
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| build(study, c))
        .collect()
}

/// A code's REFI Description: its Markdown body as the team wrote it; none
/// for an empty body. A body that is only a `## Definition` section goes
/// out as the definition's text (what other tools show as the code's
/// description); an import adds the heading back (`import::own_body`).
pub fn description_of(body: &str) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    if let Some(inner) = body
        .strip_prefix("## Definition\n")
        .and_then(|r| r.strip_suffix('\n'))
    {
        if !inner.is_empty() && inner == inner.trim() && !inner.lines().any(is_heading) {
            return Some(inner.to_string());
        }
    }
    Some(body.to_string())
}

/// Where each code lives, for concord's own import of the export.
pub fn code_places(study: &Study) -> Vec<CodePlace> {
    study
        .codebook
        .codes
        .iter()
        .map(|c| CodePlace {
            guid: code_guid(c),
            id: c.id().to_string(),
            file: stem(c).to_string(),
            folder: c.file.ends_with(INDEX_FILE),
            weight: c.header.weight,
        })
        .collect()
}

/// The file or folder name of a code below its parent's folder.
fn stem(code: &Code) -> &str {
    let file = code
        .file
        .strip_suffix(&format!("/{INDEX_FILE}"))
        .unwrap_or(&code.file);
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".md").unwrap_or(name)
}

pub fn code_guid(code: &Code) -> String {
    code.header
        .guid
        .clone()
        .unwrap_or_else(|| guid::of("code", code.id()))
}

/// An archive entry: its name and bytes.
pub type SourceFile = (String, Vec<u8>);

/// Selections sort by start, end, coder's rank, code, id.
type SelectionKey = (usize, usize, usize, String, String);

/// The project and the plain-text files it refers to.
pub fn project(
    study: &Study,
    options: &Options,
) -> Result<(Project, Vec<SourceFile>, Summary), InteropError> {
    let all: Vec<&str> = study.coders().iter().map(|c| c.id.as_str()).collect();
    let coders: Vec<&str> = match &options.coders {
        None => all.clone(),
        Some(wanted) => {
            for w in wanted {
                if !all.contains(&w.as_str()) {
                    return Err(InteropError::new(
                        "--coders",
                        format!("{w:?} is not a coder of the study"),
                        format!("name coders from concord.toml: {}", all.join(", ")),
                    ));
                }
            }
            all.iter()
                .copied()
                .filter(|c| wanted.iter().any(|w| w == c))
                .collect()
        }
    };
    let mut summary = Summary {
        codes: study.codebook.codes.len(),
        transcripts: study.transcripts.len(),
        coders: coders.iter().map(|c| c.to_string()).collect(),
        ..Summary::default()
    };
    // A coder imported from another tool keeps that user's GUID.
    let guids: HashMap<&str, String> = study
        .coders()
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.guid.clone().unwrap_or_else(|| guid::of("coder", &c.id)),
            )
        })
        .collect();
    let user_guid = |id: &str| {
        guids
            .get(id)
            .cloned()
            .unwrap_or_else(|| guid::of("coder", id))
    };
    let sources_info = study
        .manifest
        .as_ref()
        .map(|m| m.sources.as_slice())
        .unwrap_or(&[]);
    let mut users: Vec<User> = study
        .coders()
        .iter()
        .filter(|c| coders.contains(&c.id.as_str()))
        .map(|c| User {
            guid: user_guid(&c.id),
            name: Some(c.name.clone()),
            id: Some(c.id.clone()),
        })
        .collect();
    let consensus = options.consensus.then(|| {
        let units = review_units(study);
        consensus(&units, &study.decisions)
    });
    if consensus.is_some() {
        users.push(User {
            guid: guid::of("coder", CONSENSUS_ID),
            name: Some(CONSENSUS_NAME.into()),
            id: Some(CONSENSUS_ID.into()),
        });
    }
    let code_guids: std::collections::HashMap<&str, String> = study
        .codebook
        .codes
        .iter()
        .map(|c| (c.id(), code_guid(c)))
        .collect();
    let mut sources = Vec::new();
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let transcript_guid = |id: &str| {
        sources_info
            .iter()
            .find(|s| s.transcript == id)
            .and_then(|s| s.guid.clone())
            .unwrap_or_else(|| guid::of("transcript", id))
    };
    let (variables, cases, mut values) =
        crate::interop::cases::to_refi(&study.cases, &transcript_guid);
    for t in &study.transcripts {
        let info = sources_info.iter().find(|s| s.transcript == t.id);
        let tguid = info
            .and_then(|s| s.guid.clone())
            .unwrap_or_else(|| guid::of("transcript", &t.id));
        let path = format!("{}.txt", guid::normal(&tguid));
        files.push((format!("sources/{path}"), t.text.clone().into_bytes()));
        // (start, end, coder rank, code, id) keeps the order total.
        let mut sels: Vec<(SelectionKey, Selection)> = Vec::new();
        for (rank, coder) in coders.iter().enumerate() {
            let Some(file) = study
                .codings
                .iter()
                .find(|f| f.coder == *coder && f.transcript == t.id)
            else {
                continue;
            };
            for c in &file.codings {
                let Some(code) = code_guids.get(c.code.as_str()) else {
                    continue;
                };
                let mut note_refs = Vec::new();
                if !c.memo.is_empty() {
                    let g = guid::of("memo", &c.id);
                    notes.push(refi::Note {
                        guid: g.clone(),
                        name: Some(format!("Memo on {}", c.id)),
                        content: Some(c.memo.clone()),
                        plain_text_path: None,
                    });
                    note_refs.push(g);
                }
                summary.codings += 1;
                sels.push((
                    (c.start, c.end, rank, c.code.to_string(), c.id.to_string()),
                    selection(
                        &c.id,
                        c.start,
                        c.end,
                        &user_guid(coder),
                        code,
                        note_refs,
                        c.refi.as_deref(),
                    ),
                ));
            }
        }
        if let Some(k) = &consensus {
            for s in k.spans.get(&t.id).into_iter().flatten() {
                let Some(code) = code_guids.get(s.code.as_str()) else {
                    continue;
                };
                let id = format!(
                    "c-k{}",
                    guid::short_hash(&format!("{}:{}:{}:{}", t.id, s.code, s.start, s.end))
                );
                summary.consensus_codings += 1;
                sels.push((
                    (s.start, s.end, usize::MAX, s.code.clone(), id.clone()),
                    selection(
                        &id,
                        s.start,
                        s.end,
                        &guid::of("coder", CONSENSUS_ID),
                        code,
                        vec![],
                        None,
                    ),
                ));
            }
        }
        sels.sort_by(|a, b| a.0.cmp(&b.0));
        sources.push(Source::Text(TextSource {
            guid: tguid,
            name: Some(
                info.and_then(|s| s.name.clone())
                    .unwrap_or_else(|| t.id.clone()),
            ),
            plain_text_path: Some(format!("internal://{path}")),
            selections: one_selection_per_guid(sels.into_iter().map(|(_, s)| s)),
            values: values.remove(&t.id).unwrap_or_default(),
            ..TextSource::default()
        }));
    }
    if let Some(k) = &consensus {
        summary.unsettled_units = k.unsettled;
    }
    // Notes in a fixed order whatever the loops' order.
    notes.sort_by(|a, b| a.guid.cmp(&b.guid));
    let mut seen = BTreeSet::new();
    notes.retain(|n| seen.insert(n.guid.clone()));
    Ok((
        Project {
            name: study.name().to_string(),
            origin: Some(origin()),
            users,
            codes: codes(study),
            sources,
            notes,
            variables,
            cases,
            unread: Default::default(),
        },
        files,
        summary,
    ))
}

/// The selection of one coding: the foreign selection it came from (its
/// GUIDs and name), else one concord derives from the coding's id.
fn selection(
    id: &str,
    start: usize,
    end: usize,
    user: &str,
    code: &str,
    note_refs: Vec<String>,
    foreign: Option<&SelectionIds>,
) -> Selection {
    Selection {
        guid: foreign
            .map(|f| f.selection.clone())
            .unwrap_or_else(|| guid::of("selection", id)),
        name: match foreign {
            Some(f) => f.name.clone(),
            None => Some(id.to_string()),
        },
        start: start as i64,
        end: end as i64,
        creating_user: Some(user.to_string()),
        codings: vec![refi::Coding {
            guid: foreign
                .and_then(|f| f.coding.clone())
                .unwrap_or_else(|| guid::of("coding", id)),
            creating_user: Some(user.to_string()),
            code: code.to_string(),
            note_refs,
        }],
        note_refs: vec![],
    }
}

/// Codings that came from one foreign selection (several codes on one
/// passage) go back into that one selection; a GUID is never written twice
/// (a coding whose passage was since changed gets a selection of its own).
fn one_selection_per_guid(sels: impl Iterator<Item = Selection>) -> Vec<Selection> {
    let mut out: Vec<Selection> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut coding_guids: BTreeSet<String> = BTreeSet::new();
    for mut s in sels {
        for c in &mut s.codings {
            if !coding_guids.insert(guid::normal(&c.guid)) {
                c.guid = guid::of("coding", &format!("{}:{}", c.guid, out.len()));
            }
        }
        match at.get(&guid::normal(&s.guid)) {
            Some(&i) if (out[i].start, out[i].end) == (s.start, s.end) => {
                out[i].codings.append(&mut s.codings);
            }
            Some(_) => {
                s.guid = guid::of("selection", &format!("{}:{}", s.guid, out.len()));
                out.push(s);
            }
            None => {
                at.insert(guid::normal(&s.guid), out.len());
                out.push(s);
            }
        }
    }
    out
}

/// The `.qdpx` archive's bytes.
pub fn qdpx(study: &Study, options: &Options) -> Result<(Vec<u8>, Summary), InteropError> {
    let (project, sources, summary) = project(study, options)?;
    let mut entries = vec![(
        "project.qde".to_string(),
        refi::project_xml(&project).into_bytes(),
    )];
    entries.extend(sources);
    entries.push((
        carried::ENTRY.to_string(),
        carried::entry(code_places(study)),
    ));
    Ok((archive::write(&entries)?, summary))
}

/// The `.qdc` file's text.
pub fn qdc(study: &Study) -> String {
    refi::codebook_xml(&codes(study), &origin())
}
