#!/usr/bin/env bash
# Class data sharing for `./mvnw spring-boot:run` (docs/configuration.md, docs/benchmarks.md#start-up).
#
# Run by the build in process-classes, after spring-boot:process-aot. Loading and verifying the ~14,000
# classes Perch needs is most of its start-up on 2 cores; a CDS archive maps them ready-parsed instead.
# JDK 17 archives only classes from jars and refuses a non-empty directory in front of them, so:
#   1. target/classes is packed into target/cds/perch-classes.jar, which spring-boot:run puts first on
#      its class path (its classesDirectory is the empty target/cds/no-classes);
#   2. a training start (the application context is refreshed, then the JVM exits: no port is opened)
#      writes target/cds/perch.jsa for exactly the class path spring-boot:run will use;
#   3. target/cds/jvm.args, which spring-boot:run reads as an @argfile, names the archive when it is
#      current and is empty otherwise, so a missing or stale archive only costs speed.
# Steps 1 and 2 are skipped when nothing they depend on changed. The pom's profile `cds` runs this on
# unix; -Dperch.cds.skip turns the profile off.
#
# usage: cds-archive.sh <java.home> <target dir> "<run JVM arguments>" <runtime class path>
set -euo pipefail
java_home=$1 target=$2 run_args=$3 runtime_cp=$4
cds="$target/cds"
mkdir -p "$cds/no-classes"
: > "$cds/jvm.args.new"

finish() { mv -f "$cds/jvm.args.new" "$cds/jvm.args"; }
trap finish EXIT

# 1. the application classes as a jar, packed again only when the compiled classes or resources changed.
# process-aot's output is left out of that comparison: it is generated from them and the dependencies (which
# the archive's key below covers), but not byte for byte the same at every build (generated bean names are
# numbered in scanning order), and a jar packed anew at every build would make every archive stale.
jar="$cds/perch-classes.jar"
classes_sum=$(cd "$target/classes" && find . -type f ! -name '*__*' ! -name '*$$SpringCGLIB$$*' \
                ! -path './META-INF/native-image/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [[ ! -f "$jar" || "$(cat "$cds/classes.sha256" 2>/dev/null)" != "$classes_sum" ]]; then
  "$java_home/bin/jar" --create --file "$jar.tmp" -C "$target/classes" .
  mv -f "$jar.tmp" "$jar"
  echo "$classes_sum" > "$cds/classes.sha256"
fi

# 2. the class path exactly as spring-boot:run builds it: additional elements (the jar), the classes
# directory, then the dependencies in project order without the excluded configuration processor and
# without the starters (empty jars whose manifest says `Spring-Boot-Jar-Type: dependencies-starter`, which
# the plugin leaves out). The JVM refuses an archive whose class path differs in any entry.
# The runtime class path from Maven starts with target/classes.
deps=()
IFS=':' read -r -a entries <<< "$runtime_cp"
for entry in "${entries[@]}"; do
  [[ "$entry" == "$target/classes" || "$entry" == *"/spring-boot-configuration-processor-"* ]] && continue
  [[ "$(basename "$entry")" == spring-boot-starter* ]] && continue
  deps+=("$entry")
done
cp_run="$jar:$cds/no-classes"
for entry in "${deps[@]}"; do cp_run+=":$entry"; done

key=$( { "$java_home/bin/java" -version 2>&1; echo "$run_args"; echo "$cp_run";
         stat -c '%s %Y' "$jar"; } | sha256sum | cut -d' ' -f1)
archive="$cds/perch.jsa"
if [[ -f "$archive" && "$(cat "$cds/key" 2>/dev/null)" == "$key" ]]; then
  echo "-XX:SharedArchiveFile=$archive" > "$cds/jvm.args.new"
  exit 0
fi

rm -f "$archive" "$cds/key"
home=$(mktemp -d)
started=$(date +%s)
# shellcheck disable=SC2086 # run_args is a list of JVM options
if PERCH_HOME="$home" "$java_home/bin/java" $run_args -XX:TieredStopAtLevel=1 \
     -XX:ArchiveClassesAtExit="$archive" -Dspring.context.exit=onRefresh \
     -cp "$cp_run" dev.perch.PerchApplication --server.address=127.0.0.1 --server.port=0 \
     > "$cds/training.log" 2>&1 && [[ -f "$archive" ]]; then
  echo "$key" > "$cds/key"
  echo "-XX:SharedArchiveFile=$archive" > "$cds/jvm.args.new"
  echo "[cds] archive for spring-boot:run written in $(( $(date +%s) - started )) s: $archive"
else
  rm -f "$archive"
  echo "[cds] WARNING: the training start failed (see $cds/training.log); spring-boot:run starts without an archive"
fi
rm -rf "$home"
