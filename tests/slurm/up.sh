#!/usr/bin/env bash
# Starts a private Slurm cluster on loopback for the tests: munged (private socket), slurmctld and NODES slurmds
# (emulated nodes n1..nN on one host, 8 CPUs and 2 fake GPUs each), configuration and state in DIR, no accounting
# database (`sacct -c` reads the jobcomp file). Partitions: cpu (default), debug, and down (State=DOWN: jobs stay
# pending, for queue tests). Writes DIR/env (exports SLURM_CONF) and DIR/pids.
# Usage: up.sh DIR [CONTROLLER_PORT] [NODES]. Idempotent: a cluster already running in DIR is left alone.
# Without CONTROLLER_PORT, the first free range of NODES+1 ports from 6817 (in steps of 10) is used, so several
# clusters (parallel test runs) can live on one machine.
# Needs root on Debian to install `slurm-wlm` and `munge` when they are missing. Stop it with down.sh DIR.
set -euo pipefail

dir=${1:?usage: up.sh DIR [CONTROLLER_PORT] [NODES]}
nodes=${3:-3}
# busy PORT: something listens on 127.0.0.1:PORT
busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -n "${2:-}" ]; then
  port=$2
elif [ -f "$1/slurm.conf" ]; then
  port=$(sed -n 's/^SlurmctldPort=//p' "$1/slurm.conf")
else
  port=6817
  while :; do
    free=1
    for ((p = port; p <= port + nodes; p++)); do busy "$p" && { free=0; break; }; done
    [ "$free" = 1 ] && break
    port=$((port + 10))
    [ "$port" -lt 7817 ] || { echo "error: no free port range for a Slurm cluster between 6817 and 7817" >&2; exit 1; }
  done
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install slurm-wlm munge" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null 2>&1 || {
      apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
    }
  else
    echo "error: slurmctld/munged not found and cannot install them (need root on Debian)" >&2
    exit 1
  fi
fi
PATH=$PATH:/usr/sbin:/sbin

alive() { [ -n "${1:-}" ] && [ -n "$(tr -d '\0' 2>/dev/null <"/proc/$1/cmdline")" ]; }

# Already running? (every recorded PID alive and the controller answers)
if [ -s "$dir/pids" ]; then
  ok=1
  while read -r pid; do alive "$pid" || ok=0; done <"$dir/pids"
  if [ "$ok" = 1 ] && SLURM_CONF=$dir/slurm.conf timeout 5 sinfo -h >/dev/null 2>&1; then
    echo "slurm cluster already up in $dir" >&2
    exit 0
  fi
fi
"$(dirname "$0")/down.sh" "$dir" >/dev/null 2>&1 || true

rm -rf "$dir"/{state,spool,log,run,runc,oci.conf,jobcomp.txt}
mkdir -p "$dir"/{munge,state,log,run,fakegpu}
for i in $(seq 1 "$nodes"); do mkdir -p "$dir/spool/n$i"; done
chmod 755 "$dir" "$dir/munge"
: >"$dir/jobcomp.txt"

[ -s "$dir/munge/munge.key" ] || { mungekey -c -b 1024 -k "$dir/munge/munge.key" && chmod 600 "$dir/munge/munge.key"; }
ln -sfn /dev/null "$dir/fakegpu/nvidia0"
ln -sfn /dev/null "$dir/fakegpu/nvidia1"

cat >"$dir/slurm.conf" <<CONF
ClusterName=devkit-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.sock
MailProg=/bin/true
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.%n.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
MinJobAge=3600
MaxJobCount=50000
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
KillWait=5
GresTypes=gpu
NodeName=n[1-$nodes] NodeHostname=localhost NodeAddr=127.0.0.1 Port=$((port + 1))-$((port + nodes)) CPUs=8 RealMemory=4096 Gres=gpu:2 State=UNKNOWN
PartitionName=cpu Nodes=ALL Default=YES MaxTime=INFINITE State=UP
PartitionName=debug Nodes=ALL MaxTime=INFINITE State=UP
PartitionName=down Nodes=ALL MaxTime=INFINITE State=DOWN
PartitionName=short Nodes=ALL MaxTime=1 State=UP
CONF
cat >"$dir/gres.conf" <<CONF
AutoDetect=off
Name=gpu File=$dir/fakegpu/nvidia[0-1]
CONF
# `srun --container=BUNDLE` with runc, when installed: RunTimeRun mode (the Create/Start split hangs with runc on
# Slurm 22.05), container state in a private folder of DIR.
if command -v runc >/dev/null; then
  mkdir -p "$dir/runc" && chmod 700 "$dir/runc"
  cat >"$dir/oci.conf" <<CONF
RunTimeQuery="runc --root=$dir/runc state %n.%u.%j.%s.%t"
RunTimeRun="runc --root=$dir/runc run %n.%u.%j.%s.%t -b %b"
RunTimeKill="runc --root=$dir/runc kill -a %n.%u.%j.%s.%t"
RunTimeDelete="runc --root=$dir/runc delete --force %n.%u.%j.%s.%t"
CONF
fi
echo "export SLURM_CONF=$dir/slurm.conf" >"$dir/env"
export SLURM_CONF=$dir/slurm.conf

: >"$dir/pids"
munged --socket="$dir/munge/munge.sock" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
  --seed-file="$dir/munge/munged.seed" --origin=127.0.0.1
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.05; done; echo "error: $1 not written" >&2; return 1; }
wait_file "$dir/munge/munged.pid"
cat "$dir/munge/munged.pid" >>"$dir/pids"

slurmctld -c -f "$SLURM_CONF"
wait_file "$dir/run/slurmctld.pid"
cat "$dir/run/slurmctld.pid" >>"$dir/pids"
for i in $(seq 1 "$nodes"); do
  slurmd -f "$SLURM_CONF" -N "n$i"
  wait_file "$dir/run/slurmd.n$i.pid"
  cat "$dir/run/slurmd.n$i.pid" >>"$dir/pids"
done

# Wait at most 60 s for every node to be idle; a controller that died (a port taken meanwhile, say) ends the wait
# at once instead of letting each `sinfo` time out.
ctld=$(cat "$dir/run/slurmctld.pid")
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$ctld" 2>/dev/null; do
  idle=$(timeout 5 sinfo -h -N -o '%N %T' 2>/dev/null | grep -c ' idle$' || true)
  [ "$idle" -ge "$nodes" ] && { echo "slurm cluster up in $dir (port $port, $nodes nodes)" >&2; exit 0; }
  sleep 0.1
done
echo "error: slurm nodes did not become idle; see $dir/log" >&2
tail -n 3 "$dir/log/slurmctld.log" >&2 || true
exit 1
