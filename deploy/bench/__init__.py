"""`make bench`: load-tests the gateway through nginx with wrk, beside a minimal C FastCGI
responder (the ceiling) behind the same nginx, and reports throughput, latency and memory."""
