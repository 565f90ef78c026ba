#!/bin/sh
# tests/bench/pinned.sh - make bench's routes with the server and the load
# generator on a core each (docs/benchmarks.md, thirty-first session).
#
# make bench runs wrk and the server on the same two cores, so a route's
# requests per second carry the client's cost too (12-19 us a request
# here), the same for every route: a cheap route's ratio to a dear one is
# pulled towards 1. Here the server (kb-serve --threads 1; nginx with one
# worker) runs on CPU 1 only (taskset -c 1) and wrk (one thread) on CPU 0
# only, so a route's req/s is what one core of server does, as long as the
# server's core is the one that is full. Each row says how busy the server's
# core was over the measured run (its CPU time from /proc over the run's
# length): a row well under 100 % was limited by the client, not the server
# (its req/s is a floor of the server's, and a ratio against it is not the
# server's ratio).
#
# Routes, with make bench's request sets: GET /healthz, suggest with the
# retailer tweets on kb/, the search API and the fragment on kb/ with
# --search-cache 0, suggest with the CDP tweets on the CDP collection, and
# nginx serving a 1,400-byte suggest response (the HTTP floor).
# The machine is shared and noisy (a row's core is at times taken by
# something else: its server % falls while wrk is idle too), so every route
# runs PINNED_ROUNDS times (default 3), the routes in turn, and the table
# shows each route's median run by req/s. PINNED_TIME (default 10s),
# PINNED_CONNS (32). Needs two cores or more,
# taskset (util-linux), wrk, nginx, curl (sh .ci/deps.sh bench) and the
# programs make bench builds. Output under build/pinned/; 127.0.0.1 only.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
BENCH_PROG=${BENCH_PROG:-build/release/bench/bench_suggest}
BENCH_BIN=${BENCH_BIN:-bin}
SHARED=${SHARED:-../shared}
BENCH_WRK_THREADS=1
BENCH_WRK_CONNS=${PINNED_CONNS:-32}
BENCH_WRK_TIME=${PINNED_TIME:-10s}
BENCH_WRK_WARMUP=2s
BENCH_STATIC_BYTES=${BENCH_STATIC_BYTES:-1400}
ROUNDS=${PINNED_ROUNDS:-3}
[ "$(nproc)" -ge 2 ] || die "needs two cores (has $(nproc))"
command -v taskset >/dev/null 2>&1 || die "taskset (util-linux) is missing"
command -v wrk >/dev/null 2>&1 || die "wrk is missing; run 'sh .ci/deps.sh bench'"
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } ||
  die "nginx is missing; run 'sh .ci/deps.sh bench'"
for p in "$BENCH_PROG" "$BENCH_BIN/kb-index" "$BENCH_BIN/kb-serve"; do
  [ -x "$p" ] || die "$p is missing; run 'make bench'"
done
mkdir -p build/pinned
DIR=$(cd build/pinned && pwd)
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
PIN_SERVER="taskset -c 1"
PIN_CLIENT="taskset -c 0"

"$BENCH_BIN/kb-index" --quiet kb -o "$DIR/kb.sqlite" || die "kb-index kb failed"
route_sets "$DIR" "$SHARED"

rows="$DIR/rows.txt"; : >"$rows"
row() { printf '%s\t%s\n' "$1" "$2" >>"$rows"; }

if [ $have_cdp = 1 ]; then
  "$BENCH_BIN/kb-index" --quiet "$SHARED/eval/cdp/kb" -o "$DIR/cdp.sqlite" || die "kb-index cdp failed"
fi

# the nginx floor's body: a real suggest response, padded or cut
start_serve "$DIR/kb.sqlite" "$DIR/serve-kb.log" --threads 1
head -1 "$DIR/suggest.set" | tr -d '\n' | curl -s -o "$DIR/resp.json" -H 'Content-Type: application/json' \
  --data-binary @- "$api/api/v1/suggest" || die "suggest failed"
stop_pid "$serve_pid"; serve_pid=""
rm -rf "$DIR/nginx"; mkdir -p "$DIR/nginx/www"
{ cat "$DIR/resp.json"; awk -v n="$BENCH_STATIC_BYTES" 'BEGIN { while (n-- > 0) printf " " }'; } |
  head -c "$BENCH_STATIC_BYTES" >"$DIR/nginx/www/suggest.json"

round=0
while [ $round -lt "$ROUNDS" ]; do
  round=$((round + 1))
  say "pinned.sh: round $round of $ROUNDS"
  start_serve "$DIR/kb.sqlite" "$DIR/serve-kb.log" --threads 1 --search-cache 0
  CPU_PID=$serve_pid
  row "GET /healthz" "$(run_wrk p-healthz "$api/" "$DIR/healthz.set" get)"
  row "suggest, retailer tweets (kb/)" "$(run_wrk p-suggest "$api/" "$DIR/suggest.set")"
  row "search API, no cache (kb/)" "$(run_wrk p-search-api "$api/" "$DIR/search-api.set" get)"
  row "fragment, no cache (kb/)" "$(run_wrk p-fragment "$api/" "$DIR/fragment.set" get)"
  stop_pid "$serve_pid"; serve_pid=""
  if [ $have_cdp = 1 ]; then
    start_serve "$DIR/cdp.sqlite" "$DIR/serve-cdp.log" --threads 1
    CPU_PID=$serve_pid
    row "suggest, cdp tweets (cdp)" "$(run_wrk p-suggest-cdp "$api/" "$DIR/suggest-cdp.set")"
    stop_pid "$serve_pid"; serve_pid=""
  fi
  NGINX_WORKERS=1 start_nginx "$DIR/nginx"
  # its one worker: the master's child (no pgrep on a fresh machine)
  CPU_PID=$(awk -v p="$nginx_pid" '$4 == p { print $1 }' /proc/[0-9]*/stat 2>/dev/null | head -1)
  [ -n "$CPU_PID" ] || die "nginx's worker not found"
  row "nginx static" "$(run_wrk p-nginx "http://127.0.0.1:$nport/suggest.json")"
  stop_pid "$nginx_pid"; nginx_pid=""
done

tab="$(printf '\t')"
# a route's median run by req/s
get() { grep -F "$1$tab" "$rows" | cut -f2 | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) print substr($i, 5) "\t" $0 }' |
  sort -n | awk -F '\t' '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }'; }
# the ratios are of capacity: requests a second one core of server does,
# 1e6 / its cpu us a request (the req/s of a row whose core was full)
n_cpu=$(kv "$(get "nginx static")" cpu_us)
h_cpu=$(kv "$(get "GET /healthz")" cpu_us)
s_cpu=$(kv "$(get "suggest, retailer tweets (kb/)")" cpu_us)
echo
echo "bench (pinned): $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "server on CPU 1 (kb-serve --threads 1; nginx 1 worker), wrk -t1 -c$BENCH_WRK_CONNS -d$BENCH_WRK_TIME on CPU 0"
printf '%-34s %9s %8s %8s %10s %9s %10s %8s %9s %9s\n' target "req/s" "p50 ms" "p99 ms" "cpu us/req" "server %" "capacity" "x nginx" "x healthz" "x suggest"
cut -f1 "$rows" | awk '!seen[$0]++' | while IFS= read -r what; do
  line=$(get "$what")
  rps=$(kv "$line" rps); cpu=$(kv "$line" cpu_us)
  awk -v w="$what" -v r="$rps" -v c="$cpu" -v p50="$(kv "$line" p50_us)" -v p99="$(kv "$line" p99_us)" \
    -v n="$n_cpu" -v h="$h_cpu" -v s="$s_cpu" 'BEGIN {
      printf "%-34s %9.0f %8.2f %8.2f %10.1f %8.0f%% %10.0f %8.2f %9.2f %9.2f\n", w, r, p50 / 1000, p99 / 1000, c,
        c * r / 1e4, (c > 0 ? 1e6 / c : 0), (c > 0 ? n / c : 0), (c > 0 ? h / c : 0), (c > 0 ? s / c : 0) }'
done
echo "the median of $ROUNDS runs by req/s (every run: $DIR/rows.txt)."
echo "server %: the server's core busy over the run (cpu us/req x req/s); well under 100 %, something"
echo "else had the core or the client (one wrk thread on the other core) was the limit, and the row's"
echo "req/s is a floor of the server's. capacity: 1e6 / cpu us a request, the req/s of one full core;"
echo "x nginx, x healthz, x suggest are ratios of capacity (of server CPU a request), which a busy"
echo "machine moves far less than req/s."
