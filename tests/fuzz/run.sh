#!/bin/sh
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined)
# and runs each for FUZZ_SECONDS (default 60), starting from a seed corpus
# made of the fixtures, the sample knowledge base and, when present, the
# shared evaluation sets. Inputs that once crashed are kept in
# tests/fuzz/regressions/TARGET/ and replayed first. Prints TAP: one line
# per target; a crash, leak or timeout fails it (the input is saved under
# build/fuzz/artifacts/). FUZZ_TARGETS="reply json" runs only those targets.
set -u
cd "$(dirname "$0")/../.."
SECS=${FUZZ_SECONDS:-60}
OUT=build/fuzz
SHARED=${SHARED:-../shared}
mkdir -p "$OUT/obj" "$OUT/artifacts"
CC=${FUZZ_CC:-clang}
FLAGS="-std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -D_DEFAULT_SOURCE -D_GNU_SOURCE -Iinclude -Iindexer -Isrc/server $(pkg-config --cflags libcjson libmicrohttpd zlib libpq 2>/dev/null)"
LIBS="$(pkg-config --libs sqlite3 libcmark-gfm yaml-0.1 libutf8proc libmicrohttpd libcjson zlib libpq) -lstemmer -lpthread -lm"
TARGETS=${FUZZ_TARGETS:-"text article synonyms reply json search"}

# The library, once. An object is rebuilt when its source or any header
# is newer (a changed struct must not leave stale objects behind).
newest_h=$(ls -t include/*.h indexer/*.h src/server/*.h | head -1)
objs=""
for src in src/core/*.c indexer/*.c src/server/*.c; do
  case "$src" in */main.c) continue ;; esac
  o="$OUT/obj/$(basename "$src" .c).o"
  if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
    $CC $FLAGS -c "$src" -o "$o" || { echo "not ok - fuzz build ($src)"; exit 1; }
  fi
  objs="$objs $o"
done

# Seeds.
seed() { # target file...
  d="$OUT/corpus/$1"; shift
  mkdir -p "$d"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$d/$(echo "$f" | tr '/' '_')"; done
}
seed article tests/fixtures/kb/articles/*.md tests/fixtures/kb/stores/*.md kb/articles/*.md
seed synonyms kb/lang/en/synonyms.txt tests/fixtures/kb/lang/en/synonyms.txt
seed text tests/fixtures/kb/articles/*.md
if [ -f "$SHARED/eval/cpw-dev.tsv" ]; then
  i=0
  cut -f2 "$SHARED/eval/cpw-dev.tsv" | while IFS= read -r line; do
    i=$((i + 1)); printf '%s' "$line" > "$OUT/corpus/text/cpw-$i"
    printf '{"text":"%s","limit":3}' "$(printf '%s' "$line" | sed 's/\\/\\\\/g; s/"/\\"/g')" > "$OUT/corpus/json-cpw-$i" 2>/dev/null
  done
  mkdir -p "$OUT/corpus/json"; mv "$OUT"/corpus/json-cpw-* "$OUT/corpus/json/" 2>/dev/null
fi
# the search target reads kb/'s index (KB_FUZZ_INDEX); its seeds are the
# public queries and the tweets of our own sets
KB_BIN=${KB_BIN:-bin}
"$KB_BIN/kb-index" -q kb -o "$OUT/kb.sqlite" || { echo "not ok - fuzz_search's index (kb-index failed)"; exit 1; }
export KB_FUZZ_INDEX="$OUT/kb.sqlite"
mkdir -p "$OUT/corpus/search"
i=0
for f in tests/eval/public-queries.tsv tests/eval/intl/public-queries-*.tsv tests/eval/tweets-own.tsv; do
  tail -n +2 "$f" | cut -f2 | while IFS= read -r line; do
    i=$((i + 1)); printf '%s' "$line" > "$OUT/corpus/search/$(basename "$f" .tsv)-$i"
  done
done
mkdir -p "$OUT/corpus/json" "$OUT/corpus/reply"
printf '{"text":"sim tray stuck","author":"jo","limit":3}' > "$OUT/corpus/json/basic"
printf '{"text":"x","slug":"cafe-wifi","action":"sent"}' > "$OUT/corpus/json/feedback"
printf '{"mon":"09:00-17:30","sun":"closed","mon":"x"}' > "$OUT/corpus/json/hours"
printf '{"slug":"cafe-wifi","helpful":true}' > "$OUT/corpus/json/helpful"
printf 'jo_bloggs\0Here is how: {url} {title}\0Remove the SIM from an iPhone' > "$OUT/corpus/reply/basic"

passed=0; failed=0; n=0
for t in $TARGETS; do
  n=$((n + 1))
  bin="$OUT/fuzz_$t"
  if ! $CC $FLAGS -fsanitize=fuzzer "tests/fuzz/fuzz_$t.c" $objs $LIBS -o "$bin" 2>"$OUT/build-$t.log"; then
    echo "not ok $n - fuzz_$t (build failed, see $OUT/build-$t.log)"; failed=$((failed + 1)); continue
  fi
  reg="tests/fuzz/regressions/$t"
  if [ -d "$reg" ] && [ -n "$(ls "$reg" 2>/dev/null)" ]; then
    if ! "$bin" "$reg"/* > "$OUT/regress-$t.log" 2>&1; then
      echo "not ok $n - fuzz_$t: a saved regression input fails again ($OUT/regress-$t.log)"
      failed=$((failed + 1)); continue
    fi
  fi
  mkdir -p "$OUT/run/$t"
  if "$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix="$OUT/artifacts/$t-" "$OUT/run/$t" "$OUT/corpus/$t" > "$OUT/fuzz-$t.log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$OUT/fuzz-$t.log" | tail -1)
    echo "ok $n - fuzz_$t ($runs in ${SECS}s)"; passed=$((passed + 1))
  else
    echo "not ok $n - fuzz_$t: crash, leak or timeout; input in $OUT/artifacts/ (copy it to $reg/), log $OUT/fuzz-$t.log"
    grep -m3 -E 'ERROR|runtime error|SUMMARY' "$OUT/fuzz-$t.log" | sed 's/^/# /'
    failed=$((failed + 1))
  fi
done
echo "# fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
