#include "system_shims.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

static int watch_listen_socket(int epoll_fd, int listen_fd) {
    struct epoll_event listen = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = listen_fd};
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &listen);
}

int nv_accept_waiter_create(int stop_fd, int listen_fd) {
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) return -1;
    struct epoll_event stop = {.events = EPOLLIN, .data.fd = stop_fd};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, stop_fd, &stop) != 0 || watch_listen_socket(epoll_fd, listen_fd) != 0) {
        int saved = errno;
        close(epoll_fd);
        errno = saved;
        return -1;
    }
    return epoll_fd;
}

int nv_accept_waiter_wait(int epoll_fd, int stop_fd, int listen_fd, int timeout_ms) {
    // The listen socket wakes the first exclusive waiter in its wait queue, and an epoll set
    // keeps the place it took when the socket was added: left there, the threads of the worker
    // started first took nearly every connection (95 % of the requests in one of 2 workers,
    // the other's threads idle). Added anew, this set waits at the back, so the thread idle
    // longest, of whichever worker, takes the next connection, as with a blocking accept(2).
    // A connection already waiting is reported at once by the new registration.
    if (epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, NULL) != 0 || watch_listen_socket(epoll_fd, listen_fd) != 0) return -1;
    struct epoll_event events[2];
    for (;;) {
        int ready = epoll_wait(epoll_fd, events, 2, timeout_ms);
        if (ready < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (ready == 0) return 2;
        int stop = 0, connection = 0;
        for (int i = 0; i < ready; i++) {
            if (events[i].data.fd == stop_fd) stop = 1;
            else connection = 1;
        }
        if (stop) return connection ? 3 : 0;
        if (connection) return 1;
    }
}
