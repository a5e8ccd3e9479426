-- The synced copy of the tailnet's devices, so that polling actions read the database and
-- not the Tailscale API. Row level security is enabled without policies: on Supabase the
-- anon and authenticated roles get default grants on new public tables, and this inventory
-- is not theirs to read through the REST API; the owner (the service) is not subject to it.

CREATE TABLE IF NOT EXISTS tailscale_nodes (
    node_id text PRIMARY KEY,      -- the API's "id"
    stable_node_id text,           -- the API's "nodeId"
    hostname text NOT NULL,
    dns_name text,                 -- the API's "name" (MagicDNS)
    addresses text[] NOT NULL DEFAULT '{}',
    os text,
    tags text[] NOT NULL DEFAULT '{}',
    authorized boolean,
    connected_to_control boolean,
    last_seen timestamptz,
    created_at timestamptz,
    raw jsonb NOT NULL,            -- the API's device object as received
    synced_at timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS tailscale_nodes_lower_hostname_idx ON tailscale_nodes (lower(hostname));
CREATE INDEX IF NOT EXISTS tailscale_nodes_lower_dns_name_idx ON tailscale_nodes (lower(dns_name));

-- A single row: when the inventory was last synced. It exists from the start so that the
-- sync only ever updates it; synced_at NULL means "never synced".
CREATE TABLE IF NOT EXISTS tailscale_sync_state (
    id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    synced_at timestamptz,
    node_count int NOT NULL DEFAULT 0
);

INSERT INTO tailscale_sync_state (id) VALUES (1) ON CONFLICT (id) DO NOTHING;

ALTER TABLE tailscale_nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE tailscale_sync_state ENABLE ROW LEVEL SECURITY;
