#!/usr/bin/env bash
# Benchmarks `devkit slurm run` on the local test cluster (tests/slurm/up.sh), in one run:
#  (a) completion overhead = wall time of the command minus the job's own elapsed time, for a 1 s job, against
#      `sbatch --wait` (target: devkit median <= 0.5 s and at least 2x lower than sbatch --wait's);
#  (b) log latency = line written by the job -> line printed by devkit (target: p95 <= 1 s);
#  (c) 20 concurrent runs: CPU share and peak resident memory of each devkit process (targets: < 2 % of a core,
#      < 15 MB).
# Usage: scripts/bench-slurm.sh [RUNS]   (DEVKIT=path to use a given binary; SLURM_CONF to use a running cluster)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
# shellcheck source=scripts/bench/slurm-cluster.sh
. scripts/bench/slurm-cluster.sh
export SLURM_CONF DEVKIT_SLURM_DIR=$work/jobs DEVKIT_SLURM_SACCT=completion
cd "$work"
now() { echo "$EPOCHREALTIME"; }
pause() { sleep "0.$((RANDOM % 10))"; }  # not phase-locked to slurmctld's 1 s tick

# The 1 s job records its own start and end.
cat >job1.sh <<'JOB'
#!/bin/bash
s=$EPOCHREALTIME; sleep 1; e=$EPOCHREALTIME
echo "$s $e" >>"$BENCH_TIMES"
JOB
chmod +x job1.sh

echo "==> (a) completion overhead, $runs runs each, interleaved"
: >a.txt
for _ in $(seq "$runs"); do
  for tool in devkit sbatch; do
    pause
    : >t.txt
    t0=$(now)
    if [ "$tool" = devkit ]; then
      BENCH_TIMES=$work/t.txt "$DEVKIT" -q slurm run "$work/job1.sh" >/dev/null
    else
      BENCH_TIMES=$work/t.txt sbatch --wait --quiet -o /dev/null "$work/job1.sh"
    fi
    t1=$(now)
    read -r s e <t.txt
    echo "$tool $t0 $t1 $s $e" >>a.txt
  done
done

echo "==> (b) log latency: a job printing a timestamped line every 0.1 s for 5 s"
cat >job2.sh <<'JOB'
#!/bin/bash
for i in $(seq 50); do echo "$EPOCHREALTIME line-$i"; sleep 0.1; done
JOB
chmod +x job2.sh
: >b.txt
for _ in 1 2 3; do
  pause
  "$DEVKIT" -q slurm run "$work/job2.sh" | while IFS= read -r line; do echo "$EPOCHREALTIME $line"; done >>b.txt
done

echo "==> (c) 20 concurrent runs of a 10 s job"
cat >job3.sh <<'JOB'
#!/bin/bash
for i in $(seq 10); do echo "tick $i"; sleep 1; done
JOB
chmod +x job3.sh
: >c.txt
for _ in $(seq 20); do
  /usr/bin/time -f "%e %U %S %M" -a -o c.txt "$DEVKIT" -q slurm run "$work/job3.sh" >/dev/null &
done
wait

python3 - "$work" <<'PY'
import statistics as st, sys
w = sys.argv[1]
def pct(xs, p):
    xs = sorted(xs); k = max(0, min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))); return xs[k]
rows = [l.split() for l in open(f"{w}/a.txt")]
over = {"devkit": [], "sbatch": []}
start = {"devkit": [], "sbatch": []}
tail = {"devkit": [], "sbatch": []}
for tool, t0, t1, s, e in rows:
    over[tool].append((float(t1) - float(t0)) - (float(e) - float(s)))
    start[tool].append(float(s) - float(t0))
    tail[tool].append(float(t1) - float(e))
d, s = st.median(over["devkit"]), st.median(over["sbatch"])
print(f"(a) completion overhead for a 1 s job (median over {len(over['devkit'])} runs):")
print(f"    devkit slurm run: {d:.3f} s  [min {min(over['devkit']):.3f}, max {max(over['devkit']):.3f}]")
print(f"    sbatch --wait:    {s:.3f} s  [min {min(over['sbatch']):.3f}, max {max(over['sbatch']):.3f}]")
for t in ("devkit", "sbatch"):
    print(f"    {t}: submit->job start median {st.median(start[t]):.3f} s (slurmctld's scheduling tick), "
          f"job end->command exit median {st.median(tail[t]):.3f} s")
print(f"    ratio: {s / d:.1f}x   target: devkit <= 0.5 s and >= 2x lower -> {'PASS' if d <= 0.5 and s >= 2 * d else 'FAIL'}")
lat = [float(l.split()[0]) - float(l.split()[1]) for l in open(f"{w}/b.txt") if len(l.split()) == 3]
print(f"(b) log latency over {len(lat)} lines: median {st.median(lat)*1000:.0f} ms, p95 {pct(lat,95)*1000:.0f} ms, "
      f"max {max(lat)*1000:.0f} ms   target p95 <= 1 s -> {'PASS' if pct(lat,95) <= 1 else 'FAIL'}")
c = [list(map(float, l.split())) for l in open(f"{w}/c.txt") if l.strip() and l.split()[0][0].isdigit()]
cpu = [(u + s_) / e * 100 for e, u, s_, m in c]
rss = [m / 1024 for e, u, s_, m in c]
print(f"(c) {len(c)} concurrent runs: CPU per process max {max(cpu):.2f} % (median {st.median(cpu):.2f} %) of a core, "
      f"peak RSS max {max(rss):.1f} MB (median {st.median(rss):.1f} MB), wall median {st.median([r[0] for r in c]):.1f} s"
      f"   targets < 2 % and < 15 MB -> {'PASS' if max(cpu) < 2 and max(rss) < 15 else 'FAIL'}")
PY
