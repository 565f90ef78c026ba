#!/bin/sh
# measure33.sh ROUND SRCDIR OUTDIR: measure27.sh with every line's miss kept (--worst 100000 --towns), so
# that won33.py can count the R@1 and town lines a change wins and loses against a base on the same check
# halves. Run once per rule, by the lead; pool with docs/rules/session32/pool32.py OUTDIR...
set -e
R=$1; S=$2; O=$3; mkdir -p "$O"
"$S/bin/kb-index" -q "$S/kb" -o "$O/kb.sqlite"
E=/work/main/tests/eval
ev() { n=$1; shift; "$S/bin/kb-eval" "$O/kb.sqlite" "$@" --worst 100000 --towns > "$O/$n.txt" 2>&1; }
ev $R-en $E/$R/tweets-$R-en-check.tsv
for c in fr de es; do
  ev $R-$c $E/$R/tweets-$R-$c-check.tsv --lang $c
done
rm -f "$O/kb.sqlite" "$O/kb.sqlite.status.json"
