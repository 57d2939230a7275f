#!/usr/bin/env bash
# The kill test at soak size, run by hand (not in CI): the real binary
# deciding one unit after another on a generated study, killed with
# SIGKILL at seeded random moments, RUNS times (default 1000); then every
# acknowledged decision must be in git, `git fsck --full` and `concord
# check` clean, and `git status` clean after the next start.
#
#   bash tests/soak/kill.sh [RUNS] [SEED]
#
# Prints one line of figures (runs, kills, acknowledged, in git, what the
# next start repaired); docs/reliability.md records the last one.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CONCORD_KILL_RUNS="${1:-1000}"
export CONCORD_KILL_SEED="${2:-11400714819323198485}"
time cargo test --locked --test durability \
  decisions_acknowledged_before_a_kill_are_all_in_git_and_the_next_start_is_clean \
  -- --nocapture 2>&1 | grep -E "kill test:|test result|panicked|acknowledged but"
