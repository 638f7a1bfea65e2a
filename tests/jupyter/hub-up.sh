#!/usr/bin/env bash
# Starts a real JupyterHub (jupyterhub from PyPI in the test venv, configurable-http-proxy from npm) on loopback:
# dummy authenticator, SimpleLocalProcessSpawner whose users' HOMEs are DIR/homes/<user> (as the Datalabs'
# servers share the user's HOME), single-user servers from the same venv, and a service token allowed to manage
# users and reach their servers. Writes into DIR: url, token, homes_dir, and hub.pid for down.sh; log
# DIR/hub.log.
# Usage: tests/jupyter/hub-up.sh DIR
set -euo pipefail
dir="$(cd "$1" && pwd)"
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${DEVKIT_TEST_JUPYTER_VENV:-$root/target/test-tools/jupyter}"
chp="$root/target/test-tools/npm-hub/node_modules/.bin/configurable-http-proxy"
if ! [ -x "$venv/bin/jupyterhub" ] || ! [ -x "$chp" ]; then
  echo "no jupyterhub or proxy: run scripts/install-test-deps.sh" >&2
  exit 1
fi
free_port() { "$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
hub_port="$(free_port)"
api_port="$(free_port)"
token="$("$venv/bin/python" -c 'import secrets; print(secrets.token_hex(16))')"
mkdir -p "$dir/homes"
printf 'http://127.0.0.1:%s' "$port" > "$dir/url"
printf '%s' "$token" > "$dir/token"
chmod 600 "$dir/token"
printf '%s' "$dir/homes" > "$dir/homes_dir"
cat > "$dir/jupyterhub_config.py" <<PY
c.JupyterHub.ip, c.JupyterHub.port = "127.0.0.1", $port
c.JupyterHub.hub_ip, c.JupyterHub.hub_port = "127.0.0.1", $hub_port
c.ConfigurableHTTPProxy.command = ["$chp"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:$api_port"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "$dir/homes/{username}"
c.Spawner.cmd = ["$venv/bin/jupyterhub-singleuser"]
c.Spawner.args = ["--allow-root"]
c.Spawner.start_timeout = 60
c.JupyterHub.db_url = "sqlite:///$dir/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "$dir/cookie_secret"
c.JupyterHub.services = [{"name": "tester", "api_token": "$token"}]
c.JupyterHub.load_roles = [{"name": "tester", "services": ["tester"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"]}]
PY
# shellcheck source=tests/jupyter/lib.sh
. "$root/tests/jupyter/lib.sh"
cd "$dir" # the hub writes its proxy's pid file in its working folder
PATH="$venv/bin:$PATH" nohup "$venv/bin/jupyterhub" -f "$dir/jupyterhub_config.py" > "$dir/hub.log" 2>&1 < /dev/null &
echo $! > "$dir/hub.pid"
wait_ready "http://127.0.0.1:$port/hub/api/" "$token" "$dir/hub.pid" "$dir/hub.log"
