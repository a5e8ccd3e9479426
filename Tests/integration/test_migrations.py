"""The migrations against a private PostgreSQL cluster: an empty database, a database shaped
like the portal's Supabase project, and two hosts migrating at once.

Each case runs twice: with psql applying the files directly (checks the SQL alone) and with
`nexus-vault migrate` (the Migrator), the latter only when NEXUS_VAULT_BIN is set.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
MIGRATIONS = REPOSITORY / "migrations"
sys.path.insert(0, str(REPOSITORY))

from deploy.devstack.postgres import PostgresCluster, PostgresClusterError  # noqa: E402
from deploy.devstack.processes import free_port  # noqa: E402

NEXUS_VAULT_BIN = os.environ.get("NEXUS_VAULT_BIN")
needs_cli = pytest.mark.skipif(not NEXUS_VAULT_BIN, reason="NEXUS_VAULT_BIN is not set")

PORTAL_TABLES = ["organizations", "profiles", "devices", "device_events", "audit_logs", "organization_tailscale_config"]
SERVICE_TABLES = ["tailscale_nodes", "tailscale_sync_state", "rate_limits"]
SERVICE_DEVICE_COLUMNS = ["enrollment_token_hash", "tailscale_online", "tailscale_last_seen"]

# The portal's Supabase project, reduced to what matters here: the auth schema, foreign keys
# into auth.users, row level security with a policy, a portal-named index, and some rows.
SUPABASE_SCHEMA = """
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;

CREATE TYPE public.user_role AS ENUM ('global_admin', 'org_admin', 'support', 'user');
CREATE TABLE public.organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, logo_url text,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE public.profiles (
    id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
    organization_id uuid REFERENCES public.organizations (id), full_name text NOT NULL,
    role public.user_role DEFAULT 'user', created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE public.devices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    organization_id uuid REFERENCES public.organizations (id), name text NOT NULL,
    device_type text NOT NULL DEFAULT 'laptop', os text, fingerprint text UNIQUE,
    enrollment_token text UNIQUE, enrolled_at timestamptz, last_seen timestamptz DEFAULT now(),
    location text, status text NOT NULL DEFAULT 'pending', trust_level text NOT NULL DEFAULT 'low',
    metadata jsonb DEFAULT '{}'::jsonb, created_at timestamptz NOT NULL DEFAULT now(),
    tailscale_auth_key text, tailscale_hostname text, tailscale_device_id text, tailscale_ip text,
    enrollment_expires_at timestamptz);
CREATE INDEX idx_devices_user_id ON public.devices (user_id);
CREATE TABLE public.device_events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    device_id uuid NOT NULL REFERENCES public.devices (id) ON DELETE CASCADE,
    event_type text NOT NULL, details jsonb DEFAULT '{}'::jsonb, ip_address text,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE public.audit_logs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(), organization_id uuid REFERENCES public.organizations (id),
    user_id uuid REFERENCES auth.users (id), event text NOT NULL, details jsonb DEFAULT '{}'::jsonb,
    created_at timestamptz DEFAULT now());
CREATE TABLE public.organization_tailscale_config (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    tailscale_auth_key text NOT NULL, tags text[] DEFAULT ARRAY['tag:prod'], description text,
    is_active boolean DEFAULT true, created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz, created_by uuid REFERENCES auth.users (id));

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.device_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.audit_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.organization_tailscale_config ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Users can view their own devices" ON public.devices FOR SELECT USING (auth.uid() = user_id);

INSERT INTO auth.users VALUES
    ('11111111-1111-1111-1111-111111111111', 'admin@example.com'),
    ('22222222-2222-2222-2222-222222222222', 'user@example.com');
INSERT INTO public.organizations (id, name, logo_url) VALUES
    ('aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'Acme Ñandú', 'https://example.com/logo.png');
INSERT INTO public.profiles (id, organization_id, full_name, role) VALUES
    ('11111111-1111-1111-1111-111111111111', 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'Ada Admin', 'org_admin'),
    ('22222222-2222-2222-2222-222222222222', 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'Uma User', 'user');
INSERT INTO public.devices (id, user_id, organization_id, name, os, fingerprint, enrollment_token,
        status, trust_level, metadata, tailscale_hostname, tailscale_device_id, tailscale_ip) VALUES
    ('dddddddd-0000-0000-0000-000000000001', '22222222-2222-2222-2222-222222222222',
     'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'Uma''s laptop', 'macOS', 'fp-1', 'raw-portal-token-123',
     'pending', 'low', '{"tailscale_tags": ["tag:prod"], "created_by": "portal", "note": "ünïcode"}',
     NULL, NULL, NULL),
    ('dddddddd-0000-0000-0000-000000000002', '11111111-1111-1111-1111-111111111111',
     'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'Ada desktop', 'linux', 'fp-2', NULL,
     'active', 'high', '{"tailscale_online": true}', 'ada-desktop', 'n123', '100.64.0.2');
INSERT INTO public.device_events (device_id, event_type, details, ip_address) VALUES
    ('dddddddd-0000-0000-0000-000000000001', 'device_registered', '{"source": "portal"}', '203.0.113.9');
INSERT INTO public.audit_logs (organization_id, user_id, event, details) VALUES
    ('aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', '11111111-1111-1111-1111-111111111111', 'org_created', '{}');
INSERT INTO public.organization_tailscale_config (organization_id, tailscale_auth_key, description, created_by) VALUES
    ('aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', 'tskey-auth-plain', 'prod key', '11111111-1111-1111-1111-111111111111');
"""


@pytest.fixture(scope="module")
def cluster():
    with tempfile.TemporaryDirectory(prefix="nv-pg-") as root:
        os.chmod(root, 0o755)  # the postgres user must reach its data directory inside
        cluster = PostgresCluster(os.path.join(root, "data"), free_port())
        cluster.start()
        yield cluster
        cluster.stop(mode="immediate")


@pytest.fixture
def database(cluster, request):
    name = "mig_" + request.node.name.lower().replace("[", "_").replace("]", "").replace("-", "_")
    cluster.psql(f'DROP DATABASE IF EXISTS "{name}"', "postgres")
    cluster.create_database(name)
    return name


# `nexus-vault` validates its whole configuration before any command, migrate included, so
# throwaway values stand in for the settings migrating never uses.
UNUSED_SETTINGS = {"JWT_SECRET": "migration-test-secret-never-used-for-tokens", "SECRETS_ENCRYPTION_KEY": secrets.token_hex(32)}


def migrate_with_cli(cluster: PostgresCluster, dbname: str) -> subprocess.CompletedProcess:
    environment = {
        **UNUSED_SETTINGS,
        **os.environ,
        "DATABASE_URL": cluster.url(dbname),
        "NEXUS_MIGRATIONS_DIR": str(MIGRATIONS),
    }
    return subprocess.run([NEXUS_VAULT_BIN, "migrate"], env=environment, capture_output=True, text=True, timeout=120)


def migrate_with_psql(cluster: PostgresCluster, dbname: str) -> None:
    # Like the Migrator: one transaction per file, so a file that only works outside one fails here too.
    for path in sorted(MIGRATIONS.glob("*.sql")):
        cluster.psql("BEGIN;\n" + path.read_text() + "\nCOMMIT;", dbname)


def migrate(applier: str, cluster: PostgresCluster, dbname: str) -> None:
    if applier == "psql":
        migrate_with_psql(cluster, dbname)
    else:
        result = migrate_with_cli(cluster, dbname)
        assert result.returncode == 0, result.stderr


APPLIERS = ["psql", pytest.param("cli", marks=needs_cli)]


def rows_of(cluster: PostgresCluster, dbname: str, table: str, columns: str) -> list[str]:
    return cluster.psql(f"SELECT to_jsonb(t) FROM (SELECT {columns} FROM public.{table} ORDER BY id) t", dbname).splitlines()


def column_list(cluster: PostgresCluster, dbname: str, table: str) -> str:
    return cluster.psql(
        "SELECT string_agg(quote_ident(column_name), ',' ORDER BY ordinal_position) "
        f"FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}'",
        dbname,
    ).strip()


def has_table(cluster: PostgresCluster, dbname: str, table: str) -> bool:
    return cluster.psql(f"SELECT to_regclass('public.{table}') IS NOT NULL", dbname).strip() == "t"


def has_column(cluster: PostgresCluster, dbname: str, table: str, column: str) -> bool:
    return cluster.psql(
        "SELECT count(*) FROM information_schema.columns "
        f"WHERE table_schema = 'public' AND table_name = '{table}' AND column_name = '{column}'",
        dbname,
    ).strip() == "1"


def recorded_migrations(cluster: PostgresCluster, dbname: str) -> list[str]:
    return cluster.psql("SELECT name FROM schema_migrations ORDER BY name", dbname).splitlines()


def migration_files() -> list[str]:
    return sorted(path.name for path in MIGRATIONS.glob("*.sql"))


def assert_service_schema(cluster: PostgresCluster, dbname: str) -> None:
    for table in PORTAL_TABLES + SERVICE_TABLES:
        assert has_table(cluster, dbname, table), table
    for column in SERVICE_DEVICE_COLUMNS:
        assert has_column(cluster, dbname, "devices", column), column
    assert cluster.psql("SELECT node_count FROM tailscale_sync_state WHERE id = 1", dbname).strip() == "0"


@pytest.mark.parametrize("applier", APPLIERS)
def test_empty_database(cluster, database, applier):
    migrate(applier, cluster, database)
    migrate(applier, cluster, database)  # idempotent

    assert_service_schema(cluster, database)
    profile_foreign_keys = cluster.psql(
        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.profiles'::regclass AND contype = 'f' "
        "AND confrelid <> 'public.organizations'::regclass",
        database,
    )
    assert profile_foreign_keys.strip() == "0"
    roles = cluster.psql("SELECT enum_range(NULL::user_role)", database).strip()
    assert roles == "{global_admin,org_admin,support,user}"
    if applier == "cli":
        assert recorded_migrations(cluster, database) == migration_files()


@pytest.mark.parametrize("applier", APPLIERS)
def test_supabase_database_keeps_its_data(cluster, database, applier):
    cluster.psql(SUPABASE_SCHEMA, database)
    columns = {table: column_list(cluster, database, table) for table in PORTAL_TABLES}
    before = {table: rows_of(cluster, database, table, columns[table]) for table in PORTAL_TABLES}
    assert all(before.values())

    migrate(applier, cluster, database)
    migrate(applier, cluster, database)

    after = {table: rows_of(cluster, database, table, columns[table]) for table in PORTAL_TABLES}
    assert after == before
    assert_service_schema(cluster, database)

    raw_token = cluster.psql(
        "SELECT enrollment_token, enrollment_token_hash IS NULL FROM devices WHERE fingerprint = 'fp-1'", database
    ).strip()
    assert raw_token == "raw-portal-token-123|t"
    profile_to_auth = cluster.psql(
        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'public.profiles'::regclass "
        "AND confrelid = 'auth.users'::regclass",
        database,
    )
    assert profile_to_auth.strip() == "1"
    without_rls = cluster.psql(
        "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' "
        "AND relname <> 'schema_migrations' AND NOT relrowsecurity",
        database,
    )
    assert without_rls.strip() == "0"


@pytest.mark.parametrize("applier", APPLIERS)
def test_inventory_writes_leave_no_pending_address_entries(cluster, database, applier):
    """check-device's address probe reads GIN's pending list in full: none must build up."""
    migrate(applier, cluster, database)
    options = cluster.psql("SELECT reloptions FROM pg_class WHERE oid = 'tailscale_nodes_addresses_idx'::regclass", database)
    assert options.strip() == "{fastupdate=off}"
    cluster.psql(
        "INSERT INTO tailscale_nodes (node_id, hostname, addresses, raw, synced_at) "
        "SELECT 'n' || i, 'host-' || i, ARRAY['100.64.' || (i / 250) || '.' || (i % 250)], '{}', now() "
        "FROM generate_series(1, 500) AS i",
        database,
    )
    merged = cluster.psql(
        "SELECT gin_clean_pending_list('tailscale_nodes_addresses_idx'::regclass)", database)
    assert merged.strip() == "0"


@needs_cli
def test_concurrent_migrations_apply_each_file_once(cluster, database):
    results: list[subprocess.CompletedProcess] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        results.append(migrate_with_cli(cluster, database))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [result.returncode for result in results] == [0, 0], [result.stderr for result in results]
    assert recorded_migrations(cluster, database) == migration_files()
    assert_service_schema(cluster, database)


def test_cluster_restart_keeps_data_and_refuses_a_taken_port(cluster, database):
    cluster.psql("CREATE TABLE survivor (note text); INSERT INTO survivor VALUES ('still here')", database)
    cluster.restart()
    assert cluster.is_running()
    assert cluster.psql("SELECT note FROM survivor", database).strip() == "still here"

    with tempfile.TemporaryDirectory(prefix="nv-pg-") as root:
        os.chmod(root, 0o755)
        rival = PostgresCluster(os.path.join(root, "data"), cluster.port)
        with pytest.raises(PostgresClusterError, match="already in use"):
            rival.start()
