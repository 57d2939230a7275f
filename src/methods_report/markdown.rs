//! The methods report as Markdown (GitHub-flavoured tables: it renders on
//! a Git host).

use crate::methods_report::{
    MethodsReport, PAIR_COLUMNS, cell, chosen_sentence, columns, figure, pair_rows, with_interval,
};
use crate::study::text::printable;

/// Study text is data: control characters made visible, and the
/// characters Markdown tables and emphasis would read escaped.
pub fn md(text: &str) -> String {
    let mut out = String::new();
    for c in printable(text).chars() {
        if matches!(c, '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn table(out: &mut String, head: &[&str], rows: &[Vec<String>]) {
    out.push_str(&format!("| {} |\n", head.join(" | ")));
    out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
    for r in rows {
        out.push_str(&format!("| {} |\n", r.join(" | ")));
    }
    out.push('\n');
}

pub fn markdown(r: &MethodsReport) -> String {
    let mut out = String::new();
    out.push_str(&format!("# Methods report: {}\n\n", md(&r.study)));
    out.push_str("## Study and version\n\n");
    out.push_str(&format!(
        "- Codebook version: commit `{}` of {}, by {}\n",
        r.version.short,
        r.version.date,
        md(&r.version.author)
    ));
    out.push_str(&format!("- Computed by concord {}\n", r.concord_version));
    out.push_str(&format!("- Reproduce: `{}`\n\n", r.command));

    out.push_str("## Coders, reviewers, transcripts, codes\n\n");
    let coders: Vec<String> = r
        .coders
        .iter()
        .map(|(id, name)| format!("{} ({})", md(name), md(id)))
        .collect();
    out.push_str(&format!(
        "- Coders ({}): {}\n",
        r.coders.len(),
        coders.join(", ")
    ));
    let reviewers: Vec<String> = r.reviewers.iter().map(|x| md(x)).collect();
    out.push_str(&format!(
        "- Reviewers ({}): {}\n\n",
        r.reviewers.len(),
        if reviewers.is_empty() {
            "none yet".to_string()
        } else {
            reviewers.join(", ")
        }
    ));
    let rows: Vec<Vec<String>> = r
        .transcripts
        .iter()
        .map(|(id, chars, turns)| vec![md(id), chars.to_string(), turns.to_string()])
        .collect();
    table(
        &mut out,
        &["Transcript", "Characters", "Speaker turns"],
        &rows,
    );
    let mut head = vec!["Code".to_string()];
    head.extend(
        r.coders
            .iter()
            .map(|(id, _)| format!("Excerpts by {}", md(id))),
    );
    let rows: Vec<Vec<String>> = r
        .codes
        .iter()
        .map(|(id, depth, codable, counts)| {
            let mut row = vec![format!(
                "{}{}{}",
                "&nbsp;&nbsp;".repeat(*depth),
                md(id),
                if *codable { "" } else { " (heading)" }
            )];
            row.extend(counts.iter().map(|n| n.to_string()));
            row
        })
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    table(&mut out, &head, &rows);

    out.push_str("## Reliability\n\n");
    out.push_str(&format!(
        "Pooled over all transcripts; {:.0}% intervals by a cluster bootstrap over transcripts ({} resamples, seed {}); the turn alpha's by Hayes and Krippendorff's bootstrap. Definitions: concord's docs/agreement.md.\n\n",
        r.settings.level * 100.0,
        r.settings.resamples,
        r.settings.seed
    ));
    out.push_str(&format!("{}\n\n", chosen_sentence(r)));
    let cols = columns(r.coders.len(), r.measure);
    let heads: Vec<String> = cols.iter().map(|(h, _)| md(h)).collect();
    let mut head = vec!["Code"];
    head.extend(heads.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = r
        .reliability_rows()
        .into_iter()
        .map(|(id, _, row)| {
            let mut cells = vec![md(&id)];
            cells.extend(cols.iter().map(|(_, k)| with_interval(cell(row, k))));
            cells
        })
        .collect();
    table(&mut out, &head, &rows);
    if !r.agreement.pairs.is_empty() {
        out.push_str("### Pairs of coders\n\n");
        out.push_str(
            "Each pair's figures over the whole study, as if it had had only those two coders.\n\n",
        );
        let mut head = vec!["Pair"];
        head.extend(PAIR_COLUMNS.iter().map(|(h, _)| *h));
        let rows: Vec<Vec<String>> = pair_rows(r)
            .into_iter()
            .map(|(name, figures)| std::iter::once(md(&name)).chain(figures).collect())
            .collect();
        table(&mut out, &head, &rows);
        out.push_str("#### Cohen's κ on characters, by code and pair\n\n");
        let names: Vec<String> = r
            .agreement
            .pairs
            .iter()
            .map(|p| format!("{}–{}", md(&p.coders[0]), md(&p.coders[1])))
            .collect();
        let mut head = vec!["Code"];
        head.extend(names.iter().map(String::as_str));
        let first = &r.agreement.pairs[0];
        let rows: Vec<Vec<String>> = first
            .rows
            .iter()
            .filter(|row| row.character.is_some())
            .map(|row| {
                let code = row.code.as_deref();
                let mut cells = vec![md(code.unwrap_or("overall"))];
                for p in &r.agreement.pairs {
                    let v = p
                        .rows
                        .iter()
                        .find(|x| x.code.as_deref() == code)
                        .and_then(|x| cell(x, "character.cohen_kappa").0);
                    cells.push(figure(v));
                }
                cells
            })
            .collect();
        table(&mut out, &head, &rows);
    }

    out.push_str("## Disagreements and how they were settled\n\n");
    let standings: Vec<String> = {
        let mut s: Vec<String> = r
            .units_by_class
            .values()
            .flat_map(|m| m.keys().cloned())
            .collect();
        s.sort();
        s.dedup();
        s
    };
    let mut head = vec!["Class".to_string()];
    head.extend(standings.iter().cloned());
    let rows: Vec<Vec<String>> = r
        .units_by_class
        .iter()
        .map(|(class, by)| {
            let mut row = vec![class.clone()];
            row.extend(
                standings
                    .iter()
                    .map(|s| by.get(s).copied().unwrap_or(0).to_string()),
            );
            row
        })
        .collect();
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    table(&mut out, &head, &rows);
    let rec = &r.reconciled;
    out.push_str(&format!(
        "{} review units: {} coded alike, {} decided, {} not settled (open, stale, in conflict or marked for discussion).\n\n",
        rec.units, rec.agreed, rec.decided, rec.unsettled
    ));
    if rec.decided > 0 {
        let rows: Vec<Vec<String>> = rec
            .by_action
            .iter()
            .map(|(a, n)| vec![md(a), n.to_string()])
            .collect();
        table(&mut out, &["Settled by", "Units"], &rows);
        let rows: Vec<Vec<String>> = rec
            .by_reviewer
            .iter()
            .map(|(a, n)| vec![md(a), n.to_string()])
            .collect();
        table(&mut out, &["Reviewer", "Units decided"], &rows);
        let mut head = vec!["Coder".to_string()];
        head.push("Coded characters that stood".into());
        head.push("κ against the consensus".into());
        let rows: Vec<Vec<String>> = rec
            .coders
            .iter()
            .filter_map(|c| {
                let overall = c.codes.iter().find(|x| x.code.is_none())?;
                Some(vec![
                    md(&c.coder),
                    overall
                        .stood_share
                        .value()
                        .map_or("–".into(), |s| format!("{:.1}%", s * 100.0)),
                    figure(overall.kappa.value()),
                ])
            })
            .collect();
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        table(&mut out, &head, &rows);
    }

    out.push_str("## Codebook history and agreement trend\n\n");
    let rows: Vec<Vec<String>> = r
        .history
        .iter()
        .map(|h| {
            vec![
                format!("`{}`", h.short),
                h.date.get(..10).unwrap_or(&h.date).to_string(),
                md(&h.author),
                md(&h.summary),
                if h.changes.is_empty() {
                    "–".into()
                } else {
                    md(&h.changes.join("; "))
                },
                figure(h.kappa),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "Commit",
            "Date",
            "Author",
            "Message",
            "Codebook changes",
            "overall κ",
        ],
        &rows,
    );
    out.push_str(&format!("```\n{}```\n\n", text_chart(r)));

    out.push_str("## Reporting checklists (COREQ 24–27, SRQR 16)\n\n");
    let rows: Vec<Vec<String>> = r
        .checklist
        .iter()
        .map(|c| vec![md(&c.item), md(&c.question), md(&c.answer), md(&c.source)])
        .collect();
    table(&mut out, &["Item", "Question", "Answer", "Source"], &rows);
    out
}

/// The overall kappa across the history as a text chart (a Git host
/// renders no SVG from Markdown reliably; the HTML report has the SVG).
fn text_chart(r: &MethodsReport) -> String {
    let mut out = String::from("overall κ by commit (oldest first)\n");
    for h in &r.history {
        let bar = h
            .kappa
            .map(|k| "█".repeat((k.clamp(0.0, 1.0) * 40.0).round() as usize))
            .unwrap_or_default();
        out.push_str(&format!("{} {:>6} {bar}\n", h.short, figure(h.kappa)));
    }
    out
}
