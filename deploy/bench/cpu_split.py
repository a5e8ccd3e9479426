"""Where the CPU goes per request: `python -m deploy.bench.cpu_split [SCENARIO ...]`.

Starts the same stack, ceilings and Go peer as `make bench`, runs each named scenario (default:
health and enroll, ours and the peer's) with wrk for BENCH_DURATION seconds, and prints the CPU
time each group of processes spent per request (utime + stime from /proc, children of each
process included): wrk, nginx, our pool (supervisor, workers, also those recycled during
the run), PostgreSQL, the Go peer, the simulator. On a shared
machine the split is steadier than the throughput."""
from __future__ import annotations

import os
import resource
import sys
import tempfile
from pathlib import Path

from deploy.devstack.processes import stat_fields
from deploy.devstack.stack import Stack

from . import references, wrk
from .entry import built_binary, seconds_setting
from .fixtures import Fixtures
from .go_peer import GoPeer
from .scenarios import CEILING, SCENARIOS, Scenario

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _cpu_seconds_by_group() -> dict[str, float]:
    groups: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = stat_fields(int(entry.name))
        except OSError:
            continue
        group = _group(command)
        if not group:
            continue
        ticks = int(fields[11]) + int(fields[12])
        if "nexus-vault serve" in command or (group == "postgresql" and " -D " in command):
            ticks += int(fields[13]) + int(fields[14])  # recycled workers, ended backends
        groups[group] = groups.get(group, 0.0) + ticks / TICKS_PER_SECOND
    return groups


def _group(command: str) -> str | None:
    # The Go peer's command line carries a postgresql:// URL: it is matched first.
    for marker, group in (("go-peer", "go peer"), ("nexus-vault ", "our pool"), ("nginx", "nginx"),
                          ("postgres", "postgresql"), ("tailscale_simulator", "simulator"), ("/ceiling ", "C ceiling")):
        if marker in command:
            return group
    return None


def _measure(fixtures: Fixtures, scenario: Scenario, seconds: int, script: Path) -> None:
    requests = scenario.request(fixtures)
    wrk.run(fixtures.stack.base_url, requests, 2, script)  # warm-up
    before, wrk_before = _cpu_seconds_by_group(), resource.getrusage(resource.RUSAGE_CHILDREN)
    result = wrk.run(fixtures.stack.base_url, requests, seconds, script)
    after, wrk_after = _cpu_seconds_by_group(), resource.getrusage(resource.RUSAGE_CHILDREN)
    after["wrk"] = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
    served = max(1, result.requests)
    split = sorted(((after[group] - before.get(group, 0.0)) * 1e6 / served, group) for group in after)
    parts = ", ".join(f"{group} {micros:.0f}" for micros, group in reversed(split) if micros >= 0.5)
    print(f"{scenario.name}: {result.requests_per_second:.0f} req/s; CPU µs per request: {parts}; "
          f"total {sum(micros for micros, _ in split):.0f}", flush=True)


def main() -> int:
    binary = built_binary()
    wanted = set(sys.argv[1:]) or {"health", "enroll (existing device)"}
    seconds = seconds_setting("BENCH_DURATION", 5)
    workers = int(os.environ.get("BENCH_WORKERS") or os.cpu_count() or 2)
    with tempfile.TemporaryDirectory(prefix="nexus-cpu-") as state:
        state_dir = Path(state)
        os.chmod(state_dir, 0o755)
        stack = Stack(references.stack_config(state_dir=state_dir, binary=binary, workers=workers, log_to_file=True,
                                              settings={"ANONYMOUS_CHECKS_PER_MINUTE": "100000000"}))
        ceiling = references.keepalive_ceiling(stack, workers)
        peer: GoPeer | None = None
        try:
            stack.start()
            ceiling.start()
            peer = references.go_peer(stack, workers)
            peer.start()
            fixtures = Fixtures(stack)
            _measure(fixtures, CEILING, seconds, state_dir / "ceiling.lua")
            for scenario in SCENARIOS:
                if scenario.name not in wanted:
                    continue
                _measure(fixtures, scenario, seconds, state_dir / "ours.lua")
                if scenario.peer:
                    _measure(fixtures, scenario.peer, seconds, state_dir / "peer.lua")
        finally:
            if peer:
                peer.stop()
            ceiling.stop()
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
