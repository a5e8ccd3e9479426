"""Prometheus metrics on nginx's loopback-only server (GET /_nexus/metrics), parsed with
prometheus_client's own text parser: request counters and histograms per action and status,
the pool, Tailscale per endpoint, the database gauges, and what never appears (ids, tokens,
the public site)."""
from __future__ import annotations

import re
import time

import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import start_stack, wait_for

KEYS_PATH = "/api/v2/tailnet/-/keys"
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
TOKENISH = re.compile(r"^(ey[A-Za-z0-9_-]{10,}|tskey-|sb_)|[A-Za-z0-9+/_-]{32,}")


def scrape(stack) -> dict:
    response = requests.get(f"http://127.0.0.1:{stack.publish_port}/_nexus/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def sample(families: dict, family: str, name: str, **labels) -> float:
    """The value of the sample `name` with exactly these labels (0 when absent)."""
    for entry in families[family].samples if family in families else []:
        if entry.name == name and entry.labels == labels:
            return entry.value
    return 0.0


def request_count(families, **labels) -> float:
    return sample(families, "nexus_requests", "nexus_requests_total", **labels)


def test_requests_are_counted_per_action_and_status_with_histograms(stack, api, world):
    user = world.user()
    listing = {"function": "device-enrollment", "action": "list_devices", "status": "200"}
    unauthenticated = {**listing, "status": "401"}
    health = {"function": "health", "action": "none", "status": "200"}
    before = scrape(stack)
    for _ in range(5):
        assert api.enrollment("list_devices", user.token).status_code == 200
    for _ in range(2):
        assert api.enrollment("list_devices", None).status_code == 401
    for _ in range(3):
        assert requests.get(f"{stack.base_url}/functions/v1/health", timeout=5).status_code == 200
    after = scrape(stack)

    assert request_count(after, **listing) - request_count(before, **listing) == 5
    assert request_count(after, **unauthenticated) - request_count(before, **unauthenticated) == 2
    assert request_count(after, **health) - request_count(before, **health) == 3

    histogram = "nexus_request_duration_seconds"
    assert after[histogram].type == "histogram"
    count = sample(after, histogram, histogram + "_count", **listing)
    assert count - sample(before, histogram, histogram + "_count", **listing) == 5
    assert count == request_count(after, **listing)
    assert sample(after, histogram, histogram + "_sum", **listing) > sample(before, histogram, histogram + "_sum", **listing)
    buckets = [(entry.labels["le"], entry.value) for entry in after[histogram].samples
               if entry.name == histogram + "_bucket" and {k: v for k, v in entry.labels.items() if k != "le"} == listing]
    values = [value for _, value in buckets]
    assert buckets[-1] == ("+Inf", count)
    assert values == sorted(values), "buckets are cumulative"


def test_client_text_never_becomes_a_label(stack, api, world):
    user = world.user()
    forged = "a" * 40
    assert api.enrollment(forged, user.token).status_code == 400
    assert requests.get(f"{stack.base_url}/functions/v1/{forged}", timeout=5).status_code == 404
    families = scrape(stack)
    values = [value for family in families.values() for entry in family.samples for value in entry.labels.values()]
    assert values
    assert forged not in values
    for value in values:
        assert not UUID.search(value), value
        assert not TOKENISH.search(value), value
    assert request_count(families, function="device-enrollment", action="none", status="400") >= 1


def test_pool_gauges_are_sane(stack):
    def workers(families):
        return {state: sample(families, "nexus_pool_workers", "nexus_pool_workers", state=state)
                for state in ("starting", "idle", "busy", "leaving")}

    # The supervisor stores the pool's gauges five times a second: a scrape right after the
    # stack came up may find the workers still starting.
    assert wait_for(lambda: (lambda w: w["idle"] + w["busy"] == stack.config.workers)(workers(scrape(stack))), timeout=5)
    families = scrape(stack)
    assert workers(families)["starting"] == 0 and workers(families)["leaving"] == 0
    threads = {state: sample(families, "nexus_pool_threads", "nexus_pool_threads", state=state) for state in ("idle", "busy")}
    # Every ready worker reports its request threads (WORKER_THREADS, default 32).
    assert sum(threads.values()) == stack.config.workers * 32
    for counter in ("nexus_pool_respawns", "nexus_pool_recycles", "nexus_pool_request_timeouts"):
        assert families[counter].type == "counter"
        assert sample(families, counter, counter + "_total") >= 0


def test_tailscale_calls_show_up_per_endpoint(stack, api, world, simulator):
    admin = world.user(role="org_admin")
    before = scrape(stack)
    simulator.fault("500", count=1, paths=KEYS_PATH)
    assert api.tailscale("generate-auth-key", admin.token).status_code == 200  # the second attempt succeeds
    after = scrape(stack)

    def moved(family, name):
        return sample(after, family, name, endpoint="key_create") - sample(before, family, name, endpoint="key_create")

    # One call, retried once after the 500; a worker whose token an earlier test's simulator
    # reset left stale makes one more call after the 401 (that first call counts as an error).
    calls = moved("nexus_tailscale_calls", "nexus_tailscale_calls_total")
    assert calls in (1, 2)
    assert moved("nexus_tailscale_retries", "nexus_tailscale_retries_total") == 1
    assert moved("nexus_tailscale_errors", "nexus_tailscale_errors_total") == calls - 1
    last = sample(after, "nexus_tailscale_last_success_timestamp_seconds",
                  "nexus_tailscale_last_success_timestamp_seconds", endpoint="key_create")
    assert abs(last - time.time()) < 30
    # The monitor (a child of the same supervisor) lists the tailnet's devices every round.
    assert wait_for(lambda: sample(scrape(stack), "nexus_tailscale_calls", "nexus_tailscale_calls_total",
                                   endpoint="device_list") > 0, timeout=10)
    endpoints = {entry.labels["endpoint"] for entry in after["nexus_tailscale_calls"].samples}
    assert endpoints <= {"token", "device_list", "device_get", "device_delete", "device_expire",
                         "key_create", "key_get", "key_delete", "other"}


def test_database_gauges_are_read_at_scrape_time(stack, api, world, db):
    families = scrape(stack)
    assert sample(families, "nexus_scrape_database_up", "nexus_scrape_database_up") == 1
    counts = dict(db.execute("SELECT status::text, count(*) FROM devices GROUP BY status").fetchall())
    for status in ("pending", "active", "offline", "inactive", "revoked"):
        assert sample(families, "nexus_devices", "nexus_devices", status=status) == counts.get(status, 0)
    synced = db.execute("SELECT extract(epoch FROM now() - synced_at)::float8 FROM tailscale_sync_state").fetchone()[0]
    if synced is not None:
        assert abs(sample(families, "nexus_inventory_age_seconds", "nexus_inventory_age_seconds") - synced) < 5
    assert sample(families, "nexus_database_connects", "nexus_database_connects_total", result="ok") >= 1
    errors = families.get("nexus_database_errors")
    kinds = {entry.labels["kind"] for entry in errors.samples} if errors else set()
    assert kinds <= {"unavailable", "queryFailed", "timeout", "uniqueViolation", "serializationFailure"}


def test_the_public_site_does_not_expose_the_metrics(stack, world):
    for method in ("GET", "POST"):
        response = requests.request(method, f"{stack.base_url}/_nexus/metrics", timeout=5,
                                    headers={"Authorization": f"Bearer {world.service_key}"})
        assert response.status_code == 404
        assert "nexus_" not in response.text


def test_counters_add_up_across_workers_and_survive_recycling():
    own = start_stack(workers=2, settings={"WORKER_MAX_REQUESTS": "5", "MONITOR_ENABLED": "false"})
    try:
        health = {"function": "health", "action": "none", "status": "200"}
        before = request_count(scrape(own), **health)  # the stack's own readiness checks
        for _ in range(30):
            assert requests.get(f"{own.base_url}/functions/v1/health", timeout=5).status_code == 200
        # Every worker left after 5 requests and was replaced: 30 requests need at least 4 recycles.
        assert wait_for(lambda: sample(scrape(own), "nexus_pool_recycles", "nexus_pool_recycles_total") >= 4, timeout=10)
        families = scrape(own)
        assert request_count(families, **health) - before == 30  # none lost with the processes that counted them
        recycles = sample(families, "nexus_pool_recycles", "nexus_pool_recycles_total")
        assert sample(families, "nexus_pool_respawns", "nexus_pool_respawns_total") >= recycles
        assert sample(families, "nexus_pool_request_timeouts", "nexus_pool_request_timeouts_total") == 0
    finally:
        own.stop()
