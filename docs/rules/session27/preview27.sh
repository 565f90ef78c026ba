#!/bin/sh
# preview27.sh SRCDIR OUTDIR: index SRCDIR/kb with SRCDIR/bin; kb-eval every tuning half (tests/eval/blind*,
# intl; never a check half) and the public queries of the four languages into OUTDIR, for a change's
# preview on tuning data (G's and A's tuning figures in session 27). Pool with poolt27.py OUTDIR...
set -e
S=$1; O=$2; mkdir -p "$O"
"$S/bin/kb-index" -q "$S/kb" -o "$O/kb.sqlite"
E=/work/main/tests/eval
n=0
for f in "$E"/blind*/tweets-*-tune.tsv "$E"/intl/tweets-*-tune.tsv; do
  b=$(basename "$f" .tsv)
  case $b in
    *-fr-*) set -- --lang fr ;;
    *-de-*) set -- --lang de ;;
    *-es-*) set -- --lang es ;;
    *) set -- ;;
  esac
  "$S/bin/kb-eval" "$O/kb.sqlite" "$f" "$@" --worst 0 > "$O/$b.txt" 2>&1 &
  n=$((n + 1))
  [ $((n % 2)) -eq 0 ] && wait # (two at a time: two cores)
done
wait
"$S/bin/kb-eval" "$O/kb.sqlite" "$E/public-queries.tsv" --public --worst 0 > "$O/pq-en.txt" 2>&1
for c in fr de es; do
  "$S/bin/kb-eval" "$O/kb.sqlite" "$E/intl/public-queries-$c.tsv" --public --lang $c --worst 0 > "$O/pq-$c.txt" 2>&1
done
