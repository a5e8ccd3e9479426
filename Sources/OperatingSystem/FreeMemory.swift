import CSystemShims

/// Memory a thread freed stays in its malloc arena, resident, until glibc is asked to hand the
/// free pages back (`malloc_trim`). Workers ask once a second; a large transient allocation
/// (an inventory sync, which holds the whole tailnet's device list) asks as soon as it is done.
public enum FreeMemory {
    public static func returnToTheKernel() {
        nv_return_free_memory()
    }
}
