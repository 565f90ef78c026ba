# tests/cluster/pg.sh - a throwaway PostgreSQL 15 cluster for the tests and
# benchmarks, sourced by tests/cluster/run.sh and tests/bench/store.sh.
#
#   pg_up DIR     initdb in DIR/pg and start it on a free 127.0.0.1 port;
#                 sets PG_URL (postgresql://kb@127.0.0.1:PORT/postgres)
#   pg_stop       stop it (fast: connections are cut)
#   pg_start      start it again on the same port
#   pg_down       stop it and forget it (the caller removes DIR)
#   pg_sql SQL    run SQL with psql, print the rows (unaligned, no header)
#
# initdb and pg_ctl refuse to run as root: as root (CI), the cluster is
# owned and run by the unprivileged user $PG_USER (default nobody), through
# runuser; otherwise by the caller. Trust authentication on 127.0.0.1 only,
# and the Unix socket in DIR/pg, so nothing else on the machine is touched.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PG_USER=${PG_USER:-nobody}

pg_as() { # command... as the cluster's owner
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_up() {
  PG_DIR=$1/pg
  [ -x "$PG_BIN/initdb" ] || { echo "pg.sh: no PostgreSQL server (initdb) under $PG_BIN: install postgresql" >&2; return 1; }
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && { chown "$PG_USER" "$PG_DIR"; chmod 755 "$1"; }
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U kb --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; return 1; }
  PG_PORT=$(pg_free_port)
  PG_URL="postgresql://kb@127.0.0.1:$PG_PORT/postgres"
  export PG_URL PG_PORT PG_DIR
  pg_start
}

pg_start() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c fsync=on" \
    start >/dev/null || { tail -20 "$PG_DIR/server.log" >&2; return 1; }
}

pg_stop() {
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop >/dev/null
}

pg_down() {
  [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ] &&
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1
  return 0
}

pg_sql() { # SQL [database]
  "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "postgresql://kb@127.0.0.1:$PG_PORT/${2:-postgres}" -c "$1"
}
