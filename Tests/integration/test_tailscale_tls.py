"""The Tailscale API over HTTPS, as production reaches it: the gateway verifies the API's
certificate against the authorities it trusts (`TLS_CA_FILE`, else the system's), and a peer it
does not trust gets no OAuth credential and hands out no key."""
from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest
import requests

from conftest import BINARY, Api, World, stack_dir, start_stack
from deploy.devstack.stack import SimulatorTLS


@pytest.fixture(scope="module")
def authority() -> tuple[SimulatorTLS, Path]:
    """The simulator's certificate (a throwaway authority's, for 127.0.0.1) and the bundle the
    gateway is told to trust: the system's authorities with that one added."""
    return SimulatorTLS.make(stack_dir())  # readable by the service's user


def test_keys_are_minted_over_https_against_the_configured_authorities(authority):
    tls, bundle = authority
    stack = start_stack(settings={"TLS_CA_FILE": str(bundle)}, simulator_tls=tls, workers=1)
    try:
        assert stack.simulator_url.startswith("https://")
        with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
            user = World(stack, db).user()
            response = Api(stack.base_url).tailscale("generate-auth-key", user.token)
        assert response.status_code == 200, response.text
        minted = requests.get(f"{stack.simulator_url}/_sim/keys", verify=str(bundle), timeout=5).json()["keys"]
        assert [k["key"] for k in minted] == [response.json()["authKey"]]
    finally:
        stack.stop()


def test_an_api_the_gateway_does_not_trust_gets_no_credential(authority):
    tls, bundle = authority
    # No TLS_CA_FILE: the system's authorities, none of which signed the simulator's certificate.
    stack = start_stack(simulator_tls=tls, workers=1)
    try:
        with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
            user = World(stack, db).user()
            response = Api(stack.base_url).tailscale("generate-auth-key", user.token)
        assert response.status_code == 502
        assert response.json() == {"error": "Tailscale API error"}
        stats = requests.get(f"{stack.simulator_url}/_sim/stats", verify=str(bundle), timeout=5).json()
        assert stats["total"] == 0 and stats.get("token", 0) == 0, stats  # the OAuth secret never left
        assert "certificate" in stack.log_file.read_text(errors="replace")  # why, for the operator
    finally:
        stack.stop()


def test_a_ca_file_without_certificates_is_refused_at_start(stack):
    empty = stack_dir() / "empty-ca.pem"
    empty.write_text("")
    env_file = stack_dir() / "with-empty-ca.env"
    env_file.write_text(stack.env_file.read_text() + f"TLS_CA_FILE={empty}\n")
    result = subprocess.run([str(BINARY), "config", "check", "--env-file", str(env_file)], capture_output=True,
                            text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 78
    assert f"TLS_CA_FILE: no certificate could be read from {empty}" in result.stderr, result.stderr
