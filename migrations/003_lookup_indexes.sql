-- One index per lookup the actions make. fingerprint and enrollment_token are indexed by
-- their unique constraints already (devices_fingerprint_key, devices_enrollment_token_key).

CREATE INDEX IF NOT EXISTS devices_user_id_idx ON devices (user_id);
CREATE INDEX IF NOT EXISTS devices_organization_id_idx ON devices (organization_id);
CREATE INDEX IF NOT EXISTS devices_tailscale_device_id_idx ON devices (tailscale_device_id);
-- Hostnames are matched case-insensitively against the tailnet's.
CREATE INDEX IF NOT EXISTS devices_lower_tailscale_hostname_idx ON devices (lower(tailscale_hostname));

-- "The organization's newest active key".
CREATE INDEX IF NOT EXISTS organization_tailscale_config_active_idx
    ON organization_tailscale_config (organization_id, is_active, created_at DESC);

CREATE INDEX IF NOT EXISTS audit_logs_organization_id_idx ON audit_logs (organization_id);
CREATE INDEX IF NOT EXISTS device_events_device_id_idx ON device_events (device_id);
