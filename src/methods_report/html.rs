//! The methods report as one self-contained HTML file: inline CSS, the
//! agreement trend as inline SVG, no scripts and nothing fetched; readable
//! printed (print styles keep tables whole and the chart in black).

use crate::methods_report::{
    MethodsReport, PAIR_COLUMNS, cell, chosen_sentence, columns, figure, pair_rows, with_interval,
};
use crate::study::text::printable;

/// Study text is data: made visible and escaped.
pub fn esc(text: &str) -> String {
    printable(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn table(out: &mut String, head: &[String], rows: &[Vec<String>]) {
    out.push_str("<table><thead><tr>");
    for h in head {
        out.push_str(&format!("<th>{h}</th>"));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            out.push_str(&format!("<td>{c}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

const STYLE: &str = "body{font-family:Georgia,serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111}\
h1,h2,h3{font-family:Helvetica,Arial,sans-serif}table{border-collapse:collapse;margin:1em 0}\
th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}\
th{background:#eee}code{font-size:90%}svg{max-width:100%}\
@media print{body{margin:0;max-width:none}table,figure{page-break-inside:avoid}th{background:none}}";

pub fn html(r: &MethodsReport) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Methods report: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&r.study)
    ));
    out.push_str(&format!("<h1>Methods report: {}</h1>\n", esc(&r.study)));
    out.push_str("<h2>Study and version</h2><ul>");
    out.push_str(&format!(
        "<li>Codebook version: commit <code>{}</code> of {}, by {}</li>",
        esc(&r.version.short),
        esc(&r.version.date),
        esc(&r.version.author)
    ));
    out.push_str(&format!(
        "<li>Computed by concord {}</li>",
        esc(&r.concord_version)
    ));
    out.push_str(&format!(
        "<li>Reproduce: <code>{}</code></li></ul>\n",
        esc(&r.command)
    ));

    out.push_str("<h2>Coders, reviewers, transcripts, codes</h2><ul>");
    let coders: Vec<String> = r
        .coders
        .iter()
        .map(|(id, name)| format!("{} ({})", esc(name), esc(id)))
        .collect();
    out.push_str(&format!(
        "<li>Coders ({}): {}</li>",
        r.coders.len(),
        coders.join(", ")
    ));
    let reviewers: Vec<String> = r.reviewers.iter().map(|x| esc(x)).collect();
    out.push_str(&format!(
        "<li>Reviewers ({}): {}</li></ul>\n",
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
        .map(|(id, chars, turns)| vec![esc(id), chars.to_string(), turns.to_string()])
        .collect();
    table(
        &mut out,
        &[
            "Transcript".into(),
            "Characters".into(),
            "Speaker turns".into(),
        ],
        &rows,
    );
    let mut head = vec!["Code".to_string()];
    head.extend(
        r.coders
            .iter()
            .map(|(id, _)| format!("Excerpts by {}", esc(id))),
    );
    let rows: Vec<Vec<String>> = r
        .codes
        .iter()
        .map(|(id, depth, codable, counts)| {
            let mut row = vec![format!(
                "{}{}{}",
                "&nbsp;&nbsp;".repeat(*depth),
                esc(id),
                if *codable { "" } else { " (heading)" }
            )];
            row.extend(counts.iter().map(|n| n.to_string()));
            row
        })
        .collect();
    table(&mut out, &head, &rows);

    out.push_str("<h2>Reliability</h2>\n");
    out.push_str(&format!(
        "<p>Pooled over all transcripts; {:.0}% intervals by a cluster bootstrap over transcripts ({} resamples, seed {}); the turn alpha's by Hayes and Krippendorff's bootstrap.</p>\n",
        r.settings.level * 100.0,
        r.settings.resamples,
        r.settings.seed
    ));
    out.push_str(&format!(
        "<p>{}</p>\n",
        esc(&chosen_sentence(r).replace('`', ""))
    ));
    let cols = columns(r.coders.len(), r.measure);
    let mut head = vec!["Code".to_string()];
    head.extend(cols.iter().map(|(h, _)| esc(h)));
    let rows: Vec<Vec<String>> = r
        .reliability_rows()
        .into_iter()
        .map(|(id, _, row)| {
            let mut cells = vec![esc(&id)];
            cells.extend(cols.iter().map(|(_, k)| with_interval(cell(row, k))));
            cells
        })
        .collect();
    table(&mut out, &head, &rows);
    if !r.agreement.pairs.is_empty() {
        out.push_str("<h3>Pairs of coders</h3>\n");
        out.push_str("<p>Each pair's figures over the whole study, as if it had had only those two coders.</p>\n");
        let mut head = vec!["Pair".to_string()];
        head.extend(PAIR_COLUMNS.iter().map(|(h, _)| esc(h)));
        let rows: Vec<Vec<String>> = pair_rows(r)
            .into_iter()
            .map(|(name, figures)| std::iter::once(esc(&name)).chain(figures).collect())
            .collect();
        table(&mut out, &head, &rows);
        out.push_str("<h4>Cohen's κ on characters, by code and pair</h4>\n");
        let mut head = vec!["Code".to_string()];
        head.extend(
            r.agreement
                .pairs
                .iter()
                .map(|p| format!("{}–{}", esc(&p.coders[0]), esc(&p.coders[1]))),
        );
        let rows: Vec<Vec<String>> = r.agreement.pairs[0]
            .rows
            .iter()
            .filter(|row| row.character.is_some())
            .map(|row| {
                let code = row.code.as_deref();
                let mut cells = vec![esc(code.unwrap_or("overall"))];
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

    out.push_str("<h2>Disagreements and how they were settled</h2>\n");
    let mut standings: Vec<String> = r
        .units_by_class
        .values()
        .flat_map(|m| m.keys().cloned())
        .collect();
    standings.sort();
    standings.dedup();
    let mut head = vec!["Class".to_string()];
    head.extend(standings.iter().map(|s| esc(s)));
    let rows: Vec<Vec<String>> = r
        .units_by_class
        .iter()
        .map(|(class, by)| {
            let mut row = vec![esc(class)];
            row.extend(
                standings
                    .iter()
                    .map(|s| by.get(s).copied().unwrap_or(0).to_string()),
            );
            row
        })
        .collect();
    table(&mut out, &head, &rows);
    let rec = &r.reconciled;
    out.push_str(&format!(
        "<p>{} review units: {} coded alike, {} decided, {} not settled (open, stale, in conflict or marked for discussion).</p>\n",
        rec.units, rec.agreed, rec.decided, rec.unsettled
    ));
    if rec.decided > 0 {
        let rows: Vec<Vec<String>> = rec
            .by_action
            .iter()
            .map(|(a, n)| vec![esc(a), n.to_string()])
            .collect();
        table(&mut out, &["Settled by".into(), "Units".into()], &rows);
        let rows: Vec<Vec<String>> = rec
            .by_reviewer
            .iter()
            .map(|(a, n)| vec![esc(a), n.to_string()])
            .collect();
        table(
            &mut out,
            &["Reviewer".into(), "Units decided".into()],
            &rows,
        );
    }

    out.push_str("<h2>Codebook history and agreement trend</h2>\n");
    out.push_str(&format!("<figure id=\"trend\">{}<figcaption>Overall character κ at each commit that changed the codebook, codings or transcripts, oldest first.</figcaption></figure>\n", svg_trend(r)));
    let rows: Vec<Vec<String>> = r
        .history
        .iter()
        .map(|h| {
            vec![
                format!("<code>{}</code>", esc(&h.short)),
                esc(h.date.get(..10).unwrap_or(&h.date)),
                esc(&h.author),
                esc(&h.summary),
                if h.changes.is_empty() {
                    "–".into()
                } else {
                    esc(&h.changes.join("; "))
                },
                figure(h.kappa),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "Commit".into(),
            "Date".into(),
            "Author".into(),
            "Message".into(),
            "Codebook changes".into(),
            "overall κ".into(),
        ],
        &rows,
    );

    out.push_str("<h2>Reporting checklists (COREQ 24–27, SRQR 16)</h2>\n");
    let rows: Vec<Vec<String>> = r
        .checklist
        .iter()
        .map(|c| {
            vec![
                esc(&c.item),
                esc(&c.question),
                esc(&c.answer),
                esc(&c.source),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "Item".into(),
            "Question".into(),
            "Answer".into(),
            "Source".into(),
        ],
        &rows,
    );
    out.push_str("</body></html>\n");
    out
}

/// The kappa line's colour: a blue that prints dark in black and white
/// (and that the browser test looks for in a screenshot).
pub const KAPPA_COLOUR: &str = "#1f4e9c";

/// Two polylines over the commits, kappa and |uα, on a 0–1 axis.
pub fn svg_trend(r: &MethodsReport) -> String {
    let (w, h, left, bottom, top) = (640.0, 240.0, 40.0, 30.0, 10.0);
    let n = r.history.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + (w - left - 10.0) * i as f64 / n;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v.clamp(-0.2, 1.0)) / 1.2;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"agreement trend\">"
    );
    svg.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>"
    ));
    for t in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] {
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{x2}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#ccc\"/><text x=\"4\" y=\"{ty:.1}\" font-size=\"11\">{t:.1}</text>",
            x2 = w - 10.0,
            y0 = y(t),
            ty = y(t) + 4.0
        ));
    }
    for (series, color, width) in [(0usize, KAPPA_COLOUR, 3), (1, "#888", 2)] {
        let points: Vec<String> = r
            .history
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let v = if series == 0 {
                    h.kappa
                } else {
                    h.binary_u_alpha
                }?;
                Some(format!("{:.1},{:.1}", x(i), y(v)))
            })
            .collect();
        if points.is_empty() {
            continue;
        }
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"{width}\" points=\"{}\"/>",
            points.join(" ")
        ));
        for p in &points {
            let (px, py) = p.split_once(',').unwrap_or(("0", "0"));
            svg.push_str(&format!(
                "<circle cx=\"{px}\" cy=\"{py}\" r=\"4\" fill=\"{color}\"/>"
            ));
        }
    }
    for i in 0..r.history.len() {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            x(i),
            h - bottom + 18.0,
            esc(&r.history[i].short)
        ));
    }
    svg.push_str("</svg>");
    svg
}
