"""The device monitor: offline after the limit, back online, events and pg_notify, one leader
among several monitors and failover after SIGKILL. Private stacks with short settings."""
from __future__ import annotations

import json
import signal
import subprocess
import time

import psycopg
import pytest

from conftest import BINARY, REPO, SimulatorClient, start_stack

FAST = {"MONITOR_INTERVAL_SECONDS": "1", "DEVICE_OFFLINE_AFTER_SECONDS": "3", "INVENTORY_MAX_AGE_SECONDS": "1"}


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def linked_active_device(db, hostname: str, node_id: str) -> tuple[str, str]:
    organization = db.execute("INSERT INTO organizations (name) VALUES ('Monitor Org') RETURNING id::text").fetchone()[0]
    device = db.execute(
        "INSERT INTO devices (user_id, organization_id, name, status, trust_level, tailscale_device_id, tailscale_hostname) "
        "VALUES (gen_random_uuid(), %s, %s, 'active', 'high', %s, %s) RETURNING id::text",
        (organization, hostname, node_id, hostname)).fetchone()[0]
    return organization, device


@pytest.fixture()
def fast_stack(tmp_path):
    stack = start_stack(tmp_path, settings=FAST)
    yield stack
    stack.stop()


def test_offline_after_the_limit_and_back_online(fast_stack):
    stack = fast_stack
    simulator = SimulatorClient.of(stack)
    node = simulator.add_device(hostname="watched", connected=True)
    with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db, \
            psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as listener:
        organization, device = linked_active_device(db, "watched", node["id"])
        listener.execute("LISTEN device_status")
        status = lambda: db.execute("SELECT status FROM devices WHERE id = %s", (device,)).fetchone()[0]

        time.sleep(2)
        assert status() == "active"  # connected: never offline
        disconnected_at = time.monotonic()
        simulator.disconnect(node["id"])
        wait_for(lambda: status() == "offline", 10, "the device to go offline")
        # Not before the limit (3 s) after the lastSeen the API reports, which is in whole
        # seconds (as Tailscale's is): up to 1 s before the disconnect itself.
        assert time.monotonic() - disconnected_at >= 2.0

        simulator.connect(node["id"])
        wait_for(lambda: status() == "active", 5, "the device to come back")

        events = db.execute("SELECT event_type, ip_address FROM device_events WHERE device_id = %s ORDER BY created_at",
                            (device,)).fetchall()
        assert events == [("device_offline", "unknown"), ("device_online", "unknown")]
        notes = [json.loads(n.payload) for n in listener.notifies(timeout=1, stop_after=2)]
        assert notes == [{"device_id": device, "organization_id": organization, "status": "offline"},
                         {"device_id": device, "organization_id": organization, "status": "active"}]


def start_monitor(stack, log_path):
    log = open(log_path, "ab")
    return subprocess.Popen([str(BINARY), "monitor", "--env-file", str(stack.env_file)], cwd=str(REPO),
                            stdout=log, stderr=subprocess.STDOUT)


def leads(log_path) -> bool:
    return "monitor leads" in log_path.read_text(errors="replace") if log_path.exists() else False


def test_one_leader_and_failover_after_sigkill(tmp_path):
    stack = start_stack(tmp_path, settings={**FAST, "MONITOR_ENABLED": "false", "MONITOR_INTERVAL_SECONDS": "2"})
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = second = None
    try:
        first = start_monitor(stack, first_log)
        wait_for(lambda: leads(first_log), 10, "the first monitor to lead")
        second = start_monitor(stack, second_log)
        wait_for(lambda: "monitor follows" in second_log.read_text(errors="replace"), 10, "the second to follow")

        # Exactly one works: one device list per interval, not two.
        simulator = SimulatorClient.of(stack)
        simulator.reset()
        time.sleep(6.5)
        lists = simulator.stats()["device_list"]
        assert 2 <= lists <= 5  # one per 2 s, plus the renewals the reset forced
        assert not leads(second_log)

        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
        wait_for(lambda: leads(second_log), 6, "the second monitor to take over")
        assert time.monotonic() - killed_at <= 2 + 1.5  # within one interval (and a little scheduling)
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.terminate()
                process.wait(10)
        stack.stop()


def test_serve_runs_the_monitor_unless_disabled(fast_stack):
    wait_for(lambda: '"component":"monitor","pid"' in fast_stack.read_log() and "monitor leads" in fast_stack.read_log(),
             10, "serve's monitor to lead")
    disabled = start_stack(settings={**FAST, "MONITOR_ENABLED": "false"})
    try:
        # Several intervals: a monitor would have logged its leadership by now, and none runs.
        time.sleep(3)
        serve = disabled.serve.pid
        children = subprocess.run(["ps", "-o", "args=", "--ppid", str(serve)], capture_output=True, text=True).stdout
        assert " worker " in children and " monitor " not in children, children
        assert '"component":"monitor"' not in disabled.read_log()
    finally:
        disabled.stop()
