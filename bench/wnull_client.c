/* wnull_client PORT SECONDS [shutdown]: synchronous Null calls on
 * ncacn_ip_tcp:127.0.0.1[PORT], one at a time from one thread, for SECONDS
 * after 100 warm-up calls; prints
 *   wnull: calls N secs S mean_us M p50_us P p99_us Q calls_per_s C
 * then calls Shutdown if asked.  A failed call is fatal (no exception
 * handling: Wine's rpcrt4 raises SEH exceptions that gcc cannot catch),
 * and so is a wrong result.  Built twice, like wnull_server. */
#include <windows.h>
#include <rpc.h>
#include <rpcndr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wnull.h"

#define MAX_SAMPLES (1u << 20)

void *__RPC_USER MIDL_user_allocate(size_t n)
{
    return malloc(n);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

static int cmp_ll(const void *a, const void *b)
{
    LONGLONG x = *(const LONGLONG *)a, y = *(const LONGLONG *)b;
    return x < y ? -1 : x > y;
}

static void check(long v, long r, long out)
{
    if (r != v || out != v + 1) {
        printf("wnull_client: Null(%ld) returned %ld, out %ld\n", v, r, out);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 3) {
        fprintf(stderr, "usage: %s PORT SECONDS [shutdown]\n", argv[0]);
        return 2;
    }
    double secs = atof(argv[2]);
    RPC_CSTR sb = NULL;
    RPC_STATUS st = RpcStringBindingComposeA(NULL, (RPC_CSTR) "ncacn_ip_tcp", (RPC_CSTR) "127.0.0.1",
                                             (RPC_CSTR)argv[1], NULL, &sb);
    if (st == RPC_S_OK)
        st = RpcBindingFromStringBindingA(sb, &wnull_IfHandle);
    RpcStringFreeA(&sb);
    if (st != RPC_S_OK) {
        printf("wnull_client: binding failed: %ld\n", (long)st);
        return 1;
    }
    LONGLONG *lat = malloc(MAX_SAMPLES * sizeof *lat);
    if (!lat)
        return 1;
    long out = 0, v;
    for (v = 0; v < 100; v++) {
        long r = Null(v, &out);
        check(v, r, out);
    }
    LARGE_INTEGER f, t0, t1, now;
    QueryPerformanceFrequency(&f);
    LONGLONG limit = (LONGLONG)(secs * (double)f.QuadPart), sum = 0;
    unsigned long n = 0;
    QueryPerformanceCounter(&t0);
    for (now = t0; now.QuadPart - t0.QuadPart < limit; v++) {
        LARGE_INTEGER a;
        QueryPerformanceCounter(&a);
        long r = Null(v, &out);
        QueryPerformanceCounter(&now);
        check(v, r, out);
        LONGLONG d = now.QuadPart - a.QuadPart;
        sum += d;
        if (n < MAX_SAMPLES)
            lat[n] = d;
        n++;
    }
    t1 = now;
    double el = (double)(t1.QuadPart - t0.QuadPart) / (double)f.QuadPart;
    unsigned long kept = n < MAX_SAMPLES ? n : MAX_SAMPLES;
    qsort(lat, kept, sizeof *lat, cmp_ll);
    double us = 1e6 / (double)f.QuadPart;
    printf("wnull: calls %lu secs %.3f mean_us %.1f p50_us %.1f p99_us %.1f calls_per_s %.0f\n", n, el,
           n ? (double)sum / (double)n * us : 0.0, kept ? (double)lat[kept / 2] * us : 0.0,
           kept ? (double)lat[(unsigned long)((double)(kept - 1) * 0.99)] * us : 0.0, el > 0 ? (double)n / el : 0.0);
    if (argc > 3 && !strcmp(argv[3], "shutdown"))
        Shutdown();
    RpcBindingFree(&wnull_IfHandle);
    free(lat);
    return 0;
}
