//! `concord completions SHELL` and `concord man`: shell completions
//! (clap_complete) and the man page (clap_mangen), generated from the same
//! definition of the command line as `--help`, so they cannot disagree with it.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, exit};
use crate::repo::RepoError;

pub const LONG_ABOUT: &str = "Print a completion script for SHELL on standard output. For bash: \
`concord completions bash > ~/.local/share/bash-completion/completions/concord`; zsh: into a folder \
of your $fpath as _concord; fish: ~/.config/fish/completions/concord.fish.";

pub const MAN_ABOUT: &str = "Print concord's man page (roff) on standard output: \
`concord man > ~/.local/share/man/man1/concord.1`, then `man concord`. \
One page covers every command; `concord COMMAND --help` says the same per command.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to complete in
    pub shell: clap_complete::Shell,
}

fn write_out(bytes: &[u8]) -> Result<u8, RepoError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(RepoError::Write {
            path: "(standard output)".into(),
            source: e,
        }),
        _ => Ok(exit::OK),
    }
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "concord", &mut buf);
    write_out(&buf)
}

/// The man page of the whole program, each subcommand a section.
pub fn man_page() -> Vec<u8> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    // Errors writing to a Vec cannot happen.
    let _ = man.render_title(&mut buf);
    let _ = man.render_name_section(&mut buf);
    let _ = man.render_synopsis_section(&mut buf);
    let _ = man.render_description_section(&mut buf);
    let _ = man.render_options_section(&mut buf);
    let _ = writeln!(buf, ".SH COMMANDS");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        let _ = writeln!(buf, ".SS \"concord {name}\"");
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        let _ = writeln!(buf, "{}", roff_text(&about));
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let flag = match (arg.get_long(), arg.get_value_names()) {
                (Some(l), Some(v)) => format!("\\-\\-{l} {}", v.join(" ")),
                (Some(l), None) => format!("\\-\\-{l}"),
                (None, _) => arg.get_id().to_string().to_uppercase(),
            };
            let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
            let _ = writeln!(buf, ".TP\n\\fB{flag}\\fR\n{}", roff_text(&help));
        }
    }
    let _ = man.render_version_section(&mut buf);
    let _ = man.render_authors_section(&mut buf);
    let _ = writeln!(
        buf,
        ".SH FILES\n$XDG_CONFIG_HOME/concord/config.toml (default ~/.config/concord/config.toml): \
keys and colours of the review screen; see concord's README."
    );
    buf
}

/// Text safe in a roff paragraph: backslashes escaped, no line starting with a control character.
fn roff_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n.br\n")
}

pub fn run_man() -> Result<u8, RepoError> {
    write_out(&man_page())
}
