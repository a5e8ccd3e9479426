#include "host_counters.h"
#include "shared_memory.h"

int nv_host_counters_create(void) {
    return nv_shared_memory_create("nexus-vault-host-counters", sizeof(nv_host_counters), true);
}

nv_host_counters *nv_host_counters_map(int fd) {
    return nv_shared_memory_map(fd, sizeof(nv_host_counters));
}

enum { HOST_COUNTER_PROBES = 8 };

static uint32_t count_in_slot(nv_host_counter_slot *slot, uint32_t window) {
    uint64_t seen = __atomic_load_n(&slot->window_and_count, __ATOMIC_ACQUIRE);
    for (;;) {
        uint64_t next = (uint32_t)(seen >> 32) == window ? seen + 1 : ((uint64_t)window << 32) | 1;
        if (__atomic_compare_exchange_n(&slot->window_and_count, &seen, next, 1, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return (uint32_t)next;
    }
}

uint32_t nv_host_counters_hit(nv_host_counters *table, uint64_t key, uint32_t window) {
    if (key == 0) key = 1;
    nv_host_counter_slot *reusable = NULL;
    nv_host_counter_slot *least = NULL;
    uint32_t least_count = UINT32_MAX;
    for (uint32_t probe = 0; probe < HOST_COUNTER_PROBES; probe++) {
        nv_host_counter_slot *slot = &table->slots[(key + probe) % NV_HOST_COUNTER_SLOTS];
        uint64_t held = __atomic_load_n(&slot->key, __ATOMIC_ACQUIRE);
        if (held == key) return count_in_slot(slot, window);
        if (held == 0) {
            if (__atomic_compare_exchange_n(&slot->key, &held, key, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                return count_in_slot(slot, window);
            if (held == key) return count_in_slot(slot, window);
            continue;
        }
        uint64_t state = __atomic_load_n(&slot->window_and_count, __ATOMIC_ACQUIRE);
        if ((uint32_t)(state >> 32) != window) {
            if (!reusable) reusable = slot;
        } else if ((uint32_t)state < least_count) {
            least = slot;
            least_count = (uint32_t)state;
        }
    }
    // Every probed slot is taken: take over one whose window ended, else share the least used
    // (two keys then count together for the rest of the window: stricter, never looser).
    if (reusable) {
        __atomic_store_n(&reusable->window_and_count, ((uint64_t)window << 32), __ATOMIC_RELEASE);
        __atomic_store_n(&reusable->key, key, __ATOMIC_RELEASE);
        return count_in_slot(reusable, window);
    }
    return count_in_slot(least ? least : &table->slots[key % NV_HOST_COUNTER_SLOTS], window);
}
