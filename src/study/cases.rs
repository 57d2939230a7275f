//! `cases.toml`: the study's cases (participants, sites, groups) and
//! variables (their attributes: focus group, age band, role), as REFI-QDA
//! and the desktop tools keep them, so that figures can be compared between
//! groups (`concord agreement --where group=fg2`). The format is in
//! docs/format.md.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::study::Study;
use crate::study::parse::manifest::toml_problem;
use crate::study::parse::utf8;
use crate::study::problem::Problem;

/// The file's name, at the study's root.
pub const CASES_FILE: &str = "cases.toml";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cases {
    #[serde(rename = "variable", default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<Variable>,
    #[serde(rename = "case", default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<Case>,
    /// A transcript's own values (REFI's variable values of a source), by
    /// transcript id, then variable name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub transcript: BTreeMap<String, BTreeMap<String, toml::Value>>,
}

/// `[[variable]]`: an attribute cases (or transcripts) have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    pub name: String,
    /// `text` (the default), `boolean`, `integer`, `float`, `date` or `datetime`.
    #[serde(rename = "type", default = "text")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The REFI-QDA GUID of a variable imported from another tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
}

fn text() -> String {
    "text".into()
}

/// `[[case]]`: a participant (or site, group, ...), the transcripts that
/// are theirs, and their values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guid: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transcripts: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, toml::Value>,
}

pub const TYPES: [&str; 6] = ["text", "boolean", "integer", "float", "date", "datetime"];

const HINT: &str = "fix the TOML; cases.toml holds [[variable]] tables (name, type), [[case]] tables (id, name, transcripts, values) and [transcript.ID] tables of values (see docs/format.md)";

pub fn parse_cases(path: &str, bytes: &[u8]) -> Result<Cases, Problem> {
    let text = utf8(path, bytes, "save cases.toml as UTF-8")?;
    toml::from_str::<Cases>(text).map_err(|e| toml_problem(path, text, 0, &e, HINT))
}

/// The canonical text of `cases.toml`.
pub fn cases_text(c: &Cases) -> String {
    toml::to_string(c).unwrap_or_default()
}

/// A value as the text `--where` compares: a string as itself, anything
/// else as TOML writes it (`true`, `42`, `1.5`).
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether `v` is a value of a variable of type `kind`.
pub fn fits(kind: &str, v: &toml::Value) -> bool {
    matches!(
        (kind, v),
        ("boolean", toml::Value::Boolean(_))
            | ("integer", toml::Value::Integer(_))
            | ("float", toml::Value::Float(_) | toml::Value::Integer(_))
            | ("text" | "date" | "datetime", toml::Value::String(_))
            | ("date" | "datetime", toml::Value::Datetime(_))
    )
}

/// `VAR=VALUE` of `--where`.
#[derive(Debug, Clone, PartialEq)]
pub struct Where {
    pub variable: String,
    pub value: String,
}

impl Where {
    pub fn parse(s: &str) -> Result<Where, String> {
        match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok(Where {
                variable: k.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => Err("write it as VARIABLE=VALUE, for example --where group=fg2".into()),
        }
    }
}

/// The transcripts that meet every condition: a transcript meets
/// `VAR=VALUE` when its own value of VAR is VALUE, or (having none) one of
/// its cases' is. An error names a variable the study does not have.
pub fn transcripts_where(study: &Study, conditions: &[Where]) -> Result<BTreeSet<String>, String> {
    ids_where(
        &study.cases,
        study.transcripts.iter().map(|t| t.id.as_str()),
        conditions,
    )
}

/// [`transcripts_where`] on the cases and the ids of the transcripts (as a
/// cached listing keeps them, without the texts).
pub fn ids_where<'a>(
    c: &Cases,
    transcripts: impl Iterator<Item = &'a str>,
    conditions: &[Where],
) -> Result<BTreeSet<String>, String> {
    for w in conditions {
        let known = c.variables.iter().any(|v| v.name == w.variable)
            || c.cases.iter().any(|k| k.values.contains_key(&w.variable))
            || c.transcript.values().any(|m| m.contains_key(&w.variable));
        if !known {
            let names: BTreeSet<&str> = c.variables.iter().map(|v| v.name.as_str()).collect();
            return Err(format!(
                "no variable {:?} in {CASES_FILE} (variables: {})",
                w.variable,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.into_iter().collect::<Vec<_>>().join(", ")
                }
            ));
        }
    }
    let meets = |t: &str, w: &Where| -> bool {
        if let Some(v) = c.transcript.get(t).and_then(|m| m.get(&w.variable)) {
            return value_text(v) == w.value;
        }
        c.cases.iter().any(|k| {
            k.transcripts.iter().any(|x| x == t)
                && k.values
                    .get(&w.variable)
                    .is_some_and(|v| value_text(v) == w.value)
        })
    };
    Ok(transcripts
        .filter(|t| conditions.iter().all(|w| meets(t, w)))
        .map(str::to_string)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "[[variable]]\nname = \"group\"\ntype = \"text\"\n\n[[variable]]\nname = \"age\"\ntype = \"integer\"\n\n[[case]]\nid = \"p07\"\nname = \"P07\"\ntranscripts = [\"fg2\"]\n\n[case.values]\nage = 34\ngroup = \"fg2\"\n\n[transcript.fg1]\ngroup = \"fg1\"\n";

    #[test]
    fn cases_round_trip_byte_for_byte() {
        let c = parse_cases(CASES_FILE, FILE.as_bytes()).unwrap();
        assert_eq!(c.cases[0].values["age"], toml::Value::Integer(34));
        assert_eq!(cases_text(&c), FILE);
    }
}
