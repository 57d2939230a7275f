#!/usr/bin/env python3
"""Make the sample study's transcripts and two coders' codings.

Reads source/fgN.annotated.txt (see ANNOTATION.md), writes
transcripts/fgN.txt and codings/coder-{a,b}/fgN.jsonl. Deterministic: the
same sources give the same bytes. Run from the sample study folder:

    python3 source/make_sample.py

How the two coders are simulated. The annotations are a careful reference
coding. Each simulated coder works from it independently, excerpt by
excerpt, and for each code of an excerpt may
  - omit it (did not see it as codable),
  - confuse it with a neighbouring code (maintenance vs recovery
    self-efficacy, bond vs therapist responsiveness, ...),
  - draw the boundary differently (take in the sentence before or after,
    stop a sentence or a clause early, skip a hedge at the start),
with probabilities that depend on how hard the code is to apply, so that
agreement per code ranges from poor to excellent. The coders have habits,
as real pairs do: coder A tends to take in more context, coder B to cut
excerpts short; coder B confuses maintenance and recovery more often.
Each coder also codes a few passages the reference left uncoded.
"""

import hashlib
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
STUDY = HERE.parent
TRANSCRIPTS = ["fg1", "fg2", "fg3", "fg4", "fg5"]
CODERS = ["coder-a", "coder-b"]

MARKER = re.compile(r"\{\{([a-z0-9,\-]+)\|([^{}|]*)\}\}")

# (omit, boundary, confuse) probabilities per code, by difficulty.
EASY = (0.03, 0.12, 0.0)
MEDIUM = (0.08, 0.28, 0.06)
HARD = (0.14, 0.42, 0.30)
DIFFICULTY = {
    "ca-cost": EASY, "pm-usability": EASY, "ss-stigma": EASY,
    "rr-switching": EASY, "lr-abandonment": EASY, "pr-scheduling": EASY,
    "se-maintenance": HARD, "se-recovery": HARD, "ta-bond": HARD,
    "ta-responsiveness": HARD, "rr-repair": HARD,
}
NEIGHBOUR = {
    "se-maintenance": "se-recovery", "se-recovery": "se-maintenance",
    "ta-bond": "ta-responsiveness", "ta-responsiveness": "ta-bond",
    "rr-repair": "ta-responsiveness", "lr-resuming": "se-recovery",
    "oe-benefit": "oe-format", "oe-format": "pm-async",
    "nr-need": "nr-readiness", "nr-readiness": "nr-need",
    "lr-triggers": "lr-abandonment", "pm-async": "oe-format",
    "ca-availability": "pm-async", "ss-encouragement": "ta-bond",
    "rr-rupture": "rr-switching", "ta-goals": "pr-monitoring",
    "pr-monitoring": "ta-goals", "se-action": "nr-readiness",
}
# Each coder's habits: boundary moves it prefers, and extra confusion.
HABITS = {
    "coder-a": {"moves": ["extend_prev", "extend_next", "extend_next", "trim_start", "trim_end"],
                "confuse_extra": {}},
    "coder-b": {"moves": ["trim_end", "trim_end", "trim_start", "extend_next", "trim_clause"],
                "confuse_extra": {"se-maintenance": 0.15}},
}
EXTRA_PER_TRANSCRIPT = (2, 5)
MEMOS = {
    "confused": ["unsure between this and a neighbouring code", "borderline; revisit with codebook",
                 "could be read either way"],
    "extra": ["possible; low confidence", "implicit, but I think it counts"],
}

SENTENCE_END = re.compile(r"[.!?…](?:[’”\"')\]]*)(?=\s|$)")


def parse(annotated):
    """Plain text and the reference excerpts [(start, end, [codes])]."""
    out, spans, pos, last = [], [], 0, 0
    for m in MARKER.finditer(annotated):
        before = annotated[last:m.start()]
        out.append(before)
        pos += len(before)
        text = m.group(2)
        spans.append((pos, pos + len(text), m.group(1).split(",")))
        out.append(text)
        pos += len(text)
        last = m.end()
    out.append(annotated[last:])
    return "".join(out), spans


def turn_of(text, pos):
    """[start, end) of the line holding pos, after its speaker label."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    end = len(text) if end < 0 else end
    label = re.match(r"(MOD|P\d\d): ", text[start:end])
    if label:
        start += label.end()
    return start, end


def sentences(text, lo, hi):
    """Sentence spans [start, end) within [lo, hi)."""
    spans, start = [], lo
    for m in SENTENCE_END.finditer(text, lo, hi):
        end = m.end()
        spans.append((start, end))
        start = end
        while start < hi and text[start] == " ":
            start += 1
    if start < hi:
        spans.append((start, hi))
    return spans


def move_boundary(text, start, end, move, rng):
    lo, hi = turn_of(text, start)
    sents = sentences(text, lo, hi)
    if move == "extend_prev":
        before = [s for s in sents if s[1] <= start]
        if before:
            return before[-1][0], end
    if move == "extend_next":
        after = [s for s in sents if s[0] >= end]
        if after:
            return start, after[0][1]
    inner = [s for s in sents if s[0] >= start and s[1] <= end]
    if move == "trim_end" and len(inner) >= 2:
        return start, inner[-2][1]
    if move in ("trim_end", "trim_clause"):
        cut = text.rfind(",", start, end - 1)
        if cut > start + (end - start) // 3:
            return start, cut
    if move == "trim_start":
        words = [m.end() for m in re.finditer(r"\s+", text[start:end])]
        if len(words) > 6:
            skip = words[rng.randint(1, 3) - 1]
            return start + skip, end
    # Nothing fitted: a small slip of the mouse, a word in or out at the end.
    if end < hi and rng.random() < 0.5:
        nxt = text.find(" ", end + 1, hi)
        return start, (nxt if nxt > 0 else hi)
    prev = text.rfind(" ", start, end - 1)
    return (start, prev) if prev > start + 3 else (start, end)


def coder_codings(tid, text, spans, coder):
    rng = random.Random(f"{tid}/{coder}")
    habits = HABITS[coder]
    result = []
    for start, end, codes in spans:
        for code in codes:
            omit, boundary, confuse = DIFFICULTY.get(code, MEDIUM)
            confuse += habits["confuse_extra"].get(code, 0.0)
            if rng.random() < omit:
                continue
            memo = ""
            chosen = code
            if code in NEIGHBOUR and rng.random() < confuse:
                chosen = NEIGHBOUR[code]
                if chosen in codes:  # both codes on the excerpt already
                    continue
                if rng.random() < 0.3:
                    memo = rng.choice(MEMOS["confused"])
            s, e = start, end
            if rng.random() < boundary:
                s, e = move_boundary(text, start, end, rng.choice(habits["moves"]), rng)
            result.append((s, e, chosen, memo))
    # Passages the reference left uncoded that this coder codes anyway.
    coded = [(s, e) for s, e, _ in spans]
    candidates = []
    for m in re.finditer(r"^P\d\d: .*$", text, re.M):
        lo, hi = turn_of(text, m.start())
        for s, e in sentences(text, lo, hi):
            if e - s > 40 and not any(s < ce and cs < e for cs, ce in coded):
                near = [c for cs, ce, cc in spans if cs >= lo and ce <= hi for c in cc]
                candidates.append((s, e, near))
    for _ in range(rng.randint(*EXTRA_PER_TRANSCRIPT)):
        if not candidates:
            break
        s, e, near = candidates.pop(rng.randrange(len(candidates)))
        code = rng.choice(near) if near else rng.choice(sorted(DIFFICULTY))
        memo = rng.choice(MEMOS["extra"]) if rng.random() < 0.5 else ""
        result.append((s, e, code, memo))
    return result


def coding_id(coder, tid, n):
    digest = hashlib.sha256(f"sample/{coder}/{tid}/{n}".encode()).hexdigest()
    return "c-" + digest[:10]


def jsonl_line(obj):
    # serde_json's escaping: only quote, backslash and control characters.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def main():
    for tid in TRANSCRIPTS:
        annotated = (HERE / f"{tid}.annotated.txt").read_text(encoding="utf-8")
        text, spans = parse(annotated)
        (STUDY / "transcripts").mkdir(exist_ok=True)
        (STUDY / "transcripts" / f"{tid}.txt").write_text(text, encoding="utf-8", newline="\n")
        for coder in CODERS:
            codings = coder_codings(tid, text, spans, coder)
            rows = []
            for n, (s, e, code, memo) in enumerate(codings):
                assert 0 <= s < e <= len(text), (tid, coder, s, e)
                rows.append({"id": coding_id(coder, tid, n), "code": code, "start": s,
                             "end": e, "quote": text[s:e], "memo": memo})
            rows.sort(key=lambda r: (r["start"], r["end"], r["code"], r["id"]))
            out = STUDY / "codings" / coder
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{tid}.jsonl").write_text("".join(jsonl_line(r) for r in rows),
                                              encoding="utf-8", newline="\n")
            print(f"{tid} {coder}: {len(rows)} codings")


if __name__ == "__main__":
    main()
