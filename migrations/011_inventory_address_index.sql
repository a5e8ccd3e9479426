-- check-device finds a node by any of its addresses through a GIN index. GIN's default
-- fastupdate collects new entries in an unsorted pending list that every lookup reads in full
-- until autovacuum merges it; each sync adds the nodes it inserts or changes. After a sync of
-- 1,000 new nodes, that list made the address probe 80-99 µs of every check-device lookup
-- instead of 5-6 µs (EXPLAIN ANALYZE), the largest part of its PostgreSQL time. Without it, a
-- write merges its few addresses into the index itself; the sync writes only changed nodes.
ALTER INDEX IF EXISTS tailscale_nodes_addresses_idx SET (fastupdate = off);

-- Entries already pending stay there until merged: merge them now.
SELECT gin_clean_pending_list(to_regclass('tailscale_nodes_addresses_idx'))
WHERE to_regclass('tailscale_nodes_addresses_idx') IS NOT NULL;
