//! A deterministic, seeded synthetic study, as files (values), for
//! benchmarks and tests: N transcripts of about C characters in speaker
//! turns, a three-level codebook (3 groups, 3 constructs each, 3
//! subconstructs each, only subconstructs codable), and K coders who each
//! code about E excerpts per transcript: the same underlying passages, with
//! boundaries that drift, a sibling code now and then, and omissions, as
//! real coders differ. `concord check` accepts it.

use crate::study::files::{codings_path, transcript_path};
use crate::study::write::{code_file_text, codings_text, manifest_text};
use crate::study::{AgreementSettings, CodeHeader, Coder, Coding, Manifest, StudyFiles, StudyInfo};

pub struct Params {
    pub transcripts: usize,
    pub chars: usize,
    pub coders: usize,
    pub excerpts: usize,
    pub seed: u64,
}

/// SplitMix64 (Steele, Lea and Flood 2014): a few lines, fully determined
/// by its seed, on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const WORDS: [&str; 24] = [
    "therapist",
    "message",
    "week",
    "honestly",
    "I",
    "we",
    "it",
    "was",
    "really",
    "because",
    "app",
    "time",
    "felt",
    "didn’t",
    "couldn’t",
    "support",
    "night",
    "reply",
    "shift",
    "just",
    "like",
    "and",
    "the",
    "“okay”",
];

/// The study as files, from the parameters alone.
pub fn synthetic_study(p: &Params) -> StudyFiles {
    let mut rng = Rng(p.seed);
    let mut files = StudyFiles::default();
    let coders: Vec<String> = (0..p.coders)
        .map(|i| format!("coder-{}", (b'a' + (i % 26) as u8) as char))
        .collect();
    let manifest = Manifest {
        study: StudyInfo {
            name: format!("Synthetic study (seed {})", p.seed),
        },
        coders: coders
            .iter()
            .map(|c| Coder {
                id: c.clone(),
                name: format!("Coder {c}"),
                guid: None,
            })
            .collect(),
        agreement: AgreementSettings::default(),
        reviewers: Vec::new(),
        sync: None,
        sources: Vec::new(),
        coding: Default::default(),
    };
    files.insert("concord.toml", manifest_text(&manifest));
    // Codebook: g1..g3 / g1c1..g1c3 / g1c1s1..g1c1s3; only subconstructs codable.
    let mut leaves: Vec<Vec<String>> = Vec::new(); // by domain (construct)
    for g in 1..=3 {
        let gid = format!("g{g}");
        files.insert(format!("codebook/{gid}/_index.md"), code(&gid, false));
        for c in 1..=3 {
            let cid = format!("{gid}c{c}");
            files.insert(format!("codebook/{gid}/{cid}/_index.md"), code(&cid, false));
            let mut domain = Vec::new();
            for s in 1..=3 {
                let sid = format!("{cid}s{s}");
                files.insert(format!("codebook/{gid}/{cid}/{sid}.md"), code(&sid, true));
                domain.push(sid);
            }
            leaves.push(domain);
        }
    }
    let mut next_id = 0u64;
    for t in 0..p.transcripts {
        let tid = format!("t{:04}", t + 1);
        let text = transcript(&mut rng, p.chars);
        let chars: Vec<char> = text.chars().collect();
        // The passages worth coding: one per slot, apart from each other,
        // so that a coder's drifting boundaries never make two codes of one
        // domain share characters.
        let slots = p.excerpts.max(1);
        let slot = (chars.len() / slots).max(1);
        let mut passages = Vec::new();
        for s in 0..slots {
            let room = slot.saturating_sub(60);
            if room < 10 {
                break;
            }
            let len = 10 + rng.below(room - 9);
            let start = s * slot + 30 + rng.below(room - len + 1);
            let domain = rng.below(leaves.len());
            let code = rng.below(3);
            passages.push((start, start + len, domain, code));
        }
        for coder in &coders {
            let mut codings = Vec::new();
            for &(start, end, domain, code) in &passages {
                if rng.chance(8) {
                    continue; // omitted
                }
                let code = if rng.chance(10) {
                    (code + 1 + rng.below(2)) % 3
                } else {
                    code
                };
                let (mut s, mut e) = (start, end);
                if rng.chance(40) {
                    s = (s + rng.below(21)).saturating_sub(10);
                    e = (e + rng.below(21))
                        .saturating_sub(10)
                        .max(s + 1)
                        .min(chars.len());
                }
                next_id += 1;
                codings.push(Coding {
                    id: format!("c-{next_id:08x}").into(),
                    code: leaves[domain][code].as_str().into(),
                    start: s,
                    end: e,
                    quote: chars[s..e].iter().collect(),
                    memo: String::new(),
                    refi: None,
                });
            }
            files.insert(codings_path(coder, &tid), codings_text(&codings));
        }
        files.insert(transcript_path(&tid), text);
    }
    files
}

fn code(id: &str, codable: bool) -> String {
    let header = CodeHeader {
        id: id.to_string(),
        name: format!("Code {id}"),
        color: "#4e79a7".to_string(),
        codable,
        weight: None,
        guid: None,
    };
    let body = "## Definition\nSynthetic.\n## When to use\nAlways.\n## When not to use\nNever.\n## Examples\n> \"Synthetic.\"\n";
    code_file_text(&header, body)
}

/// About `chars` characters of speaker turns (`MOD:`, `P01:`...), one per
/// line, with curly quotes and apostrophes as real transcripts have.
fn transcript(rng: &mut Rng, chars: usize) -> String {
    let mut out = String::with_capacity(chars + 400);
    let mut count = 0;
    while count < chars {
        let speaker = if rng.chance(30) {
            "MOD".to_string()
        } else {
            format!("P{:02}", 1 + rng.below(8))
        };
        let mut line = format!("{speaker}:");
        let words = 20 + rng.below(60);
        for _ in 0..words {
            line.push(' ');
            line.push_str(WORDS[rng.below(WORDS.len())]);
        }
        line.push('.');
        count += line.chars().count() + 1;
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study;

    #[test]
    fn same_seed_same_study_and_it_checks_clean() {
        let p = Params {
            transcripts: 3,
            chars: 3000,
            coders: 3,
            excerpts: 10,
            seed: 7,
        };
        let a = synthetic_study(&p);
        assert_eq!(a, synthetic_study(&p));
        let loaded = study::check(&a);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.study.transcripts.len(), 3);
        assert!(loaded.study.codings.iter().all(|f| f.codings.len() >= 5));
    }
}
