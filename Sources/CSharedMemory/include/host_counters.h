// Per-host rate counters: fixed-window hit counts in one shared-memory table. Every worker of
// one `serve` (all generations) maps the same table, so a limit holds for the host as a whole,
// like nginx's limit_req zones, and counting costs a few atomic operations instead of a
// database write. A key is a 64-bit hash of what is limited (0 is reserved); a slot keeps the
// key and, packed in one word, the window number and its count.
#ifndef NEXUS_HOST_COUNTERS_H
#define NEXUS_HOST_COUNTERS_H

#include <stdint.h>

#define NV_HOST_COUNTER_SLOTS 16384
typedef struct nv_host_counter_slot {
    uint64_t key;
    uint64_t window_and_count;  // window number << 32 | hits in that window
} nv_host_counter_slot;
typedef struct nv_host_counters {
    nv_host_counter_slot slots[NV_HOST_COUNTER_SLOTS];
} nv_host_counters;

// A new shared-memory file for the table, inheritable (no close-on-exec) and at fd 10 or
// above; -1 on failure.
int nv_host_counters_create(void);
nv_host_counters *nv_host_counters_map(int fd);
// Counts one hit of `key` in window `window`; returns the hits in that window so far, this
// one included (a slot whose window ended starts again at 1). When every probed slot holds
// another key in the current window, the hit is counted in the least used of them.
uint32_t nv_host_counters_hit(nv_host_counters *table, uint64_t key, uint32_t window);

#endif
