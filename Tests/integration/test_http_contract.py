"""The parts of the HTTP contract that hold for every function, through real nginx."""
from __future__ import annotations

import json
import time

import jwt as pyjwt
import pytest
import requests

ALLOWED_HEADERS = "authorization, x-client-info, apikey, content-type, x-retry-count, traceparent, tracestate, baggage"
FUNCTIONS = ["device-enrollment", "tailscale-api"]


def assert_common_headers(response: requests.Response) -> None:
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Headers"] == ALLOWED_HEADERS
    assert response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"


def test_health_and_ready(stack):
    for path, body in [("health", {"status": "ok"}), ("ready", {"status": "ready"})]:
        response = requests.get(f"{stack.base_url}/functions/v1/{path}", timeout=5)
        assert response.status_code == 200
        assert response.json() == body
        assert_common_headers(response)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_preflight(stack, function):
    response = requests.options(f"{stack.base_url}/functions/v1/{function}",
                                headers={"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"}, timeout=5)
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Headers"] == ALLOWED_HEADERS
    assert response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"


def test_unknown_function_is_404(api, stack):
    for path in ["nope", "device-enrollment/extra", "", "DEVICE-ENROLLMENT"]:
        response = api.call(path, {"action": "x"})
        assert response.status_code == 404, path
        assert response.json() == {"error": "Function not found"}
        assert_common_headers(response)
    outside = requests.get(f"{stack.base_url}/elsewhere", timeout=5)
    assert outside.status_code == 404 and outside.json() == {"error": "Function not found"}


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(api, function, method):
    response = api.call(function, method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST, OPTIONS"
    assert "error" in response.json()
    assert_common_headers(response)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_body_over_64_kib_is_413_json_from_nginx(api, world, function):
    token = world.user().token
    padding = "x" * (65 * 1024)
    response = api.call(function, {"action": "enroll", "pad": padding}, token=token)
    assert response.status_code == 413
    assert response.json() == {"error": "Request body too large"}
    assert_common_headers(response)


def test_body_just_under_the_limit_is_accepted(api, world):
    user = world.user()
    body = {"action": "nope", "pad": "x" * (63 * 1024)}
    response = api.call("device-enrollment", body, token=user.token)
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid action"}


@pytest.mark.parametrize("raw", [b"{", b"[1,2]", b'"text"', b"42", b"null", b'{"a":1,}', b"\xff\xfe{}",
                                 b'{"action":"\xc3\x28"}', b'{"a":"\\ud800"}', b"{" * 100 + b"}" * 100])
def test_invalid_json_is_400(api, world, raw):
    response = api.call("device-enrollment", data=raw, token=world.user().token,
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid JSON body"}
    assert_common_headers(response)


def test_unknown_actions(api, world):
    user = world.user()
    enrollment = api.call("device-enrollment", {"action": "does-not-exist", "extra": [1, 2]}, token=user.token)
    assert enrollment.status_code == 400 and enrollment.json() == {"error": "Invalid action"}
    missing = api.call("device-enrollment", {}, token=user.token)
    assert missing.status_code == 400 and missing.json() == {"error": "Invalid action"}
    expected = {"error": "Invalid action. Valid actions: list-devices, check-device, generate-auth-key, validate-enrollment, sync-devices"}
    for response in [api.call("tailscale-api", {"action": "nope"}, token=user.token),
                     api.call("tailscale-api", None, query={"action": "nope"}, token=user.token),
                     api.call("tailscale-api", {}, token=user.token)]:
        assert response.status_code == 400 and response.json() == expected
    conflicting = api.call("tailscale-api", {"action": "list-devices"}, query={"action": "sync-devices"}, token=user.token)
    assert conflicting.status_code == 400


def test_missing_authorization_wording_per_function(api):
    enrollment = api.call("device-enrollment", {"action": "generate_token"})
    assert enrollment.status_code == 401
    assert enrollment.json() == {"error": "Authorization header required"}
    assert_common_headers(enrollment)
    tailscale = api.call("tailscale-api", {"action": "generate-auth-key"})
    assert tailscale.status_code == 401
    assert tailscale.json() == {"error": "Authorization required"}


def bad_tokens(world, user_id: str, secret: str) -> dict[str, str]:
    now = int(time.time())
    good = {"aud": "authenticated", "sub": user_id, "role": "authenticated", "iat": now, "exp": now + 600}
    header_none = pyjwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode()
    payload = pyjwt.utils.base64url_encode(pyjwt.api_jws.json.dumps(good).encode()).decode()
    valid = world.user_token(user_id)
    return {
        "alg none": f"{header_none}.{payload}.",
        "expired": pyjwt.encode({**good, "exp": now - 120}, secret, algorithm="HS256"),
        "not yet valid": pyjwt.encode({**good, "nbf": now + 600}, secret, algorithm="HS256"),
        "wrong audience": pyjwt.encode({**good, "aud": "someone-else"}, secret, algorithm="HS256"),
        "wrong secret": pyjwt.encode(good, "another-secret-that-is-long-enough-0123456789", algorithm="HS256"),
        "bad signature": valid[:-4] + ("AAAA" if not valid.endswith("AAAA") else "BBBB"),
        "sub not a uuid": pyjwt.encode({**good, "sub": "admin"}, secret, algorithm="HS256"),
        "no role": pyjwt.encode({k: v for k, v in good.items() if k != "role"}, secret, algorithm="HS256"),
        "garbage": "not-a-jwt",
        "malformed base64": "e30.e30.@@@",
        "HS384": pyjwt.encode(good, secret, algorithm="HS384"),
    }


@pytest.mark.parametrize("function,action", [("device-enrollment", "generate_token"), ("tailscale-api", "list-devices")])
def test_invalid_tokens_are_401(api, world, stack, function, action):
    user = world.user()
    for name, token in bad_tokens(world, user.id, stack.jwt_secret).items():
        response = api.call(function, {"action": action}, token=token)
        assert response.status_code == 401, name
        assert response.json() == {"error": "Invalid authentication"}, name


def test_anon_key_is_not_a_user(api, world):
    response = api.call("device-enrollment", {"action": "generate_token"}, token=world.anon_key, apikey=world.anon_key)
    assert response.status_code == 401
    assert response.json() == {"error": "Authorization header required"}


def test_access_log_is_json_without_secrets(api, world, stack):
    user = world.user()  # a fresh user id marks this request's line
    api.call("device-enrollment", {"action": "enroll"}, token=user.token, apikey=world.anon_key)
    deadline = time.time() + 5
    while user.id not in stack.read_log() and time.time() < deadline:
        time.sleep(0.1)
    lines = [json.loads(line) for line in stack.read_log().splitlines() if user.id in line]
    assert lines, "no access-log line for the request"
    entry = lines[-1]
    assert entry["type"] == "access"
    assert entry["method"] == "POST" and entry["path"] == "/functions/v1/device-enrollment"
    assert entry["status"] == 400 and entry["user_id"] == user.id and entry["action"] == "enroll"
    assert isinstance(entry["duration_ms"], (int, float)) and entry["pid"] > 0
    # An unknown action is free text from the client: it is answered, never logged.
    marker = f"unknown-action-{time.time_ns()}"
    for function in ["device-enrollment", "tailscale-api"]:
        assert api.call(function, {"action": marker}, token=user.token).status_code == 400
    time.sleep(1.5)  # access lines are written at most a second late
    log = stack.read_log()
    assert marker not in log
    assert user.token not in log and world.anon_key not in log and stack.jwt_secret not in log
