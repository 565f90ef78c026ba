#!/bin/sh
# Install what this project needs from Debian's packages, and only what is
# missing.
#
#   .ci/deps.sh build     libraries and tools to build and run kb-index / kb-serve
#   .ci/deps.sh test      build + what the test suite needs
#   .ci/deps.sh bench     build + what `make bench` needs
#
# Each need is first checked the way the build uses it (pkg-config, a header,
# a command on PATH), so a machine that has everything, from whatever source,
# is left alone even without dpkg; only what is missing is installed, with
# apt-get, as root or through sudo. Safe to run again.
set -eu

# One need per line: "package check", the check being
#   pc:NAME     pkg-config knows NAME
#   h:FILE      a header or file under /usr/include (or an absolute path)
#   cmd:NAME    a command on PATH
#   rt:FILE     a file in clang's runtime directory (sanitizers, libFuzzer)
build_needs="gcc:cmd:cc make:cmd:make pkg-config:cmd:pkg-config libc6-dev:h:stdio.h
 libsqlite3-dev:pc:sqlite3 libstemmer-dev:h:libstemmer.h libcmark-gfm-dev:pc:libcmark-gfm
 libcmark-gfm-extensions-dev:h:cmark-gfm-core-extensions.h libyaml-dev:pc:yaml-0.1
 libutf8proc-dev:pc:libutf8proc libmicrohttpd-dev:pc:libmicrohttpd libcjson-dev:pc:libcjson
 zlib1g-dev:pc:zlib libpq-dev:pc:libpq"
test_needs="libcmocka-dev:pc:cmocka libcurl4-openssl-dev:pc:libcurl curl:cmd:curl clang:cmd:clang
 libclang-rt-14-dev:rt:libclang_rt.fuzzer-ARCH.a chromium:cmd:chromium
 fonts-dejavu-core:h:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf nodejs:cmd:node npm:cmd:npm
 postgresql:h:/usr/lib/postgresql/15/bin/initdb nginx-light:h:/usr/sbin/nginx sqlite3:cmd:sqlite3
 python3:cmd:python3"
bench_needs="wrk:cmd:wrk nginx-light:h:/usr/sbin/nginx"

want="$build_needs"
for what in "$@"; do
  case "$what" in
    build) ;;
    test) want="$want $test_needs" ;;
    bench) want="$want $test_needs $bench_needs" ;;
    *) echo "deps.sh: unknown set '$what' (build, test, bench)" >&2; exit 2 ;;
  esac
done

have() { # kind:what
  kind=${1%%:*}; what=${1#*:}
  case "$kind" in
    pc) pkg-config --exists "$what" 2>/dev/null ;;
    cmd) command -v "$what" >/dev/null 2>&1 ;;
    h) case "$what" in /*) [ -e "$what" ] ;; *) [ -e "/usr/include/$what" ] ;; esac ;;
    rt) command -v clang >/dev/null 2>&1 &&
        [ -e "$(clang -print-resource-dir 2>/dev/null)/lib/linux/$(echo "$what" | sed "s/ARCH/$(uname -m)/")" ] ;;
  esac
}

missing=""
for need in $want; do
  pkg=${need%%:*}
  have "${need#*:}" || missing="$missing $pkg"
done

# The browser tests need Node.js 18 or later (playwright-core's own floor,
# package.json pins a release that runs on Debian 12's Node 18).
case " $missing " in *" nodejs "*) ;; *)
  case " $want " in *" nodejs:"*)
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -lt 18 ]; then
      echo "deps.sh: node $(node --version 2>/dev/null) is too old for the browser tests (18 or later)" >&2
      exit 1
    fi ;;
  esac ;;
esac

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: missing:$missing; this script installs them on Debian/Ubuntu only" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "deps.sh: missing:$missing; run as root or install sudo" >&2; exit 1
  fi
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || { echo "deps.sh: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
if ! $sudo apt-get install -y -qq --no-install-recommends $missing >/tmp/deps-apt.$$ 2>&1; then
  tail -5 /tmp/deps-apt.$$ >&2; rm -f /tmp/deps-apt.$$
  echo "deps.sh: apt-get install$missing failed" >&2; exit 1
fi
rm -f /tmp/deps-apt.$$
