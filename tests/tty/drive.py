#!/usr/bin/env python3
"""Runs a command on a real pseudo-terminal and answers its prompts, for tests of interactive behaviour.

Usage: drive.py SCRIPT.json -- COMMAND [ARGS...]
SCRIPT.json is a list of [expected_text, reply] pairs: the driver waits (10 s at most each) until the terminal
output contains expected_text since the previous match, then types reply (escape sequences such as "\\r" are
already decoded by JSON). Everything the command printed is echoed on stdout; the exit code is the command's,
or 124 when an expected text never came.
"""

import json
import os
import pty
import select
import sys
import time


def main() -> int:
    steps = json.load(open(sys.argv[1]))
    argv = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    seen = b""
    out = sys.stdout.buffer

    def read(timeout: float) -> bool:
        nonlocal seen
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return False
        if not chunk:
            return False
        seen += chunk
        out.write(chunk)
        out.flush()
        return True

    for expected, reply in steps:
        deadline = time.monotonic() + 10
        while expected.encode() not in seen:
            if time.monotonic() > deadline or not read(0.1):
                out.write(f"\n[drive.py] never saw {expected!r}\n".encode())
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return 124
        seen = seen[seen.index(expected.encode()) + len(expected) :]
        time.sleep(0.05)
        os.write(fd, reply.encode())
    while read(0.2):
        pass
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
