"""The ceiling responder (ceiling.c): compiled for each run, started beside the stack."""
from __future__ import annotations

import subprocess
from pathlib import Path

from deploy.devstack.processes import stop_process, wait_until

SOURCE = Path(__file__).resolve().with_name("ceiling.c")


class CeilingError(RuntimeError):
    pass


class Ceiling:
    """A minimal libfcgi responder with `workers` processes of `threads` threads on a unix socket."""

    def __init__(self, build_dir: Path, socket: Path, workers: int, threads: int = 1):
        self.executable = build_dir / "ceiling"
        self.socket = socket
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if not self.executable.exists():
            compiled = subprocess.run(["cc", "-O2", "-Wall", "-o", str(self.executable), str(SOURCE), "-lfcgi", "-lpthread"],
                                      capture_output=True, text=True)
            if compiled.returncode != 0:
                raise CeilingError(f"compiling {SOURCE.name} failed:\n{compiled.stderr.strip()}")
        self.process = subprocess.Popen([str(self.executable), str(self.socket), str(self.workers), str(self.threads)])
        wait_until(self.socket.exists, 10, "the ceiling's socket")

    def stop(self) -> None:
        stop_process(self.process, timeout=5)
