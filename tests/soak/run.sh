#!/bin/sh
# make soak: SOAK_SECONDS (default 600) of mixed traffic (suggest, search,
# pages, feedback, did-this-help) at the highest rate wrk can drive from
# 2 threads and 32 connections, while the index is rebuilt and reloaded
# every 30 s (from a copy of kb/ with symbolic links back into it and
# out of it, warnings each time). Beside it, $HOSTILE (tests/soak/hostile.c)
# sends malformed and smuggling requests, slow-loris sockets and bursts of
# connections from other loopback addresses. Passes when there was no
# 5xx, no socket error, every hostile request got its answer, the server
# is still up and its memory stayed flat (RSS at the end under 1.5x the
# start after warm-up, plus 16 MB). Prints the figures for docs/reliability.md,
# with the RSS sampled before each rebuild.
set -eu
cd "$(dirname "$0")/../.."
SECS=${SOAK_SECONDS:-600}
D=build/soak
HOSTILE=${HOSTILE:-build/release/soak/hostile}
rm -rf "$D"; mkdir -p "$D/data"
cp -r kb "$D/kb" && ln -s . "$D/kb/loop" && ln -s .. "$D/kb/up"
bin/kb-index -q "$D/kb" -o "$D/kb.sqlite" 2>/dev/null
bin/kb-serve --index "$D/kb.sqlite" --data "$D/data" --listen 127.0.0.1:0 --rate -1 --quiet > "$D/server.log" 2>&1 &
PID=$!
trap 'rc=$?; set +e; kill $PID 2>/dev/null; [ -n "$RELOADER" ] && kill $RELOADER 2>/dev/null; [ -n "$HOSTILE_PID" ] && kill $HOSTILE_PID 2>/dev/null; wait 2>/dev/null; exit $rc' EXIT
HOSTILE_PID=
RELOADER=
for i in $(seq 100); do
  PORT=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$D/server.log")
  [ -n "$PORT" ] && break; sleep 0.1
done
URL=http://127.0.0.1:$PORT
rss() { awk '/VmRSS/ {print $2}' /proc/$PID/status; }
# warm up (both kinds of traffic: libmicrohttpd's connection pools and
# the allocator's arenas grow to the hostile traffic's peak of open
# connections, then stay), then measure the starting memory
"$HOSTILE" "$PORT" 40 > /dev/null 2>&1 &
HOSTILE_PID=$!
wrk -t2 -c32 -d40s -s tests/soak/mixed.lua "$URL" > /dev/null
wait $HOSTILE_PID || true
HOSTILE_PID=
RSS0=$(rss)
# RSS is sampled before each rebuild (so about 30 s after the last swap)
( while :; do sleep 30; rss >> "$D/rss.txt"; bin/kb-index -q "$D/kb" -o "$D/kb.sqlite" 2>/dev/null || exit 1; done ) &
RELOADER=$!
"$HOSTILE" "$PORT" "$SECS" > "$D/hostile.txt" 2>&1 &
HOSTILE_PID=$!
wrk -t2 -c32 -d"${SECS}s" --timeout 5s -s tests/soak/mixed.lua "$URL" > "$D/wrk.txt" 2>&1 || true
HOSTILE_RC=0
wait $HOSTILE_PID || HOSTILE_RC=$?
kill $RELOADER 2>/dev/null || true
RSS1=$(rss || echo 0)
ALIVE=$(kill -0 $PID 2>/dev/null && echo yes || echo no)
RELOADS=$(curl -s "$URL/healthz" | sed -n 's/.*"reloads":\([0-9]*\).*/\1/p')
LINE=$(grep '^soak:' "$D/wrk.txt" || echo "soak: no summary")
RPS=$(sed -n 's/^Requests\/sec: *//p' "$D/wrk.txt")
FIVEXX=$(grep -c '" 5[0-9][0-9] ' "$D/server.log" || true)
echo "$LINE"
grep '^hostile' "$D/hostile.txt" || true
echo "soak: RSS (kB) before each rebuild: $(tr '\n' ' ' < "$D/rss.txt" 2>/dev/null)"
echo "soak: ${SECS} s, ${RPS} req/s, ${RELOADS:-0} reloads, server alive: $ALIVE, RSS ${RSS0} kB at start, ${RSS1} kB at end"
ok=1
case "$LINE" in *" 0 non-2xx/3xx, 0 errors"*) ;; *) ok=0 ;; esac
[ "$ALIVE" = yes ] || ok=0
[ "$HOSTILE_RC" = 0 ] || { echo "soak: a hostile request went unanswered or got a 5xx or a wrong status"; ok=0; }
[ "$RSS1" -le $((RSS0 * 3 / 2 + 16384)) ] || { echo "soak: memory grew"; ok=0; }
if [ $ok = 1 ]; then echo "soak: passed"; exit 0; fi
echo "soak: FAILED"
exit 1
