//! The agreement view as a list: which code rows it has, in which order
//! (`s` sorts by a column), where its cursor is and which rows show, and
//! whose figures it shows: the whole team's, or with three or more coders
//! one pair's (`P`, the pair filter of the units pane, so that Enter then
//! lists the units where those two differ). Pure, shared by `update`
//! (moving, drilling down) and `view` (drawing).

use crate::tui::data::{AgreementSummary, Figures, ReviewData};

/// The column the agreement view is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// The codebook's order, groups and constructs as headings.
    #[default]
    Codebook,
    /// Character kappa (Fleiss' with three or more coders), lowest first.
    Kappa,
    /// Segment agreement, lowest first.
    Segment,
    /// Binary unitized alpha, lowest first.
    Alpha,
    /// Open disagreements, most first.
    Open,
}

impl SortBy {
    pub fn next(self) -> SortBy {
        match self {
            SortBy::Codebook => SortBy::Kappa,
            SortBy::Kappa => SortBy::Segment,
            SortBy::Segment => SortBy::Alpha,
            SortBy::Alpha => SortBy::Open,
            SortBy::Open => SortBy::Codebook,
        }
    }
    pub fn word(self) -> &'static str {
        match self {
            SortBy::Codebook => "codebook order",
            SortBy::Kappa => "κ, lowest first",
            SortBy::Segment => "segment %, lowest first",
            SortBy::Alpha => "|uα, lowest first",
            SortBy::Open => "open units, most first",
        }
    }
}

/// Lines of the agreement view that are not code rows: the heading above
/// the list, and the overall row and three legend lines below it.
pub const CHROME_ROWS: usize = 1 + 1 + 3;

/// [`CHROME_ROWS`], and with three or more coders the line of the pairs'
/// kappas of the code under the cursor.
pub fn chrome_rows(coders: usize) -> usize {
    CHROME_ROWS + usize::from(coders >= 3)
}

/// The ids of the pair whose figures the view shows (the units pane's
/// pair filter), when the study has three or more coders: with two, the
/// one pair's figures are the team's.
pub fn shown_pair(data: &ReviewData, pair: Option<(usize, usize)>) -> Option<[&str; 2]> {
    let (a, b) = pair?;
    if data.coders.len() < 3 {
        return None;
    }
    Some([
        data.coders.get(a)?.id.as_str(),
        data.coders.get(b)?.id.as_str(),
    ])
}

/// The figures of `code` (None: overall), the team's or the pair's.
pub fn figures_of<'a>(
    summary: &'a AgreementSummary,
    code: Option<&str>,
    pair: Option<[&str; 2]>,
) -> Option<&'a Figures> {
    match pair {
        Some(p) => summary.of_pair(code, p),
        None => summary.of(code),
    }
}

/// The character kappa the first column shows: Fleiss' for a team of
/// three or more, Cohen's for two coders or one pair.
pub fn kappa(f: &Figures, team_of_three: bool) -> Option<f64> {
    if team_of_three {
        f.fleiss_kappa
    } else {
        f.character_kappa
    }
}

/// The code ids the view lists, in order. In codebook order the groups and
/// constructs come as headings (they are not coded themselves); sorted by
/// a figure, only codable codes, undefined figures last.
pub fn rows(
    data: &ReviewData,
    summary: Option<&AgreementSummary>,
    sort: SortBy,
    pair: Option<[&str; 2]>,
) -> Vec<String> {
    let codes = &data.study.codebook.codes;
    if sort == SortBy::Codebook {
        return codes
            .iter()
            .filter(|c| c.header.codable || c.depth < 2)
            .map(|c| c.id().to_string())
            .collect();
    }
    let team_of_three = data.coders.len() >= 3 && pair.is_none();
    let key = |id: &str| -> Option<f64> {
        let f: Option<&Figures> = summary.and_then(|s| figures_of(s, Some(id), pair));
        match sort {
            SortBy::Kappa => f.and_then(|f| kappa(f, team_of_three)),
            SortBy::Segment => f.and_then(|f| f.segment_agreement),
            SortBy::Alpha => f.and_then(|f| f.binary_u_alpha),
            SortBy::Open => Some(-(data.counts(id).map(|c| c.open).unwrap_or(0) as f64)),
            SortBy::Codebook => None,
        }
    };
    let mut coded: Vec<(usize, &str)> = codes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.header.codable)
        .map(|(i, c)| (i, c.id()))
        .collect();
    coded.sort_by(|a, b| match (key(a.1), key(b.1)) {
        (Some(x), Some(y)) => x.total_cmp(&y).then(a.0.cmp(&b.0)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.0.cmp(&b.0),
    });
    coded.into_iter().map(|(_, id)| id.to_string()).collect()
}

/// The first row shown so that `cursor` is inside a window of `height`
/// rows that was at `offset`: the window moves only when the cursor leaves it.
pub fn follow(offset: usize, cursor: usize, height: usize) -> usize {
    let height = height.max(1);
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

/// How many code rows fit in the agreement view on a terminal of `height`
/// rows, for a study of `coders` coders.
pub fn body_rows(height: u16, coders: usize) -> usize {
    // The status line, the border, and the heading, overall and legend.
    (height as usize)
        .saturating_sub(1 + 2 + chrome_rows(coders))
        .max(1)
}
