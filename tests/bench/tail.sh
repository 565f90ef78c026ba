#!/bin/sh
# tests/bench/tail.sh [BINDIR] - where the p99 of a kb/ suggest under make
# bench's load comes from (issue #23), in one command.
#
#   Builds BINDIR's (default bin) index of kb/ and the retailer tweets'
#   suggest bodies as run.sh does, starts nginx on a static copy of a
#   suggest response as run.sh does, and kb-serve in each configuration of
#   TAIL_CONFIGS. Then TAIL_ROUNDS rounds: in each, every configuration and
#   nginx are loaded in turn with make bench's wrk command (-t2 -c32,
#   tests/bench/suggest.lua, TAIL_TIME after a 1 s warm-up), the order
#   rotated every round so a drift of the machine favours none. Per run:
#     req/s, p50 and p99 (wrk --latency), the server's own handler time
#     (kb_request_duration_seconds: the share of the run's requests over
#     1 ms from request line to answer queued: the handler's tail), and
#     where the two cores went during the run, in % of both: the server
#     (its threads, from /proc), wrk (/usr/bin/time), everything else on
#     the machine (/proc/stat busy minus those two: the other tenants)
#     and steal (the hypervisor).
#   Then per configuration the median p99 and its spread, and the same
#   split by the others' share (under TAIL_QUIET %: a quiet machine).
#   As root with perf: one more run per configuration under perf sched
#   record (2 s), printing the CPU by scheduler group (autogroup: one per
#   session) and the run-queue delays of the server's threads and wrk's.
#
# TAIL_CONFIGS (default "default hog"): words of NAME[:kb-serve options with
#   commas for spaces], e.g. "default t8:--threads,8"; a NAME starting with
#   "setsid" runs that kb-serve in a session (autogroup) of its own, one
#   starting with "hog" is loaded beside a busy loop in a session of its own.
# TAIL_ROUNDS (8), TAIL_TIME (6s), TAIL_QUIET (15), TAIL_PERF (1 as root).
# Output under build/tail/. Listens on 127.0.0.1 only.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
BIN=$(cd "${1:-bin}" && pwd)
[ -x "$BIN/kb-serve" ] && [ -x "$BIN/kb-index" ] || die "$BIN: no kb-serve or kb-index"
BENCH_PROG=${BENCH_PROG:-build/release/bench/bench_suggest}
SHARED=${SHARED:-../shared}
ROUNDS=${TAIL_ROUNDS:-8}
TIME=${TAIL_TIME:-6s}
QUIET=${TAIL_QUIET:-15}
CONFIGS=${TAIL_CONFIGS:-default hog}
PERF=0
[ "$(id -u)" = 0 ] && command -v perf >/dev/null 2>&1 && PERF=${TAIL_PERF:-1}
[ -x "$BENCH_PROG" ] || die "$BENCH_PROG is missing (make $BENCH_PROG)"
command -v wrk >/dev/null 2>&1 || die "wrk is missing; run 'sh .ci/deps.sh bench'"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing"
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } ||
  die "nginx is missing; run 'sh .ci/deps.sh bench'"
mkdir -p build/tail
DIR=$(cd build/tail && pwd)
pids=""
stop_all() { hog_off; for p in $pids; do stop_pid "$p"; done; pids=""; cleanup; }
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The request set and index, as run.sh builds them.
suggest_bodies "$DIR/bodies.jsonl" "$SHARED/eval/cpw-dev.tsv"
"$BIN/kb-index" -q kb -o "$DIR/kb.sqlite" || die "kb-index kb failed"

# kb-serve, one per configuration, all running throughout (idle but for
# their watcher threads while another is loaded).
names=""
for c in $CONFIGS; do
  name=${c%%:*}
  opts=""; case $c in *:*) opts=$(printf '%s' "${c#*:}" | tr ',' ' ') ;; esac
  pre=""; case $name in setsid*) pre="setsid" ;; esac
  : >"$DIR/serve-$name.log"
  # shellcheck disable=SC2086 # opts are words
  $pre "$BIN/kb-serve" --index "$DIR/kb.sqlite" --listen 127.0.0.1:0 --rate -1 --quiet $opts \
    2>"$DIR/serve-$name.log" &
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$DIR/serve-$name.log")
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$DIR/serve-$name.log" >&2; die "kb-serve $name did not start"; }
  # setsid forks when it leads a process group: the server is the one listening
  spid=$(ss -Htlnp "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
  [ -n "$spid" ] || die "no process listens on $port"
  pids="$pids $spid"
  eval "port_$name=$port; pid_$name=$spid"
  names="$names $name"
done

# nginx on a real response (the first body's), as run.sh's floor (lib.sh's start_nginx).
ng="$DIR/nginx"
rm -rf "$ng"; mkdir -p "$ng/www" "$ng/tmp"
# shellcheck disable=SC2086 # names are words
set -- $names; eval "p=\$port_$1"
head -1 "$DIR/bodies.jsonl" | curl -s -H 'Content-Type: application/json' --data-binary @- \
  "http://127.0.0.1:$p/api/v1/suggest" >"$ng/www/suggest.json"
start_nginx "$ng"

# CPU ticks: of a process and its threads (nginx: its workers too), of the machine.
proc_ticks() { # pid
  t=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
  for c in $(pgrep -P "$1" || true); do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$c/stat"))); done
  echo "$t"
}
machine_ticks() { # prints "busy steal"
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $9; exit }' /proc/stat
}
# Suggest answers of the server at port by le bucket: "n_total n_over_1ms".
hist() { # port
  curl -s "http://127.0.0.1:$1/metrics" | awk -F'[ "]' '
    /^kb_request_duration_seconds_bucket\{route="suggest"/ {
      if ($0 ~ /le="0.001"/) le1 = $NF; if ($0 ~ /le="\+Inf"/) all = $NF }
    END { print all + 0, all - le1 }'
}
tck=$(getconf CLK_TCK)
ncpu=$(getconf _NPROCESSORS_ONLN)

# A configuration named hog* runs with a neighbour: one busy loop in a
# session of its own, as another tenant's single-threaded job would be
# (Linux shares a busy machine's CPU between sessions, not processes).
hog_pid=""
hog_on() { # name
  case $1 in hog*) setsid sh -c 'while :; do :; done' & hog_pid=$! ;; esac
}
hog_off() { [ -z "$hog_pid" ] || { kill "$hog_pid"; wait "$hog_pid" 2>/dev/null || true; hog_pid=""; }; }

one() { # name: one measured run; appends to runs.txt
  name=$1
  if [ "$name" = nginx ]; then
    url="http://127.0.0.1:$nport/suggest.json"; set --; pid=$nginx_pid; port=""
  else
    eval "port=\$port_$name; pid=\$pid_$name"
    url="http://127.0.0.1:$port/"; set -- -- "$DIR/bodies.jsonl"
  fi
  wrk -t2 -c32 -d1s -s tests/bench/suggest.lua "$url" "$@" >/dev/null 2>&1 || true
  h0="0 0"; [ -n "$port" ] && h0=$(hist "$port")
  hog_on "$name"
  s0=$(proc_ticks "$pid"); m0=$(machine_ticks); t0=$(date +%s%N)
  /usr/bin/time -f 'wrkcpu %U %S' -o "$DIR/wrk.time" \
    wrk -t2 -c32 -d"$TIME" --latency -s tests/bench/suggest.lua "$url" "$@" >"$DIR/wrk.txt" 2>&1 ||
    { cat "$DIR/wrk.txt" >&2; die "wrk failed"; }
  t1=$(date +%s%N); m1=$(machine_ticks); s1=$(proc_ticks "$pid")
  hog_off
  h1="0 0"; [ -n "$port" ] && h1=$(hist "$port")
  line=$(grep '^bench: ' "$DIR/wrk.txt") || die "wrk printed no result line"
  [ "$(kv "$line" non2xx)" = 0 ] || die "$name: $(kv "$line" non2xx) answers were not 2xx"
  wc=$(awk '/^wrkcpu/ { print $2 + $3 }' "$DIR/wrk.time")
  # shellcheck disable=SC2086 # h and m are pairs of numbers
  awk -v name="$name" -v rps="$(kv "$line" rps)" -v p50="$(kv "$line" p50_us)" \
    -v p99="$(kv "$line" p99_us)" -v h0="$h0" -v h1="$h1" -v m0="$m0" -v m1="$m1" \
    -v s="$((s1 - s0))" -v w="$wc" -v ns="$((t1 - t0))" -v tck="$tck" -v ncpu="$ncpu" \
    -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
      split(h0, a, " "); split(h1, b, " "); split(m0, c, " "); split(m1, d, " ")
      n = b[1] - a[1]; over = n > 0 ? sprintf("%.2f", 100 * (b[2] - a[2]) / n) : "-"
      all = ncpu * ns / 1e9 / 100 * tck      # ticks of all cpus / 100
      srv = s / all; wrk = w * tck / all; steal = (d[2] - c[2]) / all
      oth = (d[1] - c[1]) / all - srv - wrk - steal; if (oth < 0) oth = 0
      printf "%-12s %8.0f %7.2f %7.2f %8s %6.1f %6.1f %6.1f %6.1f %5s\n",
        name, rps, p50 / 1000, p99 / 1000, over, srv, wrk, oth, steal, load }' >>"$DIR/runs.txt"
  tail -1 "$DIR/runs.txt"
}

# Connections per worker thread under load: each libmicrohttpd worker has an
# epoll set of its own; its entries are its connections and its wake-up fd.
split_conns() { # pid
  for f in /proc/"$1"/fd/*; do
    case $(readlink "$f" 2>/dev/null) in
      *eventpoll*) n=$(grep -c '^tfd:' "/proc/$1/fdinfo/${f##*/}" || true); printf ' %s' "$n" ;;
    esac
  done
  echo
}

: >"$DIR/runs.txt"
echo "tail.sh: $BIN, $ROUNDS rounds of: $names nginx, wrk -t2 -c32 -d$TIME ($(date -u +%H:%M) UTC, $(uptime | sed 's/.*load/load/'))"
echo "% of all $ncpu cores; over1ms: % of the run's suggests whose handler took over 1 ms (the server's histogram)"
printf '%-12s %8s %7s %7s %8s %6s %6s %6s %6s %5s\n' run "req/s" "p50 ms" "p99 ms" over1ms server wrk others steal load
all="$names nginx"
i=0
while [ $i -lt "$ROUNDS" ]; do
  i=$((i + 1))
  # rotate: round i starts at the (i mod k)-th
  # shellcheck disable=SC2086 # all is words
  set -- $all; k=$#; j=$(( (i - 1) % k ))
  while [ $j -gt 0 ]; do first=$1; shift; set -- "$@" "$first"; j=$((j - 1)); done
  for n in "$@"; do one "$n"; done
done

med() { sort -n | awk '{ a[NR] = $1 } END { if (!NR) { print "-"; exit }
  if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%s-%s", lo, hi; else print "-" }'; }
echo
echo "per configuration: medians of $ROUNDS runs (range); quiet: runs where the others had under $QUIET % of the cores"
echo "(32/rps: the mean latency 32 connections imply at that rate, Little's law)"
printf '%-12s %8s %7s %7s %13s %8s %6s %6s | %5s %7s | %5s %7s\n' run "req/s" "32/rps" "p50 ms" "p99 ms" over1ms server others quiet "p99 ms" busy "p99 ms"
for n in $all; do
  col() { awk -v n="$n" -v c="$1" '$1 == n { print $c }' "$DIR/runs.txt"; }
  q() { awk -v n="$n" -v q="$QUIET" -v want="$1" '$1 == n && (($8 < q) == want) { print $4 }' "$DIR/runs.txt"; }
  r=$(col 2 | med)
  printf '%-12s %8s %7s %7s %6s (%s) %8s %6s %6s | %5s %7s | %5s %7s\n' "$n" "$r" "$(awk -v r="$r" 'BEGIN { printf "%.2f", 32000 / r }')" "$(col 3 | med)" \
    "$(col 4 | med)" "$(col 4 | range)" "$(col 5 | med)" "$(col 6 | med)" "$(col 8 | med)" \
    "$(q 1 | wc -l)" "$(q 1 | med)" "$(q 0 | wc -l)" "$(q 0 | med)"
done
for n in $names; do
  eval "port=\$port_$n; pid=\$pid_$n"
  wrk -t2 -c32 -d2s -s tests/bench/suggest.lua "http://127.0.0.1:$port/" -- "$DIR/bodies.jsonl" >/dev/null 2>&1 &
  w=$!
  sleep 1
  echo "$n: entries of each epoll set under load (a worker's: its connections + 1; the gate's: 2):$(split_conns "$pid")"
  wait $w
done

[ "$PERF" = 1 ] || exit 0
# One run per configuration under perf sched: who had the cores, and how
# long the server's threads and wrk's waited in the run queue once woken
# (or preempted) before they ran again.
echo
echo "perf sched record -a, 2 s in the middle of a run (the run's own figures beside it)"
for n in $all; do
  if [ "$n" = nginx ]; then url="http://127.0.0.1:$nport/suggest.json"; set --
  else eval "url=http://127.0.0.1:\$port_$n/"; set -- -- "$DIR/bodies.jsonl"; fi
  wrk -t2 -c32 -d6s --latency -s tests/bench/suggest.lua "$url" "$@" >"$DIR/wrk-perf.txt" 2>&1 &
  w=$!
  sleep 2
  hog_on "$n"
  # the scheduler group (autogroup) of every process, wrk's while it runs
  for p in /proc/[0-9]*; do
    g=$(sed -n 's|^/autogroup-\([0-9]*\).*|\1|p' "$p/autogroup" 2>/dev/null) && [ -n "$g" ] && echo "${p#/proc/} $g"
  done >"$DIR/groups.txt"
  fx=""
  if [ "$n" != nginx ]; then # the server's futex calls meanwhile: its locks met
    fpid=""; eval "fpid=\$pid_$n"
    perf stat -x, -e syscalls:sys_enter_futex -p "$fpid" -o "$DIR/futex.txt" -- sleep 2 >/dev/null 2>&1 &
    fx=$!
  fi
  perf sched record -a -o "$DIR/sched.data" -- sleep 2 >/dev/null 2>&1
  [ -z "$fx" ] || wait "$fx"
  hog_off
  wait $w
  line=$(grep '^bench: ' "$DIR/wrk-perf.txt") || die "wrk printed no result line"
  echo "$n: wrk p50 $(kv "$line" p50_us) us, p99 $(kv "$line" p99_us) us, $(kv "$line" rps) req/s"
  [ -z "$fx" ] || awk -F, -v rps="$(kv "$line" rps)" '/sys_enter_futex/ {
    printf "  kb-serve futex calls in the 2 s: %d (%.2f per 1,000 requests)\n", $1, $1 * 1000 / (2 * rps) }' "$DIR/futex.txt"
  perf sched timehist -i "$DIR/sched.data" 2>/dev/null | awk -v gf="$DIR/groups.txt" '
    BEGIN { while ((getline l < gf) > 0) { split(l, a, " "); grp[a[1]] = a[2] } }
    $1 ~ /^[0-9]+\.[0-9]+$/ && NF >= 6 {
      t = $1; run = $NF; dly = $(NF - 1)
      name = $3; for (i = 4; i <= NF - 3; i++) name = name " " $i
      comm = name; sub(/\[.*/, "", comm)
      pid = name; sub(/.*[\[\/]/, "", pid); sub(/\].*/, "", pid)
      if (!t0) t0 = t; t1 = t
      if (comm ~ /^<idle>/) { idle += run; next }
      g = (pid in grp) ? "autogroup-" grp[pid] : "(gone or kernel)"
      bygroup[g] += run; gcomm[g, comm] += run
      if (comm == "MHD-worker" || comm == "nginx" || comm == "wrk") { k = comm; d[k, ++nd[k]] = dly }
    }
    END {
      span = (t1 - t0) * 1000 * 2
      printf "  CPU by scheduler group (%% of both cores), the busiest commands in it:\n"
      for (g in bygroup) {
        top = ""; for (gc in gcomm) { split(gc, p, SUBSEP); if (p[1] == g && gcomm[gc] > 0.02 * span) top = top sprintf(" %s %.0f%%", p[2], 100 * gcomm[gc] / span) }
        printf "    %-18s %5.1f %%:%s\n", g, 100 * bygroup[g] / span, top
      }
      printf "    %-18s %5.1f %%\n", "idle", 100 * idle / span
      for (k in nd) {
        n = nd[k]; c1 = c2 = c05 = 0; s = 0; mx = 0
        for (i = 1; i <= n; i++) { x = d[k, i]; if (x > 0.5) c05++; if (x > 1) c1++; if (x > 2) c2++; s += x; if (x > mx) mx = x }
        printf "  %-10s run-queue waits: %d, over 0.5 ms %d, over 1 ms %d, over 2 ms %d, longest %.2f ms, all waits %.0f ms\n", k, n, c05, c1, c2, mx, s
      }
    }'
done
