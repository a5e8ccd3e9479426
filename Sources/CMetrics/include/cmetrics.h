#ifndef NEXUS_VAULT_CMETRICS_H
#define NEXUS_VAULT_CMETRICS_H
#include <stdint.h>

// A table of metric series in shared memory, created by `serve` and mapped by every child, so
// that counters add up across worker processes and their threads and outlive a respawn. A
// series is named by its text (`name{label="value",...}`) and holds a few 64-bit values
// (a counter: one; a histogram: count, sum, a bucket each), all updated with C11 atomics.

#define NV_METRICS_SERIES 1024
#define NV_METRICS_VALUES 16
#define NV_METRICS_TEXT_BYTES 152

typedef struct nv_metric_series {
    uint32_t state;   // 0 free, 1 being claimed, 2 ready
    uint32_t length;  // of text
    uint64_t key;     // hash of text
    char text[NV_METRICS_TEXT_BYTES];
    uint64_t values[NV_METRICS_VALUES];
} nv_metric_series;

typedef struct nv_metrics {
    nv_metric_series series[NV_METRICS_SERIES];
} nv_metrics;

// A new shared-memory file (memfd) for the table, inheritable (no close-on-exec) and at fd 10
// or above; -1 on failure.
int nv_metrics_create(void);
nv_metrics *nv_metrics_map(int fd);
// A zeroed private table, for a process started without one.
nv_metrics *nv_metrics_private(void);

// The index of the series named `text` (claimed on first use); -1 when the text is too long or
// the table is full.
int32_t nv_metrics_series_index(nv_metrics *table, uint64_t key, const char *text, uint32_t length);
void nv_metrics_add(nv_metrics *table, int32_t series, uint32_t value, uint64_t delta);
void nv_metrics_store(nv_metrics *table, int32_t series, uint32_t value, uint64_t stored);
// Raises the value to `stored` unless it is already larger (a last-success time from several processes).
void nv_metrics_store_max(nv_metrics *table, int32_t series, uint32_t value, uint64_t stored);
uint64_t nv_metrics_load(const nv_metrics *table, int32_t series, uint32_t value);
// Copies a ready series' text into `out` (at least NV_METRICS_TEXT_BYTES); its length, or 0
// when the series is not in use.
uint32_t nv_metrics_text(const nv_metrics *table, int32_t series, char *out);

#endif
