#!/bin/sh
# tests/bench/ab.sh A B - two builds over HTTP in the same run, alternated
# (docs/benchmarks.md, twelfth session).
#
#   A and B are directories holding kb-serve and kb-index (e.g. a copy of
#   main's bin/ and this tree's bin/). Each builds its own index of kb/
#   (and of ../shared/eval/cdp/kb); then, AB_ROUNDS times, for each route,
#   A's kb-serve and B's are loaded in turn with the wrk command make bench
#   uses (tests/bench/suggest.lua, AB_WRK_TIME after a 1 s warm-up), the
#   order reversed every other round so a drift of the machine's speed
#   during the run favours neither. Per run: req/s, p99 and the server's
#   CPU per request (user and system time of the process from /proc, so
#   the client's share of the two cores is not in it).
#   Prints every run, then per route the medians and B/A.
#
# AB_ROUTES (default "suggest suggest-cdp"): healthz suggest suggest-cdp
#   search-api search-page fragment article, the request sets of make bench.
# AB_ROUNDS (default 3), AB_WRK_TIME (default 5s), AB_WRK_THREADS (2),
# AB_WRK_CONNS (32). Output under build/ab/. Listens on 127.0.0.1 only.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
[ $# = 2 ] || die "usage: tests/bench/ab.sh A_BINDIR B_BINDIR"
for d in "$1" "$2"; do
  [ -x "$d/kb-serve" ] && [ -x "$d/kb-index" ] || die "$d: no kb-serve or kb-index"
done
A=$(cd "$1" && pwd); B=$(cd "$2" && pwd)
BENCH_PROG=${BENCH_PROG:-build/release/bench/bench_suggest}
SHARED=${SHARED:-../shared}
ROUNDS=${AB_ROUNDS:-3}
ROUTES=${AB_ROUTES:-suggest suggest-cdp}
BENCH_WRK_THREADS=${AB_WRK_THREADS:-2}
BENCH_WRK_CONNS=${AB_WRK_CONNS:-32}
BENCH_WRK_TIME=${AB_WRK_TIME:-5s}
BENCH_WRK_WARMUP=1s
[ -x "$BENCH_PROG" ] || die "$BENCH_PROG is missing (make $BENCH_PROG)"
command -v wrk >/dev/null 2>&1 || die "wrk is missing; run 'sh .ci/deps.sh bench'"
mkdir -p build/ab
DIR=$(cd build/ab && pwd)
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Request sets, as run.sh builds them.
route_sets "$DIR" "$SHARED"

# Each build's own indexes (the index format may differ between them).
for s in A B; do
  eval "bin=\$$s"
  "$bin/kb-index" -q kb -o "$DIR/$s-kb.sqlite" || die "$bin/kb-index kb failed"
  if [ $have_cdp = 1 ]; then
    "$bin/kb-index" -q "$SHARED/eval/cdp/kb" -o "$DIR/$s-cdp.sqlite" || die "$bin/kb-index cdp failed"
  fi
done

one() { # side route: one measured run; appends "route side rps p99_us cpu_us" to runs
  s=$1; r=$2
  eval "BENCH_BIN=\$$s"
  ix="$DIR/$s-kb.sqlite"; mode=get
  case $r in
    suggest) mode=post ;;
    suggest-cdp) ix="$DIR/$s-cdp.sqlite"; mode=post ;;
  esac
  start_serve "$ix" "$DIR/serve-$s.log"
  if [ $mode = post ]; then set -- "$DIR/$r.set"; else set -- "$DIR/$r.set" get; fi
  wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_WRK_CONNS" -d"$BENCH_WRK_WARMUP" \
    -s tests/bench/suggest.lua "$api/" -- "$@" >/dev/null 2>&1 || true
  t0=$(cpu_ticks "$serve_pid")
  wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_WRK_CONNS" -d"$BENCH_WRK_TIME" --latency \
    -s tests/bench/suggest.lua "$api/" -- "$@" >"$DIR/wrk.txt" 2>&1 || { cat "$DIR/wrk.txt" >&2; die "wrk failed"; }
  t1=$(cpu_ticks "$serve_pid")
  stop_pid "$serve_pid"; serve_pid=""
  line=$(grep '^bench: ' "$DIR/wrk.txt") || die "wrk printed no result line"
  [ "$(kv "$line" non2xx)" = 0 ] || die "$s $r: $(kv "$line" non2xx) answers were not 2xx"
  n=$(kv "$line" requests)
  tck=$(getconf CLK_TCK)
  awk -v r="$r" -v s="$s" -v rps="$(kv "$line" rps)" -v p99="$(kv "$line" p99_us)" \
    -v c="$((t1 - t0))" -v n="$n" -v tck="$tck" \
    'BEGIN { printf "%-12s %s %9.0f %8.2f %8.1f\n", r, s, rps, p99 / 1000, c * 1e6 / tck / n }' >>"$DIR/runs.txt"
  tail -1 "$DIR/runs.txt" >&2
}

: >"$DIR/runs.txt"
say "ab.sh: A=$A B=$B, $ROUNDS rounds of: $ROUTES ($(uptime | sed 's/.*load/load/'))"
say "route        side   req/s   p99 ms   cpu us/req"
i=0
while [ $i -lt "$ROUNDS" ]; do
  i=$((i + 1))
  for r in $ROUTES; do
    [ "$r" = suggest-cdp ] && [ $have_cdp = 0 ] && continue
    if [ $((i % 2)) = 1 ]; then one A "$r"; one B "$r"; else one B "$r"; one A "$r"; fi
  done
done
say "ab.sh: done ($(uptime | sed 's/.*load/load/'))"

echo
echo "medians of $ROUNDS runs each (wrk -t$BENCH_WRK_THREADS -c$BENCH_WRK_CONNS -d$BENCH_WRK_TIME); B/A: req/s and CPU per request"
printf '%-12s %9s %9s %7s %10s %10s %7s\n' route "A req/s" "B req/s" "B/A" "A cpu us" "B cpu us" "B/A"
med() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for r in $ROUTES; do
  grep -q "^$r " "$DIR/runs.txt" || continue
  ar=$(awk -v r="$r" '$1 == r && $2 == "A" { print $3 }' "$DIR/runs.txt" | med)
  br=$(awk -v r="$r" '$1 == r && $2 == "B" { print $3 }' "$DIR/runs.txt" | med)
  ac=$(awk -v r="$r" '$1 == r && $2 == "A" { print $5 }' "$DIR/runs.txt" | med)
  bc=$(awk -v r="$r" '$1 == r && $2 == "B" { print $5 }' "$DIR/runs.txt" | med)
  awk -v r="$r" -v ar="$ar" -v br="$br" -v ac="$ac" -v bc="$bc" \
    'BEGIN { printf "%-12s %9.0f %9.0f %7.3f %10.1f %10.1f %7.3f\n", r, ar, br, br / ar, ac, bc, bc / ac }'
done
