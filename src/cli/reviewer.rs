//! Who is deciding: `--reviewer "Name <email>"`, else git's user.name and
//! user.email. The review screen and `decide`, `discuss` and `undo` ask the
//! same way, so a decision names its reviewer the same from either.

use std::path::Path;

use crate::repo::RepoError;
use crate::repo::git::{self, Person};

pub fn reviewer(root: &Path, given: Option<&str>) -> Result<Person, RepoError> {
    match given {
        Some(s) => Person::parse(s).ok_or_else(|| {
            RepoError::Refused(format!(
                "--reviewer {s:?} is not of the form \"Name <email>\""
            ))
        }),
        None => git::discover(root)
            .as_ref()
            .and_then(git::configured_identity)
            .ok_or_else(|| {
                RepoError::Refused(
                    "concord records who made each decision, and does not know who you are: pass --reviewer \"Name <email>\", or set git config user.name and user.email"
                        .into(),
                )
            }),
    }
}
