//! The `--code CODE` of `agreement` and `units`: an id, a name or a path,
//! resolved to the code's id; a miss names the nearest code and exits 2.

use crate::repo::RepoError;
use crate::study::Codebook;
use crate::study::code_lookup::find_code;
use crate::study::text::printable;

pub fn resolve(codebook: &Codebook, query: &str) -> Result<String, RepoError> {
    find_code(codebook, query)
        .map(|c| c.id().to_string())
        .map_err(|e| RepoError::Refused(printable(&e.to_string())))
}
