#!/bin/sh
# tests/bench/store.sh - the shared store's part of `make bench`
# (docs/benchmarks.md "Several machines and the learning's cost").
#
#   1. stores with N learned mentions (each N in $BENCH_LEARN, default
#      "10000 100000 1000000"): bench_suggest learn fills an SQLite store
#      with N mentions recombined from the cdp dev tweets (raw rows, then
#      one relearn: 1,000,000 in one to two minutes); the same rows are
#      COPied into a PostgreSQL database of their own and a kb-serve with
#      --feedback-db mirrors them (the time it takes to catch up is
#      printed), then suggest over HTTP with each (wrk, the cdp bodies).
#   2. suggest in process with every store, SQLite and the PostgreSQL
#      replica's mirror, 0 to 1,000,000: bench_suggest stores times them
#      interleaved query by query, so the machine's load falls on all alike
#      and the ratios hold.
#   3. feedback writes per second: wrk POSTing feedback to kb-serve with the
#      SQLite store, then with PostgreSQL (tests/cluster/pg.sh starts one in
#      build/, as an unprivileged user when run as root).
#   4. one replica against three behind nginx (PostgreSQL store), suggest.
# Prints a table and writes it to $BENCH_DIR/store.tsv. Only 127.0.0.1.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
. tests/cluster/pg.sh

BENCH_PROG=${BENCH_PROG:-build/release/bench/bench_suggest}
BENCH_BIN=${BENCH_BIN:-bin}
BENCH_DIR=${BENCH_DIR:-build/bench}
BENCH_SHARED=${BENCH_SHARED:-../shared}
BENCH_LEARN=${BENCH_LEARN-10000 100000 1000000}
BENCH_LEARN_ROUNDS=${BENCH_LEARN_ROUNDS:-3}
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
BENCH_WRK_CONNS=${BENCH_STORE_CONNS:-4}
BENCH_WRK_TIME=${BENCH_WRK_TIME:-5s}
BENCH_WRK_WARMUP=${BENCH_WRK_WARMUP:-1s}
case "$BENCH_DIR" in build/*) ;; *) die "BENCH_DIR must be under build/ (is '$BENCH_DIR')" ;; esac
[ -f "$BENCH_SHARED/eval/cdp/dev.jsonl" ] || { say "store.sh: $BENCH_SHARED/eval is missing: skipped"; exit 0; }
DIR=$(cd "$BENCH_DIR" 2>/dev/null && pwd || { mkdir -p "$BENCH_DIR" && cd "$BENCH_DIR" && pwd; })
S="$DIR/store"; rm -rf "$S"; mkdir -p "$S"
DEV="$BENCH_SHARED/eval/cdp/dev.jsonl"
pids=""
cleanup() {
  for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
  pids=""
  pg_down
}
trap cleanup EXIT INT TERM

"$BENCH_BIN/kb-index" -q "$BENCH_SHARED/eval/cdp/kb" -o "$S/cdp.sqlite"
"$BENCH_PROG" bodies "$DEV" "$S/suggest.bodies"
python3 - "$DEV" "$S/feedback.bodies" <<'PY'
import json, sys
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        t = json.loads(line)
        out.write(json.dumps({"text": t["text"], "collection": t["collection"],
                              "slug": t["expect"], "action": "sent"}) + "\n")
PY
out="$DIR/store.tsv"
printf 'what\tstore\tlearned\tp50_us\tp99_us\trps\n' >"$out"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$out"; }

serve() { # name data [kb-serve options...]: sets api
  name=$1; data=$2; shift 2
  mkdir -p "$data"
  : >"$S/$name.log" # before the background start: sed reads it at once
  "$BENCH_BIN/kb-serve" --index "$S/cdp.sqlite" --listen 127.0.0.1:0 --rate -1 --quiet --data "$data" "$@" 2>"$S/$name.log" &
  pids="$pids $!"; last_pid=$!
  port=""
  for _ in $(seq 600); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$S/$name.log")
    [ -n "$port" ] && break; sleep 0.1
  done
  [ -n "$port" ] || { cat "$S/$name.log" >&2; die "kb-serve did not start"; }
  api="http://127.0.0.1:$port"
}
stop_last() { kill -TERM "$last_pid"; wait "$last_pid" 2>/dev/null || true; }

# 1: stores with N learned mentions, over HTTP
pg_up "$S" || die "PostgreSQL did not start"
mirror_id() { curl -s "$1/healthz" | sed -n 's/.*"mirrored_feedback_id":\([0-9]*\).*/\1/p'; }
stores=""
for n in 0 $BENCH_LEARN; do
  say "store.sh: $n learned mentions"
  "$BENCH_PROG" learn -r 1 -w 0 "$n" "$S/cdp.sqlite" "$DEV" "$S/learned-$n.sqlite" >/dev/null
  mkdir -p "$S/data-$n"; cp "$S/learned-$n.sqlite" "$S/data-$n/feedback.sqlite"
  serve "learned-$n" "$S/data-$n"
  l=$(run_wrk "suggest-learned-$n" "$api" "$S/suggest.bodies")
  row "suggest over HTTP" "sqlite" "$n" "$(kv "$l" p50_us)" "$(kv "$l" p99_us)" "$(kv "$l" rps)"
  stop_last
  # the same rows in PostgreSQL: a database of their own, schema by kb-serve
  pg_sql "CREATE DATABASE learned$n" >/dev/null
  url="postgresql://kb@127.0.0.1:$PG_PORT/learned$n"
  serve "pg-$n" "$S/pg-$n" --feedback-db "$url"
  t0=$(date +%s%N)
  sqlite3 -csv "$S/learned-$n.sqlite" "SELECT id, ts, text, collection, slug, action, reason, author,
    client_id FROM feedback ORDER BY id" | "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$url" \
    -c "\\copy feedback(id, ts, text, collection, slug, action, reason, author, client_id) FROM STDIN WITH (FORMAT csv)"
  pg_sql "SELECT setval('feedback_id_seq', greatest((SELECT max(id) FROM feedback), 1)); NOTIFY kb_changed" learned$n >/dev/null
  t1=$(date +%s%N)
  last=$(pg_sql "SELECT coalesce(max(id), 0) FROM feedback" learned$n)
  w=0
  while [ "$(mirror_id "$api")" != "$last" ]; do
    w=$((w + 1)); [ "$w" -lt 7200 ] || die "the mirror did not catch up with $n rows in an hour"
    sleep 0.5
  done
  t2=$(date +%s%N)
  say "store.sh: $n rows COPied into PostgreSQL in $(( (t1 - t0) / 1000000 )) ms; the replica's mirror caught up in $(( (t2 - t1) / 1000000 )) ms"
  l=$(run_wrk "suggest-pg-$n" "$api" "$S/suggest.bodies")
  row "suggest over HTTP" "postgresql" "$n" "$(kv "$l" p50_us)" "$(kv "$l" p99_us)" "$(kv "$l" rps)"
  stop_last
  stores="$stores $S/learned-$n.sqlite $S/pg-$n/mirror.sqlite"
done

# 2: in process, every store interleaved (SQLite, then PostgreSQL's mirror)
"$BENCH_PROG" stores -r "$BENCH_LEARN_ROUNDS" -w 1 "$S/cdp.sqlite" "$DEV" $stores >"$S/stores.txt"
k=0
tail -n +2 "$S/stores.txt" | while read -r n _ _ p50 _ p99 _ _ qps _; do
  k=$((k + 1))
  if [ $((k % 2)) = 1 ]; then st="sqlite"; else st="postgresql (its mirror)"; fi
  row "suggest in process" "$st" "$n" "$p50" "$p99" "$qps"
done

# 3: feedback writes per second
serve fb-sqlite "$S/fb-sqlite"
l=$(run_wrk fb-sqlite "$api" "$S/feedback.bodies" feedback)
row "feedback writes" "sqlite" "-" "$(kv "$l" p50_us)" "$(kv "$l" p99_us)" "$(kv "$l" rps)"
stop_last
serve fb-pg "$S/fb-pg" --feedback-db "$PG_URL"
l=$(run_wrk fb-pg "$api" "$S/feedback.bodies" feedback)
row "feedback writes" "postgresql" "-" "$(kv "$l" p50_us)" "$(kv "$l" p99_us)" "$(kv "$l" rps)"
stop_last
pg_sql "TRUNCATE feedback; TRUNCATE events" >/dev/null

# 4: one replica, then three, behind nginx
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
ports=""
for i in 1 2 3; do serve "rep$i" "$S/rep$i" --feedback-db "$PG_URL" --threads 1; ports="$ports $port"; done
for k in 1 3; do
  ng="$S/nginx$k"; mkdir -p "$ng/tmp"; np=$(pg_free_port)
  ups=$(for p in $(echo $ports | cut -d' ' -f1-$k); do printf 'server 127.0.0.1:%s;' "$p"; done)
  cat >"$ng/nginx.conf" <<NG
daemon off; worker_processes 1; pid $ng/nginx.pid; error_log $ng/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $ng/tmp/b; proxy_temp_path $ng/tmp/p;
  fastcgi_temp_path $ng/tmp/f; uwsgi_temp_path $ng/tmp/u; scgi_temp_path $ng/tmp/s;
  upstream kb { $ups keepalive 32; }
  server { listen 127.0.0.1:$np; location / { proxy_pass http://kb; proxy_http_version 1.1;
    proxy_set_header Connection ""; } } }
NG
  drop=""; [ "$(id -u)" = 0 ] && { chown -R "$PG_USER" "$ng"; drop="setpriv --reuid=$PG_USER --regid=nogroup --clear-groups --"; }
  $drop "$NGINX" -p "$ng/" -c "$ng/nginx.conf" -e "$ng/error.log" & npid=$!
  wait_http "http://127.0.0.1:$np/healthz" || die "nginx did not start"
  l=$(run_wrk "nginx-$k" "http://127.0.0.1:$np" "$S/suggest.bodies")
  row "suggest via nginx, $k replica(s) of 1 thread" "postgresql" 0 "$(kv "$l" p50_us)" "$(kv "$l" p99_us)" "$(kv "$l" rps)"
  kill -TERM "$npid"; wait "$npid" 2>/dev/null || true
done
cleanup
column -t -s "$(printf '\t')" "$out"
