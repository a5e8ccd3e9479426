"""Fixtures for the integration tests: a real stack (PostgreSQL, Tailscale simulator,
nexus-vault serve, nginx) on loopback, and helpers to call it as the portal does."""
from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt as pyjwt
import psycopg
import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from deploy.devstack.stack import Stack, StackConfig  # noqa: E402

BINARY = Path(os.environ.get("NEXUS_VAULT_BIN") or REPO / ".build/release/nexus-vault")


def stack_dir() -> Path:
    """A fresh state directory that the unprivileged `postgres` and `www-data` users can reach
    (pytest's own temporary directories are private to root)."""
    base = Path(tempfile.gettempdir()) / "nexus-vault-tests"
    base.mkdir(mode=0o755, exist_ok=True)
    os.chmod(base, 0o755)
    path = Path(tempfile.mkdtemp(prefix="stack-", dir=base))
    os.chmod(path, 0o755)
    return path


def start_stack(state_dir: Path | None = None, **overrides) -> Stack:
    """A stack of its own, for tests that need other settings or break things on purpose.
    The caller stops it (`stack.stop()`), typically in a `finally` or a fixture."""
    state_dir = state_dir if state_dir is not None and os.stat(state_dir).st_mode & 0o005 else stack_dir()
    settings = overrides.pop("settings", {})
    config = StackConfig(state_dir=state_dir, binary=BINARY, workers=overrides.pop("workers", 2),
                         settings={"MONITOR_INTERVAL_SECONDS": "2", **settings}, **overrides)
    stack = Stack(config)
    try:
        stack.start()
    except BaseException:
        stack.stop()
        raise
    return stack


@pytest.fixture(scope="session")
def stack() -> Stack:
    """The shared stack. Tests that stop or restart parts of it must leave it healthy."""
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `make build` (or `make test`) first")
    instance = start_stack()
    yield instance
    instance.stop()


def wait_for(predicate, timeout: float) -> bool:
    """True once `predicate()` is, polling four times a second; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def invoke(client, function: str, token: str, body: dict) -> dict:
    """A function call the way the portal makes it: the supabase client's `functions.invoke`."""
    return client.functions.invoke(function, invoke_options={
        "body": body, "headers": {"Authorization": f"Bearer {token}"}, "responseType": "json"})


class Api:
    """Calls the gateway through nginx like the portal's clients do."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()

    def call(self, function: str, body=None, *, token: str | None = None, apikey: str | None = None,
             query: dict | None = None, headers: dict | None = None, data: bytes | str | None = None,
             method: str = "POST", client_ip: str | None = None, timeout: float = 30) -> requests.Response:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        if apikey is not None:
            sent["apikey"] = apikey
        if client_ip is not None:
            sent["X-Forwarded-For"] = client_ip
        if data is None and body is not None:
            return self.session.request(method, f"{self.base_url}/functions/v1/{function}", json=body,
                                        params=query, headers=sent, timeout=timeout)
        return self.session.request(method, f"{self.base_url}/functions/v1/{function}", data=data,
                                    params=query, headers=sent, timeout=timeout)

    def enrollment(self, action: str, token: str | None, **fields) -> requests.Response:
        return self.call("device-enrollment", {"action": action, **fields}, token=token)

    def tailscale(self, action: str, token: str | None, **fields) -> requests.Response:
        return self.call("tailscale-api", {"action": action, **fields}, token=token)


@pytest.fixture(scope="session")
def api(stack) -> Api:
    return Api(stack.base_url)


@pytest.fixture(scope="session")
def db(stack):
    """An autocommit connection to the stack's database, for setting up and checking rows."""
    connection = psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True)
    yield connection
    connection.close()


@dataclass
class User:
    id: str
    organization_id: str | None
    role: str
    token: str


class World:
    """Creates organizations, users and tokens straight in the database (fast, no subprocess)."""

    def __init__(self, stack: Stack, db):
        self.stack = stack
        self.db = db
        self.secret = stack.jwt_secret

    def org(self, name: str | None = None) -> str:
        row = self.db.execute("INSERT INTO organizations (name) VALUES (%s) RETURNING id::text",
                              (name or f"Org {uuid.uuid4().hex[:8]}",)).fetchone()
        return row[0]

    def user(self, organization_id: str | None = None, role: str = "user", name: str = "Test User") -> User:
        if organization_id is None:
            organization_id = self.org()
        user_id = str(uuid.uuid4())
        self.db.execute("INSERT INTO profiles (id, organization_id, full_name, role) VALUES (%s, %s, %s, %s)",
                        (user_id, organization_id, name, role))
        return User(user_id, organization_id, role, self.user_token(user_id))

    def user_token(self, user_id: str, ttl: int = 3600, **extra) -> str:
        now = int(time.time())
        claims = {"aud": "authenticated", "sub": user_id, "role": "authenticated", "iat": now, "exp": now + ttl,
                  "iss": "supabase", "session_id": str(uuid.uuid4()), **extra}
        return pyjwt.encode(claims, self.secret, algorithm="HS256")

    def api_key(self, role: str) -> str:
        now = int(time.time())
        return pyjwt.encode({"iss": "supabase", "role": role, "iat": now, "exp": now + 3600}, self.secret, algorithm="HS256")

    @property
    def anon_key(self) -> str:
        return self.api_key("anon")

    @property
    def service_key(self) -> str:
        return self.api_key("service_role")


@pytest.fixture(scope="session")
def world(stack, db) -> World:
    return World(stack, db)


@pytest.fixture()
def simulator(stack):
    """The stack's Tailscale simulator, reset before each test that uses it."""
    session = requests.Session()
    base = stack.simulator_url
    client = SimulatorClient(session, base)
    client.reset()
    yield client


class SimulatorClient:
    """The simulator's test-only `/_sim/` routes: machines joining, leaving and going offline."""

    def __init__(self, session: requests.Session, base: str):
        self.session = session
        self.base = base

    @classmethod
    def of(cls, stack) -> "SimulatorClient":
        """For a test's own stack (the `simulator` fixture is the shared stack's)."""
        return cls(requests.Session(), stack.simulator_url)

    def post(self, path: str, body: dict | None = None) -> dict:
        response = self.session.post(f"{self.base}{path}", json=body or {}, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else {}

    def get(self, path: str) -> dict | list:
        response = self.session.get(f"{self.base}{path}", timeout=10)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self.post("/_sim/reset")

    def add_device(self, **fields) -> dict:
        return self.post("/_sim/devices", fields)

    def try_add_device(self, **fields) -> requests.Response:
        """A machine that may be refused (a used single-use key, say): the response as it came."""
        return self.session.post(f"{self.base}/_sim/devices", json=fields, timeout=10)

    def add_devices(self, count: int, prefix: str) -> None:
        response = self.session.post(f"{self.base}/_sim/devices/bulk", json={"count": count, "prefix": prefix}, timeout=60)
        response.raise_for_status()

    def devices(self) -> list[dict]:
        return self.get("/_sim/devices")["devices"]

    def disconnect(self, node_id: str, **fields) -> None:
        self.post(f"/_sim/devices/{node_id}/disconnect", fields)

    def connect(self, node_id: str) -> None:
        self.post(f"/_sim/devices/{node_id}/connect")

    def remove_device(self, node_id: str) -> None:
        self.session.delete(f"{self.base}/_sim/devices/{node_id}", timeout=10).raise_for_status()

    def stats(self) -> dict:
        return self.get("/_sim/stats")

    def keys(self):
        return self.get("/_sim/keys")

    def fault(self, mode: str, count: int = 1, **options) -> None:
        self.post("/_sim/faults", {"mode": mode, "count": count, **options})
