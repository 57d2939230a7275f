//! Building the codebook tree from code files: a folder is a parent code
//! described by its `_index.md`; files are its children.

use std::collections::{BTreeMap, BTreeSet};

use crate::study::files::{CODEBOOK_DIR, INDEX_FILE};
use crate::study::problem::{Location, Problem};
use crate::study::types::{Code, CodeHeader, Codebook};

/// A parsed code file waiting for its place in the tree.
pub struct CodeFile {
    pub path: String,
    pub header: CodeHeader,
    pub body: String,
}

/// Arrange code files as a tree in display order: a parent before its
/// children; siblings by `weight`, then by file or folder name.
pub fn build_codebook(files: Vec<CodeFile>) -> (Codebook, Vec<Problem>) {
    let mut problems = Vec::new();
    // Folder (path below codebook/, "" for the top) -> id and weight of its code.
    let mut folder_code: BTreeMap<String, (String, Option<i64>)> = BTreeMap::new();
    for f in &files {
        if let Some(folder) = index_folder(&f.path) {
            folder_code.insert(folder, (f.header.id.clone(), f.header.weight));
        }
    }
    let mut codes = Vec::new();
    let mut missing_index = BTreeSet::new();
    for f in files {
        let rel = &f.path[CODEBOOK_DIR.len() + 1..];
        let mut dirs: Vec<&str> = rel.split('/').collect();
        let name = dirs.pop().unwrap_or_default();
        if name == INDEX_FILE && dirs.is_empty() {
            problems.push(Problem::new(
                Location::file(&f.path),
                "the codebook folder itself cannot be a code",
                "move this file into a folder of its own (codebook/<group>/_index.md)",
            ));
            continue;
        }
        let own_folder_depth = if name == INDEX_FILE {
            dirs.len() - 1
        } else {
            dirs.len()
        };
        // The parent is the code of the nearest enclosing folder that has one.
        let mut parent = None;
        for n in (1..=own_folder_depth).rev() {
            let folder = dirs[..n].join("/");
            match folder_code.get(&folder) {
                Some((id, _)) => {
                    parent = Some(id.clone());
                    break;
                }
                None => {
                    missing_index.insert(folder);
                }
            }
        }
        let mut sort_key: Vec<(i64, String)> = (1..=dirs.len())
            .map(|n| {
                let folder = dirs[..n].join("/");
                let w = folder_code.get(&folder).and_then(|(_, w)| *w);
                (w.unwrap_or(i64::MAX), dirs[n - 1].to_string())
            })
            .collect();
        if name != INDEX_FILE {
            let stem = name.trim_end_matches(".md").to_string();
            sort_key.push((f.header.weight.unwrap_or(i64::MAX), stem));
        }
        codes.push((
            sort_key,
            Code {
                header: f.header,
                file: f.path,
                parent,
                depth: own_folder_depth,
                body: f.body,
            },
        ));
    }
    for folder in missing_index {
        problems.push(Problem::new(
            Location::file(format!("{CODEBOOK_DIR}/{folder}/{INDEX_FILE}")),
            format!("folder {CODEBOOK_DIR}/{folder}/ holds codes but has no {INDEX_FILE}"),
            format!("add {INDEX_FILE} with the front matter and definition of the parent code this folder stands for"),
        ));
    }
    codes.sort_by(|a, b| a.0.cmp(&b.0));
    (
        Codebook {
            codes: codes.into_iter().map(|(_, c)| c).collect(),
        },
        problems,
    )
}

/// For `codebook/a/b/_index.md`, the folder `a/b`.
fn index_folder(path: &str) -> Option<String> {
    let rel = path.strip_prefix(CODEBOOK_DIR)?.strip_prefix('/')?;
    let folder = rel.strip_suffix(INDEX_FILE)?;
    let folder = folder.strip_suffix('/')?;
    (!folder.is_empty()).then(|| folder.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, id: &str, weight: Option<i64>) -> CodeFile {
        CodeFile {
            path: path.into(),
            header: CodeHeader {
                id: id.into(),
                name: id.to_uppercase(),
                color: "#336699".into(),
                codable: true,
                weight,
                guid: None,
            },
            body: String::new(),
        }
    }

    #[test]
    fn folders_are_parents_and_weights_order_siblings() {
        let (book, problems) = build_codebook(vec![
            file("codebook/b/x.md", "bx", None),
            file("codebook/b/_index.md", "b", Some(1)),
            file("codebook/a/_index.md", "a", Some(2)),
            file("codebook/a/y.md", "ay", None),
            file("codebook/b/c/_index.md", "bc", None),
            file("codebook/b/c/z.md", "bcz", None),
        ]);
        assert!(problems.is_empty());
        let order: Vec<_> = book.codes.iter().map(|c| (c.id(), c.depth)).collect();
        assert_eq!(
            order,
            [
                ("b", 0),
                ("bc", 1),
                ("bcz", 2),
                ("bx", 1),
                ("a", 0),
                ("ay", 1)
            ]
        );
        assert_eq!(book.get("bcz").unwrap().parent.as_deref(), Some("bc"));
        assert_eq!(book.name_path("bcz").unwrap(), "B/BC/BCZ");
    }

    #[test]
    fn a_folder_without_index_is_a_problem() {
        let (book, problems) = build_codebook(vec![file("codebook/g/x.md", "x", None)]);
        assert_eq!(book.codes[0].parent, None);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].location.file, "codebook/g/_index.md");
    }
}
