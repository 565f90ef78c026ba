#!/bin/sh
# The pages in a real browser: installs the npm packages from the lock file
# when they are missing or stale (npm ci), then runs tests/browser/run.mjs
# (playwright-core driving Debian's chromium), which starts its own kb-serve
# on a free loopback port and prints TAP.
set -eu
cd "$(dirname "$0")/../.."
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  mkdir -p build
  if ! npm ci --silent --no-audit --no-fund >build/npm-ci.log 2>&1; then
    echo "not ok 1 - npm ci failed (the npm registry must be reachable): $(grep -m1 -i 'err' build/npm-ci.log)"
    echo "1..1"; exit 1
  fi
fi
exec node tests/browser/run.mjs
