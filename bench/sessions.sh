#!/usr/bin/env bash
# Sessions benchmark: 2,000 sessions (five 100 MB transcripts) generated from the test fixtures into
# target/bench-home (kept between runs; delete it to regenerate), indexed with a 512 MB heap.
# Usage: bench/sessions.sh [home-dir] [sessions]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.perch.session.internal.SessionsBenchmark "${1:-target/bench-home}" "${2:-2000}"
