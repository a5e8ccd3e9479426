-- When the stored device list was requested from the Tailscale API, by the database's clock.
-- Syncs are serialized by an advisory lock, but each fetches its list before taking it (an API
-- call is never made under the lock): a monitor round could fetch, a polling refresh fetch
-- later and commit, then the round commit its older list over the newer one, deleting a node
-- that had joined in between and leaving its device unseen until the next sync. A sync whose
-- list was requested before the stored one leaves the nodes as they are.
ALTER TABLE tailscale_sync_state
    ADD COLUMN IF NOT EXISTS list_requested_at timestamptz;
