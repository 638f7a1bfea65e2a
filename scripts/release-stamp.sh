#!/usr/bin/env bash
# Stamps a release version into the CI plugins: the default of every plugin's `devkit_version` input becomes
# VERSION, so a project including `plugins/<name>.yml` at `ref: vVERSION` runs devkit VERSION. Run it with the
# Cargo.toml version bump (a test checks both agree). `--check VERSION` changes nothing and fails on a mismatch
# (the release job runs it with the tag).
# Usage: release-stamp.sh [--check] VERSION [ROOT]
set -euo pipefail

check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
version=${1:?usage: release-stamp.sh [--check] VERSION [ROOT]}
root=${2:-$(dirname "$0")/..}
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "error: \`$version\` is not a semver version (no leading v)" >&2
  exit 1
fi

status=0
for plugin in "$root"/plugins/*.yml; do
  # the `default:` line that follows `devkit_version:` in the spec header
  current=$(awk '/^    devkit_version:$/ { found = 1; next } found && /^      default:/ { gsub(/[" ]/, "", $2); print $2; exit }' "$plugin")
  if [ -z "$current" ]; then
    echo "error: $plugin has no devkit_version default" >&2
    status=1
  elif [ "$check" = 1 ]; then
    if [ "$current" != "$version" ]; then
      echo "error: $plugin: devkit_version default is $current, not $version" >&2
      status=1
    fi
  elif [ "$current" != "$version" ]; then
    awk -v v="$version" '/^    devkit_version:$/ { found = 1 } found && /^      default:/ { sub(/default: .*/, "default: \"" v "\""); found = 0 } { print }' "$plugin" >"$plugin.tmp"
    mv "$plugin.tmp" "$plugin"
    echo "stamped $plugin: $current -> $version"
  fi
done
if [ "$check" = 1 ]; then
  cargo_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
  if [ "$cargo_version" != "$version" ]; then
    echo "error: Cargo.toml version is $cargo_version, not $version" >&2
    status=1
  fi
fi
exit "$status"
