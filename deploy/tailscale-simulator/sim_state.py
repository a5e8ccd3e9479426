"""The simulator's data model: OAuth clients, access tokens, devices and auth keys, and how the
real API renders them. Errors are ApiError(status, message), answered as {"message": ...}.
"""

import secrets
import string
import time
from dataclasses import dataclass, field


DNS_SUFFIX = "tail-sim.ts.net"
MAX_KEY_EXPIRY_SECONDS = 90 * 24 * 3600
DEFAULT_KEY_EXPIRY_SECONDS = MAX_KEY_EXPIRY_SECONDS
DESCRIPTION_ALPHABET = set(string.ascii_letters + string.digits + " -")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def rfc3339(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def random_alnum(length: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


@dataclass
class OAuthClient:
    client_id: str
    secret: str
    scopes: list[str]
    tags: list[str]


@dataclass
class Token:
    client: OAuthClient
    scopes: list[str]
    expires_at: float


@dataclass
class Device:
    id: str
    node_id: str
    hostname: str
    name: str
    os: str
    tags: list[str]
    addresses: list[str]
    created: float
    connected: bool = True
    last_seen: float = 0.0
    authorized: bool = True
    ephemeral: bool = False
    # Older control servers send no connectedToControl; tests use this to check the fallback.
    legacy: bool = False
    keys: dict = field(default_factory=dict)
    # When an admin expired the node's key (POST /api/v2/device/{id}/expire); None: never.
    key_expired_at: float | None = None

    def render(self, all_fields: bool) -> dict:
        tagged = bool(self.tags)
        device = {
            "addresses": list(self.addresses),
            "id": self.id,
            "nodeId": self.node_id,
            "user": "tagged-devices" if tagged else "user@example.com",
            "name": self.name,
            "hostname": self.hostname,
            "clientVersion": "1.80.2-t1234abcd5-gabcdef012",
            "updateAvailable": False,
            "os": self.os,
            "created": rfc3339(self.created),
        }
        if not self.legacy:
            device["connectedToControl"] = self.connected
        if self.legacy or not self.connected:
            device["lastSeen"] = rfc3339(self.last_seen)
        device.update({
            "keyExpiryDisabled": tagged and self.key_expired_at is None,
            "expires": rfc3339(self.key_expired_at) if self.key_expired_at is not None
            else "0001-01-01T00:00:00Z" if tagged else rfc3339(self.created + 180 * 86400),
            "authorized": self.authorized,
            "isExternal": False,
            "machineKey": "mkey:" + self.keys["machine"],
            "nodeKey": "nodekey:" + self.keys["node"],
            "blocksIncomingConnections": False,
            "tailnetLockKey": "nlpub:" + self.keys["lock"],
            "tailnetLockError": "",
        })
        if tagged:
            device["tags"] = list(self.tags)
        device["isEphemeral"] = self.ephemeral
        if all_fields:
            device.update({
                "enabledRoutes": [],
                "advertisedRoutes": [],
                "clientConnectivity": {
                    "endpoints": ["198.51.100.7:41641"], "latency": {},
                    "mappingVariesByDestIP": False,
                    "clientSupports": {"hairPinning": False, "ipv6": True, "pcp": False,
                                       "pmp": False, "udp": True, "upnp": False},
                },
                "postureIdentity": {"disabled": True},
                "sshEnabled": False,
            })
            if self.os == "linux":
                device["distro"] = {"name": "debian", "version": "12", "codeName": "bookworm"}
        return device


@dataclass
class AuthKey:
    id: str
    key: str
    created: float
    expires: float
    description: str
    reusable: bool
    ephemeral: bool
    preauthorized: bool
    tags: list[str]
    client_id: str
    uses: int = 0
    revoked: bool = False

    def capabilities(self) -> dict:
        return {"devices": {"create": {"reusable": self.reusable, "ephemeral": self.ephemeral,
                                       "preauthorized": self.preauthorized, "tags": list(self.tags)}}}

    def metadata(self) -> dict:
        """What GET .../keys/{id} answers: everything but the secret key."""
        answer = {"id": self.id, "created": rfc3339(self.created), "expires": rfc3339(self.expires),
                  "capabilities": self.capabilities(), "description": self.description,
                  "invalid": self.revoked or self.expires <= time.time() or self.consumed}
        if self.revoked:
            answer["revoked"] = rfc3339(self.created)
        return answer

    @property
    def consumed(self) -> bool:
        """A single-use key a machine joined with: the real control plane shows it invalid."""
        return self.uses > 0 and not self.reusable

    def admin_view(self) -> dict:
        """Test-only: everything, including whether a single-use key was used."""
        return {**self.metadata(), "key": self.key, "expirySeconds": round(self.expires - self.created),
                "reusable": self.reusable, "ephemeral": self.ephemeral, "preauthorized": self.preauthorized,
                "tags": list(self.tags), "used": self.uses > 0, "uses": self.uses,
                "revoked": self.revoked, "clientId": self.client_id}
