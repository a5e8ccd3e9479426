"""The OpenAPI document (deploy/openapi/nexus-vault.yaml): valid OpenAPI 3.1, naming every action
the service answers, and held to by the real stack through nginx under schemathesis (bounded:
examples and fuzzing, a fixed number of cases per operation, a time cap)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from conftest import REPO, World, start_stack

DOCUMENT = REPO / "deploy/openapi/nexus-vault.yaml"
ARTIFACTS = REPO / "var/test-artifacts/schemathesis"
EXAMPLES_PER_OPERATION = 60
TIME_CAP_SECONDS = 60
# Every check that compares answers with the document. Left out: negative_data_rejection and
# positive_data_acceptance (the contract ignores unknown fields, treats "" and null as absent and
# answers a wrong field with the action's own 400/404, which a generic rule about generated
# data cannot know), and the checks for authentication and resources this API does not have.
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance"]


def document() -> dict:
    spec, _ = read_from_filename(str(DOCUMENT))
    return spec


def test_the_document_is_valid_openapi_3_1():
    spec = document()
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_every_documented_action_is_answered_and_every_answered_action_documented(api, world):
    schemas = document()["components"]["schemas"]
    enrollment = set(schemas["DeviceEnrollmentRequest"]["discriminator"]["mapping"])
    user = world.user()
    for action in enrollment:
        response = api.enrollment(action, user.token)
        assert response.json() != {"error": "Invalid action"}, action
    assert api.enrollment("no_such_action", user.token).json() == {"error": "Invalid action"}

    tailscale = set(schemas["TailscaleRequest"]["discriminator"]["mapping"])
    assert tailscale == set(schemas["TailscaleActionName"]["enum"])
    message = api.tailscale("no-such-action", user.token).json()["error"]
    assert set(message.removeprefix("Invalid action. Valid actions: ").split(", ")) == tailscale


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory):
    """A stack of its own with the rate limits out of the way, so that generated cases reach the
    actions' logic instead of 429 (which the document also allows)."""
    stack = start_stack(settings={"VERIFY_FAILURE_LIMIT": "100000", "KEY_MINTS_PER_USER_PER_HOUR": "100000",
                                  "KEY_MINTS_PER_ORGANIZATION_PER_HOUR": "1000000",
                                  "ANONYMOUS_CHECKS_PER_MINUTE": "100000000"})
    yield stack
    stack.stop()


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_document(fuzzed_stack):
    import psycopg
    with psycopg.connect(fuzzed_stack.postgres.url("nexus_vault"), autocommit=True) as db:
        world = World(fuzzed_stack, db)
        organization = world.org("Fuzzed Org")
        admin = world.user(organization, role="org_admin")
        report = ARTIFACTS / "report.json"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        result = subprocess.run(
            [str(Path(sys.executable).with_name("schemathesis")), "run", str(DOCUMENT), "--url", fuzzed_stack.base_url,
             "--header", f"Authorization: Bearer {admin.token}",
             "--phases", "examples,fuzzing", "--max-examples", str(EXAMPLES_PER_OPERATION),
             "--max-time", str(TIME_CAP_SECONDS), "--seed", "20261201", "--workers", "2",
             "--checks", ",".join(CHECKS), "--generation-database", "none", "--no-color",
             "--report", "json", "--report-json-path", str(report)],
            capture_output=True, text=True, timeout=TIME_CAP_SECONDS + 60, env={**os.environ, "NO_COLOR": "1"},
            cwd=str(ARTIFACTS))  # its own cache lands there too, not in the checkout
        elapsed = time.monotonic() - started
    summary = result.stdout[result.stdout.rfind("SUMMARY"):] if "SUMMARY" in result.stdout else result.stdout[-3000:]
    print(f"schemathesis: {elapsed:.0f} s, report {report}\n{summary}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "generated" in summary and " passed" in summary
