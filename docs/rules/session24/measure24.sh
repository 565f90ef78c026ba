#!/bin/sh
# measure24.sh SRCDIR OUTDIR: index SRCDIR/kb with SRCDIR/bin, kb-eval the four blind12 check halves.
set -e
S=$1; O=$2; mkdir -p "$O"
"$S/bin/kb-index" -q "$S/kb" -o "$O/kb.sqlite"
E=/work/main/tests/eval
ev() { n=$1; shift; "$S/bin/kb-eval" "$O/kb.sqlite" "$@" --worst 0 > "$O/$n.txt" 2>&1; }
ev blind12-en $E/blind12/tweets-blind12-en-check.tsv
for c in fr de es; do
  ev blind12-$c $E/blind12/tweets-blind12-$c-check.tsv --lang $c
done
