"""`python -m deploy.bench.sync_memory`: what one inventory sync costs a worker's memory. A
benchmark, not a test: it prints figures and exits 0 whatever they are (non-zero only when the
stack could not start).

A stack of one worker with the monitor off; for each tailnet size (SYNC_MEMORY_NODES, default
"1000 10000") the simulator gets that many nodes and PostgreSQL as many devices linked to them
(`sync_devices`' seeding). Then SYNC_MEMORY_CALLS (8) `sync-devices` calls through nginx, one
at a time. Before each call the worker's peak (VmHWM) is reset through `/proc/PID/clear_refs`;
after it, the worker's VmRSS before the call, its peak during it and its VmRSS right after it
are printed, and the medians per size. Reading `clear_refs` needs the worker's owner or root.

    NEXUS_VAULT_BIN=.build/release/nexus-vault .venv/bin/python -m deploy.bench.sync_memory
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

import psycopg

from deploy.devstack.processes import worker_pids
from deploy.devstack.stack import Stack, StackConfig

from . import entry, sync_devices


def status_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of `pid`, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def measure(stack: Stack, key: str, calls: int) -> list[tuple[int, int, int]]:
    """(VmRSS before, VmHWM during, VmRSS after) of the one worker, per call, in KiB."""
    (worker,) = worker_pids(stack.serve.pid)
    figures = []
    for _ in range(calls):
        before = status_kib(worker)["VmRSS"]
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # resets VmHWM to the current VmRSS
        call = sync_devices.sync(stack, key)
        if call.status != 200:
            raise RuntimeError(f"sync-devices answered {call.status}: {call.answer} {call.logged or ''}")
        after = status_kib(worker)
        figures.append((before, after["VmHWM"], after["VmRSS"]))
    return figures


def main() -> int:
    binary = entry.built_binary()
    sizes = [int(text) for text in os.environ.get("SYNC_MEMORY_NODES", "1000 10000").replace(",", " ").split()]
    calls = max(1, int(os.environ.get("SYNC_MEMORY_CALLS", "8")))
    mib = lambda kib: f"{kib / 1024:.1f}"
    with tempfile.TemporaryDirectory(prefix="nexus-sync-memory-") as state:
        os.chmod(state, 0o755)
        stack = Stack(StackConfig(state_dir=Path(state), binary=binary, workers=1, log_to_file=True,
                                  settings={"MONITOR_ENABLED": "false"}))
        try:
            try:
                stack.start()
            except Exception as failure:
                print(f"bench: the stack could not start: {failure}", file=sys.stderr)
                return 1
            key = sync_devices.service_role_key(stack)
            print(f"one worker, {calls} sync-devices calls per size; MiB: VmRSS before / peak (VmHWM) during / VmRSS right after")
            for nodes in sizes:
                with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
                    sync_devices.link_devices(db, sync_devices.seed_tailnet(stack, nodes, f"memory-{nodes}"))
                figures = measure(stack, key, calls)
                each = ", ".join(f"{mib(b)}/{mib(p)}/{mib(a)}" for b, p, a in figures)
                medians = [statistics.median(column) for column in zip(*figures)]
                print(f"{nodes:6d} nodes: median {' / '.join(mib(m) for m in medians)} MiB; each call: {each}")
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    entry.run(main)
