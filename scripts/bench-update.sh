#!/usr/bin/env bash
# Benchmarks `devkit update` against `copier update` on the same change, and against `devkit init` of the same
# template, so the update speed claim is measured: the benchmark template (scripts/bench/template, ~40 files)
# goes from v1 to v2 (scripts/bench/v2: a new question, changed, added and removed files) in a project where
# the user edited a file. Both tools update from a git repository with tags v1.0.0 and v2.0.0; the two
# updated projects must be identical (answers files aside).
#
# Usage: scripts/bench-update.sh   (BENCH_DIR, BENCH_RUNS as for scripts/bench-init.sh)
# Exit codes: 0 targets met, 1 the updated projects differ (or set-up failed), 3 a performance target missed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs_devkit="${BENCH_RUNS:-30}"
runs_copier=10

# shellcheck source=scripts/bench/common.sh
source scripts/bench/common.sh

g() { git -c user.name=Bench -c user.email=bench@example.org -c init.defaultBranch=main "$@"; }

echo "==> generating template v1 and v2"
python3 scripts/bench/gen.py "$work/v1"
python3 scripts/bench/gen.py "$work/v2" --v2

# mkrepo FORMAT: a git repository of the template with tags v1.0.0 and v2.0.0
mkrepo() {
  local repo="$work/tpl-$1"
  mkdir -p "$repo"
  cp -a "$work/v1/$1/." "$repo/"
  g -C "$repo" init -q && g -C "$repo" add -A && g -C "$repo" commit -qm v1 && g -C "$repo" tag v1.0.0
  find "$repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  cp -a "$work/v2/$1/." "$repo/"
  g -C "$repo" add -A && g -C "$repo" commit -qm v2 && g -C "$repo" tag v2.0.0
}
mkrepo devkit
mkrepo copier

# The same user edit in both projects, committed (both tools want a clean work tree).
edit() { printf '\nLocal notes kept across updates.\n' >>"$1/README.md"; g -C "$1" add -A; g -C "$1" commit -qm "user edit"; }
"$devkit" -q init "$work/proj-devkit" --template "file://$work/tpl-devkit" --ref v1.0.0 --defaults
edit "$work/proj-devkit"
"$copier" copy --quiet --defaults --vcs-ref v1.0.0 "$work/tpl-copier" "$work/proj-copier"
g -C "$work/proj-copier" init -q && g -C "$work/proj-copier" add -A && g -C "$work/proj-copier" commit -qm init
edit "$work/proj-copier"

echo "==> checking that both tools produce the same update"
cp -a "$work/proj-devkit" "$work/check-devkit" && cp -a "$work/proj-copier" "$work/check-copier"
"$devkit" -q update "$work/check-devkit" --defaults
(cd "$work/check-copier" && "$copier" update --quiet --defaults >/dev/null)
if ! diff -r --exclude=.git --exclude=.devkit-answers.toml --exclude=.copier-answers.yml \
  "$work/check-devkit" "$work/check-copier"; then
  echo "error: devkit update and copier update give different projects" >&2
  exit 1
fi
grep -q "Local notes kept across updates." "$work/check-devkit/README.md" || { echo "error: the user edit was lost" >&2; exit 1; }
echo "    identical ($(find "$work/check-devkit" -path '*/.git' -prune -o -type f -print | wc -l) files)"

echo "==> timing (scratch on $fstype)"
hyperfine --style basic --export-json "$work/devkit.json" --warmup 2 --runs "$runs_devkit" \
  --command-name devkit-update --prepare "rm -rf '$work/run' && cp -a '$work/proj-devkit' '$work/run'" \
  "'$devkit' -q update '$work/run' --defaults" \
  --command-name devkit-init --prepare "rm -rf '$work/init'" \
  "'$devkit' -q init '$work/init' --template 'file://$work/tpl-devkit' --ref v2.0.0 --defaults"
hyperfine --style basic --export-json "$work/copier.json" --warmup 1 --runs "$runs_copier" \
  --command-name copier-update --prepare "rm -rf '$work/run' && cp -a '$work/proj-copier' '$work/run'" \
  "cd '$work/run' && '$copier' update --quiet --defaults >/dev/null"

python3 - "$work/devkit.json" "$work/copier.json" <<'PY'
import json, statistics, sys
r = {x["command"]: statistics.median(x["times"]) * 1000 for f in sys.argv[1:] for x in json.load(open(f))["results"]}
u, i, c = r["devkit-update"], r["devkit-init"], r["copier-update"]
print(f"\n{'command':<16}{'median ms':>12}")
for k, v in r.items():
    print(f"{k:<16}{v:>12.1f}")
ok1, ok2 = u <= 2 * i, c / u >= 20
print(f"\nupdate / init   = {u / i:5.2f}x  (target <= 2)   {'ok' if ok1 else 'MISSED'}")
print(f"copier / devkit = {c / u:5.1f}x  (target >= 20)  {'ok' if ok2 else 'MISSED'}")
sys.exit(0 if ok1 and ok2 else 3)
PY
