"""sync-devices of a tailnet ten times larger runs the same statements (counted by
pg_stat_statements), for service_role and for an org admin, and brings every linked device of
the caller's scope up to date: its Tailscale columns and metadata, `active` <-> `offline`, one
event per change; like every sync, it first reads the key states of joining devices. No
timing here: deploy/bench/sync_devices.py measures how long it takes."""
from __future__ import annotations

import secrets
import time
from datetime import datetime

import psycopg
import pytest

from conftest import Api, SimulatorClient, World, start_stack
from deploy.bench.sync_devices import counted, enable_statement_counting, link_devices, seed_tailnet, sync

SIZES = (200, 2000)
OFFLINE_SINCE_SECONDS = 3600  # far beyond DEVICE_OFFLINE_AFTER_SECONDS (120 by default)


@pytest.fixture(scope="module")
def counted_stack(tmp_path_factory):
    """A private stack whose PostgreSQL counts every statement, with no monitor syncing behind
    the test's back."""
    stack = start_stack(tmp_path_factory.mktemp("sync-scale"), settings={"MONITOR_ENABLED": "false"})
    try:
        enable_statement_counting(stack)
        yield stack
    finally:
        stack.stop()


def expected_rows(nodes: list[dict]) -> dict[str, tuple]:
    """What a sync leaves on each node's device: (status, tailscale_online, tailscale_ip, and
    the same two in metadata). A disconnected node was last seen an hour ago: its device is offline."""
    return {node["id"]: ("active" if node["connectedToControl"] else "offline", node["connectedToControl"],
                         node["addresses"][0], node["connectedToControl"], node["addresses"][0])
            for node in nodes}


def device_rows(db, organization_id: str | None = None) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in db.execute("""
        SELECT tailscale_device_id, status, tailscale_online, tailscale_ip,
               (metadata->>'tailscale_online')::boolean, metadata->>'tailscale_ip'
        FROM devices WHERE %(org)s::uuid IS NULL OR organization_id = %(org)s::uuid""", {"org": organization_id})}


def test_a_tailnet_ten_times_larger_costs_the_same_statements(counted_stack):
    stack = counted_stack
    statement_counts: dict[str, list[int]] = {"org admin": [], "service_role": []}
    with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
        world = World(stack, db)
        service_key = world.service_key
        link_devices(db, seed_tailnet(stack, 20, "warm"))
        for _ in range(4):
            assert sync(stack, service_key).status == 200  # every worker holds a Tailscale token and a connection

        for size in SIZES:
            nodes = seed_tailnet(stack, size, f"scale{size}", last_seen=time.time() - OFFLINE_SINCE_SECONDS)
            first_org, second_org = link_devices(db, nodes, organizations=2)
            # Every other device of a connected node starts offline: the sync brings it back.
            returning = [node["id"] for node in nodes if node["connectedToControl"]][::2]
            db.execute("UPDATE devices SET status = 'offline' WHERE tailscale_device_id = ANY(%s)", (returning,))
            seeded_second = device_rows(db, second_org)
            admin = world.user(first_org, "org_admin")
            started = db.execute("SELECT now()").fetchone()[0]
            expected = expected_rows(nodes)

            call, statements = counted(db, lambda: sync(stack, admin.token))
            assert call.status == 200, call.answer
            assert call.answer["totalTailscaleDevices"] == size
            first_rows = device_rows(db, first_org)
            assert call.answer["synced"] == len(first_rows)
            assert first_rows == {node_id: expected[node_id] for node_id in first_rows}
            assert device_rows(db, second_org) == seeded_second  # not the admin's organization
            statement_counts["org admin"].append(sum(statement.calls for statement in statements))

            call, statements = counted(db, lambda: sync(stack, service_key))
            assert call.status == 200, call.answer
            assert call.answer == {"success": True, "synced": size, "totalTailscaleDevices": size}
            assert device_rows(db) == expected
            statement_counts["service_role"].append(sum(statement.calls for statement in statements))

            assert db.execute("SELECT count(*) FROM tailscale_nodes").fetchone()[0] == size
            disconnected = {node["id"]: datetime.fromisoformat(node["lastSeen"].replace("Z", "+00:00"))
                            for node in nodes if not node["connectedToControl"]}
            seen = dict(db.execute("SELECT tailscale_device_id, tailscale_last_seen FROM devices "
                                   "WHERE tailscale_device_id = ANY(%s)", (list(disconnected),)).fetchall())
            assert seen == disconnected
            stale = db.execute("SELECT count(*) FROM devices WHERE tailscale_online AND last_seen < %s",
                               (started,)).fetchone()[0]
            assert stale == 0  # an online device was seen by this sync
            events = dict(db.execute("""
                SELECT event_type, count(*) FROM device_events
                WHERE details->>'source' = 'sync-devices'
                GROUP BY event_type""").fetchall())
            assert events == {"device_online": len(returning), "device_offline": len(disconnected)}

    for caller, counts in statement_counts.items():
        assert counts[0] == counts[1], f"{caller}: {counts[0]} statements for {SIZES[0]} nodes, {counts[1]} for {SIZES[1]}"


def test_sync_devices_reads_the_joining_devices_key_states_first(counted_stack):
    """sync-devices reads the tailnet as the monitor and a polling refresh do (InventoryFetch):
    the key states of joining devices first, so a machine that joined with its device's own
    key is seen to have used it. No monitor runs on this stack: only the sync can have asked."""
    stack = counted_stack
    with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
        world = World(stack, db)
        organization = world.org()
        admin, user = world.user(organization, "org_admin"), world.user(organization, "user")
        api = Api(stack.base_url)
        created = api.enrollment("create_pending_device", admin.token, user_id=user.id).json()
        verified = api.enrollment("verify", user.token, enrollment_token=created["enrollment_token"],
                                  device_type="windows", fingerprint=secrets.token_hex(16)).json()
        simulator = SimulatorClient.of(stack)
        simulator.add_device(hostname="DESKTOP-SYNCED", os="windows", authKey=verified["tailscale_auth_key"])

        def key_seen_used() -> bool:
            return db.execute("SELECT tailscale_key_used_at IS NOT NULL FROM devices WHERE id = %s",
                              (created["device_id"],)).fetchone()[0]

        assert not key_seen_used()
        assert sync(stack, admin.token).status == 200
        assert key_seen_used()
