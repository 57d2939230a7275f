#!/usr/bin/env bash
# Run every fuzz target for SECONDS each (default 30), two at a time (CI
# has two cores), from the committed seeds; fail on the first crash. The
# inputs a run finds go to a temporary folder, not into fuzz/seeds.
#
#   bash fuzz/run.sh [SECONDS]
#
# Prints, per target, libFuzzer's last status line (executions, coverage).
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH="${1:-30}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo +nightly fuzz build --sanitizer none
targets=($(cargo +nightly fuzz list))
run() {
  local t="$1"
  mkdir -p "$work/$t"
  if cargo +nightly fuzz run --sanitizer none "$t" "$work/$t" "seeds/$t" -- \
      -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      >"$work/$t.log" 2>&1; then
    echo "$t: $(grep -E '^#[0-9]+' "$work/$t.log" | tail -1)"
  else
    echo "$t: CRASHED"; tail -40 "$work/$t.log"; return 1
  fi
}
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" & a=$!
  b=""
  if ((i + 1 < ${#targets[@]})); then run "${targets[i + 1]}" & b=$!; fi
  wait "$a" || status=1
  if [ -n "$b" ]; then wait "$b" || status=1; fi
done
exit "$status"
