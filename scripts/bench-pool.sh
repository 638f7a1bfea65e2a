#!/usr/bin/env bash
# Benchmarks allocation pools on a contended local test cluster (tests/slurm/up.sh, one node of 8 CPUs), in one
# run. Background load: a rolling set of short full-node jobs (8 CPUs, 3 s) kept queued, so every new submission
# waits behind the ones queued before it. A pipeline of five sequential jobs then one stage of three parallel jobs
# is driven through the executor protocol as gitlab-runner does (prepare, run build_script, cleanup per job, with
# CUSTOM_ENV_ variables and a job response file), in two modes, interleaved:
#   per-job: one allocation per job (no DEVKIT_SLURM_POOL);
#   pool:    DEVKIT_SLURM_POOL=cpus=4,idle=10s (a fresh pipeline id per run, so no run reuses another's pool).
# Reported: pipeline wall time per mode (target: pool >= 3x shorter) and, in pool mode, the step launch overhead
# (srun start -> the step's first line, from the driver's "step N started X s after launch" line; target:
# median < 0.2 s). The load average is printed with the figures (the machine may be shared).
# Usage: scripts/bench-pool.sh [RUNS]   (DEVKIT=path to use a given binary)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
# a one-node cluster of its own: the benchmark needs a node it keeps busy
cluster_own=1 cluster_nodes=1
# shellcheck source=scripts/bench/slurm-cluster.sh
. scripts/bench/slurm-cluster.sh
on_exit "scancel --user=$(id -u) 2>/dev/null"
export SLURM_CONF DEVKIT_SLURM_SACCT=completion
cd "$work"
mkdir -p home builds
now() { echo "$EPOCHREALTIME"; }

# Background load: keep two full-node jobs queued at all times (each runs 3 s).
(
  while :; do
    pending=$(squeue -h -t PD -n bench-load -o %i | wc -l)
    if [ "$pending" -lt 2 ]; then
      sbatch -Q -J bench-load -c 8 -t 1 -o /dev/null --wrap 'sleep 3' || true
    fi
    sleep 0.3
  done
) &
load_pid=$!
on_exit "kill $load_pid 2>/dev/null"
sleep 5

cat >build.sh <<'JOB'
#!/bin/bash
echo "job $BENCH_NAME on $SLURM_JOB_ID.${SLURM_STEP_ID:-batch}"
sleep 1
JOB

# ci_job PIPELINE JOB POOL: one CI job through the executor stages.
ci_job() {
  local pipeline=$1 job=$2 pool=$3
  local dir=$work/jobs/$pipeline-$job
  mkdir -p "$dir"
  echo "{\"id\": $job, \"token\": \"x\"}" >"$dir/response.json"
  (
    export HOME=$work/home JOB_RESPONSE_FILE=$dir/response.json BUILD_FAILURE_EXIT_CODE=1 \
      SYSTEM_FAILURE_EXIT_CODE=2 BUILD_EXIT_CODE_FILE=$dir/exit-code DEVKIT_TREX_BUILDS_DIR=$work/builds \
      CUSTOM_ENV_CI_JOB_ID=$job CUSTOM_ENV_CI_PIPELINE_ID=$pipeline CUSTOM_ENV_CI_PROJECT_ID=4242 \
      CUSTOM_ENV_CI_RUNNER_ID=9 CUSTOM_ENV_DEVKIT_SLURM_TIME=10 BENCH_NAME=$job NO_COLOR=1
    [ -n "$pool" ] && export CUSTOM_ENV_DEVKIT_SLURM_POOL=$pool
    "$DEVKIT" executor prepare >"$dir/log" 2>&1
    "$DEVKIT" executor run "$work/build.sh" build_script >>"$dir/log" 2>&1
    "$DEVKIT" executor cleanup >>"$dir/log" 2>&1
  ) || { echo "job $job failed:"; cat "$dir/log"; return 1; }
}

# pipeline ID POOL: five sequential jobs, then a stage of three parallel jobs; prints the wall time.
pipeline() {
  local id=$1 pool=$2 t0 t1
  t0=$(now)
  for j in 1 2 3 4 5; do ci_job "$id" "$id$j" "$pool"; done
  ci_job "$id" "${id}6" "$pool" & local a=$!
  ci_job "$id" "${id}7" "$pool" & local b=$!
  ci_job "$id" "${id}8" "$pool" & local c=$!
  wait "$a" "$b" "$c"
  t1=$(now)
  echo "$t1 - $t0" | bc
}

: >results.txt
for run in $(seq "$runs"); do
  for mode in per-job pool; do
    [ "$mode" = pool ] && id=$((run * 100 + 1)) || id=$((run * 100))
    pool=""
    [ "$mode" = pool ] && pool="cpus=4,idle=10s"
    echo "==> run $run, $mode (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    wall=$(pipeline "$id" "$pool")
    echo "$mode $wall" | tee -a results.txt
    # Same start for every run: the pool's allocation is released (idle timeout) before the next run.
    while squeue -h -o %k | grep -q devkit-pool:; do sleep 1; done
  done
done

echo
echo "==> results ($runs runs per mode; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
per=$(awk '$1=="per-job"{print $2}' results.txt | median)
pooled=$(awk '$1=="pool"{print $2}' results.txt | median)
echo "pipeline wall time, median: one allocation per job ${per} s, pool ${pooled} s, ratio $(echo "scale=2; $per / $pooled" | bc)x (target >= 3x)"
grep -ho 'started [0-9.]* s after launch' jobs/*/log | awk '{print $2}' >launch.txt
echo "step launch overhead in a pool (srun start -> script running), n=$(wc -l <launch.txt): median $(median <launch.txt) s, max $(sort -n launch.txt | tail -1) s (target median < 0.2 s)"
grep -ho 'started after [0-9.]* s in the queue' jobs/*/log | awk '{print $3}' >queue.txt
echo "queue wait per job without a pool, n=$(wc -l <queue.txt): median $(median <queue.txt) s"
grep -ho 'waited [0-9.]* s in the queue' jobs/*/log | awk '{print $2}' >pool-wait.txt
echo "queue waits with a pool (one per pipeline, shared by the jobs that waited for it): $(tr '\n' ' ' <pool-wait.txt)"
