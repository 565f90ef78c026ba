#!/bin/sh
# The server's memory under hostile traffic alone (issue #18): kb-serve on
# the sample knowledge base, tests/soak/hostile.c for SECONDS (default 90:
# about 300,000 malformed requests on the development machine, with
# slow-loris sockets and connection bursts beside them), RSS before and
# after. Only 127.0.0.x is used.
#
#   make build/release/soak/hostile && sh tests/bench/hostile_rss.sh [SECONDS]
set -eu
cd "$(dirname "$0")/../.."
SECS=${1:-90}
D=build/bench-hostile
rm -rf "$D"; mkdir -p "$D/data"
bin/kb-index -q kb -o "$D/kb.sqlite"
bin/kb-serve --index "$D/kb.sqlite" --data "$D/data" --listen 127.0.0.1:0 --rate -1 --quiet > "$D/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait 2>/dev/null' EXIT
for i in $(seq 100); do
  PORT=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$D/server.log")
  [ -n "$PORT" ] && break; sleep 0.1
done
rss() { awk '/VmRSS/ {print $2}' /proc/$PID/status; }
build/release/soak/hostile "$PORT" 5 > /dev/null || true # warm up
RSS0=$(rss)
build/release/soak/hostile "$PORT" "$SECS" > "$D/hostile.txt" &
H=$!
SAMPLES=""
while kill -0 $H 2>/dev/null; do sleep 15; SAMPLES="$SAMPLES $(rss)"; done
wait $H || true
cat "$D/hostile.txt"
RSS1=$(rss)
echo "hostile_rss: $SECS s, RSS $RSS0 kB after warm-up, every 15 s:$SAMPLES, $RSS1 kB at the end"
