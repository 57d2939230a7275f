//! What changed in the codebook between two versions, code by code, in the
//! researcher's words. A code is followed by its `id`, so a rename or a
//! move (a new file name or folder) is one code changing, not one removed
//! and another added.

use serde::Serialize;

use crate::study::{Code, Codebook, Section};

/// One change to one code.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// The code is new; `parent` is where it was put (None: at the top).
    Added {
        parent: Option<String>,
    },
    Removed,
    Renamed {
        from: String,
        to: String,
    },
    /// Moved to another parent (None: the top of the tree).
    Moved {
        from: Option<String>,
        to: Option<String>,
    },
    Definition {
        from: String,
        to: String,
    },
    WhenToUse {
        from: String,
        to: String,
    },
    WhenNotToUse {
        from: String,
        to: String,
    },
    Examples {
        from: String,
        to: String,
    },
    Colour {
        from: String,
        to: String,
    },
    Codable {
        from: bool,
        to: bool,
    },
    /// The body changed outside the four sections (notes, other headings).
    OtherText {
        from: String,
        to: String,
    },
}

impl Change {
    /// The short name of the change, as `history` lists it.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Added { .. } => "added",
            Change::Removed => "removed",
            Change::Renamed { .. } => "renamed",
            Change::Moved { .. } => "moved",
            Change::Definition { .. } => "definition",
            Change::WhenToUse { .. } => "when_to_use",
            Change::WhenNotToUse { .. } => "when_not_to_use",
            Change::Examples { .. } => "examples",
            Change::Colour { .. } => "colour",
            Change::Codable { .. } => "codable",
            Change::OtherText { .. } => "other_text",
        }
    }

    /// The text before and after, for the changes that are text.
    pub fn texts(&self) -> Option<(&str, &str)> {
        match self {
            Change::Definition { from, to }
            | Change::WhenToUse { from, to }
            | Change::WhenNotToUse { from, to }
            | Change::Examples { from, to }
            | Change::OtherText { from, to } => Some((from, to)),
            _ => None,
        }
    }

    /// The field a text change is about, as a heading ("Definition").
    pub fn field(&self) -> &'static str {
        match self {
            Change::Definition { .. } => Section::Definition.title(),
            Change::WhenToUse { .. } => Section::WhenToUse.title(),
            Change::WhenNotToUse { .. } => Section::WhenNotToUse.title(),
            Change::Examples { .. } => Section::Examples.title(),
            Change::OtherText { .. } => "Other text",
            Change::Added { .. } => "Added",
            Change::Removed => "Removed",
            Change::Renamed { .. } => "Name",
            Change::Moved { .. } => "Parent",
            Change::Colour { .. } => "Colour",
            Change::Codable { .. } => "Codable",
        }
    }

    /// The change in the researcher's words; `name_of` names a parent code
    /// (`Self-efficacy` `se`), as the codebook of the right side knows it.
    pub fn describe(&self, name_of: &dyn Fn(&str) -> String) -> String {
        let place = |p: &Option<String>| match p {
            Some(id) => name_of(id),
            None => "the top of the codebook".to_string(),
        };
        match self {
            Change::Added { parent } => format!("added under {}", place(parent)),
            Change::Removed => "removed".into(),
            Change::Renamed { from, to } => format!("renamed from “{from}” to “{to}”"),
            Change::Moved { from, to } => {
                format!("moved from {} to {}", place(from), place(to))
            }
            Change::Definition { .. } => "definition changed".into(),
            Change::WhenToUse { .. } => "“when to use” changed".into(),
            Change::WhenNotToUse { .. } => "“when not to use” changed".into(),
            Change::Examples { .. } => "examples changed".into(),
            Change::Colour { from, to } => format!("colour changed from {from} to {to}"),
            Change::Codable { to: true, .. } => "made codable".into(),
            Change::Codable { to: false, .. } => "made not codable (a heading only)".into(),
            Change::OtherText { .. } => "other text of its description changed".into(),
        }
    }
}

/// The changes to one code, by its id; `name` is its name on the newer
/// side (the older one if it was removed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeChange {
    pub code: String,
    pub name: String,
    pub changes: Vec<Change>,
    /// Each change in the researcher's words, in the same order.
    pub summary: Vec<String>,
    /// The code before and after (None where it did not exist), for
    /// screens that show versions.
    #[serde(skip)]
    pub before: Option<Code>,
    #[serde(skip)]
    pub after: Option<Code>,
}

impl CodeChange {
    pub fn kinds(&self) -> Vec<&'static str> {
        self.changes.iter().map(|c| c.kind()).collect()
    }
}

fn section_text(code: &Code, s: Section) -> String {
    code.section(s).unwrap_or("").to_string()
}

/// The body without its four known sections, to notice other edits.
fn other_text(code: &Code) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in code.body.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            skipping = Section::ALL
                .iter()
                .any(|s| s.title().eq_ignore_ascii_case(h.trim()));
            if skipping {
                continue;
            }
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim().to_string()
}

/// The changes of one code present on both sides, in a fixed order.
pub fn code_changes(old: &Code, new: &Code) -> Vec<Change> {
    let mut changes = Vec::new();
    if old.header.name != new.header.name {
        changes.push(Change::Renamed {
            from: old.header.name.clone(),
            to: new.header.name.clone(),
        });
    }
    if old.parent != new.parent {
        changes.push(Change::Moved {
            from: old.parent.clone(),
            to: new.parent.clone(),
        });
    }
    for s in Section::ALL {
        let (from, to) = (section_text(old, s), section_text(new, s));
        if from != to {
            changes.push(match s {
                Section::Definition => Change::Definition { from, to },
                Section::WhenToUse => Change::WhenToUse { from, to },
                Section::WhenNotToUse => Change::WhenNotToUse { from, to },
                Section::Examples => Change::Examples { from, to },
            });
        }
    }
    let (from, to) = (other_text(old), other_text(new));
    if from != to {
        changes.push(Change::OtherText { from, to });
    }
    if !old.header.color.eq_ignore_ascii_case(&new.header.color) {
        changes.push(Change::Colour {
            from: old.header.color.clone(),
            to: new.header.color.clone(),
        });
    }
    if old.header.codable != new.header.codable {
        changes.push(Change::Codable {
            from: old.header.codable,
            to: new.header.codable,
        });
    }
    changes
}

/// Every code that changed from `old` to `new`: in the newer codebook's
/// order, then the removed codes in the older one's order. A code whose
/// only change is its file's place among its siblings (weight, file name)
/// is not listed: a researcher sees no difference.
pub fn diff_codebooks(old: &Codebook, new: &Codebook) -> Vec<CodeChange> {
    let mut out = changed_codes(old, new);
    let name_of = |id: &str| match new.get(id).or_else(|| old.get(id)) {
        Some(c) => format!("{} `{id}`", c.name()),
        None => format!("`{id}`"),
    };
    for c in &mut out {
        c.summary = c.changes.iter().map(|ch| ch.describe(&name_of)).collect();
    }
    out
}

fn changed_codes(old: &Codebook, new: &Codebook) -> Vec<CodeChange> {
    let mut out = Vec::new();
    for code in &new.codes {
        match old.get(code.id()) {
            None => out.push(CodeChange {
                code: code.id().to_string(),
                name: code.name().to_string(),
                changes: vec![Change::Added {
                    parent: code.parent.clone(),
                }],
                summary: Vec::new(),
                before: None,
                after: Some(code.clone()),
            }),
            Some(before) => {
                let changes = code_changes(before, code);
                if !changes.is_empty() {
                    out.push(CodeChange {
                        code: code.id().to_string(),
                        name: code.name().to_string(),
                        changes,
                        summary: Vec::new(),
                        before: Some(before.clone()),
                        after: Some(code.clone()),
                    });
                }
            }
        }
    }
    for code in &old.codes {
        if new.get(code.id()).is_none() {
            out.push(CodeChange {
                code: code.id().to_string(),
                name: code.name().to_string(),
                changes: vec![Change::Removed],
                summary: Vec::new(),
                before: Some(code.clone()),
                after: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::CodeHeader;

    fn code(id: &str, name: &str, parent: Option<&str>, body: &str) -> Code {
        Code {
            header: CodeHeader {
                id: id.into(),
                name: name.into(),
                color: "#4e79a7".into(),
                codable: true,
                weight: None,
                guid: None,
            },
            file: format!("codebook/{id}.md"),
            parent: parent.map(Into::into),
            depth: usize::from(parent.is_some()),
            body: body.into(),
        }
    }

    #[test]
    fn follows_a_code_by_its_id() {
        let old = Codebook {
            codes: vec![
                code("g", "Group", None, ""),
                code("h", "Other group", None, ""),
                code(
                    "x",
                    "X",
                    Some("g"),
                    "## Definition\nOne.\n## Examples\n> a\n",
                ),
                code("gone", "Gone", Some("g"), ""),
            ],
        };
        let mut x = code(
            "x",
            "X two",
            Some("h"),
            "## Definition\nOne, sharper.\n## Examples\n> a\n",
        );
        x.header.color = "#000000".into();
        x.file = "codebook/h/x2.md".into();
        let new = Codebook {
            codes: vec![
                code("g", "Group", None, ""),
                code("h", "Other group", None, ""),
                x,
                code("new", "New", Some("g"), ""),
            ],
        };
        let d = diff_codebooks(&old, &new);
        let kinds: Vec<(String, Vec<&str>)> =
            d.iter().map(|c| (c.code.clone(), c.kinds())).collect();
        assert_eq!(
            kinds,
            vec![
                ("x".into(), vec!["renamed", "moved", "definition", "colour"]),
                ("new".into(), vec!["added"]),
                ("gone".into(), vec!["removed"]),
            ]
        );
        assert_eq!(
            d[0].changes[1],
            Change::Moved {
                from: Some("g".into()),
                to: Some("h".into())
            }
        );
        assert_eq!(d[0].summary[1], "moved from Group `g` to Other group `h`");
        assert_eq!(d[1].summary[0], "added under Group `g`");
        assert!(diff_codebooks(&new, &new).is_empty());
    }

    #[test]
    fn notices_text_outside_the_sections() {
        let a = code("x", "X", None, "## Definition\nOne.\n\n## Notes\nold\n");
        let b = code("x", "X", None, "## Definition\nOne.\n\n## Notes\nnew\n");
        assert_eq!(
            code_changes(&a, &b),
            vec![Change::OtherText {
                from: "## Notes\nold".into(),
                to: "## Notes\nnew".into()
            }]
        );
    }
}
