#!/usr/bin/env bash
# Starts a real S3 server on loopback for the Datalake tests: moto's server mode with signature checks on
# (INITIAL_NO_AUTH_ACTION_COUNT: only the IAM calls below go unauthenticated), a user with an S3 policy and
# its access key. Writes into DIR: url, key_id, secret (0600), moto.pid for down.sh. Needs moto_server and
# python (with boto3) on PATH (the test venv).
# Usage: tests/s3/up.sh DIR
set -euo pipefail
dir="$(cd "$1" && pwd)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
INITIAL_NO_AUTH_ACTION_COUNT=3 moto_server -H 127.0.0.1 -p "$port" > "$dir/moto.log" 2>&1 &
echo $! > "$dir/moto.pid"
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$url/moto-api/" && break
  sleep 0.1
done
umask 077
python - "$url" "$dir" <<'PY'
import json, sys, boto3
url, d = sys.argv[1], sys.argv[2]
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="x", aws_secret_access_key="x")
iam.create_user(UserName="ci")
key = iam.create_access_key(UserName="ci")["AccessKey"]
iam.put_user_policy(UserName="ci", PolicyName="s3all", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
open(f"{d}/key_id", "w").write(key["AccessKeyId"])
open(f"{d}/secret", "w").write(key["SecretAccessKey"])
PY
printf '%s' "$url" > "$dir/url"
