#include "system_shims.h"

#include <malloc.h>
#include <sys/prctl.h>

void nv_return_free_memory(void) {
    malloc_trim(0);
}

int nv_fix_mmap_threshold(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}

int nv_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, signal);
}
