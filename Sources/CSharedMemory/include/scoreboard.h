// The scoreboard: one shared-memory area per child, a slot per request thread (PHP-FPM's
// design, per thread). Each request thread updates its own slot around every request with
// plain atomic stores (no system call, no lock, no wake-up of the supervisor); the supervisor
// reads all slots on its own schedule.
#ifndef NEXUS_SCOREBOARD_H
#define NEXUS_SCOREBOARD_H

#include <stdint.h>

#define NV_SCOREBOARD_MAX_THREADS 256
typedef struct nv_scoreboard_thread {
    uint64_t requests;       // requests this thread finished
    int64_t busy_since_ns;   // CLOCK_MONOTONIC when its current request started; 0 = idle
} nv_scoreboard_thread;
typedef struct nv_scoreboard {
    uint32_t ready;          // 1 once the child can take requests
    uint32_t threads;        // request threads in use (slots 0..threads-1), set before ready
    nv_scoreboard_thread slots[NV_SCOREBOARD_MAX_THREADS];
} nv_scoreboard;

// A new zeroed scoreboard file (close-on-exec, at fd 10 or above, so that the spawner can move
// it to fd 3); -1 on failure.
int nv_scoreboard_create(void);
// Maps a scoreboard file read-write and shared; NULL on failure.
nv_scoreboard *nv_scoreboard_map(int fd);
void nv_scoreboard_unmap(nv_scoreboard *board);
// Publishes the thread count (clamped to NV_SCOREBOARD_MAX_THREADS), then readiness.
void nv_scoreboard_mark_ready(nv_scoreboard *board, uint32_t threads);
void nv_scoreboard_request_started(nv_scoreboard *board, uint32_t thread);
void nv_scoreboard_request_finished(nv_scoreboard *board, uint32_t thread);
// Readiness and thread count; then one thread's slot.
void nv_scoreboard_read(const nv_scoreboard *board, uint32_t *ready, uint32_t *threads);
void nv_scoreboard_read_thread(const nv_scoreboard *board, uint32_t thread, uint64_t *requests, int64_t *busy_since_ns);

#endif
