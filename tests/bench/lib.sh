# tests/bench/lib.sh - helpers shared by run.sh and growth.sh (sourced).
# Expects DIR (an absolute directory for output), BENCH_BIN, BENCH_WRK_*.

say() { printf '%s\n' "$*" >&2; }
die() { say "${0##*/}: $*"; exit 1; }

# Processes we start are stopped with stop_pid (run.sh and growth.sh stop
# theirs on exit).
serve_pid=""
nginx_pid=""
stop_pid() { # pid
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  stop_pid "$serve_pid"; serve_pid=""
  stop_pid "$nginx_pid"; nginx_pid=""
}

# Value of key in a "bench: k=v k=v" line.
kv() { # line key
  printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# Builds an index three times; prints the best wall time in seconds.
time_build() { # kb_dir out
  best=""
  for _ in 1 2 3; do
    t0=$(date +%s%N)
    "$BENCH_BIN/kb-index" --quiet "$1" -o "$2" || die "kb-index $1 failed"
    t1=$(date +%s%N)
    t=$((t1 - t0))
    if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
  done
  awk -v ns="$best" 'BEGIN { printf "%.3f\n", ns / 1e9 }'
}

# Waits until something answers HTTP on url (up to 10 s).
wait_http() { # url
  for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  return 1
}

# Runs wrk (a short untimed warm-up, then the measured run); prints the
# script's "bench:" line. The full wrk output goes to $DIR/wrk-NAME.txt.
run_wrk() { # name url [bodies]
  name=$1; url=$2; shift 2
  if [ $# -gt 0 ]; then set -- -- "$@"; fi
  wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_WRK_CONNS" -d"$BENCH_WRK_WARMUP" \
    -s tests/bench/suggest.lua "$url" "$@" >/dev/null 2>&1 || true
  wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_WRK_CONNS" -d"$BENCH_WRK_TIME" --latency \
    -s tests/bench/suggest.lua "$url" "$@" >"$DIR/wrk-$name.txt" 2>&1 ||
    { cat "$DIR/wrk-$name.txt" >&2; die "wrk against $url failed"; }
  line=$(grep '^bench: ' "$DIR/wrk-$name.txt" || true)
  [ -n "$line" ] || { cat "$DIR/wrk-$name.txt" >&2; die "wrk printed no result line"; }
  printf '%s\n' "$line"
}


# Starts kb-serve on index at a free port, with any further arguments
# (--search-cache 0); sets serve_pid and api.
start_serve() { # index log [kb-serve arguments]
  # --rate -1: no per-client limit (the load comes from one address).
  # The log exists before the server starts: the redirection below happens in
  # the child, and under set -e a sed on a missing file ends the whole run.
  : >"$2"
  _ss_ix=$1; _ss_log=$2; shift 2
  "$BENCH_BIN/kb-serve" --index "$_ss_ix" --listen 127.0.0.1:0 --rate -1 --quiet "$@" 2>"$_ss_log" &
  serve_pid=$!
  port=""
  for _ in $(seq 600); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$_ss_log")
    [ -n "$port" ] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$_ss_log" >&2; die "kb-serve did not start"; }
  api="http://127.0.0.1:$port"
}

# The search cache's hits and misses so far on the server at $api
# (/metrics), as "hits misses".
cache_counts() {
  curl -s "$api/metrics" | awk '/^kb_search_cache_hits_total / { h = $2 }
    /^kb_search_cache_misses_total / { m = $2 } END { printf "%d %d\n", h, m }'
}
