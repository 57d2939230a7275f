//! The keys in force: the one keymap (`keymap.rs`) with the user's
//! overrides from the config file laid over it. Every binding of the
//! keymap is here, under the keys the user gave it or its own; `update`
//! resolves keys through this and the help and key bar show its keys, so
//! what the screen says is what the keys do.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::tui::keymap::{self, Binding, Command, EDIT, EditCommand, Key, REVIEW};

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    review: Vec<(Command, Vec<Key>)>,
    edit: Vec<(EditCommand, Vec<Key>)>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            review: defaults(REVIEW),
            edit: defaults(EDIT),
        }
    }
}

fn defaults<C: Copy>(bindings: &[Binding<C>]) -> Vec<(C, Vec<Key>)> {
    bindings
        .iter()
        .map(|b| (b.command, b.keys.to_vec()))
        .collect()
}

/// The name a command has in the config file: `next_open`, `accept`, `pick_code`.
pub fn command_name(debug: &str) -> String {
    let bare = debug.split('(').next().unwrap_or(debug);
    let mut out = String::new();
    for (i, c) in bare.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Every command's config name, review commands then edit commands.
pub fn review_names() -> Vec<String> {
    REVIEW
        .iter()
        .map(|b| command_name(&format!("{:?}", b.command)))
        .collect()
}

pub fn edit_names() -> Vec<String> {
    EDIT.iter()
        .map(|b| command_name(&format!("{:?}", b.command)))
        .collect()
}

/// A key as the config file writes it: `j`, `J`, `Ctrl-d`, `Enter`, `Space`, `PgDn`, `F5`.
pub fn parse_key(s: &str) -> Result<Key, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("ctrl-")
        .or_else(|| lower.strip_prefix("c-"))
    {
        let mut chars = rest.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() => Ok(Key::Ctrl(c)),
            _ => Err(format!(
                "{s:?}: Ctrl- goes with one letter or digit, as Ctrl-d"
            )),
        };
    }
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        if c.is_control() {
            return Err(format!(
                "{s:?} is a control character: write Ctrl-x or a key name"
            ));
        }
        return Ok(Key::Char(c));
    }
    let code = match lower.as_str() {
        "space" => return Ok(Key::Char(' ')),
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        f if f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) => {
            KeyCode::F(f[1..].parse().unwrap_or(1))
        }
        _ => {
            return Err(format!(
                "{s:?} is not a key: write a character (j, J, ]), Ctrl-x, or one of Space Enter Esc Tab Backspace Up Down Left Right PgUp PgDn Home End F1..F12"
            ));
        }
    };
    Ok(Key::Code(code))
}

/// Give `command` these keys; the keys leave any other command of the same context.
fn rebind<C: Copy + PartialEq>(list: &mut [(C, Vec<Key>)], command: C, keys: Vec<Key>) {
    for (c, ks) in list.iter_mut() {
        if *c != command {
            ks.retain(|k| !keys.contains(k));
        }
    }
    if let Some((_, ks)) = list.iter_mut().find(|(c, _)| *c == command) {
        *ks = keys;
    }
}

impl Keymap {
    /// Bind a review command, by its config name, to `keys`. False: no such command.
    pub fn rebind_review(&mut self, name: &str, keys: Vec<Key>) -> bool {
        let Some(b) = REVIEW
            .iter()
            .find(|b| command_name(&format!("{:?}", b.command)) == name)
        else {
            return false;
        };
        rebind(&mut self.review, b.command, keys);
        true
    }

    pub fn rebind_edit(&mut self, name: &str, keys: Vec<Key>) -> bool {
        let Some(b) = EDIT
            .iter()
            .find(|b| command_name(&format!("{:?}", b.command)) == name)
        else {
            return false;
        };
        rebind(&mut self.edit, b.command, keys);
        true
    }

    /// The review command a key event stands for.
    pub fn review_command(&self, ev: &KeyEvent) -> Option<Command> {
        for (command, keys) in &self.review {
            for &k in keys {
                if let Some(digit) = keymap::matches(k, ev) {
                    return Some(match (command, digit) {
                        (Command::Accept(_), Some(n)) => Command::Accept(n),
                        (c, _) => *c,
                    });
                }
            }
        }
        None
    }

    pub fn edit_command(&self, ev: &KeyEvent) -> Option<EditCommand> {
        self.edit
            .iter()
            .find(|(_, keys)| keys.iter().any(|&k| keymap::matches(k, ev).is_some()))
            .map(|(c, _)| *c)
    }

    /// The keys of a review command (matched by kind, so any `Accept(n)` is `accept`).
    pub fn review_keys(&self, command: Command) -> &[Key] {
        let same = |c: &Command| std::mem::discriminant(c) == std::mem::discriminant(&command);
        self.review
            .iter()
            .find(|(c, _)| same(c))
            .map_or(&[], |(_, k)| k.as_slice())
    }

    pub fn edit_keys(&self, command: EditCommand) -> &[Key] {
        self.edit
            .iter()
            .find(|(c, _)| *c == command)
            .map_or(&[], |(_, k)| k.as_slice())
    }

    /// How a review command's keys are written (`j ↓`), or "(unbound)".
    pub fn review_label(&self, command: Command) -> String {
        label(self.review_keys(command))
    }

    pub fn edit_label(&self, command: EditCommand) -> String {
        label(self.edit_keys(command))
    }
}

fn label(keys: &[Key]) -> String {
    if keys.is_empty() {
        "(unbound)".into()
    } else {
        keymap::keys_label(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn the_default_layer_is_the_keymap() {
        let k = Keymap::default();
        for c in "jkgG]ab x?q/ntfvTP".chars() {
            assert_eq!(
                k.review_command(&key(c)),
                keymap::review_command(&key(c)),
                "{c}"
            );
        }
        assert_eq!(k.review_command(&key('2')), Some(Command::Accept(1)));
    }

    #[test]
    fn a_rebound_key_leaves_its_old_command() {
        let mut k = Keymap::default();
        assert!(k.rebind_review("next_open", vec![Key::Char('j')]));
        assert_eq!(k.review_command(&key('j')), Some(Command::NextOpen));
        assert_eq!(k.review_command(&key(']')), None);
        // Down keeps its other key.
        assert_eq!(k.review_label(Command::Down), "↓");
        assert!(!k.rebind_review("fly", vec![]));
    }

    #[test]
    fn names_and_keys_parse() {
        assert_eq!(command_name("NextOpen"), "next_open");
        assert_eq!(command_name("Accept(0)"), "accept");
        assert_eq!(parse_key("Ctrl-d"), Ok(Key::Ctrl('d')));
        assert_eq!(parse_key("J"), Ok(Key::Char('J')));
        assert_eq!(parse_key("space"), Ok(Key::Char(' ')));
        assert_eq!(parse_key("PgDn"), Ok(Key::Code(KeyCode::PageDown)));
        assert!(parse_key("Hyper-x").is_err());
    }
}
