# The Python reference (tests/oracle) on the first N transcripts of a concord
# study folder: exports them as a fixture input, times the oracle's expected(),
# and writes /tmp/subset-N-fixture.json for tests/agreement_fixtures.rs.
# Usage (repository root): .venv/bin/python benches/oracle_subset.py STUDY N
import json, os, re, sys, time
sys.path.insert(0, "tests/oracle")
import make_fixtures as mf
root, n = sys.argv[1], int(sys.argv[2])
import tomllib
man = tomllib.load(open(os.path.join(root, "concord.toml"), "rb"))
coders = [c["id"] for c in man["coder"]]
codes = []
for dp, dn, fn in sorted(os.walk(os.path.join(root, "codebook"))):
    dn.sort()
    for f in sorted(fn):
        text = open(os.path.join(dp, f), encoding="utf-8").read()
        cid = re.search(r'^id = "(.*)"', text, re.M).group(1)
        parent = None
        rel = os.path.relpath(dp, os.path.join(root, "codebook"))
        if f == "_index.md":
            parent_dir = os.path.dirname(rel)
        else:
            parent_dir = rel
        if parent_dir not in ("", "."):
            parent = os.path.basename(parent_dir)
        codes.append({"id": cid, "parent": parent})
# synthetic codebook: folder name == code id
tids = sorted(f[:-4] for f in os.listdir(os.path.join(root, "transcripts")))[:n]
transcripts, codings = [], []
label = re.compile(r"^[A-Z][A-Z0-9_-]{0,15}:( |\t|$)")
for t in tids:
    text = open(os.path.join(root, "transcripts", t + ".txt"), encoding="utf-8").read()
    turns, pos = [], 0
    for line in text.split("\n"):
        if label.match(line):
            turns.append([pos, pos + len(line)])
        pos += len(line) + 1
    transcripts.append({"id": t, "length": len(text), "turns": turns})
    for c in coders:
        for line in open(os.path.join(root, "codings", c, t + ".jsonl"), encoding="utf-8"):
            d = json.loads(line)
            codings.append({"coder": c, "transcript": t, "code": d["code"], "start": d["start"], "end": d["end"]})
study = {"coders": coders, "codes": codes, "transcripts": transcripts, "codings": codings, "segment_overlap": 0.9}
json.dump(study, open(f"/tmp/subset-{n}.json", "w"))
t0 = time.time()
exp = mf.expected(study)
elapsed = time.time() - t0
json.dump({"description": "subset of the large study", "input": study, "expected": exp},
          open(f"/tmp/subset-{n}-fixture.json", "w"), default=float)
print(f"python reference, {n} transcripts: {elapsed:.1f} s")
