"""PostgreSQL restarted under load: 503 with Retry-After while it is down (never 500, never a
hang), and recovery by itself once it is back, without restarting the service."""
from __future__ import annotations

import time

import psycopg
import pytest
import requests

from conftest import World, start_stack
from deploy.devstack.processes import wait_until
from loadgen import Load


@pytest.fixture()
def outage_stack():
    # generate_token mints a key per call: the load runs past the default per-user mint limit.
    instance = start_stack(settings={"KEY_MINTS_PER_USER_PER_HOUR": "100000", "KEY_MINTS_PER_ORGANIZATION_PER_HOUR": "1000000"})
    yield instance
    if not instance.postgres.is_running():
        instance.postgres.start()
    instance.stop()


def test_database_restart_under_load(outage_stack):
    stack = outage_stack
    world = World(stack, psycopg.connect(stack.postgres.url(), autocommit=True))
    user = world.user()
    world.db.close()
    url = f"{stack.base_url}/functions/v1/device-enrollment"
    bodies: dict[int, set] = {}
    slowest = [0.0]

    def call(session: requests.Session):
        started = time.monotonic()
        # enroll reads and writes the database on every call (a known device: last_seen refresh)
        response = session.post(url, json={"action": "enroll", "fingerprint": "outage-probe"},
                                headers={"Authorization": f"Bearer {user.token}"}, timeout=15)
        slowest[0] = max(slowest[0], time.monotonic() - started)
        bodies.setdefault(response.status_code, set()).add(response.text)
        if response.status_code == 503:
            assert response.headers.get("Retry-After") == "5"
        return response

    with Load(call, threads=4) as load:
        time.sleep(1.0)
        stack.postgres.stop()
        down = time.monotonic()
        time.sleep(2.0)
        ready = requests.get(f"{stack.base_url}/functions/v1/ready", timeout=10)
        assert ready.status_code == 503
        assert ready.json() == {"error": "Service temporarily unavailable"}
        during = load.outcomes(since=down + 0.5)
        stack.postgres.start()
        back = time.monotonic()
        wait_until(lambda: load.outcomes(since=time.monotonic() - 0.5).get(200, 0) > 0, 15, "requests to succeed again")
        recovered = time.monotonic()
        time.sleep(1.5)

    assert during.get(503, 0) > 10, during
    assert set(during) <= {503}, during
    assert bodies[503] == {'{"error":"Service temporarily unavailable"}'}
    assert set(load.outcomes()) <= {200, 503}, load.outcomes()
    assert set(load.outcomes(since=recovered + 0.5)) == {200}
    assert recovered - back < 10
    assert slowest[0] < 5, f"a request took {slowest[0]:.1f} s while the database was down"
    assert requests.get(f"{stack.base_url}/functions/v1/ready", timeout=5).status_code == 200


def test_every_device_answered_200_survives_an_immediate_stop(outage_stack):
    """PostgreSQL stopped with `-m immediate` (a crash: no checkpoint, recovery from the WAL at
    the next start) under generate_token load: every device the service answered 200 for is
    still there afterwards, and service resumes within 5 s of the database."""
    stack = outage_stack
    world = World(stack, psycopg.connect(stack.postgres.url(), autocommit=True))
    user = world.user()
    world.db.close()
    url = f"{stack.base_url}/functions/v1/device-enrollment"
    answered: list[str] = []

    def call(session: requests.Session):
        response = session.post(url, json={"action": "generate_token", "device_name": "Durability Probe"},
                                headers={"Authorization": f"Bearer {user.token}"}, timeout=15)
        if response.status_code == 200:
            answered.append(response.json()["device_id"])
        return response

    with Load(call, threads=4) as load:
        time.sleep(1.5)
        stack.postgres.stop(mode="immediate")
        time.sleep(1.5)
        stack.postgres.start()
        back = time.monotonic()
        wait_until(lambda: load.outcomes(since=back).get(200, 0) > 0, 15, "requests to succeed again")
        first_success = min(moment for moment, outcome in load.results if moment >= back and outcome == 200)
        time.sleep(1.0)

    assert set(load.outcomes()) <= {200, 503}, load.outcomes()
    assert load.outcomes(since=first_success).get(200, 0) > 10
    assert first_success - back < 5, f"service resumed {first_success - back:.1f} s after the database"
    with psycopg.connect(stack.postgres.url(), autocommit=True) as db:
        stored = {row[0] for row in db.execute("SELECT id::text FROM devices WHERE id = ANY(%s::uuid[])", (answered,))}
    missing = set(answered) - stored
    assert len(answered) > 50 and not missing, f"{len(missing)} of {len(answered)} answered devices are missing"
    print(f"durability: {len(stored)} of {len(answered)} answered devices stored; "
          f"service back {first_success - back:.2f} s after the database")
