#!/usr/bin/env bash
# Set-up shared by the benchmark scripts (sourced, not run): installs hyperfine, strace and time when missing,
# builds devkit in release mode, caches a virtualenv with copier and cookiecutter, and makes a scratch folder
# removed on exit. Defines: devkit, copier, cookiecutter, venv, work, fstype.
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file
readonly PYTOOLS=(copier==9.19.1 cookiecutter==2.7.1)

# --- tools ------------------------------------------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v strace >/dev/null || need+=(strace)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "error: missing ${need[*]}: install them (e.g. sudo apt-get install ${need[*]}) and run again" >&2
    exit 1
  fi
fi

echo "==> cargo build --release"
cargo build --release --locked --quiet
devkit="$PWD/target/release/devkit"

venv="$PWD/target/bench-venv"
stamp="$venv/.installed-$(printf '%s\n' "${PYTOOLS[@]}" | sha256sum | cut -c1-16)"
if [ ! -e "$stamp" ]; then
  echo "==> virtualenv with ${PYTOOLS[*]} (target/bench-venv)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${PYTOOLS[@]}"
  touch "$stamp"
fi
copier="$venv/bin/copier"
cookiecutter="$venv/bin/cookiecutter"

# --- scratch folder ---------------------------------------------------------------------------------------
if [ -n "${BENCH_DIR:-}" ]; then
  mkdir -p "$BENCH_DIR"
  work="$(mktemp -d "$BENCH_DIR/devkit-bench.XXXXXX")"
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
  work="$(mktemp -d /dev/shm/devkit-bench.XXXXXX)"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/devkit-bench.XXXXXX")"
fi
trap 'rm -rf "$work"' EXIT
fstype="$(stat -f -c %T "$work")"
echo "==> scratch folder $work (filesystem: $fstype)"

