#!/usr/bin/env bash
# Set-up shared by the Slurm benchmarks (sourced, not run, from the repository root): a release devkit ($DEVKIT,
# else built), a scratch folder $work removed on exit, `on_exit STEP` to add clean-up steps (run last-added
# first), and a test cluster of tests/slurm/up.sh with $cluster_nodes nodes (default 3), stopped on exit. A
# running cluster named by SLURM_CONF is used instead, unless $cluster_own is set. Defines: repo, DEVKIT, work.
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file
repo=$PWD
if [ -z "${DEVKIT:-}" ]; then
  cargo build --release --quiet
  DEVKIT=$PWD/target/release/devkit
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/devkit-bench.XXXXXX")
chmod 755 "$work" # munged wants every folder above its socket to be searchable by all

exit_steps=()
on_exit() { exit_steps+=("$1"); }
# The benchmarks run in "$work": every step uses absolute paths, never the current folder.
run_exit_steps() {
  local i
  for ((i = ${#exit_steps[@]} - 1; i >= 0; i--)); do eval "${exit_steps[i]}" || true; done
  rm -rf "$work"
}
trap run_exit_steps EXIT

if [ -z "${SLURM_CONF:-}" ] || [ -n "${cluster_own:-}" ]; then
  on_exit "'$repo/tests/slurm/down.sh' '$work/cluster' >/dev/null 2>&1"
  "$repo/tests/slurm/up.sh" "$work/cluster" "" "${cluster_nodes:-3}"
  # shellcheck disable=SC1091
  . "$work/cluster/env"
fi
