#!/usr/bin/env bash
# Builds the local images for the Test Environment Service (no registry needed):
#   provisioning/debian-base:12          debootstrap (minbase) + docker import
#   provisioning/taskserv-<name>:12      docker build FROM the base, one per
#                                         docker/taskservs/<name>/Dockerfile
# Idempotent: an image that already exists is skipped unless --force is given.
# apt (debootstrap and apt inside the builds) uses the Debian mirror named in
# this machine's apt sources.
#
# Usage: docker/build-images.sh [--force] [base] [taskserv...]
#   with no names: the base and every taskserv under docker/taskservs/; with names:
#   only those ("base" is the base image; a missing base is always built).
#   --force rebuilds the named images (all of them when none is named).
# Environment:
#   DEBIAN_MIRROR   override the mirror used by debootstrap (default: from apt sources)
#   DEBIAN_SUITE    default bookworm
#   BUILD_NETWORK   network for `docker build` (default host: apt reaches the mirror the
#                   way the host does, whatever the bridge can reach)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TASKSERVS_DIR="$HERE/taskservs"
SUITE="${DEBIAN_SUITE:-bookworm}"
TAG=12
BASE_IMAGE="provisioning/debian-base:$TAG"
LABEL=io.provisioning.managed=true
BUILD_NETWORK="${BUILD_NETWORK:-host}"
# Packages the taskservs rely on in every image: TLS roots, ps/pgrep/pkill, ip/ss,
# /etc/services and /etc/protocols.
BASE_INCLUDE=ca-certificates,procps,iproute2,netbase

log() { printf '[build-images] %4ds %s\n' "$SECONDS" "$*" >&2; }
die() { printf '[build-images] ERROR: %s\n' "$*" >&2; exit 1; }

force=0
want_base=0
names=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) die "unknown option: $arg" ;;
    base) want_base=1 ;;
    *)
      [[ "$arg" =~ ^[a-z0-9][a-z0-9_-]*$ ]] || die "bad taskserv name: $arg"
      [ -f "$TASKSERVS_DIR/$arg/Dockerfile" ] || die "no $TASKSERVS_DIR/$arg/Dockerfile"
      names+=("$arg") ;;
  esac
done
if [ "$want_base" -eq 0 ] && [ "${#names[@]}" -eq 0 ]; then
  want_base=1
  for d in "$TASKSERVS_DIR"/*/; do
    [ -f "$d/Dockerfile" ] && names+=("$(basename "$d")")
  done
fi

# Debian's client matches Debian's daemon (API 1.41); fall back to whatever is on PATH.
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER="$(command -v docker)" || die "no docker client; run .ci/docker-up.sh"
"$DOCKER" info >/dev/null 2>&1 || die "docker daemon not answering; run .ci/docker-up.sh"
command -v debootstrap >/dev/null || die "debootstrap missing; run .ci/docker-up.sh"

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

WORK="$(mktemp -d /tmp/build-images.XXXXXX)"
cleanup() {
  # debootstrap may leave /proc or /sys mounted in the chroot on failure.
  if [ -d "$WORK/rootfs" ]; then
    for m in proc sys dev/pts; do umount -l "$WORK/rootfs/$m" 2>/dev/null || true; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- Debian apt sources of this machine ----------------------------------------
# Copies the active apt entries whose suites are Debian's own ($SUITE, $SUITE-updates,
# $SUITE-security, ...) into $1/sources.list and $1/sources.list.d/debian.sources;
# third-party entries (their keys are not in the image) are left out.
collect_apt_sources() {
  local out="$1" f
  mkdir -p "$out/sources.list.d"
  : > "$out/sources.list"
  : > "$out/sources.list.d/debian.sources"
  local suite_re="^${SUITE}(-[a-z]+)?$"
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # one-line format: deb [options] uri suite component...
    awk -v re="$suite_re" '
      /^[[:space:]]*deb[[:space:]]/ {
        line = $0; sub(/\[[^]]*\]/, "", line); n = split(line, w, /[[:space:]]+/)
        i = (w[1] == "") ? 2 : 1
        if (w[i] == "deb" && w[i+2] ~ re) print $0
      }' "$f" >> "$out/sources.list"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 format: stanzas separated by blank lines
    awk -v re="$suite_re" '
      function flush() {
        if (stanza != "" && types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && ok && nsuites > 0)
          printf "%s\n", stanza
        stanza = ""; types = ""; ok = 1; nsuites = 0
      }
      BEGIN { ok = 1 }
      /^[[:space:]]*$/ { flush(); next }
      /^#/ { next }
      {
        stanza = stanza $0 "\n"
        if ($1 == "Types:") { types = $0; sub(/^Types:/, "", types) }
        if ($1 == "Enabled:" && tolower($2) == "no") ok = 0
        if ($1 == "Suites:") for (k = 2; k <= NF; k++) { nsuites++; if ($k !~ re) ok = 0 }
      }
      END { flush() }' "$f" >> "$out/sources.list.d/debian.sources"
  done
  if [ ! -s "$out/sources.list" ] && [ ! -s "$out/sources.list.d/debian.sources" ]; then
    die "no Debian $SUITE entry in this machine's apt sources"
  fi
}

# The mirror for debootstrap: the first URI serving plain $SUITE.
find_mirror() {
  local dir="$1"
  awk -v s="$SUITE" '
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (k = 2; k <= NF; k++) if ($k == s && uri != "") { print uri; exit } }
  ' "$dir/sources.list.d/debian.sources" | head -n1 | grep . && return 0
  awk -v s="$SUITE" '{ line = $0; sub(/\[[^]]*\]/, "", line); split(line, w, /[[:space:]]+/);
    i = (w[1] == "") ? 2 : 1; if (w[i+2] == s) { print w[i+1]; exit } }' "$dir/sources.list" | head -n1 | grep .
}

APT_DIR="$WORK/apt"
collect_apt_sources "$APT_DIR"
MIRROR="${DEBIAN_MIRROR:-$(find_mirror "$APT_DIR" || true)}"
[ -n "$MIRROR" ] || die "could not find a mirror for $SUITE in the apt sources"

# --- base image --------------------------------------------------------------------
build_base() {
  local rootfs="$WORK/rootfs"
  log "debootstrap $SUITE from $MIRROR (minbase + $BASE_INCLUDE)"
  debootstrap --variant=minbase --include="$BASE_INCLUDE" "$SUITE" "$rootfs" "$MIRROR" \
    > "$WORK/debootstrap.log" 2>&1 || { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

  # apt sources: the machine's Debian entries (mirror, updates, security).
  rm -f "$rootfs/etc/apt/sources.list"
  cp "$APT_DIR/sources.list" "$rootfs/etc/apt/sources.list"
  cp "$APT_DIR/sources.list.d/debian.sources" "$rootfs/etc/apt/sources.list.d/debian.sources"

  # Small-image settings in the spirit of Debian's official images: no docs or man
  # pages, no recommends, apt caches cleaned after each install.
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker-excludes" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
  cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
  # For nodes that get taskservs installed at run time (server simulation): the idle
  # default process, the installer and every taskserv's start script.
  install -m 0755 "$HERE/base/taskserv-idle" "$HERE/base/taskserv-install" "$rootfs/usr/local/bin/"
  for f in "$TASKSERVS_DIR"/*/taskserv-start-*; do
    [ -f "$f" ] && install -m 0755 "$f" "$rootfs/usr/local/bin/"
  done
  # Services must not start during image builds.
  printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
  chmod +x "$rootfs/usr/sbin/policy-rc.d"

  # Security and point-release updates on top of what debootstrap fetched.
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  mount -t proc proc "$rootfs/proc"
  if ! chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
      sh -c 'apt-get update -qq && apt-get -y -qq upgrade && apt-get clean' > "$WORK/upgrade.log" 2>&1; then
    umount "$rootfs/proc"
    tail -n 30 "$WORK/upgrade.log" >&2
    die "apt-get upgrade in the new root failed"
  fi
  umount "$rootfs/proc"
  # What debootstrap installed before the excludes above existed: keep copyrights and
  # locale.alias, drop the rest of the docs, manuals and message catalogues.
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log \
    "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  : > "$rootfs/etc/resolv.conf"
  : > "$rootfs/etc/hostname"

  log "importing $BASE_IMAGE"
  tar -C "$rootfs" --numeric-owner --xattrs -c \
      --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* --exclude=./run/* --exclude=./tmp/* . \
    | "$DOCKER" import \
        --change "LABEL $LABEL" \
        --change "LABEL io.provisioning.image=debian-base" \
        --change "LABEL io.provisioning.debian-suite=$SUITE" \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' \
        - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

if ! image_exists "$BASE_IMAGE" || { [ "$force" -eq 1 ] && [ "$want_base" -eq 1 ]; }; then
  build_base
else
  log "$BASE_IMAGE exists (use --force to rebuild)"
fi

# --- taskserv images -----------------------------------------------------------------
for name in "${names[@]+"${names[@]}"}"; do
  image="provisioning/taskserv-$name:$TAG"
  if [ "$force" -eq 0 ] && image_exists "$image"; then
    log "$image exists (use --force to rebuild)"
    continue
  fi
  ctx="$WORK/ctx-$name"
  mkdir -p "$ctx"
  cp -a "$TASKSERVS_DIR/$name/." "$ctx/"
  cp -a "$APT_DIR" "$ctx/apt"
  log "building $image"
  build_args=(build --network "$BUILD_NETWORK" --label "$LABEL" --label "io.provisioning.taskserv=$name"
              --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$image")
  [ "$force" -eq 1 ] && build_args+=(--no-cache)
  if ! DOCKER_BUILDKIT=0 "$DOCKER" "${build_args[@]}" "$ctx" > "$WORK/build-$name.log" 2>&1; then
    tail -n 40 "$WORK/build-$name.log" >&2
    die "docker build of $image failed"
  fi
  rm -rf "$ctx"
done

log "done"
# Images replaced by a rebuild are left dangling: remove ours.
"$DOCKER" image prune -f --filter "label=$LABEL" >/dev/null
"$DOCKER" image ls --filter "label=$LABEL" --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' >&2
