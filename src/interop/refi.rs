//! REFI-QDA (QDA-XML 1.0) as plain values: what a project (`project.qde`
//! inside a `.qdpx`) or a codebook (`.qdc`) says, read from an element tree
//! and written back as XML in the schema's element order.

use std::collections::BTreeMap;

use crate::interop::InteropError;
use crate::interop::xml::{Element, escape_attr, escape_text};

pub const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
pub const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Project {
    pub name: String,
    pub origin: Option<String>,
    pub users: Vec<User>,
    pub codes: Vec<Code>,
    pub sources: Vec<Source>,
    pub notes: Vec<Note>,
    pub variables: Vec<Variable>,
    pub cases: Vec<Case>,
    /// Elements concord does not take in, counted by kind (`case`,
    /// `variable`, `code memo`, ...), so that the import can say so.
    pub unread: BTreeMap<String, usize>,
}

/// `Variables/Variable`: an attribute of cases and sources.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Variable {
    pub guid: String,
    pub name: String,
    /// `typeOfVariable`: Text, Boolean, Integer, Float, Date, DateTime.
    pub kind: String,
    pub description: Option<String>,
}

/// A `VariableValue`: the variable's GUID and the value as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Value {
    pub variable: String,
    /// The value element's name (`TextValue`, `IntegerValue`, ...) and text.
    pub kind: String,
    pub text: String,
}

/// `Cases/Case`: a participant (or site, group) and its sources.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Case {
    pub guid: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub values: Vec<Value>,
    /// `SourceRef` targets.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct User {
    pub guid: String,
    pub name: Option<String>,
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Code {
    pub guid: String,
    pub name: String,
    pub codable: bool,
    pub color: Option<String>,
    pub description: Option<String>,
    pub children: Vec<Code>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Text(TextSource),
    /// A picture, PDF, audio or video source: not plain text.
    Other {
        kind: String,
        name: Option<String>,
        guid: String,
        /// Its codings (of selections and of the whole source).
        codings: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextSource {
    pub guid: String,
    pub name: Option<String>,
    pub plain_text_path: Option<String>,
    pub rich_text_path: Option<String>,
    pub content: Option<String>,
    pub creating_user: Option<String>,
    pub selections: Vec<Selection>,
    /// Codings of the whole source (a `Coding` right under `TextSource`).
    pub whole: Vec<Coding>,
    /// The source's own variable values.
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    pub guid: String,
    pub name: Option<String>,
    pub start: i64,
    pub end: i64,
    pub creating_user: Option<String>,
    pub codings: Vec<Coding>,
    pub note_refs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coding {
    pub guid: String,
    pub creating_user: Option<String>,
    /// The `targetGUID` of its `CodeRef`.
    pub code: String,
    pub note_refs: Vec<String>,
}

/// A memo: `Notes/Note`, a text source of its own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Note {
    pub guid: String,
    pub name: Option<String>,
    pub content: Option<String>,
    pub plain_text_path: Option<String>,
}

// ---------------------------------------------------------------- reading

fn missing(file: &str, e: &Element, what: &str) -> InteropError {
    InteropError::new(
        format!("{file}:{}:{}", e.line, e.column),
        format!("<{}> has no {what}", e.name),
        "the file does not follow the REFI-QDA schema; export it again from the tool that made it",
    )
}

fn required(file: &str, e: &Element, attr: &str) -> Result<String, InteropError> {
    e.attr(attr)
        .map(str::to_string)
        .ok_or_else(|| missing(file, e, &format!("{attr} attribute")))
}

fn opt(e: &Element, attr: &str) -> Option<String> {
    e.attr(attr).map(str::to_string)
}

fn position(file: &str, e: &Element, attr: &str) -> Result<i64, InteropError> {
    let v = required(file, e, attr)?;
    v.trim().parse::<i64>().map_err(|_| {
        InteropError::new(
            format!("{file}:{}:{}", e.line, e.column),
            format!("{attr}={v:?} is not a whole number"),
            "positions count characters; export the project again from the tool that made it",
        )
    })
}

/// A project from the root element of `project.qde` (called `file`).
pub fn project_from(file: &str, root: &Element) -> Result<Project, InteropError> {
    if root.name != "Project" {
        return Err(InteropError::new(
            file,
            format!("the root element is <{}>, not <Project>", root.name),
            "a .qdpx holds a REFI-QDA project (project.qde); for a codebook alone use a .qdc file",
        ));
    }
    let mut p = Project {
        name: root.attr("name").unwrap_or("").to_string(),
        origin: opt(root, "origin"),
        ..Project::default()
    };
    if let Some(users) = root.child("Users") {
        for u in users.children_named("User") {
            p.users.push(User {
                guid: required(file, u, "guid")?,
                name: opt(u, "name"),
                id: opt(u, "id"),
            });
        }
    }
    if let Some(book) = root.child("CodeBook") {
        p.codes = codes_from(file, book)?;
    }
    if let Some(vars) = root.child("Variables") {
        for v in vars.children_named("Variable") {
            p.variables.push(Variable {
                guid: required(file, v, "guid")?,
                name: required(file, v, "name")?,
                kind: required(file, v, "typeOfVariable")?,
                description: v.child("Description").map(|d| d.text.clone()),
            });
        }
    }
    if let Some(cases) = root.child("Cases") {
        for c in cases.children_named("Case") {
            p.cases.push(Case {
                guid: required(file, c, "guid")?,
                name: opt(c, "name"),
                description: c.child("Description").map(|d| d.text.clone()),
                values: values_of(c),
                sources: c
                    .children_named("SourceRef")
                    .filter_map(|r| r.attr("targetGUID").map(str::to_string))
                    .collect(),
            });
        }
    }
    if let Some(sources) = root.child("Sources") {
        for s in &sources.children {
            match s.name.as_str() {
                "TextSource" => p.sources.push(Source::Text(text_source(file, s)?)),
                "PictureSource" | "PDFSource" | "AudioSource" | "VideoSource" => {
                    p.sources.push(Source::Other {
                        kind: s.name.clone(),
                        name: opt(s, "name"),
                        guid: s.attr("guid").unwrap_or("").to_string(),
                        codings: count_named(s, "Coding"),
                    })
                }
                _ => {}
            }
        }
    }
    if let Some(notes) = root.child("Notes") {
        for n in notes.children_named("Note") {
            p.notes.push(Note {
                guid: required(file, n, "guid")?,
                name: opt(n, "name"),
                content: n.child("PlainTextContent").map(|c| c.text.clone()),
                plain_text_path: opt(n, "plainTextPath"),
            });
        }
    }
    p.unread = unread(root);
    Ok(p)
}

/// The `VariableValue` children of an element.
fn values_of(e: &Element) -> Vec<Value> {
    e.children_named("VariableValue")
        .filter_map(|v| {
            let variable = v.child("VariableRef")?.attr("targetGUID")?.to_string();
            let value = v.children.iter().find(|c| c.name.ends_with("Value"))?;
            Some(Value {
                variable,
                kind: value.name.clone(),
                text: value.text.clone(),
            })
        })
        .collect()
}

/// Descendants of `e` named `name`, at any depth.
fn count_named(e: &Element, name: &str) -> usize {
    e.children
        .iter()
        .map(|c| usize::from(c.name == name) + count_named(c, name))
        .sum()
}

/// The elements of a project that concord does not import, by kind.
fn unread(root: &Element) -> BTreeMap<String, usize> {
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    let mut add = |kind: &str, n: usize| {
        if n > 0 {
            *out.entry(kind.to_string()).or_default() += n;
        }
    };
    let under = |parent: &str, child: &str| {
        root.child(parent)
            .map_or(0, |p| p.children_named(child).count())
    };
    if let Some(cases) = root.child("Cases") {
        for c in cases.children_named("Case") {
            add("case code ref", c.children_named("CodeRef").count());
            add(
                "case selection ref",
                c.children_named("SelectionRef").count(),
            );
        }
    }
    add("set", under("Sets", "Set"));
    add("link", under("Links", "Link"));
    add("graph", under("Graphs", "Graph"));
    add(
        "project description",
        root.children_named("Description").count(),
    );
    add("project memo", root.children_named("NoteRef").count());
    fn code_memos(e: &Element) -> usize {
        e.children_named("Code")
            .map(|c| c.children_named("NoteRef").count() + code_memos(c))
            .sum()
    }
    if let Some(codes) = root.child("CodeBook").and_then(|b| b.child("Codes")) {
        add("code memo", code_memos(codes));
    }
    if let Some(sources) = root.child("Sources") {
        for s in sources.children_named("TextSource") {
            add("source memo", s.children_named("NoteRef").count());
            add(
                "source description",
                s.children_named("Description").count(),
            );
            for sel in s.children_named("PlainTextSelection") {
                add(
                    "selection description",
                    sel.children_named("Description").count(),
                );
            }
        }
    }
    out
}

/// The code tree of a `<CodeBook>` element (in a project or a `.qdc`).
pub fn codes_from(file: &str, book: &Element) -> Result<Vec<Code>, InteropError> {
    let Some(codes) = book.child("Codes") else {
        return Ok(Vec::new());
    };
    codes
        .children_named("Code")
        .map(|c| code_from(file, c))
        .collect()
}

fn code_from(file: &str, e: &Element) -> Result<Code, InteropError> {
    let codable = match e.attr("isCodable").map(str::trim) {
        Some("true") | Some("1") | None => true,
        Some("false") | Some("0") => false,
        Some(other) => {
            return Err(InteropError::new(
                format!("{file}:{}:{}", e.line, e.column),
                format!("isCodable={other:?} is neither true nor false"),
                "export the codebook again from the tool that made it",
            ));
        }
    };
    Ok(Code {
        guid: required(file, e, "guid")?,
        name: required(file, e, "name")?,
        codable,
        color: opt(e, "color"),
        description: e.child("Description").map(|d| d.text.clone()),
        children: e
            .children_named("Code")
            .map(|c| code_from(file, c))
            .collect::<Result<_, _>>()?,
    })
}

fn text_source(file: &str, e: &Element) -> Result<TextSource, InteropError> {
    let mut s = TextSource {
        guid: required(file, e, "guid")?,
        name: opt(e, "name"),
        plain_text_path: opt(e, "plainTextPath"),
        rich_text_path: opt(e, "richTextPath"),
        content: e.child("PlainTextContent").map(|c| c.text.clone()),
        creating_user: opt(e, "creatingUser"),
        values: values_of(e),
        ..TextSource::default()
    };
    for sel in e.children_named("PlainTextSelection") {
        s.selections.push(Selection {
            guid: required(file, sel, "guid")?,
            name: opt(sel, "name"),
            start: position(file, sel, "startPosition")?,
            end: position(file, sel, "endPosition")?,
            creating_user: opt(sel, "creatingUser"),
            codings: sel
                .children_named("Coding")
                .map(|c| coding_from(file, c))
                .collect::<Result<_, _>>()?,
            note_refs: note_refs(sel),
        });
    }
    s.whole = e
        .children_named("Coding")
        .map(|c| coding_from(file, c))
        .collect::<Result<_, _>>()?;
    Ok(s)
}

fn coding_from(file: &str, e: &Element) -> Result<Coding, InteropError> {
    let code = e
        .child("CodeRef")
        .ok_or_else(|| missing(file, e, "<CodeRef>"))?;
    Ok(Coding {
        guid: required(file, e, "guid")?,
        creating_user: opt(e, "creatingUser"),
        code: required(file, code, "targetGUID")?,
        note_refs: note_refs(e),
    })
}

fn note_refs(e: &Element) -> Vec<String> {
    e.children_named("NoteRef")
        .filter_map(|n| n.attr("targetGUID").map(str::to_string))
        .collect()
}

// ---------------------------------------------------------------- writing

/// `project.qde` for `p`: UTF-8, the schema's element order, two-space
/// indentation, every optional part left out when empty.
pub fn project_xml(p: &Project) -> String {
    let mut w = String::new();
    w.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.push_str(&format!(
        "<Project xmlns=\"{PROJECT_NS}\" name=\"{}\"{}>\n",
        escape_attr(&p.name),
        p.origin
            .as_ref()
            .map(|o| format!(" origin=\"{}\"", escape_attr(o)))
            .unwrap_or_default()
    ));
    if !p.users.is_empty() {
        w.push_str("  <Users>\n");
        for u in &p.users {
            w.push_str(&format!("    <User guid=\"{}\"", escape_attr(&u.guid)));
            if let Some(n) = &u.name {
                w.push_str(&format!(" name=\"{}\"", escape_attr(n)));
            }
            if let Some(id) = &u.id {
                w.push_str(&format!(" id=\"{}\"", escape_attr(id)));
            }
            w.push_str("/>\n");
        }
        w.push_str("  </Users>\n");
    }
    if !p.codes.is_empty() {
        w.push_str("  <CodeBook>\n");
        codes_xml(&mut w, &p.codes, 2);
        w.push_str("  </CodeBook>\n");
    }
    if !p.variables.is_empty() {
        w.push_str("  <Variables>\n");
        for v in &p.variables {
            w.push_str(&format!(
                "    <Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"{}\"",
                escape_attr(&v.guid),
                escape_attr(&v.name),
                escape_attr(&v.kind)
            ));
            match &v.description {
                Some(d) => w.push_str(&format!(
                    "><Description>{}</Description></Variable>\n",
                    escape_text(d)
                )),
                None => w.push_str("/>\n"),
            }
        }
        w.push_str("  </Variables>\n");
    }
    if !p.cases.is_empty() {
        w.push_str("  <Cases>\n");
        for c in &p.cases {
            w.push_str(&format!("    <Case guid=\"{}\"", escape_attr(&c.guid)));
            if let Some(n) = &c.name {
                w.push_str(&format!(" name=\"{}\"", escape_attr(n)));
            }
            w.push_str(">\n");
            if let Some(d) = &c.description {
                w.push_str(&format!(
                    "      <Description>{}</Description>\n",
                    escape_text(d)
                ));
            }
            values_xml(&mut w, &c.values, "      ");
            for s in &c.sources {
                w.push_str(&format!(
                    "      <SourceRef targetGUID=\"{}\"/>\n",
                    escape_attr(s)
                ));
            }
            w.push_str("    </Case>\n");
        }
        w.push_str("  </Cases>\n");
    }
    if !p.sources.is_empty() {
        w.push_str("  <Sources>\n");
        for s in &p.sources {
            if let Source::Text(t) = s {
                text_source_xml(&mut w, t);
            }
        }
        w.push_str("  </Sources>\n");
    }
    if !p.notes.is_empty() {
        w.push_str("  <Notes>\n");
        for n in &p.notes {
            w.push_str(&format!("    <Note guid=\"{}\"", escape_attr(&n.guid)));
            if let Some(name) = &n.name {
                w.push_str(&format!(" name=\"{}\"", escape_attr(name)));
            }
            match &n.content {
                Some(c) => w.push_str(&format!(
                    "><PlainTextContent>{}</PlainTextContent></Note>\n",
                    escape_text(c)
                )),
                None => w.push_str("/>\n"),
            }
        }
        w.push_str("  </Notes>\n");
    }
    w.push_str("</Project>\n");
    w
}

/// A `.qdc` codebook file.
pub fn codebook_xml(codes: &[Code], origin: &str) -> String {
    let mut w = String::new();
    w.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.push_str(&format!(
        "<CodeBook xmlns=\"{CODEBOOK_NS}\" origin=\"{}\">\n",
        escape_attr(origin)
    ));
    codes_xml(&mut w, codes, 1);
    w.push_str("</CodeBook>\n");
    w
}

fn codes_xml(w: &mut String, codes: &[Code], depth: usize) {
    let pad = "  ".repeat(depth);
    w.push_str(&format!("{pad}<Codes>\n"));
    for c in codes {
        code_xml(w, c, depth + 1);
    }
    w.push_str(&format!("{pad}</Codes>\n"));
}

fn code_xml(w: &mut String, c: &Code, depth: usize) {
    let pad = "  ".repeat(depth);
    w.push_str(&format!(
        "{pad}<Code guid=\"{}\" name=\"{}\" isCodable=\"{}\"",
        escape_attr(&c.guid),
        escape_attr(&c.name),
        c.codable
    ));
    if let Some(color) = &c.color {
        w.push_str(&format!(" color=\"{}\"", escape_attr(color)));
    }
    if c.description.is_none() && c.children.is_empty() {
        w.push_str("/>\n");
        return;
    }
    w.push_str(">\n");
    if let Some(d) = &c.description {
        w.push_str(&format!(
            "{pad}  <Description>{}</Description>\n",
            escape_text(d)
        ));
    }
    for child in &c.children {
        code_xml(w, child, depth + 1);
    }
    w.push_str(&format!("{pad}</Code>\n"));
}

fn values_xml(w: &mut String, values: &[Value], pad: &str) {
    for v in values {
        w.push_str(&format!(
            "{pad}<VariableValue><VariableRef targetGUID=\"{}\"/><{k}>{}</{k}></VariableValue>\n",
            escape_attr(&v.variable),
            escape_text(&v.text),
            k = v.kind
        ));
    }
}

fn text_source_xml(w: &mut String, t: &TextSource) {
    w.push_str(&format!(
        "    <TextSource guid=\"{}\"",
        escape_attr(&t.guid)
    ));
    if let Some(n) = &t.name {
        w.push_str(&format!(" name=\"{}\"", escape_attr(n)));
    }
    if let Some(p) = &t.plain_text_path {
        w.push_str(&format!(" plainTextPath=\"{}\"", escape_attr(p)));
    }
    if t.content.is_none() && t.selections.is_empty() && t.values.is_empty() {
        w.push_str("/>\n");
        return;
    }
    w.push_str(">\n");
    if let Some(c) = &t.content {
        w.push_str(&format!(
            "      <PlainTextContent>{}</PlainTextContent>\n",
            escape_text(c)
        ));
    }
    for s in &t.selections {
        w.push_str(&format!(
            "      <PlainTextSelection guid=\"{}\"",
            escape_attr(&s.guid)
        ));
        if let Some(n) = &s.name {
            w.push_str(&format!(" name=\"{}\"", escape_attr(n)));
        }
        w.push_str(&format!(
            " startPosition=\"{}\" endPosition=\"{}\"",
            s.start, s.end
        ));
        if let Some(u) = &s.creating_user {
            w.push_str(&format!(" creatingUser=\"{}\"", escape_attr(u)));
        }
        w.push_str(">\n");
        for c in &s.codings {
            w.push_str(&format!(
                "        <Coding guid=\"{}\"",
                escape_attr(&c.guid)
            ));
            if let Some(u) = &c.creating_user {
                w.push_str(&format!(" creatingUser=\"{}\"", escape_attr(u)));
            }
            w.push_str(&format!(
                "><CodeRef targetGUID=\"{}\"/>",
                escape_attr(&c.code)
            ));
            for n in &c.note_refs {
                w.push_str(&format!("<NoteRef targetGUID=\"{}\"/>", escape_attr(n)));
            }
            w.push_str("</Coding>\n");
        }
        w.push_str("      </PlainTextSelection>\n");
    }
    values_xml(w, &t.values, "      ");
    w.push_str("    </TextSource>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop::xml::parse;

    #[test]
    fn a_project_round_trips_through_xml() {
        let p = Project {
            name: "S & <T>".into(),
            origin: Some("concord".into()),
            users: vec![User {
                guid: "00000000-0000-0000-0000-000000000001".into(),
                name: Some("Ann \"A\"".into()),
                id: Some("coder-a".into()),
            }],
            codes: vec![Code {
                guid: "00000000-0000-0000-0000-000000000002".into(),
                name: "Group".into(),
                codable: false,
                color: Some("#112233".into()),
                description: Some("## Definition\nA\r\nB\n".into()),
                children: vec![Code {
                    guid: "00000000-0000-0000-0000-000000000003".into(),
                    name: "Leaf".into(),
                    codable: true,
                    color: None,
                    description: None,
                    children: vec![],
                }],
            }],
            sources: vec![Source::Text(TextSource {
                guid: "00000000-0000-0000-0000-000000000004".into(),
                name: Some("fg1".into()),
                plain_text_path: Some("internal://x.txt".into()),
                selections: vec![Selection {
                    guid: "00000000-0000-0000-0000-000000000005".into(),
                    name: Some("c-1".into()),
                    start: 0,
                    end: 4,
                    creating_user: Some("00000000-0000-0000-0000-000000000001".into()),
                    codings: vec![Coding {
                        guid: "00000000-0000-0000-0000-000000000006".into(),
                        creating_user: Some("00000000-0000-0000-0000-000000000001".into()),
                        code: "00000000-0000-0000-0000-000000000003".into(),
                        note_refs: vec!["00000000-0000-0000-0000-000000000007".into()],
                    }],
                    note_refs: vec![],
                }],
                ..TextSource::default()
            })],
            notes: vec![Note {
                guid: "00000000-0000-0000-0000-000000000007".into(),
                name: Some("Memo".into()),
                content: Some("memo\ttext".into()),
                plain_text_path: None,
            }],
            variables: vec![Variable {
                guid: "00000000-0000-0000-0000-000000000008".into(),
                name: "group".into(),
                kind: "Text".into(),
                description: Some("Focus group".into()),
            }],
            cases: vec![Case {
                guid: "00000000-0000-0000-0000-000000000009".into(),
                name: Some("P01".into()),
                description: None,
                values: vec![Value {
                    variable: "00000000-0000-0000-0000-000000000008".into(),
                    kind: "TextValue".into(),
                    text: "fg1 & <2>".into(),
                }],
                sources: vec!["00000000-0000-0000-0000-000000000004".into()],
            }],
            unread: Default::default(),
        };
        let xml = project_xml(&p);
        let back = project_from(
            "project.qde",
            &parse("project.qde", xml.as_bytes()).unwrap(),
        )
        .unwrap();
        assert_eq!(back, p);
    }
}
