#!/bin/sh
# Time the codebook history on the demo repository and on a history of 200
# commits that each changed the codings (and every fourth the codebook too):
# the worst case for `concord agreement --trend`, where no commit can reuse
# another's figures; and 200 commits that only reword a definition, where
# every commit after the first reuses them.
# Usage: benches/history.sh [DIR]   (DIR defaults to a temporary folder)
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$(pwd)/target/release/concord
base=${1:-$(mktemp -d)}
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

commit() {
    git -c user.name=Bench -c user.email=bench@example.org commit -q -a -m "$1"
}

demo=$base/demo
[ -d "$demo" ] || "$bin" demo --path "$demo" >/dev/null 2>&1

recode=$base/recode-200
if [ ! -d "$recode" ]; then
    "$bin" demo --path "$recode" >/dev/null 2>&1
    (
        cd "$recode"
        i=1
        while [ $i -le 200 ]; do
            t=$((i % 5 + 1))
            if [ $((i % 2)) -eq 0 ]; then c=coder-a; else c=coder-b; fi
            # Drop one coded excerpt: a new codings tree every time.
            sed -i '1d' "codings/$c/fg$t.jsonl"
            if [ $((i % 4)) -eq 0 ]; then
                sed -i "s/^Confidence in one's ability to keep engaging/Confidence ($i) in one's ability to keep engaging/" \
                    codebook/intrapsychic/self-efficacy/maintenance.md
            fi
            commit "recode $i"
            i=$((i + 1))
        done
    )
fi

reword=$base/reword-200
if [ ! -d "$reword" ]; then
    "$bin" demo --path "$reword" >/dev/null 2>&1
    (
        cd "$reword"
        i=1
        while [ $i -le 200 ]; do
            sed -i "s/^Confidence[^ ]* in one's ability to keep engaging/Confidence-$i in one's ability to keep engaging/" \
                codebook/intrapsychic/self-efficacy/maintenance.md
            commit "reword $i"
            i=$((i + 1))
        done
    )
fi

run() {
    dir=$1
    shift
    /usr/bin/time -f '%e %M' -o /tmp/concord-time.$$ "$bin" "$@" "$dir" >/dev/null
    read -r wall rss </tmp/concord-time.$$
    printf '%-14s %-36s wall %ss  peak %s MB\n' "$(basename "$dir")" "concord $*" "$wall" "$((rss / 1024))"
    rm -f /tmp/concord-time.$$
}
for d in "$demo" "$recode" "$reword"; do
    for i in 1 2 3; do
        run "$d" agreement --trend --json
    done
    run "$d" history --json
done
