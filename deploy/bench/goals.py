"""The issues' goals, checked against a run. A benchmark reports them; it never fails on them."""
from __future__ import annotations

from dataclasses import dataclass

from .results import BenchRun
from .scenarios import SCENARIOS

WORKER_LIMIT_KIB = 20 * 1024
# Every scenario, at 32 connections.
MAX_P99_MS = 5.0


@dataclass(frozen=True)
class ScenarioGoal:
    scenario: str
    min_percent_of_ceiling: float | None = None
    min_times_peer: float | None = None
    # True: at most the budget of Tailscale device-list calls during the run.
    limits_device_list_calls: bool = False


GOALS = [
    ScenarioGoal("health", min_percent_of_ceiling=90, min_times_peer=1.0),
    *[ScenarioGoal(scenario.name, min_times_peer=1.2 if scenario.peer else None,
                   limits_device_list_calls=scenario.calls_tailscale)
      for scenario in SCENARIOS if scenario.uses_database],
]


@dataclass(frozen=True)
class Verdict:
    goal: str
    outcome: str  # "met", "missed" or "not measured"
    found: str


def evaluate(run: BenchRun) -> list[Verdict]:
    verdicts = [_scenario_verdict(run, goal) for goal in GOALS]
    if run.memory is None or not run.memory.worker_kib:
        verdicts.append(Verdict("worker < 20 MiB resident", "not measured", "no worker found"))
    else:
        largest = run.peak_worker_kib
        verdicts.append(Verdict("worker < 20 MiB resident", "met" if largest < WORKER_LIMIT_KIB else "missed",
                                f"largest seen {largest / 1024:.1f} MiB"))
    return verdicts


def _scenario_verdict(run: BenchRun, goal: ScenarioGoal) -> Verdict:
    wanted = []
    if goal.min_percent_of_ceiling is not None:
        wanted.append(f">= {goal.min_percent_of_ceiling:g}% of the keep-alive ceiling")
    if goal.min_times_peer is not None:
        wanted.append(f">= {goal.min_times_peer:g}x the Go peer")
    wanted.append(f"p99 < {MAX_P99_MS:g} ms")
    if goal.limits_device_list_calls:
        wanted.append(f"<= {run.parameters.device_list_budget} device-list call(s)")
    description = f"{goal.scenario}: " + ", ".join(wanted)

    result = run.scenario(goal.scenario)
    if result is None or result.measured is None:
        return Verdict(description, "not measured", result.skipped if result and result.skipped else "no figures")
    found, met = [], True
    # Throughput made of error answers measures the errors, not the action.
    failures = result.measured.non_2xx + result.measured.total_socket_errors
    if failures:
        found.append(f"{failures} failed requests")
        met = False
    if goal.min_percent_of_ceiling is not None:
        met = _at_least(found, run.percent(result), goal.min_percent_of_ceiling, "{:g}%") and met
    if goal.min_times_peer is not None:
        met = _at_least(found, result.times_peer, goal.min_times_peer, "{:.2f}x the Go peer") and met
    found.append(f"p99 {result.measured.p99_ms:.2f} ms")
    met = met and result.measured.p99_ms < MAX_P99_MS
    if goal.limits_device_list_calls and result.device_list_calls is not None:
        found.append(f"{result.device_list_calls} device-list call(s)")
        met = met and result.device_list_calls <= run.parameters.device_list_budget
    return Verdict(description, "met" if met else "missed", ", ".join(found))


def _at_least(found: list[str], value: float | None, minimum: float, shape: str) -> bool:
    if value is None:
        found.append("no " + shape.format(0).split(" ", 1)[-1] + " figure")
        return False
    found.append(shape.format(value))
    return value >= minimum
