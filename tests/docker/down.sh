#!/usr/bin/env bash
# Stops what up.sh started in DIR, by PID (never by name): containers first, then the registry and dockerd;
# unmounts what dockerd leaves mounted under DIR so the folder can be removed. Safe to run twice.
set -uo pipefail

dir=${1:?usage: down.sh DIR}
[ -d "$dir" ] || exit 0
dir=$(cd "$dir" && pwd)
alive() { [ -n "${1:-}" ] && [ -n "$(tr -d '\0' 2>/dev/null <"/proc/$1/cmdline")" ]; }

if [ -S "$dir/docker.sock" ]; then
  docker=/usr/bin/docker
  [ -x "$docker" ] || docker=docker
  ids=$(DOCKER_HOST="unix://$dir/docker.sock" timeout 10 "$docker" ps -aq 2>/dev/null || true)
  # shellcheck disable=SC2086 # one id per word
  [ -z "$ids" ] || DOCKER_HOST="unix://$dir/docker.sock" timeout 20 "$docker" rm -f $ids >/dev/null 2>&1 || true
fi
pids=$( { [ -f "$dir/pids" ] && tac "$dir/pids"; cat "$dir/dockerd.pidfile" 2>/dev/null; } | awk 'NF && !seen[$0]++')
for pid in $pids; do alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
for _ in $(seq 200); do
  left=0
  for pid in $pids; do alive "$pid" && left=1; done
  [ "$left" = 0 ] && break
  sleep 0.05
done
for pid in $pids; do alive "$pid" && kill -KILL "$pid" 2>/dev/null; done
# Mounts dockerd leaves behind (the default netns, overlay layers), deepest first.
awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
  umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
done
rm -f "$dir/pids"
exit 0
