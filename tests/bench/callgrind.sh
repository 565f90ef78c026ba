#!/bin/sh
# tests/bench/callgrind.sh [OUTDIR] - instructions per request, route by
# route, on kb/'s index: exact counts that a loaded machine does not move
# (docs/benchmarks.md).
#
#   suggest in process: bench_suggest under callgrind, collecting only
#   inside kb_suggest() (the mention's analysis, search, confidence,
#   links, snippets), over the retailer tweets (cpw-dev, our own, blind);
#   then kb-serve under callgrind on one worker thread, collecting only
#   inside its request handler (the routes' own work: parsing arguments,
#   search, rendering, compression; not libmicrohttpd's reading and
#   writing), for each route over the request sets `make bench` loads:
#   /healthz, suggest, the search API (queries and prefixes as typed),
#   the search page, the fragment, the article pages; and, when
#   ../shared has it, suggest over the CDP dev tweets against the cdp
#   index (suggest-cdp): the yardstick a kb/ suggest is held to (#23).
# Prints "route requests instructions/request"; the callgrind files stay in
# OUTDIR (default build/callgrind) for callgrind_annotate.
# PROFILE_MAX (default 300) caps each request set: every k-th line is kept.
# PROFILE_ROUTES (default: all) names the routes to run, space-separated
# (healthz suggest suggest-cdp search-api search-page fragment article).
# The search cache (kb-serve --search-cache, on by default) is filled by
# the warm-up pass below, so the search routes (search-api, search-page,
# fragment) then count answers from it; KB_SEARCH_CACHE=0 in the
# environment counts the search itself (docs/benchmarks.md, seventeenth
# session).
# PROFILE_WHOLE=1 collects the whole kb-serve process instead of its
# request handler only: libmicrohttpd's reading, parsing and writing, malloc,
# the other threads (events, live) too; the warm-up pass is not counted
# either way (callgrind_control -z), so the count is per request served.
# PROFILE_CG_OPTS adds options to callgrind's, e.g. "--cache-sim=yes
# --branch-sim=yes" for the misses that make the same instructions slower
# (callgrind_annotate then shows D1mr, DLmr, Bcm, ... per function).
# PROFILE_GZIP=1 sends "Accept-Encoding: gzip" with every GET, as a
# browser does (wrk and the default here do not): the pages' compression
# is then counted too.
# Under valgrind on a loaded machine kb-serve may take minutes to start
# (up to 5 are waited for). The links in replies and pages are made with a
# fixed --public-url: with the server's own address they held its port,
# which changed from run to run which replies' texts shared a slot of the
# reply cache (kb_reply.c), and so the count by up to 8K a suggest.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
OUT=${1:-build/callgrind}
BENCH_BIN=${BENCH_BIN:-bin}
BENCH_PROG=${BENCH_PROG:-build/release/bench/bench_suggest}
SHARED=${SHARED:-../shared}
MAX=${PROFILE_MAX:-300}
command -v valgrind >/dev/null 2>&1 || die "valgrind is missing (apt-get install valgrind)"
mkdir -p "$OUT"
DIR=$(cd "$OUT" && pwd)
trap cleanup EXIT

"$BENCH_BIN/kb-index" -q kb -o "$DIR/kb.sqlite"
ir() { # callgrind file: the instructions collected
  # (PROFILE_WHOLE's: its totals line; after callgrind_control -z and -i
  # off callgrind writes a summary that has wrapped below zero)
  if [ "${PROFILE_WHOLE:-0}" = 1 ]; then
    sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$1" | head -1
  else
    sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$1" | head -1
  fi
}
per() { # label n file
  i=$(ir "$3")
  awk -v l="$1" -v n="$2" -v i="$i" 'BEGIN { printf "%-34s %6d %12.0f\n", l, n, (n ? i / n : 0) }'
}
every() { # file: at most MAX lines of it, evenly spread
  awk -v max="$MAX" 'NR == FNR { n++; next } { if (n <= max || int((FNR - 1) * max / n) != int(FNR * max / n)) print }' "$1" "$1"
}

# Request sets, as make bench builds them.
sets="tests/eval/tweets-own.tsv tests/eval/blind/tweets-blind.tsv"
[ -f "$SHARED/eval/cpw-dev.tsv" ] && sets="$SHARED/eval/cpw-dev.tsv $sets"
: >"$DIR/all-bodies.jsonl"
for f in $sets; do
  "$BENCH_PROG" bodies "$f" "$DIR/part.jsonl" >/dev/null
  cat "$DIR/part.jsonl" >>"$DIR/all-bodies.jsonl"
done
every "$DIR/all-bodies.jsonl" >"$DIR/bodies.jsonl"
PQ=tests/eval/public-queries.tsv
"$BENCH_PROG" paths "/api/v1/search?q=" "$PQ" "$DIR/part.txt" >/dev/null
"$BENCH_PROG" paths --typed "/api/v1/search?q=" "$PQ" "$DIR/part2.txt" >/dev/null
cat "$DIR/part.txt" "$DIR/part2.txt" >"$DIR/all.txt"; every "$DIR/all.txt" >"$DIR/p-api.txt"
"$BENCH_PROG" paths "/search?q=" "$PQ" "$DIR/all.txt" >/dev/null; every "$DIR/all.txt" >"$DIR/p-page.txt"
"$BENCH_PROG" paths --typed "/search?q=" "$PQ" "$DIR/all.txt" >/dev/null
sed 's/$/\&fragment=1/' "$DIR/all.txt" >"$DIR/part.txt"; every "$DIR/part.txt" >"$DIR/p-fragment.txt"
find kb/articles -maxdepth 1 -name '*.md' | sort | sed 's|.*/|/help/|; s|\.md$||' >"$DIR/all.txt"
every "$DIR/all.txt" >"$DIR/p-article.txt"
echo /healthz >"$DIR/p-healthz.txt"
rm -f "$DIR/part.jsonl" "$DIR/part.txt" "$DIR/part2.txt" "$DIR/all.txt" "$DIR/all-bodies.jsonl"

# Suggest in process (PROFILE_INPROC=0 skips it).
if [ "${PROFILE_INPROC:-1}" != 0 ] && [ -f "$SHARED/eval/cpw-dev.tsv" ]; then
  valgrind -q --tool=callgrind --toggle-collect=kb_suggest --callgrind-out-file="$DIR/cg.inproc" \
    "$BENCH_PROG" search -r 1 -w 0 cpw "$DIR/kb.sqlite" "$SHARED/eval/cpw-dev.tsv" \
    blind "$DIR/kb.sqlite" tests/eval/blind/tweets-blind.tsv >/dev/null
  n=$(( $(grep -c . "$SHARED/eval/cpw-dev.tsv") - 1 + $(grep -c . tests/eval/blind/tweets-blind.tsv) - 1 ))
  per "kb_suggest in process (cpw+blind)" "$n" "$DIR/cg.inproc"
fi

# Over HTTP, one route per server run.
esc() { sed 's/\\/\\\\/g; s/"/\\"/g'; }
ix="$DIR/kb.sqlite" # the index route() serves
route() { # name paths-file [post]
  case " ${PROFILE_ROUTES:-$1} " in *" $1 "*) ;; *) return 0 ;; esac
  collect=--toggle-collect=S_handler
  [ "${PROFILE_WHOLE:-0}" = 1 ] && collect=--collect-atstart=yes
  # shellcheck disable=SC2086 # (PROFILE_CG_OPTS: options, split on spaces)
  valgrind -q --tool=callgrind "$collect" ${PROFILE_CG_OPTS:-} --callgrind-out-file="$DIR/cg.$1" \
    "$BENCH_BIN/kb-serve" --index "$ix" --listen 127.0.0.1:0 --rate -1 --quiet \
    --public-url http://127.0.0.1 --threads 1 2>"$DIR/serve-$1.log" &
  serve_pid=$!
  port=""
  for _ in $(seq 3000); do
    # (the log may not exist yet: on a loaded machine the child that
    # opens it may not have run; that is "not started yet", not an error)
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$DIR/serve-$1.log" 2>/dev/null || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || die "kb-serve did not start under valgrind"
  if [ "${3:-}" = post ]; then
    esc <"$2" | awk -v u="http://127.0.0.1:$port/api/v1/suggest" '
      NR > 1 { print "next" }
      { print "url = \"" u "\""; print "header = \"Content-Type: application/json\"";
        print "data-binary = \"" $0 "\""; print "output = \"/dev/null\""
        print "write-out = \"%{http_code}\\n\"" }' >"$DIR/req.curl"
  else
    gz=""
    [ "${PROFILE_GZIP:-0}" = 1 ] && gz='\nheader = "Accept-Encoding: gzip"'
    esc <"$2" | sed "s|.*|url = \"http://127.0.0.1:$port&\"\\noutput = \"/dev/null\"$gz|" >"$DIR/req.curl"
  fi
  # the first requests warm the thread up (the index opened, caches
  # filled): the set is sent once, the counters zeroed, then it is sent
  # again and counted
  curl -s -K "$DIR/req.curl" >/dev/null
  callgrind_control -z "$serve_pid" >/dev/null 2>&1 || die "callgrind_control -z failed"
  codes=$(curl -s -w '%{http_code}\n' -K "$DIR/req.curl" | sort | uniq -c | tr -s ' \n' ' ')
  # (the whole process: what its stopping costs, freeing the index, is not
  # a request's)
  [ "${PROFILE_WHOLE:-0}" = 1 ] && { callgrind_control -i off "$serve_pid" >/dev/null 2>&1 || die "callgrind_control -i off failed"; }
  stop_pid "$serve_pid"; serve_pid=""
  n=$(grep -c '^url' "$DIR/req.curl")
  i=$(ir "$DIR/cg.$1")
  awk -v l="$1" -v n="$n" -v i="$i" -v c="$codes" \
    'BEGIN { printf "%-34s %6d %12.0f   (statuses:%s)\n", l, n, i / n, c }'
}
route healthz "$DIR/p-healthz.txt"
route suggest "$DIR/bodies.jsonl" post
if [ -d "$SHARED/eval/cdp/kb" ]; then
  "$BENCH_BIN/kb-index" -q "$SHARED/eval/cdp/kb" -o "$DIR/cdp.sqlite"
  "$BENCH_PROG" bodies "$SHARED/eval/cdp/dev.jsonl" "$DIR/all.jsonl" >/dev/null
  every "$DIR/all.jsonl" >"$DIR/cdp-bodies.jsonl"
  rm -f "$DIR/all.jsonl"
  ix="$DIR/cdp.sqlite"
  route suggest-cdp "$DIR/cdp-bodies.jsonl" post
  ix="$DIR/kb.sqlite"
fi
route search-api "$DIR/p-api.txt"
route search-page "$DIR/p-page.txt"
route fragment "$DIR/p-fragment.txt"
route article "$DIR/p-article.txt"
rm -f "$DIR"/*.curl
