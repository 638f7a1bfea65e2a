#!/usr/bin/env bash
# Stops what tests/jupyter/up.sh DIR or hub-up.sh DIR started, by PID.
# Usage: tests/jupyter/down.sh DIR
set -uo pipefail
# shellcheck source=tests/jupyter/lib.sh
. "$(dirname "$0")/lib.sh"
stop_pid "$1/server.pid"
stop_pid "$1/hub.pid"
exit 0
