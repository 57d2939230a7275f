#!/bin/bash
# benches/first_run.sh BIN STUDY: each summary command's first run on the study (its derived
# cache removed before each, as after a fresh clone or a codebook edit), then a warm run:
# wall time, CPU (user+sys) and peak memory, as /usr/bin/time reports them.
B=$1; S=$2; cd "$S"
t() { /usr/bin/time -f "%e s wall %U+%S s cpu %M KB" "$@" 2>&1 >/dev/null | tail -1; }
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "check" "status --json" "units" "agreement --json"; do
  rm -rf .git/concord
  echo "first  $c: $(t $B $c)"
  echo "warm   $c: $(t $B $c)"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
