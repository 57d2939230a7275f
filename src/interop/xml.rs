//! XML bytes into a plain element tree, and the escaping to write XML.
//!
//! Untrusted input: a document type declaration (`<!DOCTYPE`, where custom
//! entities would be declared) is refused, so no entity is ever expanded
//! but the five predefined ones and character references; anything else
//! (`&custom;`) is an error. Depth and element count are bounded. Errors
//! name the line and column where the document broke.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use crate::interop::InteropError;

/// One element: its local name (namespace prefix dropped), attributes in
/// document order, child elements, and its text (the concatenation of its
/// own text nodes, line ends as written).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
    /// 1-based line and column of the start tag, for messages.
    pub line: usize,
    pub column: usize,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

pub const MAX_DEPTH: usize = 256;
pub const MAX_ELEMENTS: usize = 2_000_000;

const HINT: &str = "the file is not well-formed XML; export it again from the tool that made it";

/// Parse a whole document; `file` names it in messages.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Element, InteropError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(InteropError::new(
            file,
            "the XML is UTF-16; concord reads UTF-8 only",
            "save or export it as UTF-8",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        InteropError::new(
            format!("{file}:{line}:{column}"),
            "the XML is not valid UTF-8 here",
            "export it again as UTF-8",
        )
    })?;
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.expand_empty_elements = false;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    let at = |pos: u64| {
        let (l, c) = line_col(bytes, pos as usize);
        format!("{file}:{l}:{c}")
    };
    loop {
        let before = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| InteropError::new(at(reader.error_position()), format!("{e}"), HINT))?;
        match event {
            Event::Decl(d) => {
                if let Some(Ok(enc)) = d.encoding() {
                    let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                    if enc != "utf-8" && enc != "utf8" {
                        return Err(InteropError::new(
                            at(before),
                            format!("the XML declares encoding {enc:?}; concord reads UTF-8 only"),
                            "export it again as UTF-8",
                        ));
                    }
                }
            }
            Event::DocType(_) => {
                return Err(InteropError::new(
                    at(before),
                    "refused: the XML has a document type declaration (<!DOCTYPE>), which can define entities that expand without bound; REFI-QDA files have none",
                    "export the project again from the tool that made it; do not edit it by hand",
                ));
            }
            Event::Start(s) | Event::Empty(s) if root.is_some() => {
                let _ = s;
                return Err(InteropError::new(
                    at(before),
                    "there is more than one root element",
                    HINT,
                ));
            }
            Event::Start(s) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(InteropError::new(
                        at(before),
                        format!(
                            "refused: elements nest deeper than {MAX_DEPTH} levels or number more than {MAX_ELEMENTS}"
                        ),
                        "this is not a REFI-QDA file as a tool exports it",
                    ));
                }
                stack.push(element(&s, bytes, before as usize, file)?);
            }
            Event::Empty(s) => {
                count += 1;
                let e = element(&s, bytes, before as usize, file)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None => root = Some(e),
                }
            }
            Event::End(_) => {
                let e = stack.pop().ok_or_else(|| {
                    InteropError::new(at(before), "a closing tag without an opening one", HINT)
                })?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(e),
                    None => root = Some(e),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    // As written: line ends are the importer's to interpret.
                    let s = t
                        .decode()
                        .map_err(|e| InteropError::new(at(before), format!("{e}"), HINT))?;
                    top.text.push_str(&s);
                } else if !t.iter().all(u8::is_ascii_whitespace) {
                    return Err(InteropError::new(
                        at(before),
                        "text outside the root element",
                        HINT,
                    ));
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = String::from_utf8_lossy(&r).into_owned();
                        match resolve_predefined_entity(&name) {
                            Some(s) => s.to_string(),
                            None => {
                                return Err(InteropError::new(
                                    at(before),
                                    format!(
                                        "refused: the entity &{name}; is not one of XML's predefined entities, and concord expands no other"
                                    ),
                                    "export the project again from the tool that made it",
                                ));
                            }
                        }
                    }
                    Err(e) => return Err(InteropError::new(at(before), format!("{e}"), HINT)),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(InteropError::new(
            format!("{file}:{}:{}", open.line, open.column),
            format!(
                "the element <{}> is never closed (the file ends early)",
                open.name
            ),
            "the file is incomplete; export it again",
        ));
    }
    root.ok_or_else(|| InteropError::new(file, "the file holds no XML element", HINT))
}

fn element(s: &BytesStart, bytes: &[u8], pos: usize, file: &str) -> Result<Element, InteropError> {
    let (line, column) = line_col(bytes, pos);
    let place = || format!("{file}:{line}:{column}");
    let name = local(s.name());
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| InteropError::new(place(), format!("{e}"), HINT))?;
        let key = local(a.key);
        if key == "xmlns" || a.key.as_ref().starts_with(b"xmlns:") {
            continue;
        }
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| {
                InteropError::new(
                    place(),
                    format!(
                        "attribute {key}: {e} (concord expands only XML's predefined entities)"
                    ),
                    HINT,
                )
            })?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
        line,
        column,
    })
}

fn local(name: QName) -> String {
    String::from_utf8_lossy(name.local_name().as_ref()).into_owned()
}

/// 1-based line and column (in characters) of byte offset `pos`.
pub fn line_col(bytes: &[u8], pos: usize) -> (usize, usize) {
    let pos = pos.min(bytes.len());
    let before = &bytes[..pos];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Text content escaped for XML: `&`, `<`, `>`, and carriage returns as
/// character references (a parser would turn a raw CRLF into LF). Characters
/// XML 1.0 cannot carry at all (other control characters) become U+FFFD.
pub fn escape_text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value escaped for XML: as text, plus quotes, and tabs and
/// line ends as character references (a parser turns raw ones into spaces).
pub fn escape_attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Whether XML 1.0 can carry `c` at all.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_elements_attributes_and_text() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<p:Project xmlns:p=\"urn:x\" name=\"a &amp; b\">\n<Description>x &lt; y&#13;\nz</Description><Empty a=\"1\"/></p:Project>";
        let root = parse("project.qde", doc.as_bytes()).unwrap();
        assert_eq!(root.name, "Project");
        assert_eq!(root.attr("name"), Some("a & b"));
        assert_eq!(root.child("Description").unwrap().text, "x < y\r\nz");
        assert_eq!(root.child("Empty").unwrap().attr("a"), Some("1"));
        assert_eq!(root.child("Empty").unwrap().line, 4);
    }

    #[test]
    fn refuses_doctype_and_custom_entities() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>\n<Project>&lol2;</Project>";
        let e = parse("project.qde", bomb.as_bytes()).unwrap_err();
        assert!(e.message.contains("DOCTYPE"), "{e}");
        assert_eq!(e.place, "project.qde:2:1");
        let e = parse("project.qde", b"<Project>&lol;</Project>").unwrap_err();
        assert!(e.message.contains("&lol;"), "{e}");
        let e = parse("project.qde", b"<Project name=\"&lol;\"/>").unwrap_err();
        assert!(e.message.contains("entit"), "{e}");
    }

    #[test]
    fn malformed_xml_says_where() {
        let e = parse("project.qde", b"<Project>\n  <Users>\n</Project>").unwrap_err();
        assert!(e.place.starts_with("project.qde:3:"), "{e}");
        let e = parse("project.qde", b"<Project>\n<Users>").unwrap_err();
        assert!(e.message.contains("never closed"), "{e}");
        let e = parse("project.qde", b"").unwrap_err();
        assert!(e.message.contains("no XML element"), "{e}");
    }

    #[test]
    fn escaping_round_trips() {
        let s = "a<b>&\"c\"\r\n\td\u{1}";
        let doc = format!("<R v=\"{}\">{}</R>", escape_attr(s), escape_text(s));
        let root = parse("x", doc.as_bytes()).unwrap();
        assert_eq!(root.attr("v"), Some("a<b>&\"c\"\r\n\td\u{FFFD}"));
        assert_eq!(root.text, "a<b>&\"c\"\r\n\td\u{FFFD}");
    }
}
