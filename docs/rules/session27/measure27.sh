#!/bin/sh
# measure27.sh ROUND SRCDIR OUTDIR: index SRCDIR/kb with SRCDIR/bin, kb-eval the four check halves of
# tests/eval/ROUND (blind17, blind18: the rounds session 27 left unmeasured), as measure26b.sh does
# blind16's. Run once per rule, by the lead; pool with pool27.py OUTDIR...
set -e
R=$1; S=$2; O=$3; mkdir -p "$O"
"$S/bin/kb-index" -q "$S/kb" -o "$O/kb.sqlite"
E=/work/main/tests/eval
ev() { n=$1; shift; "$S/bin/kb-eval" "$O/kb.sqlite" "$@" --worst 0 > "$O/$n.txt" 2>&1; }
ev $R-en $E/$R/tweets-$R-en-check.tsv
for c in fr de es; do
  ev $R-$c $E/$R/tweets-$R-$c-check.tsv --lang $c
done
rm -f "$O/kb.sqlite" "$O/kb.sqlite.status.json"
