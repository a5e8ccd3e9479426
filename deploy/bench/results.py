"""What one benchmark run found, as values the table, the goals and the JSON file share."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .memory import MemorySnapshot
from .nginx_timing import NginxLatency
from .wrk import WrkResult


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    measured: WrkResult | None = None
    skipped: str | None = None
    # The same run's latencies as nginx measured them (nginx_timing.py).
    at_nginx: NginxLatency | None = None
    # Tailscale scenarios only: the simulator's device-list count over the measured run.
    device_list_calls: int | None = None
    # The median over the rounds of this scenario's req/s against the ceiling measured just
    # before it in the same round (set by the driver; None: compare with the run's ceiling).
    percent_of_ceiling: float | None = None
    # The median over the rounds of this scenario's req/s against its Go peer's, measured
    # right after it in the same round; None when it has no peer.
    times_peer: float | None = None
    peer_name: str | None = None

    def as_json(self, ceiling_rps: float | None) -> dict:
        entry: dict = {"name": self.name}
        if self.measured is None:
            entry["skipped"] = self.skipped
            return entry
        entry.update(self.measured.as_json())
        if self.at_nginx is not None:
            entry["at_nginx"] = self.at_nginx.as_json()
        entry["percent_of_ceiling"] = (self.percent_of_ceiling if self.percent_of_ceiling is not None
                                       else percent_of(self.measured.requests_per_second, ceiling_rps))
        if self.device_list_calls is not None:
            entry["device_list_calls"] = self.device_list_calls
        if self.times_peer is not None:
            entry["times_go_peer"] = self.times_peer
        return entry


@dataclass(frozen=True)
class RunParameters:
    duration_seconds: int
    warmup_seconds: int
    rounds: int
    threads: int
    connections: int
    workers: int
    sync_interval_seconds: int
    inventory_max_age_seconds: int

    @property
    def device_list_budget(self) -> int:
        """The two syncs of the inventory: the monitor's, once per sync interval, and the one
        a polling action makes when the inventory is older than its maximum age (at most once
        per that age, whatever the number of pollers). Nothing per request."""
        return (math.ceil(self.duration_seconds / self.sync_interval_seconds)
                + math.ceil(self.duration_seconds / self.inventory_max_age_seconds))


@dataclass
class BenchRun:
    parameters: RunParameters
    ceiling: ScenarioResult | None = None
    # Today's ceiling (a connection per request) and the Go peer's scenarios, for comparison.
    references: list[ScenarioResult] = field(default_factory=list)
    scenarios: list[ScenarioResult] = field(default_factory=list)
    memory: MemorySnapshot | None = None
    # The largest worker seen after any scenario (workers are recycled, so the last snapshot
    # may show young ones).
    peak_worker_kib: int = 0

    def record_memory(self, snapshot: MemorySnapshot) -> None:
        self.memory = snapshot
        self.peak_worker_kib = max(self.peak_worker_kib, snapshot.largest_worker_kib)

    @property
    def ceiling_rps(self) -> float | None:
        return self.ceiling.measured.requests_per_second if self.ceiling and self.ceiling.measured else None

    def percent(self, result: ScenarioResult) -> float | None:
        if result.percent_of_ceiling is not None:
            return result.percent_of_ceiling
        return percent_of(result.measured.requests_per_second, self.ceiling_rps) if result.measured else None

    def scenario(self, name: str) -> ScenarioResult | None:
        return next((result for result in self.scenarios if result.name == name), None)


def percent_of(rps: float, ceiling_rps: float | None) -> float | None:
    if not ceiling_rps:
        return None
    return round(100.0 * rps / ceiling_rps, 1)
