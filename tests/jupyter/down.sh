#!/usr/bin/env bash
# Stops the Jupyter server tests/jupyter/up.sh DIR started (by its PID; it shuts its kernels down).
# Usage: tests/jupyter/down.sh DIR
set -uo pipefail
pidfile="$1/server.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
kill "$pid" 2>/dev/null
for _ in $(seq 1 40); do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 0.25
done
kill -9 "$pid" 2>/dev/null
exit 0
