"""Live device status through nginx: the monitor process LISTENs on device_status and posts
each notice to nchan's loopback publisher; subscribers on /monitor/live/<organization> are
authorized by the service (members and admins of that organization only)."""
from __future__ import annotations

import json
import queue
import threading

import requests

from conftest import wait_for


def subscribe(stack, organization: str, token: str | None) -> requests.Response:
    headers = {"Accept": "text/event-stream"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.get(f"{stack.base_url}/monitor/live/{organization}", headers=headers, stream=True, timeout=(3, 10))


def notices(response: requests.Response) -> queue.Queue:
    """The `data:` payloads of an event stream, as they arrive."""
    arrived: queue.Queue = queue.Queue()

    def read():
        try:
            for line in response.iter_lines(chunk_size=1):
                if line.startswith(b"data:"):
                    arrived.put(json.loads(line[5:]))
        except requests.RequestException:
            pass

    threading.Thread(target=read, daemon=True).start()
    return arrived


def wait_for_the_monitor_to_listen(db):
    listening = lambda: db.execute("SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN device_status'").fetchone()[0]
    assert wait_for(listening, 15), "the monitor process never listened on device_status"


def test_a_member_hears_their_organization_within_a_second(stack, api, world, db):
    wait_for_the_monitor_to_listen(db)
    org = world.org()
    admin = world.user(org, role="org_admin")
    member = world.user(org)
    device = db.execute("INSERT INTO devices (user_id, organization_id, name, status) VALUES (%s, %s, 'Live', 'active') "
                        "RETURNING id::text", (member.id, org)).fetchone()[0]
    stream = subscribe(stack, org, member.token)
    assert stream.status_code == 200 and stream.headers["Content-Type"].startswith("text/event-stream")
    arrived = notices(stream)
    try:
        assert api.enrollment("revoke_device", admin.token, device_id=device).status_code == 200
        assert arrived.get(timeout=3) == {"device_id": device, "organization_id": org, "status": "revoked"}
    finally:
        stream.close()


def test_subscriptions_are_authorized_by_the_service(stack, world):
    org = world.org()
    outsider = world.user()
    assert subscribe(stack, org, None).status_code == 401
    assert subscribe(stack, org, "not-a-jwt").status_code == 401
    assert subscribe(stack, org, outsider.token).status_code == 403
    assert subscribe(stack, org, world.user(role="org_admin").token).status_code == 403
    global_admin = world.user(role="global_admin")
    response = subscribe(stack, org, global_admin.token)
    assert response.status_code == 200
    response.close()


def test_the_publisher_and_the_authorizer_are_not_public(stack, world):
    org = world.org()
    for path in [f"/publish/{org}", "/_nexus/live-authorize"]:
        response = requests.post(f"{stack.base_url}{path}", data='{"status":"forged"}', timeout=5)
        assert response.status_code == 404, path
    response = requests.get(f"{stack.base_url}/_nexus/live-authorize", timeout=5,
                            headers={"Authorization": f"Bearer {world.service_key}"})
    assert response.status_code == 404
