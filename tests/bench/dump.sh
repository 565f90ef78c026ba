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
# The sets with a check half (the first blind set, the fr/de/es tweets)
# are dumped as their tuning half in full and their check half as a
# sha256 of its dump only, the kb-eval dump and the HTTP answers alike:
# "identical or not" without a line of a check half on screen
# (docs/relevance.md's rule; a diff would otherwise print them).
#
# Used by the speed work (docs/benchmarks.md): dump before a change, dump
# after, `diff -r` must print nothing. Take both on the same day: a store's
# reply says its hours "today" (kb_api.c reads the clock), so dumps taken
# either side of midnight differ in those replies only (session 33).
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
# what it runs, built if missing when they are this tree's own (`make all`
# builds neither kb-eval nor bench_suggest: a fresh `git archive` copy
# failed half-way with "not found")
if [ "$BENCH_BIN" = bin ] && [ ! -x bin/kb-eval ]; then make --no-print-directory bin/kb-eval >/dev/null; fi
if [ "$BENCH_PROG" = build/release/bench/bench_suggest ] && [ ! -x "$BENCH_PROG" ]; then
  make --no-print-directory "$BENCH_PROG" >/dev/null
fi
for p in "$BENCH_BIN/kb-index" "$BENCH_BIN/kb-eval" "$BENCH_PROG"; do
  [ -x "$p" ] || die "$p is missing: build it first (make all bin/kb-eval $BENCH_PROG)"
done
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
# A check half's lines and the product's answers to them are never to be
# read (docs/relevance.md): its dump is kept as a checksum only, which
# still says "identical or not".
hide() { # file: its content replaced by its sha256
  h=$(sha256sum <"$1" | cut -c1-64)
  echo "sha256 $h (a check half: only the checksum of its dump is kept)" >"$1"
}
ev public "$DIR/kb.sqlite" tests/eval/public-queries.tsv --public
ev own "$DIR/kb.sqlite" tests/eval/tweets-own.tsv
ev blind-tune "$DIR/kb.sqlite" tests/eval/blind/tweets-blind-tune.tsv
ev blind-check "$DIR/kb.sqlite" tests/eval/blind/tweets-blind-check.tsv
hide "$DIR/eval-blind-check.txt"
for l in fr de es; do
  ev "tweets-$l-tune" "$DIR/kb.sqlite" "tests/eval/intl/tweets-$l-tune.tsv" --lang "$l"
  ev "tweets-$l-check" "$DIR/kb.sqlite" "tests/eval/intl/tweets-$l-check.tsv" --lang "$l"
  hide "$DIR/eval-tweets-$l-check.txt"
  ev "public-$l" "$DIR/kb.sqlite" "tests/eval/intl/public-queries-$l.tsv" --public --lang "$l"
done
sets="tests/eval/tweets-own.tsv tests/eval/blind/tweets-blind-tune.tsv tests/eval/intl/tweets-fr-tune.tsv tests/eval/intl/tweets-de-tune.tsv tests/eval/intl/tweets-es-tune.tsv"
checks="tests/eval/blind/tweets-blind-check.tsv tests/eval/intl/tweets-fr-check.tsv tests/eval/intl/tweets-de-check.tsv tests/eval/intl/tweets-es-check.tsv"
if [ -f "$SHARED/eval/cpw-dev.tsv" ]; then
  ev cpw "$DIR/kb.sqlite" "$SHARED/eval/cpw-dev.tsv"
  sets="$SHARED/eval/cpw-dev.tsv $sets"
fi
if [ -d "$SHARED/eval/cdp/kb" ]; then
  "$BENCH_BIN/kb-index" -q "$SHARED/eval/cdp/kb" -o "$DIR/cdp.sqlite"
  ev cdp "$DIR/cdp.sqlite" "$SHARED/eval/cdp/dev.jsonl" --feedback-cv 5
fi

# Requests over HTTP.
bodies() { # out sets...
  out=$1; shift
  : >"$out"
  for f in "$@"; do
    "$BENCH_PROG" bodies "$f" "$DIR/part.jsonl" >/dev/null || die "bench_suggest bodies $f failed"
    cat "$DIR/part.jsonl" >>"$out"
  done
  rm -f "$DIR/part.jsonl"
}
# shellcheck disable=SC2086 # the lists split on spaces
bodies "$DIR/bodies.jsonl" $sets
# shellcheck disable=SC2086
bodies "$DIR/check.jsonl" $checks
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
# DUMP_WARM=1: every GET sent once first, unrecorded, so the recorded
# pass is answered from the search cache (with KB_SEARCH_CACHE large
# enough to hold them all: the hits and misses of the recorded pass are
# printed from /metrics; a dump must not change)
if [ "${DUMP_WARM:-0}" = 1 ]; then
  curl -s -K "$DIR/get.curl" >/dev/null
  warm=$(curl -s "$api/metrics" | awk '/^kb_search_cache_(hits|misses)_total / { printf "%s ", $2 }')
fi
curl -s -w '\n--- %{http_code} GET %{url}\n' -K "$DIR/get.curl" | strip >"$DIR/http-get.txt"
if [ "${DUMP_WARM:-0}" = 1 ]; then
  now=$(curl -s "$api/metrics" | awk '/^kb_search_cache_(hits|misses)_total / { printf "%s ", $2 }')
  echo "dump: the recorded GETs' search cache: $warm-> $now(hits misses)" >&2
fi
post() { # bodies out
  esc <"$1" | awk -v u="$api/api/v1/suggest" '
    NR > 1 { print "next" }
    { print "url = \"" u "\""; print "header = \"Content-Type: application/json\"";
      print "data-binary = \"" $0 "\""; print "write-out = \"\\n--- %{http_code} POST " NR "\\n\"" }' >"$DIR/post.curl"
  curl -s -K "$DIR/post.curl" | strip >"$2"
}
post "$DIR/bodies.jsonl" "$DIR/http-suggest.txt"
post "$DIR/check.jsonl" "$DIR/http-suggest-check.txt"
nchecked=$(grep -c '^--- 200 ' "$DIR/http-suggest-check.txt" || true)
hide "$DIR/http-suggest-check.txt"
rm -f "$DIR/check.jsonl"
stop_pid "$serve_pid"; serve_pid=""
rm -f "$DIR"/*.sqlite "$DIR"/*.sqlite-* "$DIR"/*.status.json "$DIR/serve.log"
rm -f "$DIR"/*.curl
echo "dump: $(ls "$DIR" | wc -l) files in $OUT ($(grep -c '^--- 200 ' "$DIR/http-get.txt") GETs and $(grep -c '^--- 200 ' "$DIR/http-suggest.txt") + $nchecked suggests answered 200; check halves as checksums)"
