"""Starts kernel NAME with jupyter_client, waits for its kernel_info reply, then stops it: one kernel start-up,
as a notebook waits for it. Used by scripts/bench-kernel.sh. Usage: kernel_info.py NAME"""
import sys

from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name=sys.argv[1], startup_timeout=60)
kc.stop_channels()
km.shutdown_kernel(now=True)
