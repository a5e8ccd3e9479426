"""Rate-limit counters: an IPv6 client counts by its /64, an IPv4 client by its address (the
anonymous check-device limit, per host in shared memory), and the monitor purges expired
database counters on its schedule while live ones stay."""
from __future__ import annotations

import time
import uuid

import psycopg
import pytest
import requests

from conftest import World, start_stack
from deploy.devstack.processes import wait_until


def buckets(db, prefix: str) -> set[str]:
    return {row[0] for row in db.execute("SELECT bucket FROM rate_limits WHERE bucket LIKE %s", (prefix + "%",))}


@pytest.fixture(scope="module")
def strict_stack():
    """Two anonymous checks per address and minute, so that a third shows whose counter it is."""
    instance = start_stack(settings={"ANONYMOUS_CHECKS_PER_MINUTE": "2", "MONITOR_ENABLED": "false"})
    yield instance
    instance.stop()


def check_from(stack, anon_key: str, address: str) -> int:
    return requests.post(f"{stack.base_url}/functions/v1/tailscale-api", json={"action": "check-device", "identifier": "nobody-here"},
                         headers={"apikey": anon_key, "X-Forwarded-For": address}, timeout=10).status_code


def one_window() -> None:
    """The calls of a test fit in one fixed minute of the per-host counters."""
    if 60 - time.time() % 60 < 5:
        time.sleep(60 - time.time() % 60 + 0.1)


def test_ipv6_clients_of_one_slash_64_share_a_counter(strict_stack):
    anon_key = World(strict_stack, None).anon_key
    network = f"2001:db8:{uuid.uuid4().int % 0xffff:x}:7"
    one_window()
    assert [check_from(strict_stack, anon_key, address) for address in (f"{network}::1", f"{network}:abcd:ef01:2345:6789")] == [200, 200]
    assert check_from(strict_stack, anon_key, f"{network}::99") == 429  # the third address of the /64
    assert check_from(strict_stack, anon_key, f"2001:db8:{uuid.uuid4().int % 0xffff:x}:8::1") == 200  # another /64


def test_ipv4_clients_count_by_their_address(strict_stack):
    anon_key = World(strict_stack, None).anon_key
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    neighbour = f"198.51.100.{(int(address.rsplit('.', 1)[1]) % 250) + 1}"
    one_window()
    assert [check_from(strict_stack, anon_key, address) for _ in range(3)] == [200, 200, 429]
    assert check_from(strict_stack, anon_key, neighbour) == 200


def test_anonymous_checks_write_no_counter_rows(strict_stack):
    """The anonymous check-device limit is counted in the host's shared memory, not in
    rate_limits: a poll is a read."""
    check_from(strict_stack, World(strict_stack, None).anon_key, "192.0.2.77")
    with psycopg.connect(strict_stack.postgres.url("nexus_vault"), autocommit=True) as db:
        assert buckets(db, "check-device:") == set()


def test_the_monitor_purges_expired_counters_and_keeps_live_ones(stack, db):
    tag = f"purge-test-{uuid.uuid4().hex[:8]}:"
    # Older than the longest window in use (VERIFY_FAILURE_WINDOW_SECONDS, 900 s by default),
    # more than one purge batch of them; and counters whose window is still running.
    db.execute("INSERT INTO rate_limits (bucket, window_start, hits) "
               "SELECT %s || 'expired:' || n, now() - interval '2 hours', 3 FROM generate_series(1, 2500) AS n", (tag,))
    db.execute("INSERT INTO rate_limits (bucket, window_start, hits) "
               "SELECT %s || 'live:' || n, now() - interval '5 minutes', 3 FROM generate_series(1, 20) AS n", (tag,))
    # The stack's monitor runs every 2 s.
    wait_until(lambda: not buckets(db, tag + "expired:"), 20, "the expired counters to be purged")
    assert len(buckets(db, tag + "live:")) == 20
    assert "expired rate-limit counters purged" in stack.read_log()
