#!/usr/bin/env bash
# The test command. On a fresh Debian machine, run as root, it installs what the suite needs (Debian packages,
# Python tools in a private virtualenv), then runs the format check, clippy with warnings denied and the whole
# test suite. Services the tests need are started by tests/services.sh and stopped when this script exits.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh

# Python tools (pytest, ruff, ...) live in a virtualenv of their own, first on PATH for the tests.
export PATH="$PWD/target/test-tools/venv/bin:$PATH"

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "==> cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --locked --no-fail-fast --lib --bins --tests -- --test-threads="${DEVKIT_TEST_THREADS:-2}" 2>&1 | tee "$log" || status=$?
# One closing line for the whole suite (cargo prints one result line per test binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
