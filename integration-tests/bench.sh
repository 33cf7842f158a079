#!/usr/bin/env bash
# Runs one benchmark main class of integration-tests/src/test/java/dev/meerkat/bench against this
# worktree's code (never the dev.meerkat jars in ~/.m2), e.g.
#   bash integration-tests/bench.sh ServerBenchmark /tmp/meerkat-bench-work
#   BENCH_CPUS=1 JAVA_OPTS="-Dbench.sections=start" bash integration-tests/bench.sh ServerBenchmark /tmp/w
# BENCH_CPUS: the CPUs this (load-generating) JVM is pinned to, default 1; the servers that
# ServerBenchmark starts are pinned to -Dbench.serverCpus (default 0). BENCH_CPUS= (empty) pins nothing.
# SKIP_BUILD=1 reuses what the last run built.
set -euo pipefail
cd "$(dirname "$0")/.."
main=${1:?usage: bench.sh <BenchmarkClass> [args...]}; shift
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -q -B -ntp -o -DskipTests package -pl server -am
  mvn -q -B -ntp -o test-compile -pl integration-tests -am
  mvn -q -B -ntp -o dependency:build-classpath -pl integration-tests -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test
fi
THIRD=$(tr ':' '\n' < integration-tests/target/bench-cp.txt | grep -v '/dev/meerkat/' | paste -sd:)
CP=integration-tests/target/test-classes:server/target/classes:zk-wire/target/classes:broker-registry/target/classes:coordination-core/target/classes:meerkat-junit/target/classes:$THIRD
FLAGS="$(sed -n 's:.*<jdk.internals.args>\(.*\)</jdk.internals.args>.*:\1:p' pom.xml) $(sed -n 's:.*<quiet.chronicle.args>\(.*\)</quiet.chronicle.args>.*:\1:p' pom.xml)"
PIN=()
cpus=${BENCH_CPUS-1}
[ -n "$cpus" ] && PIN=(taskset -c "$cpus")
# shellcheck disable=SC2086
exec "${PIN[@]}" java $FLAGS ${JAVA_OPTS:--Xmx4g} -cp "$CP" "dev.meerkat.bench.$main" "$@"
