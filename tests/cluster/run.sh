#!/bin/sh
# tests/cluster/run.sh - several replicas learning together through
# PostgreSQL, behind nginx, and what happens when a part fails (issue 21,
# docs/operations.md "Several machines"). Prints TAP.
#
# Starts, in a temporary directory, on 127.0.0.1 only: a PostgreSQL 15
# cluster (tests/cluster/pg.sh: as an unprivileged user when run as root),
# three kb-serve replicas with --feedback-db, and nginx in front of them
# (the upstream of docs/operations.md). Then:
#   - the schema is applied once, a newer one is refused
#   - every replica reports the same build id (/healthz, /metrics)
#   - feedback through one replica changes the suggestions of the others
#     within 1 second
#   - a client id makes a retried feedback or helpful answer a no-op, in
#     PostgreSQL and in the SQLite store
#   - PostgreSQL stopped under load: suggest and search keep answering,
#     /healthz says degraded, feedback gets 503 JSON; back: writes resume
#     without a restart, and every acknowledged write is in the store
#   - a replica killed with -9 under load: no failed request at nginx
#   - a backlog of 5,000 rows is mirrored raw and learned once
#   - page views through one replica make another's popular articles
#   - kb-serve --copy-store copies an SQLite store into an empty one
#   - each event and action keeps its language through the shared store:
#     one replica's French feedback and mention are another's French figures
#   - the events in PostgreSQL keep to --events-days and --events-max-mb
#   - a submitted search's abstention and first result (#19) reach
#     PostgreSQL and another replica's no-fit report; the typing
#     fragment's stay NULL; a replica of before migration 4 (its writes and
#     reads, as its SQL has them) keeps working on the migrated store; the
#     copy of an SQLite store carries them
# Usage: tests/cluster/run.sh [BINDIR]   (default bin; KB_BIN too)
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
B=${1:-${KB_BIN:-bin}}
case "$B" in /*) ;; *) B="$ROOT/$B" ;; esac
. tests/cluster/pg.sh

n=0; bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
check() { # description command...
  d=$1; shift
  if "$@"; then ok "$d"; else notok "$d"; fi
}
diag() { echo "# $*"; }

T=$(mktemp -d /tmp/kb-cluster.XXXXXX)
pids=""
cleanup() {
  for p in $pids; do kill -TERM "$p" 2>/dev/null; done
  for p in $pids; do wait "$p" 2>/dev/null; done
  pg_down
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$NGINX" ]; then
  echo "not ok 1 - PostgreSQL ($PG_BIN/initdb) and nginx are installed (sh .ci/deps.sh test)"
  echo "1..1"; exit 1
fi

"$B/kb-index" -q kb -o "$T/kb.sqlite" || { echo "not ok 1 - kb-index"; echo "1..1"; exit 1; }
check "PostgreSQL starts in a temporary directory as an unprivileged user" pg_up "$T"
[ -n "${PG_URL:-}" ] || { echo "1..$n"; exit 1; }

post() { # url json -> body, then " CODE" on the last line
  curl -s -m 10 -X POST -H 'Content-Type: application/json' -d "$2" -w ' %{http_code}' "$1"
}
code_of() { printf '%s' "$1" | awk '{print $NF}' | tail -1; }

# --- three replicas ----------------------------------------------------------
rport() { eval echo "\$RPORT$1"; }
start_replica() { # i
  i=$1
  eval "RPORT$i=\${RPORT$i:-\$(pg_free_port)}"
  mkdir -p "$T/r$i"
  "$B/kb-serve" --index "$T/kb.sqlite" --listen "127.0.0.1:$(rport "$i")" --data "$T/r$i" \
    --feedback-db "$PG_URL" --web web --rate -1 --threads 2 --quiet >>"$T/r$i.log" 2>&1 &
  eval "RPID$i=$!"
  pids="$pids $!"
  for _ in $(seq 100); do
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$(rport "$i")/healthz" && return 0
    sleep 0.1
  done
  cat "$T/r$i.log" >&2
  return 1
}
started=0
for i in 1 2 3; do start_replica $i && started=$((started + 1)); done
check "three replicas start on the shared store" test "$started" = 3
R1="http://127.0.0.1:$RPORT1"; R2="http://127.0.0.1:$RPORT2"; R3="http://127.0.0.1:$RPORT3"

check "the schema's migrations are applied once" \
  test "$(pg_sql 'SELECT string_agg(version::text, $$,$$ ORDER BY version) FROM kb_schema')" = "1,2,3,4"

ids=""
for r in "$R1" "$R2" "$R3"; do
  ids="$ids $(curl -s "$r/healthz" | sed -n 's/.*"build_id":"\([0-9a-f]*\)".*/\1/p')"
done
set -- $ids
check "every replica's /healthz names the same build id ($1)" \
  test "$#" = 3 -a "$1" = "$2" -a "$2" = "$3" -a "${#1}" = 16
check "/metrics carries it" sh -c "curl -s '$R2/metrics' | grep -q 'kb_index_info{build_id=\"$1\"} 1'"

# --- nginx in front ----------------------------------------------------------
NPORT=$(pg_free_port)
ng="$T/nginx"; mkdir -p "$ng/tmp"
cat >"$ng/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $ng/tmp/body;
    proxy_temp_path $ng/tmp/proxy;
    fastcgi_temp_path $ng/tmp/fastcgi;
    uwsgi_temp_path $ng/tmp/uwsgi;
    scgi_temp_path $ng/tmp/scgi;
    upstream kb {
        server 127.0.0.1:$RPORT1 max_fails=1 fail_timeout=10s;
        server 127.0.0.1:$RPORT2 max_fails=1 fail_timeout=10s;
        server 127.0.0.1:$RPORT3 max_fails=1 fail_timeout=10s;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$NPORT;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_connect_timeout 1s;
        proxy_next_upstream_tries 3;
        # GET, HEAD: nginx retries them on another replica by itself
        location / {
            proxy_pass http://kb;
            proxy_next_upstream error timeout http_502 http_503;
        }
        # suggest is a POST that changes nothing: safe to retry
        location = /api/v1/suggest {
            proxy_pass http://kb;
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
        }
        # writes: retried only when the request never reached a replica
        location ~ ^/api/v1/(feedback|helpful)\$ {
            proxy_pass http://kb;
            proxy_next_upstream error timeout;
        }
    }
}
EOF
drop=""
if [ "$(id -u)" = 0 ]; then chown -R "$PG_USER" "$ng"; drop="setpriv --reuid=$PG_USER --regid=nogroup --clear-groups --"; fi
$drop "$NGINX" -p "$ng/" -c "$ng/nginx.conf" -e "$ng/error.log" &
pids="$pids $!"
N="http://127.0.0.1:$NPORT"
for _ in $(seq 50); do curl -s -o /dev/null -m 1 "$N/healthz" && break; sleep 0.1; done
check "nginx answers in front of the replicas" test "$(curl -s -o /dev/null -w '%{http_code}' "$N/healthz")" = 200

# --- learning together -------------------------------------------------------
# A mention no article's words match: only what was learned can suggest it
# (before, the collection's general pages are shown, marked general: rule37b).
learned_within() { # replica text slug deadline_ms
  t0=$(date +%s%N)
  while :; do
    post "$1/api/v1/suggest" "{\"text\":\"$2\"}" | grep -q "\"slug\":\"$3\"" && {
      echo $(( ($(date +%s%N) - t0) / 1000000 )); return 0; }
    [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt "$4" ] && return 1
    sleep 0.05
  done
}
txt="zorblax quux frobnicate"
general_only() { # body: general pages, and not the article learned below
  printf '%s' "$1" | grep -q '"general":true' && ! printf '%s' "$1" | grep -q '"slug":"battery-problems"'
}
check "before any feedback, '$txt' suggests general pages only, not battery-problems" \
  general_only "$(post "$R2/api/v1/suggest" "{\"text\":\"$txt\"}")"
got=$(post "$R1/api/v1/feedback" "{\"text\":\"$txt\",\"slug\":\"battery-problems\",\"action\":\"sent\"}")
check "feedback through replica 1 is stored (201)" test "$(code_of "$got")" = 201
for r in 2 3; do
  if ms=$(learned_within "$(eval echo "\$R$r")" "$txt" battery-problems 1000); then
    ok "replica $r suggests it within 1 s (${ms} ms)"
  else notok "replica $r suggests it within 1 s"; fi
done

# --- retries -----------------------------------------------------------------
body='{"text":"my battery died twice","slug":"battery-problems","action":"sent","client_id":"tweet-1234"}'
a=$(post "$R1/api/v1/feedback" "$body"); b=$(post "$R3/api/v1/feedback" "$body")
check "a feedback retried with its client_id through another replica: 201 then 200, one id" \
  sh -c "test '$(code_of "$a")' = 201 && test '$(code_of "$b")' = 200 &&
         test '$(printf '%s' "$a" | sed 's/,"stored.*//')' = '$(printf '%s' "$b" | sed 's/,"stored.*//')'"
check "it is stored once in PostgreSQL" test "$(pg_sql "SELECT count(*) FROM feedback WHERE client_id = 'tweet-1234'")" = 1
hb='{"slug":"battery-problems","helpful":true,"client_id":"h-77"}'
post "$R1/api/v1/helpful" "$hb" >/dev/null; post "$R2/api/v1/helpful" "$hb" >/dev/null; post "$N/api/v1/helpful" "$hb" >/dev/null
sleep 1
check "a helpful answer sent three times with its client_id is stored once" \
  test "$(pg_sql "SELECT count(*) FROM events WHERE kind = 'helpful' AND client_id = 'h-77'")" = 1
# page views are events too: one replica's views are every replica's
# popular articles (they were counted in each replica's memory)
for _ in 1 2 3 4 5; do curl -s -o /dev/null -m 10 "$R1/help/transfer-data"; done
first_popular() { curl -s -m 10 "$1/" | sed -n 's/.*<ol class="popular"><li><a href="\([^"]*\)".*/\1/p'; }
pop=""
for _ in $(seq 50); do pop=$(first_popular "$R3"); [ "$pop" = /help/transfer-data ] && break; sleep 0.1; done
check "page views through replica 1 make the first popular article of replica 3's home page" \
  test "$pop" = /help/transfer-data
# the reports per language (#20): a French mention and a French action
# through replica 1 are French in PostgreSQL and in replica 3's reports
post "$R1/api/v1/suggest" '{"text":"vous organisez des concerts cet été ?"}' >/dev/null
post "$R1/api/v1/feedback" '{"text":"comment je garde mon numéro","slug":"keep-your-number","action":"sent"}' >/dev/null
post "$R1/api/v1/helpful" '{"slug":"keep-your-number","helpful":false,"lang":"de"}' >/dev/null
fr=""
for _ in $(seq 50); do
  fr=$(curl -s -m 10 "$R3/api/v1/reports/languages?days=0" | grep -o '{"lang":"fr","mentions":1,"answerable":0,"sent":1,[^}]*}')
  [ -n "$fr" ] && break; sleep 0.1
done
check "a French mention and action through replica 1 are replica 3's French figures ($fr)" test -n "$fr"
# the events reach PostgreSQL from each replica's event writer, not with
# the request's answer: wait for all three (a fresh machine's run saw the
# query before the helpful answer's event was there)
langs=""
for _ in $(seq 50); do
  langs=$(pg_sql "SELECT (SELECT lang FROM feedback WHERE slug = 'keep-your-number') || (SELECT string_agg(lang, '' ORDER BY kind) FROM events WHERE kind IN ('mention', 'helpful') AND (text LIKE 'vous%' OR slug = 'keep-your-number'))")
  [ "$langs" = frdefr ] && break; sleep 0.1
done
check "PostgreSQL keeps each one's language ($langs)" test "$langs" = frdefr
check "replica 3's French reports list the French mention only" \
  sh -c "curl -s '$R3/api/v1/reports/unanswered?days=0&lang=fr' | grep -q 'vous organisez' &&
         ! curl -s '$R3/api/v1/reports/unanswered?days=0&lang=fr' | grep -q zorblax"

# the searches no article fits (#19): a submitted search through replica 1
# is stored with its abstention and first result, the typing fragment's
# with NULL; replica 3's mirror brings them into its no-fit report
answer=$(curl -s -m 10 "$R1/api/v1/search?q=do+you+sell+garden+furniture")
first=$(printf '%s' "$answer" | grep -o '"slug":"[^"]*"' | head -1 | sed 's/"slug":"\(.*\)"/\1/')
total=$(printf '%s' "$answer" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
curl -s -o /dev/null -m 10 "$R1/search?q=do+you+sell+garden+furniture&fragment=1"
curl -s -o /dev/null -m 10 "$R1/api/v1/search?q=how+do+I+get+the+sim+out+of+my+iphone"
fits=""
for _ in $(seq 50); do
  fits=$(pg_sql "SELECT string_agg(coalesce(nothing_fits::text, 'NULL') || '|' || coalesce(top_slug, 'NULL') || '|' || slug, ',' ORDER BY id)
                 FROM events WHERE kind = 'search' AND (text LIKE '%garden furniture' OR text LIKE '%iphone')")
  [ "$fits" = "1|$first|en,NULL|NULL|en,0|remove-sim-iphone|en" ] && break; sleep 0.1
done
check "PostgreSQL keeps a search's abstention and first result, NULL for the fragment's ($fits; first $first)" \
  test -n "$first" -a "$fits" = "1|$first|en,NULL|NULL|en,0|remove-sim-iphone|en"
nofit=""
for _ in $(seq 50); do
  nofit=$(curl -s -m 10 "$R3/api/v1/reports/no-fit?days=0&lang=en")
  case "$nofit" in *'"search":"do you sell garden furniture","shown":"'"$first"'","times":1}'*) break ;; esac
  sleep 0.1
done
check "replica 3's no-fit report lists replica 1's search with its first result ($nofit)" \
  sh -c "printf '%s' '$nofit' | grep -qF '{\"search\":\"do you sell garden furniture\",\"shown\":\"$first\",\"times\":1}' &&
         ! printf '%s' '$nofit' | grep -q iphone"
# a replica of before migration 4, still running on the migrated store: its
# insert and its mirror's read are those of migration 3's SQL
check "a replica of before migration 4 still writes its events (no new column named)" \
  pg_sql "BEGIN; SELECT pg_advisory_xact_lock(2102); INSERT INTO events(kind, ts, text, collection, slug, num, client_id, lang)
          VALUES ('search', now(), 'old replica search', NULL, 'en', 4, NULL, 'en'); NOTIFY kb_changed; COMMIT"
check "and reads a new replica's search as before (its mirror's query: lang in slug, total in num)" \
  test "$(pg_sql "SELECT kind || ' ' || slug || ' ' || num || ' ' || lang FROM (SELECT id, kind, text, collection, slug, num,
                  client_id, lang FROM events WHERE id > 0 ORDER BY id) e WHERE text = 'do you sell garden furniture' LIMIT 1")" = "search en $total en"
old=""
for _ in $(seq 50); do
  old=$(sqlite3 "$T/r3/mirror.sqlite" "SELECT total || ' ' || coalesce(nothing_fits, 'NULL') || ' ' || coalesce(top_slug, 'NULL') FROM searches WHERE q = 'old replica search'" 2>/dev/null)
  [ "$old" = "4 NULL NULL" ] && break; sleep 0.1
done
check "replica 3 mirrors the old replica's search with NULL for what it does not know ($old)" test "$old" = "4 NULL NULL"

# --- load ----------------------------------------------------------------------
# Clients through nginx until $T/stop exists; one status code a line.
load() { # out
  k=0
  while [ ! -e "$T/stop" ]; do
    k=$((k + 1))
    if [ $((k % 2)) = 0 ]; then
      curl -s -o /dev/null -m 10 -w '%{http_code}\n' "$N/api/v1/search?q=battery" >>"$1"
    else
      curl -s -o /dev/null -m 10 -w '%{http_code}\n' -X POST -H 'Content-Type: application/json' \
        -d '{"text":"my phone battery drains overnight"}' "$N/api/v1/suggest" >>"$1"
    fi
  done
}
start_load() {
  rm -f "$T/stop" "$T"/load.*
  for c in 1 2 3; do load "$T/load.$c" & lpids="$lpids $!"; done
}
stop_load() {
  touch "$T/stop"
  for p in $lpids; do wait "$p"; done
  lpids=""
  total=$(cat "$T"/load.* | wc -l)
  failed=$(cat "$T"/load.* | grep -vc '^200$')
}
lpids=""

# --- PostgreSQL stopped under load --------------------------------------------
start_load
acked="$T/acked"; : >"$acked"
writer() { # writes feedback through nginx until $T/stop; the ids of the 201s
  k=0
  while [ ! -e "$T/stop" ]; do
    k=$((k + 1))
    r=$(post "$N/api/v1/feedback" "{\"text\":\"battery dies overnight $k\",\"slug\":\"battery-problems\",\"action\":\"sent\",\"client_id\":\"w-$k\"}")
    case "$(code_of "$r")" in
      201|200) printf '%s\n' "$r" | sed -n 's/.*"id":\([0-9]*\).*/\1/p' >>"$acked" ;;
      503) printf '%s\n' "$r" | grep -q '"error":{"code":"feedback_unavailable"' && echo 503 >>"$T/w503" ;;
      *) echo "$r" >>"$T/wbad" ;;
    esac
    sleep 0.05
  done
}
writer & lpids="$lpids $!"
sleep 1
pg_stop
sleep 1
hz=$(curl -s "$R2/healthz")
check "PostgreSQL stopped: /healthz says degraded" sh -c "printf '%s' '$hz' | grep -q '\"status\":\"degraded\"'"
check "PostgreSQL stopped: /healthz says the store is not ok" sh -c "printf '%s' '$hz' | grep -q '\"store\":{\"kind\":\"postgresql\",\"ok\":false'"
fb=$(post "$R1/api/v1/feedback" '{"text":"while it is down","slug":"battery-problems","action":"sent"}')
check "PostgreSQL stopped: feedback gets 503 with a JSON error" \
  sh -c "test '$(code_of "$fb")' = 503 && printf '%s' '$fb' | grep -q '^{\"error\":{\"code\":\"feedback_unavailable\",\"message\":'"
check "PostgreSQL stopped: suggestions still use what was learned" \
  sh -c "curl -s -X POST -H 'Content-Type: application/json' -d '{\"text\":\"$txt\"}' '$R3/api/v1/suggest' | grep -q '\"slug\":\"battery-problems\"'"
sleep 1
pg_start
t0=$(date +%s%N); back=""
for _ in $(seq 100); do
  r=$(post "$R1/api/v1/feedback" '{"text":"after it came back","slug":"battery-problems","action":"sent","client_id":"back-1"}')
  [ "$(code_of "$r")" = 201 ] && { back=$(( ($(date +%s%N) - t0) / 1000000 )); break; }
  sleep 0.1
done
check "PostgreSQL back: feedback is stored again without a restart (${back:-never} ms)" test -n "$back"
sleep 1.5
check "PostgreSQL back: /healthz says ok" sh -c "curl -s '$R3/healthz' | grep -q '^{\"status\":\"ok\"'"
stop_load
diag "PostgreSQL stop: $total suggest/search requests through nginx, $failed not 200;" \
  "feedback writes: $(wc -l <"$acked") acknowledged, $(cat "$T/w503" 2>/dev/null | wc -l) refused with 503"
check "PostgreSQL stop: every suggest and search answered 200 ($total requests)" test "$failed" = 0 -a "$total" -gt 0
check "PostgreSQL stop: every write answered 201/200 or 503 JSON" test ! -s "$T/wbad"
check "PostgreSQL stop: some writes were refused while it was down" test -s "$T/w503"
missing=0
for id in $(sort -u "$acked"); do
  [ "$(pg_sql "SELECT count(*) FROM feedback WHERE id = $id")" = 1 ] || missing=$((missing + 1))
done
check "PostgreSQL stop: every acknowledged write is in the store ($(sort -u "$acked" | wc -l), $missing missing)" \
  test "$missing" = 0 -a -s "$acked"

# --- a replica killed with -9 under load ---------------------------------------
start_load
sleep 1
kill -KILL "$RPID2"
sleep 2
stop_load
diag "kill -9: $total requests through nginx, $failed not 200"
check "a replica killed with -9 under load: 0 failed requests at nginx ($total requests)" \
  test "$failed" = 0 -a "$total" -gt 0
start_replica 2 && check "the killed replica starts again and catches up with what it missed" \
  sh -c "sleep 1; curl -s -X POST -H 'Content-Type: application/json' -d '{\"text\":\"$txt\"}' '$R2/api/v1/suggest' | grep -q '\"slug\":\"battery-problems\"'"

# --- a backlog: 5,000 feedback rows at once -----------------------------------
# (a copied store, a replica down for long): the mirrors load them raw and
# learn once; the article keeps its newest 16 learned mentions.
pg_sql "INSERT INTO feedback(text, collection, slug, action) SELECT 'quargle widget ' || g, 'default',
        'cracked-screen', 'sent' FROM generate_series(1, 5000) g; NOTIFY kb_changed" >/dev/null
mirrored() { sqlite3 "$T/r1/mirror.sqlite" "SELECT count(*) FROM feedback WHERE slug = 'cracked-screen';
               SELECT count(*) FROM learned_of WHERE slug = 'cracked-screen'" 2>&1 | tr '\n' ' '; }
t0=$(date +%s%N)
for _ in $(seq 300); do [ "$(mirrored)" = "5000 16 " ] && break; sleep 0.1; done
kept=$(mirrored)
check "5,000 rows at once: replica 1 mirrors every row, its article learns its newest 16 ($kept, $(( ($(date +%s%N) - t0) / 1000000 )) ms)" \
  test "$kept" = "5000 16 "
check "and suggests it for their words" \
  sh -c "curl -s -X POST -H 'Content-Type: application/json' -d '{\"text\":\"quargle widget\"}' '$R1/api/v1/suggest' | grep -q '\"slug\":\"cracked-screen\"'"

# --- copying an SQLite store -------------------------------------------------
mkdir -p "$T/solo"
SP=$(pg_free_port)
"$B/kb-serve" --index "$T/kb.sqlite" --listen "127.0.0.1:$SP" --data "$T/solo" --web web --quiet >"$T/solo.log" 2>&1 &
spid=$!; pids="$pids $spid"
for _ in $(seq 100); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$SP/healthz" && break; sleep 0.1; done
S="http://127.0.0.1:$SP"
a=$(post "$S/api/v1/feedback" '{"text":"screen cracked","slug":"cracked-screen","action":"sent","client_id":"s-1"}')
b=$(post "$S/api/v1/feedback" '{"text":"screen cracked","slug":"cracked-screen","action":"sent","client_id":"s-1"}')
post "$S/api/v1/feedback" '{"text":"bill is wrong","slug":"billing-query","action":"edited","lang":"es"}' >/dev/null
post "$S/api/v1/helpful" '{"slug":"cracked-screen","helpful":true,"client_id":"sh-1"}' >/dev/null
post "$S/api/v1/helpful" '{"slug":"cracked-screen","helpful":true,"client_id":"sh-1"}' >/dev/null
curl -s -o /dev/null -m 10 "$S/help/cracked-screen"
curl -s -o /dev/null -m 10 "$S/api/v1/search?q=do+you+sell+garden+furniture"
curl -s -o /dev/null -m 10 "$S/search?q=do+you+sell+garden+furniture&fragment=1"
sleep 0.5
check "SQLite store: a retried feedback with its client_id is stored once (201, then 200)" \
  test "$(code_of "$a") $(code_of "$b")" = "201 200"
kill -TERM "$spid"; wait "$spid" 2>/dev/null
check "SQLite store: a retried helpful answer with its client_id is stored once" \
  test "$(sqlite3 "$T/solo/feedback.sqlite" "SELECT count(*) FROM helpful WHERE client_id = 'sh-1'")" = 1
pg_sql "CREATE DATABASE copied" >/dev/null
CURL="postgresql://kb@127.0.0.1:$PG_PORT/copied"
check "kb-serve --copy-store copies an SQLite store into an empty shared store" \
  "$B/kb-serve" --copy-store "$T/solo/feedback.sqlite" --feedback-db "$CURL"
check "the copy holds its feedback and events" \
  test "$(pg_sql "SELECT (SELECT count(*) FROM feedback) || ' ' || (SELECT count(*) FROM events WHERE kind = 'helpful')" copied)" = "2 1"
check "the copy keeps each row's language" \
  test "$(pg_sql "SELECT string_agg(coalesce(lang, '-'), ',' ORDER BY id) FROM feedback" copied)" = "en,es"
check "the copy holds the page views" \
  test "$(pg_sql "SELECT count(*) FROM events WHERE kind = 'view' AND slug = 'cracked-screen'" copied)" = 1
solo=$(sqlite3 "$T/solo/feedback.sqlite" "SELECT group_concat(coalesce(nothing_fits, 'NULL') || '|' || coalesce(top_slug, 'NULL'), ',') FROM (SELECT * FROM searches ORDER BY rowid)")
copied=$(pg_sql "SELECT string_agg(coalesce(nothing_fits::text, 'NULL') || '|' || coalesce(top_slug, 'NULL'), ',' ORDER BY id) FROM events WHERE kind = 'search'" copied)
check "the copy keeps each search's abstention and first result ($copied)" \
  test "$copied" = "$solo" -a "${copied#1|}" != "$copied" -a "${copied%,NULL|NULL}" != "$copied"
check "a second copy into the same store is refused" \
  sh -c "! '$B/kb-serve' --copy-store '$T/solo/feedback.sqlite' --feedback-db '$CURL' 2>'$T/copy2.err' && grep -q 'already holds' '$T/copy2.err'"

# --- the events' retention in PostgreSQL ----------------------------------------
# 20,000 public searches of about 150 bytes (3 MB) logged by replicas, and
# one of 100 days ago; a replica with --events-max-mb 1 and --events-days
# 90 on that store: the old one goes at once, and the next batch it writes
# brings the events under the cap (the oldest first, down to 0.9 MiB).
pg_sql "CREATE DATABASE capped" >/dev/null
KURL="postgresql://kb@127.0.0.1:$PG_PORT/capped"
mkdir -p "$T/capped"
KP=$(pg_free_port)
"$B/kb-serve" --index "$T/kb.sqlite" --listen "127.0.0.1:$KP" --data "$T/capped" --web web --quiet \
  --rate -1 --feedback-db "$KURL" --events-max-mb 1 --events-days 90 >"$T/capped.log" 2>&1 &
kpid=$!; pids="$pids $kpid"
for _ in $(seq 100); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$KP/healthz" && break; sleep 0.1; done
ebytes() { pg_sql "SELECT value FROM kb_meta WHERE key = 'events_bytes'" capped; }
# that replica made the store's tables; it stops before the rows go in, so
# that no trim of its own (by age or by size: it runs with the same caps)
# runs between the rows and the reading of their size below (a trim there
# once left the counter 63 bytes over the rows, once read 'before' under 3 MB)
for _ in $(seq 100); do [ -n "$(ebytes 2>/dev/null)" ] && break; sleep 0.1; done
kill -TERM "$kpid"; wait "$kpid" 2>/dev/null
# (the old one stored last: the cap, oldest id first, would not reach it),
# and the counter as the replicas that wrote them would have left it, in the
# same transaction (psql -c sends one string: one transaction)
pg_sql "INSERT INTO events(kind, ts, text, collection, num) SELECT 'search', now() - interval '1 day' + g * interval '1 ms',
          repeat('battery ', 12) || g, 'default', 1 FROM generate_series(1, 20000) g;
        INSERT INTO events(kind, ts, text, collection, num) VALUES ('search', now() - interval '100 days', 'very old', 'default', 1);
        UPDATE kb_meta SET value = (SELECT coalesce(sum(48 + octet_length(coalesce(text, '')) + octet_length(coalesce(collection, ''))
                 + octet_length(coalesce(slug, ''))), 0) FROM events)::text WHERE key = 'events_bytes'" capped >/dev/null
before=$(ebytes)
# its next start trims by age at once
"$B/kb-serve" --index "$T/kb.sqlite" --listen "127.0.0.1:$KP" --data "$T/capped" --web web --quiet \
  --rate -1 --feedback-db "$KURL" --events-max-mb 1 --events-days 90 >>"$T/capped.log" 2>&1 &
kpid=$!; pids="$pids $kpid"
for _ in $(seq 100); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$KP/healthz" && break; sleep 0.1; done
newest() { pg_sql "SELECT count(*) FROM events WHERE text = 'newest search kept'" capped; }
for k in $(seq 300); do # a search now and then until one is logged (a loaded machine)
  [ "$(newest)" = 0 ] && [ $((k % 30)) = 1 ] &&
    curl -s -o /dev/null -m 10 "http://127.0.0.1:$KP/api/v1/search?q=newest+search+kept"
  # the trim deletes in steps down to nine tenths of the cap: wait for the
  # last step, not a step that happens to pass under the cap
  [ "$(ebytes)" -le 943713 ] && [ "$(newest)" -ge 1 ] && break
  sleep 0.1
done
after=$(ebytes)
diag "events in PostgreSQL: $before bytes before, $after after (cap 1 MiB)"
check "PostgreSQL events: over --events-max-mb, the oldest are deleted down to 0.9-1 MiB" \
  test "$before" -gt 3000000 -a "$after" -le 1048576 -a "$after" -ge 900000
# a search with a first result: its top_slug is counted in the size too
curl -s -o /dev/null -m 10 "http://127.0.0.1:$KP/api/v1/search?q=how+do+I+get+the+sim+out+of+my+iphone"
for _ in $(seq 100); do
  [ "$(pg_sql "SELECT count(*) FROM events WHERE top_slug = 'remove-sim-iphone'" capped)" -ge 1 ] && break
  sleep 0.1
done
# the counter and the rows read in one statement (one snapshot): a search
# logged between two reads would otherwise differ by its own size
both=$(pg_sql "SELECT (SELECT value FROM kb_meta WHERE key = 'events_bytes') || ' ' ||
                (SELECT coalesce(sum(48 + octet_length(coalesce(text, '')) + octet_length(coalesce(collection, ''))
                 + octet_length(coalesce(slug, '')) + octet_length(coalesce(top_slug, ''))), 0) FROM events)" capped)
check "PostgreSQL events: the kept size is the rows' own ($both)" test "${both% *}" = "${both#* }"
check "PostgreSQL events: older than --events-days are deleted" \
  test "$(pg_sql "SELECT count(*) FROM events WHERE text = 'very old'" capped)" = 0
diag "the newest events: $(pg_sql "SELECT id || ' ' || kind || ' ' || text FROM events ORDER BY id DESC LIMIT 2" capped | tr '\n' ';' | cut -c1-80)"
check "PostgreSQL events: the newest are kept" test "$(newest)" -ge 1
check "PostgreSQL events: what is kept is the newest (one run of ids but the old one's)" \
  test "$(pg_sql "SELECT max(id) - min(id) + 1 - count(*) FROM events" capped)" = 1
curl -s "http://127.0.0.1:$KP/healthz" | grep -q '"events_bytes":' && ok "/healthz shows the shared events' size" ||
  notok "/healthz shows the shared events' size"
kill -TERM "$kpid"; wait "$kpid" 2>/dev/null

# --- a schema newer than the program ------------------------------------------
pg_sql "INSERT INTO kb_schema VALUES (99)" copied >/dev/null
mkdir -p "$T/new"
check "a shared store of a newer schema is refused at start" \
  sh -c "! timeout 20 '$B/kb-serve' --index '$T/kb.sqlite' --listen 127.0.0.1:0 --data '$T/new' --feedback-db '$CURL' 2>'$T/new.err' &&
         grep -q 'newer than this program' '$T/new.err'"

echo "1..$n"
[ "$bad" -eq 0 ]
