#define _GNU_SOURCE
#include "cshims.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

CURLcode nv_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nv_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nv_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode nv_curl_setopt_write_callback(CURL *handle, nv_curl_data_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_WRITEDATA, context);
}

CURLcode nv_curl_setopt_header_callback(CURL *handle, nv_curl_data_callback callback, void *context) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_HEADERDATA, context);
}

long nv_curl_response_code(CURL *handle) {
    long code = 0;
    if (curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) return 0;
    return code;
}

static int signal_pipe[2] = {-1, -1};

static void on_signal(int signo) {
    int saved = errno;
    unsigned char byte = (unsigned char)signo;
    // Non-blocking: if the pipe is full, enough wake-ups are already pending.
    ssize_t ignored = write(signal_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

int nv_signals_install(const int *signals, int count) {
    if (signal_pipe[0] < 0) {
        if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < count; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return signal_pipe[0];
}

void nv_signals_reset(const int *signals, int count) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < count; i++) sigaction(signals[i], &action, NULL);
}

void nv_return_free_memory(void) {
    malloc_trim(0);
}

int nv_set_parent_death_signal(int signal) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, signal);
#else
    (void)signal;
    return 0;
#endif
}

int nv_scoreboard_create(void) {
    int fd = memfd_create("nexus-vault-scoreboard", MFD_CLOEXEC);
    if (fd < 0) return -1;
    if (ftruncate(fd, sizeof(nv_scoreboard)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

nv_scoreboard *nv_scoreboard_map(int fd) {
    void *address = mmap(NULL, sizeof(nv_scoreboard), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return address == MAP_FAILED ? NULL : (nv_scoreboard *)address;
}

void nv_scoreboard_unmap(nv_scoreboard *board) {
    if (board) munmap(board, sizeof(nv_scoreboard));
}

int64_t nv_monotonic_ns(void) {
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
    __atomic_store_n(&board->slots[thread].busy_since_ns, nv_monotonic_ns(), __ATOMIC_RELEASE);
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

int nv_host_counters_create(void) {
    int created = memfd_create("nexus-vault-host-counters", 0);
    if (created < 0) return -1;
    if (ftruncate(created, sizeof(nv_host_counters)) != 0) {
        close(created);
        return -1;
    }
    int fd = fcntl(created, F_DUPFD, 10);
    close(created);
    return fd;
}

nv_host_counters *nv_host_counters_map(int fd) {
    void *address = mmap(NULL, sizeof(nv_host_counters), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return address == MAP_FAILED ? NULL : (nv_host_counters *)address;
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

int nv_accept_waiter_create(int stop_fd, int listen_fd) {
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) return -1;
    struct epoll_event stop = {.events = EPOLLIN, .data.fd = stop_fd};
    struct epoll_event listen = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = listen_fd};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, stop_fd, &stop) != 0 ||
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &listen) != 0) {
        int saved = errno;
        close(epoll_fd);
        errno = saved;
        return -1;
    }
    return epoll_fd;
}

int nv_accept_waiter_wait(int epoll_fd, int stop_fd, int timeout_ms) {
    struct epoll_event events[2];
    for (;;) {
        int ready = epoll_wait(epoll_fd, events, 2, timeout_ms);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (ready == 0) return 2;
        int connection = 0;
        for (int i = 0; i < ready; i++) {
            if (events[i].data.fd == stop_fd) return 0;
            connection = 1;
        }
        if (connection) return 1;
    }
}
