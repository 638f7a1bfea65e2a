#!/usr/bin/env bash
# Stops the cluster that up.sh started in DIR: cancels every job first (so no slurmstepd outlives slurmd), then
# stops the daemons by PID (never by name), ignoring zombies. Safe to run twice.
set -uo pipefail

dir=${1:?usage: down.sh DIR}
[ -d "$dir" ] || exit 0
dir=$(cd "$dir" && pwd)
alive() { [ -n "${1:-}" ] && [ -n "$(tr -d '\0' 2>/dev/null <"/proc/$1/cmdline")" ]; }

if [ -f "$dir/slurm.conf" ]; then
  SLURM_CONF=$dir/slurm.conf timeout 5 scancel --quiet --full --user="$(id -un)" >/dev/null 2>&1 || true
fi
# Daemons in reverse start order (slurmds, slurmctld, munged last), from the PID list and the daemons' own PID
# files (in case an interrupted start left the list incomplete).
pids=$( { [ -f "$dir/pids" ] && tac "$dir/pids"; cat "$dir"/run/slurmd.*.pid "$dir/run/slurmctld.pid" \
  "$dir/munge/munged.pid" 2>/dev/null; } | awk '!seen[$0]++')
[ -n "$pids" ] || exit 0
for pid in $pids; do alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
for _ in $(seq 100); do
  left=0
  for pid in $pids; do alive "$pid" && left=1; done
  [ "$left" = 0 ] && break
  sleep 0.05
done
for pid in $pids; do alive "$pid" && kill -KILL "$pid" 2>/dev/null; done
# Step daemons of jobs the controller could not cancel (it was stopped first, as in controller-loss tests) would
# wait forever for it: stop those of this cluster, recognised by their working folder inside DIR.
for p in /proc/[0-9]*; do
  [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] || continue
  case "$(readlink "$p/cwd" 2>/dev/null)" in "$dir"/*) kill -KILL "${p#/proc/}" 2>/dev/null ;; esac
done
# ...and their batch scripts (run from DIR/spool), with the process group slurmstepd gave each of them.
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  case "$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" in
    *"$dir/spool/"*)
      pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
      if [ "$pgid" = "$pid" ]; then kill -KILL -- "-$pid" 2>/dev/null; else kill -KILL "$pid" 2>/dev/null; fi ;;
  esac
done
rm -f "$dir/pids" "$dir"/run/*.pid "$dir/munge/munged.pid"
exit 0
