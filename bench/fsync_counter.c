/*
 * libcpep_bench_fsync.so: interposes fsync and fdatasync to count them, then calls libc's.
 * SQLite's unix VFS calls fdatasync (or fsync) directly, so every sync of libsqlite3 - under
 * libcpep or under Python's sqlite3 module - is counted. The benchmark programs link it (ahead of
 * libc), the Python benchmark is started with LD_PRELOAD and reads the count through ctypes.
 * A commit in synchronous=FULL WAL mode is one fdatasync of the WAL; a checkpoint adds two.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "fsync_counter.h"

#define EXPORT __attribute__((visibility("default")))

typedef int (*sync_fn)(int);
static _Atomic(sync_fn) real_fsync;
static _Atomic(sync_fn) real_fdatasync;
static atomic_ullong calls;

static sync_fn resolve(_Atomic(sync_fn) *slot, const char *name) {
    sync_fn f = atomic_load_explicit(slot, memory_order_acquire);
    if (!f) {
        void *symbol = dlsym(RTLD_NEXT, name);
        memcpy(&f, &symbol, sizeof f); /* ISO C has no object-to-function pointer cast */
        atomic_store_explicit(slot, f, memory_order_release);
    }
    return f;
}

EXPORT int fsync(int fd) {
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    sync_fn f = resolve(&real_fsync, "fsync");
    if (!f) {
        errno = ENOSYS;
        return -1;
    }
    return f(fd);
}

EXPORT int fdatasync(int fd) {
    atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
    sync_fn f = resolve(&real_fdatasync, "fdatasync");
    if (!f) {
        errno = ENOSYS;
        return -1;
    }
    return f(fd);
}

EXPORT unsigned long long cpep_bench_fsync_count(void) {
    return atomic_load_explicit(&calls, memory_order_relaxed);
}
