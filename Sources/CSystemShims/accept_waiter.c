#include "system_shims.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

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
        int stop = 0, connection = 0;
        for (int i = 0; i < ready; i++) {
            if (events[i].data.fd == stop_fd) stop = 1;
            else connection = 1;
        }
        if (stop) return connection ? 3 : 0;
        if (connection) return 1;
    }
}
