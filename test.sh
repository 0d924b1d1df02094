#!/usr/bin/env bash
# The test command: installs and starts what the tests need, then runs ./mvnw -B verify.
# Works on a fresh Debian 12 machine as root (apt reachable); on a developer machine it reuses
# whatever already runs (a PostgreSQL on 127.0.0.1:5432, a Docker engine on the default socket).
# With CI=true it fails when any integration test was skipped.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
WORK=${PERCH_TEST_WORK:-/tmp/perch-test}
mkdir -p "$WORK"
log() { echo "[test $(date +%T)] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. packages from Debian: Docker engine, busybox (workspace test image), PostgreSQL 15, git, npm (for opencode),
#    nginx (the reverse-proxy test starts its own), the JDK's jmods (jlink makes the JRE base image the
#    Dockerfile is tested on)
JDK=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || echo /usr/bin/javac)")")")}
need=()
command -v dockerd >/dev/null || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v git >/dev/null || need+=(git)
command -v npm >/dev/null || need+=(npm)
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -d "$JDK/jmods" ] || need+=(openjdk-17-jmods)
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  as_root apt-get update -q >/dev/null
  as_root apt-get install -y -q "${need[@]}" >"$WORK/apt.log" 2>&1 || { tail -30 "$WORK/apt.log"; exit 1; }
fi

# 2. Docker engine: default bridge (published ports need it), no iptables, published ports on loopback only
if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  as_root bash -c "nohup dockerd --iptables=false --ip=127.0.0.1 -H unix:///var/run/docker.sock >'$WORK/dockerd.log' 2>&1 &"
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 "$WORK/dockerd.log"; exit 1; }
fi

# 3. images, built locally (nothing can be pulled): busybox plus the glibc libraries dynamic binaries need,
#    and a JRE base image for the Dockerfile (a jlink'ed runtime of this JDK)
scripts/build-test-image.sh "$WORK"
PERCH_TEST_JDK=$JDK scripts/build-jre-image.sh "$WORK"

# 4. the pinned OpenCode server from npm (opencode-ai), into a cache directory the tests find
log "opencode: $(scripts/install-opencode.sh)"

# 5. PostgreSQL 15 on 127.0.0.1:5432 with trust auth (or the one already listening there)
PGBIN=/usr/lib/postgresql/15/bin
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p 5432; then
  log "starting a throwaway PostgreSQL 15 on 127.0.0.1:5432"
  D="$WORK/pg"; as_root mkdir -p "$D"; as_root chown postgres: "$D"
  [ -s "$D/data/PG_VERSION" ] || as_root runuser -u postgres -- "$PGBIN/initdb" -D "$D/data" -U postgres --auth=trust -E UTF8 >/dev/null
  as_root runuser -u postgres -- "$PGBIN/pg_ctl" -D "$D/data" -l "$D/pg.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -c port=5432 -c unix_socket_directories=$D" >/dev/null
fi
# a fresh test database every run: each repository test makes its own schema in it
psql -h 127.0.0.1 -U postgres -d postgres -qc 'drop database if exists perch_test with (force)'
psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database perch_test'

# 6. build and test; the guard turns skipped integration tests into a failure
rm -rf target/failsafe-reports target/surefire-reports
export PERCH_TEST_POSTGRES_URL=${PERCH_TEST_POSTGRES_URL:-127.0.0.1:5432/perch_test}
./mvnw -B verify "$@"
shopt -s nullglob
reports=(target/failsafe-reports/TEST-*.xml)
((${#reports[@]})) || { echo "no integration-test reports"; exit 1; }
if [ "${CI:-}" = true ] && grep -lE '(skipped|errors|failures)="[1-9]' "${reports[@]}"; then
  echo "integration tests were skipped or failed (see the reports above)"; exit 1
fi
log "OK: ${#reports[@]} integration test classes ran, none skipped"
