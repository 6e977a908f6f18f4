#!/usr/bin/env bash
# Runs the bigram trainer with spark-submit.
#
#   ./submit.sh [spark-submit options] <command> [command options]
#   ./submit.sh                                  train on sample-data/ with conf/trainer.conf, in local[*]
#   ./submit.sh train --input PATH... --output DIR [--run-id ID] [--conf FILE] [--set key=value]...
#   ./submit.sh predict --model RUN_DIR (--word WORD | --words A,B,C | --words-from FILE|-) [--top K] [--json]
#   ./submit.sh evaluate --model RUN_DIR --input PATH... [--json]
#   ./submit.sh export --model RUN_DIR --format arpa --output FILE[.gz] [--top-per-context K] [--input HELD_OUT]
#   ./submit.sh --master spark://host:7077 --executor-memory 4g train ...
#
# Spark: uses $SPARK_HOME/bin/spark-submit or a spark-submit on PATH when there is one. Otherwise it runs
# Spark's own launcher and org.apache.spark.deploy.SparkSubmit from the Spark jars Maven resolved into
# job/target/spark-home/jars (built on first use), so a machine with only a JDK and Maven can run the job.
#
# Defaults: --master local[*] when no --master is given; Spark settings from conf/spark-defaults.conf and
# logging from conf/log4j2.properties (SPARK_CONF_DIR=conf/ unless you set SPARK_CONF_DIR); train reads
# conf/trainer.conf unless --conf is given. The job's exit codes are listed in docs/operations.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAR="$ROOT/job/target/bigram-trainer.jar"
LOCAL_SPARK_HOME="$ROOT/job/target/spark-home"
MAIN_CLASS="dev.bigram.cli.Main"

usage() {
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

spark_opts=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    train|predict|evaluate|export) break ;;
    -h|--help) usage; exit 0 ;;
    --verbose|-v|--supervise|--load-spark-defaults) spark_opts+=("$1"); shift ;;
    --*=*) spark_opts+=("$1"); shift ;;
    --*)
      if [[ $# -lt 2 ]]; then echo "error: spark-submit option $1 needs a value" >&2; exit 2; fi
      spark_opts+=("$1" "$2"); shift 2 ;;
    *) echo "error: unknown command '$1': expected train, predict, evaluate or export (./submit.sh --help)" >&2; exit 2 ;;
  esac
done

if [[ $# -eq 0 ]]; then
  set -- train --conf "$ROOT/conf/trainer.conf"
elif [[ "$1" == "train" ]]; then
  has_conf=false
  for a in "$@"; do [[ "$a" == "--conf" || "$a" == --conf=* ]] && has_conf=true; done
  if ! $has_conf; then set -- "$@" --conf "$ROOT/conf/trainer.conf"; fi
fi

has_master=false
for a in "${spark_opts[@]+"${spark_opts[@]}"}"; do [[ "$a" == "--master" || "$a" == --master=* ]] && has_master=true; done
master_given=$has_master
spark_options_given=$([[ ${#spark_opts[@]} -gt 0 ]] && echo true || echo false)
if ! $has_master; then spark_opts=(--master 'local[*]' "${spark_opts[@]+"${spark_opts[@]}"}"); fi

# Build the application jar (and the local Spark home) when missing or older than the sources.
needs_build() {
  [[ ! -f "$JAR" ]] && return 0
  [[ -z "$(command -v spark-submit)" && -z "${SPARK_HOME:-}" && ! -d "$LOCAL_SPARK_HOME/jars" ]] && return 0
  [[ ! -d "$ROOT/job/target/plain-jvm" ]] && return 0
  [[ -n "$(find "$ROOT/job/src/main" "$ROOT/job/pom.xml" "$ROOT/pom.xml" -newer "$JAR" -print -quit 2>/dev/null)" ]]
}
if needs_build; then
  echo "submit.sh: building the job (mvn package, tests skipped)..." >&2
  (cd "$ROOT" && mvn -B -q -DskipTests -pl job -am package) >&2
fi

export SPARK_CONF_DIR="${SPARK_CONF_DIR:-$ROOT/conf}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# evaluate reads its input without Spark when it is one local file of at most this many bytes (100 MB), the
# rule of EvaluateCommand.LOCAL_INPUT_MAX_BYTES: one --input value, no glob, an existing regular file.
LOCAL_EVALUATE_MAX_BYTES=104857600
one_modest_local_file() {
  local inputs=() taking=false a f
  for a in "$@"; do
    if $taking && [[ "$a" != -* ]]; then inputs+=("$a"); continue; fi
    taking=false
    case "$a" in
      --input) taking=true ;;
      --input=*) inputs+=("${a#--input=}") ;;
    esac
  done
  [[ ${#inputs[@]} -eq 1 ]] || return 1
  f="${inputs[0]#file:}"
  # A path without a scheme means the default file system, which a core-site.xml or spark-defaults.conf may make
  # HDFS: then only file: paths are local. A ':' left in the name is a scheme to Hadoop.
  if [[ "${inputs[0]}" != file:* ]] && default_fs_configured; then return 1; fi
  [[ "$f" != *[\*\?\[\]\{\}\\:]* && -f "$f" ]] || return 1
  (( $(wc -c < "$f") <= LOCAL_EVALUATE_MAX_BYTES ))
}
default_fs_configured() {
  grep -qs 'fs.defaultFS' "${HADOOP_CONF_DIR:-/nonexistent}/core-site.xml" \
    || grep -qs '^[[:space:]]*spark.hadoop.fs.defaultFS' "$SPARK_CONF_DIR/spark-defaults.conf"
}

# predict and export read a run's files without Spark, and so does evaluate on one modest local file: given no
# spark-submit option (--master, --conf, ...), they run as a plain JVM. Its classpath has the Spark and Hadoop jars (for their Parquet and file-system
# readers) and $SPARK_CONF_DIR and $HADOOP_CONF_DIR (for core-site.xml, as spark-submit has them), but it logs
# through slf4j-simple (conf/simplelogger.properties) rather than Log4j, whose start takes most of a second. The
# first run writes a class-data archive of what it loaded (job/target/plain-jvm/*.jsa, a few seconds once); later
# runs map it and start in a fraction of the time.
plain_jvm=false
if ! $spark_options_given; then
  case "${1:-}" in
    predict|export) plain_jvm=true ;;
    evaluate) if one_modest_local_file "${@:2}"; then plain_jvm=true; fi ;;
  esac
fi
if $plain_jvm; then
  jars="$LOCAL_SPARK_HOME/jars"
  if [[ -n "${SPARK_HOME:-}" && -d "$SPARK_HOME/jars" ]]; then
    jars="$SPARK_HOME/jars"
  elif command -v spark-submit >/dev/null 2>&1; then
    jars="$(cd "$(dirname "$(readlink -f "$(command -v spark-submit)")")/../jars" 2>/dev/null && pwd || echo "$jars")"
  fi
  plain_lib="$ROOT/job/target/plain-jvm"
  if [[ -d "$jars" && -d "$plain_lib" ]]; then
    cp="$JAR:$plain_lib/*"
    for j in "$jars"/*.jar; do [[ "$(basename "$j")" == log4j-slf4j2-impl-* ]] || cp+=":$j"; done
    # Directories last: the class-data archive allows no class directory before a jar it loads from.
    cp+=":$SPARK_CONF_DIR${HADOOP_CONF_DIR:+:$HADOOP_CONF_DIR}"
    java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
    # An archive holds the classes of one kind of command, for one classpath and one JVM: its name says which.
    # A stale one is ignored, silently.
    kind="$1"
    if [[ "$1" == "predict" && " $* " == *" --words-from"* ]]; then kind=predict-batch; fi
    archive="$plain_lib/classes-$kind-$(printf '%s\n%s' "$cp" "$(readlink -f "$(command -v "$java")")" | cksum | cut -d' ' -f1).jsa"
    jvm=(-XX:+IgnoreUnrecognizedVMOptions -XX:+UseSerialGC -Xlog:cds*=off -cp "$cp")
    # The spark.hadoop.* settings of spark-defaults.conf (an object store's credentials, say), as Spark would
    # hand them to Hadoop.
    while read -r key value; do
      if [[ "$key" == spark.hadoop.* ]]; then jvm+=("-D$key=$value"); fi
    done < <(grep -s '^[[:space:]]*spark\.hadoop\.' "$SPARK_CONF_DIR/spark-defaults.conf" || true)
    # A query of a few words is over before the optimizing compiler pays for itself: the quick one alone halves
    # the CPU it takes. A batch (--words-from) or an export runs long enough to want both.
    if [[ "$kind" == "predict" ]]; then jvm+=(-XX:TieredStopAtLevel=1); fi
    if [[ -f "$archive" && "$archive" -nt "$JAR" ]]; then
      exec "$java" -XX:SharedArchiveFile="$archive" "${jvm[@]}" "$MAIN_CLASS" "$@"
    elif [[ -w "$plain_lib" ]]; then
      tmp="$archive.$$.tmp"
      status=0
      "$java" -XX:ArchiveClassesAtExit="$tmp" "${jvm[@]}" "$MAIN_CLASS" "$@" || status=$?
      # Only a run that did its work has loaded what the next ones need.
      if [[ "$status" == 0 && -f "$tmp" ]]; then mv -f "$tmp" "$archive"; else rm -f "$tmp"; fi
      exit "$status"
    fi
    exec "$java" "${jvm[@]}" "$MAIN_CLASS" "$@"
  fi
fi

if [[ -n "${SPARK_HOME:-}" && -x "${SPARK_HOME}/bin/spark-submit" ]]; then
  exec "${SPARK_HOME}/bin/spark-submit" "${spark_opts[@]}" --class "$MAIN_CLASS" "$JAR" "$@"
elif command -v spark-submit >/dev/null 2>&1; then
  exec spark-submit "${spark_opts[@]}" --class "$MAIN_CLASS" "$JAR" "$@"
fi

# No Spark installed: do what bin/spark-class does, with the jars Maven resolved. Spark's launcher builds the
# driver's java command (memory, module options, classpath with SPARK_CONF_DIR) and prints it NUL-separated.
export SPARK_HOME="$LOCAL_SPARK_HOME"
export SPARK_SCALA_VERSION=2.13
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
parts=()
while IFS= read -r -d '' part; do parts+=("$part"); done < <(
  "$JAVA" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main \
    org.apache.spark.deploy.SparkSubmit "${spark_opts[@]}" --class "$MAIN_CLASS" "$JAR" "$@"
  printf '%d\0' $?
)
launcher_status=${parts[${#parts[@]}-1]}
if [[ "$launcher_status" != 0 ]]; then
  echo "error: Spark's launcher failed (status $launcher_status)" >&2
  exit 1
fi
# The launcher prints a NUL, a newline, then the command's arguments separated by NULs.
cmd=()
for ((i = 0; i < ${#parts[@]} - 1; i++)); do
  part="${parts[$i]#$'\n'}"
  if [[ ${#cmd[@]} -eq 0 && -z "$part" ]]; then continue; fi
  cmd+=("$part")
done
exec "${cmd[@]}"
