"""The service runs as a database role with only the grants of deploy/systemd/runtime-role.sql,
the tables being owned by the role that ran the migrations: every kind of action works through
nginx, the monitor syncs, and the role can change no schema."""
from __future__ import annotations

import subprocess

import psycopg
import pytest
import requests

from conftest import REPO, Api, World, start_stack
from deploy.devstack.processes import stop_process, wait_until

APP_ROLE = "nexus_vault_app"
APP_PASSWORD = "runtime-role-test-password"


@pytest.fixture(scope="module")
def runtime_stack():
    stack = start_stack()  # migrated by the cluster's owner role, as nexus-vault-migrate.service would
    try:
        cluster = stack.postgres
        with psycopg.connect(cluster.url(), autocommit=True) as db:
            db.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
            db.execute(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}' BYPASSRLS")
        subprocess.run([f"{cluster.bin_dir}/psql", "-X", "-q", cluster.url(), "-v", f"app_role={APP_ROLE}",
                        "-f", str(REPO / "deploy/systemd/runtime-role.sql")], check=True, capture_output=True, cwd="/")
        # This test's cluster also admits the role it made (the stack's rules admit only its own).
        hba = f"{cluster.data_dir}/pg_hba.conf"
        with open(hba, "a") as rules:
            rules.write(f"host all {APP_ROLE} 127.0.0.1/32 scram-sha-256\n")
        cluster._run_as_server([f"{cluster.bin_dir}/pg_ctl", "reload", "-D", cluster.data_dir])
        app_url = f"postgresql://{APP_ROLE}:{APP_PASSWORD}@127.0.0.1:{cluster.port}/nexus_vault"
        wait_until(lambda: connects(app_url), 10, "the runtime role's login")

        stop_process(stack.serve, timeout=40)
        stack.fastcgi_socket.unlink(missing_ok=True)
        settings = [line for line in stack.env_file.read_text().splitlines() if not line.startswith("DATABASE_URL=")]
        stack.env_file.write_text("\n".join([*settings, f"DATABASE_URL={app_url}", ""]))
        stack.start_serve()
        wait_until(lambda: requests.get(f"{stack.base_url}/functions/v1/health", timeout=5).ok, 30, "health")
        yield stack, app_url
    finally:
        stack.stop()


def connects(url: str) -> bool:
    try:
        psycopg.connect(url, connect_timeout=2).close()
        return True
    except psycopg.OperationalError:
        return False


def test_every_kind_of_action_works_as_the_runtime_role(runtime_stack):
    stack, _ = runtime_stack
    api = Api(stack.base_url)
    with psycopg.connect(stack.postgres.url(), autocommit=True) as db:
        world = World(stack, db)
        organization = world.org()
        admin, user = world.user(organization, "org_admin"), world.user(organization, "user")
    minted = api.enrollment("generate_token", admin.token, device_name="Role Laptop", os="Debian 12")
    assert minted.status_code == 200, minted.text
    pending = api.enrollment("create_pending_device", admin.token, user_id=user.id, device_name="Pending Laptop")
    assert pending.status_code == 200, pending.text
    verified = api.enrollment("verify", user.token, enrollment_token=pending.json()["enrollment_token"],
                              fingerprint="role-fp-1")
    assert verified.status_code == 200, verified.text
    enrolled = api.enrollment("enroll", user.token, fingerprint="role-fp-2", device_name="Silent Box", os="Debian 12")
    assert enrolled.status_code == 200, enrolled.text
    refused = api.enrollment("verify", user.token, enrollment_token="00000000-0000-4000-8000-000000000000")
    assert refused.status_code == 400, refused.text  # a failed attempt counted in rate_limits
    anonymous = api.call("tailscale-api", {"action": "check-device", "identifier": "role-host"},
                         apikey=stack.token(role="anon"))
    assert anonymous.status_code == 200, anonymous.text
    for action in ["list-devices", "sync-devices"]:
        answer = api.tailscale(action, admin.token)
        assert answer.status_code == 200, (action, answer.text)
    listed = api.enrollment("list_devices", admin.token)
    assert listed.status_code == 200, listed.text
    revoked = api.enrollment("revoke_device", admin.token, device_id=enrolled.json()["device_id"])
    assert revoked.status_code == 200, revoked.text


def test_the_monitor_syncs_as_the_runtime_role(runtime_stack):
    stack, app_url = runtime_stack
    with psycopg.connect(app_url, autocommit=True) as db:
        before = db.execute("SELECT now()").fetchone()[0]
        wait_until(lambda: db.execute("SELECT synced_at > %s FROM tailscale_sync_state", (before,)).fetchone()[0],
                   30, "a monitor sync by the service running as the runtime role")
    assert "permission denied" not in stack.read_log()


@pytest.mark.parametrize("statement", [
    "DROP TABLE devices", "ALTER TABLE devices ADD COLUMN x int", "CREATE TABLE intruder (x int)",
    "DELETE FROM audit_logs", "UPDATE device_events SET details = '{}'", "SELECT * FROM schema_migrations",
    "INSERT INTO organizations (name) VALUES ('x')",
])
def test_the_runtime_role_changes_no_schema_and_no_history(runtime_stack, statement):
    _, app_url = runtime_stack
    with psycopg.connect(app_url, autocommit=True) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute(statement)
