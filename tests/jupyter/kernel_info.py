"""Starts kernel NAME with jupyter_client, waits for its first kernel_info reply, then stops it: one kernel
start-up, as a notebook waits for it. The request is re-sent every 10 ms until a reply comes (jupyter_client's
own wait_for_ready re-sends once a second, which would hide anything shorter). Used by
scripts/bench-kernel.sh. Usage: kernel_info.py NAME"""
import queue
import sys

from jupyter_client.manager import KernelManager

km = KernelManager(kernel_name=sys.argv[1])
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    while True:
        kc.kernel_info()
        try:
            if kc.shell_channel.get_msg(timeout=0.01)["msg_type"] == "kernel_info_reply":
                break
        except queue.Empty:
            if not km.is_alive():
                sys.exit("the kernel died before replying to kernel_info")
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
