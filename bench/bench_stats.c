/* See bench_stats.h. */
#define _GNU_SOURCE
#include "bench_stats.h"
#include <stdlib.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int bench_lat_init(bench_lat *l, size_t cap)
{
    l->ns = malloc(cap * sizeof *l->ns);
    l->cap = l->ns ? cap : 0;
    bench_lat_reset(l);
    return l->ns ? 0 : -1;
}

void bench_lat_reset(bench_lat *l)
{
    l->n = 0;
    l->calls = 0;
    l->sum_ns = 0;
}

void bench_lat_free(bench_lat *l)
{
    free(l->ns);
    l->ns = NULL;
    l->cap = l->n = 0;
}

void bench_lat_merge(bench_lat *into, const bench_lat *from)
{
    for (size_t i = 0; i < from->n && into->n < into->cap; i++)
        into->ns[into->n++] = from->ns[i];
    into->calls += from->calls;
    into->sum_ns += from->sum_ns;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void bench_lat_summary(bench_lat *l, double secs, bench_calls *r)
{
    r->secs = secs;
    r->calls = l->calls;
    r->calls_per_s = secs > 0 ? (double)l->calls / secs : 0;
    r->mean_us = l->calls ? (double)l->sum_ns / (double)l->calls / 1e3 : 0;
    r->p50_us = r->p99_us = 0;
    if (l->n) {
        qsort(l->ns, l->n, sizeof *l->ns, cmp_u64);
        r->p50_us = (double)l->ns[l->n / 2] / 1e3;
        r->p99_us = (double)l->ns[(size_t)((double)(l->n - 1) * 0.99)] / 1e3;
    }
}
