#!/bin/bash
# benches/tui_cold.sh BIN STUDY: seconds from launching the review screen (in tmux, 120x40) to its
# status line counting open units (its first full frame), with the derived cache removed first.
# A wrapper script as BIN can set CONCORD_NO_CACHE=1 (the path without a cache).
B=$1; S=$2
rm -rf $S/.git/concord
tmux kill-session -t concord-tui-cold 2>/dev/null
start=$(date +%s.%N)
tmux new -d -s concord-tui-cold -x 120 -y 40 "$B $S --reviewer 'R <r@e.org>'"
until tmux capture-pane -p -t concord-tui-cold | grep -q 'open · '; do
    if [ "$(echo "$(date +%s.%N) - $start > 300" | bc)" = 1 ]; then
        echo "no full frame after 300 s:"; tmux capture-pane -p -t concord-tui-cold; tmux kill-session -t concord-tui-cold; exit 1
    fi
    sleep 0.02
done
end=$(date +%s.%N)
tmux send-keys -t concord-tui-cold q
while tmux has-session -t concord-tui-cold 2>/dev/null; do sleep 0.05; done
echo "$(basename $B): $(echo "$end - $start" | bc) s (load $(cut -d' ' -f1 /proc/loadavg))"
