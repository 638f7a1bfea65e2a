#!/usr/bin/env bash
# Starts a real Jupyter server (jupyter_server from PyPI, in the venv scripts/install-test-deps.sh makes) on
# loopback with a random token, its kernel specs read from DIR/data (the tests point devkit's JUPYTER_DATA_DIR
# there). Writes into DIR: url, token, data (the data dir), python (an interpreter with jupyter_client and
# websocket-client for tests/jupyter/run_cell.py), wheels (a wheelhouse with ipykernel), and server.pid for
# down.sh. The server log is DIR/server.log.
# Usage: tests/jupyter/up.sh DIR
set -euo pipefail
dir="$(cd "$1" && pwd)"
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${DEVKIT_TEST_JUPYTER_VENV:-$root/target/test-tools/jupyter}"
[ -x "$venv/bin/jupyter-server" ] || { echo "no jupyter-server in $venv: run scripts/install-test-deps.sh" >&2; exit 1; }
mkdir -p "$dir/data/kernels" "$dir/runtime" "$dir/config" "$dir/root"
port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
token="$("$venv/bin/python" -c 'import secrets; print(secrets.token_hex(16))')"
printf 'http://127.0.0.1:%s' "$port" > "$dir/url"
printf '%s' "$token" > "$dir/token"
chmod 600 "$dir/token"
printf '%s' "$dir/data" > "$dir/data_dir"
printf '%s' "$venv/bin/python" > "$dir/python"
printf '%s' "$root/target/test-tools/kernel-wheels" > "$dir/wheels"
JUPYTER_DATA_DIR="$dir/data" JUPYTER_RUNTIME_DIR="$dir/runtime" JUPYTER_CONFIG_DIR="$dir/config" \
  JUPYTER_PLATFORM_DIRS=1 PYTHONNOUSERSITE=1 \
  nohup "$venv/bin/jupyter-server" --allow-root --no-browser --ip=127.0.0.1 --port="$port" \
  --ServerApp.port_retries=0 --IdentityProvider.token="$token" --ServerApp.root_dir="$dir/root" \
  > "$dir/server.log" 2>&1 < /dev/null &
echo $! > "$dir/server.pid"
# shellcheck source=tests/jupyter/lib.sh
. "$root/tests/jupyter/lib.sh"
wait_ready "http://127.0.0.1:$port/api/status" "$token" "$dir/server.pid" "$dir/server.log"
