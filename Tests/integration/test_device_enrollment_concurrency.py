"""device-enrollment under concurrency and repeated failures: one device per fingerprint, one
binding per token, and failed verifications limited per user and per client address."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from test_device_enrollment_support import (INVALID_TOKEN, client_ip, create_pending, device, device_events,
                                            fingerprint, verify)


def in_parallel(count: int, call):
    """Runs call(i) for i in range(count) at once, each on its own HTTP connection."""
    def run(index):
        with requests.Session() as session:
            return call(session, index)
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def post(session, stack, token, body, ip=None):
    headers = {"Authorization": f"Bearer {token}"}
    if ip:
        headers["X-Forwarded-For"] = ip
    return session.post(f"{stack.base_url}/functions/v1/device-enrollment", json=body, headers=headers, timeout=30)


def test_50_parallel_enrolls_of_one_fingerprint_create_one_device(stack, db, world):
    user = world.user(world.org())
    fp = fingerprint()
    responses = in_parallel(50, lambda session, _: post(session, stack, user.token, {"action": "enroll", "fingerprint": fp}))
    assert [response.status_code for response in responses] == [200] * 50
    assert len({response.json()["device_id"] for response in responses}) == 1
    messages = sorted(response.json()["message"] for response in responses)
    assert messages == ["Device already enrolled"] * 49 + ["Device enrolled successfully"]
    [[count]] = db.execute("SELECT count(*) FROM devices WHERE fingerprint = %s", (fp,)).fetchall()
    assert count == 1
    assert [event[0] for event in device_events(db, responses[0].json()["device_id"])] == ["enrolled"]


def test_parallel_enrolls_of_one_fingerprint_by_two_users(stack, db, world):
    users = [world.user(world.org()), world.user(world.org())]
    fp = fingerprint()
    responses = in_parallel(40, lambda session, i: post(session, stack, users[i % 2].token,
                                                         {"action": "enroll", "fingerprint": fp}))
    [[owner]] = db.execute("SELECT user_id::text FROM devices WHERE fingerprint = %s", (fp,)).fetchall()
    for index, response in enumerate(responses):
        if users[index % 2].id == owner:
            assert response.status_code == 200
        else:
            assert (response.status_code, response.json()) == (409, {"error": "Fingerprint already registered"})


def test_20_parallel_verifies_from_two_fingerprints_bind_one(stack, api, db, world, simulator):
    organization = world.org()
    admin, user = world.user(organization, "org_admin"), world.user(organization, "user")
    body = create_pending(api, admin, user).json()
    fingerprints = [fingerprint(), fingerprint()]
    ip = client_ip()
    responses = in_parallel(20, lambda session, i: post(
        session, stack, user.token,
        {"action": "verify", "enrollment_token": body["enrollment_token"], "fingerprint": fingerprints[i % 2]}, ip))
    bound = device(db, body["device_id"])["fingerprint"]
    assert bound in fingerprints
    for index, response in enumerate(responses):
        if fingerprints[index % 2] == bound:
            assert response.status_code == 200, response.text
        else:
            # Holding the real token guesses nothing: these do not count against the rate limit.
            assert (response.status_code, response.json()) == (400, {"error": INVALID_TOKEN})
    assert [event[0] for event in device_events(db, body["device_id"])].count("token_validated") == 1


def test_failed_verifications_are_limited_per_user(api, world):
    """The default limit: 10 failures per 15 minutes; then even the right token waits."""
    organization = world.org()
    admin, user = world.user(organization, "org_admin"), world.user(organization, "user")
    token = create_pending(api, admin, user, tailscale_auth_key="tskey-auth-x").json()["enrollment_token"]
    for _ in range(10):
        response = verify(api, user.token, "wrong-token", client_ip())
        assert (response.status_code, response.json()) == (400, {"error": INVALID_TOKEN})
    response = verify(api, user.token, token, client_ip(), fingerprint=fingerprint())
    assert (response.status_code, response.json()) == (429, {"error": "Too many requests"})
    assert 1 <= int(response.headers["Retry-After"]) <= 900
    # Another user is not affected.
    other = world.user(organization, "user")
    assert verify(api, other.token, "wrong-token", client_ip()).status_code == 400


def test_failed_verifications_are_limited_per_client_address(api, db, world):
    ip = client_ip()
    for _ in range(10):
        assert verify(api, world.user(world.org()).token, "wrong-token", ip).status_code == 400
    response = verify(api, world.user(world.org()).token, "wrong-token", ip)
    assert (response.status_code, response.json()) == (429, {"error": "Too many requests"})
    assert int(response.headers["Retry-After"]) >= 1
    # The counters live in PostgreSQL, shared by every worker and host.
    [[hits]] = db.execute("SELECT hits FROM rate_limits WHERE bucket = %s", (f"verify-failure:ip:{ip}",)).fetchall()
    assert hits == 10


def test_holding_the_real_token_does_not_count_as_guessing(api, db, world):
    organization = world.org()
    admin, user = world.user(organization, "org_admin"), world.user(organization, "user")
    body = create_pending(api, admin, user, tailscale_auth_key="tskey-auth-x").json()
    ip, fp = client_ip(), fingerprint()
    assert verify(api, user.token, body["enrollment_token"], ip, fingerprint=fp).status_code == 200
    for _ in range(12):
        response = verify(api, user.token, body["enrollment_token"], ip, fingerprint=fingerprint())
        assert (response.status_code, response.json()) == (400, {"error": INVALID_TOKEN})
    assert verify(api, user.token, body["enrollment_token"], ip, fingerprint=fp).status_code == 200
