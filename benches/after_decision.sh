#!/bin/bash
# benches/after_decision.sh BIN STUDY: each command cold (no cache), first run (fills the cache), warm;
# then one `concord decide`, and each command's first and second run after it.
B=$1; S=$2; cd "$S"
t() { /usr/bin/time -f "%e s wall %U+%S s cpu %M KB" "$@" 2>&1 >/dev/null | tail -1; }
cmds=("check" "status --json" "units" "units --json" "agreement --json")
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf .git/concord
for c in "${cmds[@]}"; do echo "cold   $c: $(CONCORD_NO_CACHE=1 t $B $c)"; done
for c in "${cmds[@]}"; do echo "first  $c: $(t $B $c)"; done
for c in "${cmds[@]}"; do echo "warm   $c: $(t $B $c)"; done
unit=$($B units --open | head -1)
echo "decide: $(t $B decide $unit --union --reviewer 'Bench <b@e.org>')"
for c in "${cmds[@]}"; do echo "after  $c: $(t $B $c)"; done
for c in "${cmds[@]}"; do echo "again  $c: $(t $B $c)"; done
unit=$($B units --open | head -1)
echo "decide: $(t $B decide $unit --reject --reviewer 'Bench <b@e.org>')"
for c in "check" "agreement --json"; do echo "after2 $c: $(t $B $c)"; done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
