// C helpers for the Linux calls Swift cannot make directly or safely: a signal handler (which
// must be async-signal-safe), the variadic prctl, glibc's malloc_trim, and epoll (whose event
// structure is packed on x86-64).
#ifndef NEXUS_SYSTEM_SHIMS_H
#define NEXUS_SYSTEM_SHIMS_H

// --- signals: a self-pipe, so that handlers never do more than write one byte ---
// Installs one handler (with SA_RESTART) for each signal in `signals`. Each delivery writes the
// signal number as one byte to a non-blocking, close-on-exec pipe whose read end is returned.
// Returns -1 on failure (errno set).
int nv_signals_install(const int *signals, int count);

// --- waiting for a connection (workers sharing one listen socket) ---
// An epoll set over the stop descriptor and the listen socket, the latter with EPOLLEXCLUSIVE:
// a new connection wakes one waiting thread instead of all of them (no thundering herd).
// Returns the epoll descriptor (close-on-exec), or -1 (errno set).
int nv_accept_waiter_create(int stop_fd, int listen_fd);
// Takes its place at the back of the waiters on `listen_fd` (the thread idle longest is woken
// first, in whichever worker), then blocks until something is ready or `timeout_ms` passed
// (-1: no limit): 0 when the stop
// descriptor is readable, 1 when a connection is waiting, 3 when both are (the caller takes
// that connection, then stops), 2 on timeout, -1 on error (errno set; EINTR retried).
// A connection reported here may be the one whose exclusive wake-up fell to this thread alone:
// a thread that ignored it would leave it in the backlog, unseen by every other waiter, until
// the next connection arrives.
int nv_accept_waiter_wait(int epoll_fd, int stop_fd, int listen_fd, int timeout_ms);

// --- memory ---
// Returns the free pages of every malloc arena to the kernel (glibc's malloc_trim).
void nv_return_free_memory(void);
// Fixes glibc's mmap threshold at `bytes` (mallopt M_MMAP_THRESHOLD), which also stops glibc
// from raising it each time a large mapped block is freed; 0 on failure.
int nv_fix_mmap_threshold(int bytes);

// --- process ---
// Asks the kernel to send `signal` to this process when its parent dies (PR_SET_PDEATHSIG).
int nv_set_parent_death_signal(int signal);

#endif
