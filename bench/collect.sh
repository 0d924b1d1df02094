#!/usr/bin/env bash
# Usage collection benchmark, side by side with ccusage 20.0.24 (issue 6). One run:
#   1. the corpus: make-corpus.py's 2,000 sessions (~350 MB) in target/collect-corpus, generated once
#      (needs ../shared/harness/agents/make-corpus.py next to this repository; kept between runs);
#   2. ccusage@20.0.24 from the npm registry into a cache directory, once (20.0.26 has no linux-x64 binary);
#   3. `ccusage daily --json --offline -z UTC` on the corpus, 3 runs (and 3 of the native binary the npm
#      launcher starts): wall time and peak RSS;
#   4. Perch (UsageCollectBenchmark): first collection, unchanged re-collections, appended lines, the
#      summary by day and model; tokens per day and model compared with EXPECTED.json and ccusage.
# Usage: bench/collect.sh [corpus-dir]     Output: target/collect-bench/ (report.txt, ccusage-daily.json)
# Environment: PERCH_BENCH_CACHE (default ~/.cache/perch-bench), CCUSAGE (a ccusage binary to use instead).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-target/collect-corpus}"
out=target/collect-bench
cache="${PERCH_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/perch-bench}"
mkdir -p "$out"

if [ ! -f "$corpus/EXPECTED.json" ]; then
  generator=../shared/harness/agents/make-corpus.py
  if [ ! -f "$generator" ]; then
    echo "No corpus in $corpus and no $generator to make one: the generator and the real transcripts it" >&2
    echo "replicates live in the team's shared folder, next to this repository. Give a corpus directory" >&2
    echo "(claude/, codex/, EXPECTED.json) as the first argument instead." >&2
    exit 2
  fi
  if [ -e "$corpus" ] && [ -n "$(ls -A "$corpus")" ]; then
    echo "$corpus exists without EXPECTED.json (an interrupted generation?): remove it and run again" >&2
    exit 2
  fi
  echo "generating the corpus into $corpus (about a minute)"
  python3 "$generator" --seed 7 --sessions 2000 --out "$corpus" --expected
fi

ccusage="${CCUSAGE:-$cache/ccusage-20.0.24/node_modules/.bin/ccusage}"
if [ ! -x "$ccusage" ]; then
  echo "installing ccusage@20.0.24 into $cache/ccusage-20.0.24"
  mkdir -p "$cache/ccusage-20.0.24"
  npm install --prefix "$cache/ccusage-20.0.24" --no-audit --no-fund --loglevel=error ccusage@20.0.24 >&2
fi

# wall time (ms) and peak RSS (kB) of one command; /usr/bin/time -v if there, else polling /proc
measure() {
  local json="$1"; shift
  if [ -x /usr/bin/time ]; then
    local start end
    start=$(date +%s%N)
    /usr/bin/time -v -o "$out/time.txt" "$@" > "$json"
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 )) $(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")"
  else
    local start end pid peak=0 rss
    start=$(date +%s%N)
    "$@" > "$json" & pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      # the launcher and the native binary it starts: the larger of the two
      for p in "$pid" $(pgrep -P "$pid" || true); do
        rss=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
        [ "${rss:-0}" -gt "$peak" ] && peak=$rss
      done
      sleep 0.02
    done
    wait "$pid"
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 )) $peak"
  fi
}

echo "load average before ccusage: $(cat /proc/loadavg)"
runs=()
for i in 1 2 3; do
  result=$(CLAUDE_CONFIG_DIR="$corpus/claude" CODEX_HOME="$corpus/codex" \
    measure "$out/ccusage-daily.json" "$ccusage" daily --json --offline -z UTC)
  echo "ccusage daily --json --offline -z UTC, run $i: ${result% *} ms wall, max RSS ${result#* } kB"
  runs+=("$result")
done
median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
# the npm package's `ccusage` is a Node launcher that starts a native binary: time the binary alone too
native=$(ls "$(dirname "$(readlink -f "$ccusage")")"/../../@ccusage/ccusage-linux-x64/bin/ccusage 2>/dev/null || true)
native_median=""
if [ -n "$native" ] && [ -x "$native" ]; then
  native_runs=()
  for i in 1 2 3; do
    result=$(CLAUDE_CONFIG_DIR="$corpus/claude" CODEX_HOME="$corpus/codex" \
      measure "$out/ccusage-native-daily.json" "$native" daily --json --offline -z UTC)
    echo "ccusage native binary, same report, run $i: ${result% *} ms wall, max RSS ${result#* } kB"
    native_runs+=("$result")
  done
  native_median=$(printf '%s\n' "${native_runs[@]}" | sort -n | sed -n 2p)
fi

./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
peak_rss=$(printf '%s\n' "${runs[@]}" | awk '{print $2}' | sort -n | tail -1)
java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.perch.session.UsageCollectBenchmark "$corpus" "$out/ccusage-daily.json" "${median% *}" "$peak_rss" \
  "${native_median% *}" \
  | tee "$out/report.txt"
