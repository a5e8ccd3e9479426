"""Operations on the simulated tailnet, shared by the API routes and the /_sim/ admin routes.

Every public method takes the lock, so the threaded HTTP server can call them concurrently.
"""

import json
import os
import random
import secrets
import threading
import time
from collections import Counter

from sim_state import (DEFAULT_KEY_EXPIRY_SECONDS, DESCRIPTION_ALPHABET, DNS_SUFFIX,
                       MAX_KEY_EXPIRY_SECONDS, ApiError, AuthKey, Device, OAuthClient, Token,
                       random_alnum)

DEVICE_READ_SCOPES = {"devices:core", "devices:core:read", "all", "all:read"}
DEVICE_WRITE_SCOPES = {"devices:core", "all"}
KEY_READ_SCOPES = {"auth_keys", "auth_keys:read", "all", "all:read"}
KEY_WRITE_SCOPES = {"auth_keys", "all"}


class Tailnet:
    def __init__(self, client: OAuthClient, token_lifetime: int, state_file: str | None = None):
        self._lock = threading.RLock()
        self.client = client
        self.default_token_lifetime = token_lifetime
        self.token_lifetime = token_lifetime
        self.used_keys_404 = False
        self.state_file = state_file
        self.tokens: dict[str, Token] = {}
        self.devices: dict[str, Device] = {}
        self.keys: dict[str, AuthKey] = {}
        self.stats: Counter = Counter()
        self._next_address = 1
        self._dns_labels: set[str] = set()
        self._load()

    # --- OAuth -------------------------------------------------------------------------
    def issue_token(self, client_id: str, secret: str, scope: str | None, tags: str | None) -> dict:
        with self._lock:
            if client_id != self.client.client_id or not secrets.compare_digest(secret, self.client.secret):
                raise ApiError(401, "API token invalid")
            requested = scope.split() if scope else list(self.client.scopes)
            missing = [s for s in requested if s not in self.client.scopes]
            if missing:
                raise ApiError(403, f'OAuth client cannot grant scopes "{" ".join(missing)}"')
            requested_tags = tags.split() if tags else []
            foreign = [t for t in requested_tags if t not in self.client.tags]
            if foreign:
                raise ApiError(403, f"requested tags [{' '.join(foreign)}] are invalid or not permitted")
            value = f"tskey-api-k{random_alnum(10)}CNTRL-{random_alnum(32)}"
            self.tokens[value] = Token(self.client, requested, time.time() + self.token_lifetime)
            answer = {"access_token": value, "token_type": "Bearer",
                      "expires_in": self.token_lifetime, "scope": " ".join(requested)}
            if requested_tags:
                answer["tags"] = " ".join(requested_tags)
            return answer

    def authenticate(self, value: str | None, needed_scopes: set[str]) -> Token:
        with self._lock:
            token = self.tokens.get(value or "")
            if token is None or token.expires_at <= time.time():
                self.tokens.pop(value or "", None)
                raise ApiError(401, "API token invalid")
            if not needed_scopes.intersection(token.scopes):
                raise ApiError(403, "calling actor does not have enough permissions to perform this function")
            return token

    def revoke_token(self, value: str | None):
        with self._lock:
            self.tokens.pop(value or "", None)

    def set_token_lifetime(self, seconds: int):
        with self._lock:
            self.token_lifetime = seconds

    # --- devices -----------------------------------------------------------------------
    def add_device(self, hostname: str, os_name: str = "linux", tags: list[str] | None = None,
                   connected: bool = True, authorized: bool = True, ephemeral: bool = False,
                   legacy: bool = False, last_seen: float | None = None) -> Device:
        with self._lock:
            now = time.time()
            index = self._next_address
            self._next_address += 1
            device = Device(
                id=str(random.randrange(10**14, 10**15)), node_id=f"n{random_alnum(9)}CNTRL",
                hostname=hostname, name=f"{self._unique_dns_label(hostname)}.{DNS_SUFFIX}",
                os=os_name, tags=list(tags or []),
                addresses=[f"100.{64 + (index >> 16) % 64}.{(index >> 8) & 255}.{index & 255}",
                           f"fd7a:115c:a1e0::{index >> 16:x}:{index & 0xFFFF:x}"],
                created=now, connected=connected, last_seen=now if last_seen is None else last_seen,
                authorized=authorized, ephemeral=ephemeral, legacy=legacy,
                keys={k: secrets.token_hex(32) for k in ("machine", "node", "lock")})
            self.devices[device.id] = device
            self._save()
            return device

    def join_with_key(self, key_value: str, hostname: str, os_name: str, tags: list[str],
                      connected: bool, legacy: bool) -> Device:
        """What `tailscale up --authkey` does: consume the key and create a node with its tags."""
        with self._lock:
            key = next((k for k in self.keys.values() if k.key == key_value), None)
            if key is None or key.revoked or key.expires <= time.time() or (key.uses and not key.reusable):
                raise ApiError(400, "invalid or already used auth key")
            if any(t not in key.tags for t in tags):
                raise ApiError(400, "requested tags are not permitted by the auth key")
            key.uses += 1
            return self.add_device(hostname, os_name, tags or key.tags, connected,
                                   authorized=key.preauthorized, ephemeral=key.ephemeral, legacy=legacy)

    def add_bulk(self, count: int, prefix: str, last_seen: float | None = None) -> int:
        """`count` nodes `prefix-1`..., every third one disconnected since `last_seen` (now by default)."""
        with self._lock:
            state_file, self.state_file = self.state_file, None  # one save, not one per node
            for n in range(count):
                self.add_device(f"{prefix}-{n + 1}", "linux", ["tag:prod"], connected=n % 3 != 0, last_seen=last_seen)
            self.state_file = state_file
            self._save()
            return count

    def device(self, identifier: str) -> Device:
        with self._lock:
            found = self.devices.get(identifier) or next(
                (d for d in self.devices.values() if d.node_id == identifier), None)
            if found is None:
                raise ApiError(404, "device not found")
            return found

    def rendered_devices(self, all_fields: bool) -> list[dict]:
        with self._lock:
            return [d.render(all_fields) for d in self.devices.values()]

    def update_device(self, identifier: str, **changes) -> Device:
        with self._lock:
            device = self.device(identifier)
            for name, value in changes.items():
                setattr(device, name, value)
            self._save()
            return device

    def delete_device(self, identifier: str):
        with self._lock:
            device = self.devices.pop(self.device(identifier).id)
            self._dns_labels.discard(device.name.split(".")[0])
            self._save()

    def _unique_dns_label(self, hostname: str) -> str:
        # Like MagicDNS: a second "laptop" becomes "laptop-1".
        label = "".join(c if c.isalnum() or c == "-" else "-" for c in hostname.lower()) or "node"
        candidate, suffix = label, 1
        while candidate in self._dns_labels:
            candidate, suffix = f"{label}-{suffix}", suffix + 1
        self._dns_labels.add(candidate)
        return candidate

    # --- auth keys ---------------------------------------------------------------------
    def create_key(self, token: Token, request: dict) -> dict:
        create = (((request.get("capabilities") or {}).get("devices") or {}).get("create"))
        if not isinstance(create, dict):
            raise ApiError(400, "capabilities.devices.create is required")
        tags = create.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ApiError(400, "tags must be a list of strings")
        expiry = request.get("expirySeconds", DEFAULT_KEY_EXPIRY_SECONDS)
        if not isinstance(expiry, int) or isinstance(expiry, bool) or expiry < 0 or expiry > MAX_KEY_EXPIRY_SECONDS:
            raise ApiError(400, f"expirySeconds must be between 0 and {MAX_KEY_EXPIRY_SECONDS} (90 days)")
        description = request.get("description", "")
        if not isinstance(description, str) or len(description) > 50 or not set(description) <= DESCRIPTION_ALPHABET:
            raise ApiError(400, "description must be at most 50 letters, digits, spaces or hyphens")
        invalid = [t for t in tags if not t.startswith("tag:") or t not in token.client.tags]
        if invalid:
            raise ApiError(400, f"requested tags [{' '.join(invalid)}] are invalid or not permitted")
        if not tags:
            # Keys minted with an OAuth token must be tagged: the node cannot belong to a user.
            raise ApiError(400, "tags are required for keys created with an OAuth client")
        with self._lock:
            now = time.time()
            key_id = f"k{random_alnum(10)}CNTRL"
            key = AuthKey(id=key_id, key=f"tskey-auth-{key_id}-{random_alnum(32)}", created=now,
                          expires=now + (expiry or DEFAULT_KEY_EXPIRY_SECONDS), description=description,
                          reusable=bool(create.get("reusable", False)), ephemeral=bool(create.get("ephemeral", False)),
                          preauthorized=bool(create.get("preauthorized", False)), tags=tags,
                          client_id=token.client.client_id)
            self.keys[key_id] = key
            self._save()
            answer = key.metadata()
            answer.pop("invalid")
            return {**answer, "key": key.key}

    def key(self, key_id: str) -> AuthKey:
        """A key by id. With `used_keys_404`, a consumed single-use key is gone, as some servers
        answer once a key was used."""
        with self._lock:
            key = self.keys.get(key_id)
            if key is None or (self.used_keys_404 and key.consumed):
                raise ApiError(404, "key not found")
            return key

    def all_keys(self) -> list[AuthKey]:
        with self._lock:
            return list(self.keys.values())

    def revoke_key(self, key_id: str):
        with self._lock:
            self.key(key_id).revoked = True
            self._save()

    # --- bookkeeping -------------------------------------------------------------------
    def count(self, name: str, api_call: bool = True):
        with self._lock:
            self.stats[name] += 1
            if api_call:
                self.stats["total"] += 1

    def stats_snapshot(self) -> dict:
        with self._lock:
            return dict(self.stats)

    def reset(self):
        with self._lock:
            self.tokens.clear()
            self.devices.clear()
            self.keys.clear()
            self.stats.clear()
            self._dns_labels.clear()
            self.token_lifetime = self.default_token_lifetime
            self.used_keys_404 = False
            self._save()

    def _save(self):
        if not self.state_file:
            return
        state = {"devices": [vars(d) for d in self.devices.values()],
                 "keys": [vars(k) for k in self.keys.values()],
                 "nextAddress": self._next_address}
        temporary = self.state_file + ".tmp"
        with open(temporary, "w") as handle:
            json.dump(state, handle)
        os.replace(temporary, self.state_file)

    def _load(self):
        if not self.state_file or not os.path.exists(self.state_file):
            return
        with open(self.state_file) as handle:
            state = json.load(handle)
        for fields in state.get("devices", []):
            device = Device(**fields)
            self.devices[device.id] = device
            self._dns_labels.add(device.name.split(".")[0])
        for fields in state.get("keys", []):
            self.keys[fields["id"]] = AuthKey(**fields)
        self._next_address = state.get("nextAddress", len(self.devices) + 1)
