#!/usr/bin/env bash
# Installs Debian's Docker engine when missing and starts dockerd in the background
# when none answers. Idempotent; no systemd needed.
#
# Environment:
#   DOCKER_UP_TIMEOUT   seconds to wait for `docker info` (default 60)
#   DOCKERD_LOG         dockerd log file (default /var/log/dockerd.log)
#   DOCKERD_EXTRA_ARGS  extra dockerd flags, whitespace-separated (default none),
#                       e.g. "--storage-driver vfs" or "--iptables=false"
set -euo pipefail

TIMEOUT="${DOCKER_UP_TIMEOUT:-60}"
LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
PIDFILE=/var/run/docker.pid
SOCK=/var/run/docker.sock

log() { printf '[docker-up] %s\n' "$*" >&2; }
die() { printf '[docker-up] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"

# --- 1. packages -------------------------------------------------------------
# docker.io brings dockerd and its client; containerd and runc run the containers;
# iptables (nf_tables backend) for Docker's bridge NAT rules; debootstrap builds the
# base image (docker/build-images.sh); pigz/xz for image layers.
PACKAGES=(docker.io containerd runc iptables debootstrap ca-certificates xz-utils pigz procps iproute2)
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d stops the packages' init scripts from starting daemons (no init
  # system here); dockerd is started below.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "packages already installed"
fi

# Debian's client has the daemon's API version (1.41). The machine's
# /usr/local/bin/docker (28.x, API 1.50) works too: it negotiates down to 1.41.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || die "$DOCKER missing after install"

# --- 2. daemon ---------------------------------------------------------------
if "$DOCKER" info >/dev/null 2>&1; then
  log "dockerd already answers"
  exit 0
fi

# dockerd refuses to start while its pid file exists ("pid file found, ensure docker
# is not running or delete /var/run/docker.pid"): remove one left by a dead dockerd.
# A live one may still be starting: give it the same time to answer.
# (A killed dockerd can stay a zombie for a while: that counts as gone.)
dockerd_alive() {
  local stat
  [[ "$1" =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$1/comm" 2>/dev/null || true)" = dockerd ] || return 1
  stat="$(cat "/proc/$1/stat" 2>/dev/null || true)"
  stat="${stat##*) }"
  [ -n "$stat" ] && [ "${stat:0:1}" != Z ] && [ "${stat:0:1}" != X ]
}
if [ -f "$PIDFILE" ]; then
  oldpid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if dockerd_alive "$oldpid"; then
    log "dockerd (pid $oldpid) is running; waiting for it to answer"
    deadline=$((SECONDS + TIMEOUT))
    until "$DOCKER" info >/dev/null 2>&1; do
      [ "$SECONDS" -lt "$deadline" ] || die "dockerd (pid $oldpid) runs but did not answer within ${TIMEOUT}s; see $LOG"
      sleep 0.5
    done
    log "dockerd ready (pid $oldpid)"
    exit 0
  fi
  log "removing stale $PIDFILE (pid ${oldpid:-none} is gone)"
  rm -f "$PIDFILE"
fi

# Docker sets the iptables FORWARD policy to DROP when it is the one that turns IP
# forwarding on; with br_netfilter that drops forwarded and bridged traffic of every
# other network namespace on the machine too (tests with veth pairs and bridges).
# Turned on beforehand, forwarding stays as it was and the policy stays ACCEPT;
# Docker's own isolation rules between its networks do not depend on the policy.
sysctl -q -w net.ipv4.ip_forward=1 || log "WARNING: could not enable net.ipv4.ip_forward"

# shellcheck disable=SC2054 # the commas belong to --default-address-pool's value
args=(
  --host "unix://$SOCK"
  --pidfile "$PIDFILE"
  # docker0 keeps its usual address; networks Docker picks by itself come from
  # 172.20.0.0/14 in /24s, so 172.30.0.0/16 stays free for the fixed subnets of
  # docker/topologies.yaml (an automatic /16 could otherwise take 172.30.0.0/16).
  --bip 172.17.0.1/16
  --default-address-pool base=172.20.0.0/14,size=24
  # Bounded container logs: test environments may run for a long time.
  --log-opt max-size=10m --log-opt max-file=3
)
# No --storage-driver: dockerd picks overlay2 where the backing filesystem allows it
# (here: ext4 with d_type) and falls back by itself (fuse-overlayfs, then vfs)
# where it does not, e.g. when / is itself an overlay; the choice is reported below.
if [ -n "${DOCKERD_EXTRA_ARGS:-}" ]; then
  read -r -a extra <<<"$DOCKERD_EXTRA_ARGS"
  args+=("${extra[@]}")
fi

mkdir -p "$(dirname "$LOG")"

# start_dockerd ARGS...: starts dockerd in the background and waits until it answers.
# Returns 1 when it exits during start-up, dies when it does not answer in time.
start_dockerd() {
  local dpid deadline
  log "starting dockerd $* (log: $LOG)"
  printf '\n--- %s docker-up: dockerd %s\n' "$(date -Is)" "$*" >>"$LOG"
  nohup /usr/sbin/dockerd "$@" >>"$LOG" 2>&1 </dev/null &
  dpid=$!
  deadline=$((SECONDS + TIMEOUT))
  until "$DOCKER" info >/dev/null 2>&1; do
    if ! kill -0 "$dpid" 2>/dev/null; then
      rm -f "$PIDFILE"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 "$LOG" >&2 || true
      die "dockerd (pid $dpid) did not answer within ${TIMEOUT}s; last lines of $LOG above"
    fi
    sleep 0.5
  done
  log "dockerd ready (pid $dpid, $("$DOCKER" info --format 'version {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}'))"
  if [ "$("$DOCKER" info --format '{{.Driver}}')" = vfs ]; then
    log "WARNING: storage driver vfs: every layer is a full copy (slow builds, large disk use)"
  fi
}

if ! start_dockerd "${args[@]}"; then
  # A kernel without iptables NAT support: run without Docker's iptables rules.
  # Containers on bridges then cannot reach outside the machine (image builds use
  # the host network, see docker/build-images.sh), but still reach each other.
  if tail -n 30 "$LOG" | grep -qi iptables; then
    log "WARNING: dockerd failed on iptables; retrying with --iptables=false"
    start_dockerd "${args[@]}" --iptables=false || {
      tail -n 20 "$LOG" >&2 || true
      die "dockerd exited during start-up; last lines of $LOG above"
    }
  else
    tail -n 20 "$LOG" >&2 || true
    die "dockerd exited during start-up; last lines of $LOG above"
  fi
fi
