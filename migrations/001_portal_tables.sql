-- The portal's own tables, exactly as contract/schema.md fixes their names and columns.
-- On the portal's Supabase database they exist already and this file changes nothing there;
-- on an empty database it creates them. There is no auth schema on an empty database, so
-- profiles.id carries no foreign key to auth.users here.

-- Checked in pg_enum before altering, so a role that does not own the type (common on
-- Supabase) never needs to.
DO $$
DECLARE
    wanted text;
BEGIN
    IF to_regtype('user_role') IS NULL THEN
        CREATE TYPE user_role AS ENUM ('global_admin', 'org_admin', 'support', 'user');
    END IF;
    FOREACH wanted IN ARRAY ARRAY['global_admin', 'org_admin', 'support', 'user'] LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_enum WHERE enumtypid = to_regtype('user_role') AND enumlabel = wanted
        ) THEN
            EXECUTE format('ALTER TYPE user_role ADD VALUE %L', wanted);
        END IF;
    END LOOP;
END
$$;

CREATE TABLE IF NOT EXISTS organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    logo_url text,
    created_at timestamptz DEFAULT now()
);

CREATE TABLE IF NOT EXISTS profiles (
    id uuid PRIMARY KEY, -- the user's id, the `sub` of their JWT
    organization_id uuid REFERENCES organizations (id),
    full_name text NOT NULL,
    role user_role DEFAULT 'user',
    created_at timestamptz DEFAULT now()
);

CREATE TABLE IF NOT EXISTS devices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL,
    organization_id uuid,
    name text NOT NULL,
    device_type text NOT NULL DEFAULT 'laptop',
    os text,
    fingerprint text UNIQUE,
    enrollment_token text UNIQUE,
    enrolled_at timestamptz,
    last_seen timestamptz DEFAULT now(),
    location text,
    status text NOT NULL DEFAULT 'pending',
    trust_level text NOT NULL DEFAULT 'low',
    metadata jsonb DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    tailscale_auth_key text,
    tailscale_hostname text,
    tailscale_device_id text,
    tailscale_ip text,
    enrollment_expires_at timestamptz
);

-- The portal added its Tailscale columns in a later migration of its own; a database from
-- before that gets them here.
ALTER TABLE devices
    ADD COLUMN IF NOT EXISTS tailscale_auth_key text,
    ADD COLUMN IF NOT EXISTS tailscale_hostname text,
    ADD COLUMN IF NOT EXISTS tailscale_device_id text,
    ADD COLUMN IF NOT EXISTS tailscale_ip text,
    ADD COLUMN IF NOT EXISTS enrollment_expires_at timestamptz;

CREATE TABLE IF NOT EXISTS device_events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    event_type text NOT NULL,
    details jsonb DEFAULT '{}',
    ip_address text,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS audit_logs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid,
    user_id uuid,
    event text NOT NULL,
    details jsonb DEFAULT '{}',
    created_at timestamptz DEFAULT now()
);

CREATE TABLE IF NOT EXISTS organization_tailscale_config (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    tailscale_auth_key text NOT NULL,
    tags text[] DEFAULT ARRAY['tag:prod'],
    description text,
    is_active boolean DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    created_by uuid
);
