#!/usr/bin/env bash
# Proves with the docker CLI that the taskserv images work, using the start and check
# commands of docker/taskservs/catalog.yaml, and measures start-up times (median of
# --rounds runs). Removes every container and network it creates; leaves the images.
#
# Usage: docker/smoke-test.sh [--rounds N] [--with-install]
#   --with-install  also installs postgres and redis into a running base node
#                   (server simulation; downloads from the mirror, ~100 s)
# Needs: .ci/docker-up.sh and docker/build-images.sh run first.
# Prints one line per check and closes with "N passed, N failed".
set -euo pipefail

ROUNDS=3
WITH_INSTALL=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --rounds) shift; [[ "${1:-}" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a number" >&2; exit 2; }; ROUNDS="$1" ;;
    --with-install) WITH_INSTALL=1 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER="$(command -v docker)"
"$DOCKER" info >/dev/null 2>&1 || { echo "docker daemon not answering; run .ci/docker-up.sh" >&2; exit 1; }

RUN="smoke-$$-$RANDOM"
NET="$RUN"
LABELS=(--label io.provisioning.managed=true --label "io.provisioning.smoke=$RUN")
IMG_BASE=provisioning/debian-base:12
IMG_PG=provisioning/taskserv-postgres:12
IMG_REDIS=provisioning/taskserv-redis:12
IMG_ETCD=provisioning/taskserv-etcd:12
IMG_CTD=provisioning/taskserv-containerd:12
for img in "$IMG_BASE" "$IMG_PG" "$IMG_REDIS" "$IMG_ETCD" "$IMG_CTD"; do
  "$DOCKER" image inspect "$img" >/dev/null 2>&1 || { echo "missing image $img; run docker/build-images.sh" >&2; exit 1; }
done

cleanup() {
  local ids nets
  ids="$("$DOCKER" ps -aq --filter "label=io.provisioning.smoke=$RUN")"
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id per word
    "$DOCKER" rm -fv $ids >/dev/null 2>&1 || true
  fi
  nets="$("$DOCKER" network ls -q --filter "label=io.provisioning.smoke=$RUN")"
  if [ -n "$nets" ]; then
    # shellcheck disable=SC2086
    "$DOCKER" network rm $nets >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

passed=0
failed=0
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# wait_until TIMEOUT_S ARGV... : polls every 50 ms until ARGV exits 0.
wait_until() {
  local timeout_ms=$(( $1 * 1000 )) start
  shift
  start="$(now_ms)"
  until "$@" >/dev/null 2>&1; do
    if [ $(( $(now_ms) - start )) -ge "$timeout_ms" ]; then return 1; fi
    sleep 0.05
  done
}

# check NAME EXPECT ARGV... : passes when ARGV exits 0 and its output (stdout and
# stderr) contains EXPECT (an empty EXPECT checks the exit code only).
check() {
  local name="$1" expect="$2" out rc t0
  shift 2
  t0="$(now_ms)"
  set +e
  out="$("$@" 2>&1)"
  rc=$?
  set -e
  if [ "$rc" -eq 0 ] && { [ -z "$expect" ] || [[ "$out" == *"$expect"* ]]; }; then
    passed=$((passed + 1))
    printf 'PASS %-44s %5d ms\n' "$name" $(( $(now_ms) - t0 ))
  else
    failed=$((failed + 1))
    printf 'FAIL %-44s exit %d, wanted %q; output:\n%s\n' "$name" "$rc" "$expect" "$out"
  fi
}
# check_fails NAME ARGV... : passes when ARGV exits non-zero.
check_fails() {
  local name="$1"
  shift
  if "$@" >/dev/null 2>&1; then
    failed=$((failed + 1)); printf 'FAIL %-44s expected a failure\n' "$name"
  else
    passed=$((passed + 1)); printf 'PASS %-44s\n' "$name"
  fi
}

# node NAME IMAGE [docker run options...] -- [command...]: a container on $NET,
# reachable by NAME (hostname and network alias).
node() {
  local name="$1" image="$2" opts=()
  shift 2
  while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ "$#" -gt 0 ] && shift
  "$DOCKER" run -d --name "$RUN-$name" --hostname "$name" --network "$NET" --network-alias "$name" \
    "${LABELS[@]}" --label "io.provisioning.node=$name" "${opts[@]+"${opts[@]}"}" "$image" "$@" >/dev/null
}
rm_node() { "$DOCKER" rm -fv "$RUN-$1" >/dev/null; }
x() { local name="$1"; shift; "$DOCKER" exec "$RUN-$name" "$@"; }

"$DOCKER" network create "${LABELS[@]}" "$NET" >/dev/null
echo "network $NET: $("$DOCKER" network inspect -f '{{(index .IPAM.Config 0).Subnet}}' "$NET")"

# --- resource limits are enforced ------------------------------------------------
check "limits: memory.limit_in_bytes = 64 MiB" 67108864 \
  "$DOCKER" run --rm "${LABELS[@]}" --memory 64m "$IMG_BASE" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
check "limits: cpu.cfs_quota_us = 50000 (0.5 CPU)" 50000 \
  "$DOCKER" run --rm "${LABELS[@]}" --cpus 0.5 "$IMG_BASE" cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us
# tail holds the whole newline-free input in memory: 200 MiB must be OOM-killed (137).
check "limits: 200 MiB in a 64 MiB node is OOM-killed" "exit=137" \
  "$DOCKER" run --rm "${LABELS[@]}" --memory 64m "$IMG_BASE" \
  bash -c 'head -c 200m /dev/zero | tail >/dev/null; echo "exit=$?"'

# --- redis -------------------------------------------------------------------------
times=()
for i in $(seq "$ROUNDS"); do
  t0="$(now_ms)"
  node "redis$i" "$IMG_REDIS"
  wait_until 30 x "redis$i" redis-cli ping || { echo "redis$i not ready in 30 s" >&2; }
  times+=($(( $(now_ms) - t0 )))
  [ "$i" -lt "$ROUNDS" ] && rm_node "redis$i"
done
echo "redis: docker run -d -> PONG: ${times[*]} ms (median $(median "${times[@]}") ms)"
check "redis: PING" PONG x "redis$ROUNDS" redis-cli ping
check "redis: SET" OK x "redis$ROUNDS" redis-cli set taskserv-check ok
check "redis: GET" ok x "redis$ROUNDS" redis-cli get taskserv-check
rm_node "redis$ROUNDS"

# --- postgres, and a second node reaching it by name --------------------------------
times=()
for i in $(seq "$ROUNDS"); do
  t0="$(now_ms)"
  node pg "$IMG_PG" --memory 512m --cpus 1
  wait_until 60 x pg pg_isready -q -U postgres || { echo "pg not ready in 60 s" >&2; }
  times+=($(( $(now_ms) - t0 )))
  [ "$i" -lt "$ROUNDS" ] && rm_node pg
done
echo "postgres: docker run -d -> pg_isready: ${times[*]} ms (median $(median "${times[@]}") ms)"
check "postgres: psql select 1 (as postgres)" 1 x pg runuser -u postgres -- psql -tAc 'select 1'
check "postgres: psql -c 'select 1' (docker exec -u)" "(1 row)" \
  "$DOCKER" exec -u postgres "$RUN-pg" psql -c 'select 1'
node cache "$IMG_REDIS" --memory 256m --cpus 0.5
wait_until 30 x cache redis-cli ping
check "cross-node: cache resolves pg" "pg" x cache getent hosts pg
check "cross-node: cache connects to pg:5432" "" x cache timeout 5 bash -c 'exec 3<>/dev/tcp/pg/5432'
check "cross-node: pg PINGs cache:6379" "+PONG" x pg timeout 5 bash -c \
  'exec 3<>/dev/tcp/cache/6379; printf "PING\r\n" >&3; head -c 5 <&3'
check "cross-node: pg_isready -h pg from a client" "accepting connections" \
  "$DOCKER" run --rm "${LABELS[@]}" --network "$NET" "$IMG_PG" pg_isready -h pg -U postgres
check "cross-node: psql -h pg from a client (trust)" 42 \
  "$DOCKER" run --rm "${LABELS[@]}" --network "$NET" "$IMG_PG" psql -h pg -U postgres -tAc 'select 42'
rm_node pg
rm_node cache

# --- etcd: 3 members, reachable by name ----------------------------------------------
members=etcd1=http://etcd1:2380,etcd2=http://etcd2:2380,etcd3=http://etcd3:2380
start_etcd() {
  local n="$1" token="$2"
  node "$n" "$IMG_ETCD" --memory 256m --cpus 0.5 -- /usr/local/bin/taskserv-start-etcd \
    --name "$n" --data-dir "/var/lib/etcd/$n" \
    --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls "http://$n:2379" \
    --listen-peer-urls http://0.0.0.0:2380 --initial-advertise-peer-urls "http://$n:2380" \
    --initial-cluster "$members" --initial-cluster-token "$token" --initial-cluster-state new
}
times=()
for i in $(seq "$ROUNDS"); do
  t0="$(now_ms)"
  for n in etcd1 etcd2 etcd3; do start_etcd "$n" "$RUN-$i"; done
  wait_until 60 x etcd1 etcdctl endpoint health --cluster || { echo "etcd not healthy in 60 s" >&2; }
  times+=($(( $(now_ms) - t0 )))
  if [ "$i" -lt "$ROUNDS" ]; then for n in etcd1 etcd2 etcd3; do rm_node "$n"; done; fi
done
echo "etcd: 3 x docker run -d -> endpoint health --cluster: ${times[*]} ms (median $(median "${times[@]}") ms)"
check "etcd: endpoint health --cluster" "is healthy" x etcd1 etcdctl endpoint health --cluster
check "etcd: member list has etcd3" "started, etcd3" x etcd2 etcdctl member list
check "etcd: put" OK x etcd2 etcdctl put taskserv-check/a ok
check "etcd: get from another member" ok x etcd3 etcdctl get taskserv-check/a --print-value-only
"$DOCKER" stop "$RUN-etcd3" >/dev/null
check "etcd: put with etcd3 stopped" OK x etcd1 etcdctl put taskserv-check/b ok
check "etcd: local health with etcd3 stopped" "is healthy" x etcd2 etcdctl endpoint health
check_fails "etcd: --cluster health reports etcd3 down" x etcd1 etcdctl endpoint health --cluster
"$DOCKER" start "$RUN-etcd3" >/dev/null
wait_until 30 x etcd1 etcdctl endpoint health --cluster
check "etcd: etcd3 rejoins and has the write" ok \
  x etcd3 etcdctl get taskserv-check/b --print-value-only --consistency=s
for n in etcd1 etcd2 etcd3; do rm_node "$n"; done

# --- etcd with no arguments: a one-member cluster ------------------------------------
node solo "$IMG_ETCD"
wait_until 30 x solo etcdctl endpoint health
check "etcd (defaults): one-member health" "is healthy" x solo etcdctl endpoint health --cluster
rm_node solo

# --- containerd ------------------------------------------------------------------------
node ctd "$IMG_CTD"
wait_until 30 x ctd ctr version
check "containerd: server answers" "Server:" x ctd ctr version
check "containerd: overlayfs snapshotter loaded" "overlayfs" x ctd ctr plugins ls
check_fails "containerd: nested run needs privileges" \
  x ctd ctr run --rm --rootfs /opt/taskserv/nested-rootfs nested-check /bin/sh -c 'echo nested-ok'
rm_node ctd
# --privileged is refused here (the sandbox lacks CAP_SYS_RESOURCE); this is the
# smallest set that runs a container inside containerd.
node ctdn "$IMG_CTD" --cap-add ALL --cap-drop SYS_RESOURCE \
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined
wait_until 30 x ctdn ctr version
check "containerd: nested run (nested profile)" nested-ok \
  x ctdn ctr run --rm --rootfs /opt/taskserv/nested-rootfs nested-check /bin/sh -c 'echo nested-ok'
rm_node ctdn

# --- idle node, taskservs started with docker exec -d -------------------------------------
node sim "$IMG_PG" -- /usr/local/bin/taskserv-idle
check "idle node: stays up with no service" "true" \
  "$DOCKER" inspect -f '{{.State.Running}}' "$RUN-sim"
"$DOCKER" exec -d "$RUN-sim" /usr/local/bin/taskserv-start-postgres
wait_until 60 x sim pg_isready -q -U postgres
check "idle node: postgres via exec -d" 1 x sim runuser -u postgres -- psql -tAc 'select 1'
check "idempotence: taskserv-install postgresql-15" "already installed" x sim taskserv-install postgresql-15
t0="$(now_ms)"; "$DOCKER" stop "$RUN-sim" >/dev/null
echo "idle node: docker stop took $(( $(now_ms) - t0 )) ms"
rm_node sim

if [ "$WITH_INSTALL" -eq 1 ]; then
  node web-01 "$IMG_BASE" --memory 1024m --cpus 1 -- /usr/local/bin/taskserv-idle
  t0="$(now_ms)"
  check "install: postgresql-15 into a base node" "installed: postgresql-15" x web-01 taskserv-install postgresql-15
  check "install: redis into the same node" "installed: redis-server" x web-01 taskserv-install redis-server redis-tools
  echo "install: postgres + redis into a running node took $(( $(now_ms) - t0 )) ms"
  "$DOCKER" exec -d "$RUN-web-01" /usr/local/bin/taskserv-start-postgres
  "$DOCKER" exec -d "$RUN-web-01" /usr/local/bin/taskserv-start-redis
  wait_until 60 x web-01 pg_isready -q -U postgres
  wait_until 30 x web-01 redis-cli ping
  check "install: postgres answers" 1 x web-01 runuser -u postgres -- psql -tAc 'select 1'
  check "install: redis answers" PONG x web-01 redis-cli ping
  rm_node web-01
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
