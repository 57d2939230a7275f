//! Cases and variables between REFI-QDA (`Variables`, `Cases`, a source's
//! `VariableValue`s) and `cases.toml`. GUIDs from another tool are kept;
//! concord's own are version 5 UUIDs of the variable's name and the case's
//! id, so an export is the same bytes each time.

use std::collections::{BTreeMap, HashMap};

use crate::interop::guid;
use crate::interop::import::slug;
use crate::interop::refi::{self, Value};
use crate::study::cases::{Case, Cases, Variable, value_text};
use crate::study::validate::is_valid_id;

/// REFI's `typeOfVariable` and value element for a `cases.toml` type.
fn refi_kind(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "boolean" => ("Boolean", "BooleanValue"),
        "integer" => ("Integer", "IntegerValue"),
        "float" => ("Float", "FloatValue"),
        "date" => ("Date", "DateValue"),
        "datetime" => ("DateTime", "DateTimeValue"),
        _ => ("Text", "TextValue"),
    }
}

pub fn variable_guid(v: &Variable) -> String {
    v.guid
        .clone()
        .unwrap_or_else(|| guid::of("variable", &v.name))
}

pub fn case_guid(c: &Case) -> String {
    c.guid.clone().unwrap_or_else(|| guid::of("case", &c.id))
}

/// The study's variables and cases as REFI values; `source_guid` gives a
/// transcript's GUID. Also the values of each transcript, by its id.
pub fn to_refi(
    cases: &Cases,
    source_guid: &dyn Fn(&str) -> String,
) -> (
    Vec<refi::Variable>,
    Vec<refi::Case>,
    HashMap<String, Vec<Value>>,
) {
    // Values in the order the variables are declared.
    let values = |m: &BTreeMap<String, toml::Value>| -> Vec<Value> {
        cases
            .variables
            .iter()
            .filter_map(|var| {
                let v = m.get(&var.name)?;
                Some(Value {
                    variable: variable_guid(var),
                    kind: refi_kind(&var.kind).1.to_string(),
                    text: value_text(v),
                })
            })
            .collect()
    };
    let variables = cases
        .variables
        .iter()
        .map(|v| refi::Variable {
            guid: variable_guid(v),
            name: v.name.clone(),
            kind: refi_kind(&v.kind).0.to_string(),
            description: v.description.clone(),
        })
        .collect();
    let out_cases = cases
        .cases
        .iter()
        .map(|c| refi::Case {
            guid: case_guid(c),
            name: Some(c.name.clone().unwrap_or_else(|| c.id.clone())),
            description: c.description.clone(),
            values: values(&c.values),
            sources: c.transcripts.iter().map(|t| source_guid(t)).collect(),
        })
        .collect();
    let by_transcript = cases
        .transcript
        .iter()
        .map(|(t, m)| (t.clone(), values(m)))
        .collect();
    (variables, out_cases, by_transcript)
}

/// A REFI value as a `cases.toml` value of the variable's type; text when
/// it does not parse as that type.
fn toml_value(kind: &str, text: &str) -> toml::Value {
    let t = text.trim();
    match kind {
        "boolean" => match t {
            "true" | "1" => toml::Value::Boolean(true),
            "false" | "0" => toml::Value::Boolean(false),
            _ => toml::Value::String(text.to_string()),
        },
        "integer" => t
            .parse::<i64>()
            .map(toml::Value::Integer)
            .unwrap_or_else(|_| toml::Value::String(text.to_string())),
        "float" => t
            .parse::<f64>()
            .map(toml::Value::Float)
            .unwrap_or_else(|_| toml::Value::String(text.to_string())),
        _ => toml::Value::String(text.to_string()),
    }
}

/// A project's variables and cases merged into the study's `cases`:
/// variables matched by GUID, then name; cases by GUID, then name; a
/// value the study has already is kept. `transcript_of` maps a source's
/// GUID (normal form) to its transcript. Whether anything changed.
pub fn merge(
    into: &mut Cases,
    project: &refi::Project,
    transcript_of: &HashMap<String, String>,
) -> bool {
    let before = into.clone();
    let mut var_name: HashMap<String, (String, String)> = HashMap::new();
    for v in &project.variables {
        let kind = match v.kind.as_str() {
            "Boolean" => "boolean",
            "Integer" => "integer",
            "Float" => "float",
            "Date" => "date",
            "DateTime" => "datetime",
            _ => "text",
        };
        let g = guid::normal(&v.guid);
        let existing = into
            .variables
            .iter()
            .find(|x| guid::normal(&variable_guid(x)) == g || x.name == v.name);
        let name = match existing {
            Some(x) => x.name.clone(),
            None => {
                into.variables.push(Variable {
                    name: v.name.clone(),
                    kind: kind.to_string(),
                    description: v.description.clone().filter(|d| !d.is_empty()),
                    guid: (g != guid::of("variable", &v.name)).then(|| v.guid.clone()),
                });
                v.name.clone()
            }
        };
        let kind = into
            .variables
            .iter()
            .find(|x| x.name == name)
            .map(|x| x.kind.clone())
            .unwrap_or_default();
        var_name.insert(g, (name, kind));
    }
    let values_of = |vals: &[Value]| -> BTreeMap<String, toml::Value> {
        vals.iter()
            .filter_map(|v| {
                let (name, kind) = var_name.get(&guid::normal(&v.variable))?;
                Some((name.clone(), toml_value(kind, &v.text)))
            })
            .collect()
    };
    for c in &project.cases {
        let g = guid::normal(&c.guid);
        let name = c.name.clone().unwrap_or_default();
        let transcripts: Vec<String> = c
            .sources
            .iter()
            .filter_map(|s| transcript_of.get(&guid::normal(s)).cloned())
            .collect();
        let values = values_of(&c.values);
        let at = into.cases.iter().position(|x| {
            guid::normal(&case_guid(x)) == g
                || (!name.is_empty() && x.name.as_deref() == Some(&name))
        });
        match at {
            Some(i) => {
                let x = &mut into.cases[i];
                for t in transcripts {
                    if !x.transcripts.contains(&t) {
                        x.transcripts.push(t);
                    }
                }
                for (k, v) in values {
                    x.values.entry(k).or_insert(v);
                }
            }
            None => {
                let base = match slug(&name) {
                    s if s.is_empty() || !is_valid_id(&s) => "case".to_string(),
                    s => s,
                };
                let mut id = base.clone();
                let mut n = 2;
                while into.cases.iter().any(|x| x.id == id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                let own = g == guid::of("case", &id);
                into.cases.push(Case {
                    name: Some(name).filter(|n| !n.is_empty() && *n != id),
                    description: c.description.clone().filter(|d| !d.is_empty()),
                    guid: (!own).then(|| c.guid.clone()),
                    transcripts,
                    values,
                    id,
                });
            }
        }
    }
    for s in &project.sources {
        let refi::Source::Text(t) = s else { continue };
        let Some(id) = transcript_of.get(&guid::normal(&t.guid)) else {
            continue;
        };
        let values = values_of(&t.values);
        if values.is_empty() {
            continue;
        }
        let m = into.transcript.entry(id.clone()).or_default();
        for (k, v) in values {
            m.entry(k).or_insert(v);
        }
    }
    *into != before
}
