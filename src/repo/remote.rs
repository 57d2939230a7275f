//! Fetch, push and clone through the system `git` program.
//!
//! Why not git2's own transport: researchers' SSH set-ups live in
//! `~/.ssh/config` (host aliases, jump hosts, a key per host), in ssh-agent
//! and in git's credential helpers, and libgit2's SSH reads none of the
//! config (the reason jj and gitui call the git program too). The `git`
//! program runs the user's `ssh`, which reads all of it. Everything local
//! (reading trees, building commits, moving the branch) stays with git2.
//! See docs/collaboration.md.
//!
//! Host keys are never accepted blindly and nothing waits for a password:
//! `ssh` runs with `BatchMode=yes` and `StrictHostKeyChecking=yes` placed
//! before any option of the user's (ssh takes the first value it is given),
//! and git with `GIT_TERMINAL_PROMPT=0`.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::repo::RepoError;

/// Why talking to the remote failed, in words a researcher can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    #[error(
        "the server's host key is not known to ssh ({detail}); concord never accepts an unknown host key. \
Check the key's fingerprint with the server's administrator, then add it to ~/.ssh/known_hosts \
(connect once with `ssh {host}` and answer yes, or `ssh-keyscan {host} >> ~/.ssh/known_hosts`), and sync again"
    )]
    UnknownHost { host: String, detail: String },
    #[error(
        "the server's host key has CHANGED since you last connected ({detail}): this may be an attack, or \
the server was reinstalled. Ask its administrator; only then remove the old key with `ssh-keygen -R {host}`"
    )]
    ChangedHost { host: String, detail: String },
    #[error(
        "the server refused your key ({detail}). Check that `ssh {host}` logs you in without a password \
(ssh-add loads your key into the agent), and that your public key is on the server or your Git host account"
    )]
    KeyRefused { host: String, detail: String },
    #[error(
        "cannot reach {host} ({detail}); check the network or VPN and the remote's address (git remote -v). \
Your decisions are safe in your clone and go out with the next sync"
    )]
    Unreachable { host: String, detail: String },
    #[error(
        "the remote asks for a user name or password and concord does not prompt; set up a git credential \
helper (git help credential) or use an SSH address"
    )]
    NeedsCredentials,
    #[error(
        "the remote refused the push: {0}. Nothing was changed here; ask whoever runs the repository"
    )]
    Rejected(String),
    #[error("{url} is not a repository that git can read ({detail})")]
    NotARepository { url: String, detail: String },
    #[error("`git` could not be run ({0}); install git (https://git-scm.com) and try again")]
    NoGit(String),
    #[error("git {command} failed: {detail}")]
    Failed { command: String, detail: String },
}

impl From<RemoteError> for RepoError {
    fn from(e: RemoteError) -> Self {
        RepoError::Refused(e.to_string())
    }
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    Done,
    /// The remote branch moved since the fetch: fetch, integrate, try again.
    NotFastForward,
}

/// The ssh command git should run: the user's `core.sshCommand` (or `ssh`)
/// with concord's two safety options first.
fn ssh_command(dir: &Path) -> String {
    let configured = git2::Repository::discover(dir)
        .ok()
        .and_then(|r| r.config().ok())
        .or_else(|| git2::Config::open_default().ok())
        .and_then(|c| c.get_string("core.sshCommand").ok())
        .filter(|s| !s.trim().is_empty());
    let safety = "-o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=20";
    match configured {
        Some(cmd) => {
            let cmd = cmd.trim();
            match cmd.split_once(char::is_whitespace) {
                Some((program, rest)) => format!("{program} {safety} {rest}"),
                None => format!("{cmd} {safety}"),
            }
        }
        None => format!("ssh {safety}"),
    }
}

/// A `git` command run in `dir` that never prompts and never accepts a host key.
pub fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_SSH_COMMAND", ssh_command(dir))
        .env_remove("GIT_SSH")
        .env_remove("GIT_SSH_VARIANT")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        // Messages are read to tell the user what went wrong: in English.
        .env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        .stdin(Stdio::null());
    cmd
}

/// Run `cmd`, returning its stdout, or the failure in the user's words.
fn run(mut cmd: Command, what: &str, url: &str) -> Result<(String, String), RemoteError> {
    let out = cmd
        .output()
        .map_err(|e| RemoteError::NoGit(e.to_string()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        Ok((stdout, stderr))
    } else {
        Err(classify(what, url, &stderr))
    }
}

/// The host part of a remote's address, for messages.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let end = rest.find(['/', ':']).unwrap_or(rest.len());
    let host = &rest[..end];
    if host.is_empty() {
        url.to_string()
    } else {
        host.to_string()
    }
}

/// What git's (and ssh's) error output means.
pub fn classify(what: &str, url: &str, stderr: &str) -> RemoteError {
    let host = host_of(url);
    let detail = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("fatal: Could not read from remote"))
        .unwrap_or("no message")
        .to_string();
    let has = |s: &str| stderr.contains(s);
    if has("REMOTE HOST IDENTIFICATION HAS CHANGED") {
        RemoteError::ChangedHost { host, detail }
    } else if has("Host key verification failed") || has("host key is known for") {
        let detail = stderr
            .lines()
            .find(|l| l.contains("host key is known for"))
            .map_or(detail.clone(), |l| l.trim().to_string());
        RemoteError::UnknownHost { host, detail }
    } else if has("Permission denied (") || has("Too many authentication failures") {
        RemoteError::KeyRefused { host, detail }
    } else if has("Could not resolve hostname")
        || has("Connection refused")
        || has("Connection timed out")
        || has("No route to host")
        || has("Network is unreachable")
        || has("Connection closed by")
        || has("Could not resolve host")
        || has("Failed to connect")
    {
        RemoteError::Unreachable { host, detail }
    } else if has("terminal prompts disabled") || has("could not read Username") {
        RemoteError::NeedsCredentials
    } else if has("does not appear to be a git repository")
        || has("Repository not found")
        || (has("repository") && has("not found"))
    {
        RemoteError::NotARepository {
            url: url.to_string(),
            detail,
        }
    } else {
        RemoteError::Failed {
            command: what.to_string(),
            detail: stderr
                .trim()
                .lines()
                .last()
                .unwrap_or("no message")
                .to_string(),
        }
    }
}

/// The address of `remote` as git has it configured.
pub fn url_of(repo: &git2::Repository, remote: &str) -> Option<String> {
    repo.find_remote(remote)
        .ok()?
        .url()
        .ok()
        .map(str::to_string)
}

/// `git fetch <remote>`: the remote-tracking branches are brought up to date.
pub fn fetch(dir: &Path, remote: &str, url: &str) -> Result<(), RemoteError> {
    let mut cmd = git(dir);
    cmd.args(["fetch", "--quiet", "--no-tags", "--", remote]);
    run(cmd, "fetch", url).map(|_| ())
}

/// `git push <remote> <commit>:refs/heads/<branch>`, never forced.
pub fn push(
    dir: &Path,
    remote: &str,
    url: &str,
    commit: git2::Oid,
    branch: &str,
) -> Result<Pushed, RemoteError> {
    let mut cmd = git(dir);
    cmd.args(["push", "--porcelain", "--", remote])
        .arg(format!("{commit}:refs/heads/{branch}"));
    let out = cmd
        .output()
        .map_err(|e| RemoteError::NoGit(e.to_string()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        return Ok(Pushed::Done);
    }
    // Porcelain: one line per ref, `!` first when it was refused.
    if let Some(line) = stdout.lines().find(|l| l.starts_with('!')) {
        let reason = line.split('\t').nth(2).unwrap_or(line).trim();
        if reason.contains("fetch first") || reason.contains("non-fast-forward") {
            return Ok(Pushed::NotFastForward);
        }
        let remote_says: Vec<&str> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("remote: "))
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let said = if remote_says.is_empty() {
            String::new()
        } else {
            format!(" (the remote says: {})", remote_says.join(" / "))
        };
        return Err(RemoteError::Rejected(format!("{reason}{said}")));
    }
    Err(classify("push", url, &stderr))
}

/// `git clone <url> <dir>`.
pub fn clone(parent: &Path, url: &str, dir: &Path) -> Result<(), RemoteError> {
    let mut cmd = git(parent);
    cmd.args(["clone", "--quiet", "--", url]).arg(dir);
    run(cmd, "clone", url).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_addresses() {
        assert_eq!(host_of("ssh://git@example.org:2222/s.git"), "example.org");
        assert_eq!(host_of("ann@lab-server:studies/iem.git"), "lab-server");
        assert_eq!(host_of("lab:studies/iem.git"), "lab");
        assert_eq!(host_of("https://github.com/lab/iem.git"), "github.com");
    }

    #[test]
    fn ssh_failures_are_told_apart() {
        let unknown = "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\nfatal: Could not read from remote repository.";
        assert!(matches!(
            classify("fetch", "lab:s.git", unknown),
            RemoteError::UnknownHost { .. }
        ));
        let refused = "root@127.0.0.1: Permission denied (publickey).\nfatal: Could not read from remote repository.";
        assert!(matches!(
            classify("fetch", "lab:s.git", refused),
            RemoteError::KeyRefused { .. }
        ));
        let down = "ssh: connect to host 127.0.0.1 port 1: Connection refused\nfatal: Could not read from remote repository.";
        let e = classify("fetch", "lab:s.git", down);
        assert!(matches!(e, RemoteError::Unreachable { .. }), "{e:?}");
        assert!(e.to_string().contains("Connection refused"), "{e}");
    }

    #[test]
    fn safety_options_come_before_the_users() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        repo.config()
            .unwrap()
            .set_str(
                "core.sshCommand",
                "ssh -i ~/.ssh/lab -o StrictHostKeyChecking=no",
            )
            .unwrap();
        let cmd = ssh_command(dir.path());
        let ours = cmd.find("StrictHostKeyChecking=yes").unwrap();
        let theirs = cmd.find("StrictHostKeyChecking=no").unwrap();
        assert!(ours < theirs, "{cmd}");
        assert!(cmd.starts_with("ssh -o BatchMode=yes"), "{cmd}");
    }
}
