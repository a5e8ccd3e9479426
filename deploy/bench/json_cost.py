"""`python -m deploy.bench.json_cost`: what a 64 KiB JSON body of thousands of distinct keys costs
the worker, against the normal enroll body it pads. A benchmark, not a test: it prints figures and
exits 0 whatever they are (non-zero only when the stack could not start).

Both requests are the same `enroll` of an existing device with the same user token, so the only
difference is the body the router parses before anything else (a service that bounds the values
of a body answers the big one 400 "Invalid JSON body"; the status is reported). Each round runs
wrk through nginx on one and then the other; the worker's own time per request is the access
log's `duration_ms` (read back for the lines each run wrote), and the ratio of the medians is the
figure.

    NEXUS_VAULT_BIN=.build/release/nexus-vault .venv/bin/python -m deploy.bench.json_cost
    JSON_COST_ROUNDS=5 JSON_COST_SECONDS=5 ...   (defaults 3 rounds of 5 s per request)
"""
from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deploy.devstack.stack import Stack, StackConfig

from . import entry, wrk
from .fixtures import Fixtures, _json_object

BODY_LIMIT = 64 * 1024  # nginx's client_max_body_size for the functions
# Few connections: the figure is the worker's time per request, not how long a queue grows.
CONNECTIONS = 4
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def padded(body: dict, limit: int) -> tuple[dict, int]:
    """`body` plus as many distinct short keys (`"k0":0`, `"k1":0`, ...) as fit in `limit` bytes."""
    def key(number: int) -> str:
        digits = ""
        while True:
            number, digit = divmod(number, len(ALPHABET))
            digits = ALPHABET[digit] + digits
            if number == 0:
                return "k" + digits
    size = len(json.dumps(body, separators=(",", ":")))
    keys: list[str] = []
    while True:
        candidate = key(len(keys))
        grown = size + len(candidate) + 5  # "...":0 and the comma
        if grown > limit:
            break
        keys.append(candidate)
        size = grown
    return {**body, **{name: 0 for name in keys}}, len(keys)


def measure(stack: Stack, request: wrk.HTTPRequest, seconds: int, script: Path) -> dict:
    """One wrk run; its req/s and the median `duration_ms` of the access lines it caused."""
    script.touch(mode=0o600)
    script.write_text(wrk.lua_script(request), encoding="utf-8")
    offset = stack.log_file.stat().st_size
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script),
               stack.base_url + request.path]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if finished.returncode != 0:
        raise wrk.WrkError(f"wrk exited with {finished.returncode}: {finished.stderr.strip()}")
    result = wrk.parse(finished.stdout)
    time.sleep(2)  # access lines reach the log at most a second late
    with stack.log_file.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode("utf-8", errors="replace").splitlines()
    durations = [entry["duration_ms"] for entry in map(_json_object, lines)
                 if entry.get("path") == request.path and "duration_ms" in entry]
    return {"requests_per_second": result.requests_per_second, "p50_ms": result.p50_ms, "p99_ms": result.p99_ms,
            "non_2xx": result.non_2xx, "socket_errors": result.total_socket_errors,
            "worker_ms_median": statistics.median(durations) if durations else None, "access_lines": len(durations)}


def main() -> int:
    binary = entry.built_binary()
    rounds = int(os.environ.get("JSON_COST_ROUNDS") or 3)
    seconds = int(os.environ.get("JSON_COST_SECONDS") or 5)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="nexus-json-cost-") as state:
        state_dir = Path(state)
        stack = Stack(StackConfig(state_dir=state_dir, binary=binary, workers=os.cpu_count() or 2, log_to_file=True))
        try:
            try:
                stack.start()
                fixtures = Fixtures(stack)
            except Exception as failure:
                print(f"json_cost: the stack could not start: {failure}", file=sys.stderr)
                return 1
            enroll = {"action": "enroll", "fingerprint": fixtures.enrolled_fingerprint, "device_name": "Bench Laptop",
                      "device_type": "laptop", "os": "Debian 12"}
            big_body, keys = padded(enroll, BODY_LIMIT)
            requests = {"normal": fixtures.as_user("device-enrollment", **enroll),
                        "big": fixtures.as_user("device-enrollment", **big_body)}
            statuses = {name: fixtures.send(request)[0] for name, request in requests.items()}
            if statuses["normal"] != 200 or statuses["big"] not in (200, 400):
                print(f"json_cost: the requests answered {statuses}", file=sys.stderr)
                return 1
            runs: dict[str, list[dict]] = {name: [] for name in requests}
            for round_number in range(1, rounds + 1):
                for name, request in requests.items():
                    print(f"json_cost: round {round_number}/{rounds}: {name}", file=sys.stderr, flush=True)
                    runs[name].append(measure(stack, request, seconds, state_dir / f"{name}.lua"))
        finally:
            stack.stop()

    def median(name: str, field: str) -> float:
        return statistics.median(run[field] for run in runs[name] if run[field] is not None)

    report = {"binary": str(binary), "rounds": rounds, "seconds": seconds, "connections": CONNECTIONS,
              "big_body_bytes": len(requests["big"].body.encode()), "big_body_keys": keys,
              "normal_body_bytes": len(requests["normal"].body.encode()), "runs": runs}
    report["statuses"] = statuses
    print(f"{'request':<8} {'status':>6} {'body':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'worker ms (median)':>19}")
    for name in requests:
        print(f"{name:<8} {statuses[name]:>6} {len(requests[name].body.encode()):>7} {median(name, 'requests_per_second'):>9.1f} "
              f"{median(name, 'p50_ms'):>8.2f} {median(name, 'p99_ms'):>8.2f} {median(name, 'worker_ms_median'):>19.3f}")
    ratio = median("big", "worker_ms_median") / median("normal", "worker_ms_median")
    print(f"big body ({keys} keys) / normal body, worker time: {ratio:.1f}x; "
          f"throughput: {median('normal', 'requests_per_second') / median('big', 'requests_per_second'):.1f}x")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
