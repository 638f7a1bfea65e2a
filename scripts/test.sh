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
echo "==> test services"
# A loopback PyPI server shaped like Artifactory (pypiserver behind nginx), stopped when this script exits.
pypi_dir="$(mktemp -d)"
trap 'tests/pypi/down.sh "$pypi_dir"; rm -rf "$pypi_dir"' EXIT
tests/pypi/up.sh "$pypi_dir"
export DEVKIT_TEST_PYPI_DIR="$pypi_dir"

echo "==> cargo test"
# Inside a private D-Bus session with an unlocked gnome-keyring, so keyring tests talk to a real Secret Service.
tests/keyring/session.sh cargo test --locked --no-fail-fast -- --test-threads="${DEVKIT_TEST_THREADS:-2}"
