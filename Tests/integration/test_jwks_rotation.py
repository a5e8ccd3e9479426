"""Signing keys from a JWKS URL, through nginx: a key the issuer removes stops verifying once the
set is JWT_JWKS_MAX_AGE_SECONDS old (in every worker), and an unreachable JWKS keeps the last
good set instead of locking users out."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt as pyjwt
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from conftest import Api, World, start_stack

MAX_AGE = 2


class JWKSServer:
    """Serves whatever key set the test puts in place; None answers 500."""

    def __init__(self):
        self.document: dict | None = {"keys": []}
        self.fetches = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.fetches += 1
                if owner.document is None:
                    self.send_response(500)
                    self.end_headers()
                    return
                body = json.dumps(owner.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/auth/v1/.well-known/jwks.json"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SigningKey:
    def __init__(self, kid: str):
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def jwk(self) -> dict:
        return {**json.loads(RSAAlgorithm.to_jwk(self.private.public_key())), "kid": self.kid, "use": "sig", "alg": "RS256"}

    def token(self, user_id: str) -> str:
        now = int(time.time())
        claims = {"aud": "authenticated", "sub": user_id, "role": "authenticated", "iat": now, "exp": now + 3600}
        return pyjwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture(scope="module")
def rotation():
    jwks = JWKSServer()
    old_key, new_key = SigningKey("key-old"), SigningKey("key-new")
    jwks.document = {"keys": [old_key.jwk, new_key.jwk]}
    stack = start_stack(settings={"JWT_JWKS_URL": jwks.url, "JWT_JWKS_MAX_AGE_SECONDS": str(MAX_AGE)})
    try:
        with psycopg.connect(stack.postgres.url(), autocommit=True) as db:
            user = World(stack, db).user(role="org_admin")
        yield stack, Api(stack.base_url), jwks, old_key, new_key, user
    finally:
        stack.stop()
        jwks.close()


def call(api: Api, token: str):
    """An action that needs a verified user token (and mints nothing: key minting is limited)."""
    return api.tailscale("list-devices", token)


def statuses(api: Api, token: str, count: int = 8) -> set[int]:
    """Enough calls that both workers answer."""
    return {call(api, token).status_code for _ in range(count)}


def test_a_removed_key_stops_verifying_within_the_maximum_age(rotation):
    stack, api, jwks, old_key, new_key, user = rotation
    jwks.document = {"keys": [old_key.jwk, new_key.jwk]}
    time.sleep(MAX_AGE + 0.5)
    assert statuses(api, old_key.token(user.id)) == {200}

    jwks.document = {"keys": [new_key.jwk]}  # the issuer revokes key-old
    time.sleep(MAX_AGE + 0.5)
    old_token = old_key.token(user.id)
    answers = [call(api, old_token) for _ in range(8)]
    assert {answer.status_code for answer in answers} == {401}
    assert answers[0].json() == {"error": "Invalid authentication"}
    assert statuses(api, new_key.token(user.id)) == {200}, "the key that stayed still verifies"


def test_an_unreachable_jwks_keeps_the_last_good_set(rotation):
    stack, api, jwks, old_key, new_key, user = rotation
    jwks.document = {"keys": [new_key.jwk]}
    time.sleep(MAX_AGE + 0.5)
    assert statuses(api, new_key.token(user.id)) == {200}
    jwks.document = None
    fetches = jwks.fetches
    time.sleep(MAX_AGE + 0.5)
    assert statuses(api, new_key.token(user.id)) == {200}
    assert jwks.fetches > fetches, "the workers did try to reload"
    log = stack.read_log()
    assert "JWKS reload failed" in log
    assert new_key.jwk["n"][:16] not in log, "no key material in the log"
