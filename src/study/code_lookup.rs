//! Finding a code by what a researcher types: its id, its name, its path of
//! names (`Self-efficacy/Maintenance self-efficacy`) or its place in the
//! codebook folder (`intrapsychic/self-efficacy/maintenance`). A miss comes
//! with the nearest code, so a typo is one step from the right command.

use crate::study::types::{Code, Codebook};

/// Why no code was found, with the nearest one if any is close.
#[derive(Debug, Clone, PartialEq)]
pub struct NotFound {
    pub query: String,
    /// The nearest code's id and how it was written that came close.
    pub nearest: Option<(String, String)>,
    /// More than one code has this name: their ids.
    pub ambiguous: Vec<String>,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.ambiguous.is_empty() {
            return write!(
                f,
                "{:?} names {} codes ({}): give the id or the path instead",
                self.query,
                self.ambiguous.len(),
                self.ambiguous.join(", ")
            );
        }
        write!(f, "no code {:?} in the codebook", self.query)?;
        match &self.nearest {
            Some((id, written)) if written == id => write!(f, "; did you mean {id:?}?"),
            Some((id, written)) => write!(f, "; did you mean {written:?} (id {id})?"),
            None => write!(f, " (concord status lists the codes)"),
        }
    }
}

/// The code's place in the codebook folder, without `codebook/`, `.md` and `/_index`.
pub fn folder_path(code: &Code) -> String {
    code.file
        .trim_start_matches("codebook/")
        .trim_end_matches(".md")
        .trim_end_matches("/_index")
        .to_string()
}

/// Every way of writing a code that `find_code` accepts, most specific first.
fn spellings(codebook: &Codebook, code: &Code) -> Vec<String> {
    let mut out = vec![code.id().to_string(), folder_path(code)];
    if let Some(p) = codebook.name_path(code.id()) {
        out.push(p);
    }
    out.push(code.name().to_string());
    out
}

/// Normalised for comparison: case, the `›` separator the screen shows, spaces around `/`.
fn norm(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace('›', "/")
        .split('/')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("/")
}

/// The code `query` stands for: an exact id first, then an id, folder
/// path, name path or name equal to it ignoring case, then a folder or
/// name path that ends with it (`self-efficacy/maintenance`).
pub fn find_code<'a>(codebook: &'a Codebook, query: &str) -> Result<&'a Code, NotFound> {
    if let Some(c) = codebook.get(query) {
        return Ok(c);
    }
    let q = norm(query);
    let whole: Vec<&Code> = codebook
        .codes
        .iter()
        .filter(|c| spellings(codebook, c).iter().any(|s| norm(s) == q))
        .collect();
    let found = if whole.is_empty() && !q.is_empty() {
        codebook
            .codes
            .iter()
            .filter(|c| {
                spellings(codebook, c)
                    .iter()
                    .skip(1)
                    .any(|s| norm(s).ends_with(&format!("/{q}")))
            })
            .collect()
    } else {
        whole
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(NotFound {
            query: query.to_string(),
            nearest: nearest(codebook, &q),
            ambiguous: Vec::new(),
        }),
        many => Err(NotFound {
            query: query.to_string(),
            nearest: None,
            ambiguous: many.iter().map(|c| c.id().to_string()).collect(),
        }),
    }
}

/// The spelling of a code closest to `q` (normalised Damerau-Levenshtein
/// similarity), if it is close enough to be a plausible typo.
fn nearest(codebook: &Codebook, q: &str) -> Option<(String, String)> {
    let mut best: Option<(f64, String, String)> = None;
    for c in &codebook.codes {
        for s in spellings(codebook, c) {
            let score = strsim::normalized_damerau_levenshtein(q, &norm(&s));
            if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
                best = Some((score, c.id().to_string(), s));
            }
        }
    }
    best.filter(|(score, _, _)| *score >= 0.5)
        .map(|(_, id, s)| (id, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_study;

    fn codebook() -> Codebook {
        crate::study::check(&sample_study()).study.codebook
    }

    #[test]
    fn finds_by_id_name_and_path() {
        let cb = codebook();
        let code = &cb.codes.iter().find(|c| c.depth == 2).unwrap().clone();
        let id = code.id();
        assert_eq!(find_code(&cb, id).unwrap().id(), id);
        assert_eq!(
            find_code(&cb, &code.name().to_uppercase()).unwrap().id(),
            id
        );
        assert_eq!(find_code(&cb, &folder_path(code)).unwrap().id(), id);
        let path = cb.name_path(id).unwrap();
        assert_eq!(find_code(&cb, &path.replace('/', " › ")).unwrap().id(), id);
    }

    #[test]
    fn a_typo_gets_the_nearest_code() {
        let cb = codebook();
        let code = cb.codes.iter().find(|c| c.depth == 2).unwrap();
        let mut typo = code.id().to_string();
        typo.pop();
        let err = find_code(&cb, &typo).unwrap_err();
        assert_eq!(err.nearest.as_ref().unwrap().0, code.id());
        assert!(err.to_string().contains("did you mean"));
        assert!(
            find_code(&cb, "zzzzzzzzzzzzzzzzzzzzzzzzzz")
                .unwrap_err()
                .nearest
                .is_none()
        );
    }
}
