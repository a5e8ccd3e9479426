/*
 * The benchmark's ceiling: the least a FastCGI responder on libfcgi can do per request.
 * It answers every request like the gateway's health route (same status, headers and body),
 * with the same number of worker processes on a unix socket behind the same nginx, so the
 * gap between the two is the cost of the gateway's own code.
 *
 *   cc -O2 -o ceiling ceiling.c -lfcgi -lpthread
 *   ceiling SOCKET_PATH WORKERS [THREADS]
 *
 * With THREADS (default 1), each worker runs that many threads, each on its own FCGX_Request:
 * the shape that lets nginx keep FastCGI connections alive (a kept connection pins one thread).
 *
 * The parent binds and listens, forks the workers (they share the listening socket) and
 * waits. SIGTERM or SIGINT to the parent stops every worker; a worker also dies with its
 * parent (PR_SET_PDEATHSIG), so no responder outlives the benchmark, even after SIGKILL.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_WORKERS = 256, MAX_THREADS = 256, LISTEN_BACKLOG = 4096 };

static const char RESPONSE[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "Access-Control-Allow-Origin: *\r\n"
    "Access-Control-Allow-Headers: authorization, x-client-info, apikey, content-type, "
    "x-retry-count, traceparent, tracestate, baggage\r\n"
    "Access-Control-Allow-Methods: POST, OPTIONS\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "\r\n"
    "{\"status\":\"ok\"}";

/* Set from the signal handler only; the parent's wait loop reads it. */
static volatile sig_atomic_t stop_requested = 0;

static void request_stop(int signal_number) {
    (void)signal_number;
    stop_requested = 1;
}

static int listen_on_unix_socket(const char *path) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(address.sun_path)) {
        fprintf(stderr, "ceiling: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("ceiling: socket");
        return -1;
    }
    unlink(path);
    if (bind(fd, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        perror("ceiling: bind/listen");
        close(fd);
        return -1;
    }
    /* nginx's workers run as www-data, not as the user who started the benchmark. */
    if (chmod(path, 0666) != 0) {
        perror("ceiling: chmod");
        close(fd);
        return -1;
    }
    return fd;
}

static void discard_body(FCGX_Stream *in) {
    char buffer[16384];
    while (FCGX_GetStr(buffer, sizeof(buffer), in) > 0) {
    }
}

static void *serve_thread(void *argument) {
    int listen_fd = *(int *)argument;
    FCGX_Request request;
    if (FCGX_InitRequest(&request, listen_fd, 0) != 0) {
        fprintf(stderr, "ceiling: FCGX_InitRequest failed\n");
        _exit(1);
    }
    while (FCGX_Accept_r(&request) >= 0) {
        discard_body(request.in);
        FCGX_PutStr(RESPONSE, sizeof(RESPONSE) - 1, request.out);
        FCGX_Finish_r(&request);
    }
    _exit(0);
    return NULL;
}

static void serve(int listen_fd, int threads) {
    static int shared_fd;
    shared_fd = listen_fd;
    if (FCGX_Init() != 0) {
        fprintf(stderr, "ceiling: libfcgi initialisation failed\n");
        _exit(1);
    }
    pthread_t ids[MAX_THREADS];
    for (int i = 1; i < threads; i++) {
        if (pthread_create(&ids[i], NULL, serve_thread, &shared_fd) != 0) {
            perror("ceiling: pthread_create");
            _exit(1);
        }
    }
    serve_thread(&shared_fd);
}

static pid_t start_worker(int listen_fd, pid_t parent, int threads) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* The parent may have died between fork and prctl. */
    if (getppid() != parent) _exit(0);
    serve(listen_fd, threads);
    return 0;
}

static void stop_workers(const pid_t *workers, int count) {
    for (int i = 0; i < count; i++) {
        if (workers[i] > 0) kill(workers[i], SIGTERM);
    }
    while (wait(NULL) > 0 || errno == EINTR) {
    }
}

int main(int argc, char **argv) {
    int count = argc == 3 || argc == 4 ? atoi(argv[2]) : 0;
    int threads = argc == 4 ? atoi(argv[3]) : 1;
    if (count < 1 || count > MAX_WORKERS || threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "usage: %s SOCKET_PATH WORKERS (1-%d) [THREADS (1-%d)]\n", argv[0], MAX_WORKERS, MAX_THREADS);
        return 2;
    }
    const char *path = argv[1];

    struct sigaction on_stop = {.sa_handler = request_stop};
    sigemptyset(&on_stop.sa_mask);
    /* No SA_RESTART: wait() must return EINTR so that the loop below sees the request. */
    sigaction(SIGTERM, &on_stop, NULL);
    sigaction(SIGINT, &on_stop, NULL);

    int listen_fd = listen_on_unix_socket(path);
    if (listen_fd < 0) return 1;

    pid_t workers[MAX_WORKERS] = {0};
    pid_t parent = getpid();
    for (int i = 0; i < count; i++) {
        workers[i] = start_worker(listen_fd, parent, threads);
        if (workers[i] < 0) {
            perror("ceiling: fork");
            stop_requested = 1;
            break;
        }
    }

    int alive = count;
    while (!stop_requested && alive > 0) {
        pid_t exited = wait(NULL);
        if (exited > 0) {
            alive--;
            fprintf(stderr, "ceiling: worker %d exited\n", (int)exited);
        }
    }
    stop_workers(workers, count);
    unlink(path);
    return 0;
}
