#!/usr/bin/env bash
# Benchmarks `devkit configure all` on a HOME it already configured (nothing changes), with the file store and
# with the keyring store (a real gnome-keyring under tests/keyring/session.sh: every Secret Service call is a
# D-Bus round trip), on two HOMEs: one devkit created every file in, and one holding the real-world shaped
# dotfiles of tests/dotfiles (comments, CRLF, BOM, macros, tabbed JSON). Target: a median under 15 ms for each.
#
# Usage: scripts/bench-configure.sh [file|keyring]   (default: both; environment: BENCH_RUNS=N, default 50)
# Exit codes: 0 targets met, 1 a set-up step failed, 3 a target was missed.
# On a fresh Debian machine run it as root: it installs hyperfine with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly TARGET_MS=15
runs="${BENCH_RUNS:-50}"

if [ $# -eq 0 ]; then
  status=0
  "$0" file || status=$?
  tests/keyring/session.sh "$0" keyring || { s=$?; [ "$s" -gt "$status" ] && status=$s; }
  exit "$status"
fi
store="$1"

if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
  else
    echo "error: hyperfine missing: sudo apt-get install hyperfine" >&2
    exit 1
  fi
fi
cargo build --release --locked --quiet
devkit="$PWD/target/release/devkit"
work="$(mktemp -d "${TMPDIR:-/tmp}/devkit-bench-configure.XXXXXX")"
trap 'rm -rf "$work"' EXIT

status=0
for shape in empty dotfiles; do
  export HOME="$work/$shape" XDG_CONFIG_HOME="$work/$shape/.config" XDG_DATA_HOME="$work/$shape/.local/share"
  export XDG_CACHE_HOME="$work/$shape/.cache" DEVKIT_SECRET_STORE="$store" NO_COLOR=1
  export DEVKIT_ARTIFACTORY_URL="https://artifactory.example.org/artifactory"
  mkdir -p "$HOME"
  if [ "$shape" = dotfiles ]; then
    for case in tests/dotfiles/*/; do
      case "$case" in *netrc-old-entry/) continue ;; esac
      cp -a "$case". "$HOME/"
    done
  fi
  printf 'bench-token' | "$devkit" -q secrets set artifactory --username ada --token-stdin
  "$devkit" -q configure all
  # A second run must change nothing: that is the case measured.
  "$devkit" configure all 2>&1 | grep -q "unchanged: everything was already configured" \
    || { echo "error: a second configure changed something ($shape)" >&2; exit 1; }

  echo "==> devkit configure all, nothing to change, $store store, $shape home"
  hyperfine -N --style basic --warmup 3 --runs "$runs" --export-json "$work/result.json" \
    "'$devkit' -q configure all"
  median_ms="$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"]*1000, 1))' "$work/result.json")"
  echo "result: $store store, $shape home: median ${median_ms} ms (target < ${TARGET_MS} ms)"
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 3)" "$median_ms" "$TARGET_MS" || status=3
done
exit "$status"
