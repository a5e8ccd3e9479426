"""list_devices: who sees what, the answer's fields, bounded pages with a cursor, and the
plan of its query (an index range read, never a scan of every device)."""
from __future__ import annotations

import pytest


def device(db, user, name: str, **columns) -> str:
    values = {"user_id": user.id, "organization_id": user.organization_id, "name": name, **columns}
    names = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    return db.execute(f"INSERT INTO devices ({names}) VALUES ({marks}) RETURNING id::text",
                      tuple(values.values())).fetchone()[0]


def listing(api, token, **fields):
    response = api.enrollment("list_devices", token, **fields)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    return body


def test_a_user_sees_their_own_an_admin_the_organization_service_role_everything(api, world, db):
    org = world.org()
    admin = world.user(org, role="org_admin", name="Ada Admin")
    alice = world.user(org, name="Alice")
    bob = world.user(org, name="Bob")
    outsider = world.user(name="Eve")
    mine = device(db, alice, "Alice Laptop")
    theirs = device(db, bob, "Bob Phone", device_type="mobile")
    foreign = device(db, outsider, "Eve Box")

    own = listing(api, alice.token)
    assert own["scope"] == "user" and [d["id"] for d in own["devices"]] == [mine]
    assert own["organization_id"] == org and own["next_cursor"] is None

    organization = listing(api, admin.token)
    assert organization["scope"] == "organization" and organization["organization_id"] == org
    assert {d["id"] for d in organization["devices"]} == {mine, theirs}

    everything = listing(api, world.service_key, limit=1)
    assert everything["scope"] == "all" and everything["organization_id"] is None and [d["id"] for d in everything["devices"]] == [foreign]  # the newest
    assert foreign in {d["id"] for d in listing(api, world.service_key, organization_id=outsider.organization_id)["devices"]}


def test_an_admin_cannot_list_another_organization(api, world):
    admin = world.user(role="org_admin")
    other = world.org()
    response = api.enrollment("list_devices", admin.token, organization_id=other)
    assert response.status_code == 403 and response.json() == {"error": "Forbidden"}
    user = world.user()
    response = api.enrollment("list_devices", user.token, organization_id=user.organization_id)
    assert response.status_code == 403


def test_fields_of_a_linked_device(api, world, db, simulator):
    org = world.org()
    admin = world.user(org, role="org_admin", name="Grace Owner")
    node = simulator.add_device(hostname="grace-mbp", connected=True)
    assert api.tailscale("sync-devices", world.service_key).status_code == 200
    linked = device(db, admin, "Grace MacBook", device_type="macos", os="macOS 15", status="active",
                    trust_level="high", tailscale_device_id=node["id"], tailscale_hostname="grace-mbp")
    [answer] = [d for d in listing(api, admin.token)["devices"] if d["id"] == linked]
    assert answer["name"] == "Grace MacBook" and answer["device_type"] == "macos" and answer["os"] == "macOS 15"
    assert answer["status"] == "active" and answer["trust_level"] == "high"
    assert answer["user_id"] == admin.id and answer["owner_name"] == "Grace Owner"
    assert answer["organization_id"] == org
    assert answer["tailscale_device_id"] == node["id"] and answer["tailscale_hostname"] == "grace-mbp"
    assert answer["tailscale_ip"] == node["addresses"][0] and answer["tailscale_online"] is True
    assert answer["last_seen"].endswith("Z") and answer["link_ambiguous"] is False
    assert answer["revocation_pending"] is False
    assert set(answer) == {
        "id", "name", "device_type", "os", "status", "trust_level", "user_id", "owner_name", "organization_id",
        "last_seen", "enrolled_at", "created_at", "enrollment_expires_at", "tailscale_device_id",
        "tailscale_hostname", "tailscale_ip", "tailscale_online", "link_ambiguous", "revocation_pending"}


def test_an_ambiguous_pending_device_is_flagged(api, world, db):
    admin = world.user(role="org_admin")
    pending = device(db, admin, "Pending Device", status="pending")
    db.execute("INSERT INTO device_events (device_id, event_type, details, ip_address) "
               "VALUES (%s, 'tailscale_link_ambiguous', '{}', 'unknown')", (pending,))
    [answer] = [d for d in listing(api, admin.token)["devices"] if d["id"] == pending]
    assert answer["link_ambiguous"] is True


def test_pages_are_bounded_and_follow_the_cursor(api, world, db):
    admin = world.user(role="org_admin")
    created = [device(db, admin, f"Device {i}", created_at=f"2026-01-01T00:00:{i:02d}Z") for i in range(7)]
    seen, cursor = [], None
    while True:
        page = listing(api, admin.token, limit=3, **({"cursor": cursor} if cursor else {}))
        assert len(page["devices"]) <= 3
        seen += [d["id"] for d in page["devices"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(created))


@pytest.mark.parametrize("fields, error", [
    ({"limit": 0}, "Invalid limit: must be an integer from 1 to 200"),
    ({"limit": 201}, "Invalid limit: must be an integer from 1 to 200"),
    ({"limit": "10"}, "Invalid limit: must be an integer from 1 to 200"),
    ({"limit": 2.5}, "Invalid limit: must be an integer from 1 to 200"),
    ({"cursor": "not-a-uuid"}, "Invalid cursor"),
    ({"cursor": 5}, "Invalid cursor"),
    ({"organization_id": "x"}, "Invalid organization_id"),
])
def test_bad_paging_fields(api, world, fields, error):
    response = api.enrollment("list_devices", world.user().token, **fields)
    assert response.status_code == 400 and response.json() == {"error": error}


def test_needs_a_user_token(api, world):
    response = api.enrollment("list_devices", None)
    assert response.status_code == 401 and response.json() == {"error": "Authorization header required"}


def test_the_organization_page_reads_its_index(stack, db, world):
    """The listing's shape (scope, order, limit), planned on a table big enough that a scan would
    cost more; rolled back, so the shared stack keeps its size."""
    org = world.org()
    with db.transaction(force_rollback=True):
        plan = planned_listing(db, org)
    assert "devices_organization_listing_idx" in plan and "Sort" not in plan, plan


def planned_listing(db, org: str) -> str:
    db.execute("INSERT INTO devices (user_id, organization_id, name) "
               "SELECT gen_random_uuid(), CASE WHEN i %% 50 = 0 THEN %s::uuid ELSE gen_random_uuid() END, 'bulk ' || i "
               "FROM generate_series(1, 20000) AS i", (org,))
    db.execute("ANALYZE devices")
    return "\n".join(row[0] for row in db.execute(
        "EXPLAIN SELECT d.id FROM devices d WHERE d.organization_id = %s::uuid "
        "ORDER BY d.created_at DESC, d.id DESC LIMIT 51", (org,)).fetchall())
