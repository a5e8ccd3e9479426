-- Linking candidates (InventoryStore.linkCandidatesSQL) set aside a node whose hostname is the
-- name of another pending device that used its key and is not linked yet ("named for another").
-- That test ran once per candidate and, with no index on the hostname a device's name gives,
-- PostgreSQL answered it by reading every device: 1.8 ms of each poll with candidates at
-- 10,000 devices (EXPLAIN ANALYZE), growing with the table. Only the few devices between a used
-- key and a link are indexed, so the index costs nothing once devices are linked.
CREATE INDEX IF NOT EXISTS devices_unlinked_used_key_hostname_idx
    ON devices (lower(replace(name, ' ', '-')))
    WHERE status = 'pending' AND tailscale_device_id IS NULL AND tailscale_key_used_at IS NOT NULL;
