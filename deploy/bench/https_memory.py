"""`python -m deploy.bench.https_memory`: worker memory when the Tailscale API is reached over
HTTPS, as in production. `make bench` talks plain HTTP to the simulator, so it never sees what
TLS connections cost a worker. A benchmark, not a test: it prints figures and exits 0 whatever
they are (non-zero only when the stack could not start).

The simulator serves a certificate of a throwaway authority (Tests/support/make-test-authority.sh),
and the service trusts the system's bundle with that authority added (`TLS_CA_FILE`), so that it
parses as many authorities as in production. Then, through nginx at wrk's 32 connections: key
mints (`tailscale-api` `generate-auth-key` of users of an organization without a static key, so
every request is a call to the API), then joining devices' status polls. After each, every
worker's VmRSS and private pages.

    NEXUS_VAULT_BIN=.build/release/nexus-vault .venv/bin/python -m deploy.bench.https_memory
    HTTPS_BENCH_SECONDS=10 ...   (default 5)
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from deploy.devstack.stack import SimulatorTLS, Stack

from . import entry, memory, references, wrk
from .fixtures import Fixtures
from .scenarios import poll_joining_devices

MINTING_USERS = 64


def main() -> int:
    binary = entry.built_binary()
    seconds = entry.seconds_setting("HTTPS_BENCH_SECONDS", 5)
    with tempfile.TemporaryDirectory(prefix="nexus-https-") as state:
        state_dir = Path(state)
        os.chmod(state_dir, 0o755)  # the service's user reads the bundle
        tls, bundle = SimulatorTLS.make(state_dir)
        config = references.stack_config(state_dir=state_dir / "stack", binary=binary, workers=2, log_to_file=True,
                                         simulator_tls=tls,
                                         settings={"TLS_CA_FILE": str(bundle), "ANONYMOUS_CHECKS_PER_MINUTE": "100000000",
                                                   "KEY_MINTS_PER_USER_PER_HOUR": "100000",
                                                   "KEY_MINTS_PER_ORGANIZATION_PER_HOUR": "1000000"})
        stack = Stack(config)
        try:
            try:
                stack.start()
                fixtures = Fixtures(stack)
                mints = _mint_requests(fixtures)
            except Exception as failure:
                print(f"bench: the stack could not start: {failure}", file=sys.stderr)
                return 1
            _report("workers at start", None, memory.measure(stack.serve.pid))
            for name, requests in [("key mints over HTTPS", mints),
                                   ("check_tailscale_status", poll_joining_devices(fixtures))]:
                result = wrk.run(stack.base_url, requests, seconds, state_dir / "wrk.lua")
                _report(name, result, memory.measure(stack.serve.pid))
        finally:
            stack.stop()
    return 0


def _mint_requests(fixtures: Fixtures) -> list[wrk.HTTPRequest]:
    stack = fixtures.stack
    organization = stack.nexus("org", "create", "--name", "Minting Organization")
    tokens = [stack.token(stack.nexus("user", "create", "--org", organization, "--role", "user", "--name", f"Minter {n}"))
              for n in range(MINTING_USERS)]
    requests = [fixtures.with_token(token, "tailscale-api", action="generate-auth-key") for token in tokens]
    status, body = fixtures.send(requests[0])
    if status != 200 or not str(body.get("authKey", "")).startswith("tskey-auth-"):
        raise RuntimeError(f"a key mint over HTTPS answered {status}")
    return requests


def _report(name: str, result: wrk.WrkResult | None, snapshot: memory.MemorySnapshot) -> None:
    rss = ", ".join(f"{kib / 1024:.1f}" for kib in snapshot.worker_kib.values())
    private = ", ".join(f"{kib / 1024:.1f}" for kib in snapshot.worker_private_kib.values())
    load = (f"{result.requests_per_second:,.0f} req/s, p99 {result.p99_ms:.1f} ms, {result.non_2xx} not 2xx; "
            if result else "")
    print(f"{name}: {load}workers {rss} MiB VmRSS (private {private} MiB)", flush=True)


if __name__ == "__main__":
    entry.run(main)
