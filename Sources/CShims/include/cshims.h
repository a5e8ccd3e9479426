// C helpers for the few system APIs that Swift cannot call directly: variadic functions
// (curl_easy_setopt, curl_easy_getinfo, prctl) and async-signal-safe signal handling.
#ifndef NEXUS_CSHIMS_H
#define NEXUS_CSHIMS_H

#include <curl/curl.h>
#include <stddef.h>

// --- libcurl: typed wrappers around the variadic setopt/getinfo ---
CURLcode nv_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode nv_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode nv_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
typedef size_t (*nv_curl_data_callback)(char *data, size_t size, size_t count, void *context);
CURLcode nv_curl_setopt_write_callback(CURL *handle, nv_curl_data_callback callback, void *context);
CURLcode nv_curl_setopt_header_callback(CURL *handle, nv_curl_data_callback callback, void *context);
long nv_curl_response_code(CURL *handle);

// --- signals: a self-pipe, so that handlers never do more than write one byte ---
// Installs one handler (with SA_RESTART) for each signal in `signals`. Each delivery writes the
// signal number as one byte to a non-blocking, close-on-exec pipe whose read end is returned.
// Returns -1 on failure (errno set).
int nv_signals_install(const int *signals, int count);
// Resets the given signals to their default disposition (for a child before exec).
void nv_signals_reset(const int *signals, int count);

// --- the scoreboard: one shared-memory area per child, a slot per request thread (PHP-FPM's
// design, per thread) ---
// Each request thread updates its own slot around every request with plain atomic stores (no
// system call, no lock, no wake-up of the supervisor); the supervisor reads all slots on its
// own schedule.
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

// A new anonymous shared-memory file (memfd, close-on-exec) sized for one scoreboard; -1 on failure.
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
int64_t nv_monotonic_ns(void);

// --- per-host rate counters: fixed-window hit counts in one shared-memory table ---
// Every worker of one `serve` (all generations) maps the same table, so a limit holds for the
// host as a whole, like nginx's limit_req zones, and counting costs a few atomic operations
// instead of a database write. A key is a 64-bit hash of what is limited (0 is reserved); a
// slot keeps the key and, packed in one word, the window number and its count.
#define NV_HOST_COUNTER_SLOTS 16384
typedef struct nv_host_counter_slot {
    uint64_t key;
    uint64_t window_and_count;  // window number << 32 | hits in that window
} nv_host_counter_slot;
typedef struct nv_host_counters {
    nv_host_counter_slot slots[NV_HOST_COUNTER_SLOTS];
} nv_host_counters;

// A new shared-memory file (memfd) for the table, inheritable (no close-on-exec) and at fd
// 10 or above; -1 on failure.
int nv_host_counters_create(void);
nv_host_counters *nv_host_counters_map(int fd);
// Counts one hit of `key` in window `window`; returns the hits in that window so far, this
// one included (a slot whose window ended starts again at 1). When every probed slot holds
// another key in the current window, the hit is counted in the least used of them.
uint32_t nv_host_counters_hit(nv_host_counters *table, uint64_t key, uint32_t window);

// --- waiting for a connection (workers sharing one listen socket) ---
// An epoll set over the stop descriptor and the listen socket, the latter with EPOLLEXCLUSIVE:
// a new connection wakes one waiting worker instead of all of them (no thundering herd).
// Returns the epoll descriptor (close-on-exec), or -1 (errno set).
int nv_accept_waiter_create(int stop_fd, int listen_fd);
// Blocks until something is ready or `timeout_ms` passed (-1: no limit): 0 when the stop
// descriptor is readable (it wins over a waiting connection), 1 when a connection is waiting,
// 2 on timeout, -1 on error (errno set; EINTR retried).
int nv_accept_waiter_wait(int epoll_fd, int stop_fd, int timeout_ms);

// --- memory ---
// Returns the free pages of every malloc arena to the kernel (glibc's malloc_trim).
void nv_return_free_memory(void);

// --- process ---
// Asks the kernel to send `signal` to this process when its parent dies (Linux PR_SET_PDEATHSIG).
int nv_set_parent_death_signal(int signal);

#endif
