#!/usr/bin/env bash
# Starts a private Docker engine and a registry with basic auth for the image tests, without pulling anything:
# dockerd with its own socket, data root, exec root and PID file (no iptables, no bridge), a `docker-registry`
# on 127.0.0.1:PORT with a bcrypt htpasswd (a plain user and one whose password breaks standard base64 in the
# registry-auth header), and a busybox base image made with `docker import` and pushed there.
# Writes DIR/env (DOCKER_HOST, TEST_REGISTRY, users, passwords, TEST_BASE_IMAGE; mode 0600) and DIR/pids.
# Usage: up.sh DIR [PORT] (default: a free loopback port). Needs root on Debian to install the packages when missing. Stop it with down.sh DIR.
set -euo pipefail

dir=${1:?usage: up.sh DIR [PORT]}
port=${2:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
PATH=$PATH:/usr/sbin:/sbin

pkgs=(docker.io docker-registry apache2-utils skopeo busybox-static)
if ! command -v dockerd >/dev/null || ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null \
  || [ ! -x /bin/busybox ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install ${pkgs[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 || {
      apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
    }
  else
    echo "error: dockerd/docker-registry/htpasswd/busybox not found and cannot install them (need root on Debian)" >&2
    exit 1
  fi
fi
# Debian's CLI matches Debian's engine (a newer docker CLI elsewhere on PATH may lack the legacy builder).
docker=/usr/bin/docker
[ -x "$docker" ] || docker=docker

"$(dirname "$0")/down.sh" "$dir" >/dev/null 2>&1 || true
rm -rf "$dir"/{docker-data,docker-exec,registry-data,rootfs,docker-config}
mkdir -p "$dir"/{docker-data,docker-exec,registry-data,rootfs,docker-config}
: >"$dir/pids"

# The engine.
echo '{}' >"$dir/daemon.json"
dockerd --config-file "$dir/daemon.json" -H "unix://$dir/docker.sock" --data-root "$dir/docker-data" \
  --exec-root "$dir/docker-exec" --pidfile "$dir/dockerd.pidfile" --storage-driver overlay2 \
  --iptables=false --ip-masq=false --bridge=none >"$dir/dockerd.log" 2>&1 &
echo $! >>"$dir/pids"

# The registry, with two users.
user=ciuser pass=ci-pass-1 user2=ciuser2 pass2='Secret?>~1'
{ htpasswd -Bbn "$user" "$pass"; htpasswd -Bbn "$user2" "$pass2"; } | grep -v '^$' >"$dir/htpasswd"
chmod 600 "$dir/htpasswd"
cat >"$dir/registry.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/registry-data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: devkit-test
    path: $dir/htpasswd
CONF
docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
echo $! >>"$dir/pids"

for _ in $(seq 200); do
  curl -sf --unix-socket "$dir/docker.sock" http://d/_ping >/dev/null 2>&1 \
    && curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
  sleep 0.1
done
curl -sf --unix-socket "$dir/docker.sock" http://d/_ping >/dev/null || { tail -20 "$dir/dockerd.log" >&2; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/") || true
[ "$code" = 401 ] || { tail -20 "$dir/registry.log" >&2; echo "registry not ready ($code)" >&2; exit 1; }

# The base image: a static busybox with relative applet links, imported (never pulled) and pushed.
export DOCKER_HOST="unix://$dir/docker.sock" DOCKER_CONFIG="$dir/docker-config"
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc" "$dir/rootfs/tmp"
cp /bin/busybox "$dir/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/rootfs/etc/passwd"
echo 'root:x:0:' >"$dir/rootfs/etc/group"
chmod 1777 "$dir/rootfs/tmp"
base="127.0.0.1:$port/local/busybox:latest"
tar -C "$dir/rootfs" -c . | "$docker" import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - "$base" >/dev/null
auth=$(printf '%s:%s' "$user" "$pass" | base64 -w0)
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "$port" "$auth" >"$dir/docker-config/config.json"
chmod 600 "$dir/docker-config/config.json"
"$docker" push "$base" >/dev/null
# Builds pull it back through the registry, with the credential devkit passes to the engine.
"$docker" rmi "$base" >/dev/null

umask 077
cat >"$dir/env" <<ENV
export DOCKER_HOST='unix://$dir/docker.sock'
export TEST_REGISTRY='127.0.0.1:$port'
export TEST_REGISTRY_USER='$user'
export TEST_REGISTRY_PASS='$pass'
export TEST_REGISTRY_USER2='$user2'
export TEST_REGISTRY_PASS2='$pass2'
export TEST_BASE_IMAGE='$base'
export TEST_DOCKER_CONFIG='$dir/docker-config'
export DEVKIT_TEST_DOCKER=1
ENV
echo "docker engine and registry up in $dir (registry 127.0.0.1:$port)" >&2
