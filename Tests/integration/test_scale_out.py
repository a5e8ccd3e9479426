"""Two pools (as two hosts) on one database behind one nginx upstream. nginx moves a request
to the other pool only when it could not hand it over (a connection failure); a POST that a
worker already received is never sent again (`fastcgi_next_upstream error timeout`, nginx's
default, which leaves non-idempotent requests alone once sent), so one pool dying costs only
the requests that were in flight there."""
from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest
import requests

from conftest import World, start_stack
from deploy.bench.two_pools import SecondPool, kill_pool, pool_status, route_to_both
from deploy.devstack.processes import wait_until


@pytest.fixture()
def two_pools():
    stack = start_stack(settings={"DB_STATEMENT_TIMEOUT_MS": "30000"})
    second = SecondPool(stack)
    try:
        second.start()
        route_to_both(stack, second)
        yield stack, second
    finally:
        second.stop()
        stack.stop()


def enroll(session, user, fingerprint: str, timeout: float = 30) -> requests.Response:
    return session.post(f"{session.base_url}/functions/v1/device-enrollment",
                        json={"action": "enroll", "fingerprint": fingerprint},
                        headers={"Authorization": f"Bearer {user.token}"}, timeout=timeout)


def busy(status: dict) -> bool:
    return any(child["state"] == "busy" for child in status.get("children", []))


def test_a_pool_killed_costs_only_its_in_flight_request_and_nothing_is_sent_twice(two_pools):
    stack, second = two_pools
    world = World(stack, psycopg.connect(stack.postgres.url(), autocommit=True))
    user = world.user()
    session = session_for(stack)
    # Both pools serve (nginx alternates between the two servers).
    for index in range(20):
        assert enroll(session, user, f"warm-{index}").status_code == 200
    wait_until(lambda: pool_status(stack.status_file).get("requests_served", 0) > 0
               and second.status().get("requests_served", 0) > 0, 5, "both pools to have served")

    # One POST held inside a worker (its statement waits on a lock), then that worker's pool dies.
    blocker = psycopg.connect(stack.postgres.url())
    blocker.execute("LOCK TABLE devices IN ACCESS EXCLUSIVE MODE")
    held = f"held-{uuid.uuid4().hex[:8]}"
    answer: dict = {}
    client = threading.Thread(target=lambda: answer.setdefault("response", enroll(session_for(stack), user, held)))
    client.start()
    wait_until(lambda: busy(pool_status(stack.status_file)) or busy(second.status()), 10, "a worker holding the request")
    holder = stack.serve if busy(pool_status(stack.status_file)) else second.process
    survivor_status = second.status if holder is stack.serve else (lambda: pool_status(stack.status_file))
    kill_pool(holder)
    time.sleep(0.5)
    blocker.rollback()  # had nginx resent the request, the surviving pool could now enroll it
    blocker.close()
    client.join(timeout=30)

    response = answer["response"]
    assert response.status_code == 503, response.text  # nginx's own answer for an upstream failure
    assert response.json() == {"error": "Service temporarily unavailable"}
    time.sleep(0.5)
    assert world.db.execute("SELECT count(*) FROM devices WHERE fingerprint = %s", (held,)).fetchone() == (0,)
    served_before = survivor_status().get("requests_served", 0)

    # The rest goes to the survivor.
    statuses = [enroll(session, user, f"after-{index}").status_code for index in range(30)]
    assert statuses == [200] * 30
    wait_until(lambda: survivor_status().get("requests_served", 0) >= served_before + 30, 5, "the survivor to count them")
    assert "upstream prematurely closed connection" in (stack.run_dir / "nginx-error.log").read_text()


def test_a_connection_refused_by_a_dead_pool_is_retried_on_the_other(two_pools):
    stack, second = two_pools
    world = World(stack, psycopg.connect(stack.postgres.url(), autocommit=True))
    user = world.user()
    session = session_for(stack)
    kill_pool(second.process)
    # Its socket file is still there, but nothing listens: the connect fails before anything
    # was sent, which nginx may and does retry on the other server.
    statuses = [enroll(session, user, f"refused-{index}").status_code for index in range(10)]
    assert statuses == [200] * 10
    log = (stack.run_dir / "nginx-error.log").read_text()
    assert f"connect() to unix:{second.socket} failed" in log, log


def session_for(stack) -> requests.Session:
    session = requests.Session()
    session.base_url = stack.base_url
    return session
