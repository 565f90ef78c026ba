#!/bin/sh
# The pages in a real browser: installs the npm packages from the lock file
# when they are missing or stale (npm ci), then runs tests/browser/run.mjs
# (playwright-core driving Debian's chromium), which starts its own kb-serve
# on a free loopback port and prints TAP.
set -eu
cd "$(dirname "$0")/../.."
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --silent --no-audit --no-fund >/dev/null
fi
exec node tests/browser/run.mjs
