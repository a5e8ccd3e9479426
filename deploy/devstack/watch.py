"""Waiting in the foreground (`make run`): until a part of the stack exits on its own, or
SIGINT / SIGTERM asks for a stop."""
from __future__ import annotations

import os
import select
import signal
import subprocess
from dataclasses import dataclass


@dataclass
class Part:
    """A process of the stack: `process` when it is our child (its exit status is ours to read),
    else only its pid (PostgreSQL's postmaster, which pg_ctl daemonizes)."""
    name: str
    pid: int
    process: subprocess.Popen | None = None

    def end_its_leftovers(self) -> None:
        """SIGKILL to what is left of its process group (spawn gives each child part one): a part
        that died abruptly can leave children behind, as nginx's workers outlive a SIGKILLed
        master. Only until the part is reaped: its zombie keeps the pid, and so the group's id,
        from going to another process."""
        if self.process is not None and self.process.returncode is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def how_it_ended(self) -> str:
        """How it ended, for the operator."""
        if self.process is None:
            return "exited"
        status = self.process.wait()
        return f"was killed by {signal.Signals(-status).name}" if status < 0 else f"exited with status {status}"

    def exit_code(self) -> int:
        """The orchestrator's exit code for this part's end: the part's own status, or 128 + the
        signal that killed it (as a shell reports it); 1 when it ended with 0 or we cannot know
        (a part that ends on its own is an error, whatever it says)."""
        if self.process is None:
            return 1
        status = self.process.wait()
        return 128 - status if status < 0 else status or 1


class StopSignals:
    """SIGINT and SIGTERM, caught for the orchestrator's whole run: each asks for a graceful stop
    (after the start, when one arrives during it) and wakes wait_for_exit_or_stop. A Python
    handler alone would not end a wait: the interrupted select() resumes; the wakeup fd is
    what select() sees."""

    def __init__(self, numbers: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)):
        self.requested = False
        self.wakeup, write_end = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        for number in numbers:
            signal.signal(number, self._request)

    def _request(self, _signum, _frame) -> None:
        self.requested = True


def wait_for_exit_or_stop(parts: list[Part], stop: StopSignals) -> Part | None:
    """Blocks until one of `parts` exits (returned) or a stop is requested (None). A pidfd
    becomes readable when its process exits, our child or not."""
    pidfds: dict[int, Part] = {}
    try:
        for part in parts:
            # Opened before the exit status is read: an exited child stays a zombie until it is
            # reaped, so its pid cannot go to another process in between.
            try:
                pidfds[os.pidfd_open(part.pid)] = part
            except ProcessLookupError:
                return part
            if part.process is not None and part.process.poll() is not None:
                return part
        while not stop.requested:
            readable, _, _ = select.select([stop.wakeup, *pidfds], [], [])
            exited = [pidfds[descriptor] for descriptor in readable if descriptor in pidfds]
            if exited:
                return exited[0]
            os.read(stop.wakeup, 512)
        return None
    finally:
        for descriptor in pidfds:
            os.close(descriptor)
