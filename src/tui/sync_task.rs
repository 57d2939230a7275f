//! Sharing from the review screen, the runtime's side: `concord sync` on
//! the blocking pool (git2 and the `git` program block) with its stages
//! sent back as progress, the ahead/behind count, and the optional
//! `[sync] interval` that syncs on its own.
//!
//! The interval is read from the user's config file
//! (`$XDG_CONFIG_HOME/concord/config.toml`, else `~/.config/concord/
//! config.toml`), which wins, else from the study's `concord.toml`. Only
//! the `[sync]` table is read here; other tables are other parts' business.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::repo::sync::{SyncOptions, ahead_behind, sync};
use crate::study::files::MANIFEST;
use crate::tui::update::Action;

/// The shortest interval honoured: a remote is not to be hammered.
pub const SHORTEST: Duration = Duration::from_secs(10);

/// Sync in the background; progress and the result come back as actions.
pub fn spawn_sync(root: PathBuf, tx: UnboundedSender<Action>) {
    tokio::task::spawn_blocking(move || {
        let tip = |root: &Path| {
            git2::Repository::discover(root)
                .ok()
                .and_then(|r| r.head().ok().and_then(|h| h.target()))
        };
        let before = tip(&root);
        let progress = tx.clone();
        let result = sync(&root, &SyncOptions::default(), &mut |stage| {
            let _ = progress.send(Action::SyncProgress(stage.words()));
        });
        let action = match result {
            Ok(summary) => Action::Synced {
                sentence: summary.sentence(),
                moved: tip(&root) != before,
            },
            Err(e) => Action::SyncFailed(e.to_string()),
        };
        let _ = tx.send(action);
    });
}

/// Count ahead and behind the upstream (no fetch).
pub fn spawn_ahead_behind(root: PathBuf, tx: UnboundedSender<Action>) {
    tokio::task::spawn_blocking(move || {
        let _ = tx.send(Action::AheadBehind(ahead_behind(&root)));
    });
}

/// Send `SyncDue` every `every`, from one interval on.
pub fn spawn_interval(every: Duration, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await; // the first tick is at once
        loop {
            ticks.tick().await;
            if tx.send(Action::SyncDue).is_err() {
                break;
            }
        }
    });
}

/// The user's config file.
pub fn user_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("concord").join("config.toml"))
}

/// `[sync] interval` of one TOML text: Ok(None) when absent.
fn interval_in(text: &str, file: &str) -> Result<Option<Duration>, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| format!("{file}: {}", e.message()))?;
    let Some(value) = table.get("sync").and_then(|s| s.get("interval")) else {
        return Ok(None);
    };
    let text = value
        .as_str()
        .ok_or_else(|| format!("{file}: [sync] interval must be text such as \"60s\" or \"5m\""))?;
    let every = humantime::parse_duration(text).map_err(|e| {
        format!(
            "{file}: [sync] interval {text:?} is not a duration ({e}); write e.g. \"60s\" or \"5m\""
        )
    })?;
    Ok(Some(every.max(SHORTEST)))
}

/// The interval to sync on its own, if any: the user's config first, then
/// the study's. An unreadable setting is a message, not a stop.
pub fn configured_interval(root: &Path) -> Result<Option<Duration>, String> {
    if let Some(path) = user_config_path() {
        if let Ok(text) = std::fs::read_to_string(&path) {
            if let Some(every) = interval_in(&text, &path.display().to_string())? {
                return Ok(Some(every));
            }
        }
    }
    match std::fs::read_to_string(root.join(MANIFEST)) {
        Ok(text) => interval_in(&text, MANIFEST),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_read_and_bounded() {
        assert_eq!(
            interval_in("[sync]\ninterval = \"60s\"\n", "f").unwrap(),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            interval_in("[sync]\ninterval = \"1s\"\n", "f").unwrap(),
            Some(SHORTEST)
        );
        assert_eq!(interval_in("[study]\nname = \"s\"\n", "f").unwrap(), None);
        let bad = interval_in("[sync]\ninterval = \"often\"\n", "concord.toml").unwrap_err();
        assert!(
            bad.contains("concord.toml") && bad.contains("\"60s\""),
            "{bad}"
        );
    }
}
