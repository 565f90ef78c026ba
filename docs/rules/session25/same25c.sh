#!/bin/sh
# same25c.sh A B KBDIR: rule25c §2 (b) - tree B (H'F1) answers every line as tree A (main) over KBDIR (a
# knowledge base without example mentions): kb-eval's per-line output (--worst 1000 --abstentions) and
# --dump, each tree's own binaries, one index each of KBDIR, on every blind12 and blind13 TUNING half.
# B's --dump has two inputs more (lang_other, no_examples, the last two of each "cand" row): cut before
# comparing.
set -e
A=$1; B=$2; K=$3; O=$(mktemp -d)
for t in A B; do
  eval S=\$$t
  "$S/bin/kb-index" -q "$K" -o "$O/$t.sqlite"
done
diffs=0; n=0
for f in /work/main/tests/eval/blind12/tweets-blind12-*-tune.tsv /work/main/tests/eval/blind13/tweets-blind13-*-tune.tsv; do
  l=$(basename "$f" .tsv | sed 's/.*-\([a-z][a-z]\)-tune$/\1/')
  la="--lang $l"; [ "$l" = en ] && la=""
  for t in A B; do
    eval S=\$$t
    # shellcheck disable=SC2086
    "$S/bin/kb-eval" "$O/$t.sqlite" "$f" $la --worst 1000 --abstentions > "$O/$t.eval" 2>&1
    # shellcheck disable=SC2086
    "$S/bin/kb-eval" "$O/$t.sqlite" "$f" $la --dump > "$O/$t.dump" 2>&1
  done
  awk -F'\t' 'BEGIN{OFS="\t"} $1=="cand"{NF-=2} {print}' "$O/B.dump" > "$O/B.cut"
  n=$((n + 1))
  if cmp -s "$O/A.eval" "$O/B.eval" && cmp -s "$O/A.dump" "$O/B.cut"; then
    echo "same: $f ($l)"
  else
    echo "DIFFERENT: $f ($l)"; diffs=$((diffs + 1))
  fi
done
echo "$n sets, $diffs different"
rm -rf "$O"
