#!/usr/bin/env bash
# Stops what tests/pypi/up.sh DIR started.
# Usage: tests/pypi/down.sh DIR
set -uo pipefail
dir="$1"
for pidfile in "$dir/nginx.pid" "$dir/pypiserver.pid"; do
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
done
wait 2>/dev/null
exit 0
