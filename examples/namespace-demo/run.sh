#!/usr/bin/env bash
# The namespaces guide as a program (README "Namespace demo"):
#
#   examples/namespace-demo/run.sh embedded [--data DIR]   core as a library, on a temporary directory
#   examples/namespace-demo/run.sh rest [--url URL]        a running server (bin/vecstore serve), default http://127.0.0.1:8080
#
# Finds a JDK >= 21 as bin/vecstore does, builds target/namespace-demo.jar when it is missing or older
# than the sources, and runs it. Exit status: 0 the story matches the guide, 1 it does not, 2 bad usage
# or no usable server. VECSTORE_ADMIN_KEY, when set, is sent to the server as the bearer key.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/examples/namespace-demo/target/namespace-demo.jar"
MIN_JAVA=21

die() { echo "namespace-demo: $*" >&2; exit 2; }

java_major() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}') || true
  v=${v#1.}
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

find_jdk() {
  local dir v best="" best_v=0
  for dir in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    if [[ -n "$dir" && -x "$dir/bin/java" && $(java_major "$dir/bin/java") -ge $MIN_JAVA ]]; then echo "$dir"; return; fi
  done
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    [[ -x "$dir/bin/java" && -x "$dir/bin/javac" ]] || continue
    v=$(java_major "$dir/bin/java")
    if (( v >= MIN_JAVA && v > best_v )); then best="$dir"; best_v=$v; fi
  done
  [[ -n "$best" ]] && { echo "$best"; return; }
  die "no JDK $MIN_JAVA or newer found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm/*); install one or set JAVA_HOME"
}

export JAVA_HOME="$(find_jdk)"
export PATH="$JAVA_HOME/bin:$PATH"
if (( $(java_major "$JAVA_HOME/bin/java") >= 24 )); then
  export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
fi

if [[ ! -f "$JAR" || -n "$(find "$ROOT/core" "$ROOT/examples/namespace-demo" -path '*/target' -prune -o \
    \( -path '*/src/main/*' -o -name pom.xml \) -type f -newer "$JAR" -print -quit)" ]]; then
  command -v mvn >/dev/null || die "Maven (mvn) is needed to build the demo; install it, e.g. 'apt-get install maven'"
  echo "namespace-demo: building $JAR (JDK: $JAVA_HOME)" >&2
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -pl examples/namespace-demo -am -DskipTests package)
fi

exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar "$JAR" "$@"
