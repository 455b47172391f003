/* bench_stats.h - clocks and latency statistics shared by the native
 * benchmark client's RPC and raw-socket halves (POSIX only, no windows.h). */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* Latency samples of one measurement.  Recording into a preallocated
 * array is the only work the timed loops do besides the calls; past its
 * capacity samples are counted but not kept. */
typedef struct bench_lat {
    uint64_t *ns;
    size_t n, cap;
    uint64_t calls;     /* completed calls in the measured interval */
    uint64_t sum_ns;    /* sum of every latency, kept or not */
} bench_lat;

int bench_lat_init(bench_lat *l, size_t cap);
void bench_lat_reset(bench_lat *l);
void bench_lat_free(bench_lat *l);
/* Appends from's samples and counts to into's (what fits). */
void bench_lat_merge(bench_lat *into, const bench_lat *from);
static inline void bench_lat_add(bench_lat *l, uint64_t ns)
{
    if (l->n < l->cap)
        l->ns[l->n++] = ns;
    l->calls++;
    l->sum_ns += ns;
}

/* What one measurement of calls reports. */
typedef struct bench_calls {
    double secs;        /* wall time of the measured interval */
    double calls_per_s;
    double mean_us, p50_us, p99_us;
    uint64_t calls;
} bench_calls;

/* Sorts l's samples and fills r (secs given). */
void bench_lat_summary(bench_lat *l, double secs, bench_calls *r);

/* The message of the raw request/response baseline: 24 bytes, like the
 * DCE/RPC request header the null call starts with. */
#define BENCH_MSG_SIZE 24

/* Receive buffers: max(chunk, 64 KiB), the same on every path. */
#define BENCH_RECV_MIN (64u << 10)
#define BENCH_MAX_CHUNK (4u << 20)

#endif
