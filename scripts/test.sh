#!/usr/bin/env bash
# The test command. On a fresh Debian machine, run as root, it installs what the suite needs (Debian packages,
# Python tools in a private virtualenv), starts the real servers the tests use (Slurm, a package index, all on
# loopback),
# runs the format check, clippy with warnings denied and the whole test suite, and stops the servers on exit.
#
# Every test that needs a service or tool fails when it is missing. To run without some services on purpose, name
# them in DEVKIT_TEST_WITHOUT (any of: slurm pypi s3 docker jupyter keyring) and allow skips with DEVKIT_TEST_ALLOW_SKIP=1:
# each skipped test is then printed and counted in the closing line (`tests: N passed, 0 failed, K skipped`).
set -euo pipefail
cd "$(dirname "$0")/.."

# Whether a service is to be started (DEVKIT_TEST_WITHOUT leaves it out).
wanted() { case " ${DEVKIT_TEST_WITHOUT:-} " in *" $1 "*) return 1 ;; *) return 0 ;; esac; }

scripts/install-test-deps.sh

# Python tools (pytest, ruff, ...) live in a virtualenv of their own, first on PATH for the tests.
export PATH="$PWD/target/test-tools/venv/bin:$PATH"

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --all-targets --locked -- -D warnings

# Everything started below is stopped by this one exit handler.
cleanup_steps=()
# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  local i
  for ((i = ${#cleanup_steps[@]} - 1; i >= 0; i--)); do eval "${cleanup_steps[i]}" || true; done
}
trap cleanup EXIT

# Tests see only the services started here.
unset SLURM_CONF DEVKIT_TEST_SLURM DEVKIT_TEST_PYPI_DIR DEVKIT_TEST_DOCKER DEVKIT_TEST_S3_DIR DBUS_SESSION_BUS_ADDRESS \
  DEVKIT_TEST_JUPYTER_DIR DEVKIT_TEST_JUPYTERHUB_DIR

# A real Slurm cluster (munged, slurmctld, 3 slurmds on loopback) for the Slurm tests.
if wanted slurm; then
  slurm_dir=$(mktemp -d "${TMPDIR:-/tmp}/devkit-slurm.XXXXXX")
  cleanup_steps+=("tests/slurm/down.sh '$slurm_dir'; rm -rf '$slurm_dir'")
  echo "==> slurm test cluster in $slurm_dir"
  tests/slurm/up.sh "$slurm_dir"
  # shellcheck disable=SC1091
  . "$slurm_dir/env"
  export SLURM_CONF DEVKIT_TEST_SLURM=1
fi

# A loopback PyPI server shaped like Artifactory (pypiserver behind nginx).
if wanted pypi; then
  pypi_dir="$(mktemp -d "${TMPDIR:-/tmp}/devkit-pypi.XXXXXX")"
  cleanup_steps+=("tests/pypi/down.sh '$pypi_dir'; rm -rf '$pypi_dir'")
  echo "==> package index in $pypi_dir"
  tests/pypi/up.sh "$pypi_dir" target/test-tools/wheels
  export DEVKIT_TEST_PYPI_DIR="$pypi_dir"
fi

# A real S3 server (moto, signature checks on) for the Datalake tests.
if wanted s3; then
  s3_dir="$(mktemp -d "${TMPDIR:-/tmp}/devkit-s3.XXXXXX")"
  cleanup_steps+=("tests/s3/down.sh '$s3_dir'; rm -rf '$s3_dir'")
  echo "==> S3 server in $s3_dir"
  PATH="$PWD/target/test-tools/venv/bin:$PATH" tests/s3/up.sh "$s3_dir"
  export DEVKIT_TEST_S3_DIR="$s3_dir"
fi

# A private Docker engine and a registry with basic auth for the image tests.
if wanted docker; then
  docker_dir=$(mktemp -d "${TMPDIR:-/tmp}/devkit-docker.XXXXXX")
  cleanup_steps+=("tests/docker/down.sh '$docker_dir'; rm -rf '$docker_dir'")
  echo "==> docker test engine and registry in $docker_dir"
  tests/docker/up.sh "$docker_dir"
  # shellcheck disable=SC1091
  . "$docker_dir/env"
fi

if wanted jupyter; then
  # A real Jupyter server on loopback for the kernel tests; devkit writes kernels into its data dir.
  jupyter_dir=$(mktemp -d "${TMPDIR:-/tmp}/devkit-jupyter.XXXXXX")
  cleanup_steps+=("tests/jupyter/down.sh '$jupyter_dir'; rm -rf '$jupyter_dir'")
  echo "==> jupyter server in $jupyter_dir"
  tests/jupyter/up.sh "$jupyter_dir"
  export DEVKIT_TEST_JUPYTER_DIR="$jupyter_dir"
  # A real JupyterHub (users' servers with their own HOME, as on the Datalabs) for the end-to-end kernel test.
  hub_dir=$(mktemp -d "${TMPDIR:-/tmp}/devkit-jupyterhub.XXXXXX")
  cleanup_steps+=("tests/jupyter/down.sh '$hub_dir'; rm -rf '$hub_dir'")
  echo "==> jupyterhub in $hub_dir"
  tests/jupyter/hub-up.sh "$hub_dir"
  export DEVKIT_TEST_JUPYTERHUB_DIR="$hub_dir"
fi

echo "==> cargo test"
log=$(mktemp)
# Tests that skip (only when DEVKIT_TEST_ALLOW_SKIP=1) append a line here (tests/it/support.rs `missing`).
export DEVKIT_TEST_SKIP_LOG
DEVKIT_TEST_SKIP_LOG=$(mktemp)
cleanup_steps+=("rm -f '$log' '$DEVKIT_TEST_SKIP_LOG'")
# Inside a private D-Bus session with an unlocked gnome-keyring (tests/keyring/session.sh), so keyring
# tests talk to a real Secret Service.
session=(tests/keyring/session.sh)
wanted keyring || session=()
status=0
"${session[@]}" cargo test --locked --no-fail-fast --lib --bins --tests -- --test-threads="${DEVKIT_TEST_THREADS:-2}" 2>&1 | tee "$log" || status=$?
if [ -s "$DEVKIT_TEST_SKIP_LOG" ]; then
  echo "==> skipped tests (DEVKIT_TEST_ALLOW_SKIP=1):"
  sed 's/^/  /' "$DEVKIT_TEST_SKIP_LOG"
fi
# One closing line for the whole suite (cargo prints one result line per test binary); a skipped test ran as a
# passing one for cargo, and is counted here as skipped only.
skipped=$(wc -l <"$DEVKIT_TEST_SKIP_LOG")
awk -v k="$skipped" '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p - k, f, k }' "$log"
exit "$status"
