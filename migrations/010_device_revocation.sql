-- A revocation is recorded with the device's status change; its upstream part (removing the
-- node from the tailnet or expiring its key, revoking the device's unused minted key) is
-- done right away when Tailscale answers and otherwise retried by the device monitor until
-- it is done. A row with completed_at NULL is "pending upstream".

CREATE TABLE IF NOT EXISTS device_revocations (
    device_id uuid PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    node_id text,                  -- the tailnet node, NULL when none was linked
    key_id text,                   -- the device's minted single-use key, NULL when none is known
    node_action text NOT NULL CHECK (node_action IN ('delete', 'expire')),
    requested_by uuid,
    requested_at timestamptz NOT NULL DEFAULT now(),
    attempts int NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    completed_at timestamptz
);

-- The monitor's retry round reads only the pending ones, oldest first.
CREATE INDEX IF NOT EXISTS device_revocations_pending_idx
    ON device_revocations (requested_at) WHERE completed_at IS NULL;

ALTER TABLE device_revocations ENABLE ROW LEVEL SECURITY;
