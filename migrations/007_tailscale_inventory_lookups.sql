-- What the polling actions need from the synced tailnet inventory.

-- A refresh lease: when the inventory is stale, the one request that sets this (conditional
-- UPDATE) calls the Tailscale API; every other request answers from what is there until the
-- lease runs out, so a crowd of pollers costs one device-list call, not one each.
ALTER TABLE tailscale_sync_state
    ADD COLUMN IF NOT EXISTS refresh_claimed_at timestamptz;

-- check-device matches a MagicDNS name by its first label and a node by any of its addresses.
CREATE INDEX IF NOT EXISTS tailscale_nodes_dns_first_label_idx
    ON tailscale_nodes (split_part(lower(dns_name), '.', 1));
CREATE INDEX IF NOT EXISTS tailscale_nodes_addresses_idx
    ON tailscale_nodes USING gin (addresses);
