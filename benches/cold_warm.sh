#!/bin/bash
# benches/cold_warm.sh BIN STUDY...: per study, each command cold (derived cache removed first) and warm (run again)
B=$1; shift
t() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f s wall %.2f s cpu %d MB", $1, $2+$3, $4/1024}'; }
for S in "$@"; do cd "$S"; n=$(ls transcripts | wc -l)
  echo "== $n transcripts, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "no cache check: $(CONCORD_NO_CACHE=1 t $B check)"
  for c in "check" "status --json" "units --json" "agreement --json"; do
    rm -rf .git/concord
    echo "cold $c: $(t $B $c)"
    echo "warm $c: $(t $B $c)"
  done
done
