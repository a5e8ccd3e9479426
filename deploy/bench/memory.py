"""Resident memory of the gateway's processes, read from /proc after the load."""
from __future__ import annotations

from dataclasses import dataclass

from deploy.devstack.processes import child_pids, process_command, resident_kib


@dataclass(frozen=True)
class MemorySnapshot:
    supervisor_kib: int
    worker_kib: dict[int, int]  # pid -> VmRSS

    @property
    def largest_worker_kib(self) -> int:
        return max(self.worker_kib.values(), default=0)

    def as_json(self) -> dict:
        return {"supervisor_kib": self.supervisor_kib,
                "workers_kib": {str(pid): kib for pid, kib in self.worker_kib.items()},
                "largest_worker_kib": self.largest_worker_kib}


def measure(serve_pid: int) -> MemorySnapshot:
    workers = {}
    for pid in child_pids(serve_pid):
        if "worker" not in process_command(pid):
            continue
        try:
            workers[pid] = resident_kib(pid)
        except OSError:
            continue  # recycled between listing and reading: the replacement is measured next time
    return MemorySnapshot(supervisor_kib=resident_kib(serve_pid), worker_kib=workers)
