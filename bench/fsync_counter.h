/* Counts the process's fsync and fdatasync calls, for the benchmarks of bench/ only. */
#ifndef CPEP_BENCH_FSYNC_COUNTER_H
#define CPEP_BENCH_FSYNC_COUNTER_H

#ifdef __cplusplus
extern "C" {
#endif

/* fsync + fdatasync calls made by the process since it started (any thread, any library). */
unsigned long long cpep_bench_fsync_count(void);

#ifdef __cplusplus
}
#endif

#endif
