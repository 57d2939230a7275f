//! The user's config file, `$XDG_CONFIG_HOME/concord/config.toml`
//! (default `~/.config/concord/config.toml`): keys and colours of the
//! review screen, and whether it goes on to the next open disagreement
//! after a decision. Every setting is optional (a partial file overrides
//! only what it names). Pure: the front end reads the file and hands the
//! text here; what is wrong comes back as [`ConfigProblem`]s with the line
//! and what to do, and the rest still applies — never a refusal to start.
//!
//! ```toml
//! [keys]
//! next_open = ["J", "]"]   # one key or a list; the keys leave other commands
//! quit = "Q"
//! [keys.edit]
//! save = "Ctrl-s"
//! [colors]
//! coders = ["#4e79a7", "light-red"]
//! warn = "magenta"
//! [review]
//! advance = false          # stay on a unit after deciding it
//! ```
//!
//! Sections other parts of concord read (`[sync]`) are left to them.

use ratatui::style::Color;

use crate::tui::keymap::Key;
use crate::tui::keys::{Keymap, edit_names, parse_key, review_names};
use crate::tui::theme::Palette;

/// Top-level sections read elsewhere: not ours to judge.
const OTHER_SECTIONS: &[&str] = &["sync"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub keymap: Keymap,
    pub palette: Palette,
    /// `[review] advance`, if set.
    pub advance: Option<bool>,
}

/// Something wrong in the config file: its line (1-based; 0 when the
/// whole file is meant) and what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub line: usize,
    pub message: String,
}

/// Where `key` is set inside `[section]` (`a.b` for a subtable): the first
/// line that sets it, else the section's header, else 0.
fn line_of(text: &str, section: &str, key: Option<&str>) -> usize {
    let mut current = String::new();
    let mut header = 0;
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if let Some(inner) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = inner
                .trim()
                .trim_matches('[')
                .trim_matches(']')
                .trim()
                .to_string();
            if current == section && header == 0 {
                header = i + 1;
            }
            continue;
        }
        if let Some(k) = key {
            if current == section {
                let name = l.split('=').next().unwrap_or("").trim().trim_matches('"');
                if l.contains('=') && name == k {
                    return i + 1;
                }
            }
        }
    }
    header
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "a number",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "true or false",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

/// Where the config file is: `$XDG_CONFIG_HOME/concord/config.toml`, else
/// `$HOME/.config/concord/config.toml` (the XDG base directory rule: a
/// relative XDG_CONFIG_HOME is ignored). Takes the two variables' values.
pub fn config_path(
    xdg_config_home: Option<std::ffi::OsString>,
    home: Option<std::ffi::OsString>,
) -> Option<std::path::PathBuf> {
    let base = xdg_config_home
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| std::path::PathBuf::from(h).join(".config")))?;
    Some(base.join("concord").join("config.toml"))
}

/// Put a config into the screen's state.
pub fn apply(state: &mut crate::tui::state::State, config: Config) {
    state.keymap = config.keymap;
    state.theme.palette = config.palette;
    if let Some(a) = config.advance {
        state.advance = a;
    }
}

/// The config in `text`, with what is wrong in it.
pub fn parse(text: &str) -> (Config, Vec<ConfigProblem>) {
    let mut config = Config::default();
    let mut problems = Vec::new();
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0);
            problems.push(ConfigProblem {
                line,
                message: format!(
                    "not valid TOML ({}): fix it or move the file away; the defaults apply meanwhile",
                    e.message()
                ),
            });
            return (config, problems);
        }
    };
    for (section, value) in &table {
        let here = line_of(text, section, None);
        match (section.as_str(), value) {
            ("keys", toml::Value::Table(t)) => {
                keys(text, t, &mut config.keymap, &mut problems);
            }
            ("colors" | "colours", toml::Value::Table(t)) => {
                colours(text, section, t, &mut config.palette, &mut problems);
            }
            ("review", toml::Value::Table(t)) => {
                for (k, v) in t {
                    let line = line_of(text, section, Some(k));
                    match (k.as_str(), v) {
                        ("advance", toml::Value::Boolean(b)) => config.advance = Some(*b),
                        ("advance", other) => problems.push(ConfigProblem {
                            line,
                            message: format!(
                                "[review] advance is {}: write advance = true (go on to the next open disagreement after a decision) or false",
                                type_name(other)
                            ),
                        }),
                        _ => problems.push(ConfigProblem {
                            line,
                            message: format!("[review] has no setting {k:?}: the one there is is advance = true|false"),
                        }),
                    }
                }
            }
            (s, _) if OTHER_SECTIONS.contains(&s) => {}
            ("keys" | "colors" | "colours" | "review", other) => problems.push(ConfigProblem {
                line: line_of(text, "", Some(section)).max(here),
                message: format!("{section} is {}: write it as a [{section}] section", type_name(other)),
            }),
            _ => problems.push(ConfigProblem {
                line: here.max(line_of(text, "", Some(section))),
                message: format!(
                    "unknown section [{section}]: the sections are [keys], [keys.edit], [colors] and [review]; remove or rename it"
                ),
            }),
        }
    }
    problems.sort_by_key(|p| p.line);
    (config, problems)
}

/// One key or a list of keys.
fn key_list(v: &toml::Value) -> Result<Vec<Key>, String> {
    match v {
        toml::Value::String(s) => parse_key(s).map(|k| vec![k]),
        toml::Value::Array(items) => items
            .iter()
            .map(|i| match i {
                toml::Value::String(s) => parse_key(s),
                other => Err(format!("a key is a string, not {}", type_name(other))),
            })
            .collect(),
        other => Err(format!(
            "keys are a string (\"J\") or a list ([\"J\", \"]\"]), not {}",
            type_name(other)
        )),
    }
}

fn keys(text: &str, t: &toml::Table, keymap: &mut Keymap, problems: &mut Vec<ConfigProblem>) {
    for (name, v) in t {
        if name == "edit" {
            if let toml::Value::Table(edit) = v {
                for (name, v) in edit {
                    let line = line_of(text, "keys.edit", Some(name));
                    bind(
                        name,
                        v,
                        line,
                        "keys.edit",
                        &edit_names(),
                        problems,
                        |n, k| keymap.rebind_edit(n, k),
                    );
                }
                continue;
            }
        }
        let line = line_of(text, "keys", Some(name));
        bind(name, v, line, "keys", &review_names(), problems, |n, k| {
            keymap.rebind_review(n, k)
        });
    }
}

fn bind(
    name: &str,
    v: &toml::Value,
    line: usize,
    section: &str,
    names: &[String],
    problems: &mut Vec<ConfigProblem>,
    mut apply: impl FnMut(&str, Vec<Key>) -> bool,
) {
    if name == "accept" && section == "keys" {
        problems.push(ConfigProblem {
            line,
            message:
                "[keys] accept cannot be moved: 1..9 accept coder n's version; remove the line"
                    .into(),
        });
        return;
    }
    let keys = match key_list(v) {
        Ok(k) => k,
        Err(e) => {
            problems.push(ConfigProblem {
                line,
                message: format!("[{section}] {name}: {e}; the default keys stay"),
            });
            return;
        }
    };
    if !apply(name, keys) {
        let near = names
            .iter()
            .max_by(|a, b| {
                strsim::jaro_winkler(name, a)
                    .partial_cmp(&strsim::jaro_winkler(name, b))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .cloned()
            .unwrap_or_default();
        problems.push(ConfigProblem {
            line,
            message: format!(
                "[{section}] has no command {name:?} (did you mean {near}?); the commands are: {}",
                names.join(", ")
            ),
        });
    }
}

fn colour(v: &toml::Value) -> Result<Color, String> {
    match v {
        toml::Value::String(s) => s.parse::<Color>().map_err(|_| {
            format!("{s:?} is not a colour: write #rrggbb, a name (red, light-blue, dark-gray) or 0..255")
        }),
        other => Err(format!("a colour is a string (\"#4e79a7\"), not {}", type_name(other))),
    }
}

fn colours(
    text: &str,
    section: &str,
    t: &toml::Table,
    palette: &mut Palette,
    problems: &mut Vec<ConfigProblem>,
) {
    for (k, v) in t {
        let line = line_of(text, section, Some(k));
        let mut report = |message: String| problems.push(ConfigProblem { line, message });
        let slot = match k.as_str() {
            "coders" => {
                let toml::Value::Array(items) = v else {
                    report(format!(
                        "[{section}] coders is a list of colours, one per coder in concord.toml order"
                    ));
                    continue;
                };
                for (i, item) in items.iter().take(palette.coders.len()).enumerate() {
                    match colour(item) {
                        Ok(c) => palette.coders[i] = c,
                        Err(e) => report(format!("[{section}] coders, coder {}: {e}", i + 1)),
                    }
                }
                continue;
            }
            "dim" => &mut palette.dim,
            "warn" => &mut palette.warn,
            "error" => &mut palette.error,
            "success" => &mut palette.success,
            "overlap" => &mut palette.overlap,
            _ => {
                report(format!(
                    "[{section}] has no colour {k:?}: the colours are coders (a list), dim, warn, error, success, overlap"
                ));
                continue;
            }
        };
        match colour(v) {
            Ok(c) => *slot = c,
            Err(e) => report(format!("[{section}] {k}: {e}; the default stays")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::Command;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn a_partial_file_overrides_what_it_names() {
        let (c, problems) = parse(
            "[keys]\nnext_open = [\"J\", \"]\"]\n\n[colors]\nwarn = \"magenta\"\ncoders = [\"#ff0000\"]\n\n[review]\nadvance = false\n\n[sync]\ninterval = 30\n",
        );
        assert_eq!(problems, vec![]);
        assert_eq!(c.keymap.review_command(&key('J')), Some(Command::NextOpen));
        assert_eq!(c.keymap.review_command(&key('j')), Some(Command::Down));
        assert_eq!(c.palette.warn, Color::Magenta);
        assert_eq!(c.palette.coders[0], Color::Rgb(255, 0, 0));
        assert_eq!(c.palette.coders[1], Palette::default().coders[1]);
        assert_eq!(c.advance, Some(false));
    }

    #[test]
    fn problems_name_the_line_and_what_to_do() {
        let text =
            "[keys]\nnxt_open = \"J\"\nquit = 5\n[colors]\nwarn = \"blurple\"\n[paint]\nx = 1\n";
        let (c, problems) = parse(text);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 5, 6], "{problems:?}");
        assert!(problems[0].message.contains("did you mean next_open"));
        assert!(problems[2].message.contains("#rrggbb"));
        assert!(problems[3].message.contains("unknown section [paint]"));
        // What was wrong left the defaults in place.
        assert_eq!(c.keymap.review_command(&key('q')), Some(Command::Quit));
        assert_eq!(c.palette, Palette::default());
    }

    #[test]
    fn broken_toml_is_one_problem_and_the_defaults() {
        let (c, problems) = parse("[keys]\nquit = \n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
        assert_eq!(c, Config::default());
    }
}
