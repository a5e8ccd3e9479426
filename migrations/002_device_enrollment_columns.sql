-- Columns the service adds to the portal's devices table.

ALTER TABLE devices
    -- SHA-256 (hex) of an enrollment token the service issued; the token itself is never
    -- stored. enrollment_token stays for raw tokens the portal writes itself.
    ADD COLUMN IF NOT EXISTS enrollment_token_hash text,
    -- Written by the Tailscale sync (and mirrored into metadata for the portal).
    ADD COLUMN IF NOT EXISTS tailscale_online boolean,
    ADD COLUMN IF NOT EXISTS tailscale_last_seen timestamptz;

-- verify looks a device up by its token hash; a hash must identify one device.
CREATE UNIQUE INDEX IF NOT EXISTS devices_enrollment_token_hash_key
    ON devices (enrollment_token_hash)
    WHERE enrollment_token_hash IS NOT NULL;
