"""The Tailscale API v2 routes the service uses, with the real request and answer shapes."""

import re
import time
from urllib.parse import parse_qs

from sim_request import Request, Response, basic_credentials
from sim_state import DNS_SUFFIX, ApiError
from sim_tailnet import (DEVICE_READ_SCOPES, DEVICE_WRITE_SCOPES, KEY_READ_SCOPES,
                         KEY_WRITE_SCOPES, Tailnet)

TAILNET = r"(?P<tailnet>[^/]+)"
IDENTIFIER = r"(?P<id>[^/]+)"


def token(tailnet: Tailnet, request: Request, _match) -> Response:
    form = {}
    if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
    client_id, secret = form.get("client_id"), form.get("client_secret")
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("basic "):
        client_id, secret = basic_credentials(authorization[6:])
    grant_type = form.get("grant_type", "client_credentials")
    if grant_type != "client_credentials":
        raise ApiError(400, "unsupported grant_type")
    if not client_id or not secret:
        raise ApiError(401, "API token invalid")
    return Response(200, tailnet.issue_token(client_id, secret, form.get("scope"), form.get("tags")))


def check_tailnet(match):
    if match["tailnet"] not in ("-", DNS_SUFFIX):
        raise ApiError(404, "tailnet not found")


def list_devices(tailnet: Tailnet, request: Request, match) -> Response:
    check_tailnet(match)
    all_fields = request.query.get("fields", [""])[0] == "all"
    return Response(200, {"devices": tailnet.rendered_devices(all_fields)})


def get_device(tailnet: Tailnet, request: Request, match) -> Response:
    all_fields = request.query.get("fields", [""])[0] == "all"
    return Response(200, tailnet.device(match["id"]).render(all_fields))


def delete_device(tailnet: Tailnet, _request: Request, match) -> Response:
    tailnet.delete_device(match["id"])
    return Response(200)


def expire_device(tailnet: Tailnet, _request: Request, match) -> Response:
    """Expires the node's key: it is cut off from the tailnet until it signs in again."""
    now = time.time()
    tailnet.update_device(match["id"], key_expired_at=now, connected=False, last_seen=now)
    return Response(200)


def authorize_device(tailnet: Tailnet, request: Request, match) -> Response:
    authorized = request.json().get("authorized")
    if not isinstance(authorized, bool):
        raise ApiError(400, "authorized must be a boolean")
    tailnet.update_device(match["id"], authorized=authorized)
    return Response(200, {})


def set_device_tags(tailnet: Tailnet, request: Request, match) -> Response:
    tags = request.json().get("tags")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ApiError(400, "tags must be a list of strings")
    invalid = [t for t in tags if not t.startswith("tag:") or t not in tailnet.client.tags]
    if invalid:
        raise ApiError(400, f"requested tags [{' '.join(invalid)}] are invalid or not permitted")
    tailnet.update_device(match["id"], tags=tags)
    return Response(200, {})


def create_key(tailnet: Tailnet, request: Request, match) -> Response:
    check_tailnet(match)
    return Response(200, tailnet.create_key(request.token, request.json()))


def list_keys(tailnet: Tailnet, _request: Request, match) -> Response:
    check_tailnet(match)
    return Response(200, {"keys": [{"id": key.id} for key in tailnet.all_keys()]})


def get_key(tailnet: Tailnet, _request: Request, match) -> Response:
    check_tailnet(match)
    return Response(200, tailnet.key(match["id"]).metadata())


def delete_key(tailnet: Tailnet, _request: Request, match) -> Response:
    check_tailnet(match)
    tailnet.revoke_key(match["id"])
    return Response(200)


# (method, path pattern, stats name, scopes the token needs (None: no token), handler).
API_ROUTES = [
    ("POST", r"/api/v2/oauth/token", "token", None, token),
    ("GET", rf"/api/v2/tailnet/{TAILNET}/devices", "device_list", DEVICE_READ_SCOPES, list_devices),
    ("GET", rf"/api/v2/device/{IDENTIFIER}", "device_get", DEVICE_READ_SCOPES, get_device),
    ("DELETE", rf"/api/v2/device/{IDENTIFIER}", "device_delete", DEVICE_WRITE_SCOPES, delete_device),
    ("POST", rf"/api/v2/device/{IDENTIFIER}/expire", "device_expire", DEVICE_WRITE_SCOPES, expire_device),
    ("POST", rf"/api/v2/device/{IDENTIFIER}/authorized", "device_authorized", DEVICE_WRITE_SCOPES, authorize_device),
    ("POST", rf"/api/v2/device/{IDENTIFIER}/tags", "device_tags", DEVICE_WRITE_SCOPES, set_device_tags),
    ("POST", rf"/api/v2/tailnet/{TAILNET}/keys", "key_create", KEY_WRITE_SCOPES, create_key),
    ("GET", rf"/api/v2/tailnet/{TAILNET}/keys", "key_list", KEY_READ_SCOPES, list_keys),
    ("GET", rf"/api/v2/tailnet/{TAILNET}/keys/{IDENTIFIER}", "key_get", KEY_READ_SCOPES, get_key),
    ("DELETE", rf"/api/v2/tailnet/{TAILNET}/keys/{IDENTIFIER}", "key_delete", KEY_WRITE_SCOPES, delete_key),
]
COMPILED_API_ROUTES = [(m, re.compile(p + r"/?\Z"), name, scopes, handler)
                       for m, p, name, scopes, handler in API_ROUTES]
