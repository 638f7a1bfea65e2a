#!/usr/bin/env bash
# Benchmarks the start-up overhead of container jobs over a bare job, with `devkit slurm run` on the local test
# cluster (tests/slurm/up.sh, runc in oci.conf) and images served by the test registry (tests/docker/up.sh):
#  - bare:               `devkit slurm run -- true`
#  - charliecloud, slurm-oci, with the image in the cache (the usual case: a pipeline pulls each image once)
#  - the same with an empty cache (pull: inspect, copy, unpack)
# on two image shapes: `small` (busybox-static, ~400 entries) and `large` (plus 4,000 files, ~40 MB).
# Usage: scripts/bench-container.sh [RUNS]   (DEVKIT=path to use a given binary; SLURM_CONF and the variables of
# the docker env file to use running services). Needs hyperfine, skopeo, umoci, ch-run, runc.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
# shellcheck source=scripts/bench/slurm-cluster.sh
. scripts/bench/slurm-cluster.sh
if [ -z "${TEST_REGISTRY:-}" ]; then
  on_exit "'$repo/tests/docker/down.sh' '$work/docker' >/dev/null 2>&1"
  "$repo/tests/docker/up.sh" "$work/docker"
  # shellcheck disable=SC1091
  . "$work/docker/env"
fi

# Images: the test base image as `small`, and `large` with one more layer of 4,000 files.
auth=$TEST_DOCKER_CONFIG/config.json
skopeo copy --quiet --src-tls-verify=false --src-authfile "$auth" "docker://$TEST_BASE_IMAGE" "oci:$work/layout:t"
mkdir -p "$work/many/data"
for i in $(seq 4000); do head -c 10000 /dev/urandom >"$work/many/data/f$i"; done
umoci insert --rootless --image "$work/layout:t" "$work/many/data" /data
small=$TEST_REGISTRY/bench/small:1
large=$TEST_REGISTRY/bench/large:1
skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false --authfile "$auth" "docker://$TEST_BASE_IMAGE" "docker://$small"
skopeo copy --quiet --dest-tls-verify=false --dest-authfile "$auth" "oci:$work/layout:t" "docker://$large"

export HOME=$work/home DEVKIT_SECRET_STORE=file DEVKIT_SLURM_DIR=$work/jobs DEVKIT_SLURM_SACCT=completion
export DEVKIT_ARTIFACTORY_URL=http://$TEST_REGISTRY DEVKIT_ARTIFACTORY_DOCKER_REGISTRY=$TEST_REGISTRY
mkdir -p "$HOME"
printf '%s' "$TEST_REGISTRY_PASS2" | "$DEVKIT" -q secrets set artifactory --username "$TEST_REGISTRY_USER2" --token-stdin
cache=$HOME/.cache/devkit/containers
cd "$work"

run() { echo "$DEVKIT -q slurm run $* -- true"; }
for shape in small large; do
  image=${!shape}
  echo "==> $shape image: warm cache (bare job first), $runs runs each"
  "$DEVKIT" -q slurm run --image "$image" --runtime charliecloud -- true
  "$DEVKIT" -q slurm run --image "$image" --runtime slurm-oci -- true
  hyperfine --style basic --runs "$runs" --warmup 1 --export-markdown "$work/$shape-warm.md" \
    -n bare "$(run)" \
    -n charliecloud "$(run --image "$image" --runtime charliecloud)" \
    -n slurm-oci "$(run --image "$image" --runtime slurm-oci)"
  echo "==> $shape image: empty cache (every run pulls and unpacks), $runs runs each"
  hyperfine --style basic --runs "$runs" --export-markdown "$work/$shape-cold.md" --prepare "rm -rf $cache" \
    -n charliecloud-pull "$(run --image "$image" --runtime charliecloud)" \
    -n slurm-oci-pull "$(run --image "$image" --runtime slurm-oci)"
  cat "$work/$shape-warm.md" "$work/$shape-cold.md"
done
