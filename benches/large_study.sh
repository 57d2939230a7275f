#!/bin/sh
# Time the real binary on the large generated study of issue 3:
# 1,000 transcripts of 60,000 characters, 3 coders, 150 excerpts per
# transcript per coder. Peak memory from /usr/bin/time -v.
# Usage: benches/large_study.sh [DIR]   (DIR defaults to a temporary folder)
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/concord
dir=${1:-$(mktemp -d)/large-study}
if [ ! -f "$dir/concord.toml" ]; then
    "$bin" generate --transcripts 1000 --chars 60000 --coders 3 --excerpts 150 --seed 1 --path "$dir"
fi
echo "study: $dir ($(du -sh "$dir" | cut -f1))"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run() {
    /usr/bin/time -v "$bin" "$@" "$dir" >/dev/null 2>/tmp/concord-time.$$ || true
    wall=$(grep 'Elapsed (wall clock)' /tmp/concord-time.$$ | sed 's/.*: //')
    user=$(grep 'User time' /tmp/concord-time.$$ | sed 's/.*: //')
    sys=$(grep 'System time' /tmp/concord-time.$$ | sed 's/.*: //')
    rss=$(grep 'Maximum resident' /tmp/concord-time.$$ | sed 's/.*: //')
    printf '%-40s wall %s  user %ss  sys %ss  peak %s MB\n' "concord $*" "$wall" "$user" "$sys" "$((rss / 1024))"
    rm -f /tmp/concord-time.$$
}
for i in 1 2 3; do
    run agreement --json
done
# The table: the pairs' character level only (issue 12); without the cache,
# so each run computes.
for i in 1 2 3; do
    (export CONCORD_NO_CACHE=1; run agreement)
done
for i in 1 2 3; do
    (export CONCORD_NO_CACHE=1; run agreement --json)
done
# Issue 12: intervals for every pooled figure, 2,000 resamples (target: under 10 s).
for i in 1 2 3; do
    run agreement --json --ci 0.95 --boot 2000 --seed 1 --min 0.667
done
run check
run agreement --measure character --json
run agreement --measure segment --json
run agreement --measure alpha --json
run agreement --measure turn --json
