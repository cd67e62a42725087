# Shared by the release's bin/ launchers: find the release, a JDK 21+ and Nushell. Sourced, not run.
# A release needs no Maven, no sources and no network: only a JDK 21+ and Nushell (on PATH, or the
# pinned npm package, installed from the registry where npm is there).

ORCHESTRATOR_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ORCHESTRATOR_HOME

# The server's JVM memory flags, as in the repository's bin/lib/env.sh (docs/PERFORMANCE.md, section 3):
# at most 30 % of the heap committed free after a GC, and a GC after an idle minute so an idle server
# gives memory back. ORCHESTRATOR_JAVA_OPTS comes after them (the last of a repeated flag wins);
# ORCHESTRATOR_MEMORY_OPTS set in the environment (even empty) replaces them.
ORCHESTRATOR_MEMORY_OPTS="${ORCHESTRATOR_MEMORY_OPTS--XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:G1PeriodicGCInterval=60000}"

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

find_jdk() { # JAVA_HOME if it is 21+, else the newest 21+ under /usr/lib/jvm and the usual places, else java on PATH
  local candidates=() c v best="" bestv=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do [ -d "$c" ] && candidates+=("$c"); done
  command -v java >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] || continue
    v="$(java_major "$c/bin/java" 2>/dev/null)"
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if [ -n "${JAVA_HOME:-}" ] && [ "$c" = "$JAVA_HOME" ] && [ "$v" -ge 21 ]; then best="$c"; break; fi
    if [ "$v" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best="$c"; bestv="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "$(basename "$0"): no Java 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm, PATH); install one or set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

find_nu() { # nu on PATH, else the pinned npm package in the release (installed with npm on first use)
  if command -v nu >/dev/null 2>&1; then command -v nu; return 0; fi
  local pinned="$ORCHESTRATOR_HOME/node_modules/@nushell/linux-x64/bin/nu"
  if [ ! -x "$pinned" ] && command -v npm >/dev/null 2>&1; then
    echo "installing the pinned Nushell from the npm registry..." >&2
    (cd "$ORCHESTRATOR_HOME" && npm install --no-save --no-audit --no-fund --loglevel=error >&2) || true
  fi
  [ -x "$pinned" ] && { echo "$pinned"; return 0; }
  echo "$(basename "$0"): Nushell not found: put 'nu' on the PATH (or install npm so the pinned one can be fetched)" >&2
  return 1
}
