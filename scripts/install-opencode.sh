#!/usr/bin/env bash
# Installs the pinned OpenCode server (npm package opencode-ai) into a cache directory, once, and prints
# the path of its binary. Perch's integration tests and a local installation use it:
#
#   scripts/install-opencode.sh            # -> /root/.cache/perch/opencode/1.18.33/.../bin/opencode
#   perch.opencode.binary=$(scripts/install-opencode.sh)
#
# Knobs: OPENCODE_VERSION (default 1.18.33), PERCH_OPENCODE_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/perch/opencode).
# Exit codes: 0 installed (or already there), 3 npm missing or the install failed.
set -euo pipefail

VERSION="${OPENCODE_VERSION:-1.18.33}"
CACHE="${PERCH_OPENCODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/perch/opencode}"
DEST="$CACHE/$VERSION"

die() { echo "install-opencode: $*" >&2; exit 3; }

# the platform binary that npm put next to the opencode-ai wrapper, if it reports the pinned version
find_bin() {
  local c
  for c in "$1"/node_modules/opencode-*/bin/opencode; do
    [ -x "$c" ] || continue
    if [ "$("$c" --version 2>/dev/null | tr -d '[:space:]')" = "$VERSION" ]; then echo "$c"; return 0; fi
  done
  return 1
}

if bin="$(find_bin "$DEST")"; then echo "$bin"; exit 0; fi
command -v npm >/dev/null || die "npm is needed to install opencode-ai@$VERSION (apt-get install npm)"
mkdir -p "$CACHE"
tmp="$(mktemp -d "$CACHE/.install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
echo "install-opencode: installing opencode-ai@$VERSION into $DEST" >&2
(cd "$tmp" && npm install --prefix "$tmp" --no-save --no-audit --no-fund --no-package-lock --loglevel=error \
    "opencode-ai@$VERSION" >"$tmp/npm.log" 2>&1) || { cat "$tmp/npm.log" >&2; die "npm install opencode-ai@$VERSION failed"; }
find_bin "$tmp" >/dev/null || die "no working opencode $VERSION binary for $(uname -sm) in the npm package"
# publish atomically; a concurrent installer that won the race keeps its copy
if [ -e "$DEST" ] && ! find_bin "$DEST" >/dev/null; then rm -rf "$DEST"; fi
[ -e "$DEST" ] || mv "$tmp" "$DEST" 2>/dev/null || true
find_bin "$DEST" || die "installed opencode not found in $DEST"
