"""Executes one cell on a kernel of a running Jupyter server, as JupyterLab does: GET /api/kernelspecs,
POST /api/kernels, execute_request over the kernel's websocket, DELETE /api/kernels/<id>. Prints one JSON
object: {"listed": bool, "status": "ok"|"error"|"timeout"|"not-listed", "stdout": str, "error": str}.
Usage: run_cell.py URL TOKEN KERNEL_NAME CODE [TIMEOUT_S]"""
import json
import sys
import time
import urllib.request
import uuid

import websocket


def api(url, token, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method)
    req.add_header("Authorization", f"token {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as r:
        text = r.read()
        return r.status, (json.loads(text) if text else None)


def execute(url, token, kernel_id, code, timeout):
    ws_url = url.replace("http", "ws", 1) + f"/api/kernels/{kernel_id}/channels"
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {token}"], timeout=timeout)
    session, msg_id = uuid.uuid4().hex, uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": session,
                   "username": "test", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False},
    }))
    out, err, status, idle = [], [], None, False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not (status and idle):
        ws.settimeout(max(0.1, deadline - time.monotonic()))
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "stream":
            (out if msg["content"]["name"] == "stdout" else err).append(msg["content"]["text"])
        elif kind == "error":
            err.append(msg["content"]["ename"] + ": " + msg["content"]["evalue"])
        elif kind == "execute_reply":
            status = msg["content"]["status"]
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    ws.close()
    return status or "timeout", "".join(out), "".join(err)


def main():
    url, token, name, code = sys.argv[1:5]
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 60
    _, specs = api(url, token, "GET", "/api/kernelspecs")
    result = {"listed": name in specs["kernelspecs"], "status": "not-listed", "stdout": "", "error": ""}
    if result["listed"]:
        result["display_name"] = specs["kernelspecs"][name]["spec"]["display_name"]
        code_201, kernel = api(url, token, "POST", "/api/kernels", {"name": name})
        result["post_status"] = code_201
        try:
            result["status"], result["stdout"], result["error"] = execute(url, token, kernel["id"], code, timeout)
        except Exception as e:  # a dead kernel: the websocket never opens or closes early
            result["status"], result["error"] = "timeout", f"{type(e).__name__}: {e}"
        finally:
            try:
                api(url, token, "DELETE", f"/api/kernels/{kernel['id']}")
            except Exception:
                pass
    print(json.dumps(result))


if __name__ == "__main__":
    main()
