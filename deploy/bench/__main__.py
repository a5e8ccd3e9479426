"""`python -m deploy.bench` (what `make bench` runs): starts a whole stack and the C ceiling in
a temporary directory, measures every scenario with wrk through nginx, prints the table and
writes var/bench-latest.json. It reports goals but never fails on them: the exit status is
non-zero only when the stack could not start."""
from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from pathlib import Path

from deploy.devstack.stack import REPO, Stack

from . import entry, memory, references, wrk
from .fixtures import Fixtures, SetupFailed
from .go_peer import GoPeer
from .report import format_run, write_json
from .results import BenchRun, RunParameters, ScenarioResult
from .runner import ScenarioRunner
from .scenarios import CEILING, OLD_CEILING, SCENARIOS

RESULT_FILE = REPO / "var/bench-latest.json"
# Passed to the service explicitly, so that the device-list budget is computed from what ran.
# The service defaults: the monitor syncs every 30 s; polling actions accept an inventory up to 5 s old.
SYNC_INTERVAL_SECONDS = 30
INVENTORY_MAX_AGE_SECONDS = 5


def main() -> int:
    binary = entry.built_binary()
    workers = int(os.environ.get("BENCH_WORKERS") or os.cpu_count() or 2)
    parameters = RunParameters(duration_seconds=entry.seconds_setting("BENCH_DURATION", 5), warmup_seconds=entry.seconds_setting("BENCH_WARMUP", 2),
                               rounds=max(1, entry.seconds_setting("BENCH_ROUNDS", 3)),
                               threads=wrk.THREADS, connections=wrk.CONNECTIONS, workers=workers,
                               sync_interval_seconds=SYNC_INTERVAL_SECONDS, inventory_max_age_seconds=INVENTORY_MAX_AGE_SECONDS)

    with tempfile.TemporaryDirectory(prefix="nexus-bench-") as state:
        state_dir = Path(state)
        stack = Stack(references.stack_config(state_dir=state_dir, binary=binary, workers=workers, log_to_file=True,
                                              settings={
                                                  "MONITOR_INTERVAL_SECONDS": str(SYNC_INTERVAL_SECONDS),
                                                  "INVENTORY_MAX_AGE_SECONDS": str(INVENTORY_MAX_AGE_SECONDS),
                                                  # wrk is one client address: the anonymous check-device
                                                  # limit (counted per host in shared memory) must not reject it.
                                                  "ANONYMOUS_CHECKS_PER_MINUTE": "100000000",
                                              }))
        ceilings = [references.ceiling(stack, workers), references.keepalive_ceiling(stack, workers)]
        peer: GoPeer | None = None
        try:
            try:
                stack.start()
                for ceiling in ceilings:
                    ceiling.start()
                peer = references.go_peer(stack, workers)
                peer.start()
                fixtures = Fixtures(stack)
            except Exception as failure:
                print(f"bench: the stack could not start: {failure}", file=sys.stderr)
                _print_log_tail(stack)
                return 1
            run = _measure(fixtures, state_dir, parameters)
        finally:
            if peer:
                peer.stop()
            for ceiling in ceilings:
                ceiling.stop()
            stack.stop()
    print(format_run(run))
    write_json(run, RESULT_FILE)
    print(f"\nwritten to {RESULT_FILE.relative_to(REPO)}")
    return 0


def _measure(fixtures: Fixtures, state_dir: Path, parameters: RunParameters) -> BenchRun:
    scripts_dir = state_dir / "wrk"
    scripts_dir.mkdir(mode=0o700)
    runner = ScenarioRunner(fixtures, scripts_dir, parameters)
    serve_pid = fixtures.stack.serve.pid
    run = BenchRun(parameters)
    # One machine runs wrk, nginx, PostgreSQL, the pools and the peer, so a single run drifts by
    # several percent: each round measures both ceilings, then every scenario beside its Go
    # peer, and the report takes medians over the rounds of the ratios between neighbours in
    # time (not against one early figure). Within a pair the order alternates from round to
    # round: whoever runs first also runs in the wake of the scenario before (PostgreSQL still
    # writing out and vacuuming what generate_token inserted, say), and that must fall on
    # both sides alike.
    _compare_with_peers(fixtures)
    references = [OLD_CEILING] + [scenario.peer for scenario in SCENARIOS if scenario.peer]
    rounds: dict[str, list[ScenarioResult]] = {scenario.name: [] for scenario in [CEILING, *references, *SCENARIOS]}
    for round_index in range(parameters.rounds):
        for scenario in [CEILING, OLD_CEILING]:
            rounds[scenario.name].append(runner.measure(scenario))
        for scenario in SCENARIOS:
            pair = [scenario, scenario.peer] if scenario.peer else [scenario]
            for measured in pair if round_index % 2 == 0 else reversed(pair):
                rounds[measured.name].append(runner.measure(measured))
                if measured is scenario:
                    # Workers are recycled after a number of requests: a snapshot per scenario
                    # catches growth that the replacement measured at the end would hide.
                    run.record_memory(memory.measure(serve_pid))
    ceilings = rounds[CEILING.name]
    run.ceiling = _median(ceilings)
    run.references = [_median(rounds[scenario.name], ceilings) for scenario in references]
    run.scenarios = [_median(rounds[scenario.name], ceilings, rounds[scenario.peer.name] if scenario.peer else None)
                     for scenario in SCENARIOS]
    return run


def _compare_with_peers(fixtures: Fixtures) -> None:
    """The peer must give the same answer to the same request, or its figures mean nothing."""
    for scenario in SCENARIOS:
        if not scenario.peer:
            continue
        try:
            ours = fixtures.send(wrk.first(scenario.request(fixtures)))
            theirs = fixtures.send(wrk.first(scenario.peer.request(fixtures)))
        except SetupFailed as failure:
            print(f"bench: {scenario.name}: setup failed ({failure})", file=sys.stderr)
            continue
        verdict = "same answer" if ours == theirs else f"DIFFERENT answers: ours {ours}, the peer's {theirs}"
        print(f"bench: {scenario.name} and {scenario.peer.name}: {verdict}", file=sys.stderr, flush=True)


def _median(results: list[ScenarioResult], ceilings: list[ScenarioResult] | None = None,
            peers: list[ScenarioResult] | None = None) -> ScenarioResult:
    """The round with the median throughput (a real run, so its latencies belong to it); its
    share of the ceiling and its ratio to the peer are the medians of each round's own ratio."""
    measured = sorted((result for result in results if result.measured),
                      key=lambda result: result.measured.requests_per_second)
    if not measured:
        return results[0]
    chosen = measured[len(measured) // 2]
    if ceilings:
        ratio = _median_ratio(results, ceilings)
        if ratio is not None:
            chosen = dataclasses.replace(chosen, percent_of_ceiling=round(100 * ratio, 1))
    if peers:
        ratio = _median_ratio(results, peers)
        if ratio is not None:
            chosen = dataclasses.replace(chosen, times_peer=round(ratio, 2), peer_name=peers[0].name)
    return chosen


def _median_ratio(results: list[ScenarioResult], others: list[ScenarioResult]) -> float | None:
    ratios = sorted(result.measured.requests_per_second / other.measured.requests_per_second
                    for result, other in zip(results, others) if result.measured and other.measured)
    return ratios[len(ratios) // 2] if ratios else None


def _print_log_tail(stack: Stack, lines: int = 20) -> None:
    for log in sorted(stack.run_dir.glob("*.log")):
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        if tail:
            print(f"--- last lines of {log.name} ---", *tail, sep="\n", file=sys.stderr)


if __name__ == "__main__":
    entry.run(main)
