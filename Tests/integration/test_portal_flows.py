"""The portal's enrollment flows, driven end to end with the official Supabase Python client
through nginx, exactly as the portal calls the functions."""
from __future__ import annotations

import pytest
from supabase import create_client
from supabase_functions.errors import FunctionsHttpError

from test_device_enrollment_support import PENDING_MESSAGE, client_ip, fingerprint


@pytest.fixture()
def portal(stack, world):
    return create_client(stack.base_url, world.anon_key)


def invoke(portal, user, body, ip=None):
    headers = {"Authorization": f"Bearer {user.token}"}
    if ip:
        headers["X-Forwarded-For"] = ip
    return portal.functions.invoke("device-enrollment", invoke_options={"body": body, "headers": headers,
                                                                       "responseType": "json"})


def test_admin_creates_a_pending_device_and_the_user_redeems_it(portal, world, simulator):
    organization = world.org("Acme Vault")
    admin, user = world.user(organization, "org_admin"), world.user(organization, "user")
    created = invoke(portal, admin, {"action": "create_pending_device", "user_id": user.id,
                                     "device_name": "Ana's laptop", "device_type": "laptop"})
    assert created["success"] is True and created["message"] == PENDING_MESSAGE

    new_device = {"action": "verify", "enrollment_token": created["enrollment_token"],
                  "fingerprint": fingerprint(), "device_type": "macos", "os": "macOS 15"}
    ip = client_ip()
    joined = invoke(portal, user, new_device, ip)
    [minted] = simulator.keys()["keys"]
    assert joined == {"success": True, "device_id": created["device_id"], "device_name": "Ana's laptop",
                      "organization_name": "Acme Vault", "tailscale_auth_key": minted["key"],
                      "tailscale_tags": ["tag:prod"], "tailscale_group": "sap", "expires_at": created["expires_at"]}
    # The page reloads: the same answer again.
    assert invoke(portal, user, new_device, ip) == joined


def test_user_generates_a_token(portal, world, simulator):
    user = world.user(world.org(), "user")
    answer = invoke(portal, user, {"action": "generate_token", "device_name": "Phone", "device_type": "mobile"})
    assert answer["success"] is True and answer["has_tailscale_key"] is True
    assert set(answer) == {"success", "enrollment_token", "device_id", "expires_at", "has_tailscale_key"}


def test_silent_enrollment_twice(portal, world):
    user = world.user(world.org(), "user")
    body = {"action": "enroll", "fingerprint": fingerprint(), "device_name": "Workstation", "os": "Windows 11"}
    first = invoke(portal, user, body)
    assert first["status"] == "active" and first["message"] == "Device enrolled successfully"
    second = invoke(portal, user, body)
    assert second == {**first, "message": "Device already enrolled"}


def test_errors_reach_the_client_as_the_portal_reads_them(portal, world):
    user = world.user(world.org(), "user")
    with pytest.raises(FunctionsHttpError) as failure:
        invoke(portal, user, {"action": "verify", "enrollment_token": "not-a-token"}, client_ip())
    assert failure.value.status == 400
    assert failure.value.message == "Token inválido o expirado. Contacta a tu administrador."
    with pytest.raises(FunctionsHttpError) as failure:
        invoke(portal, user, {"action": "create_pending_device", "user_id": user.id})
    assert (failure.value.status, failure.value.message) == (403, "Forbidden")
