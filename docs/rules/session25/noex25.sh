#!/bin/sh
# noex25.sh TREE KBDIR OUT: rule25b §2 - kb-eval the blind12 and blind13 TUNING halves on TREE's binaries
# over KBDIR (kb/ with every examples.tsv removed), each set's summary in OUT.
set -e
T=$1; K=$2; O=$3; mkdir -p "$O"
"$T/bin/kb-index" -q "$K" -o "$O/kb.sqlite"
for b in 12 13; do
  for l in en fr de es; do la="--lang $l"; [ $l = en ] && la=""
    # shellcheck disable=SC2086
    "$T/bin/kb-eval" "$O/kb.sqlite" /work/main/tests/eval/blind$b/tweets-blind$b-$l-tune.tsv $la --worst 0 > "$O/blind$b-$l.txt" 2>&1
  done
done
