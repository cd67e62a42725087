#!/usr/bin/env bash
# The container image test, on the real dockerd: builds provisioning/orchestrator, runs it with its
# data in a named volume, waits for its HEALTHCHECK to say healthy, checks it runs as a non-root user,
# submits the example request and a few more, stops it with `docker stop` (SIGTERM: it drains), starts
# a new container on the same volume and finds every task there, Completed, and runs one more.
#   release/test-image.sh
set -euo pipefail
source "$(dirname "$0")/../bin/lib/env.sh"
cd "$ORCHESTRATOR_HOME"
fail() { echo "image test: FAIL: $*" >&2; exit 1; }
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER="$(command -v docker)" || fail "no docker client"
"$DOCKER" info >/dev/null 2>&1 || fail "dockerd is not answering (run .ci/docker-up.sh)"

image="$(docker/orchestrator/build.sh | tail -1)"
run="orch-image-test-$$"
volume="$run-data"
cleanup() { "$DOCKER" rm -f "$run-1" "$run-2" >/dev/null 2>&1 || true; "$DOCKER" volume rm -f "$volume" >/dev/null 2>&1 || true; }
trap cleanup EXIT
"$DOCKER" volume create "$volume" >/dev/null

start() { # $1 = container name; prints the host port
  "$DOCKER" run -d --name "$1" -v "$volume:/data" -p 127.0.0.1::8080 "$image" >/dev/null
  "$DOCKER" port "$1" 8080/tcp | head -1 | sed 's/.*://'
}
await_healthy() {
  local s
  for _ in $(seq 1 120); do
    s="$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$1")"
    [ "$s" = healthy ] && return 0
    [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$1")" = true ] || { "$DOCKER" logs "$1" | tail -20; fail "$1 stopped"; }
    sleep 1
  done
  "$DOCKER" logs "$1" | tail -20; fail "$1 never became healthy (last: $s)"
}
submit() { # $1 = port, $2 = server name; prints the task id
  curl -fsS -X POST "http://127.0.0.1:$1/workflows/servers/create" -H 'Content-Type: application/json' \
    -d "{\"infra\": \"production\", \"settings\": \"./settings.yaml\", \"servers\": [\"$2\"], \"check_mode\": false, \"wait\": true}" \
    | sed -n 's/.*"data":"\([^"]*\)".*/\1/p'
}
await_completed() { # $1 = port, $2 = id
  local t
  for _ in $(seq 1 300); do
    t="$(curl -fsS "http://127.0.0.1:$1/tasks/$2")"
    case "$t" in *'"status":"Completed"'*) return 0 ;; *'"status":"Failed"'*) fail "task $2 failed: $t" ;; esac
    sleep 0.2
  done
  fail "task $2 did not complete: $t"
}

port="$(start "$run-1")"
await_healthy "$run-1"
uid="$("$DOCKER" exec "$run-1" id -u)"
[ "$uid" != 0 ] || fail "the server runs as root"
pid1="$("$DOCKER" exec "$run-1" cat /proc/1/comm)"
ids=()
for n in 1 2 3 4 5; do ids+=("$(submit "$port" "img-web-0$n")"); done
for id in "${ids[@]}"; do [ -n "$id" ] || fail "a submission got no task id"; done
await_completed "$port" "${ids[0]}"
# five more, then stop at once: whatever is still queued or running must survive the stop
for n in 6 7 8 9; do ids+=("$(submit "$port" "img-web-0$n")"); done
"$DOCKER" stop -t 60 "$run-1" >/dev/null
code="$("$DOCKER" inspect -f '{{.State.ExitCode}}' "$run-1")"
case "$code" in 0|143) ;; *) "$DOCKER" logs "$run-1" | tail -20; fail "docker stop ended the server with exit code $code (expected a drain: 0 or 143)" ;; esac

port="$(start "$run-2")"
await_healthy "$run-2"
for id in "${ids[@]}"; do await_completed "$port" "$id"; done
extra="$(submit "$port" img-web-10)"
await_completed "$port" "$extra"
total="$(curl -fsS -D - -o /dev/null "http://127.0.0.1:$port/tasks?limit=1" | tr -d '\r' | sed -n 's/^[Xx]-[Tt]otal-[Cc]ount: //p')"
[ "$total" = "$(( ${#ids[@]} + 1 ))" ] || fail "expected $(( ${#ids[@]} + 1 )) tasks after the restart, found $total"
echo "image test: ok ($image: uid $uid, PID 1 $pid1, healthy, ${#ids[@]} tasks kept across docker stop/start, exit code $code)"
