-- The database role the running service connects as: data only, no DDL, no migrations table.
-- Migrations run as the role that owns the tables (nexus-vault-migrate.service); run this as
-- that owner (or a superuser) once after `migrate`, and again after an upgrade that adds tables:
--   psql "$OWNER_DATABASE_URL" -v app_role=nexus_vault_app -f deploy/systemd/runtime-role.sql
-- The role itself (a superuser, or on Supabase the postgres role, creates it):
--   CREATE ROLE nexus_vault_app LOGIN PASSWORD '...' BYPASSRLS;
-- BYPASSRLS as Supabase's own service_role has: the service reads and writes every
-- organization's rows and enforces the organization scoping itself, and its own tables carry
-- row level security without policies (closed to the portal's roles).
\set ON_ERROR_STOP on

GRANT USAGE ON SCHEMA public TO :"app_role";
-- The portal's tables the service only reads.
GRANT SELECT ON organizations, profiles TO :"app_role";
-- Devices and their keys: created, enrolled, linked and updated, never deleted.
GRANT SELECT, INSERT, UPDATE ON devices, organization_tailscale_config TO :"app_role";
-- The trail: appended to, never changed.
GRANT SELECT, INSERT ON device_events, audit_logs TO :"app_role";
-- The service's own state: the synced inventory and the rate-limit counters come and go.
GRANT SELECT, INSERT, UPDATE, DELETE ON tailscale_nodes, tailscale_sync_state, rate_limits TO :"app_role";
-- Revocations: recorded with the status change, their upstream part marked done; kept.
GRANT SELECT, INSERT, UPDATE ON device_revocations TO :"app_role";
