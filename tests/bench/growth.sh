#!/bin/sh
# tests/bench/growth.sh - the growth part of `make bench` (docs/benchmarks.md).
#
# For each size in $BENCH_GROWTH (default 1000 10000 100000):
#   1. gen_kb writes a synthetic knowledge base of that many articles from
#      the vocabulary of the real articles (../shared/eval/cdp/kb and kb/),
#      in the cdp collections;
#   2. kb-index builds it (wall time, index size);
#   3. bench_suggest times the search in process with the cdp tweets (each
#      restricted to its collection, as suggest does), and measures how
#      often candidate pruning changes what a query shows;
#   4. kb-serve serves it under wrk with the same tweets (2 connections by
#      default, BENCH_GROWTH_CONNS); its peak resident memory (VmHWM) is read
#      from /proc after the load.
# Prints a table, writes it to $BENCH_DIR/growth.tsv and draws
# $BENCH_DIR/growth.svg (build time, suggest p99 and server memory against
# the number of articles, log-log). Needs ../shared (says so and exits 0
# without it). Everything goes under $BENCH_DIR; only 127.0.0.1 is used.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh

BENCH_PROG=${BENCH_PROG:-build/release/bench/bench_suggest}
BENCH_GEN=${BENCH_GEN:-build/release/bench/gen_kb}
BENCH_BIN=${BENCH_BIN:-bin}
BENCH_DIR=${BENCH_DIR:-build/bench}
BENCH_SHARED=${BENCH_SHARED:-../shared}
BENCH_GROWTH=${BENCH_GROWTH-1000 10000 100000}
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
# two connections: one per worker thread of this machine, so the p99 is a
# request's own time; with 32 the queue in front of a slow request is most
# of it (run.sh loads the cdp index that way)
BENCH_WRK_CONNS=${BENCH_GROWTH_CONNS:-2}
BENCH_WRK_TIME=${BENCH_WRK_TIME:-10s}
BENCH_WRK_WARMUP=${BENCH_WRK_WARMUP:-2s}

case "$BENCH_DIR" in
  build/*) ;;
  *) die "BENCH_DIR must be under build/ (is '$BENCH_DIR')" ;;
esac
[ -n "$BENCH_GROWTH" ] || { say "growth.sh: BENCH_GROWTH is empty: skipped"; exit 0; }
CDP=$BENCH_SHARED/eval/cdp
if [ ! -f "$CDP/dev.jsonl" ] || [ ! -d "$CDP/kb" ]; then
  say "growth.sh: $CDP (dev.jsonl, kb/) is missing: the growth benchmark needs its"
  say "           vocabulary and tweets; skipped"
  exit 0
fi
for p in "$BENCH_PROG" "$BENCH_GEN" "$BENCH_BIN/kb-index" "$BENCH_BIN/kb-serve"; do
  [ -x "$p" ] || die "$p is missing; run 'make bench'"
done

mkdir -p "$BENCH_DIR/growth"
DIR=$(cd "$BENCH_DIR" && pwd)
G="$DIR/growth"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bodies="$DIR/bodies.jsonl"
"$BENCH_PROG" bodies "$CDP/dev.jsonl" "$bodies" || die "bench_suggest bodies failed"

tsv="$DIR/growth.tsv"
printf 'articles\tbuild_s\tindex_mb\tp50_us\tp99_us\tsame_first_pct\trps\thttp_p99_ms\trss_mb\n' >"$tsv"
for n in $BENCH_GROWTH; do
  kb="$G/kb-$n"; ix="$G/$n.sqlite"
  rm -rf "$kb"
  say "growth: $n articles: generating"
  "$BENCH_GEN" "$n" "$kb" "$CDP/kb" kb 2>"$G/gen-$n.log" || { cat "$G/gen-$n.log" >&2; die "gen_kb failed"; }
  say "growth: $n articles: building the index"
  t0=$(date +%s%N)
  "$BENCH_BIN/kb-index" --quiet "$kb" -o "$ix" || die "kb-index $kb failed"
  t1=$(date +%s%N)
  build=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }')
  size=$(awk -v b="$(wc -c <"$ix")" 'BEGIN { printf "%.0f", b / 1048576 }')
  say "growth: $n articles: searching in process"
  "$BENCH_PROG" search -r 3 -w 1 "syn$n" "$ix" "$CDP/dev.jsonl" >"$G/inproc-$n.txt" ||
    die "bench_suggest search failed"
  p50=$(awk 'NR == 2 { print $4 }' "$G/inproc-$n.txt")
  p99=$(awk 'NR == 2 { print $6 }' "$G/inproc-$n.txt")
  "$BENCH_PROG" agree "syn$n" "$ix" "$CDP/dev.jsonl" >"$G/agree-$n.txt" || die "bench_suggest agree failed"
  same=$(sed -n 's/.*same first hit [0-9]* (\([0-9.]*\)%).*/\1/p' "$G/agree-$n.txt")
  say "growth: $n articles: kb-serve under wrk"
  start_serve "$ix" "$G/serve-$n.log"
  line=$(run_wrk "growth-$n" "$api/" "$bodies")
  rss=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$serve_pid/status")
  stop_pid "$serve_pid"; serve_pid=""
  rps=$(kv "$line" rps)
  hp99=$(awk -v us="$(kv "$line" p99_us)" 'BEGIN { printf "%.2f", us / 1000 }')
  [ "$(kv "$line" non2xx)" = 0 ] || die "kb-serve answered errors under load: $line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%.0f\t%s\t%s\n' "$n" "$build" "$size" "$p50" "$p99" "$same" \
    "$rps" "$hp99" "$rss" >>"$tsv"
  rm -rf "$kb" # the index stays; the Markdown is cheap to make again
done

# --- The plot: three log-log panels, one per measure -------------------------
awk -F '\t' '
function lx(v) { return log(v) / log(10) }
function panel(k, col, title, unit,   i, x, y, px, py, pts, lo, hi, t) {
  lo = 1e300; hi = -1e300
  for (i = 1; i <= n; i++) { y = lx(v[i, col]); if (y < lo) lo = y; if (y > hi) hi = y }
  lo = int(lo < 0 ? lo - 1 : lo); hi = int(hi) + 1
  ox = 60 + k * 260; oy = 40; w = 200; h = 180
  printf "<g font-family=\"sans-serif\" font-size=\"11\">\n"
  printf "<text x=\"%d\" y=\"%d\" font-size=\"13\">%s</text>\n", ox, oy - 14, title
  printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n", ox, oy, w, h
  for (t = lo; t <= hi; t++) {
    py = oy + h - (t - lo) / (hi - lo) * h
    printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%g %s</text>\n", ox - 4, py + 4, 10 ^ t, unit
    printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>\n", ox, py, ox + w, py
  }
  pts = ""
  for (i = 1; i <= n; i++) {
    px = ox + (lx(v[i, 1]) - xlo) / (xhi - xlo) * w
    py = oy + h - (lx(v[i, col]) - lo) / (hi - lo) * h
    pts = pts sprintf("%.1f,%.1f ", px, py)
    printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f5fa8\"/>\n", px, py
    printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n", px, oy + h + 14, v[i, 1]
  }
  printf "<polyline points=\"%s\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>\n", pts
  printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">articles</text>\n</g>\n", ox + w / 2, oy + h + 30
}
NR > 1 { n++; for (c = 1; c <= NF; c++) v[n, c] = $c }
END {
  if (n < 2) exit
  xlo = lx(v[1, 1]); xhi = lx(v[n, 1]); if (xhi == xlo) xhi = xlo + 1
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"820\" height=\"270\" role=\"img\">\n"
  printf "<title>Growth: index build time, suggest p99 in process and kb-serve memory against articles</title>\n"
  panel(0, 2, "index build (s)", "s")
  panel(1, 5, "suggest p99 in process (us)", "")
  panel(2, 9, "kb-serve peak RSS (MB)", "")
  printf "</svg>\n"
}' "$tsv" >"$DIR/growth.svg"

echo
echo "Growth (synthetic knowledge bases, cdp tweets restricted to their collection):"
column -t -s "$(printf '\t')" "$tsv" 2>/dev/null || cat "$tsv"
echo "Plot: $BENCH_DIR/growth.svg; raw output: $BENCH_DIR/growth/"
