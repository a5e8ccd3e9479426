-- verify binds a redeemed enrollment token to the fingerprint it was redeemed with: the same
-- fingerprint gets the same answer again (a page reload works), any other one is refused.
-- The binding names the token (by hash) it belongs to, so a new token the portal writes into
-- enrollment_token for the same device starts unbound.

ALTER TABLE devices
    -- SHA-256 (hex) of the token that was redeemed; never the token itself.
    ADD COLUMN IF NOT EXISTS enrollment_verified_token_hash text,
    -- The fingerprint it was redeemed with; '' when the request had none.
    ADD COLUMN IF NOT EXISTS enrollment_verified_fingerprint text;
