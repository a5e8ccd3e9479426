"""device-enrollment against hostile input: wrong JSON types, huge strings, control characters,
invalid UTF-8, SQL fragments and tokens that are not UUIDs."""
from __future__ import annotations

import uuid

import pytest

from test_device_enrollment_support import (INVALID_DEVICE_NAME, INVALID_DEVICE_TYPE, INVALID_FINGERPRINT, INVALID_OS,
                                            INVALID_TOKEN, client_ip, device, table_snapshot, unseal)

ACTIONS = ["create_pending_device", "generate_token", "enroll", "verify"]
FIELD_ERRORS = {"device_name": INVALID_DEVICE_NAME, "device_type": INVALID_DEVICE_TYPE, "os": INVALID_OS,
                "fingerprint": INVALID_FINGERPRINT}
WRONG_TYPES = [0, 12.5, ["laptop"], {"name": "x"}, True, False]
SQL_FRAGMENTS = ["'; DROP TABLE devices; --", "\" OR 1=1 --", "x'); DELETE FROM profiles; --", "$1::uuid", "\\'"]


@pytest.fixture()
def admin(world):
    """Fresh per test: failed verifications count against the caller's rate-limit bucket."""
    return world.user(world.org(), "org_admin")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("field", FIELD_ERRORS)
def test_wrong_json_types_get_the_fields_error(api, admin, action, field):
    for value in WRONG_TYPES:
        response = api.enrollment(action, admin.token, **{field: value})
        assert (response.status_code, response.json()) == (400, {"error": FIELD_ERRORS[field]}), value


@pytest.mark.parametrize("action", ACTIONS)
def test_validation_comes_before_anything_else(api, action):
    response = api.enrollment(action, None, device_type="phone")
    assert (response.status_code, response.json()) == (400, {"error": INVALID_DEVICE_TYPE})


@pytest.mark.parametrize("field,limit", [("device_name", 100), ("os", 50), ("fingerprint", 100)])
def test_lengths(api, admin, field, limit):
    value = "a" * limit
    ok = api.enrollment("generate_token", admin.token, **{field: value})
    assert ok.status_code == 200, ok.text
    for too_long in ["a" * (limit + 1), "a" * 10_000, "é" * (limit + 1)]:
        response = api.enrollment("generate_token", admin.token, **{field: too_long})
        assert (response.status_code, response.json()) == (400, {"error": FIELD_ERRORS[field]})


def test_non_ascii_names_count_characters_not_bytes(api, db, admin):
    body = api.enrollment("generate_token", admin.token, device_name="Portátil de Ñandú 💻" * 5, os="macOS Sequoia ✓").json()
    assert device(db, body["device_id"])["name"] == "Portátil de Ñandú 💻" * 5


@pytest.mark.parametrize("field", ["device_name", "os", "fingerprint"])
def test_control_characters(api, admin, field):
    for value in ["bad\x00name", "line\nbreak", "tab\there", "bell\x07", "del\x7f", "c1\x85"]:
        response = api.enrollment("generate_token", admin.token, **{field: value})
        assert (response.status_code, response.json()) == (400, {"error": FIELD_ERRORS[field]}), repr(value)


def test_fingerprint_alphabet(api, admin):
    for value in ["with space", "under_score", "dot.ted", "ñandu", "a/b", "<script>"]:
        response = api.enrollment("enroll", admin.token, fingerprint=value)
        assert (response.status_code, response.json()) == (400, {"error": INVALID_FINGERPRINT}), value


def test_device_type_must_be_known(api, admin):
    for value in ["phone", "LAPTOP", " laptop", "laptop\x00"]:
        response = api.enrollment("enroll", admin.token, fingerprint="fp-1", device_type=value)
        assert (response.status_code, response.json()) == (400, {"error": INVALID_DEVICE_TYPE}), value


def test_invalid_utf8_and_non_objects(api, admin):
    for raw in [b'{"action":"enroll","fingerprint":"\xff\xfe"}', b'{"action":"enroll","device_name":"\xc3("}',
                b"[1,2]", b'"verify"', b"{", b"nul\x00l"]:
        response = api.call("device-enrollment", data=raw, token=admin.token, headers={"Content-Type": "application/json"})
        assert (response.status_code, response.json()) == (400, {"error": "Invalid JSON body"}), raw


def test_sql_fragments_are_data(api, db, admin):
    """Every string field gets SQL; what validation lets through is stored verbatim, nothing else changes."""
    for fragment in SQL_FRAGMENTS:
        before = table_snapshot(db)
        body = api.enrollment("generate_token", admin.token, device_name=fragment, os=fragment[:50]).json()
        row = device(db, body["device_id"])
        assert (row["name"], row["os"]) == (fragment, fragment[:50])
        after = table_snapshot(db)
        assert after == {**before, "devices": before["devices"] + 1, "device_events": before["device_events"] + 1}

        before = after
        rejected = [
            ("enroll", {"fingerprint": fragment}, 400),
            ("enroll", {"fingerprint": "fp-ok", "device_type": fragment}, 400),
            ("verify", {"enrollment_token": fragment}, 400),
            ("create_pending_device", {"user_id": fragment}, 404),
            ("create_pending_device", {"organization_id": fragment}, 403),
        ]
        for action, fields, status in rejected:
            response = api.call("device-enrollment", {"action": action, **fields}, token=admin.token, client_ip=client_ip())
            assert response.status_code == status, (action, fields, response.text)
        assert table_snapshot(db) == before


def test_sql_in_the_auth_key_is_stored_sealed_and_verbatim(api, db, stack, admin):
    for key in ["x');DROP-TABLE-devices;--", "$1::uuid"]:
        body = api.enrollment("create_pending_device", admin.token, tailscale_auth_key=key).json()
        assert unseal(stack, device(db, body["device_id"])) == key
    response = api.enrollment("create_pending_device", admin.token, tailscale_auth_key="'; DROP TABLE devices; --")
    assert (response.status_code, response.json()) == (400, {"error": "Invalid Tailscale auth key"})


def test_tokens_that_are_not_uuids(api, admin):
    for token in ["1", "not-a-uuid", "../../etc/passwd", "x" * 10_000, "tok\x00en", "ñ", " ", "' OR '1'='1",
                  str(uuid.uuid4()).upper()]:
        response = api.call("device-enrollment", {"action": "verify", "enrollment_token": token}, token=admin.token,
                            client_ip=client_ip())
        assert (response.status_code, response.json()) == (400, {"error": INVALID_TOKEN}), token[:20]


def test_wrong_types_for_the_other_fields(api, admin):
    cases = [
        ("verify", "enrollment_token", 400, INVALID_TOKEN),
        ("create_pending_device", "user_id", 404, "User not found"),
        ("create_pending_device", "organization_id", 403, "Forbidden"),
        ("create_pending_device", "tailscale_auth_key", 400, "Invalid Tailscale auth key"),
    ]
    for action, field, status, error in cases:
        for value in WRONG_TYPES:
            response = api.call("device-enrollment", {"action": action, field: value}, token=admin.token,
                                client_ip=client_ip())
            assert (response.status_code, response.json()) == (status, {"error": error}), (field, value)
