"""Rate-limit counters: an IPv6 client counts by its /64, an IPv4 client by its address, and
the monitor purges expired counters on its schedule while live ones stay."""
from __future__ import annotations

import uuid

from deploy.devstack.processes import wait_until


def buckets(db, prefix: str) -> set[str]:
    return {row[0] for row in db.execute("SELECT bucket FROM rate_limits WHERE bucket LIKE %s", (prefix + "%",))}


def test_ipv6_clients_of_one_slash_64_share_a_counter(api, world, db):
    network = f"2001:db8:{uuid.uuid4().int % 0xffff:x}:7"
    for host in ("1", "abcd:ef01:2345:6789"):
        response = api.call("tailscale-api", {"action": "check-device", "identifier": "nobody-here"},
                            apikey=world.anon_key, client_ip=f"{network}::{host}" if host == "1" else f"{network}:{host}")
        assert response.status_code == 200, response.text
    hits = db.execute("SELECT hits FROM rate_limits WHERE bucket = %s", (f"check-device:ip:{network}::/64",)).fetchone()
    assert hits == (2,)
    assert buckets(db, f"check-device:ip:{network}:") == {f"check-device:ip:{network}::/64"}  # none per address


def test_ipv4_clients_count_by_their_address(api, world, db):
    address = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    db.execute("DELETE FROM rate_limits WHERE bucket = %s", (f"check-device:ip:{address}",))
    response = api.call("tailscale-api", {"action": "check-device", "identifier": "nobody-here"},
                        apikey=world.anon_key, client_ip=address)
    assert response.status_code == 200, response.text
    assert buckets(db, f"check-device:ip:{address}") == {f"check-device:ip:{address}"}


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
