#!/usr/bin/env bash
# Stops the JupyterHub tests/jupyter/hub-up.sh DIR started, by its PID (it stops its proxy and the users'
# servers on the way out).
# Usage: tests/jupyter/hub-down.sh DIR
set -uo pipefail
pidfile="$1/hub.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
kill "$pid" 2>/dev/null
for _ in $(seq 1 60); do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 0.25
done
kill -9 "$pid" 2>/dev/null
exit 0
