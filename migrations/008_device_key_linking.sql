-- Linking a node to the device it joined for (contract: "Linking a node to a device").
-- The API records no link between a key and the node it created, so the service keeps, per
-- device, the single-use key it minted for it and what the API later said about its use.

ALTER TABLE devices ADD COLUMN IF NOT EXISTS tailscale_key_id text;            -- the API's key "id"
ALTER TABLE devices ADD COLUMN IF NOT EXISTS tailscale_key_created_at timestamptz;
ALTER TABLE devices ADD COLUMN IF NOT EXISTS tailscale_key_expires_at timestamptz;
ALTER TABLE devices ADD COLUMN IF NOT EXISTS tailscale_key_tags text[];
-- When the key was handed to a client (verify, generate-auth-key): from then on the device is
-- joining, and its key's state is worth asking the API about.
ALTER TABLE devices ADD COLUMN IF NOT EXISTS tailscale_key_issued_at timestamptz;
-- When the API first showed the key used (invalid, or 404), and when it was last asked.
ALTER TABLE devices ADD COLUMN IF NOT EXISTS tailscale_key_used_at timestamptz;
ALTER TABLE devices ADD COLUMN IF NOT EXISTS tailscale_key_checked_at timestamptz;

-- The joining devices whose key state the inventory refresh asks about, oldest check first.
CREATE INDEX IF NOT EXISTS devices_joining_key_idx ON devices (tailscale_key_checked_at NULLS FIRST)
    WHERE status = 'pending' AND tailscale_key_id IS NOT NULL AND tailscale_key_used_at IS NULL;

-- check-device also finds a node by its ids (the portal sends metadata.tailscale_device_id).
CREATE INDEX IF NOT EXISTS tailscale_nodes_lower_stable_node_id_idx ON tailscale_nodes (lower(stable_node_id));

-- Candidate nodes are the ones that joined after a device's token or key.
CREATE INDEX IF NOT EXISTS tailscale_nodes_created_at_idx ON tailscale_nodes (created_at);

-- A node is linked to one device at most. On the portal's database, links written before this
-- rule may already repeat a node: the index is then not created and migrate fails with the
-- nodes to fix, rather than guessing which device keeps the link.
DO $$
DECLARE
    repeated text;
BEGIN
    IF to_regclass('devices_tailscale_device_id_unique') IS NULL THEN
        SELECT string_agg(tailscale_device_id, ', ') INTO repeated
        FROM (SELECT tailscale_device_id FROM devices WHERE tailscale_device_id IS NOT NULL
              GROUP BY tailscale_device_id HAVING count(*) > 1 ORDER BY tailscale_device_id LIMIT 20) AS r;
        IF repeated IS NOT NULL THEN
            RAISE EXCEPTION 'devices.tailscale_device_id links these Tailscale nodes to more than one device: %', repeated
                USING HINT = 'Keep the link on the right device and set tailscale_device_id = NULL on the others, then run migrate again.';
        END IF;
        CREATE UNIQUE INDEX devices_tailscale_device_id_unique ON devices (tailscale_device_id)
            WHERE tailscale_device_id IS NOT NULL;
    END IF;
END
$$;
