#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret Service), so tests
# see DBUS_SESSION_BUS_ADDRESS. The keyring files live in a temporary folder, never in the user's own keyring.
# Without dbus-run-session or gnome-keyring-daemon the command runs as is (keyring tests then skip, or fail in CI).
# Usage: tests/keyring/session.sh COMMAND [ARGS...]
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "note: dbus-run-session or gnome-keyring-daemon missing: running without a Secret Service" >&2
  exec "$@"
fi
keyring_home="$(mktemp -d)"
trap 'rm -rf "$keyring_home"' EXIT
export DEVKIT_TEST_KEYRING_HOME="$keyring_home"
# shellcheck disable=SC2016
dbus-run-session -- bash -c '
  set -euo pipefail
  # The daemon keeps its keyrings under XDG_DATA_HOME and its control socket under XDG_RUNTIME_DIR: both point at
  # the private folder, for the daemon only. It exits with the session bus.
  # Its output is not captured: the forked daemon would hold the pipe open.
  printf testpass | XDG_DATA_HOME="$DEVKIT_TEST_KEYRING_HOME" XDG_RUNTIME_DIR="$DEVKIT_TEST_KEYRING_HOME" \
    gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  export DEVKIT_TEST_SECRET_SERVICE=1
  exec "$@"
' session "$@"
