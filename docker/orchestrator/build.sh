#!/usr/bin/env bash
# Builds the orchestrator's container image provisioning/orchestrator:<version> (and :local) on the
# local dockerd, from provisioning/debian-base:12 (docker/build-images.sh base builds it).
#   docker/orchestrator/build.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../../bin/lib/env.sh"
cd "$ORCHESTRATOR_HOME"
find_jdk || exit 2
ensure_npm_packages || exit 2
DOCKER=/usr/bin/docker
[ -x "$DOCKER" ] || DOCKER="$(command -v docker)"
"$DOCKER" image inspect provisioning/debian-base:12 >/dev/null 2>&1 || bash docker/build-images.sh base
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
# RELEASE_TARBALL: a tarball bin/release made already (else it is made here)
tarball="${RELEASE_TARBALL:-$(bin/release --out "$ctx/out" | tail -1)}"
version="$(basename "$tarball" .tar.gz)"; version="${version#provisioning-orchestrator-}"
tar -C "$ctx" -xzf "$tarball"
mv "$ctx/provisioning-orchestrator-$version" "$ctx/orchestrator"
rm -rf "$ctx/out"
# a Java runtime with the modules the server uses (jlink from the JDK that built it)
"$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.naming.dns,jdk.zipfs,jdk.httpserver,jdk.jfr,jdk.net,jdk.localedata \
  --strip-debug --no-man-pages --no-header-files --output "$ctx/jre"
cp "$ORCHESTRATOR_HOME/node_modules/@nushell/linux-x64/bin/nu" "$ctx/nu"
cp "$HERE/Dockerfile" "$HERE/healthcheck" "$ctx/"
"$DOCKER" build -q --network "${BUILD_NETWORK:-host}" --label io.provisioning.image=orchestrator \
  -t "provisioning/orchestrator:$version" -t provisioning/orchestrator:local "$ctx" >/dev/null
echo "provisioning/orchestrator:$version"
