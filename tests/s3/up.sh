#!/usr/bin/env bash
# Starts a real S3 server on loopback for the Datalake tests: moto's server mode with signature checks on
# (INITIAL_NO_AUTH_ACTION_COUNT: only the IAM calls below go unauthenticated), a user with an S3 policy and
# an access key whose secret holds `+` and `/` (as real keys often do: clients must not mangle them). Writes
# into DIR: url, key_id, secret (0600), moto.pid for down.sh. The server stops by itself after
# DEVKIT_TEST_SERVER_LIFETIME (default 3h) if down.sh is never run. Needs moto_server and python (with boto3)
# on PATH (the test venv).
# Usage: tests/s3/up.sh DIR
set -euo pipefail
dir="$(cd "$1" && pwd)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
free=40
INITIAL_NO_AUTH_ACTION_COUNT=$free timeout --kill-after=10 "${DEVKIT_TEST_SERVER_LIFETIME:-3h}" moto_server -H 127.0.0.1 -p "$port" > "$dir/moto.log" 2>&1 &
echo $! > "$dir/moto.pid"
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$url/moto-api/" && break
  sleep 0.1
done
umask 077
python - "$url" "$dir" "$free" <<'PY'
import json, sys, boto3, botocore
url, d, free = sys.argv[1], sys.argv[2], int(sys.argv[3])
def iam(secret="x"):
    return boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id="x",
                        aws_secret_access_key=secret, config=botocore.config.Config(retries={"max_attempts": 1}))
c = iam()
c.create_user(UserName="ci")
c.put_user_policy(UserName="ci", PolicyName="s3all", PolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
used = 2
# Keys until the secret has both `+` and `/` (about one try in two); the old key is deleted each time.
while True:
    key = c.create_access_key(UserName="ci")["AccessKey"]
    used += 1
    if ("+" in key["SecretAccessKey"] and "/" in key["SecretAccessKey"]) or used > free - 10:
        break
    c.delete_access_key(UserName="ci", AccessKeyId=key["AccessKeyId"])
    used += 1
# Spend what is left of the unauthenticated calls, so every later request is checked: the first refused
# call proves it.
for _ in range(free):
    try:
        iam("wrong").list_users()
    except botocore.exceptions.ClientError:
        break
else:
    sys.exit("moto kept answering unsigned requests")
open(f"{d}/key_id", "w").write(key["AccessKeyId"])
open(f"{d}/secret", "w").write(key["SecretAccessKey"])
PY
printf '%s' "$url" > "$dir/url"
