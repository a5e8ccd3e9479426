"""Test-only routes under /_sim/: no authentication (the simulator binds loopback only)."""

import json
import re
import time
from datetime import datetime

from sim_api_routes import API_ROUTES
from sim_faults import FaultError, parse_fault
from sim_request import Request, Response
from sim_state import ApiError

IDENTIFIER = r"(?P<id>[^/]+)"
MAX_BULK_DEVICES = 100_000


def add_device(server, request: Request, _match) -> Response:
    spec = request.json(required=False)
    hostname = spec.get("hostname")
    if not isinstance(hostname, str) or not hostname:
        raise ApiError(400, "hostname is required")
    tags = spec.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ApiError(400, "tags must be a list of strings")
    os_name, connected = str(spec.get("os", "linux")), bool(spec.get("connected", True))
    legacy = bool(spec.get("legacy", False))
    if spec.get("authKey"):
        device = server.tailnet.join_with_key(str(spec["authKey"]), hostname, os_name, tags, connected, legacy)
    else:
        device = server.tailnet.add_device(hostname, os_name, tags, connected,
                                           authorized=bool(spec.get("authorized", True)), legacy=legacy)
    return Response(200, device.render(all_fields=True))


def add_bulk(server, request: Request, _match) -> Response:
    spec = request.json(required=False)
    count = spec.get("count")
    if not isinstance(count, int) or not 0 <= count <= MAX_BULK_DEVICES:
        raise ApiError(400, f"count must be an integer from 0 to {MAX_BULK_DEVICES}")
    last_seen = parse_last_seen(spec.get("lastSeen"))
    return Response(200, {"created": server.tailnet.add_bulk(count, str(spec.get("prefix", "bulk")), last_seen)})


def list_devices(server, _request: Request, _match) -> Response:
    return Response(200, {"devices": server.tailnet.rendered_devices(all_fields=True)})


def connect(server, _request: Request, match) -> Response:
    device = server.tailnet.update_device(match["id"], connected=True)
    return Response(200, device.render(all_fields=True))


def disconnect(server, request: Request, match) -> Response:
    """Sets lastSeen to now, or to the given epoch seconds or RFC 3339 string."""
    last_seen = parse_last_seen(request.json(required=False).get("lastSeen"))
    device = server.tailnet.update_device(match["id"], connected=False,
                                          last_seen=time.time() if last_seen is None else last_seen)
    return Response(200, device.render(all_fields=True))


def parse_last_seen(value) -> float | None:
    """Epoch seconds or an RFC 3339 string; None when absent."""
    if isinstance(value, str):
        value = parse_rfc3339(value)
    if value is not None and not isinstance(value, (int, float)):
        raise ApiError(400, "lastSeen must be epoch seconds or RFC 3339")
    return None if value is None else float(value)


def parse_rfc3339(text: str) -> float:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ApiError(400, "lastSeen must be RFC 3339") from None


def delete_device(server, _request: Request, match) -> Response:
    server.tailnet.delete_device(match["id"])
    return Response(200, {})


def list_keys(server, _request: Request, _match) -> Response:
    return Response(200, {"keys": [key.admin_view() for key in server.tailnet.all_keys()]})


def set_key_mode(server, request: Request, _match) -> Response:
    """`{"usedKeys": "invalid"|"404"}`: how GET .../keys/{id} shows a consumed single-use key."""
    mode = request.json(required=False).get("usedKeys")
    if mode not in ("invalid", "404"):
        raise ApiError(400, 'usedKeys must be "invalid" or "404"')
    server.tailnet.used_keys_404 = mode == "404"
    return Response(200, {"usedKeys": mode})


def stats(server, _request: Request, _match) -> Response:
    counts = {name: 0 for _, _, name, _, _ in API_ROUTES}
    counts.update(server.tailnet.stats_snapshot())
    counts.setdefault("total", 0)
    counts["pendingFaults"] = server.faults.pending()
    return Response(200, counts)


def reset(server, _request: Request, _match) -> Response:
    server.tailnet.reset()
    server.faults.clear()
    return Response(200, {})


def add_fault(server, request: Request, _match) -> Response:
    try:
        server.faults.add(parse_fault(request.json(required=False)))
    except FaultError as error:
        raise ApiError(400, str(error)) from None
    return Response(200, {"pendingFaults": server.faults.pending()})


def set_token_lifetime(server, request: Request, _match) -> Response:
    """Accepts a bare number or {"seconds": N}; applies to tokens issued from now on."""
    try:
        value = json.loads(request.body or b"null")
    except ValueError:
        raise ApiError(400, "invalid JSON body") from None
    seconds = value.get("seconds") if isinstance(value, dict) else value
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 1:
        raise ApiError(400, "seconds must be a positive integer")
    server.tailnet.set_token_lifetime(seconds)
    return Response(200, {"seconds": seconds})


ADMIN_ROUTES = [
    ("POST", r"/_sim/devices/bulk", add_bulk),
    ("POST", r"/_sim/devices", add_device),
    ("GET", r"/_sim/devices", list_devices),
    ("POST", rf"/_sim/devices/{IDENTIFIER}/connect", connect),
    ("POST", rf"/_sim/devices/{IDENTIFIER}/disconnect", disconnect),
    ("DELETE", rf"/_sim/devices/{IDENTIFIER}", delete_device),
    ("GET", r"/_sim/keys", list_keys),
    ("POST", r"/_sim/keys/mode", set_key_mode),
    ("GET", r"/_sim/stats", stats),
    ("POST", r"/_sim/reset", reset),
    ("POST", r"/_sim/faults", add_fault),
    ("POST", r"/_sim/token-lifetime", set_token_lifetime),
]
COMPILED_ADMIN_ROUTES = [(m, re.compile(p + r"/?\Z"), handler) for m, p, handler in ADMIN_ROUTES]
