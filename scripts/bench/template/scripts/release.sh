#!/usr/bin/env bash
# Tags a release: ./scripts/release.sh 1.2.3
set -euo pipefail
version="${1:?usage: release.sh VERSION}"
git diff --quiet || { echo "commit your changes first" >&2; exit 1; }
sed -i "s/^version = .*/version = \"${version}\"/" pyproject.toml
git commit -am "Release ${version}"
git tag -a "v${version}" -m "Release ${version}"
