# A throw-away PostgreSQL server for bin/bench: initdb in a temp dir (as user postgres when run as
# root, as initdb refuses root), listening on a free loopback port and a socket in that dir, with
# Debian's defaults (fsync and synchronous_commit on). stop_throwaway_pg stops it and removes it.
# Sets PG_THROWAWAY_URL, PG_THROWAWAY_USER and PG_THROWAWAY_PASSWORD_FILE.

pg_bin_dir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$d" ] && [ -x "$d/initdb" ] || { echo "no PostgreSQL server binaries (apt-get install postgresql)" >&2; return 1; }
  echo "$d"
}

as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then (cd /tmp && runuser -u postgres -- "$@"); else "$@"; fi
}

start_throwaway_pg() {
  local bin port
  bin="$(pg_bin_dir)" || return 1
  PG_THROWAWAY_DIR="$(mktemp -d /tmp/bench-pg-XXXXXX)"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  PG_THROWAWAY_PASSWORD_FILE="$PG_THROWAWAY_DIR/password"
  echo "bench-$RANDOM$RANDOM" > "$PG_THROWAWAY_PASSWORD_FILE"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PG_THROWAWAY_DIR"
  as_pg_owner "$bin/initdb" -D "$PG_THROWAWAY_DIR/data" -U postgres --pwfile="$PG_THROWAWAY_PASSWORD_FILE" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions >/dev/null || return 1
  as_pg_owner "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -l "$PG_THROWAWAY_DIR/server.log" -w -t 60 \
    -o "-p $port -k $PG_THROWAWAY_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null || return 1
  PG_THROWAWAY_BIN="$bin"
  PG_THROWAWAY_URL="jdbc:postgresql://127.0.0.1:$port/postgres"
  PG_THROWAWAY_USER=postgres
  echo "bench: started a throw-away PostgreSQL ($("$bin/postgres" --version)) on 127.0.0.1:$port" >&2
}

stop_throwaway_pg() {
  [ -n "${PG_THROWAWAY_DIR:-}" ] || return 0
  as_pg_owner "$PG_THROWAWAY_BIN/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_THROWAWAY_DIR"
  PG_THROWAWAY_DIR=""
}
