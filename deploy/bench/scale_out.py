"""`python -m deploy.bench.scale_out`: one of two pools killed under load.

Starts the local stack, a second `nexus-vault serve` on its own socket on the same database
(as a second host would run it), and lists both in nginx's `upstream`. Each round: a normal
run through both pools, then a run during which one pool (its supervisor and every worker) is
killed with SIGKILL a few seconds in. Reports the failed requests (non-2xx answers and wrk
socket errors) against what can have been in flight at the killed pool: at most one request
per wrk connection (32), since nginx opens one FastCGI connection per request. nginx retries
only what it could not hand over (a refused connection); a POST a worker already received is
not sent again (fastcgi_next_upstream's default, `error timeout`, leaves non-idempotent
requests alone once sent). The killed pool is started again between rounds. A benchmark: it
exits 0 whether or not the bound holds.

    SCALE_BENCH_DURATION=20 SCALE_BENCH_KILL_AT=5 SCALE_BENCH_ROUNDS=3 (the defaults)
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import threading
from pathlib import Path

from deploy.devstack.stack import Stack, StackConfig

from . import entry, wrk
from .faults import Background, failed
from .fixtures import Fixtures
from .two_pools import SecondPool, kill_pool, route_to_both


def main() -> int:
    entry.built_binary()
    duration = entry.seconds_setting("SCALE_BENCH_DURATION", 20)
    kill_at = entry.seconds_setting("SCALE_BENCH_KILL_AT", 5)
    rounds = max(1, entry.seconds_setting("SCALE_BENCH_ROUNDS", 3))
    rows: list[tuple[wrk.WrkResult, wrk.WrkResult, int]] = []
    with tempfile.TemporaryDirectory(prefix="nexus-scale-bench-") as state:
        # One worker per pool: two pools of one on this 2-core machine are the two-host shape.
        stack = Stack(StackConfig(state_dir=Path(state), binary=entry.BINARY, workers=1))
        second = SecondPool(stack)
        try:
            stack.start()
            second.start()
            route_to_both(stack, second)
            fixtures = Fixtures(stack)
            request = fixtures.as_user("device-enrollment", action="enroll", fingerprint=fixtures.enrolled_fingerprint,
                                       device_name="Bench Laptop", device_type="laptop", os="Debian 12")
            script = Path(state) / "enroll.lua"
            wrk.run(stack.base_url, request, 2, script)  # warm-up
            for round_number in range(1, rounds + 1):
                print(f"bench: round {round_number}: both pools, {duration} s", file=sys.stderr, flush=True)
                normal = wrk.run(stack.base_url, request, duration, script)
                print(f"bench: round {round_number}: second pool SIGKILLed after {kill_at} s", file=sys.stderr, flush=True)
                load = Background(stack.base_url, request, duration, script)
                load.start()
                killer = threading.Timer(kill_at, lambda: kill_pool(second.process))
                killer.start()
                result = load.outcome()
                killer.join()
                rows.append((normal, result, kill_at))
                second.start()  # the host comes back for the next round
        finally:
            second.stop()
            stack.stop()
    report(rows, duration)
    return 0


def report(rows: list[tuple[wrk.WrkResult, wrk.WrkResult, int]], duration: int) -> None:
    bound = wrk.CONNECTIONS
    print(f"\nenroll through nginx to two pools (1 worker each), wrk -t{wrk.THREADS} -c{wrk.CONNECTIONS}, {duration} s per run")
    print(f"{'round':>5} {'run':<12} {'requests':>9} {'req/s':>8} {'p99 ms':>8} {'non-2xx':>8} {'sock err':>8} {'failed':>7}")
    for index, (normal, killed, _) in enumerate(rows, start=1):
        for name, result in (("both pools", normal), ("one killed", killed)):
            print(f"{index:>5} {name:<12} {result.requests:>9} {result.requests_per_second:>8.0f} {result.p99_ms:>8.1f} "
                  f"{result.non_2xx:>8} {result.total_socket_errors:>8} {failed(result):>7}")
    failures = [failed(killed) for _, killed, _ in rows]
    print(f"\nfailed requests per kill: {failures} (median {statistics.median(failures):g}); bound: what was in flight "
          f"at the killed pool, at most {bound} (one per wrk connection): {'held' if max(failures) <= bound else 'NOT held'}")
    normal_failures = sum(failed(normal) for normal, _, _ in rows)
    print(f"failed requests with both pools up: {normal_failures}")


if __name__ == "__main__":
    entry.run(main)
