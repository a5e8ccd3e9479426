"""The keep-alive rule with two nginx instances in front of one pool (README, "Process model"):
request threads across the pool at least twice the idle FastCGI connections all nginx
instances may keep. A kept connection pins a request thread while it is open, idle or not, so
with too few threads the first nginx's idle connections hold every thread and the second
nginx's requests wait in the backlog (../shared/DESIGN.md: "a second nginx got no answer at
all")."""
from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest
import requests

from conftest import World, start_stack, wait_for
from deploy.devstack.second_nginx import SecondNginx
from loadgen import Load

# Each nginx of the local configuration runs one worker process, so it keeps at most this many
# idle connections to the pool; two of them may keep twice that.
KEEPALIVE = 4


def start_two_nginx(threads: int):
    stack = start_stack(workers=1, fastcgi_keepalive=KEEPALIVE,
                        settings={"WORKER_THREADS": str(threads), "MONITOR_ENABLED": "false"})
    second = SecondNginx(stack)
    try:
        second.start()
    except BaseException:
        stack.stop()
        raise
    return stack, second


def fill_keepalive_cache(stack, base_url: str) -> None:
    """Leaves nginx at `base_url` holding KEEPALIVE idle connections to the pool, each pinning a
    request thread: KEEPALIVE enrolls held in the database until all of them are in flight at
    once (so nginx opens a connection for each), then answered together (so nginx keeps them
    all). A load of quick requests would not do it reliably: they seldom overlap that much."""
    db = psycopg.connect(stack.postgres.url(), autocommit=True)
    user = World(stack, db).user()
    blocker = psycopg.connect(stack.postgres.url())
    blocker.execute("LOCK TABLE devices IN ACCESS EXCLUSIVE MODE")
    answers: list[int] = []

    def enroll() -> None:
        response = requests.post(f"{base_url}/functions/v1/device-enrollment",
                                 json={"action": "enroll", "fingerprint": f"keepalive-{uuid.uuid4()}"},
                                 headers={"Authorization": f"Bearer {user.token}"}, timeout=20)
        answers.append(response.status_code)

    clients = [threading.Thread(target=enroll) for _ in range(KEEPALIVE)]
    try:
        for client in clients:
            client.start()
        most = 0

        def all_held() -> bool:
            nonlocal most
            held = db.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").fetchone()[0]
            most = max(most, held)
            return held == KEEPALIVE
        # Within the statement timeout (5 s), which would end the held enrolls.
        assert wait_for(all_held, 4), \
            f"at most {most} of {KEEPALIVE} enrolls at once reached the database: a thread short"
    finally:
        blocker.rollback()
        for client in clients:
            client.join(timeout=20)
        db.close()
    assert answers == [200] * KEEPALIVE, answers


def health_through(base_url: str):
    return lambda session: session.get(f"{base_url}/functions/v1/health", timeout=5)


def test_two_nginx_in_front_of_one_pool_are_both_answered():
    """One worker with threads for twice both nginx's idle connections: with both caches full,
    both nginx loaded at once with more clients than they keep are answered every time."""
    stack, second = start_two_nginx(threads=2 * 2 * KEEPALIVE)
    try:
        fill_keepalive_cache(stack, stack.base_url)
        fill_keepalive_cache(stack, second.base_url)
        with Load(health_through(stack.base_url), threads=2 * KEEPALIVE) as first_load, \
                Load(health_through(second.base_url), threads=2 * KEEPALIVE) as second_load:
            time.sleep(2)
        assert set(first_load.outcomes()) == {200}, first_load.outcomes()
        assert set(second_load.outcomes()) == {200}, second_load.outcomes()
        assert sum(second_load.outcomes().values()) > 100, second_load.outcomes()
    finally:
        second.stop()
        stack.stop()


def test_with_too_few_threads_the_second_nginx_waits_behind_the_firsts_idle_connections():
    """The trap the rule avoids, shown so that the test above can fail: one worker with as many
    threads as one nginx keeps idle connections. Once the first nginx's cache is full, the
    second nginx's request is not answered while those connections stay idle."""
    stack, second = start_two_nginx(threads=KEEPALIVE)
    try:
        fill_keepalive_cache(stack, stack.base_url)
        with pytest.raises(requests.ReadTimeout):
            requests.get(f"{second.base_url}/functions/v1/health", timeout=3)
    finally:
        second.stop()
        stack.stop()
