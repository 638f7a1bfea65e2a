#!/usr/bin/env bash
# Benchmarks `devkit init` against copier and cookiecutter on the same project, so that the speed claims of
# devkit are measured rather than assumed. It renders two template shapes, each in a ~40-file and a
# ~1000-file size, with the three tools: the light benchmark template (scripts/bench/template, ~17 KB) and
# its content-heavy variant (gen.py --heavy: ~180 KB of long license text, docs with raw blocks, modules with
# many small tags; ~2.2 MB at ~1000 files), because Tera's parse cost grows with content. It checks that the
# three outputs are identical, then times them with hyperfine, times `cp -r` of the rendered heavy ~1000-file
# tree, devkit pinned to one core (`taskset -c 0`) against all cores, measures `devkit --version` start-up,
# devkit's peak memory, and counts with strace the system calls that write the project (each output file
# must be created and written once).
#
# Usage: scripts/bench-init.sh    (environment: BENCH_DIR=folder for the scratch files, default a folder in
#        /dev/shm (tmpfs) when it exists, else in $TMPDIR; BENCH_RUNS=N runs of devkit, default 30; the Python
#        tools get fewer runs, see below)
# Exit codes: 0 all targets met, 1 the outputs differ or devkit wrote a file twice (or a setup step failed),
#             3 the outputs are right but a performance target was missed.
# On a fresh Debian machine run it as root: it installs hyperfine, strace, time and python3-venv with apt-get.
# Not root: install those packages yourself (sudo apt-get install hyperfine strace time python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

# The targets (from the issue) are checked in the report at the end: ratios are the other tool's median over
# devkit's, measured in the same run.
readonly EXTRA_FILES=940 # generated modules (plus their __init__.py files) added to the ~40 files: ~1000 files
runs_devkit="${BENCH_RUNS:-30}"
runs_py_small=10
runs_py_large=3

# Tools, a release build of devkit, the Python tools and a scratch folder ($devkit, $copier, $cookiecutter,
# $work, $fstype).
# shellcheck source=scripts/bench/common.sh
source scripts/bench/common.sh

# cookiecutter keeps replays and downloaded templates under ~; keep them in the scratch folder instead.
printf 'cookiecutters_dir: "%s/cc-home/templates"\nreplay_dir: "%s/cc-home/replay"\n' "$work" "$work" \
  >"$work/cookiecutter.yaml"
export COOKIECUTTER_CONFIG="$work/cookiecutter.yaml"

# The machine's load, reported with the results: timings on a loaded machine are noisy.
load_start="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
echo "==> generating the templates"
python3 scripts/bench/gen.py "$work/small"
python3 scripts/bench/gen.py "$work/large" --extra "$EXTRA_FILES"
python3 scripts/bench/gen.py "$work/heavy" --heavy
python3 scripts/bench/gen.py "$work/heavy-large" --heavy --extra "$EXTRA_FILES"
# Version 2 of the ~40-file template is not timed here; it is checked so that it stays usable for update benchmarks.
python3 scripts/bench/gen.py "$work/small-v2" --v2

# --- the same answers give the same project ---------------------------------------------------------------
# render SIZE TAG [KEY=VALUE...]: the three tools into $work/check-TAG/{devkit,copier,cookiecutter}.
render() {
  local size="$1" tag="$2"
  shift 2
  local out="$work/check-$tag" data=() kv
  for kv in "$@"; do data+=(--data "$kv"); done
  rm -rf "$out"
  mkdir -p "$out"
  "$devkit" -q init "$out/devkit" -t "$work/$size/devkit" --defaults --no-git ${data[@]+"${data[@]}"}
  "$copier" copy --quiet --defaults ${data[@]+"${data[@]}"} "$work/$size/copier" "$out/copier"
  "$cookiecutter" --no-input -o "$out/cc" "$work/$size/cookiecutter" "$@"
  # cookiecutter creates the project folder (named by project_slug) inside its output folder.
  mv "$out/cc"/* "$out/cookiecutter"
}

listing() { (cd "$1" && find . ! -name .devkit-answers.toml ! -name .copier-answers.yml -printf '%y %m %p\n' | sort); }

same() {
  local out="$work/check-$1" tool ok=0
  for tool in copier cookiecutter; do
    if ! diff -r --exclude=.devkit-answers.toml --exclude=.copier-answers.yml "$out/devkit" "$out/$tool" \
      >"$out/diff-$tool.txt" 2>&1; then
      echo "FAIL: devkit and $tool differ ($1):" >&2
      head -40 "$out/diff-$tool.txt" >&2
      ok=1
    elif ! diff <(listing "$out/devkit") <(listing "$out/$tool") >"$out/modes-$tool.txt"; then
      echo "FAIL: devkit and $tool give other files or modes ($1):" >&2
      head -40 "$out/modes-$tool.txt" >&2
      ok=1
    fi
  done
  [ "$ok" = 0 ] && echo "    $1: identical ($(find "$out/devkit" -type f | wc -l) files with devkit's answers file)"
  return "$ok"
}

echo "==> checking that the three tools give identical projects"
identical=0
render small small
same small || identical=1
render small small-other "project_name=Star Mapper" license=MIT python_version=3.12 use_docker=false \
  slurm_partition=gpu_a100
same small-other || identical=1
render small-v2 v2
same v2 || identical=1
render large large
same large || identical=1
render heavy heavy
same heavy || identical=1
render heavy-large heavy-large
same heavy-large || identical=1
if [ "$identical" != 0 ]; then
  echo "error: the outputs differ: fix the benchmark template or devkit before timing anything" >&2
  exit 1
fi

# --- timings ----------------------------------------------------------------------------------------------
out="$work/out"
mkdir -p "$out"
# bench NAME RUNS WARMUP DEST COMMAND...: one hyperfine measurement, the destination removed before each run.
bench() {
  local name="$1" runs="$2" warmup="$3" dest="$4"
  shift 4
  echo "==> $name ($runs runs)"
  hyperfine -N --style basic --runs "$runs" --warmup "$warmup" --prepare "rm -rf $dest" \
    --export-json "$work/$name.json" --command-name "$name" "$*"
}
for size in small large heavy heavy-large; do
  case "$size" in *large) py_runs="$runs_py_large" ;; *) py_runs="$runs_py_small" ;; esac
  bench "devkit-$size" "$runs_devkit" 3 "$out/devkit" \
    "$devkit" -q init "$out/devkit" -t "$work/$size/devkit" --defaults --no-git
  bench "copier-$size" "$py_runs" 1 "$out/copier" \
    "$copier" copy --quiet --defaults "$work/$size/copier" "$out/copier"
  bench "cookiecutter-$size" "$py_runs" 1 "$out/cc" \
    "$cookiecutter" --no-input -o "$out/cc" "$work/$size/cookiecutter"
done
# The floor for writing the heavy ~1000-file tree: `cp -r` of devkit's own output.
rm -rf "$out/rendered"
"$devkit" -q init "$out/rendered" -t "$work/heavy-large/devkit" --defaults --no-git
bench "cp-heavy-large" "$runs_devkit" 3 "$out/cp" cp -r "$out/rendered" "$out/cp"
# Scaling with cores: the same runs pinned to the first core.
if command -v taskset >/dev/null; then
  for size in heavy heavy-large; do
    bench "devkit-1core-$size" "$runs_devkit" 3 "$out/devkit" \
      taskset -c 0 "$devkit" -q init "$out/devkit" -t "$work/$size/devkit" --defaults --no-git
  done
fi
echo "==> devkit --version"
hyperfine -N --style basic --runs 1000 --warmup 100 --export-json "$work/version.json" \
  --command-name version "$devkit --version"

# --- memory -----------------------------------------------------------------------------------------------
echo "==> peak memory of devkit on the ~1000-file templates (/usr/bin/time -v, 3 runs each, the highest kept)"
rss_kb=0
for size in large heavy-large; do
  for _ in 1 2 3; do
    rm -rf "$out/devkit"
    /usr/bin/time -v -o "$work/time.txt" "$devkit" -q init "$out/devkit" -t "$work/$size/devkit" --defaults --no-git
    kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")"
    [ "$kb" -gt "$rss_kb" ] && rss_kb="$kb"
  done
done

# --- one write per file -----------------------------------------------------------------------------------
echo "==> system calls of devkit on the ~1000-file template (strace)"
rm -rf "$out/devkit"
# One log per thread (-ff): devkit writes files on several threads, and a shared log would split their
# calls into "unfinished ... resumed" halves.
mkdir -p "$work/strace"
strace -ff -qq -o "$work/strace/log" -e trace=open,openat,creat,close,write,writev,pwrite64,rename,renameat,renameat2,link,linkat,copy_file_range,sendfile \
  "$devkit" -q init "$out/devkit" -t "$work/large/devkit" --defaults --no-git
rm -rf "$out/devkit"
strace -f -c -o "$work/strace-summary.txt" -e trace=openat,rename,renameat2,copy_file_range,write \
  "$devkit" -q init "$out/devkit" -t "$work/large/devkit" --defaults --no-git
sed 's/^/    /' "$work/strace-summary.txt"

# --- report -----------------------------------------------------------------------------------------------
set +e
python3 - "$work" "$out/devkit" "$fstype" "$rss_kb" "$load_start" "$(nproc)" <<'PY'
import json, os, re, sys
work, project, fstype, rss_kb = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
load_start, cores = sys.argv[5], sys.argv[6]
T = dict(copier_small=30, cookie_small=20, copier_large=15, rss_kb=40000, version_ms=2.0,
         copier_heavy=40, cookie_heavy=25, cp_heavy_large=5)

def median(name):
    return json.load(open(f"{work}/{name}.json"))["results"][0]["median"]

sizes = ("small", "large", "heavy", "heavy-large")
m = {f"{t}-{s}": median(f"{t}-{s}") for t in ("devkit", "copier", "cookiecutter") for s in sizes}
m["cp-heavy-large"] = median("cp-heavy-large")
one_core = {s: median(f"devkit-1core-{s}") for s in ("heavy", "heavy-large") if os.path.exists(f"{work}/devkit-1core-{s}.json")}
version_ms = median("version") * 1000
missed = []

def check(ok, what):
    if not ok:
        missed.append(what)
    return "ok" if ok else "MISSED"

# One creation and one write per output file: follow each file descriptor from its openat(O_CREAT).
files = {}
for root, _, names in os.walk(project):
    for n in names:
        rel = os.path.relpath(os.path.join(root, n), project)
        files[rel] = os.path.getsize(os.path.join(root, n))
creates, writes, written, fds = {}, {}, {}, {}
renames = copies = 0
line_re = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+)")
# A file descriptor is followed within the thread that opened it: devkit opens, writes and closes each
# output file on one thread.
lines = [(name.rsplit(".", 1)[1], line) for name in sorted(os.listdir(f"{work}/strace"))
         for line in open(f"{work}/strace/{name}")]
for pid, line in lines:
    mt = line_re.match(line)
    if not mt:
        continue
    call, args, ret = mt.group(1), mt.group(2), int(mt.group(3))
    if call in ("open", "openat", "creat") and ("O_CREAT" in args or call == "creat") and ret >= 0:
        path = re.search(r'"((?:[^"\\]|\\.)*)"', args).group(1)
        staged = re.sub(r"^.*/\.devkit-staging-[^/]+/", "", path)
        creates[staged] = creates.get(staged, 0) + 1
        fds[(pid, ret)] = staged
    elif call in ("write", "writev", "pwrite64") and ret >= 0:
        fd = int(args.split(",", 1)[0])
        path = fds.get((pid, fd))
        if path is not None:
            writes[path] = writes.get(path, 0) + 1
            written[path] = written.get(path, 0) + ret
    elif call == "close":
        fds.pop((pid, int(args)), None)
    elif call.startswith("rename"):
        renames += 1
    elif call in ("copy_file_range", "sendfile", "link", "linkat"):
        copies += 1
out_files = set(files)
created_once = all(creates.get(f) == 1 for f in out_files) and set(creates) <= out_files
written_once = all(writes.get(f, 0) == (1 if files[f] else 0) and written.get(f, 0) == files[f] for f in out_files)
non_empty = sum(1 for s in files.values() if s)

print()
print(f"Results (medians; scratch folder on {fstype}; {cores} cores; 1-minute load {load_start} at the start,"
      f" {os.getloadavg()[0]:.2f} at the end):")
print(f"{'template':<10} {'devkit':>10} {'copier':>10} {'cookiecutter':>13} {'copier/devkit':>14} {'cookiecutter/devkit':>20}")
for s, label in (("small", "light ~40"), ("large", "light ~1000"), ("heavy", "heavy ~40"), ("heavy-large", "heavy ~1000")):
    d, c, k = m[f"devkit-{s}"], m[f"copier-{s}"], m[f"cookiecutter-{s}"]
    print(f"{label:<12} {d*1000:>8.1f}ms {c*1000:>8.0f}ms {k*1000:>11.0f}ms {c/d:>13.1f}x {k/d:>19.1f}x")
print(f"cp -r of the rendered heavy ~1000-file tree: {m['cp-heavy-large']*1000:.1f} ms")
for s, t in one_core.items():
    print(f"devkit {s} on one core (taskset -c 0): {t*1000:.1f} ms, all cores {m[f'devkit-{s}']*1000:.1f} ms ({t/m[f'devkit-{s}']:.2f}x)")
print()
print("Targets:")
# (label, other tool, size, target key): devkit at least that many times faster than the other tool.
for label, tool, size, key in (
    ("light ~40", "copier", "small", "copier_small"),
    ("light ~40", "cookiecutter", "small", "cookie_small"),
    ("light ~1000", "copier", "large", "copier_large"),
    ("heavy ~40", "copier", "heavy", "copier_heavy"),
    ("heavy ~40", "cookiecutter", "heavy", "cookie_heavy"),
):
    r = m[f"{tool}-{size}"] / m[f"devkit-{size}"]
    what = f"{label}: devkit >= {T[key]}x faster than {tool}"
    print(f"  {what:<50} {r:7.1f}x  {check(r >= T[key], f'{tool} {label}')}")
r = m["devkit-heavy-large"] / m["cp-heavy-large"]
print(f"  heavy ~1000: devkit within {T['cp_heavy_large']}x of cp -r               {r:7.1f}x  {check(r <= T['cp_heavy_large'], 'cp -r heavy ~1000')}")
print(f"  peak RSS of devkit (~1000 files) < 40 MB          {rss_kb/1000:6.1f} MB  {check(rss_kb < T['rss_kb'], 'peak RSS')}")
print(f"  devkit --version start-up < 2 ms (median)         {version_ms:6.2f} ms  {check(version_ms < T['version_ms'], '--version')}")
print(f"  each output file written once:                     {check(created_once and written_once and copies == 0, 'one write per file')}")
print(f"    {len(out_files)} output files, {sum(creates.values())} openat(O_CREAT) on them (max {max(creates.values(), default=0)} per file),"
      f" {sum(writes.values())} write calls for {non_empty} non-empty files, {sum(written.values())} of {sum(files.values())} bytes,"
      f" {renames} rename(s), {copies} copy_file_range/sendfile/link")
if missed:
    print(f"\nMissed: {', '.join(missed)}")
    sys.exit(4 if "one write per file" in missed else 3)
PY
status=$?
set -e
case "$status" in
  0) echo "All targets met." ;;
  3) exit 3 ;;
  *) exit 1 ;;
esac
