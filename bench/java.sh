#!/usr/bin/env bash
# Usage: bench/java.sh [JVM options] MAIN_CLASS [args]
#
# Runs a class of the bench module (built by `mvn -DskipTests package`) with its classpath and the module
# options Spark needs on Java 17, bound to 127.0.0.1. Used by bench/run.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CP_FILE="$ROOT/bench/target/classpath.txt"
[[ -f "$CP_FILE" ]] || { echo "bench/java.sh: $CP_FILE missing: run mvn -B -DskipTests package first" >&2; exit 2; }
FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties")
export SPARK_LOCAL_IP=127.0.0.1
# Run from a snapshot of the job jar and bench classes, so that rebuilding during a long benchmark is harmless.
SNAP="$(mktemp -d /tmp/bigram-bench-cp.XXXXXX)"
cp "$ROOT/job/target/bigram-trainer.jar" "$SNAP/"
cp -r "$ROOT/bench/target/classes" "$SNAP/classes"
CP="$(sed "s|$ROOT/job/target/bigram-trainer.jar|$SNAP/bigram-trainer.jar|" "$CP_FILE")"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" "${FLAGS[@]}" -cp "$SNAP/classes:$CP" "$@"
