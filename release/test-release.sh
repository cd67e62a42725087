#!/usr/bin/env bash
# The release test: makes the tarball with bin/release, unpacks it into an empty directory and, with
# no Maven, no sources and no network (a fresh network namespace with only loopback, a PATH with only
# a shell's basic tools and nu, JAVA_HOME for the JDK), starts it and serves the original's example
# request to completion, then reads the task back with the release's CLI.
#   release/test-release.sh
set -euo pipefail
source "$(dirname "$0")/../bin/lib/env.sh"
cd "$ORCHESTRATOR_HOME"
find_jdk || exit 2
ensure_npm_packages || exit 2
fail() { echo "release test: FAIL: $*" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(bin/release --out "$work/out" | tail -1)"
[ -f "$tarball" ] || fail "bin/release printed no tarball"
mkdir "$work/empty"
tar -C "$work/empty" -xzf "$tarball"
home="$(echo "$work/empty"/provisioning-orchestrator-*)"
[ -x "$home/bin/orchestrator" ] || fail "no bin/orchestrator in the tarball"
for f in lib/orchestrator.jar lib/provisioning.jar nushell/provisioning.nu provisioning/main.nu workspace/settings.yaml \
         docker/topologies.yaml examples/orchestrator.json examples/provisioning-orchestrator.service VERSION; do
  [ -e "$home/$f" ] || fail "the tarball lacks $f"
done
if find "$home" -name '*.java' -o -name pom.xml -o -name mvnw | grep -q .; then fail "the tarball carries sources or Maven"; fi

# a PATH with nothing but basic tools, perl (the attempt launcher and watchdogs) and nu: no mvn, no npm, no node, no git
bin="$work/path"
mkdir "$bin"
for t in bash sh env dirname readlink awk cut basename sed cat mkdir ls uname grep head tail sleep rm mv cp date id perl; do
  p="$(command -v "$t")" && ln -s "$p" "$bin/$t"
done
ln -s "$ORCHESTRATOR_HOME/node_modules/@nushell/linux-x64/bin/nu" "$bin/nu"

run_offline() { # runs "$@" in a new network namespace (loopback only) when the machine allows it
  if unshare -n true 2>/dev/null; then
    unshare -n bash -c 'ip link set lo up; exec "$@"' _ "$@"
  elif [ "${CI:-}" = "true" ]; then
    fail "cannot make a network namespace (unshare -n) to prove the release runs offline"
  else
    echo "release test: no network namespace here (not root?): running with the network" >&2
    "$@"
  fi
}

cat > "$work/scenario.sh" <<SCENARIO
set -euo pipefail
curl_bin="$(command -v curl)"
env -i HOME="$work/home" PATH="$bin" JAVA_HOME="$JAVA_HOME" "$home/bin/orchestrator" --port 8080 --data-dir "$work/data" \
  > "$work/server.log" 2>&1 &
pid=\$!
trap 'kill \$pid 2>/dev/null; wait \$pid 2>/dev/null || true' EXIT
for i in \$(seq 1 300); do "\$curl_bin" -fsS http://127.0.0.1:8080/health >/dev/null 2>&1 && break; sleep 0.2; done
"\$curl_bin" -fsS http://127.0.0.1:8080/health >/dev/null || { cat "$work/server.log"; echo "server did not start" >&2; exit 1; }
answer="\$("\$curl_bin" -fsS -X POST http://127.0.0.1:8080/workflows/servers/create -H 'Content-Type: application/json' -d @"$home/examples/servers-create.json")"
echo "submit: \$answer"
id="\$(echo "\$answer" | sed -n 's/.*"data":"\([^"]*\)".*/\1/p')"
[ -n "\$id" ] || { echo "no task id in \$answer" >&2; exit 1; }
for i in \$(seq 1 300); do
  task="\$("\$curl_bin" -fsS http://127.0.0.1:8080/tasks/\$id)"
  case "\$task" in *'"status":"Completed"'*) break ;; *'"status":"Failed"'*) echo "task failed: \$task" >&2; exit 1 ;; esac
  sleep 0.2
done
case "\$task" in *'"status":"Completed"'*) echo "task \$id Completed" ;; *) echo "task not Completed: \$task" >&2; exit 1 ;; esac
env -i HOME="$work/home" PATH="$bin" JAVA_HOME="$JAVA_HOME" "$home/bin/provisioning" task show "\$id" > "$work/cli.out" 2>&1 \
  || { cat "$work/cli.out"; echo "the release's CLI failed" >&2; exit 1; }
grep -q Completed "$work/cli.out" || { cat "$work/cli.out"; echo "the CLI did not show Completed" >&2; exit 1; }
echo "CLI: \$(head -3 "$work/cli.out" | tr '\n' ' ')"
SCENARIO
mkdir -p "$work/home"
run_offline bash "$work/scenario.sh" || { echo "--- server log"; tail -40 "$work/server.log"; fail "the unpacked release did not serve the example request"; }
echo "release test: ok ($(basename "$tarball"), $(du -h "$tarball" | cut -f1))"
