"""Small process helpers for the local stack: free ports, waiting for readiness, stopping."""
from __future__ import annotations

import os
import random
import signal
import socket
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def spawn(command: list[str], **options) -> subprocess.Popen:
    """Starts a part of the stack in a session of its own (a terminal's Ctrl-C reaches only the
    orchestrator, which then stops the parts in order, each gracefully) that still ends when
    the orchestrator dies, however it dies: util-linux's setpriv sets the parent-death signal
    and execs the command, so the pid stays the part's own and no Python code runs between
    fork and exec, as preexec_fn would, which is unsafe once the orchestrator has threads.
    The kernel sends that signal when the thread that started the part ends: start parts from
    one that lives as long as the stack (the main thread)."""
    return subprocess.Popen(["setpriv", "--pdeathsig", "SIGTERM", "--", *command], start_new_session=True, **options)


def free_port() -> int:
    """A loopback port free now, below the kernel's ephemeral range: a port the kernel hands
    out for bind(0) is also one it may give an outgoing connection (to PostgreSQL, from wrk...)
    before our server binds it, and nginx then exits with "Address already in use" (seen in
    CI under load)."""
    low, _ = _ephemeral_port_range()
    candidates = [port for port in range(max(1024, low - 12_000), low) if port not in _handed_out]
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            # Not again in this process: a port handed out may not be bound yet (a stack picks
            # PostgreSQL's, nginx's and the simulator's ports before starting them).
            _handed_out.add(port)
            return port
    raise RuntimeError("no free loopback port below the ephemeral range")


_handed_out: set[int] = set()


def _ephemeral_port_range() -> tuple[int, int]:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="utf-8") as ports:
            low, high = (int(value) for value in ports.read().split())
            return low, high
    except (OSError, ValueError):
        return 32768, 60999


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def http_ok(url: str, trusting: Path | None = None) -> bool:
    """`trusting`: for an HTTPS URL, the certificate (or bundle) to verify the server against."""
    context = ssl.create_default_context(cafile=str(trusting)) if trusting is not None else None
    try:
        with urllib.request.urlopen(url, timeout=1, context=context) as response:
            return response.status == 200
    except Exception:
        return False


def stop_process(process: subprocess.Popen | None, timeout: float = 15.0, sig: int = signal.SIGTERM) -> None:
    """Asks a child to stop, then kills it if it does not within `timeout`."""
    if process is None or process.poll() is not None:
        return
    try:
        process.send_signal(sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def process_stats() -> Iterator[tuple[int, list[str]]]:
    """Every process's id and the fields of its /proc/PID/stat after the command (fields[1] is
    the parent's id); processes that end while being read are skipped."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = stat_fields(int(entry))
        except (OSError, IndexError):
            continue
        yield int(entry), fields


def child_pids(parent: int) -> list[int]:
    """Direct children of a process, from /proc (workers of the supervisor, for instance)."""
    return sorted(pid for pid, fields in process_stats() if int(fields[1]) == parent)


def worker_pids(supervisor: int) -> list[int]:
    """The request workers among a `nexus-vault serve` supervisor's children."""
    return [pid for pid in child_pids(supervisor) if "worker" in process_command(pid)]


def stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command, which may hold spaces and parentheses
    itself: fields[0] is the state, fields[1] the parent's id, fields[11:15] the CPU ticks
    (utime, stime, then those of reaped children), fields[19] the start time. OSError once the
    process is gone."""
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        return stat.read().rsplit(")", 1)[1].split()


def alive(pid: int) -> bool:
    """Whether a process still runs; a zombie has closed its files (and sockets) already."""
    try:
        return stat_fields(pid)[0] != "Z"
    except (OSError, IndexError):
        return False


def process_command(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return [part.decode() for part in cmdline.read().split(b"\0") if part]
    except OSError:
        return []


def resident_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
