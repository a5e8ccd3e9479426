-- list_devices pages through an organization's, a user's or all devices, newest first, with
-- a (created_at, id) cursor: one index per scope, in the listing's order, so that a page is
-- an index range read that stops after `limit` rows whatever the organization's size.

CREATE INDEX IF NOT EXISTS devices_organization_listing_idx
    ON devices (organization_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS devices_user_listing_idx
    ON devices (user_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS devices_listing_idx
    ON devices (created_at DESC, id DESC);

-- The listing flags pending devices whose node could not be told apart from another
-- (tailscale_link_ambiguous events) without reading every event of the device.
CREATE INDEX IF NOT EXISTS device_events_device_type_idx
    ON device_events (device_id, event_type);
