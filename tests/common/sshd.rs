//! A real OpenSSH server on a free loopback port, for the sync tests: a
//! temporary host key, an authorized_keys with a temporary user key, public
//! key login only. Clients get an ssh config with a host alias and a
//! known_hosts of their own (through `core.sshCommand = ssh -F ...` in
//! their ~/.gitconfig: ssh reads ~/.ssh from the password database, not
//! from $HOME, so a temporary HOME alone would not reach it).
//!
//! Include it with `#[path = "common/sshd.rs"] mod sshd;`.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const SSHD: &str = "/usr/sbin/sshd";

pub struct Sshd {
    dir: TempDir,
    child: Child,
    pub port: u16,
    pub user: String,
}

fn keygen(path: &Path) {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "concord-test", "-f"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ssh-keygen: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Why sshd cannot be had here, if it cannot.
fn unavailable() -> Option<String> {
    if !Path::new(SSHD).exists() {
        return Some(format!(
            "{SSHD} is not installed (apt-get install openssh-server; .ci/run does)"
        ));
    }
    for tool in ["ssh", "ssh-keygen"] {
        if Command::new(tool).arg("-V").output().is_err()
            && Command::new(tool).arg("-?").output().is_err()
        {
            return Some(format!("{tool} is not installed"));
        }
    }
    None
}

impl Sshd {
    /// Start sshd, or `None` (with the reason printed) where it cannot run.
    pub fn start() -> Option<Sshd> {
        if let Some(why) = unavailable() {
            eprintln!("skipped: {why}");
            return None;
        }
        // sshd wants its privilege-separation folder.
        let privsep = Path::new("/run/sshd");
        if !privsep.exists() && std::fs::create_dir_all(privsep).is_err() {
            eprintln!("skipped: sshd needs /run/sshd and it cannot be created here");
            return None;
        }
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        keygen(&d.join("host_key"));
        keygen(&d.join("user_key"));
        keygen(&d.join("stranger_key"));
        std::fs::copy(d.join("user_key.pub"), d.join("authorized_keys")).unwrap();
        let port = free_port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nPidFile {d}/sshd.pid\n\
AuthorizedKeysFile {d}/authorized_keys\nPubkeyAuthentication yes\nPasswordAuthentication no\n\
KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nUsePAM no\nStrictModes no\n\
AllowUsers {user}\nLogLevel ERROR\n",
            d = d.display()
        );
        std::fs::write(d.join("sshd_config"), config).unwrap();
        let child = Command::new(SSHD)
            .args(["-D", "-e", "-f"])
            .arg(d.join("sshd_config"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(d.join("sshd.log")).unwrap())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                eprintln!("skipped: cannot start sshd: {e}");
                return None;
            }
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(d.join("sshd.log")).unwrap_or_default();
                eprintln!("skipped: sshd exited ({status}): {log}");
                return None;
            }
            assert!(Instant::now() < deadline, "sshd did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Sshd {
            dir,
            child,
            port,
            user,
        })
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The known_hosts line of this server.
    pub fn known_host(&self) -> String {
        let key = std::fs::read_to_string(self.dir().join("host_key.pub")).unwrap();
        let mut parts = key.split_whitespace();
        format!(
            "[127.0.0.1]:{} {} {}\n",
            self.port,
            parts.next().unwrap(),
            parts.next().unwrap()
        )
    }

    /// A client set-up in `home`: `~/.ssh/config` with host alias `lab`
    /// (port `port`, key `key`), a known_hosts that knows this server when
    /// `known`, and the ~/.gitconfig line that makes git's ssh use them.
    /// Returns the line for the member's ~/.gitconfig.
    pub fn client(&self, home: &Path, key: &str, known: bool, port: u16) -> String {
        let ssh = home.join(".ssh");
        std::fs::create_dir_all(&ssh).unwrap();
        let known_hosts = ssh.join("known_hosts");
        std::fs::write(
            &known_hosts,
            if known {
                self.known_host()
            } else {
                String::new()
            },
        )
        .unwrap();
        let config = format!(
            "Host lab\n  HostName 127.0.0.1\n  Port {port}\n  User {user}\n  IdentityFile {key}\n  IdentitiesOnly yes\n\
  UserKnownHostsFile {kh}\n  GlobalKnownHostsFile /dev/null\n  IdentityAgent none\n",
            user = self.user,
            key = self.dir().join(key).display(),
            kh = known_hosts.display()
        );
        std::fs::write(ssh.join("config"), config).unwrap();
        format!(
            "[core]\n\tsshCommand = ssh -F {}\n",
            ssh.join("config").display()
        )
    }

    /// The address of a bare repository through the alias.
    pub fn url(&self, bare: &Path) -> String {
        format!("lab:{}", bare.display())
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn path_buf(p: &Path) -> PathBuf {
    p.to_path_buf()
}
