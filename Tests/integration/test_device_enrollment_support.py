"""Helpers shared by the device-enrollment tests (this module holds no tests itself)."""
from __future__ import annotations

import base64
import json
import os
import random
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED_PREFIX = "enc:v2:"
LEGACY_SEALED_PREFIX = "enc:v1:"
INVALID_TOKEN = "Token inválido o expirado. Contacta a tu administrador."
EXPIRED_TOKEN = "Token de enrolamiento expirado. Solicita uno nuevo a tu administrador."
NO_DEVICE_KEY = "No hay clave de Tailscale configurada. Contacta a tu administrador."
NO_ORG_KEY = "No Tailscale auth key configured for this organization"
INVALID_DEVICE_NAME = "Invalid device name: must be 1-100 characters"
INVALID_DEVICE_TYPE = "Invalid device type: must be one of laptop, desktop, mobile, tablet, windows, macos"
INVALID_OS = "Invalid OS: must be 1-50 characters"
INVALID_FINGERPRINT = "Invalid fingerprint: must be alphanumeric with hyphens, max 100 characters"
PENDING_MESSAGE = "Pending device created. User can enroll using the enrollment token."


def client_ip() -> str:
    """A client address of its own, so that failed verifications of one test never count
    against another's rate-limit bucket."""
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def fingerprint() -> str:
    return f"fp-{uuid.uuid4()}"


def _box(stack) -> AESGCM:
    return AESGCM(base64.b64decode(stack.secrets_key))


def seal(stack, plaintext: str) -> str:
    """A secret as the service stored it before values were bound to their row (enc:v1:, the
    prefix as associated data): still readable wherever it is."""
    nonce = os.urandom(12)
    sealed = _box(stack).encrypt(nonce, plaintext.encode(), LEGACY_SEALED_PREFIX.encode())
    return LEGACY_SEALED_PREFIX + base64.b64encode(nonce + sealed).decode()


def unseal(stack, row: dict) -> str:
    """A device's stored key: enc:v2: + base64(nonce || ciphertext || tag), the associated data
    binding it to devices.tailscale_auth_key of this row."""
    stored = row["tailscale_auth_key"]
    assert stored.startswith(SEALED_PREFIX), "stored secret is not encrypted"
    payload = base64.b64decode(stored[len(SEALED_PREFIX):])
    location = f"{SEALED_PREFIX}devices\0tailscale_auth_key\0{str(row['id']).lower()}"
    return _box(stack).decrypt(payload[:12], payload[12:], location.encode()).decode()


def org_key(db, organization_id: str, key: str, tags=("tag:prod",), **columns) -> None:
    """A row of organization_tailscale_config, as the portal or the admin command writes it."""
    names = ["organization_id", "tailscale_auth_key", "tags", *columns]
    values = [organization_id, key, list(tags), *columns.values()]
    db.execute(f"INSERT INTO organization_tailscale_config ({', '.join(names)}) "
               f"VALUES ({', '.join(['%s'] * len(names))})", values)


def device(db, device_id: str) -> dict:
    cursor = db.execute("SELECT * FROM devices WHERE id = %s", (device_id,))
    row = cursor.fetchone()
    assert row is not None, f"device {device_id} missing"
    return dict(zip([column.name for column in cursor.description], row))


def device_events(db, device_id: str) -> list[tuple[str, dict, str]]:
    return [tuple(row) for row in db.execute(
        "SELECT event_type, details, ip_address FROM device_events WHERE device_id = %s ORDER BY created_at, event_type",
        (device_id,)).fetchall()]


def audit_entries(db, device_id: str) -> list[tuple[str, str | None, str | None, dict]]:
    return [tuple(row) for row in db.execute(
        "SELECT event, organization_id::text, user_id::text, details FROM audit_logs "
        "WHERE details->>'device_id' = %s ORDER BY created_at", (device_id,)).fetchall()]


def table_snapshot(db) -> dict[str, int]:
    """Row counts of every table an action could write."""
    tables = ["organizations", "profiles", "devices", "device_events", "audit_logs", "organization_tailscale_config"]
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def history_text(db) -> str:
    """Everything the history tables hold, as one string to search for leaked secrets."""
    rows = db.execute("SELECT details::text, coalesce(ip_address, '') FROM device_events "
                      "UNION ALL SELECT details::text, event FROM audit_logs").fetchall()
    return json.dumps(rows)


def create_pending(api, admin, user, ip: str | None = None, **fields):
    return api.call("device-enrollment", {"action": "create_pending_device", "user_id": user.id, **fields},
                    token=admin.token, client_ip=ip)


def verify(api, token: str, enrollment_token, ip: str, **fields):
    return api.call("device-enrollment", {"action": "verify", "enrollment_token": enrollment_token, **fields},
                    token=token, client_ip=ip)
