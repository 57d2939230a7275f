#!/bin/sh
# Time `concord reanchor` on the large generated study: 1,000 transcripts
# of 60,000 characters, 3 coders, 150 excerpts per transcript per coder,
# committed; then one random edit in each transcript (a word inserted,
# deleted or replaced at a seeded random place, inside codings or not),
# and concord moves all 450,000 codings.
# Usage: [SETTLE=seconds] benches/reanchor.sh [DIR]   (DIR defaults to a
# temporary folder; SETTLE, default 65, is the wait after the edits)
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-$PWD/target}/release/concord
dir=${1:-$(mktemp -d)/large-study}
if [ ! -f "$dir/concord.toml" ]; then
    "$bin" generate --transcripts 1000 --chars 60000 --coders 3 --excerpts 150 --seed 1 --path "$dir"
fi
cd "$dir"
if [ ! -d .git ]; then
    git init -q -b main
    git config user.name "Bench Editor"
    git config user.email bench@example.org
    git add -A
    git commit -qm "the generated study"
fi
git reset -q --hard
# Every run starts from the same objects: the study's in one pack, and none
# of an earlier run's (the reflog kept them from `git prune` before, so a
# later run found its blobs already written).
git reflog expire --expire=now --all
git gc -q --prune=now
echo "study: $dir ($(du -sh --exclude=.git . | cut -f1))"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - <<'EOF'
import glob, random
rng = random.Random(7)
for path in sorted(glob.glob("transcripts/*.txt")):
    text = open(path, encoding="utf-8").read()
    at = rng.randrange(len(text))
    kind = rng.randrange(3)
    if kind == 0:
        text = text[:at] + "indeed " + text[at:]
    elif kind == 1:
        text = text[:at] + text[at + rng.randrange(1, 12):]
    else:
        text = text[:at] + "[name]" + text[at + rng.randrange(1, 12):]
    open(path, "w", encoding="utf-8", newline="\n").write(text)
EOF
sync   # the edits on disk before the timing, not written back during it
# On an ext4 without a journal (this machine's root), creating a file steps
# over every inode freed in the last 60 s, or 360 s while the block of the
# inode table holding it is dirty, and creating files dirties those blocks
# again: a reset (above, or the last run's) frees up to 4,000, so a run
# within 6 minutes of one pays for them. SETTLE=370 takes that out; on a
# journaled ext4 (the default of mkfs.ext4, docs/performance.md) it does
# not arise. SETTLE=0 times the worst case.
sleep "${SETTLE:-65}"
run() {
    /usr/bin/time -v "$bin" "$@" >/dev/null 2>/tmp/concord-time.$$ || true
    wall=$(grep 'Elapsed (wall clock)' /tmp/concord-time.$$ | sed 's/.*: //')
    user=$(grep 'User time' /tmp/concord-time.$$ | sed 's/.*: //')
    sys=$(grep 'System time' /tmp/concord-time.$$ | sed 's/.*: //')
    rss=$(grep 'Maximum resident' /tmp/concord-time.$$ | sed 's/.*: //')
    said=$(grep 'transcript(s) edited' /tmp/concord-time.$$ || true)
    printf '%-32s wall %s  user %ss  sys %ss  peak %s MB  load %s\n    %s\n' "concord $*" "$wall" "$user" "$sys" "$((rss / 1024))" "$(cut -d' ' -f1-3 /proc/loadavg)" "$said"
    rm -f /tmp/concord-time.$$
}
run reanchor --dry-run
run reanchor --dry-run
run reanchor
git reset -q --hard HEAD~1
git reflog expire --expire=now --all
git repack -a -d -q      # the next run writes its objects anew, as the first did
