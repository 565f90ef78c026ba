#!/bin/sh
# same25.sh A B: rule25 §2 (a) that tree B answers every line as tree A on kb/: kb-eval's per-line
# output (--worst 1000 --abstentions) and --dump, each tree's own binaries and index of its own kb/,
# on every blind12 and blind13 TUNING half and the lang-lines sets (never a check half).
set -e
A=$1; B=$2; O=$(mktemp -d)
for t in A B; do
  eval S=\$$t
  "$S/bin/kb-index" -q "$S/kb" -o "$O/$t.sqlite"
done
diffs=0; n=0
for f in /work/main/tests/eval/blind12/tweets-blind12-*-tune.tsv /work/main/tests/eval/blind13/tweets-blind13-*-tune.tsv \
         "$B"/tests/eval/lang-lines/lang-lines-*.tsv; do
  l=$(basename "$f" .tsv | sed 's/.*-\([a-z][a-z]\)\(-tune\)\{0,1\}$/\1/')
  la="--lang $l"; [ "$l" = en ] && la=""
  for t in A B; do
    eval S=\$$t
    # shellcheck disable=SC2086
    "$S/bin/kb-eval" "$O/$t.sqlite" "$f" $la --worst 1000 --abstentions > "$O/$t.eval" 2>&1
    # shellcheck disable=SC2086
    "$S/bin/kb-eval" "$O/$t.sqlite" "$f" $la --dump > "$O/$t.dump" 2>&1
  done
  n=$((n + 1))
  if cmp -s "$O/A.eval" "$O/B.eval" && cmp -s "$O/A.dump" "$O/B.dump"; then
    echo "same: $f ($l)"
  else
    echo "DIFFERENT: $f ($l)"; diffs=$((diffs + 1))
  fi
done
echo "$n sets, $diffs different"
rm -rf "$O"
