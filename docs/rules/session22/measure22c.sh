#!/bin/sh
# measure22c.sh SRCDIR OUTDIR: index SRCDIR/kb with SRCDIR/bin, kb-eval the four blind11 check halves.
set -e
S=$1; O=$2; mkdir -p "$O"
"$S/bin/kb-index" -q "$S/kb" -o "$O/kb.sqlite"
E=/work/main/tests/eval
ev() { n=$1; shift; "$S/bin/kb-eval" "$O/kb.sqlite" "$@" --worst 0 > "$O/$n.txt" 2>&1; }
ev blind11-en $E/blind11/tweets-blind11-en-check.tsv
for c in fr de es; do
  ev blind11-$c $E/blind11/tweets-blind11-$c-check.tsv --lang $c
done
