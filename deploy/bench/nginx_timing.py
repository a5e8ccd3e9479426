"""What nginx itself measured of a wrk run: each request's `$request_time`, from nginx reading its
first byte to the answer handed to the client's socket.

wrk's latency also holds the time wrk and nginx waited for a core, and on a machine where the
load generator, nginx, the pools and PostgreSQL share two cores that wait can be most of a tail
(README, "Performance": one of wrk's threads runnable for 105 ms). nginx's figure leaves the
client's side out, so the two side by side tell a slow service from a crowded machine. The goals
stay on wrk's: that is what a client sees."""
from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, TypeVar

LOG_NAME = "bench-timing.log"
# Buffered, as a production access log is; lines reach the file at most this late.
FLUSH_MILLISECONDS = 250
# nginx logs a request after its answer is sent, and finishes those a stopped wrk run left in
# flight: the span opens once what came before (a warm-up) has been logged.
SETTLE_SECONDS = 0.25

# For the benchmark's nginx configuration (references.py): `$msec` is when the request was
# logged, which places each line inside or outside a measured run.
NGINX_HTTP = "\n    log_format bench_timing '$msec $request_time';\n"
NGINX_SERVER = (f"\n        access_log @@RUNTIME_DIR@@/{LOG_NAME} bench_timing buffer=64k "
                f"flush={FLUSH_MILLISECONDS}ms;\n")

T = TypeVar("T")


class TimingLogError(RuntimeError):
    pass


@dataclass(frozen=True)
class NginxLatency:
    requests: int
    p50_ms: float
    p99_ms: float

    def as_json(self) -> dict:
        return asdict(self)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value at least `fraction` of the values do not exceed."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def summarize(lines: list[str], started: float, ended: float) -> NginxLatency | None:
    """The requests logged between `started` and `ended` (epoch seconds); None if there were none.
    `$msec` has millisecond resolution: a millisecond of slack on either side."""
    milliseconds = []
    for line in lines:
        if not line.strip():
            continue
        try:
            logged, seconds = (float(field) for field in line.split())
        except ValueError:
            raise TimingLogError(f"unreadable line in nginx's timing log: {line!r}") from None
        if started - 0.001 <= logged <= ended + 0.001:
            milliseconds.append(seconds * 1000)
    if not milliseconds:
        return None
    milliseconds.sort()
    return NginxLatency(len(milliseconds), percentile(milliseconds, 0.50), percentile(milliseconds, 0.99))


class TimingLog:
    """The stack's timing log (`NGINX_SERVER`), emptied before each measured run."""

    def __init__(self, run_dir: Path):
        self.path = run_dir / LOG_NAME

    def measure(self, run: Callable[[], T]) -> tuple[T, NginxLatency | None]:
        """Runs `run` (a wrk run) and answers its result with what nginx logged meanwhile."""
        time.sleep(SETTLE_SECONDS)
        self._empty()
        started = time.time()
        result = run()
        ended = time.time()
        time.sleep(2 * FLUSH_MILLISECONDS / 1000)
        try:
            lines = self.path.read_text(encoding="ascii").splitlines()
        except FileNotFoundError:
            raise TimingLogError(f"nginx wrote no timing log at {self.path}: is the benchmark's configuration in "
                                 "the stack (references.stack_config)?") from None
        return result, summarize(lines, started, ended)

    def _empty(self) -> None:
        # nginx appends (O_APPEND), so emptying the file under it is safe; lines still in its
        # buffer from before land after and fall outside the measured span.
        if self.path.exists():
            os.truncate(self.path, 0)
