#!/bin/sh
# noex-eval.sh TREE KBDIR OUT: kb-eval the blind13 tuning halves on TREE's binaries over KBDIR
T=$1; K=$2; O=$3; mkdir -p $O
$T/bin/kb-index -q $K -o $O/kb.sqlite
for l in en fr de es; do la="--lang $l"; [ $l = en ] && la=""
  $T/bin/kb-eval $O/kb.sqlite /work/main/tests/eval/blind13/tweets-blind13-$l-tune.tsv $la --worst 0 > $O/blind13-$l.txt 2>&1
done
