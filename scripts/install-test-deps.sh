#!/usr/bin/env bash
# Installs what the test suite needs: Debian packages when run as root on Debian, and Python tools from PyPI
# into target/test-tools/venv. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(git pkg-config libssl-dev python3 python3-venv python3-pip bash shellcheck slurm-wlm munge)
# Credentials: build the D-Bus Secret Service store; run a real Secret Service and an nginx front for the tests.
debs+=(libdbus-1-dev dbus gnome-keyring libsecret-tools nginx curl)
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
# A conda-protocol client (rattler) that also indexes the test channel.
pytools+=(py-rattler==0.28.0)
stamp="$venv/.installed-$(printf '%s\n' "${pytools[@]}" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  echo "==> python tools: ${pytools[*]}"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${pytools[@]}"
  touch "$stamp"
fi
