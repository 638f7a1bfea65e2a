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
# A real Slurm cluster (munged, slurmctld, 3 slurmds on loopback) for the Slurm tests, stopped on exit.
slurm_dir=$(mktemp -d "${TMPDIR:-/tmp}/devkit-slurm.XXXXXX")
trap 'tests/slurm/down.sh "$slurm_dir"; rm -rf "$slurm_dir"' EXIT
echo "==> slurm test cluster in $slurm_dir"
tests/slurm/up.sh "$slurm_dir"
# shellcheck disable=SC1091
. "$slurm_dir/env"
export SLURM_CONF DEVKIT_TEST_SLURM=1

echo "==> cargo test"
cargo test --locked --no-fail-fast -- --test-threads="${DEVKIT_TEST_THREADS:-2}"
