#!/bin/sh
# Install the Debian packages this project needs, and only those missing.
#
#   .ci/deps.sh build     libraries and tools to build and run kb-index / kb-serve
#   .ci/deps.sh test      build + what the test suite needs
#   .ci/deps.sh bench     build + what `make bench` needs
#
# Runs apt-get as root, else through sudo. Safe to run again: when nothing is
# missing it only asks dpkg and exits.
set -eu

build_pkgs="gcc make pkg-config libc6-dev libsqlite3-dev libstemmer-dev libcmark-gfm-dev
 libcmark-gfm-extensions-dev libyaml-dev libutf8proc-dev libmicrohttpd-dev libcjson-dev"
test_pkgs="libcmocka-dev libcurl4-openssl-dev curl clang libclang-rt-14-dev chromium fonts-dejavu-core"
bench_pkgs="wrk nginx-light"

want="$build_pkgs"
for what in "$@"; do
  case "$what" in
    build) ;;
    test) want="$want $test_pkgs" ;;
    bench) want="$want $test_pkgs $bench_pkgs" ;;
    *) echo "deps.sh: unknown set '$what' (build, test, bench)" >&2; exit 2 ;;
  esac
done

missing=""
for p in $want; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
# Node.js and npm run the browser tests; any install of them will do (the
# machine may have one that is not Debian's).
case " $want " in *" chromium "*)
  command -v node >/dev/null 2>&1 || missing="$missing nodejs"
  command -v npm >/dev/null 2>&1 || missing="$missing npm" ;;
esac

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps.sh: missing packages:$missing; this script installs them on Debian/Ubuntu only" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "deps.sh: missing packages:$missing; run as root or install sudo" >&2; exit 1
  fi
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
