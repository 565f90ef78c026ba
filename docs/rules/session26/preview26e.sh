#!/bin/sh
# preview26e.sh SRCDIR OUTDIR: index SRCDIR/kb with SRCDIR/bin, kb-eval the four blind16 tuning halves.
set -e
S=$1; O=$2; mkdir -p "$O"
"$S/bin/kb-index" -q "$S/kb" -o "$O/kb.sqlite"
E=/work/main/tests/eval
ev() { n=$1; shift; "$S/bin/kb-eval" "$O/kb.sqlite" "$@" --worst 0 > "$O/$n.txt" 2>&1; }
ev blind16-en $E/blind16/tweets-blind16-en-tune.tsv
for c in fr de es; do
  ev blind16-$c $E/blind16/tweets-blind16-$c-tune.tsv --lang $c
done
