#include "cmetrics.h"
#include "shared_memory.h"
#include <sched.h>
#include <string.h>

enum { FREE = 0, CLAIMING = 1, READY = 2 };

int nv_metrics_create(void) {
    return nv_shared_memory_create("nexus-vault-metrics", sizeof(nv_metrics), true);
}

nv_metrics *nv_metrics_map(int fd) {
    return nv_shared_memory_map(fd, sizeof(nv_metrics));
}

nv_metrics *nv_metrics_private(void) {
    return nv_private_memory(sizeof(nv_metrics));
}

int32_t nv_metrics_series_index(nv_metrics *table, uint64_t key, const char *text, uint32_t length) {
    if (length == 0 || length > NV_METRICS_TEXT_BYTES) return -1;
    for (uint32_t probe = 0; probe < NV_METRICS_SERIES; probe++) {
        uint32_t index = (uint32_t)((key + probe) % NV_METRICS_SERIES);
        nv_metric_series *series = &table->series[index];
        for (;;) {
            uint32_t state = __atomic_load_n(&series->state, __ATOMIC_ACQUIRE);
            if (state == READY) {
                if (series->key == key) return (int32_t)index;
                break;
            }
            if (state == FREE) {
                uint32_t expected = FREE;
                if (!__atomic_compare_exchange_n(&series->state, &expected, CLAIMING, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                    continue;  // another process claimed it: see what it became
                series->key = key;
                series->length = length;
                memcpy(series->text, text, length);
                __atomic_store_n(&series->state, READY, __ATOMIC_RELEASE);
                return (int32_t)index;
            }
            sched_yield();  // being claimed: the text is a few bytes away from ready
        }
    }
    return -1;
}

static uint64_t *value_at(nv_metrics *table, int32_t series, uint32_t value) {
    if (series < 0 || series >= NV_METRICS_SERIES || value >= NV_METRICS_VALUES) return NULL;
    return &table->series[series].values[value];
}

void nv_metrics_add(nv_metrics *table, int32_t series, uint32_t value, uint64_t delta) {
    uint64_t *slot = value_at(table, series, value);
    if (slot) __atomic_fetch_add(slot, delta, __ATOMIC_RELAXED);
}

void nv_metrics_store(nv_metrics *table, int32_t series, uint32_t value, uint64_t stored) {
    uint64_t *slot = value_at(table, series, value);
    if (slot) __atomic_store_n(slot, stored, __ATOMIC_RELAXED);
}

void nv_metrics_store_max(nv_metrics *table, int32_t series, uint32_t value, uint64_t stored) {
    uint64_t *slot = value_at(table, series, value);
    if (!slot) return;
    uint64_t seen = __atomic_load_n(slot, __ATOMIC_RELAXED);
    while (seen < stored && !__atomic_compare_exchange_n(slot, &seen, stored, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
}

uint64_t nv_metrics_load(const nv_metrics *table, int32_t series, uint32_t value) {
    if (series < 0 || series >= NV_METRICS_SERIES || value >= NV_METRICS_VALUES) return 0;
    return __atomic_load_n(&table->series[series].values[value], __ATOMIC_RELAXED);
}

uint32_t nv_metrics_text(const nv_metrics *table, int32_t series, char *out) {
    if (series < 0 || series >= NV_METRICS_SERIES) return 0;
    const nv_metric_series *entry = &table->series[series];
    if (__atomic_load_n(&entry->state, __ATOMIC_ACQUIRE) != READY) return 0;
    memcpy(out, entry->text, entry->length);
    return entry->length;
}
