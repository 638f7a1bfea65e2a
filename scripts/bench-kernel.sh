#!/usr/bin/env bash
# Benchmarks `devkit kernel` on two environment shapes (a venv, and a conda-like prefix whose activation runs
# activate.d scripts):
#  1. what the activating wrapper adds before the kernel starts: the wrapper (its last line made to run
#     `python -c pass`) against a bare `python -c pass` of the same environment; target: under 50 ms (median
#     difference), checked;
#  2. kernel start to first kernel_info reply (jupyter_client, tests/jupyter/kernel_info.py), devkit's wrapper
#     spec against a bare `python -m ipykernel_launcher` spec: the same cost seen end to end, reported (a kernel
#     start-up varies by tens of ms from run to run, more on a loaded machine);
#  3. `devkit kernel add` alone, and the time from `devkit kernel add` to a first cell executed through a real Jupyter server (REST +
#     websocket), reported.
#
# Usage: scripts/bench-kernel.sh   (environment: BENCH_RUNS=N, default 20; the wrapper-only runs are 5 N)
# Exit codes: 0 target met, 1 a set-up step failed, 3 the target was missed.
# Needs what scripts/install-test-deps.sh installs (the jupyter test venv, the ipykernel wheelhouse, uv,
# hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
readonly TARGET_MS=50
runs="${BENCH_RUNS:-20}"
root="$PWD"
jpy="$root/target/test-tools/jupyter/bin/python"
wheels="$root/target/test-tools/kernel-wheels"
export PATH="$root/target/test-tools/venv/bin:$PATH"
if ! [ -x "$jpy" ] || ! [ -d "$wheels" ] || ! command -v uv >/dev/null || ! command -v hyperfine >/dev/null; then
  echo "error: run scripts/install-test-deps.sh first (jupyter venv, ipykernel wheels, uv, hyperfine)" >&2
  exit 1
fi
cargo build --release --locked --quiet
devkit="$root/target/release/devkit"
work="$(mktemp -d "${TMPDIR:-/tmp}/devkit-bench-kernel.XXXXXX")"
trap 'tests/jupyter/down.sh "$work/server"; rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
export XDG_CACHE_HOME="$work/home/.cache" NO_COLOR=1 UV_CACHE_DIR="$work/uv-cache"
mkdir -p "$HOME" "$work/server"

# Two environment shapes: a venv, and a conda-like prefix whose activation runs activate.d scripts.
make_env() {
  uv venv -q "$1" --python python3
  uv pip install -q --no-index --find-links "$wheels" --python "$1/bin/python" ipykernel
}
make_env "$work/venv"
make_env "$work/conda"
mkdir -p "$work/conda/conda-meta" "$work/conda/etc/conda/activate.d"
# shellcheck disable=SC2016 # expanded by the activation, not here
printf 'export GDAL_DATA="$CONDA_PREFIX/share/gdal"\nexport PROJ_DATA="$CONDA_PREFIX/share/proj"\n' \
  > "$work/conda/etc/conda/activate.d/geo.sh"

tests/jupyter/up.sh "$work/server"
export JUPYTER_DATA_DIR="$work/server/data"
status=0
median_diff_ms() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(round((r[1]["median"]-r[0]["median"])*1000, 1))' "$1"; }
for shape in venv conda; do
  "$devkit" -q kernel add "$work/$shape" --name "wrapped-$shape"
  wrapper="$JUPYTER_DATA_DIR/kernels/devkit-wrapped-$shape/kernel-wrapper.sh"
  # shellcheck disable=SC2016 # the wrapper's own "$1", matched literally
  sed 's/-m ipykernel_launcher -f "$1"$/-c pass/' "$wrapper" > "$work/probe-$shape.sh"
  chmod +x "$work/probe-$shape.sh"
  grep -q -- '-c pass$' "$work/probe-$shape.sh" || { echo "error: unexpected wrapper shape" >&2; exit 1; }
  echo "==> $shape: what the wrapper adds (activation, then exec python -c pass) over a bare python -c pass"
  hyperfine -N --style basic --warmup 5 --runs "$((runs * 5))" --export-json "$work/$shape-wrapper.json" \
    -n bare "'$work/$shape/bin/python' -c pass" -n wrapper "'$work/probe-$shape.sh'"
  added="$(median_diff_ms "$work/$shape-wrapper.json")"
  echo "result: $shape: the wrapper adds ${added} ms before the kernel starts (median difference; target < ${TARGET_MS} ms)"
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 3)" "$added" "$TARGET_MS" || status=3

  mkdir -p "$JUPYTER_DATA_DIR/kernels/bare-$shape"
  printf '{"argv": ["%s", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "bare", "language": "python"}\n' \
    "$work/$shape/bin/python" > "$JUPYTER_DATA_DIR/kernels/bare-$shape/kernel.json"
  echo "==> $shape: kernel start to first kernel_info reply, bare python spec vs devkit wrapper spec"
  hyperfine -N --style basic --warmup 2 --runs "$runs" --export-json "$work/$shape.json" \
    -n bare "'$jpy' tests/jupyter/kernel_info.py bare-$shape" \
    -n wrapper "'$jpy' tests/jupyter/kernel_info.py devkit-wrapped-$shape"
  echo "result: $shape: kernel_info reply, wrapper minus bare: $(median_diff_ms "$work/$shape.json") ms (median difference)"
done

echo "==> devkit kernel add alone (most of it is the environment's own \`import ipykernel\` check)"
hyperfine -N --style basic --warmup 2 --runs "$runs" "'$devkit' -q kernel add '$work/venv' --name add-only"

echo "==> devkit kernel add, then a first cell executed through the Jupyter server"
cat > "$work/first-cell.sh" <<SH
#!/bin/bash
set -e
'$devkit' -q kernel add '$work/venv' --name first-cell
'$jpy' '$root/tests/jupyter/run_cell.py' "\$(cat '$work/server/url')" "\$(cat '$work/server/token')" \\
  devkit-first-cell 'print(1)' | grep -q '"status": "ok"'
SH
chmod +x "$work/first-cell.sh"
hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$work/first-cell.json" "$work/first-cell.sh"
first="$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$work/first-cell.json")"
echo "result: kernel add to first executed cell: median ${first} ms"
exit "$status"
