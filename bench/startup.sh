#!/usr/bin/env bash
# Start-up of `./mvnw spring-boot:run` on an empty PERCH_HOME (H2 created and migrated), N times.
# Prints Spring Boot's own "Started ... in X seconds (process running for Y)" line of each run; the
# readiness probe answers UP at that moment. Usage: bench/startup.sh [runs] [extra spring-boot:run args]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; shift || true
./mvnw -q -o -B process-classes >/dev/null   # build once, so every run measures the start alone
port=18990
for i in $(seq "$runs"); do
  home=$(mktemp -d); log="$home/run.log"
  PERCH_HOME="$home" PERCH_PORT=$port SERVER_ADDRESS=127.0.0.1 setsid ./mvnw -q -o spring-boot:run "$@" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1800); do grep -q -E 'Started PerchApplication|APPLICATION FAILED|BUILD FAILURE' "$log" && break; sleep 0.1; done
  line=$(grep -o -E 'Started PerchApplication in [0-9.]+ seconds \(process running for [0-9.]+\)' "$log" || echo "failed: see $log")
  ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness" || true)
  echo "run $i: $line; readiness $ready; load $(cut -d' ' -f1 /proc/loadavg)"
  kill -TERM -- -"$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  rm -rf "$home"
done
