#!/bin/sh
# tests/bench/dump.sh OUTDIR - everything the speed work must not change,
# written to OUTDIR so two trees' dumps can be compared with `diff -r`.
#
#   kb-eval --dump on every labelled set (each suggest's candidates with
#   the learned ranker's features, the first hit's features, confidence,
#   margin, off-topic/store/asks flags; the figures themselves), the public
#   sets with --public (the search path's ranks), the cdp set with
#   --feedback-cv 5 when ../shared is there;
#   then kb-serve on kb/'s index answering, over real HTTP, every suggest
#   body of the retailer tweets, every search API path (queries and their
#   prefixes as typed, in four languages), the search page, the fragment
#   and every article page: the bodies byte for byte, except "took_ms".
#
# Used by the speed work (docs/benchmarks.md): dump before a change, dump
# after, `diff -r` must print nothing.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
[ $# = 1 ] || die "usage: tests/bench/dump.sh OUTDIR"
OUT=$1
BENCH_BIN=${BENCH_BIN:-bin}
BENCH_PROG=${BENCH_PROG:-build/release/bench/bench_suggest}
SHARED=${SHARED:-../shared}
# one spelling of the path, whatever was given: kb-eval prints it in its
# headers, and two dumps made with ../shared and /work/shared must not differ
[ -d "$SHARED" ] && SHARED=$(cd "$SHARED" && pwd -P)
mkdir -p "$OUT"
DIR=$(cd "$OUT" && pwd)
trap cleanup EXIT

"$BENCH_BIN/kb-index" -q kb -o "$DIR/kb.sqlite"
ev() { # name args...
  n=$1; shift
  "$BENCH_BIN/kb-eval" --dump "$@" >"$DIR/eval-$n.txt" 2>&1 || die "kb-eval $* failed"
  # the time per query is the one thing allowed to move
  sed -i '/µs\|[0-9] us\b\|per query/d' "$DIR/eval-$n.txt"
}
ev public "$DIR/kb.sqlite" tests/eval/public-queries.tsv --public
ev own "$DIR/kb.sqlite" tests/eval/tweets-own.tsv
ev blind "$DIR/kb.sqlite" tests/eval/blind/tweets-blind.tsv
for l in fr de es; do
  ev "tweets-$l" "$DIR/kb.sqlite" "tests/eval/intl/tweets-$l.tsv" --lang "$l"
  ev "public-$l" "$DIR/kb.sqlite" "tests/eval/intl/public-queries-$l.tsv" --public --lang "$l"
done
sets="tests/eval/tweets-own.tsv tests/eval/blind/tweets-blind.tsv tests/eval/intl/tweets-fr.tsv tests/eval/intl/tweets-de.tsv tests/eval/intl/tweets-es.tsv"
if [ -f "$SHARED/eval/cpw-dev.tsv" ]; then
  ev cpw "$DIR/kb.sqlite" "$SHARED/eval/cpw-dev.tsv"
  sets="$SHARED/eval/cpw-dev.tsv $sets"
fi
if [ -d "$SHARED/eval/cdp/kb" ]; then
  "$BENCH_BIN/kb-index" -q "$SHARED/eval/cdp/kb" -o "$DIR/cdp.sqlite"
  ev cdp "$DIR/cdp.sqlite" "$SHARED/eval/cdp/dev.jsonl" --feedback-cv 5
fi

# Requests over HTTP.
: >"$DIR/bodies.jsonl"
for f in $sets; do
  "$BENCH_PROG" bodies "$f" "$DIR/part.jsonl" >/dev/null || die "bench_suggest bodies $f failed"
  cat "$DIR/part.jsonl" >>"$DIR/bodies.jsonl"
done
rm -f "$DIR/part.jsonl"
: >"$DIR/paths.txt"
for q in tests/eval/public-queries.tsv:"" tests/eval/intl/public-queries-fr.tsv:/fr \
         tests/eval/intl/public-queries-de.tsv:/de tests/eval/intl/public-queries-es.tsv:/es; do
  f=${q%%:*}; p=${q#*:}
  "$BENCH_PROG" paths --typed "/api/v1/search?q=" "$f" "$DIR/part.txt" >/dev/null
  cat "$DIR/part.txt" >>"$DIR/paths.txt"
  "$BENCH_PROG" paths --typed "$p/search?q=" "$f" "$DIR/part.txt" >/dev/null
  cat "$DIR/part.txt" >>"$DIR/paths.txt"
  sed 's/$/\&fragment=1/' "$DIR/part.txt" >>"$DIR/paths.txt"
  "$BENCH_PROG" paths "$p/search?page=2&q=" "$f" "$DIR/part.txt" >/dev/null
  cat "$DIR/part.txt" >>"$DIR/paths.txt"
done
rm -f "$DIR/part.txt"
find kb/articles -maxdepth 1 -name '*.md' | sort | sed 's|.*/|/help/|; s|\.md$||' >>"$DIR/paths.txt"
for l in fr de es; do
  find "kb/articles/$l" -maxdepth 1 -name '*.md' 2>/dev/null | sort | sed "s|.*/|/$l/help/|; s|\.md\$||" >>"$DIR/paths.txt"
done

start_serve "$DIR/kb.sqlite" "$DIR/serve.log"
strip() { sed 's/"took_ms":[0-9.]*/"took_ms":T/g; s|127\.0\.0\.1:[0-9]*|127.0.0.1:PORT|g'; }
# one curl for all (a process per request takes minutes): a config file of
# requests, each answer followed by its status and address
esc() { sed 's/\\/\\\\/g; s/"/\\"/g'; }
esc <"$DIR/paths.txt" | sed "s|.*|url = \"$api&\"|" >"$DIR/get.curl"
curl -s -w '\n--- %{http_code} GET %{url}\n' -K "$DIR/get.curl" | strip >"$DIR/http-get.txt"
esc <"$DIR/bodies.jsonl" | awk -v u="$api/api/v1/suggest" '
  NR > 1 { print "next" }
  { print "url = \"" u "\""; print "header = \"Content-Type: application/json\"";
    print "data-binary = \"" $0 "\""; print "write-out = \"\\n--- %{http_code} POST " NR "\\n\"" }' >"$DIR/post.curl"
curl -s -K "$DIR/post.curl" | strip >"$DIR/http-suggest.txt"
stop_pid "$serve_pid"; serve_pid=""
rm -f "$DIR"/*.sqlite "$DIR"/*.sqlite-* "$DIR"/*.status.json "$DIR/serve.log"
rm -f "$DIR"/*.curl
echo "dump: $(ls "$DIR" | wc -l) files in $OUT ($(grep -c '^--- 200 ' "$DIR/http-get.txt") GETs and $(grep -c '^--- 200 ' "$DIR/http-suggest.txt") suggests answered 200)"
