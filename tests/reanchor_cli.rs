//! `concord reanchor`: a transcript edited outside concord, its codings and
//! decisions moved in one commit; codings whose text changed kept and named.

mod common;

use common::*;

/// The valid study committed in a new repository with its own identity.
fn committed_study() -> (tempfile::TempDir, git2::Repository) {
    let dir = study(&valid_files());
    let repo = git2::Repository::init(dir.path()).unwrap();
    {
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "Pat Editor").unwrap();
        cfg.set_str("user.email", "pat@example.org").unwrap();
    }
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Pat Editor", "pat@example.org").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "study", &tree, &[])
        .unwrap();
    drop(tree);
    (dir, repo)
}

fn edit_transcript(dir: &std::path::Path, from: &str, to: &str) {
    let p = dir.join("transcripts/t1.txt");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from));
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn codings_and_decisions_follow_an_edit_before_them_in_one_commit() {
    let (dir, repo) = committed_study();
    edit_transcript(dir.path(), "How did it go?", "How did it go for you?");
    // Before: check sees the codings off their quotes.
    assert_eq!(run_in(dir.path(), &["check"]).status.code(), Some(1));

    let dry = run_in(dir.path(), &["reanchor", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(
        repo.statuses(None).unwrap().iter().count() == 1,
        "--dry-run wrote something"
    );

    let out = run_in(dir.path(), &["reanchor", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["moved"], 2);
    assert_eq!(v["need_a_human"], 0);

    let a = std::fs::read_to_string(dir.path().join("codings/coder-a/t1.jsonl")).unwrap();
    assert!(a.contains("\"start\":33,\"end\":80"), "{a}");
    let d = std::fs::read_to_string(dir.path().join("decisions/t1.jsonl")).unwrap();
    assert!(d.contains("\"unit\":\"t1:33-80:ab12\""), "{d}");
    assert!(d.contains("\"start\":33,\"end\":80"), "{d}");

    let check = run_in(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(
        repo.statuses(None).unwrap().is_empty(),
        "git status not clean"
    );
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert!(head.message().unwrap().starts_with("reanchor:"));
    assert_eq!(head.author().name().unwrap(), "Pat Editor");
    assert_eq!(head.parent_count(), 1, "one commit");

    // Nothing more to do.
    let again = run_in(dir.path(), &["reanchor"]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stderr(&again).contains("nothing to move"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn a_coding_whose_text_changed_is_kept_and_named_by_check() {
    let (dir, _repo) = committed_study();
    // "bad" is inside both coders' codings.
    edit_transcript(dir.path(), "bad weeks", "hard weeks");
    let out = run_in(dir.path(), &["reanchor"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("c-1") && said.contains("needs a human"),
        "{said}"
    );
    let a = std::fs::read_to_string(dir.path().join("codings/coder-a/t1.jsonl")).unwrap();
    assert!(a.contains("\"id\":\"c-1\""), "kept: {a}");
    assert!(
        a.contains("bad weeks"),
        "the old quote is kept for the human: {a}"
    );
    let check = run_in(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).contains("codings/coder-a/t1.jsonl:1"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn a_moved_coding_keeps_the_selection_another_tool_gave_it() {
    let (dir, repo) = committed_study();
    // coder-a's coding came from a REFI-QDA import: its selection's GUIDs
    // and name (qc places codings by `line:N`) are on its line.
    let path = dir.path().join("codings/coder-a/t1.jsonl");
    let line = std::fs::read_to_string(&path).unwrap();
    let refi = r#""refi":{"selection":"5E1EC7ED-0000-0000-0000-000000000001","name":"line:2","coding":"C0D1A600-0000-0000-0000-000000000001"}"#;
    std::fs::write(
        &path,
        line.replace("\"memo\":\"\"}", &format!("\"memo\":\"\",{refi}}}")),
    )
    .unwrap();
    // Committed, as the import that wrote it commits (reanchor never
    // overwrites uncommitted codings).
    let mut index = repo.index().unwrap();
    index
        .add_path(std::path::Path::new("codings/coder-a/t1.jsonl"))
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("Pat Editor", "pat@example.org").unwrap();
    let parent = repo.head().unwrap().peel_to_commit().unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "import", &tree, &[&parent])
        .unwrap();
    assert_eq!(run_in(dir.path(), &["check"]).status.code(), Some(0));
    let out = run_in(dir.path(), &["reanchor"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing to move"), "{}", stderr(&out));

    edit_transcript(dir.path(), "How did it go?", "How did it go for you?");
    let out = run_in(dir.path(), &["reanchor", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let moved = std::fs::read_to_string(&path).unwrap();
    assert!(moved.contains("\"start\":33,\"end\":80"), "{moved}");
    assert!(
        moved.contains(refi),
        "the foreign selection is kept: {moved}"
    );
    assert_eq!(run_in(dir.path(), &["check"]).status.code(), Some(0));
}

/// Many edited transcripts (enough that their old texts are read from git
/// on several threads) in a study that is a folder of its repository: each
/// transcript's codings move as the pure core moves them from that
/// transcript's own committed text; the one left unedited is not listed.
#[test]
fn many_edited_transcripts_each_move_from_their_own_committed_text() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("study");
    let out = concord(home.path())
        .args(["generate", "--transcripts", "40", "--chars", "2000"])
        .args(["--coders", "2", "--excerpts", "8", "--seed", "3", "--path"])
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The repository is the folder above the study.
    common::commit_all(dir.path(), "study");

    let files = concord::repo::read::read_study(&root).unwrap();
    let before = concord::study::check(&files).study;
    assert_eq!(before.transcripts.len(), 40);
    // A different edit in each but the first: text inserted at a place of its own.
    let mut edited = std::collections::BTreeMap::new();
    for (k, t) in before.transcripts.iter().enumerate().skip(1) {
        let at = t.byte_of((t.chars * k) / 41).unwrap();
        let mut new = t.text.clone();
        new.insert_str(at, &"indeed ".repeat(k % 3 + 1));
        std::fs::write(root.join(format!("transcripts/{}.txt", t.id)), &new).unwrap();
        edited.insert(t.id.clone(), (t.text.clone(), new));
    }

    let out = concord(home.path())
        .args(["reanchor", "--dry-run", "--json"])
        .current_dir(&root)
        .output()
        .unwrap();
    let said: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let listed: Vec<&serde_json::Value> = said["transcripts"].as_array().unwrap().iter().collect();
    let names: Vec<&str> = listed
        .iter()
        .map(|t| t["transcript"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = edited.keys().map(String::as_str).collect();
    assert_eq!(names, want, "the edited transcripts, the unedited one not");
    let mut moved_somewhere = 0;
    for t in listed {
        let id = t["transcript"].as_str().unwrap();
        let (old, new) = &edited[id];
        let mut expected = Vec::new();
        for f in before.codings.iter().filter(|f| f.transcript == id) {
            for r in concord::study::reanchor::reanchor_codings(old, new, &f.codings) {
                if r.moved() || r.outcome != concord::study::reanchor::Outcome::Followed {
                    expected.push((
                        f.coder.clone(),
                        r.coding.id.to_string(),
                        r.coding.start,
                        r.coding.end,
                    ));
                }
            }
        }
        let got: Vec<(String, String, usize, usize)> = t["codings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["coder"].as_str().unwrap().to_string(),
                    c["id"].as_str().unwrap().to_string(),
                    c["now"][0].as_u64().unwrap() as usize,
                    c["now"][1].as_u64().unwrap() as usize,
                )
            })
            .collect();
        assert_eq!(got, expected, "{id}");
        moved_somewhere += got.len();
    }
    assert!(
        moved_somewhere > 100,
        "only {moved_somewhere} codings moved: the edits are too late in the texts to test much"
    );
}

/// The transcript edited again between the plan (the codings moved through
/// its text) and the commit: nothing is committed or written, and the
/// researcher is told to run it again; run again, it moves them through
/// the text as it is now.
#[test]
fn a_transcript_edited_while_reanchoring_is_not_committed_with_codings_moved_for_another_text() {
    use concord::repo::{at_commit, git::Person, read::read_study, reanchor};
    let (dir, repo) = committed_study();
    let head = repo.head().unwrap().target().unwrap();
    edit_transcript(dir.path(), "How did it go?", "How did it go for you?");
    let gs = at_commit::open(Some(dir.path())).unwrap();
    let mut study = concord::study::load::load(&read_study(dir.path()).unwrap()).study;
    let planned = reanchor::plan(&gs, &mut study, None).unwrap();
    assert_eq!(planned.len(), 1);
    edit_transcript(
        dir.path(),
        "How did it go for you?",
        "And how did it go for you?",
    );
    let author = Person::new("Pat Editor", "pat@example.org");
    let refused =
        reanchor::write_and_commit(&gs, &study, &planned, &author, "reanchor").unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("was edited while concord reanchor ran"),
        "{refused}"
    );
    assert_eq!(
        repo.head().unwrap().target().unwrap(),
        head,
        "nothing committed"
    );
    let out = run_in(dir.path(), &["reanchor", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(run_in(dir.path(), &["check"]).status.code(), Some(0));
}
