#!/usr/bin/env bash
# Benchmarks `devkit datalake ls --recursive` against `aws s3 ls --recursive` (awscli from the test venv) and
# `rclone lsl` on the same moto S3 server (signature checks on, tests/s3/up.sh) in the same run, on two
# shapes: a flat prefix of 10,000 objects and a nested prefix of 1,000 objects in 100 folders. Targets on the
# 10,000-object prefix: devkit at least 3x faster than awscli and no slower than rclone (mean wall times).
# The client CPU time (user + system) is printed too, and the server's own CPU time for one listing: on moto it
# dominates (its response serialisation costs about 0.2 ms a key), which bounds how much faster than awscli
# any client can be on this server; the script prints that bound. So every shape is measured twice: against
# moto itself, then against a replay of moto's own answers (scripts/bench/s3-replay.py records each client's
# requests through a proxy, then serves the recorded bytes at once), where only the clients' cost is timed.
# The targets are checked on the replay; both sets of figures are printed.
# awscli and rclone read the key from their environment; rclone runs without AWS_CA_BUNDLE (rclone 1.60
# refuses to start with it).
#
# Usage: scripts/bench-datalake.sh        (environment: BENCH_RUNS=N, default 10; BENCH_PROFILE=debug to
#        measure the debug build instead of building release; needs target/test-tools/venv from
#        scripts/install-test-deps.sh, rclone and hyperfine)
# Exit codes: 0 targets met, 1 a set-up step failed, 3 a target was missed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${BENCH_RUNS:-10}"
profile="${BENCH_PROFILE:-release}"
export PATH="$PWD/target/test-tools/venv/bin:$PATH"
for tool in hyperfine rclone moto_server aws python; do
  command -v "$tool" >/dev/null || { echo "error: $tool missing (scripts/install-test-deps.sh)" >&2; exit 1; }
done
if [ "$profile" = release ]; then
  cargo build --release --locked --quiet
else
  cargo build --locked --quiet
fi
devkit="$PWD/target/$profile/devkit"
work="$(mktemp -d "${TMPDIR:-/tmp}/devkit-bench-datalake.XXXXXX")"
replay_pid=
trap 'tests/s3/down.sh "$work/s3" >/dev/null 2>&1 || true; [ -z "$replay_pid" ] || kill "$replay_pid" 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/s3" "$work/home"
tests/s3/up.sh "$work/s3"
url="$(cat "$work/s3/url")"
moto_pid="$(pgrep -P "$(cat "$work/s3/moto.pid")" -f moto_server || cat "$work/s3/moto.pid")"

# The key reaches every client through its environment, never through argv.
AWS_ACCESS_KEY_ID="$(cat "$work/s3/key_id")"
AWS_SECRET_ACCESS_KEY="$(cat "$work/s3/secret")"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
export AWS_DEFAULT_REGION=us-east-1 U="$url"
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other
export RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
export RCLONE_CONFIG_BENCH_REGION=us-east-1
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share"
export DEVKIT_SECRET_STORE=file NO_COLOR=1
# Points the three clients at an endpoint (devkit keeps one key per endpoint).
endpoint() {
  export DEVKIT_DATALAKE_ENDPOINT="$1" RCLONE_CONFIG_BENCH_ENDPOINT="$1" E="$1"
  "$devkit" -q login datalake --access-key-id "$AWS_ACCESS_KEY_ID" --secret-stdin < "$work/s3/secret"
}
endpoint "$url"

echo "==> creating 11,000 objects"
python - <<'PY'
import os, boto3
from concurrent.futures import ThreadPoolExecutor
c = boto3.client("s3", endpoint_url=os.environ["U"], region_name="us-east-1")
c.create_bucket(Bucket="bench")
keys = [f"flat/obj-{i:05d}.tif" for i in range(10000)]
keys += [f"nested/d{i // 10:03d}/sub/obj {i:04d}.nc" for i in range(1000)]
def put(k):
    c.put_object(Bucket="bench", Key=k, Body=b"x" * 64, StorageClass="GLACIER" if k.endswith("7.tif") else "STANDARD")
with ThreadPoolExecutor(16) as pool:
    list(pool.map(put, keys))
PY

free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The recording or replaying proxy, started on a free port; its URL in $replay_url.
proxy() {
  local port
  port="$(free_port)"
  python scripts/bench/s3-replay.py "$@" "$port" "$work/answers" &
  replay_pid=$!
  replay_url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -s -o /dev/null "$replay_url/" && return; sleep 0.1; done
}
stop_proxy() { kill "$replay_pid"; wait "$replay_pid" || true; replay_pid=; }

# hyperfine of the three clients on the endpoint set by `endpoint`, for SHAPE; writes $work/SHAPE-SERVER.json.
measure() {
  local shape="$1" server="$2"
  hyperfine --warmup 1 --runs "$runs" --export-json "$work/$shape-$server.json" \
    -n devkit "$devkit datalake ls --recursive s3://bench/$shape/" \
    -n awscli "aws --endpoint-url $E s3 ls --recursive s3://bench/$shape/" \
    -n rclone "env -u AWS_CA_BUNDLE rclone lsl bench:bench/$shape"
}
# One run of each client (the same commands), with their line counts and moto's CPU time for each.
once() {
  local shape="$1" cmd before after server_ms
  for cmd in "$devkit datalake ls --recursive s3://bench/$shape/" "aws --endpoint-url $E s3 ls --recursive s3://bench/$shape/" "env -u AWS_CA_BUNDLE rclone lsl bench:bench/$shape"; do
    before=$(awk '{print $14 + $15}' "/proc/$moto_pid/stat")
    lines=$($cmd 2>/dev/null | wc -l)
    after=$(awk '{print $14 + $15}' "/proc/$moto_pid/stat")
    server_ms="$(((after - before) * 1000 / $(getconf CLK_TCK)))"
    printf '%s: %s lines, moto CPU %s ms\n' "${cmd%% s3*}" "$lines" "$server_ms"
    if [ "${cmd#"$devkit"}" != "$cmd" ]; then echo "$server_ms" > "$work/$shape.server"; fi
  done
}

uptime
status=0
for shape in flat nested; do
  echo "==> $shape: on moto"
  endpoint "$url"
  measure "$shape" moto
  # Recorded through the proxy: each client's requests once (these runs also count the server's CPU time).
  proxy record "$url"
  endpoint "$replay_url"
  once "$shape"
  stop_proxy
  echo "==> $shape: on the replay of moto's answers"
  proxy replay
  endpoint "$replay_url"
  measure "$shape" replay
  stop_proxy
  python - "$work" "$shape" "$(cat "$work/$shape.server")" <<'PY' || status=3
import json, sys
work, shape, server = sys.argv[1], sys.argv[2], int(sys.argv[3]) / 1000
def load(name):
    res = json.load(open(f"{work}/{shape}-{name}.json"))["results"]
    return {x["command"]: x["mean"] for x in res}, {x["command"]: x["user"] + x["system"] for x in res}
ok = True
for name in ("moto", "replay"):
    r, cpu = load(name)
    d, a, c = r["devkit"], r["awscli"], r["rclone"]
    print(f"{shape} on {name}: wall devkit {d*1000:.0f} ms, awscli {a*1000:.0f} ms ({a/d:.1f}x), rclone {c*1000:.0f} ms ({c/d:.2f}x)")
    print(f"{shape} on {name}: client CPU devkit {cpu['devkit']*1000:.0f} ms, awscli {cpu['awscli']*1000:.0f} ms ({cpu['awscli']/cpu['devkit']:.0f}x), rclone {cpu['rclone']*1000:.0f} ms")
    if name == "moto" and server > 0:
        print(f"{shape} on moto: moto spent {server*1000:.0f} ms of CPU on devkit's listing: no client can be more than {a/server:.1f}x faster than awscli there")
    if name == "replay" and shape == "flat" and not (a >= 3 * d and c >= d):
        ok = False
if not ok:
    print("target missed: on the replay, devkit must be >= 3x faster than awscli and no slower than rclone")
    sys.exit(1)
PY
done
uptime
exit "$status"
