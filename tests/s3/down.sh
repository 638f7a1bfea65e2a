#!/usr/bin/env bash
# Stops what tests/s3/up.sh DIR started (by its PID).
# Usage: tests/s3/down.sh DIR
set -uo pipefail
dir="$1"
[ -f "$dir/moto.pid" ] && kill "$(cat "$dir/moto.pid")" 2>/dev/null
exit 0
