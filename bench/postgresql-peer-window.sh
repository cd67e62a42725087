#!/usr/bin/env bash
# One measuring window for docs/PERFORMANCE.md (issue 14 point 6): ours on PostgreSQL beside
# db-scheduler's harness on the same throw-away PostgreSQL server, alternating, ROUNDS rounds of
#   ours (bin/bench backends --storage postgresql), ours --queued-first, the peer, [ours at BEFORE]
#
#   bench/postgresql-peer-window.sh
#   ROUNDS=2 BEFORE=/tmp/worktree-of-an-older-commit OURS_ARGS="--warmup-tasks 10000" bench/postgresql-peer-window.sh
#
# PEER: the peer harness (default: ../shared/peers/db-scheduler-bench beside this repo), copied to a
# temp dir and built there on the first round, as its README says.
set -uo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
cd "$HERE"
source bin/lib/env.sh; source bin/lib/pg.sh
find_jdk; export JAVA_HOME
ROUNDS="${ROUNDS:-3}"
PEER="${PEER:-$HERE/../shared/peers/db-scheduler-bench}"
[ -x "$PEER/run.sh" ] || { echo "no peer harness at $PEER (set PEER)" >&2; exit 2; }
PEER_COPY="$(mktemp -d /tmp/dbs-peer-XXXXXX)"
cp -r "$PEER"/. "$PEER_COPY"/
start_throwaway_pg || exit 1
trap 'stop_throwaway_pg; rm -rf "$PEER_COPY"' EXIT
PORT="${PG_THROWAWAY_URL##*:}"; PORT="${PORT%%/*}"
PW="$(head -n1 "$PG_THROWAWAY_PASSWORD_FILE")"
stamp() { echo "=== $1 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"; }
ours() { # checkout, label, extra options
  stamp "ours $2"
  (cd "$1" && nice -n 5 bin/bench backends --storage postgresql --postgresql-url "$PG_THROWAWAY_URL" \
     --postgresql-user postgres --postgresql-password-file "$PG_THROWAWAY_PASSWORD_FILE" ${OURS_ARGS:-} $3 2>&1 \
     | grep -E 'run [0-9]|^\| postgresql|^backends:')
}
built=0
peer() {
  stamp peer
  (cd "$PEER_COPY" && SKIP_BUILD=$built BACKENDS=postgres PG_PORT=$PORT PG_USER=postgres PG_PASSWORD="$PW" \
     LOG_DIR="$PEER_COPY/logs" nice -n 5 ./run.sh 2>&1 | grep -E '^RUN|^MEDIAN' | sed 's/| verify.*//' | sort -u)
  built=1
}
for r in $(seq 1 "$ROUNDS"); do
  echo "##### round $r"
  ours "$HERE" this ""
  ours "$HERE" this-queued-first "--queued-first"
  peer
  [ -n "${BEFORE:-}" ] && ours "$BEFORE" before ""
done
stamp end
