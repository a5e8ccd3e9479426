"""revoke_device: the status change, its events and its notice in one transaction; the node
and the minted key removed from the (simulated) tailnet; retried by the monitor while
Tailscale is down; and never undone by silent enrollment, linking or the monitor."""
from __future__ import annotations

import json

import psycopg
import requests

from conftest import SimulatorClient, World, start_stack, wait_for


def pending_device_with_node(api, world, db, simulator, org: str, admin) -> tuple[str, dict, dict]:
    """A device with a single-use key minted for it, linked to a node. The key is minted through
    generate-auth-key and its id kept in devices.tailscale_key_id, as create_pending_device does."""
    user = world.user(org)
    response = api.tailscale("generate-auth-key", admin.token)
    assert response.status_code == 200, response.text
    key = next(k for k in simulator.keys()["keys"] if k["key"] == response.json()["authKey"])
    node = simulator.add_device(hostname="doomed-laptop", connected=True)
    device_id = db.execute(
        "INSERT INTO devices (user_id, organization_id, name, status, trust_level, tailscale_device_id, "
        "tailscale_hostname, tailscale_key_id, tailscale_auth_key, enrollment_token_hash, metadata) "
        "VALUES (%s, %s, 'Doomed Laptop', 'active', 'high', %s, 'doomed-laptop', %s, 'enc:v1:sealed', 'hash', "
        "'{\"tailscale_auth_key\": \"tskey-auth-old\", \"tailscale_group\": \"sap\"}') RETURNING id::text",
        (user.id, org, node["id"], key["id"])).fetchone()[0]
    return device_id, node, key


def events(db, device_id: str) -> list[tuple[str, dict]]:
    return db.execute("SELECT event_type, details FROM device_events WHERE device_id = %s ORDER BY created_at, id",
                      (device_id,)).fetchall()


def test_revocation_done_completely(api, world, db, simulator, stack):
    org = world.org()
    admin = world.user(org, role="org_admin")
    device_id, node, key = pending_device_with_node(api, world, db, simulator, org, admin)
    with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as listener:
        listener.execute("LISTEN device_status")
        response = api.enrollment("revoke_device", admin.token, device_id=device_id)
        assert response.status_code == 200, response.text
        assert response.json() == {"success": True, "device_id": device_id, "status": "revoked", "upstream": "completed"}
        notices = [json.loads(n.payload) for n in listener.notifies(timeout=2, stop_after=1)]
    assert notices == [{"device_id": device_id, "organization_id": org, "status": "revoked"}]

    row = db.execute("SELECT status, tailscale_auth_key, enrollment_token, enrollment_token_hash, metadata "
                     "FROM devices WHERE id = %s", (device_id,)).fetchone()
    assert row[:4] == ("revoked", None, None, None)
    assert row[4]["revoked_by"] == admin.id and "tailscale_auth_key" not in row[4]
    assert row[4]["tailscale_group"] == "sap"  # merged, not replaced
    assert node["id"] not in [d["id"] for d in simulator.devices()]
    assert next(k for k in simulator.keys()["keys"] if k["id"] == key["id"])["revoked"] is True

    history = events(db, device_id)
    assert [e for e, _ in history][-2:] == ["device_revoked", "revocation_upstream_completed"]
    assert history[-2][1] == {"revoked_by": admin.id, "previous_status": "active",
                              "tailscale_device_id": node["id"], "minted_key": True}
    assert history[-1][1] == {"attempt": 1, "source": "revoke_device", "node_removed": True, "key_revoked": True}
    audit = db.execute("SELECT organization_id::text, user_id::text, details FROM audit_logs "
                       "WHERE event = 'device_revoked' AND details->>'device_id' = %s", (device_id,)).fetchall()
    assert audit == [(org, admin.id, {"device_id": device_id, "device_name": "Doomed Laptop",
                                      "target_user_id": audit[0][2]["target_user_id"]})]

    again = api.enrollment("revoke_device", admin.token, device_id=device_id)
    assert again.json() == response.json()
    assert len(events(db, device_id)) == len(history)


def test_who_may_revoke(api, world, db):
    org = world.org()
    owner = world.user(org)
    device_id = db.execute("INSERT INTO devices (user_id, organization_id, name, status) "
                           "VALUES (%s, %s, 'Mine', 'active') RETURNING id::text", (owner.id, org)).fetchone()[0]
    response = api.enrollment("revoke_device", owner.token, device_id=device_id)
    assert (response.status_code, response.json()) == (403, {"error": "Forbidden"})
    stranger = world.user(role="org_admin")
    response = api.enrollment("revoke_device", stranger.token, device_id=device_id)
    assert (response.status_code, response.json()) == (404, {"error": "Device not found"})
    admin = world.user(org, role="org_admin")
    for fields in [{"device_id": "00000000-0000-4000-8000-000000000000"}, {"device_id": "nope"}, {"device_id": 5}]:
        response = api.enrollment("revoke_device", admin.token, **fields)
        assert (response.status_code, response.json()) == (404, {"error": "Device not found"})
    response = api.enrollment("revoke_device", admin.token)
    assert (response.status_code, response.json()) == (400, {"error": "Device ID required"})
    assert db.execute("SELECT status FROM devices WHERE id = %s", (device_id,)).fetchone()[0] == "active"
    # A service key may revoke any device.
    response = api.enrollment("revoke_device", world.service_key, device_id=device_id)
    assert response.status_code == 200 and response.json()["upstream"] == "completed"  # nothing upstream to do


def test_tailscale_down_the_monitor_retries_until_done(api, world, db, simulator):
    org = world.org()
    admin = world.user(org, role="org_admin")
    device_id, node, key = pending_device_with_node(api, world, db, simulator, org, admin)
    simulator.fault("500", count=1000, paths="/api/v2/device/")
    response = api.enrollment("revoke_device", admin.token, device_id=device_id)
    assert response.status_code == 200
    assert response.json()["upstream"] == "pending" and response.json()["status"] == "revoked"
    [failed] = [d for e, d in events(db, device_id) if e == "revocation_upstream_failed"][:1]
    assert failed == {"attempt": 1, "source": "revoke_device", "error": "Tailscale unavailable", "will_retry": True}
    listed = api.enrollment("list_devices", admin.token).json()["devices"]
    assert [d["revocation_pending"] for d in listed if d["id"] == device_id] == [True]

    simulator.fault("clear")
    completed = lambda: [d for e, d in events(db, device_id) if e == "revocation_upstream_completed"]
    assert wait_for(completed, 20), "the monitor never retried the revocation"
    done = completed()
    assert done[0]["source"] == "monitor" and done[0]["attempt"] >= 2 and done[0]["node_removed"] is True
    assert node["id"] not in [d["id"] for d in simulator.devices()]
    assert next(k for k in simulator.keys()["keys"] if k["id"] == key["id"])["revoked"] is True
    listed = api.enrollment("list_devices", admin.token).json()["devices"]
    assert [d["revocation_pending"] for d in listed if d["id"] == device_id] == [False]


def test_nothing_brings_a_revoked_device_back(api, world, db, simulator):
    org = world.org()
    admin = world.user(org, role="org_admin")
    user = world.user(org)
    enrolled = api.enrollment("enroll", user.token, fingerprint="revoked-laptop-1", device_name="Revoked Laptop").json()
    device_id = enrolled["device_id"]
    assert api.enrollment("revoke_device", admin.token, device_id=device_id).json()["status"] == "revoked"

    again = api.enrollment("enroll", user.token, fingerprint="revoked-laptop-1")
    assert again.json()["status"] == "revoked"
    # A connected node with the device's hostname, linked after the revocation: the monitor's
    # rounds (every 2 s here) and the status poll keep the device revoked.
    node = simulator.add_device(hostname="revoked-laptop", connected=True)
    db.execute("UPDATE devices SET tailscale_device_id = %s, tailscale_hostname = 'revoked-laptop' WHERE id = %s",
               (node["id"], device_id))
    polled = api.enrollment("check_tailscale_status", user.token, device_id=device_id).json()
    assert polled["status"] == "revoked" and polled["tailscale_connected"] is False
    assert wait_for(lambda: db.execute("SELECT tailscale_online FROM devices WHERE id = %s",
                                       (device_id,)).fetchone()[0], 15), "no monitor round saw the node"
    assert db.execute("SELECT status FROM devices WHERE id = %s", (device_id,)).fetchone()[0] == "revoked"


def test_the_operator_may_expire_the_node_instead_of_removing_it(tmp_path):
    stack = start_stack(tmp_path, settings={"REVOCATION_NODE_ACTION": "expire"})
    try:
        with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
            world = World(stack, db)
            org = world.org()
            admin = world.user(org, role="org_admin")
            simulator = SimulatorClient.of(stack)
            sim = simulator.add_device(hostname="kept-box", tags=["tag:prod"])
            assert sim["keyExpiryDisabled"] is True
            device_id = db.execute("INSERT INTO devices (user_id, organization_id, name, status, tailscale_device_id) "
                                   "VALUES (%s, %s, 'Kept Box', 'active', %s) RETURNING id::text",
                                   (admin.id, org, sim["id"])).fetchone()[0]
            response = requests.post(f"{stack.base_url}/functions/v1/device-enrollment", timeout=10,
                                     json={"action": "revoke_device", "device_id": device_id},
                                     headers={"Authorization": f"Bearer {admin.token}"})
            assert response.json()["upstream"] == "completed"
            [node] = [d for d in simulator.devices() if d["id"] == sim["id"]]
            assert node["connectedToControl"] is False and node["keyExpiryDisabled"] is False
            assert node["expires"] != "0001-01-01T00:00:00Z"
            [done] = [d for e, d in events(db, device_id) if e == "revocation_upstream_completed"]
            assert done == {"attempt": 1, "source": "revoke_device", "node_key_expired": True, "key_revoked": False}
            assert db.execute("SELECT node_action FROM device_revocations WHERE device_id = %s",
                              (device_id,)).fetchone()[0] == "expire"
    finally:
        stack.stop()
