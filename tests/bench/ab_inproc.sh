#!/bin/sh
# tests/bench/ab_inproc.sh A B - two trees' suggest in process, alternated
# (docs/benchmarks.md, eighteenth session).
#
#   A and B are source trees, each built (make all and
#   build/release/bench/bench_suggest): each indexes kb/ with its own
#   bin/kb-index (its path matters: kb-index finds its shipped language
#   data from where it lies, so a copy of bin/ elsewhere builds another
#   index), then AB_ROUNDS times A's bench_suggest and B's time the
#   suggest search over the retailer tweets (cpw-dev when ../shared has
#   it, our own, the first blind set: `bench_suggest search -r 5 -w 1`),
#   the order reversed every other round. Prints per set the median over
#   rounds of each round's mean microseconds per tweet, and B/A.
#
#   In process there is no HTTP, kernel or client on the cores: on a
#   machine other work loads, ab.sh's CPU per request moved by 4 % between
#   two runs of the same builds, this by under 1 % (a change of 2 to 3 % to the
#   ranking shows here, not there). It counts only the search as suggest
#   runs it; ab.sh and callgrind.sh's PROFILE_WHOLE=1 count the rest.
#
# AB_ROUNDS (default 30). Output under build/ab-inproc/.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
[ $# = 2 ] || die "usage: tests/bench/ab_inproc.sh A_TREE B_TREE"
SHARED=${SHARED:-../shared}
ROUNDS=${AB_ROUNDS:-30}
mkdir -p build/ab-inproc
DIR=$(cd build/ab-inproc && pwd)
TREE=$(pwd)
for s in A B; do
  if [ $s = A ]; then t=$1; else t=$2; fi
  t=$(cd "$t" && pwd)
  if [ ! -x "$t/bin/kb-index" ] || [ ! -x "$t/build/release/bench/bench_suggest" ]; then
    die "$t: no bin/kb-index or build/release/bench/bench_suggest (make all build/release/bench/bench_suggest)"
  fi
  "$t/bin/kb-index" -q kb -o "$DIR/$s-kb.sqlite" || die "$t/bin/kb-index kb failed"
  eval "prog_$s=\$t/build/release/bench/bench_suggest"
done
sets="own $TREE/tests/eval/tweets-own.tsv blind $TREE/tests/eval/blind/tweets-blind.tsv"
[ -f "$SHARED/eval/cpw-dev.tsv" ] && sets="cpw $(cd "$SHARED" && pwd)/eval/cpw-dev.tsv $sets"

one() { # side: one timed pass; appends "side set mean_us" to runs
  prog=""
  eval "prog=\$prog_$1"
  args=""
  # shellcheck disable=SC2086 # (sets: names and paths, no spaces)
  set -- "$1" $sets
  s=$1; shift
  while [ $# -ge 2 ]; do
    args="$args $1 $DIR/$s-kb.sqlite $2"
    shift 2
  done
  # shellcheck disable=SC2086 # (args: names, indexes and sets, no spaces)
  "$prog" search -r 5 -w 1 $args 2>&1 |
    awk -v s="$s" 'NR > 1 && NF >= 8 && $2 ~ /^[0-9]+$/ { print s, $1, $8 }' >>"$DIR/runs.txt"
}

: >"$DIR/runs.txt"
say "ab_inproc.sh: A=$1 B=$2, $ROUNDS rounds ($(uptime | sed 's/.*load/load/'))"
i=0
while [ $i -lt "$ROUNDS" ]; do
  i=$((i + 1))
  if [ $((i % 2)) = 1 ]; then one A; one B; else one B; one A; fi
done
say "ab_inproc.sh: done ($(uptime | sed 's/.*load/load/'))"

med() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "medians of $ROUNDS rounds of each round's mean us per tweet (bench_suggest search -r 5 -w 1)"
printf '%-8s %9s %9s %7s\n' set "A us" "B us" "B/A"
# shellcheck disable=SC2086 # (every other word of sets: their names)
names=$(printf '%s\n' $sets | awk 'NR % 2')
for set in $names; do
  a=$(awk -v t="$set" '$1 == "A" && $2 == t { print $3 }' "$DIR/runs.txt" | med)
  b=$(awk -v t="$set" '$1 == "B" && $2 == t { print $3 }' "$DIR/runs.txt" | med)
  awk -v t="$set" -v a="$a" -v b="$b" 'BEGIN { printf "%-8s %9.1f %9.1f %7.3f\n", t, a, b, b / a }'
done
