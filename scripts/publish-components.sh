#!/usr/bin/env bash
# Publishes the CI plugins, unchanged, as the components `templates/<name>.yml` of the companion project
# (<group>/devkit-components), with the plugins' README and scripts/components-ci.yml as its pipeline, then tags
# it VERSION (semver without `v`: the catalog's form). Run by devkit's release job. Idempotent: when the tag
# VERSION exists already, a re-run with the same content is a no-op, and different content is refused (a
# published version never changes).
# Needs: DEVKIT_COMPONENTS_TOKEN (masked CI/CD variable: a project access token with write_repository on the
# components project), CI_SERVER_HOST, and the components project path as $2 (default: <this group>/devkit-components).
# Usage: publish-components.sh VERSION [GROUP/PROJECT]
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: publish-components.sh VERSION [GROUP/PROJECT]}
project=${2:-${CI_PROJECT_NAMESPACE:?}/devkit-components}
: "${DEVKIT_COMPONENTS_TOKEN:?set DEVKIT_COMPONENTS_TOKEN as a masked CI/CD variable}"
: "${CI_SERVER_HOST:?}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the token stays in the environment: the credential helper reads it, no command line holds it
export GIT_TERMINAL_PROMPT=0
auth=(-c "credential.helper=" -c "credential.helper=!f() { echo username=devkit-release; echo \"password=\${DEVKIT_COMPONENTS_TOKEN}\"; }; f")
git "${auth[@]}" clone --quiet "https://${CI_SERVER_HOST}/${project}.git" "$work/components"

rm -rf "$work/components/templates"
mkdir -p "$work/components/templates"
cp plugins/*.yml "$work/components/templates/"
cp plugins/README.md "$work/components/README.md"
cp scripts/components-ci.yml "$work/components/.gitlab-ci.yml"

cd "$work/components"
git add -A
if git rev-parse -q --verify "refs/tags/$version" >/dev/null; then
  if [ "$(git write-tree)" = "$(git rev-parse "refs/tags/$version^{tree}")" ]; then
    echo "plugins $version are already published as components of $project: nothing to do"
    exit 0
  fi
  echo "error: $project already has a tag $version with other content; a published version never changes" >&2
  echo "hint: release the changed plugins under a new version" >&2
  exit 1
fi
git -c user.name="devkit release" -c user.email="devkit-release@noreply.invalid" commit --quiet --allow-empty \
  -m "devkit CI plugins $version"
git tag "$version"
git "${auth[@]}" push --quiet origin HEAD "refs/tags/$version"
echo "published plugins $version as components of $project"
