# Shared by the bin/ scripts: find the repo, a JDK 21+, Nushell, and build what is missing.
# Sourced, not run. Every function prints a clear line and returns non-zero when it cannot do its job.

ORCHESTRATOR_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ORCHESTRATOR_HOME

# JVM memory flags of the server (bin/orchestrator, the image) and of bin/bench, which runs the server
# in-process: after a GC at most 30 % of the heap stays committed free (G1's default of 70 % kept about
# three times the live heap: 440 MiB committed for 127 MiB live with 100,000 queued tasks), and a GC
# after a minute without one, so an idle server gives back what a burst took. ORCHESTRATOR_JAVA_OPTS
# (BENCH_JAVA_OPTS for the bench) comes after them, and the JVM takes the last of a repeated flag;
# ORCHESTRATOR_MEMORY_OPTS set in the environment (even empty) replaces them.
ORCHESTRATOR_MEMORY_OPTS="${ORCHESTRATOR_MEMORY_OPTS--XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:G1PeriodicGCInterval=60000}"

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

java_major() { # $1 = java binary; prints its major version
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# Sets JAVA_HOME to a JDK 21 or newer: JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm
# (and other usual places), else the java on PATH.
find_jdk() {
  local candidates=() c v best="" bestv=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v="$(java_major "$c/bin/java" 2>/dev/null)"
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if [ -n "${JAVA_HOME:-}" ] && [ "$c" = "$JAVA_HOME" ] && [ "$v" -ge 21 ]; then best="$c"; bestv="$v"; break; fi
    if [ "$v" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best="$c"; bestv="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "$(basename "$0"): no JDK 21 or newer found (looked at JAVA_HOME, /usr/lib/jvm, PATH)." >&2
    echo "  Install one (e.g. 'apt-get install openjdk-21-jdk' or a Temurin JDK) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
}

# Installs the pinned npm packages (Nushell, the SurrealDB engine) when node_modules lacks them.
ensure_npm_packages() {
  if [ -x "$ORCHESTRATOR_HOME/node_modules/@nushell/linux-x64/bin/nu" ] \
     && [ -d "$ORCHESTRATOR_HOME/node_modules/@surrealdb/node" ] \
     && [ -d "$ORCHESTRATOR_HOME/node_modules/eventsource" ] \
     && [ -x "$ORCHESTRATOR_HOME/node_modules/.bin/redocly" ] \
     && [ -d "$ORCHESTRATOR_HOME/node_modules/playwright-core" ] \
     && [ "$ORCHESTRATOR_HOME/node_modules/.package-lock.json" -nt "$ORCHESTRATOR_HOME/package-lock.json" ]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { echo "$(basename "$0"): npm is needed to install Nushell (apt-get install npm)" >&2; return 1; }
  echo "installing pinned npm packages (Nushell, SurrealDB engine, Redocly CLI, eventsource, playwright-core)..." >&2
  # npm 11 refuses 'npm ci' on this lockfile (it lists only the linux-x64 build of nushell's optional
  # platform packages); 'npm install --no-save' installs the same pinned versions without touching it.
  (cd "$ORCHESTRATOR_HOME" && { npm ci --no-audit --no-fund --loglevel=error >&2 2>/dev/null \
    || npm install --no-save --no-audit --no-fund --loglevel=error >&2; })
}

# Maven profiles for the optional features named in ORCHESTRATOR_FEATURES (comma or space separated):
# surrealdb adds the SurrealDB storage backends (-Psurrealdb).
maven_feature_flags() {
  local f flags=()
  local features="${ORCHESTRATOR_FEATURES:-}"
  for f in ${features//,/ }; do
    case "$f" in
      surrealdb) flags+=(-Psurrealdb) ;;
      "") ;;
      *) echo "$(basename "$0"): unknown feature '$f' in ORCHESTRATOR_FEATURES (known: surrealdb)" >&2; return 1 ;;
    esac
  done
  echo "${flags[*]:-}"
}

# Prints the nu to use: one on PATH, else the pinned npm one (installed on first use).
find_nu() {
  if command -v nu >/dev/null 2>&1; then
    command -v nu
    return 0
  fi
  ensure_npm_packages || return 1
  echo "$ORCHESTRATOR_HOME/node_modules/@nushell/linux-x64/bin/nu"
}

# True when a jar built with the Maven flags in stamp file $1 has every feature in flags $2: a jar
# built with more features serves a call that asks for fewer, so alternating calls with and
# without ORCHESTRATOR_FEATURES do not rebuild each time.
built_with_features() {
  local built f
  [ -f "$1" ] || return 1
  built=" $(cat "$1") "
  for f in $2; do
    [[ "$built" == *" $f "* ]] || return 1
  done
}

# Builds the server jar when it is missing, older than any source or pom, or built with other features
# (ORCHESTRATOR_FEATURES=surrealdb builds with -Psurrealdb).
ensure_jar() {
  local jar="$ORCHESTRATOR_HOME/orchestrator-server/target/orchestrator.jar"
  local stamp="$ORCHESTRATOR_HOME/orchestrator-server/target/orchestrator.features"
  local flags
  flags="$(maven_feature_flags)" || return 1
  if [ -f "$jar" ] && built_with_features "$stamp" "$flags" \
     && [ -z "$(find "$ORCHESTRATOR_HOME" -path "$ORCHESTRATOR_HOME/node_modules" -prune -o \
        \( -name '*.java' -o -name 'pom.xml' -o -name '*.xml' -path '*/resources/*' -o -path '*/META-INF/services/*' \) \
        -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "building the orchestrator${flags:+ with $flags} (first use, sources or features changed)..." >&2
  # shellcheck disable=SC2086 # flags are separate words
  (cd "$ORCHESTRATOR_HOME" && ./mvnw -B -q -DskipTests $flags package -pl orchestrator-server -am >&2) \
    || { echo "$(basename "$0"): build failed" >&2; return 1; }
  echo "$flags" > "$stamp"
}

# Builds the CLI jar (orchestrator-cli/target/provisioning.jar) when it is missing, older than any
# source or pom of the CLI, the storage modules it carries (for the offline 'storage migrate') or the
# parent pom, or built with other features (ORCHESTRATOR_FEATURES=surrealdb builds with -Psurrealdb).
ensure_cli_jar() {
  local jar="$ORCHESTRATOR_HOME/orchestrator-cli/target/provisioning.jar"
  local stamp="$ORCHESTRATOR_HOME/orchestrator-cli/target/provisioning.features"
  local flags
  flags="$(maven_feature_flags)" || return 1
  if [ -f "$jar" ] && built_with_features "$stamp" "$flags" \
     && [ -z "$(find "$ORCHESTRATOR_HOME/orchestrator-cli/src/main" "$ORCHESTRATOR_HOME/orchestrator-cli/pom.xml" \
        "$ORCHESTRATOR_HOME/orchestrator-core/src/main" "$ORCHESTRATOR_HOME/orchestrator-storage-filesystem/src/main" \
        "$ORCHESTRATOR_HOME/orchestrator-storage-surrealdb/src/main" "$ORCHESTRATOR_HOME/pom.xml" \
        -newer "$jar" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  echo "building the provisioning CLI${flags:+ with $flags} (first use, sources or features changed)..." >&2
  # shellcheck disable=SC2086 # flags are separate words
  (cd "$ORCHESTRATOR_HOME" && ./mvnw -B -q -DskipTests $flags package -pl orchestrator-cli -am >&2) \
    || { echo "$(basename "$0"): build failed" >&2; return 1; }
  echo "$flags" > "$stamp"
}
