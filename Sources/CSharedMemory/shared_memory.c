#define _GNU_SOURCE
#include "shared_memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int nv_shared_memory_create(const char *name, size_t size, bool inheritable) {
    int created = memfd_create(name, inheritable ? 0 : MFD_CLOEXEC);
    if (created < 0) return -1;
    if (ftruncate(created, (off_t)size) != 0) {
        close(created);
        return -1;
    }
    int fd = fcntl(created, inheritable ? F_DUPFD : F_DUPFD_CLOEXEC, 10);
    close(created);
    return fd;
}

void *nv_shared_memory_map(int fd, size_t size) {
    void *address = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return address == MAP_FAILED ? NULL : address;
}

void nv_shared_memory_unmap(void *address, size_t size) {
    if (address) munmap(address, size);
}

void *nv_private_memory(size_t size) {
    void *address = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return address == MAP_FAILED ? NULL : address;
}
