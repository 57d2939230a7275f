//! `concord export qdpx|qdc|csv OUT [PATH]`: the study for the desktop
//! tools (REFI-QDA) and for R, SPSS and spreadsheets (CSV).

use std::path::{Path, PathBuf};

use crate::agreement::input::Input;
use crate::agreement::report::{Measures, report};
use crate::align::review_units;
use crate::cli::exit;
use crate::cli::study_arg;
use crate::interop::export::{self, Options};
use crate::interop::{InteropError, csv};
use crate::repo::RepoError;
use crate::repo::write::write_atomically;

pub const LONG_ABOUT: &str = "Write the study in a form other programs read.\n\n\
qdpx: a REFI-QDA project that ATLAS.ti, MAXQDA, NVivo and QualCoder open: a user per coder, the codebook \
(each code's description is its Definition, When to use, When not to use and Examples), the transcripts \
as plain-text sources, and every coding as a coded selection by its coder. --consensus adds the \
reconciled result as the codings of a \"Consensus\" user.\n\
qdc: the codebook alone, as a REFI-QDA codebook.\n\
csv: a folder of tidy tables for R (read.csv), pandas and SPSS: codings.csv, decisions.csv with \
decision_results.csv, units.csv with unit_codings.csv, agreement.csv (a level column, one measure per \
column) with agreement_notes.csv. The data are exact; --excel-safe guards fields a spreadsheet would \
run as formulas.\n\n\
The same study always exports to the same bytes, so exports kept in git diff cleanly. An existing \
output file is replaced. The study must be free of problems (concord check).";

pub const AFTER_HELP: &str = "Examples:\n  concord export qdpx study.qdpx\n  concord export qdpx for-nvivo.qdpx --coders coder-a --consensus\n  concord export qdc codebook.qdc\n  concord export csv tables/\n\n\
Exit status: 0 written, 2 could not (the message says why). The mapping: docs/interop.md.";

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub format: Format,
}

#[derive(clap::Subcommand, Debug)]
pub enum Format {
    /// A REFI-QDA project (.qdpx): codebook, transcripts, every coder's codings
    Qdpx {
        /// The file to write (replaced if it exists)
        out: PathBuf,
        /// The study folder (default: the nearest folder with a concord.toml, from here upward)
        path: Option<PathBuf>,
        /// Which coders' codings: all, or ids separated by commas
        #[arg(long, value_name = "all|ID,...", default_value = "all")]
        coders: String,
        /// Add the reconciled result (decided and agreed units) as a "Consensus" user's codings
        #[arg(long)]
        consensus: bool,
    },
    /// A REFI-QDA codebook (.qdc): the code tree with names, colours and descriptions
    Qdc {
        /// The file to write (replaced if it exists)
        out: PathBuf,
        /// The study folder (default: the nearest folder with a concord.toml, from here upward)
        path: Option<PathBuf>,
    },
    /// CSV tables for R and SPSS: codings, decisions (and their results), units (and their codings), agreement (and its notes)
    Csv {
        /// The folder to write them in (created if missing; the files are replaced)
        outdir: PathBuf,
        /// The study folder (default: the nearest folder with a concord.toml, from here upward)
        path: Option<PathBuf>,
        /// For spreadsheets: put a ' before a field that begins with = + - or @, so that it is not run as a formula (this changes the data; R and SPSS want the files without it)
        #[arg(long)]
        excel_safe: bool,
    },
}

fn refused(e: InteropError) -> RepoError {
    RepoError::Refused(e.to_string())
}

pub fn run(args: Args) -> Result<u8, RepoError> {
    let path = match &args.format {
        Format::Qdpx { path, .. } | Format::Qdc { path, .. } | Format::Csv { path, .. } => path,
    };
    let open = study_arg::open(path.as_deref())?;
    let problems = open.loaded.problems.len();
    if problems > 0 {
        return Err(RepoError::Refused(format!(
            "the study has {problems} problem(s); nothing was exported. Run concord check and fix them first"
        )));
    }
    let study = &open.loaded.study;
    match args.format {
        Format::Qdpx {
            out,
            coders,
            consensus,
            ..
        } => {
            let coders = match coders.trim() {
                "all" => None,
                list => Some(
                    list.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                ),
            };
            let (bytes, s) =
                export::qdpx(study, &Options { coders, consensus }).map_err(refused)?;
            write_shared(&out, &bytes)?;
            println!(
                "Wrote {}: {} code(s), {} transcript(s), {} coding(s) by {}{}.",
                out.display(),
                s.codes,
                s.transcripts,
                s.codings,
                s.coders.join(", "),
                if consensus {
                    format!(
                        "; consensus: {} excerpt(s), {} unit(s) not yet settled left out",
                        s.consensus_codings, s.unsettled_units
                    )
                } else {
                    String::new()
                }
            );
        }
        Format::Qdc { out, .. } => {
            write_shared(&out, export::qdc(study).as_bytes())?;
            println!(
                "Wrote {}: {} code(s).",
                out.display(),
                study.codebook.codes.len()
            );
        }
        Format::Csv {
            outdir, excel_safe, ..
        } => {
            let units = review_units(study);
            let input = Input::from_study(study);
            let mut table = report(&input, Measures::ALL);
            // Each pair of coders' rows too (3+ coders), as `agreement --csv` has them.
            table.pairs = crate::agreement::pairs::pairs(&input, Measures::ALL);
            let style = csv::Style { excel_safe };
            let files = [
                ("codings.csv", csv::codings(study, style)),
                ("decisions.csv", csv::decisions(study, style)),
                ("decision_results.csv", csv::decision_results(study, style)),
                ("units.csv", csv::units(study, &units, style)),
                ("unit_codings.csv", csv::unit_codings(&units, style)),
                (
                    "agreement.csv",
                    csv::agreement(&table, &study.codebook, style),
                ),
                ("agreement_notes.csv", csv::agreement_notes(&table, style)),
            ];
            let names: Vec<&str> = files.iter().map(|f| f.0).collect();
            for (name, text) in files {
                let text = text.map_err(refused)?;
                write_shared(&outdir.join(name), text.as_bytes())?;
            }
            println!(
                "Wrote {} in {}{}.",
                names.join(", "),
                display_dir(&outdir),
                if excel_safe {
                    " (fields that begin with = + - @ have a leading ' for spreadsheets)"
                } else {
                    ""
                }
            );
        }
    }
    Ok(exit::OK)
}

fn display_dir(p: &Path) -> String {
    p.display().to_string()
}

/// Write `bytes` to `path` atomically, readable by others as a file made
/// with `>` would be (the temporary file behind the atomic write is private).
fn write_shared(path: &Path, bytes: &[u8]) -> Result<(), RepoError> {
    write_atomically(path, bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
    }
    Ok(())
}
