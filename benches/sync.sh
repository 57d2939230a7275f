#!/bin/sh
# Time `concord sync` on the large generated study (1,000 transcripts of
# 60,000 characters, 3 coders): 200 decisions came in (another reviewer's
# 200 decision commits on the remote) and 200 go out (this clone's 200
# decision commits, replayed on top and pushed). The remote is a bare
# repository on the same machine (file://, loopback: no network cost).
#
# What concord itself takes is the sync's wall time minus the time of the
# git fetch and git push it runs: a `git` shim first on PATH times every
# git call the sync makes.
# Usage: benches/sync.sh [DIR]   (DIR defaults to a temporary folder)
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=$(pwd)/target/release/concord
real_git=$(command -v git)
base=${1:-$(mktemp -d)}
mkdir -p "$base"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$base/gitconfig"
printf '[user]\n\tname = Bench\n\temail = bench@example.org\n' > "$base/gitconfig"

study=$base/study
if [ ! -d "$base/server.git" ]; then
    "$bin" generate --transcripts 1000 --chars 60000 --coders 3 --excerpts 150 --seed 1 --path "$study" 2>/dev/null
    (cd "$study" && git init -q -b main && git add -A && git commit -q -m "The study")
    git clone -q --bare "$study" "$base/server.git"
fi
# The members' clones: local (hard links, quick to set up); their remote is
# then the file:// address, so fetch and push go through git's transport.
for who in ann ben; do
    if ! git -C "$base/$who" rev-parse -q --verify HEAD >/dev/null 2>&1; then
        rm -rf "${base:?}/$who"
        git clone -q "$base/server.git" "$base/$who"
        git -C "$base/$who" remote set-url origin "file://$base/server.git"
    fi
done
echo "study: 1000 transcripts, $(du -sh "$study" | cut -f1) of files"

# n decision commits by $who in clone $dir, one per transcript from the $from'th on.
decide() {
    dir=$1 who=$2 from=$3 n=$4
    (
        cd "$dir"
        ls transcripts | sed 's/\.txt$//' | tail -n +"$from" | head -n "$n" | while read -r t; do
            mkdir -p decisions
            printf '{"id":"d-%s-%s","unit":"%s:0-100:bench","basis":["c-%s"],"action":"reject","result":[],"reviewer":"%s <%s@example.org>","at":"2026-12-02T01:00:00Z","note":""}\n' \
                "$who" "$t" "$t" "$t" "$who" "$who" >> "decisions/$t.jsonl"
            git add "decisions/$t.jsonl"
            git -c user.name="$who" -c user.email="$who@example.org" commit -q -m "$t: reject"
        done
    )
}
if [ ! -f "$base/prepared" ]; then
    decide "$base/ben" Ben 1 200
    (cd "$base/ben" && git push -q origin main)
    decide "$base/ann" Ann 401 200
    (cd "$base/ann" && git rev-parse HEAD > "$base/ann-before" && git rev-parse origin/main > "$base/ann-origin-before")
    (cd "$base/server.git" && git rev-parse main > "$base/server-before")
    touch "$base/prepared"
fi

# The shim: time each git call of the sync.
mkdir -p "$base/shim"
cat > "$base/shim/git" <<SHIM
#!/bin/sh
start=\$(date +%s%N)
"$real_git" "\$@"
rc=\$?
echo "\$1 \$(( (\$(date +%s%N) - start) / 1000000 ))" >> "$base/git-times"
exit \$rc
SHIM
chmod +x "$base/shim/git"

for run in 1 2 3; do
    # Back to the state before the sync: Ann's 200 unsent commits, Ben's 200 on the server.
    (cd "$base/ann" && git reset -q --hard "$(cat "$base/ann-before")" && git update-ref refs/remotes/origin/main "$(cat "$base/ann-origin-before")")
    (cd "$base/server.git" && git update-ref refs/heads/main "$(cat "$base/server-before")")
    rm -f "$base/git-times" "$base/ann/.git/concord-sync"
    start=$(date +%s%N)
    PATH="$base/shim:$PATH" "$bin" sync "$base/ann" > "$base/said"
    total=$(( ($(date +%s%N) - start) / 1000000 ))
    git_ms=$(awk '{s += $2} END {print s + 0}' "$base/git-times")
    printf 'run %s: sync %s ms, of which git fetch/push %s ms (%s), concord itself %s ms: %s\n' \
        "$run" "$total" "$git_ms" "$(tr '\n' ' ' < "$base/git-times" | sed 's/ $//')" "$((total - git_ms))" "$(cat "$base/said")"
done
