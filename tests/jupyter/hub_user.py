"""Starts or stops a user's single-user server on a JupyterHub through its REST API, with a service token.
`start` creates the user if needed, starts the server and waits until it is ready; prints {"url": <the
server's base URL>}. Usage: hub_user.py HUB_URL TOKEN USER start|stop"""
import json
import sys
import time
import urllib.error
import urllib.request


def api(hub, token, method, path):
    req = urllib.request.Request(f"{hub}/hub/api{path}", method=method, data=b"" if method != "GET" else None)
    req.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            text = r.read()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        return e.code, None


def main():
    hub, token, user, action = sys.argv[1:5]
    if action == "stop":
        api(hub, token, "DELETE", f"/users/{user}/server")
        return
    status, _ = api(hub, token, "POST", f"/users/{user}")
    assert status in (201, 409), f"create user: {status}"
    status, _ = api(hub, token, "POST", f"/users/{user}/server")
    assert status in (201, 202, 400), f"start server: {status}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        _, info = api(hub, token, "GET", f"/users/{user}")
        server = (info or {}).get("servers", {}).get("", {})
        if server.get("ready"):
            print(json.dumps({"url": hub + server["url"].rstrip("/")}))
            return
        time.sleep(0.5)
    sys.exit(f"the server of {user} did not become ready")


if __name__ == "__main__":
    main()
