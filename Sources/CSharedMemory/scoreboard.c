#include "scoreboard.h"
#include "shared_memory.h"

#include <time.h>

int nv_scoreboard_create(void) {
    return nv_shared_memory_create("nexus-vault-scoreboard", sizeof(nv_scoreboard), false);
}

nv_scoreboard *nv_scoreboard_map(int fd) {
    return nv_shared_memory_map(fd, sizeof(nv_scoreboard));
}

void nv_scoreboard_unmap(nv_scoreboard *board) {
    nv_shared_memory_unmap(board, sizeof(nv_scoreboard));
}

// The supervisor compares these with its own MonotonicClock readings: the same system-wide clock.
static int64_t monotonic_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

void nv_scoreboard_mark_ready(nv_scoreboard *board, uint32_t threads) {
    if (threads > NV_SCOREBOARD_MAX_THREADS) threads = NV_SCOREBOARD_MAX_THREADS;
    __atomic_store_n(&board->threads, threads, __ATOMIC_RELEASE);
    __atomic_store_n(&board->ready, 1, __ATOMIC_RELEASE);
}

void nv_scoreboard_request_started(nv_scoreboard *board, uint32_t thread) {
    if (thread >= NV_SCOREBOARD_MAX_THREADS) return;
    __atomic_store_n(&board->slots[thread].busy_since_ns, monotonic_ns(), __ATOMIC_RELEASE);
}

void nv_scoreboard_request_finished(nv_scoreboard *board, uint32_t thread) {
    if (thread >= NV_SCOREBOARD_MAX_THREADS) return;
    __atomic_store_n(&board->slots[thread].busy_since_ns, 0, __ATOMIC_RELEASE);
    __atomic_fetch_add(&board->slots[thread].requests, 1, __ATOMIC_RELEASE);
}

void nv_scoreboard_read(const nv_scoreboard *board, uint32_t *ready, uint32_t *threads) {
    *ready = __atomic_load_n(&board->ready, __ATOMIC_ACQUIRE);
    uint32_t count = __atomic_load_n(&board->threads, __ATOMIC_ACQUIRE);
    *threads = count > NV_SCOREBOARD_MAX_THREADS ? NV_SCOREBOARD_MAX_THREADS : count;
}

void nv_scoreboard_read_thread(const nv_scoreboard *board, uint32_t thread, uint64_t *requests, int64_t *busy_since_ns) {
    if (thread >= NV_SCOREBOARD_MAX_THREADS) {
        *requests = 0;
        *busy_since_ns = 0;
        return;
    }
    *requests = __atomic_load_n(&board->slots[thread].requests, __ATOMIC_ACQUIRE);
    *busy_since_ns = __atomic_load_n(&board->slots[thread].busy_since_ns, __ATOMIC_ACQUIRE);
}
