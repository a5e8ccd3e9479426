"""The supervisor's duties, on private stacks: respawn, recycle, request timeouts, graceful
stop, graceful reload, no orphans, crash-loop backoff."""
from __future__ import annotations

import json
import secrets
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import psycopg
import pytest
import requests

from conftest import BINARY, SimulatorClient, World, start_stack, stack_dir
from deploy.devstack.processes import alive, child_pids, process_command, stat_fields, wait_until, worker_pids
from loadgen import Load


def workers_of(stack) -> list[int]:
    return worker_pids(stack.serve.pid)


def pool_status(stack) -> dict:
    return json.loads(stack.nexus("status"))


@pytest.fixture(params=[16, 0], ids=["kept-connections", "connection-per-request"])
def fastcgi_keepalive(request) -> int:
    """Every duty holds both with nginx keeping FastCGI connections alive (the default) and
    with a connection per request."""
    return request.param


@pytest.fixture()
def private_stack(request, fastcgi_keepalive):
    settings = getattr(request, "param", {})
    instance = start_stack(settings=settings, fastcgi_keepalive=fastcgi_keepalive)
    yield instance
    instance.stop()


def health(stack):
    return lambda session: session.get(f"{stack.base_url}/functions/v1/health", timeout=10)


def test_worker_killed_with_sigkill_under_load_is_replaced(private_stack):
    stack = private_stack
    before = workers_of(stack)
    assert len(before) == 2
    with Load(health(stack), threads=4) as load:
        time.sleep(1.0)
        os.kill(before[0], signal.SIGKILL)
        wait_until(lambda: len(workers_of(stack)) == 2 and before[0] not in workers_of(stack), 10, "a replacement worker")
        recovered = time.monotonic()
        time.sleep(1.5)
    after = load.outcomes(since=recovered + 0.2)
    assert after and set(after) == {200}, after
    overall = load.outcomes()
    assert overall[200] > 100 and sum(overall.values()) - overall[200] <= 4, overall
    assert before[0] not in workers_of(stack)
    assert pool_status(stack)["crashes"] >= 1


def test_healthy_workers_killed_again_and_again_are_replaced_at_once(private_stack):
    """Kills from outside are not a crash loop: each replacement starts at once, however many
    there were, and the pool keeps answering (a crash loop's backoff would leave a slot empty
    for ever longer: 0.1, 0.2, 0.4 ... s)."""
    stack = private_stack
    killed = []
    with Load(health(stack), threads=4) as load:
        for _ in range(8):
            wait_until(lambda: len(workers_of(stack)) == 2, 10, "a full pool")
            served = lambda: [child for child in pool_status(stack)["children"]
                              if child["role"] == "worker" and child["requests"] > 0 and child["pid"] not in killed]
            wait_until(lambda: served(), 10, "a worker that served requests")
            victim = served()[0]["pid"]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        wait_until(lambda: len(workers_of(stack)) == 2, 10, "a full pool")
    log = stack.read_log()
    lines = [line for line in log.splitlines() if "killed by signal 9" in line]
    assert len(lines) == len(killed), lines
    assert all("respawning at once" in line for line in lines), lines
    outcomes = load.outcomes()
    assert outcomes[200] > 100 and sum(outcomes.values()) - outcomes[200] <= 2 * len(killed), outcomes


@pytest.mark.parametrize("private_stack", [{"DB_STATEMENT_TIMEOUT_MS": "30000"}], indirect=True)
def test_sigterm_lets_an_in_flight_request_finish(private_stack):
    stack = private_stack
    world = World(stack, psycopg.connect(stack.postgres.url(), autocommit=True))
    user = world.user()
    blocker = psycopg.connect(stack.postgres.url())
    blocker.execute("LOCK TABLE devices IN ACCESS EXCLUSIVE MODE")  # the request's enroll statement waits
    answer: dict = {}

    def call():
        answer["response"] = requests.post(f"{stack.base_url}/functions/v1/device-enrollment",
                                           json={"action": "enroll", "fingerprint": "in-flight"},
                                           headers={"Authorization": f"Bearer {user.token}"}, timeout=30)

    workers = workers_of(stack)
    client = threading.Thread(target=call)
    client.start()
    wait_until(lambda: any(child["state"] == "busy" for child in pool_status(stack)["children"]), 10, "a busy worker")
    stack.serve.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    assert stack.serve.poll() is None, "the supervisor left before its in-flight request finished"
    blocker.rollback()
    client.join(timeout=20)
    assert answer["response"].status_code == 200
    assert answer["response"].json()["message"] == "Device enrolled successfully"
    assert stack.serve.wait(timeout=15) == 0
    assert not any(alive(pid) for pid in workers)


def test_supervisor_killed_with_sigkill_leaves_no_orphans(private_stack):
    stack = private_stack
    workers = workers_of(stack)
    assert len(workers) == 2
    stack.serve.send_signal(signal.SIGKILL)
    stack.serve.wait(timeout=5)
    wait_until(lambda: not any(alive(pid) for pid in workers), 5, "orphaned workers to exit")


def test_sighup_reloads_settings_without_refusing_a_request(private_stack):
    stack = private_stack
    before = set(workers_of(stack))
    stack.env_file.write_text(stack.env_file.read_text().replace("WORKERS=2", "WORKERS=3"))
    with Load(health(stack), threads=4) as load:
        time.sleep(0.8)
        stack.serve.send_signal(signal.SIGHUP)
        wait_until(lambda: len(workers_of(stack)) == 3 and not (set(workers_of(stack)) & before), 20,
                   "the new generation to take over")
        time.sleep(0.8)
    outcomes = load.outcomes()
    assert set(outcomes) == {200}, outcomes
    assert outcomes[200] > 100
    status = pool_status(stack)
    assert status["generation"] == 1 and status["reloads"] == 1


def test_bad_settings_on_reload_keep_the_running_pool(private_stack):
    stack = private_stack
    before = set(workers_of(stack))
    stack.env_file.write_text(stack.env_file.read_text() + "WORKERS=many\n")
    stack.serve.send_signal(signal.SIGHUP)
    time.sleep(1.5)
    assert set(workers_of(stack)) == before
    assert requests.get(f"{stack.base_url}/functions/v1/health", timeout=5).status_code == 200
    assert "reload refused" in stack.read_log()


@pytest.mark.parametrize("private_stack", [{"WORKER_MAX_REQUESTS": "5"}], indirect=True)
def test_workers_are_recycled_after_max_requests(private_stack):
    stack = private_stack
    first = set(workers_of(stack))
    session = requests.Session()
    statuses = [session.get(f"{stack.base_url}/functions/v1/health", timeout=5).status_code for _ in range(60)]
    assert set(statuses) == {200}
    wait_until(lambda: len(workers_of(stack)) == 2, 5, "the pool to be full again")
    assert not (set(workers_of(stack)) & first)
    # The status file is rewritten once a second.
    wait_until(lambda: pool_status(stack)["spawned"] >= 2 + 60 // 5 - 2, 5, "the recycled workers in the status")
    assert pool_status(stack)["crashes"] == 0


def test_new_connections_are_shared_by_the_workers():
    """A new connection goes to the thread idle longest, of whichever worker. With the idle
    threads woken in the order they were first registered, the worker started first took nearly
    every connection (95 % of the requests under load), its database pool carrying them all.
    A connection per request makes every request a new connection; a kept connection stays with
    the thread that took it."""
    stack = start_stack(fastcgi_keepalive=0)
    try:
        with Load(health(stack), threads=4):
            time.sleep(3)
        by_worker = lambda: [child["requests"] for child in pool_status(stack)["children"] if child["role"] == "worker"]
        wait_until(lambda: sum(by_worker()) > 200, 5, "the served requests in the status file")
        served = by_worker()
        assert len(served) == 2 and min(served) >= 0.3 * sum(served), served
    finally:
        stack.stop()


@pytest.mark.parametrize("private_stack", [{"REQUEST_TIMEOUT_SECONDS": "2", "DB_STATEMENT_TIMEOUT_MS": "60000"}], indirect=True)
def test_a_worker_stuck_in_one_request_is_killed_and_replaced(private_stack):
    stack = private_stack
    world = World(stack, psycopg.connect(stack.postgres.url(), autocommit=True))
    user = world.user()
    blocker = psycopg.connect(stack.postgres.url())
    blocker.execute("LOCK TABLE devices IN ACCESS EXCLUSIVE MODE")
    started = time.monotonic()
    response = requests.post(f"{stack.base_url}/functions/v1/device-enrollment", json={"action": "enroll", "fingerprint": "stuck"},
                             headers={"Authorization": f"Bearer {user.token}"}, timeout=30)
    elapsed = time.monotonic() - started
    blocker.rollback()
    assert 1.5 <= elapsed < 6, elapsed
    assert response.status_code == 503
    assert response.json() == {"error": "Service temporarily unavailable"}
    wait_until(lambda: pool_status(stack)["killed_for_timeout"] == 1 and len(workers_of(stack)) == 2, 5, "a replacement")
    again = requests.post(f"{stack.base_url}/functions/v1/device-enrollment", json={"action": "enroll", "fingerprint": "after"},
                          headers={"Authorization": f"Bearer {user.token}"}, timeout=10)
    assert again.status_code == 200 and again.json()["status"] == "active"


def test_a_stuck_thread_is_killed_only_after_its_neighbours_finish(fastcgi_keepalive):
    """One process of four threads: a request stuck past the limit gets the process killed, but
    a slower request on another thread, in flight when the limit passed, still finishes, and
    the process answers other requests meanwhile."""
    stack = start_stack(workers=1, fastcgi_keepalive=fastcgi_keepalive, settings={
        "WORKER_THREADS": "4", "REQUEST_TIMEOUT_SECONDS": "2", "DB_STATEMENT_TIMEOUT_MS": "60000",
        "TAILSCALE_REQUEST_TIMEOUT_MS": "5000", "MONITOR_ENABLED": "false"})
    try:
        world = World(stack, psycopg.connect(stack.postgres.url(), autocommit=True))
        user = world.user()
        organization = stack.nexus("org", "create", "--name", "Threads Org")
        admin = stack.token(stack.nexus("user", "create", "--org", organization, "--role", "org_admin", "--name", "Admin"))
        url = f"{stack.base_url}/functions/v1"
        slow_call = lambda: requests.post(f"{url}/tailscale-api", json={"action": "list-devices"},
                                          headers={"Authorization": f"Bearer {admin}"}, timeout=30)
        assert slow_call().status_code == 200  # the OAuth token is cached from here on
        answers: dict = {}

        def remember(name, call):
            response = call()
            answers[name] = (response, time.monotonic())

        blocker = psycopg.connect(stack.postgres.url())
        blocker.execute("LOCK TABLE device_events IN EXCLUSIVE MODE")  # enroll writes an event; list-devices does not
        stuck = threading.Thread(target=remember, args=("stuck", lambda: requests.post(
            f"{url}/device-enrollment", json={"action": "enroll", "fingerprint": "stuck"},
            headers={"Authorization": f"Bearer {user.token}"}, timeout=30)))
        stuck.start()
        wait_until(lambda: any(thread["busy_seconds"] for child in pool_status(stack)["children"]
                               for thread in child.get("threads", [])), 5, "a busy thread")
        started = time.monotonic()
        assert requests.get(f"{url}/health", timeout=5).status_code == 200
        assert time.monotonic() - started < 1, "a stuck thread held up its process's other threads"
        time.sleep(0.7)
        # In flight when the stuck request passes the limit, and within the limit itself.
        SimulatorClient.of(stack).fault("slow", count=1, delayMs=1600)
        slow = threading.Thread(target=remember, args=("slow", slow_call))
        slow.start()
        stuck.join(timeout=20)
        slow.join(timeout=20)
        blocker.rollback()
        assert answers["slow"][0].status_code == 200, "an in-flight neighbour of the stuck request was lost"
        assert answers["stuck"][0].status_code == 503
        assert answers["stuck"][1] > answers["slow"][1], "the process was killed before its neighbour finished"
        wait_until(lambda: pool_status(stack)["killed_for_timeout"] == 1 and len(workers_of(stack)) == 1, 5, "a replacement")
        assert requests.get(f"{url}/health", timeout=5).status_code == 200
    finally:
        stack.stop()


def test_a_crash_loop_backs_off():
    """Workers that cannot start (their JWKS URL is unreachable) are respawned ever more slowly."""
    state = stack_dir()
    env = state / "crash.env"
    socket_path = state / "fcgi.sock"
    status_path = state / "status.json"
    env.write_text("\n".join([
        "DATABASE_URL=postgresql://postgres@127.0.0.1:1/none",
        "JWT_SECRET=" + secrets.token_urlsafe(32),
        "JWT_JWKS_URL=http://127.0.0.1:1/jwks.json",
        "SECRETS_ENCRYPTION_KEY=" + secrets.token_hex(32),
        f"FCGI_LISTEN=unix:{socket_path}",
        "WORKERS=2", "MONITOR_ENABLED=false", f"STATUS_FILE={status_path}", "",
    ]))
    serve = subprocess.Popen([str(BINARY), "serve", "--env-file", str(env)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(6)
        status = json.loads(status_path.read_text())
        # Without backoff two slots would spawn hundreds of times in 6 s; with it, about a dozen.
        assert 4 <= status["spawned"] <= 30, status
        assert status["crashes"] >= 4
        cpu_ticks = sum(int(field) for field in stat_fields(serve.pid)[11:13])
        assert cpu_ticks < 100, f"the supervisor burnt {cpu_ticks} ticks in a crash loop"
    finally:
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=10) == 0
    assert not socket_path.exists(), "the socket file was not removed on stop"
    log = serve.stderr.read().decode()
    assert "(backoff)" in log and "respawning at once" not in log, log[-2000:]


def test_children_start_with_the_library_defaults(stack):
    """Every child of the supervisor is told two things at start (ServeCommand.libraryDefaults):
    GnuTLS, which comes in with libpq's and libcurl's LDAP and RTMP dependencies and is never
    used, skips its initialization on load (about 0.85 MiB of VmRSS each), and glibc keeps no
    per-thread cache of freed blocks (about 1.2 MiB of a busy worker with 32 threads) and shares
    4 malloc arenas among the request threads (about 0.5 MiB)."""
    children = child_pids(stack.serve.pid)
    assert {"worker", "monitor"} <= {process_command(pid)[1] for pid in children}
    for pid in children:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
        assert b"GNUTLS_NO_IMPLICIT_INIT=1" in raw.split(b"\0"), process_command(pid)
        # glibc parses GLIBC_TUNABLES in place as the process starts, writing a NUL over each
        # ':' between tunables: that NUL is what shows that both were read.
        assert b"\0GLIBC_TUNABLES=glibc.malloc.tcache_count=0\0glibc.malloc.arena_max=4\0" in raw, process_command(pid)


def test_an_operators_own_library_settings_reach_the_children_unchanged(stack):
    """An operator who sets GLIBC_TUNABLES sets all of it: the children get that value alone,
    and the default they would get without it is not added."""
    state = stack_dir()
    socket_path, status_path = state / "fcgi.sock", state / "status.json"
    ours = {"FCGI_LISTEN": f"unix:{socket_path}", "STATUS_FILE": str(status_path), "WORKERS": "1", "MONITOR_ENABLED": "false"}
    lines = [line for line in stack.env_file.read_text().splitlines() if line.split("=", 1)[0] not in ours]
    env = state / "operator.env"
    env.write_text("\n".join(lines + [f"{name}={value}" for name, value in ours.items()]) + "\n")
    env.chmod(0o600)
    serve = subprocess.Popen([str(BINARY), "serve", "--env-file", str(env)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "GLIBC_TUNABLES": "glibc.malloc.arena_max=1"})
    try:
        wait_until(lambda: worker_pids(serve.pid), 15, "the worker")
        worker = worker_pids(serve.pid)[0]
        environment = Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")
        assert [entry for entry in environment if entry.startswith(b"GLIBC_TUNABLES=")] == [b"GLIBC_TUNABLES=glibc.malloc.arena_max=1"]
        assert b"GNUTLS_NO_IMPLICIT_INIT=1" in environment
    finally:
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=15) == 0
