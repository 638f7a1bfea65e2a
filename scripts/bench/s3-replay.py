#!/usr/bin/env python3
"""A recording and replaying HTTP proxy for the Datalake benchmark: it measures the S3 clients without the
test server's own cost. `record` forwards every request to the real server (moto, signatures checked) and keeps
each answer by method, path and query; `replay` serves the kept answers at once, so every client gets the very
bytes the real server gave it, and what is timed is the client alone. A request never recorded is answered 599
and counted; the count is printed on SIGTERM.

Usage: s3-replay.py record UPSTREAM_URL PORT FILE | s3-replay.py replay PORT FILE
"""

import http.client
import pickle
import signal
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}


def main():
    mode = sys.argv[1]
    if mode == "record":
        upstream = urllib.parse.urlsplit(sys.argv[2])
        port, path = int(sys.argv[3]), sys.argv[4]
        store, length_of = {}, {}
    else:
        upstream = None
        port, path = int(sys.argv[2]), sys.argv[3]
        with open(path, "rb") as f:
            store, length_of = pickle.load(f)
    misses = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            key = (self.command, self.path)
            if upstream is not None:
                conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers)
                r = conn.getresponse()
                answer = (r.status, [(k, v) for k, v in r.getheaders() if k.lower() not in HOP], r.read())
                if self.command == "HEAD" and r.getheader("Content-Length"):
                    length_of[key] = r.getheader("Content-Length")
                conn.close()
                store[key] = answer
            elif key in store:
                answer = store[key]
            else:
                misses.append(key)
                answer = (599, [], b"not recorded")
            status, headers, data = answer
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            # A HEAD's length is the object's, as the server said it.
            self.send_header("Content-Length", length_of.get(key, str(len(data))))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)

    def stop(*_):
        if upstream is not None:
            with open(path, "wb") as f:
                pickle.dump((store, length_of), f)
        print(f"s3-replay: {len(store)} answers, {len(misses)} requests never recorded", file=sys.stderr)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(3 * 3600)  # stops by itself
    server.serve_forever()


if __name__ == "__main__":
    main()
