#!/bin/sh
# measure18.sh SRCDIR OUTDIR: index SRCDIR/kb with SRCDIR/bin, kb-eval the thirteen check halves (nine old, four blind4).
set -e
S=$1; O=$2; mkdir -p "$O"
"$S/bin/kb-index" -q "$S/kb" -o "$O/kb.sqlite"
E=/work/main/tests/eval
ev() { n=$1; shift; "$S/bin/kb-eval" "$O/kb.sqlite" "$@" --worst 0 > "$O/$n.txt" 2>&1; }
ev blind $E/blind/tweets-blind-check.tsv
ev blind2 $E/blind2/tweets-blind2-check.tsv
ev blind3 $E/blind3/tweets-blind3-check.tsv
for c in fr de es; do
  ev intl-$c $E/intl/tweets-$c-check.tsv --lang $c
  ev blind2-$c $E/blind2/tweets2-$c-check.tsv --lang $c
done
ev blind4-en $E/blind4/tweets-blind4-en-check.tsv
for c in fr de es; do
  ev blind4-$c $E/blind4/tweets-blind4-$c-check.tsv --lang $c
done
