"""sync-devices at scale: 5 000 simulated nodes and linked devices synced in one transaction,
with a statement count (measured by pg_stat_statements) that does not grow with the tailnet."""
from __future__ import annotations

import psycopg
import pytest
import requests

from conftest import SimulatorClient, World, start_stack


@pytest.fixture(scope="module")
def counted_stack(tmp_path_factory):
    """A private stack whose PostgreSQL counts every statement (pg_stat_statements)."""
    stack = start_stack(tmp_path_factory.mktemp("sync"), settings={"MONITOR_ENABLED": "false"})
    try:
        with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
            db.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
        stack.postgres.stop()
        stack.postgres.start()
        with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        yield stack
    finally:
        stack.stop()


def prepare_tailnet(stack, db, count: int, prefix: str) -> None:
    simulator = SimulatorClient.of(stack)
    simulator.reset()
    simulator.add_devices(count, prefix)
    db.execute("""INSERT INTO devices (user_id, organization_id, name, status, tailscale_hostname)
                  SELECT gen_random_uuid(), NULL, 'node ' || n, 'active', %s || '-' || n
                  FROM generate_series(1, %s) AS n""", (prefix, count))


def sync(stack, service_key) -> dict:
    response = requests.post(f"{stack.base_url}/functions/v1/tailscale-api", json={"action": "sync-devices"},
                             headers={"Authorization": f"Bearer {service_key}"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def counted_sync(stack, db, service_key) -> tuple[dict, int]:
    db.execute("SELECT pg_stat_statements_reset()")
    answer = sync(stack, service_key)
    calls = db.execute("""SELECT coalesce(sum(calls), 0)::int FROM pg_stat_statements s
                          JOIN pg_database d ON d.oid = s.dbid
                          WHERE d.datname = 'nexus_vault' AND s.query NOT ILIKE '%%pg_stat_statements%%'""").fetchone()[0]
    return answer, calls


def test_statement_count_does_not_grow_with_the_tailnet(counted_stack):
    stack = counted_stack
    with psycopg.connect(stack.postgres.url("nexus_vault"), autocommit=True) as db:
        service_key = World(stack, db).service_key
        prepare_tailnet(stack, db, 50, "small")
        for _ in range(3):
            sync(stack, service_key)  # every worker connected and prepared
        small, small_calls = counted_sync(stack, db, service_key)
        assert small == {"success": True, "synced": 50, "totalTailscaleDevices": 50}

        prepare_tailnet(stack, db, 5000, "large")
        large, large_calls = counted_sync(stack, db, service_key)
        assert large == {"success": True, "synced": 5000, "totalTailscaleDevices": 5000}
        assert large_calls == small_calls <= 10

        # One transaction: every linked device row was written by the same one.
        writers = db.execute("SELECT count(DISTINCT xmin::text) FROM devices WHERE tailscale_hostname LIKE 'large-%'").fetchone()[0]
        assert writers == 1
        assert db.execute("SELECT count(*) FROM tailscale_nodes").fetchone()[0] == 5000
        online = db.execute("SELECT count(*) FILTER (WHERE tailscale_online) FROM devices "
                            "WHERE tailscale_hostname LIKE 'large-%'").fetchone()[0]
        assert online == 5000 - 1667  # every third simulated node is disconnected
