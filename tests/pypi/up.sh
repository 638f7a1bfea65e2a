#!/usr/bin/env bash
# Starts a PyPI server that looks like Artifactory, on loopback only: pypiserver (htpasswd, no fallback to
# pypi.org) behind nginx, which maps /artifactory/api/pypi/<repo>/ to it for the repositories pypi-remote and
# pypi-local; and a conda channel (one hand-made noarch package indexed by py-rattler) served by nginx under
# /artifactory/api/conda/conda-remote/conda-forge/ with the same Basic credentials. Writes into DIR: url (the Artifactory base URL), user, token (contains quotes and spaces), and the
# pids for down.sh. Needs pypi-server and python on PATH (the test venv) and nginx.
# Usage: tests/pypi/up.sh DIR [WHEELS_DIR]   (the wheels of WHEELS_DIR are served too)
set -euo pipefail
dir="$(cd "$1" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$dir/packages" "$dir/nginx"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
backend="$(free_port)"
front="$(free_port)"
user=ada
token='tok?>~"'"'"' with spaces'
printf '%s' "$user" > "$dir/user"
printf '%s' "$token" > "$dir/token"
chmod 600 "$dir/token"
python - "$dir/htpasswd" "$user" "$dir/token" <<'PY'
import sys
from passlib.apache import HtpasswdFile
h = HtpasswdFile(sys.argv[1], new=True)
h.set_password(sys.argv[2], open(sys.argv[3]).read())
h.save()
PY
python "$here/make_wheel.py" devkit_probe 0.1 "$dir/packages" >/dev/null
if [ -n "${2:-}" ] && [ -d "$2" ]; then cp "$2"/*.whl "$dir/packages/"; fi
python "$here/make_conda_channel.py" "$dir/conda/conda-forge"

pypi-server run -i 127.0.0.1 -p "$backend" -P "$dir/htpasswd" -a update,download,list --disable-fallback \
  "$dir/packages" > "$dir/pypiserver.log" 2>&1 &
echo $! > "$dir/pypiserver.pid"

user_directive=""
[ "$(id -u)" = 0 ] && user_directive="user root;"
cat > "$dir/nginx/nginx.conf" <<CONF
$user_directive
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 64; }
http {
  access_log $dir/nginx/access.log;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  client_max_body_size 10m;
  server {
    listen 127.0.0.1:$front;
    # Artifactory's health check answers without authentication
    location = /artifactory/api/system/ping { default_type text/plain; return 200 "OK"; }
    location ~ ^/artifactory/api/pypi/(pypi-remote|pypi-local)/?(.*)\$ {
      proxy_pass http://127.0.0.1:$backend/\$2\$is_args\$args;
      proxy_set_header Host \$host:\$server_port;
    }
    location /packages/ { proxy_pass http://127.0.0.1:$backend; }
    location /artifactory/api/conda/conda-remote/ {
      auth_basic "conda";
      auth_basic_user_file $dir/htpasswd;
      alias $dir/conda/;
    }
    location / { return 404; }
  }
}
CONF
nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -g 'daemon off;' > "$dir/nginx/stdout.log" 2>&1 &
echo $! > "$dir/nginx.pid"

url="http://127.0.0.1:$front/artifactory"
printf '%s' "$url" > "$dir/url"
for _ in $(seq 1 100); do
  code="$(curl -s -o /dev/null -w '%{http_code}' -u "$user:$token" "$url/api/pypi/pypi-remote/simple/" || true)"
  [ "$code" = 200 ] && exit 0
  sleep 0.1
done
echo "error: the test PyPI server did not answer at $url (see $dir/*.log)" >&2
exit 1
