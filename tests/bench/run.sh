#!/bin/sh
# tests/bench/run.sh - the body of `make bench` (docs/benchmarks.md).
#
# Expects the programs built (make bench builds them and installs wrk,
# nginx-light and curl through .ci/deps.sh bench), then:
#   1. builds the indexes of kb/ and ../shared/eval/cdp/kb with kb-index,
#      timing each build (best of 3);
#   2. times kb_index_search() in process (bench_suggest search) for the cpw
#      queries against kb/ and the cdp tweets against the cdp kb;
#   3. the product's own workload first: kb-serve on kb/'s index, loaded
#      with wrk (tests/bench/suggest.lua) on GET /healthz, POST
#      /api/v1/suggest with the retailer tweets (cpw-dev and our own sets),
#      the public search API with public queries and their prefixes as
#      typed, the search page, the search-as-you-type fragment and the
#      article pages;
#      (the server's default search cache on: the search rows also print
#      its hit ratio; then the search API, page and fragment again on a
#      server started with --search-cache 0, printed beside them. The
#      request sets cycle, so a cache that holds a whole set, a few hundred
#      to a thousand paths, answers every request after the first pass:
#      the "no cache" rows are the search's own cost. The API's typed
#      searches and the fragment's are the same searches (same options:
#      ten hits, the site's language, the last word a prefix), so the
#      fragment row, run after the API's, finds them cached);
#   3b. then kb-serve with the cdp index, POST /api/v1/suggest cycling
#      through the cdp tweets;
#   4. starts nginx (unprivileged, foreground, config under $BENCH_DIR) serving
#      a real suggest response padded or cut to $BENCH_STATIC_BYTES and loads
#      it the same way: the HTTP floor on this machine;
#   5. prints one table: every row beside nginx static and beside
#      kb-serve's own /healthz, measured in the same run.
# Everything it writes is under $BENCH_DIR (build/bench); it listens on
# 127.0.0.1 only, and stops what it started when it exits. Without ../shared
# it says so, skips the dataset parts (2, and 3 uses one fixed mention against
# kb/) and exits 0.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh

BENCH_PROG=${BENCH_PROG:-build/release/bench/bench_suggest}
BENCH_BIN=${BENCH_BIN:-bin}
BENCH_DIR=${BENCH_DIR:-build/bench}
BENCH_SHARED=${BENCH_SHARED:-../shared}
BENCH_ROUNDS=${BENCH_ROUNDS:-20}
BENCH_WARMUP=${BENCH_WARMUP:-2}
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
BENCH_WRK_CONNS=${BENCH_WRK_CONNS:-32}
BENCH_WRK_TIME=${BENCH_WRK_TIME:-10s}
BENCH_WRK_WARMUP=${BENCH_WRK_WARMUP:-2s}
BENCH_STATIC_BYTES=${BENCH_STATIC_BYTES:-1400}

case "$BENCH_DIR" in
  build/*) ;;
  *) echo "run.sh: BENCH_DIR must be under build/ (is '$BENCH_DIR')" >&2; exit 64 ;;
esac

for p in "$BENCH_PROG" "$BENCH_BIN/kb-index" "$BENCH_BIN/kb-serve"; do
  [ -x "$p" ] || die "$p is missing; run 'make bench'"
done
command -v wrk >/dev/null 2>&1 || die "wrk is missing; run 'sh .ci/deps.sh bench'"
command -v curl >/dev/null 2>&1 || die "curl is missing; run 'sh .ci/deps.sh bench'"
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } ||
  die "nginx is missing; run 'sh .ci/deps.sh bench'"

mkdir -p "$BENCH_DIR"
DIR=$(cd "$BENCH_DIR" && pwd)
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- The machine ------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
machine="$cpu, $(nproc) cores, $mem, Linux $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')"
say "bench: $machine"

# --- Datasets ---------------------------------------------------------------
have_shared=1
CPW=$BENCH_SHARED/eval/cpw-dev.tsv
CDP=$BENCH_SHARED/eval/cdp
if [ ! -f "$CPW" ] || [ ! -f "$CDP/dev.jsonl" ] || [ ! -d "$CDP/kb" ]; then
  have_shared=0
  say "run.sh: $BENCH_SHARED/eval (cpw-dev.tsv, cdp/dev.jsonl, cdp/kb) is missing:"
  say "        skipping the in-process timings and the cdp index; the HTTP load uses"
  say "        one fixed mention against kb/ instead of the cdp tweets."
fi

# --- 1. Index builds --------------------------------------------------------
say "bench: building the indexes (best of 3)"
t_kb=$(time_build kb "$DIR/kb.sqlite")
t_cdp="skipped"
if [ $have_shared = 1 ]; then
  t_cdp="$(time_build "$CDP/kb" "$DIR/cdp.sqlite") s"
fi

# --- 2. In-process search ---------------------------------------------------
inproc="$DIR/inproc.txt"
if [ $have_shared = 1 ]; then
  say "bench: timing kb_index_search() in process ($BENCH_ROUNDS rounds after $BENCH_WARMUP warm-up)"
  "$BENCH_PROG" search -r "$BENCH_ROUNDS" -w "$BENCH_WARMUP" \
    cpw "$DIR/kb.sqlite" "$CPW" \
    cdp "$DIR/cdp.sqlite" "$CDP/dev.jsonl" >"$inproc" || die "bench_suggest search failed"
else
  : >"$inproc"
fi

# --- 3. The product's own workload: kb-serve on kb/ -----------------------
# One row per route: "label<TAB>bench line" in $rows.
rows="$DIR/rows.txt"; : >"$rows"
row() { printf '%s\t%s\n' "$1" "$2" >>"$rows"; }
check_alive() {
  if ! kill -0 "$serve_pid" 2>/dev/null; then
    wait "$serve_pid" 2>/dev/null && rc=0 || rc=$?
    serve_pid=""
    say "run.sh: kb-serve DIED under load (exit status $rc); its log:"
    tail -20 "$1" >&2
    exit 1
  fi
}
# Request sets: the retailer tweets as suggest bodies; public queries as
# submitted and as typed; every article page.
own_sets="tests/eval/tweets-own.tsv tests/eval/blind/tweets-blind.tsv"
[ $have_shared = 1 ] && own_sets="$CPW $own_sets"
: >"$DIR/kb-bodies.jsonl"
for f in $own_sets; do
  "$BENCH_PROG" bodies "$f" "$DIR/part.jsonl" || die "bench_suggest bodies $f failed"
  cat "$DIR/part.jsonl" >>"$DIR/kb-bodies.jsonl"
done
PQ=tests/eval/public-queries.tsv
"$BENCH_PROG" paths "/api/v1/search?q=" "$PQ" "$DIR/p-api-whole.txt" || die "bench_suggest paths failed"
"$BENCH_PROG" paths --typed "/api/v1/search?q=" "$PQ" "$DIR/p-api-typed.txt" || die "bench_suggest paths failed"
cat "$DIR/p-api-whole.txt" "$DIR/p-api-typed.txt" >"$DIR/p-api.txt"
"$BENCH_PROG" paths "/search?q=" "$PQ" "$DIR/p-page.txt" || die "bench_suggest paths failed"
"$BENCH_PROG" paths --typed "/search?q=" "$PQ" "$DIR/p-typed.txt" || die "bench_suggest paths failed"
sed 's/$/\&fragment=1/' "$DIR/p-typed.txt" >"$DIR/p-fragment.txt"
find kb/articles -maxdepth 1 -name '*.md' | sort | sed 's|.*/|/help/|; s|\.md$||' >"$DIR/p-article.txt"
echo /healthz >"$DIR/p-healthz.txt"

start_serve "$DIR/kb.sqlite" "$DIR/serve-kb.log"
CPU_PID=$serve_pid # run_wrk's cpu_us: the server's own CPU a request
for f in p-api p-page p-fragment p-article; do # every path answers 200 before it is timed
  bad=$(head -40 "$DIR/$f.txt" | while IFS= read -r path; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$api$path"); [ "$code" = 200 ] || echo "$code $path"; done)
  [ -z "$bad" ] || die "kb-serve did not answer 200: $bad"
done
kb_suggest_label="suggest, retailer tweets (kb/)"
say "bench: the product's own workload on kb/ ($(wc -l <"$DIR/kb-bodies.jsonl") tweets, $(wc -l <"$DIR/p-api.txt") search paths)"
row "GET /healthz" "$(run_wrk kb-healthz "$api/" "$DIR/p-healthz.txt" get)"
row "$kb_suggest_label" "$(run_wrk kb-suggest "$api/" "$DIR/kb-bodies.jsonl")"
# A search row: the route with the default search cache, its hit ratio
# over the run (warm-up included) from /metrics before and after.
: >"$DIR/cache.txt"
cached_row() { # label name paths
  before=$(cache_counts)
  line=$(run_wrk "$2" "$api/" "$3" get)
  row "$1" "$line"
  after=$(cache_counts)
  printf '%s\t%s %s\t%s\n' "$1" "$before" "$after" "$(wc -l <"$3")" >>"$DIR/cache.txt"
}
cached_row "search API, public queries+typed (kb/)" kb-search-api "$DIR/p-api.txt"
cached_row "search page, public queries (kb/)" kb-search-page "$DIR/p-page.txt"
cached_row "search as you type, fragment (kb/)" kb-fragment "$DIR/p-fragment.txt"
row "article page (kb/)" "$(run_wrk kb-article "$api/" "$DIR/p-article.txt" get)"
check_alive "$DIR/serve-kb.log"
stop_pid "$serve_pid"; serve_pid=""

# The same search routes with no search cache (--search-cache 0): the
# search's own cost, printed under each cached row.
rows_off="$DIR/rows-nocache.txt"; : >"$rows_off"
start_serve "$DIR/kb.sqlite" "$DIR/serve-kb-nocache.log" --search-cache 0
CPU_PID=$serve_pid
say "bench: the search routes again with --search-cache 0"
for r in "search API, public queries+typed (kb/)|kb-search-api-nocache|p-api" \
  "search page, public queries (kb/)|kb-search-page-nocache|p-page" \
  "search as you type, fragment (kb/)|kb-fragment-nocache|p-fragment"; do
  label=${r%%|*}; rest=${r#*|}
  printf '%s\t%s\n' "$label" "$(run_wrk "${rest%%|*}" "$api/" "$DIR/${rest#*|}.txt" get)" >>"$rows_off"
done
[ "$(cache_counts)" = "0 0" ] || die "kb-serve --search-cache 0 counted cache hits or misses"
check_alive "$DIR/serve-kb-nocache.log"
stop_pid "$serve_pid"; serve_pid=""

# --- 3b. Suggest on the cdp collection ------------------------------------
bodies="$DIR/bodies.jsonl"
if [ $have_shared = 1 ]; then
  index="$DIR/cdp.sqlite"; label="suggest, cdp tweets (cdp)"
  "$BENCH_PROG" bodies "$CDP/dev.jsonl" "$bodies" || die "bench_suggest bodies failed"
else
  index="$DIR/kb.sqlite"; label="suggest, one mention (kb/)"
  printf '%s\n' '{"text":"@PhoneRetailer my screen is cracked, can you fix it in Leeds?","limit":3}' >"$bodies"
fi
start_serve "$index" "$DIR/serve.log"
CPU_PID=$serve_pid

# A real response for the nginx floor: of the first 50 bodies, the one whose
# response is nearest in size to BENCH_STATIC_BYTES; also the median size.
n=0; : >"$DIR/sizes.txt"
while IFS= read -r body && [ $n -lt 50 ]; do
  n=$((n + 1))
  code=$(printf '%s' "$body" | curl -s -o "$DIR/resp-$n.json" -w '%{http_code}' \
    -H 'Content-Type: application/json' --data-binary @- "$api/api/v1/suggest") || code=000
  [ "$code" = 200 ] || die "suggest answered $code to: $body"
  echo "$(wc -c <"$DIR/resp-$n.json") $n" >>"$DIR/sizes.txt"
done <"$bodies"
resp_median=$(sort -n "$DIR/sizes.txt" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
pick=$(awk -v t="$BENCH_STATIC_BYTES" '{ d = $1 - t; if (d < 0) d = -d; if (!s || d < bd) { bd = d; b = $2; s = 1 } } END { print b }' "$DIR/sizes.txt")
rm -rf "$DIR/nginx"
mkdir -p "$DIR/nginx/www"
static="$DIR/nginx/www/suggest.json"
{ cat "$DIR/resp-$pick.json"; awk -v n="$BENCH_STATIC_BYTES" 'BEGIN { while (n-- > 0) printf " " }'; } |
  head -c "$BENCH_STATIC_BYTES" >"$static"
rm -f "$DIR"/resp-*.json

say "bench: wrk -t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNS -d$BENCH_WRK_TIME POST $api/api/v1/suggest"
s_line=$(run_wrk suggest "$api/" "$bodies")
row "$label" "$s_line"
curl -s -o "$DIR/metrics.txt" "$api/metrics" || true
check_alive "$DIR/serve.log"
stop_pid "$serve_pid"; serve_pid=""

# --- 4. nginx floor ---------------------------------------------------------
CPU_PID="" # (nginx's workers are other processes: no cpu_us)
start_nginx "$DIR/nginx"
got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$nport/suggest.json")
[ "$got" = "200 $BENCH_STATIC_BYTES" ] || die "nginx answered '$got' for suggest.json"

say "bench: wrk -t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNS -d$BENCH_WRK_TIME GET http://127.0.0.1:$nport/suggest.json (nginx)"
n_line=$(run_wrk nginx "http://127.0.0.1:$nport/suggest.json")
stop_pid "$nginx_pid"; nginx_pid=""

# --- 5. Tables --------------------------------------------------------------
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
errs() { # line: non-2xx / socket errors
  printf '%s/%s' "$(kv "$1" non2xx)" \
    "$(($(kv "$1" connect) + $(kv "$1" read) + $(kv "$1" write) + $(kv "$1" timeout)))"
}
row "nginx static" "$n_line"
n_rps=$(kv "$n_line" rps)
h_rps=$(kv "$(grep '^GET /healthz' "$rows" | cut -f2)" rps)
s_rps=$(kv "$s_line" rps)
ratio=$(awk -v a="$s_rps" -v b="$n_rps" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }')

echo
echo "bench: $machine"
echo
echo "HTTP load: wrk -t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNS -d$BENCH_WRK_TIME --latency, 127.0.0.1, client and server on the same cores"
printf '%-40s %9s %8s %8s %8s %14s %8s %9s %10s\n' target "req/s" "p50 ms" "p90 ms" "p99 ms" "non-2xx/socket" "x nginx" "x healthz" "cpu us/req"
table_row() { # label line
  rps=$(kv "$2" rps)
  cpu=$(kv "$2" cpu_us)
  printf '%-40s %9.0f %8s %8s %8s %14s %8s %9s %10s\n' "$1" "$rps" "$(ms "$(kv "$2" p50_us)")" \
    "$(ms "$(kv "$2" p90_us)")" "$(ms "$(kv "$2" p99_us)")" "$(errs "$2")" \
    "$(awk -v a="$rps" -v b="$n_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
    "$(awk -v a="$rps" -v b="$h_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "${cpu:--}"
}
tab="$(printf '\t')"
while IFS="$tab" read -r what line; do
  table_row "$what" "$line"
  # its twin with no search cache, right under it
  off=$(grep -F "$what$tab" "$rows_off" | head -1 | cut -f2)
  [ -z "$off" ] || table_row "  the same, --search-cache 0" "$off"
done <"$rows"
echo "cpu us/req: kb-serve's own CPU time (user + system, /proc) per request over the measured run; wrk's"
echo "share of the same two cores is not in it, so its ratios are the server's work alone (req/s ratios"
echo "also carry the client's cost, the same for every route)."
sug_cpu=$(kv "$(grep -F "$kb_suggest_label$tab" "$rows" | cut -f2)" cpu_us)
frag_cpu=$(kv "$(grep -F "search as you type, fragment (kb/)$tab" "$rows_off" | cut -f2)" cpu_us)
if [ -n "$sug_cpu" ] && [ -n "$frag_cpu" ]; then
  awk -v s="$sug_cpu" -v f="$frag_cpu" 'BEGIN { if (f > 0) printf "suggest (kb/) / fragment with --search-cache 0, in server CPU a request: %.2fx\n", s / f }'
fi
echo "Search cache (the default, 4 MiB per worker thread): hits over each cached row's run, warm-up"
echo "included, from /metrics. The request sets cycle: a cache holding a whole set answers every"
echo "request after its first pass, which real traffic (a few prefixes typed often, a long tail"
echo "once) does not; '--search-cache 0' is the search's own cost. The fragment's searches are the"
echo "API's typed ones (same options): the fragment row, run after the API's, finds them cached."
while IFS="$tab" read -r what counts paths; do
  echo "$counts" | awk -v w="$what" -v p="$paths" '{ h = $3 - $1; m = $4 - $2;
    printf "  %-40s %5.1f %% hits (%d of %d searches; %d paths cycled)\n", w, (h + m ? 100 * h / (h + m) : 0), h, h + m, p }'
done <"$DIR/cache.txt"
echo "$label / nginx: $ratio % of the floor's req/s (static body $BENCH_STATIC_BYTES bytes; suggest responses: median $resp_median bytes of the first $n)"
echo
if [ $have_shared = 1 ]; then
  echo "In process: the search as suggest runs it (kb_index_search, kb_results_snippets), one thread, microseconds"
  cat "$inproc"
  echo
fi
echo "Index build (kb-index, wall time, best of 3): kb/ $t_kb s; cdp kb $t_cdp"
echo
echo "Raw output: $BENCH_DIR/ (wrk-*.txt, inproc.txt, metrics.txt). Paste the figures into docs/benchmarks.md."
