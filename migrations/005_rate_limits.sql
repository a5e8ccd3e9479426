-- Fixed-window counters shared by every host behind the load balancer.
-- UNLOGGED: counters are rewritten on almost every request and are worthless after a crash
-- (the server empties unlogged tables then), so they skip the write-ahead log.
-- Row level security without policies, for the same reason as the Tailscale inventory.

CREATE UNLOGGED TABLE IF NOT EXISTS rate_limits (
    bucket text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    hits int NOT NULL
);

-- Lets a periodic cleanup delete expired windows without a full scan.
CREATE INDEX IF NOT EXISTS rate_limits_window_start_idx ON rate_limits (window_start);

ALTER TABLE rate_limits ENABLE ROW LEVEL SECURITY;
