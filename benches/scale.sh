#!/bin/bash
# How each command grows with the study, cold (no derived cache) and warm
# (a second run on the unchanged, committed study), beside the floor:
# `cat` of the study's files and a plain JSON-lines parse of its codings
# (Python's json, C-accelerated). Each figure is the minimum of REPEAT runs
# (the machine is shared: the minimum is the least disturbed); peak memory
# is /usr/bin/time's maximum resident set size of that command.
#
# Usage: benches/scale.sh [DIR] [SIZES...]
#   DIR    where the studies are generated (kept for the next run)
#   SIZES  numbers of transcripts (default 125 250 500 1000 5000), each of
#          60,000 characters, 3 coders, 150 excerpts per transcript per coder
# Env: REPEAT (default 3); NO_BUILD=1 uses the release binary as it is;
# LONG=1 also times one transcript of 50 MB with
# 3,000 codings per coder.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${NO_BUILD:-}" ] || cargo build --release --quiet
bin=$PWD/target/release/concord
dir=${1:-$(mktemp -d)}
shift || true
sizes=${*:-125 250 500 1000 5000}
repeat=${REPEAT:-3}
mkdir -p "$dir"
trash=$(mktemp -d)
trap 'rm -rf "$trash"' EXIT
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared: other builds running)"

# A study of $2 transcripts at $1, generated and committed once.
make_study() {
    local at=$1 n=$2 chars=${3:-60000} excerpts=${4:-150}
    if [ ! -d "$at/.git" ]; then
        rm -rf "$at"
        "$bin" generate --transcripts "$n" --chars "$chars" --coders 3 --excerpts "$excerpts" --seed 1 --path "$at" 2>/dev/null
        git -C "$at" init -q
        git -C "$at" add -A
        git -C "$at" -c user.name=bench -c user.email=bench@example.org commit -qm "generated study"
    fi
}

# "wall cpu kb": the least wall seconds and the least CPU seconds (user +
# system) over $repeat runs of "$@", and the largest peak memory in KB.
timed() {
    local wall="" cpu="" rss=0
    for _ in $(seq "$repeat"); do
        # Moved aside, not removed: ext4 here (mounted with `discard`, no
        # journal) trims the freed blocks and steps over freed inodes while
        # the next run writes its cache, which timed the disk, not concord.
        [ -n "${COLD:-}" ] && [ -d "$study/.git/concord" ] && mv "$study/.git/concord" "$trash/$RANDOM$RANDOM"
        /usr/bin/time -f "%e %U %S %M" -o /tmp/scale-time.$$ "$@" >/dev/null 2>&1 || true
        read -r w u s kb < /tmp/scale-time.$$
        c=$(awk "BEGIN{print $u + $s}")
        if [ -z "$wall" ] || awk "BEGIN{exit !($w < $wall)}"; then wall=$w; fi
        if [ -z "$cpu" ] || awk "BEGIN{exit !($c < $cpu)}"; then cpu=$c; fi
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    rm -f /tmp/scale-time.$$
    echo "$wall $cpu $rss"
}

floor_cat() { find "$study" -path "$study/.git" -prune -o -type f -print0 | xargs -0 cat >/dev/null; }
floor_json() {
    python3 -c '
import json, pathlib, sys
n = 0
for p in pathlib.Path(sys.argv[1], "codings").rglob("*.jsonl"):
    for line in p.open(encoding="utf-8"):
        if line.strip():
            json.loads(line); n += 1
' "$study"
}
export -f floor_cat floor_json

commands=("check" "status --json" "units --json" "agreement --json")
results=$(mktemp)
for n in $sizes; do
    study=$dir/t$n
    make_study "$study" "$n"
    # (A study linked from elsewhere is measured where it is.)
    study=$(cd "$study" && pwd -P)
    export study
    echo "== $n transcripts: $(du -sh --exclude=.git "$study" | cut -f1)"
    read -r w c k < <(timed bash -c floor_cat); echo "$n|cat (floor)|$w|$c|||$((k/1024))" >> "$results"
    read -r w c k < <(timed bash -c floor_json); echo "$n|JSON-lines parse (floor)|$w|$c|||$((k/1024))" >> "$results"
    for cmd in "${commands[@]}"; do
        # shellcheck disable=SC2086
        read -r cw cc kc < <(COLD=1 timed "$bin" $cmd "$study")
        # shellcheck disable=SC2086
        read -r ww wc kw < <(timed "$bin" $cmd "$study")
        mb=$(( (kc > kw ? kc : kw) / 1024 ))
        echo "$n|concord $cmd|$cw|$cc|$ww|$wc|$mb" >> "$results"
        echo "  concord $cmd: cold ${cw}s (cpu ${cc}s) warm ${ww}s (cpu ${wc}s) peak ${mb} MB"
    done
done

if [ -n "${LONG:-}" ]; then
    study=$dir/long
    export study
    make_study "$study" 1 50000000 3000
    echo "== one transcript of 50 MB, 3,000 codings per coder"
    for cmd in "check" "units --json" "agreement --json"; do
        # shellcheck disable=SC2086
        read -r cw cc kc < <(COLD=1 timed "$bin" $cmd "$study")
        # shellcheck disable=SC2086
        read -r ww wc kw < <(timed "$bin" $cmd "$study")
        echo "long|concord $cmd|$cw|$cc|$ww|$wc|$(( (kc > kw ? kc : kw) / 1024 ))" >> "$results"
        echo "  concord $cmd: cold ${cw}s (cpu ${cc}s) warm ${ww}s (cpu ${wc}s)"
    done
fi

# The table, with the growth per doubling of transcripts of the CPU time
# (less disturbed by a loaded machine than the wall time): time at 2N over
# time at N; from 1,000 to 5,000 the ratio per doubling is
# (t5000/t1000)^(1/log2 5).
echo
echo "| transcripts | what | cold wall s | cold CPU s | warm wall s | warm CPU s | peak MB | cold CPU per doubling | warm CPU per doubling |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
awk -F'|' '
function growth(now, before, d) { return (before > 0 && now != "") ? sprintf("%.2fx", (now / before) ^ (1 / d)) : "" }
{
    key = $2; n = $1; gc = ""; gw = ""
    if (n != "long" && (key in lastn)) {
        d = log(n / lastn[key]) / log(2)
        gc = growth($4, lastc[key], d); gw = growth($6, lastw[key], d)
    }
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", n, key, $3, $4, $5, $6, $7, gc, gw
    if (n != "long") { lastn[key] = n; lastc[key] = $4; lastw[key] = $6 }
}' "$results"
rm -f "$results"
