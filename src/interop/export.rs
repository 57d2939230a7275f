//! A study as a REFI-QDA project or codebook. Every GUID is derived from
//! stable study data ([`guid::of`]), every list is in a fixed order, and
//! the archive has fixed times, so the same study exports to the same bytes.

use std::collections::BTreeSet;

use crate::align::review_units;
use crate::interop::import::trailer_line;
use crate::interop::refi::{self, Project, Selection, Source, TextSource, User};
use crate::interop::{InteropError, archive, guid};
use crate::review::consensus;
use crate::study::files::INDEX_FILE;
use crate::study::{Code, Study};

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
        let mut description = code.body.clone();
        if !description.is_empty() && !description.ends_with('\n') {
            description.push('\n');
        }
        description.push_str(&trailer_line(
            code.id(),
            stem(code),
            code.file.ends_with(INDEX_FILE),
            code.header.weight,
        ));
        refi::Code {
            guid: code_guid(code),
            name: code.name().to_string(),
            codable: code.header.codable,
            color: Some(code.header.color.clone()),
            description: Some(description),
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
    let user_guid = |id: &str| guid::of("coder", id);
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
            guid: user_guid(CONSENSUS_ID),
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
    for t in &study.transcripts {
        let tguid = guid::of("transcript", &t.id);
        let path = format!("{tguid}.txt");
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
                    (c.start, c.end, rank, c.code.clone(), c.id.clone()),
                    selection(&c.id, c.start, c.end, &user_guid(coder), code, note_refs),
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
                    selection(&id, s.start, s.end, &user_guid(CONSENSUS_ID), code, vec![]),
                ));
            }
        }
        sels.sort_by(|a, b| a.0.cmp(&b.0));
        sources.push(Source::Text(TextSource {
            guid: tguid,
            name: Some(t.id.clone()),
            plain_text_path: Some(format!("internal://{path}")),
            selections: sels.into_iter().map(|(_, s)| s).collect(),
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
        },
        files,
        summary,
    ))
}

fn selection(
    id: &str,
    start: usize,
    end: usize,
    user: &str,
    code: &str,
    note_refs: Vec<String>,
) -> Selection {
    Selection {
        guid: guid::of("selection", id),
        name: Some(id.to_string()),
        start: start as i64,
        end: end as i64,
        creating_user: Some(user.to_string()),
        codings: vec![refi::Coding {
            guid: guid::of("coding", id),
            creating_user: Some(user.to_string()),
            code: code.to_string(),
            note_refs,
        }],
        note_refs: vec![],
    }
}

/// The `.qdpx` archive's bytes.
pub fn qdpx(study: &Study, options: &Options) -> Result<(Vec<u8>, Summary), InteropError> {
    let (project, sources, summary) = project(study, options)?;
    let mut entries = vec![(
        "project.qde".to_string(),
        refi::project_xml(&project).into_bytes(),
    )];
    entries.extend(sources);
    Ok((archive::write(&entries)?, summary))
}

/// The `.qdc` file's text.
pub fn qdc(study: &Study) -> String {
    refi::codebook_xml(&codes(study), &origin())
}
