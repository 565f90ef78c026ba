#!/bin/sh
# Runs every test suite against the plain build (bin/) and the ASan+UBSan
# build (build/san/bin), then prints one summary line: "N passed, N failed".
# Each C suite reports in TAP (cmocka's CMOCKA_MESSAGE_OUTPUT=TAP); other
# suites (browser tests, scripts) print TAP too.  Logs: build/test-logs/.
set -u
cd "$(dirname "$0")/.."
logs=build/test-logs
rm -rf "$logs"; mkdir -p "$logs"
passed=0; failed=0; skipped=0; failures=""
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_suite() { # variant name command...
  variant=$1; name=$2; shift 2
  log="$logs/$variant-$name.log"
  "$@" >"$log" 2>&1
  rc=$?
  p=$(grep -c '^ok ' "$log")
  # cmocka reports a skipped test as "not ok N # SKIP": not a failure
  sk=$(grep -c '^not ok .*# SKIP' "$log")
  f=$(( $(grep -c '^not ok ' "$log") - sk ))
  skipped=$((skipped + sk))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1  # crashed, sanitizer report or harness error outside any test
  fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -gt 0 ]; then
    failures="$failures $variant/$name"
    echo "FAIL $variant/$name ($p passed, $f failed) - $log"
    grep -E '^not ok |ERROR|runtime error|Sanitizer' "$log" | head -20 | sed 's/^/    /'
  else
    echo "ok   $variant/$name ($p passed)"
  fi
}

for variant in release san; do
  if [ $variant = release ]; then obj=build/release; bin=bin; else obj=build/san; bin=build/san/bin; fi
  export KB_BIN="$bin"
  for t in "$obj"/tests/test_*; do
    [ -x "$t" ] || continue
    run_suite $variant "$(basename "$t")" "$t"
  done
done

# The architecture's nevers (docs/architecture.md), on both builds.
run_suite release layers sh tests/layers.sh build/release bin
run_suite san layers sh tests/layers.sh build/san build/san/bin

# Replicas learning together through PostgreSQL behind nginx, and their
# failures (tests/cluster/run.sh, about 30 s; plain build).
run_suite cluster replicas sh tests/cluster/run.sh bin

# Relevance floors: the labelled sets through the real suggest and search
# paths (plain build); a figure under its floor fails.
export KB_BIN=bin
run_suite relevance floors sh tests/eval/floors.sh
# The labelled examples' inputs: fit.py's (tests/eval/exinputs.py) and the
# product's agree (kb-eval --dump), so a fit weighs what the server computes.
run_suite relevance examples python3 tests/eval/examples_check.py
# The word model's inputs: clfinputs.py's (fit.py's FIT_CLF) and the
# product's (src/core/kb_words.c, kb-eval --dump) agree to 1e-9.
run_suite relevance clf python3 tests/eval/clf_check.py
# fit.py's threshold choices (FIT_ABST) on made-up outcomes (a second).
run_suite relevance fitcheck python3 tests/eval/fit_check.py

# Fuzzing, briefly (make fuzz runs each target for FUZZ_SECONDS, default 60).
if command -v clang >/dev/null 2>&1; then
  FUZZ_SECONDS=${FUZZ_TEST_SECONDS:-3}
  export FUZZ_SECONDS
  run_suite fuzz targets sh tests/fuzz/run.sh
fi

# The pages in a real browser (Chromium + playwright-core), when installed.
if [ -f tests/browser/run.sh ]; then
  run_suite browser pages sh tests/browser/run.sh
fi

echo
[ -n "$failures" ] && echo "failed suites:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
