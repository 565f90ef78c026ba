#!/bin/sh
# The architecture's nevers, checked on the built archives and programs
# (docs/architecture.md): the core references no HTTP, JSON, Markdown or
# YAML library; the indexer no HTTP or JSON library; the server no Markdown
# or YAML library and nothing of the indexer; only the server (kb_pgstore.c)
# calls libpq; kb-serve loads neither
# libcmark-gfm nor libyaml, kb-index neither libmicrohttpd nor libcjson.
# Prints TAP. Usage: tests/layers.sh [OBJDIR [BINDIR]]
set -u
cd "$(dirname "$0")/.."
O=${1:-build/release}; B=${2:-bin}
n=0; bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }

# undefined symbols of an archive matching a pattern
undef() { nm -u "$1" 2>/dev/null | awk '{print $NF}' | grep -E "$2" | sort -u | head -5 | tr '\n' ' '; }
check_undef() { # archive pattern what
  [ -f "$1" ] || { notok "$1 exists"; return; }
  u=$(undef "$1" "$2")
  if [ -z "$u" ]; then ok "$(basename "$1") references no $3"; else notok "$(basename "$1") references $3: $u"; fi
}
HTTP='^MHD_'; JSON='^cJSON_'; MD='^cmark_'; YAML='^yaml_'; PG='^PQ'
check_undef "$O/libkbcore.a" "$HTTP" "libmicrohttpd"
check_undef "$O/libkbcore.a" "$PG" "libpq"
check_undef "$O/libkbindex.a" "$PG" "libpq"
check_undef "$O/libkbcore.a" "$JSON" "cJSON"
check_undef "$O/libkbcore.a" "$MD" "cmark-gfm"
check_undef "$O/libkbcore.a" "$YAML" "libyaml"
check_undef "$O/libkbindex.a" "$HTTP" "libmicrohttpd"
check_undef "$O/libkbindex.a" "$JSON" "cJSON"
check_undef "$O/libkbserver.a" "$MD" "cmark-gfm"
check_undef "$O/libkbserver.a" "$YAML" "libyaml"

# the server uses nothing the indexer defines, the core nothing of either
defined() { nm -g --defined-only "$1" 2>/dev/null | awk 'NF==3{print $3}' | sort -u; }
cross() { # user provider what
  d=$(mktemp); defined "$2" > "$d"
  u=$(nm -u "$1" 2>/dev/null | awk '{print $NF}' | sort -u | comm -12 - "$d" | head -5 | tr '\n' ' ')
  rm -f "$d"
  if [ -z "$u" ]; then ok "$(basename "$1") uses nothing of $3"; else notok "$(basename "$1") uses $3: $u"; fi
}
cross "$O/libkbserver.a" "$O/libkbindex.a" "the indexer"
cross "$O/libkbcore.a" "$O/libkbindex.a" "the indexer"
cross "$O/libkbcore.a" "$O/libkbserver.a" "the server"
cross "$O/libkbindex.a" "$O/libkbserver.a" "the server"

# what the programs load
libs() { ldd "$1" 2>/dev/null | awk '{print $1}' | tr '\n' ' '; }
check_ldd() { # program pattern what
  [ -x "$1" ] || { notok "$1 exists"; return; }
  l=$(libs "$1" | tr ' ' '\n' | grep -E "$2" | tr '\n' ' ')
  if [ -z "$l" ]; then ok "$(basename "$1") loads no $3"; else notok "$(basename "$1") loads $l"; fi
}
check_ldd "$B/kb-serve" 'cmark|yaml' "Markdown or YAML library"
check_ldd "$B/kb-index" 'microhttpd|cjson|libpq' "HTTP, JSON or PostgreSQL library"
check_ldd "$B/kb-search" 'microhttpd|cjson|cmark|yaml|libpq' "HTTP, JSON, Markdown, YAML or PostgreSQL library"
check_ldd "$B/kb-report" 'microhttpd|cjson|cmark|yaml|libpq' "HTTP, JSON, Markdown, YAML or PostgreSQL library"
# libpq is the server's alone, and only the shared store's module calls it
u=$(for o in "$O"/src/server/*.o; do case "$o" in */kb_pgstore.o) ;; *) nm -u "$o" 2>/dev/null | awk '{print $NF}' | grep -E "$PG" | sed "s|^|$(basename "$o"):|" ;; esac; done | head -3 | tr '\n' ' ')
if [ -z "$u" ]; then ok "only kb_pgstore.o calls libpq"; else notok "libpq called outside kb_pgstore.o: $u"; fi

# the core includes only public headers (its compile path has only include/)
h=$(grep -ln '#include "\(server\|kb_server\|kb_build\|kb_article\|kb_synonyms\|kb_index_writer\)\.h"' src/core/*.c include/*.h 2>/dev/null | tr '\n' ' ')
if [ -z "$h" ]; then ok "core sources include no header of another room"; else notok "core includes another room's header: $h"; fi
echo "1..$n"
[ "$bad" -eq 0 ]
