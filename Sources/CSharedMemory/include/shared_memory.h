// Tables that several processes of one `serve` share (the children's scoreboards, the host's
// rate counters, the metrics table in CMetrics): each lives in an anonymous shared-memory
// file (memfd) that `serve` creates and its children map, and is updated with C11 atomics.
#ifndef NEXUS_SHARED_MEMORY_H
#define NEXUS_SHARED_MEMORY_H

#include <stdbool.h>
#include <stddef.h>

// A new shared-memory file of `size` zeroed bytes at descriptor 10 or above (clear of the
// descriptors a spawner moves into place). `inheritable`: without close-on-exec, so that every
// child started later inherits it; otherwise close-on-exec (a spawner passes it on itself).
// Returns -1 on failure.
int nv_shared_memory_create(const char *name, size_t size, bool inheritable);
// Maps `size` bytes of a shared-memory file read-write and shared; NULL on failure.
void *nv_shared_memory_map(int fd, size_t size);
void nv_shared_memory_unmap(void *address, size_t size);
// `size` zeroed bytes of this process alone (a table for a process started without one);
// NULL on failure.
void *nv_private_memory(size_t size);

#endif
