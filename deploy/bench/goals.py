"""The issues' goals, checked against a run. A benchmark reports them; it never fails on them."""
from __future__ import annotations

from dataclasses import dataclass

from .results import BenchRun

WORKER_LIMIT_KIB = 20 * 1024


@dataclass(frozen=True)
class ScenarioGoal:
    scenario: str
    min_percent_of_ceiling: float
    max_p99_ms: float | None = None
    # True: at most one Tailscale device-list call per sync interval during the run.
    limits_device_list_calls: bool = False


GOALS = [
    ScenarioGoal("health", 85),
    ScenarioGoal("enroll (existing device)", 50, max_p99_ms=10),
    ScenarioGoal("check-device", 50, limits_device_list_calls=True),
    ScenarioGoal("check_tailscale_status", 50, limits_device_list_calls=True),
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
    wanted = [f"{goal.scenario} >= {goal.min_percent_of_ceiling:g}% of ceiling"]
    if goal.max_p99_ms is not None:
        wanted.append(f"p99 < {goal.max_p99_ms:g} ms")
    if goal.limits_device_list_calls:
        wanted.append(f"<= {run.parameters.device_list_budget} device-list call(s)")
    description = ", ".join(wanted)

    result = run.scenario(goal.scenario)
    percent = run.percent(result) if result and result.measured else None
    if result is None or result.measured is None or percent is None:
        return Verdict(description, "not measured", result.skipped if result and result.skipped else "no figures")
    found = [f"{percent:g}%"]
    # Throughput made of error answers measures the errors, not the action.
    failures = result.measured.non_2xx + result.measured.total_socket_errors
    met = percent >= goal.min_percent_of_ceiling and failures == 0
    if failures:
        found.append(f"{failures} failed requests")
    if goal.max_p99_ms is not None:
        found.append(f"p99 {result.measured.p99_ms:.2f} ms")
        met = met and result.measured.p99_ms < goal.max_p99_ms
    if goal.limits_device_list_calls and result.device_list_calls is not None:
        found.append(f"{result.device_list_calls} device-list call(s)")
        met = met and result.device_list_calls <= run.parameters.device_list_budget
    return Verdict(description, "met" if met else "missed", ", ".join(found))
