//! `concord agreement [PATH] [--code ID] [--transcript ID] [--measure ...]
//! [--json|--csv]`: intercoder reliability, in the measures of NVivo,
//! MAXQDA and ATLAS.ti, per code, per transcript and overall.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::agreement::Estimate;
use crate::agreement::input::{CodeInfo, Input};
use crate::agreement::interval::Settings;
use crate::agreement::report::{Measures, Report, Row, report_with};
use crate::cli::exit;
use crate::cli::{code_arg, study_arg};
use crate::repo::RepoError;
use crate::study::Codebook;
use crate::study::cases::{Where, transcripts_where};
use crate::study::left_out::LeftOut;
use crate::study::text::{printable, shorten};

/// The report as `--json` prints it: each row with its code's name and
/// path of names beside the id.
#[derive(serde::Serialize)]
struct Named<'a> {
    coders: &'a [String],
    rows: Vec<NamedRow<'a>>,
}

#[derive(serde::Serialize)]
struct NamedRow<'a> {
    /// The code's name (None for the overall row).
    code_name: Option<String>,
    /// Its names from the top of the codebook down, joined by `/`.
    code_path: Option<String>,
    #[serde(flatten)]
    row: &'a Row,
}

/// What `--json` prints, written straight from the figures (not through a
/// `serde_json::Value`, whose building and freeing was a third of a warm
/// run on a large study).
#[derive(serde::Serialize)]
struct AgreementJson<'a> {
    coders: &'a [String],
    rows: Vec<NamedRow<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pairs: &'a [crate::agreement::pairs::PairReport],
    reconciliation: &'a crate::review::reconciled::Reconciled,
    left_out: &'a LeftOut,
}

fn named<'a>(r: &'a Report, codebook: &Codebook) -> Named<'a> {
    Named {
        coders: &r.coders,
        rows: r
            .rows
            .iter()
            .map(|row| {
                let code = row.code.as_deref();
                NamedRow {
                    code_name: code
                        .and_then(|c| codebook.get(c))
                        .map(|c| c.name().to_string()),
                    code_path: code.and_then(|c| codebook.name_path(c)),
                    row,
                }
            })
            .collect(),
    }
}

pub const LONG_ABOUT: &str = "Measure intercoder reliability. Character level as NVivo's coding comparison \
(every character a unit: percent agreement and Cohen's kappa; Fleiss' kappa for three or more coders); \
segment level as MAXQDA (excerpts matched when they overlap by segment_overlap of their union: percent \
agreement and Brennan and Prediger's kappa); Krippendorff's unitized alpha family as ATLAS.ti (|uα per \
code; uα, cuα and (k)uα per semantic domain, i.e. the children of one parent code; Cu-α over domains); \
and speaker turns as predefined units (Krippendorff's nominal alpha, Cohen's and Fleiss' kappa).\n\n\
The table shows one row per code, pooled over transcripts, in codebook order; --json and --csv add one \
row per code per transcript. A figure that is undefined on the data (no variation, one category) is \
shown as – in the table, null in JSON and empty in CSV, and the JSON row's notes say why. \
Exact definitions: docs/agreement.md.";

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The study folder (default: the nearest folder with a concord.toml, from here upward)
    pub path: Option<PathBuf>,
    /// Only the rows of this code: its id, its name, or its path (`Self-efficacy/Maintenance self-efficacy`, `intrapsychic/self-efficacy/maintenance`)
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// Compute on this transcript alone
    #[arg(long, value_name = "ID")]
    pub transcript: Option<String>,
    /// Compute on the transcripts whose case (or own value) has this value of a variable of cases.toml; repeatable, all must hold
    #[arg(long = "where", value_name = "VARIABLE=VALUE", value_parser = Where::parse)]
    pub where_: Vec<Where>,
    /// Which measures to compute
    #[arg(long, value_name = "MEASURE", default_value = "all",
          value_parser = ["character", "segment", "alpha", "turn", "all"])]
    pub measure: String,
    /// Print one JSON object: {"coders": [...], "rows": [...]}
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the rows as CSV, one column per figure, for R and SPSS (why a figure is empty goes to standard error)
    #[arg(long)]
    pub csv: bool,
    /// With --csv, for spreadsheets: put a ' before a field that begins with = + - or @ (changes the data)
    #[arg(long, requires = "csv")]
    pub excel_safe: bool,
    /// Character kappa and binary uα per code and overall at every commit that changed the codebook or the codings, oldest first (see concord history)
    #[arg(long, conflicts_with_all = ["transcript", "csv", "measure", "where_"])]
    pub trend: bool,
    /// Confidence intervals at this level (e.g. 0.95) for every pooled figure: cluster bootstrap over transcripts; the turn alpha by Hayes and Krippendorff's bootstrap; Cohen's kappa also κ ± z·SE
    #[arg(long, value_name = "LEVEL", value_parser = level)]
    pub ci: Option<f64>,
    /// Bootstrap resamples (with --ci)
    #[arg(long, value_name = "N", default_value_t = Settings::DEFAULT_RESAMPLES as u32, requires = "ci",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub boot: u32,
    /// Seed of the bootstrap: the same seed gives the same intervals (with --ci)
    #[arg(long, value_name = "N", default_value_t = Settings::DEFAULT_SEED, requires = "ci")]
    pub seed: u64,
    /// Explain what went into one code's figures: the 2x2 table and the kappa's arithmetic, each transcript, the excerpts and units, what was left out and why
    #[arg(long, value_name = "CODE", conflicts_with_all = ["json", "csv", "trend", "code"])]
    pub explain: Option<String>,
    /// Smallest acceptable alpha: every alpha's interval also gives q, the share of resamples below it (Krippendorff; e.g. 0.667 or 0.8)
    #[arg(
        long,
        value_name = "ALPHA",
        requires = "ci",
        allow_hyphen_values = true
    )]
    pub min: Option<f64>,
}

fn level(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v < 1.0 => Ok(v),
        _ => Err(format!("{s:?} is not a level between 0 and 1 (e.g. 0.95)")),
    }
}

/// What `agreement` keeps in the derived cache: all measures on the
/// whole study (with the after-reconciliation section), what the table
/// needs of the codebook, and how many codings the figures could not use.
/// The pairs' figures are kept apart ([`pair_figures`]): only the outputs
/// that show them compute them.
#[derive(serde::Serialize, serde::Deserialize)]
struct Figures {
    report: Report,
    after: crate::review::reconciled::Reconciled,
    /// What `after` is computed on, to make it again after a decision.
    on: crate::cli::agreement_reconciled::On,
    codes: Vec<CodeInfo>,
    codebook: Codebook,
    coders: usize,
    problems: usize,
    left_out: LeftOut,
}

/// Which transcripts the figures are computed on: one (`--transcript`,
/// by its index) and those `--where` keeps (by id).
#[derive(Default)]
struct Selection {
    transcript: Option<usize>,
    keep: Option<std::collections::BTreeSet<String>>,
}

fn figures(
    loaded: &crate::study::Loaded,
    selection: &Selection,
    measures: Measures,
    settings: Option<&Settings>,
    units: &[crate::align::ReviewUnit],
) -> Figures {
    let input = input_of(loaded, selection);
    let report = report_with(&input, measures, settings);
    let on = crate::cli::agreement_reconciled::On::keeping_units(&input, units);
    Figures {
        report,
        after: on.compute(units, &loaded.study.decisions),
        on,
        codes: input.codes.clone(),
        codebook: loaded.study.codebook.clone(),
        coders: input.coders.len(),
        problems: loaded.problems.len(),
        left_out: LeftOut::of_agreement(&loaded.study, loaded.unparsed_codings),
    }
}

/// The pairs' figures an output shows, with three or more coders: all of
/// them in `--json` and `--csv` (each pair's rows), Cohen's kappa on
/// characters in the table (its pair table); none with `--explain` or with
/// `--ci --csv` (the intervals). Computing only those keeps the table as
/// fast as without pairs but for the character level.
fn pair_measures(args: &Args, measures: Measures, settings: Option<&Settings>) -> Measures {
    let none = Measures {
        character: false,
        segment: false,
        alpha: false,
        turn: false,
    };
    if args.explain.is_some() || (args.csv && settings.is_some()) {
        none
    } else if args.json || args.csv {
        measures
    } else {
        Measures {
            character: measures.character,
            ..none
        }
    }
}

fn pair_figures(
    loaded: &crate::study::Loaded,
    selection: &Selection,
    measures: Measures,
) -> Vec<crate::agreement::pairs::PairReport> {
    let nothing = !(measures.character || measures.segment || measures.alpha || measures.turn);
    if nothing {
        return Vec::new();
    }
    crate::agreement::pairs::pairs(&input_of(loaded, selection), measures)
}

fn input_of(loaded: &crate::study::Loaded, selection: &Selection) -> Input {
    let mut input = Input::from_study(&loaded.study);
    if let Some(index) = selection.transcript {
        input = only_transcript(input, index);
    }
    if let Some(keep) = &selection.keep {
        input = only_transcripts(input, keep);
    }
    input
}

pub fn run(mut args: Args) -> Result<u8, RepoError> {
    if args.trend {
        // The trend reads commits: a code named as the working tree names
        // it is found there; an id of a code since removed is passed as is.
        let here = study_arg::open(args.path.as_deref()).ok();
        if let (Some(c), Some(open)) = (&args.code, &here) {
            if let Ok(code) = crate::study::code_lookup::find_code(&open.loaded.study.codebook, c) {
                args.code = Some(code.id().to_string());
            }
        }
        return crate::cli::trend::run(args.path.as_deref(), args.code.as_deref(), args.json);
    }
    let reads = crate::repo::read::FileReads::default();
    let open = study_arg::open_cached(args.path.as_deref(), &reads)?;
    let measures = match args.measure.as_str() {
        "character" => Measures {
            character: true,
            segment: false,
            alpha: false,
            turn: false,
        },
        "segment" => Measures {
            character: false,
            segment: true,
            alpha: false,
            turn: false,
        },
        "alpha" => Measures {
            character: false,
            segment: false,
            alpha: true,
            turn: false,
        },
        "turn" => Measures {
            character: false,
            segment: false,
            alpha: false,
            turn: true,
        },
        _ => Measures::ALL,
    };
    let settings = args.ci.map(|level| Settings {
        level,
        resamples: args.boot as usize,
        seed: args.seed,
        minimum: args.min,
    });
    // All measures on the whole study, without intervals, are kept as they
    // are; any other selection (and --explain) is computed from the
    // (cached) checked study.
    let whole = args.transcript.is_none()
        && args.where_.is_empty()
        && measures == Measures::ALL
        && settings.is_none()
        && args.explain.is_none();
    let mut selection = Selection::default();
    let wanted = pair_measures(&args, measures, settings.as_ref());
    let mut pairs = Vec::new();
    let f: Figures = if whole {
        // The coders' figures are kept by the coded files alone; after a
        // decision only the reconciliation and the problems are made again.
        let f = open.study.derived_by("agreement", || {
            let mut f: Figures = open.study.coded("agreement", |l| {
                figures(
                    l,
                    &Selection::default(),
                    Measures::ALL,
                    None,
                    open.study.units(),
                )
            });
            // After a decision: the reviewed transcripts' units, not every unit.
            let decisions = &open.study.whole().decisions;
            let after = open
                .study
                .reviewed_units()
                .and_then(|units| f.on.compute_reviewed(&units, decisions));
            f.after = match after {
                Some(after) => after,
                None => f.on.compute(&open.study.review_units(), decisions),
            };
            f.problems = open.study.problems().len();
            f
        });
        if f.coders >= 3 && wanted != Measures::ALL && wanted.character {
            pairs = open.study.coded("agreement-pairs-character", |l| {
                pair_figures(l, &Selection::default(), wanted)
            });
        } else if f.coders >= 3 && wanted == Measures::ALL {
            pairs = open.study.coded("agreement-pairs", |l| {
                pair_figures(l, &Selection::default(), wanted)
            });
        }
        f
    } else {
        let loaded = open.study.loaded();
        selection.transcript = match &args.transcript {
            Some(t) => Some(
                loaded
                    .study
                    .transcripts
                    .iter()
                    .position(|x| x.id == *t)
                    .ok_or_else(|| {
                        RepoError::Refused(format!(
                            "no transcript {t:?} in the study (see concord status)"
                        ))
                    })?,
            ),
            None => None,
        };
        if !args.where_.is_empty() {
            selection.keep =
                Some(transcripts_where(&loaded.study, &args.where_).map_err(RepoError::Refused)?);
        }
        pairs = pair_figures(loaded, &selection, wanted);
        figures(
            loaded,
            &selection,
            measures,
            settings.as_ref(),
            open.study.units(),
        )
    };
    // A name or path becomes the id the rows carry.
    if let Some(c) = &args.code {
        args.code = Some(code_arg::resolve(&f.codebook, c)?);
    }
    if let Some(c) = &args.explain {
        args.explain = Some(code_arg::resolve(&f.codebook, c)?);
    }
    let mut r = f.report;
    r.pairs = pairs;
    if let Some(c) = &args.code {
        r.rows.retain(|row| row.code.as_deref() == Some(c.as_str()));
        for p in &mut r.pairs {
            p.rows.retain(|row| row.code.as_deref() == Some(c.as_str()));
        }
    }
    if let Some(code) = &args.explain {
        let input = input_of(open.study.loaded(), &selection);
        print!(
            "{}",
            crate::cli::agreement_explain::explain(&input, &r, code)
        );
        return Ok(exit::OK);
    }
    if args.json {
        // The rows by name, every pair, the reconciliation, and how many
        // codings the figures could not use ("left_out").
        let named = named(&r, &f.codebook);
        crate::cli::json::print_pretty(&AgreementJson {
            coders: named.coders,
            rows: named.rows,
            pairs: &r.pairs,
            reconciliation: &f.after,
            left_out: &f.left_out,
        })?;
    } else if let (true, Some(settings)) = (args.csv, &settings) {
        // With --ci the CSV is the intervals, one line per figure.
        let text = crate::cli::agreement_intervals::csv(&r, settings)
            .map_err(|e| RepoError::Refused(e.to_string()))?;
        print!("{text}");
    } else if args.csv {
        // One writer for this and `concord export csv`'s agreement.csv.
        let style = crate::interop::csv::Style {
            excel_safe: args.excel_safe,
        };
        let text = crate::interop::csv::agreement(&r, &f.codebook, style)
            .map_err(|e| RepoError::Refused(e.to_string()))?;
        print!("{text}");
        let empty: usize = r
            .rows
            .iter()
            .chain(r.pairs.iter().flat_map(|p| &p.rows))
            .map(|row| row.notes.len())
            .sum();
        if empty > 0 {
            eprintln!(
                "concord: {empty} figure(s) are empty because they are undefined on these data; why: --json (notes), or agreement_notes.csv of concord export csv"
            );
        }
    } else {
        print!(
            "{}",
            table(&f.codes, f.coders, &r, &f.codebook, args.code.as_deref())
        );
        print!("{}", pair_table(&r));
        print!("{}", crate::cli::agreement_reconciled::text(&f.after));
        if let Some(settings) = &settings {
            print!("{}", crate::cli::agreement_intervals::text(&r, settings));
        }
    }
    if let Some(s) = f.left_out.sentence() {
        eprintln!("concord: {s}");
    } else if f.problems > 0 {
        eprintln!(
            "concord: the study has {} problem(s) (run concord check)",
            f.problems
        );
    }
    Ok(exit::OK)
}

/// The input restricted to some transcripts (excerpts re-indexed).
fn only_transcripts(mut input: Input, keep: &std::collections::BTreeSet<String>) -> Input {
    let old = std::mem::take(&mut input.transcripts);
    let mut index = HashMap::new();
    for (i, t) in old.into_iter().enumerate() {
        if keep.contains(&t.id) {
            index.insert(i, input.transcripts.len());
            input.transcripts.push(t);
        }
    }
    input.excerpts.retain(|e| index.contains_key(&e.transcript));
    for e in &mut input.excerpts {
        e.transcript = index[&e.transcript];
    }
    input.sorted()
}

/// The input restricted to one transcript (excerpts re-indexed).
fn only_transcript(mut input: Input, index: usize) -> Input {
    input.transcripts = vec![input.transcripts.swap_remove(index)];
    input.excerpts.retain(|e| e.transcript == index);
    for e in &mut input.excerpts {
        e.transcript = 0;
    }
    input.sorted()
}

fn figure(e: Option<&Estimate>, percent: bool) -> String {
    match e.and_then(|e| e.value()) {
        Some(v) if percent => format!("{:.1}%", v * 100.0),
        Some(v) => format!("{v:.3}"),
        None => "–".to_string(),
    }
}

// 36 + 7 x 6 = 78 columns: the names of the sample's codes fit whole.
const NAME: usize = 36;
const COL: usize = 6;

/// One row per code (pooled) by name, hierarchy indented, overall last, legend.
/// With `only`, that code's row under its path of names.
fn table(
    codes: &[CodeInfo],
    coders: usize,
    r: &Report,
    codebook: &Codebook,
    only: Option<&str>,
) -> String {
    let fleiss = coders >= 3;
    let mut out = String::new();
    let heads = [
        "Chr %",
        if fleiss { "Fleiss" } else { "Cohen" },
        "Seg %",
        "BP κ",
        "|uα",
        "(k)uα",
        "Turn",
    ];
    out.push_str(&format!("{:<NAME$}", "Code"));
    for h in heads {
        out.push_str(&format!("{h:>COL$}"));
    }
    out.push('\n');
    let pooled: HashMap<Option<&str>, &Row> = r
        .rows
        .iter()
        .filter(|row| row.transcript.is_none())
        .map(|row| (row.code.as_deref(), row))
        .collect();
    // (k)uα of each code, from its parent's domain row.
    let mut k_u_alpha: HashMap<&str, &Estimate> = HashMap::new();
    for row in pooled.values() {
        if let Some(map) = row.alpha.as_ref().and_then(|a| a.k_u_alpha.as_ref()) {
            for (code, e) in map {
                k_u_alpha.insert(code.as_str(), e);
            }
        }
    }
    let cells = |row: &Row, code: Option<&str>| -> Vec<String> {
        let c = row.character.as_ref();
        let kappa = if fleiss {
            c.and_then(|c| c.fleiss_kappa.as_ref())
        } else {
            c.and_then(|c| c.cohen_kappa.as_ref())
        };
        vec![
            figure(c.map(|c| &c.percent_agreement), true),
            figure(kappa, false),
            figure(row.segment.as_ref().map(|s| &s.percent_agreement), true),
            figure(row.segment.as_ref().map(|s| &s.kappa_bp), false),
            figure(
                row.alpha.as_ref().and_then(|a| a.binary_u_alpha.as_ref()),
                false,
            ),
            figure(code.and_then(|c| k_u_alpha.get(c).copied()), false),
            figure(row.turn.as_ref().map(|t| &t.alpha), false),
        ]
    };
    if let Some(path) = only.and_then(|id| codebook.name_path(id)) {
        out.push_str(&format!("{}\n", printable(&path)));
    }
    for code in codes {
        if only.is_some_and(|id| id != code.id) {
            continue;
        }
        // The name, indented under its parent: the path reads down the table.
        let shown = codebook
            .get(&code.id)
            .map_or(code.id.as_str(), |c| c.name());
        let name = format!("{}{}", "  ".repeat(code.depth), printable(shown));
        out.push_str(&format!("{:<NAME$}", shorten(&name, NAME - 1)));
        let Some(row) = pooled.get(&Some(code.id.as_str())) else {
            // A heading of the hierarchy with nothing measured on it.
            out.truncate(out.trim_end_matches(' ').len());
            out.push('\n');
            continue;
        };
        if code.codable {
            for cell in cells(row, Some(&code.id)) {
                out.push_str(&format!("{cell:>COL$}"));
            }
        } else if let Some(a) = &row.alpha {
            // A parent: its semantic domain's figures.
            out.push_str(&format!(
                "  domain uα {}  cuα {}",
                figure(a.u_alpha.as_ref(), false),
                figure(a.cu_alpha.as_ref(), false)
            ));
        }
        out.push('\n');
    }
    if let Some(row) = pooled.get(&None) {
        out.push_str(&format!("{:<NAME$}", "overall"));
        for cell in cells(row, None) {
            out.push_str(&format!("{cell:>COL$}"));
        }
        out.push('\n');
        if let Some(e) = row.alpha.as_ref().and_then(|a| a.cu_alpha_domains.as_ref()) {
            out.push_str(&format!(
                "{:<NAME$}  Cu-α {}\n",
                "overall, domains as values",
                figure(Some(e), false)
            ));
        }
    }
    out.push_str(
        "Chr: NVivo characters · Seg: MAXQDA excerpts · α: Krippendorff · Turn: turns\n\
         Ids, and rows per transcript: --json or --csv · – undefined\n",
    );
    out
}

/// With three or more coders: each pair's Cohen's kappa on characters,
/// per code and overall, pairs as columns.
fn pair_table(r: &Report) -> String {
    if r.pairs.is_empty() || !r.pairs[0].rows.iter().any(|row| row.character.is_some()) {
        return String::new();
    }
    let mut out = String::from("\nCohen's κ on characters, per pair of coders\n");
    out.push_str(&format!("{:<NAME$}", "Code"));
    let width = r
        .pairs
        .iter()
        .map(|p| p.coders[0].chars().count() + p.coders[1].chars().count() + 3)
        .max()
        .unwrap_or(0)
        .clamp(COL, 16);
    for p in &r.pairs {
        let name = format!("{}–{}", p.coders[0], p.coders[1]);
        out.push_str(&format!(
            " {:>width$}",
            shorten(&crate::study::text::printable(&name), width)
        ));
    }
    out.push('\n');
    for row in &r.pairs[0].rows {
        if row.character.is_none() {
            continue; // a domain heading
        }
        let code = row.code.as_deref();
        out.push_str(&format!(
            "{:<NAME$}",
            shorten(
                &crate::study::text::printable(code.unwrap_or("overall")),
                NAME - 1
            )
        ));
        for p in &r.pairs {
            let kappa = p
                .rows
                .iter()
                .find(|x| x.code.as_deref() == code)
                .and_then(|x| x.character.as_ref())
                .and_then(|c| c.cohen_kappa.as_ref());
            out.push_str(&format!(" {:>width$}", figure(kappa, false)));
        }
        out.push('\n');
    }
    out.push_str(
        "Every pair's figures (segments, alphas, turns): --json (pairs) or --csv (pair column)\n",
    );
    out
}
