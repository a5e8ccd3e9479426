"""Resident memory of the gateway's processes, read from /proc after the load.

VmRSS counts every page a process has mapped in, the shared libraries' too (about 15 MiB of a
worker's: the binary, libcrypto, libc, the libraries libcurl and libpq bring), which are the
same physical pages in every worker and in the supervisor. The private part (Private_Clean +
Private_Dirty of smaps_rollup) is what one more worker costs the host; Pss shares each shared
page out among the processes that map it."""
from __future__ import annotations

from dataclasses import dataclass

from deploy.devstack.processes import resident_kib, worker_pids


@dataclass(frozen=True)
class MemorySnapshot:
    supervisor_kib: int
    worker_kib: dict[int, int]  # pid -> VmRSS
    worker_private_kib: dict[int, int]  # pid -> private pages (what one more worker costs)
    worker_pss_kib: dict[int, int]  # pid -> proportional set size

    @property
    def largest_worker_kib(self) -> int:
        return max(self.worker_kib.values(), default=0)

    def as_json(self) -> dict:
        return {"supervisor_kib": self.supervisor_kib,
                "workers_kib": {str(pid): kib for pid, kib in self.worker_kib.items()},
                "workers_private_kib": {str(pid): kib for pid, kib in self.worker_private_kib.items()},
                "workers_pss_kib": {str(pid): kib for pid, kib in self.worker_pss_kib.items()},
                "largest_worker_kib": self.largest_worker_kib}


def measure(serve_pid: int) -> MemorySnapshot:
    workers, private, pss = {}, {}, {}
    for pid in worker_pids(serve_pid):
        try:
            workers[pid] = resident_kib(pid)
            private[pid], pss[pid] = private_and_pss_kib(pid)
        except OSError:
            continue  # recycled between listing and reading: the replacement is measured next time
    return MemorySnapshot(supervisor_kib=resident_kib(serve_pid), worker_kib=workers, worker_private_kib=private,
                          worker_pss_kib=pss)


def private_and_pss_kib(pid: int) -> tuple[int, int]:
    private = pss = 0
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as rollup:
        for line in rollup:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                private += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    return private, pss
