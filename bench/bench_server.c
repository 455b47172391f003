/* bench_server: serves bench.idl over ncacn_ip_tcp and ncalrpc (dynamic
 * endpoints) and, in the same process, the raw-socket baselines
 * (bench_raw.h) on TCP loopback and a Unix socket, so that both sides of
 * every comparison have their server in one other process.  Prints
 *   bench_server: ready rpc_tcp=EP rpc_lrpc=EP raw_tcp=PORT raw_unix=PATH
 * once it listens, and stops when its standard input reaches end of file.
 *
 * The [async] pipe managers return at once and move their pipe from a
 * thread of their own, one push (or pull) outstanding, waiting for
 * RpcSendComplete / RpcReceiveComplete through an event, as FileRep does;
 * what they push is a buffer filled once at start-up, and what they pull
 * they only count.  Null completes before its manager returns. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "bench_raw.h"

static unsigned char *pattern; /* BENCH_MAX_CHUNK bytes, filled once */

void *__RPC_USER MIDL_user_allocate(size_t n)
{
    return malloc(n);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

typedef RPC_STATUS(__RPC_USER *push_fn)(char *, void *, unsigned long);
typedef RPC_STATUS(__RPC_USER *pull_fn)(char *, void *, unsigned long, unsigned long *);

typedef struct job {
    PRPC_ASYNC_STATE a;
    HANDLE ev;
    LONGLONG size;
    unsigned long chunk;
    ASYNC_BENCH_BYTES *pipe;
} job;

static void job_free(job *j)
{
    if (j->ev)
        CloseHandle(j->ev);
    free(j);
}

static DWORD WINAPI download_thread(LPVOID arg)
{
    job *j = arg;
    push_fn push = (push_fn)(void (*)(void))j->pipe->push;
    RPC_STATUS st = RPC_S_OK;
    LONGLONG sent = 0;
    long pushes = 0;
    while (st == RPC_S_OK) {
        unsigned long n = j->size - sent < (LONGLONG)j->chunk ? (unsigned long)(j->size - sent) : j->chunk;
        st = push(j->pipe->state, n ? pattern : NULL, n);
        if (st == RPC_S_OK) {
            WaitForSingleObject(j->ev, INFINITE); /* RpcSendComplete */
            if (j->a->Event != RpcSendComplete)
                st = RPC_S_INTERNAL_ERROR;
        }
        if (n == 0)
            break; /* the end of the pipe went out */
        sent += n;
        pushes++;
    }
    if (st == RPC_S_OK)
        RpcAsyncCompleteCall(j->a, &pushes);
    else if (st == RPC_S_INTERNAL_ERROR)
        RpcAsyncAbortCall(j->a, st);
    /* a failed push ended the call already */
    job_free(j);
    return 0;
}

static DWORD WINAPI upload_thread(LPVOID arg)
{
    job *j = arg;
    pull_fn pull = (pull_fn)(void (*)(void))j->pipe->pull;
    unsigned long cap = j->chunk > BENCH_RECV_MIN ? j->chunk : BENCH_RECV_MIN;
    unsigned char *buf = malloc(cap);
    RPC_STATUS st = buf ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
    hyper got = 0;
    unsigned long n = 1;
    while (st == RPC_S_OK && n) {
        st = pull(j->pipe->state, buf, cap, &n);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            WaitForSingleObject(j->ev, INFINITE); /* RpcReceiveComplete */
            st = j->a->Event == RpcReceiveComplete ? RPC_S_OK : RPC_S_INTERNAL_ERROR;
            n = 1;
            continue;
        }
        got += n;
    }
    free(buf);
    if (st == RPC_S_OK)
        RpcAsyncCompleteCall(j->a, &got);
    else if (st == RPC_S_OUT_OF_MEMORY || st == RPC_S_INTERNAL_ERROR)
        RpcAsyncAbortCall(j->a, st);
    job_free(j);
    return 0;
}

static void start_job(PRPC_ASYNC_STATE a, LONGLONG size, unsigned long chunk, ASYNC_BENCH_BYTES *pipe,
                      LPTHREAD_START_ROUTINE fn)
{
    job *j = calloc(1, sizeof *j);
    if (!j || chunk == 0 || chunk > BENCH_MAX_CHUNK || size < 0) {
        free(j);
        RpcAsyncAbortCall(a, j ? RPC_S_INVALID_ARG : RPC_S_OUT_OF_MEMORY);
        return;
    }
    j->a = a;
    j->size = size;
    j->chunk = chunk;
    j->pipe = pipe;
    j->ev = CreateEventW(NULL, FALSE, FALSE, NULL);
    a->NotificationType = RpcNotificationTypeEvent;
    a->u.hEvent = j->ev;
    a->Flags = RPC_C_NOTIFY_ON_SEND_COMPLETE;
    HANDLE t = j->ev ? CreateThread(NULL, 0, fn, j, 0, NULL) : NULL;
    if (!t) {
        job_free(j);
        RpcAsyncAbortCall(a, RPC_S_OUT_OF_THREADS);
        return;
    }
    CloseHandle(t);
}

void s_Download(PRPC_ASYNC_STATE a, handle_t h, hyper size, unsigned long chunk, ASYNC_BENCH_BYTES *data)
{
    (void)h;
    start_job(a, size, chunk, data, download_thread);
}

void s_Upload(PRPC_ASYNC_STATE a, handle_t h, unsigned long chunk, ASYNC_BENCH_BYTES *data)
{
    (void)h;
    start_job(a, 0, chunk, data, upload_thread);
}

void s_Null(PRPC_ASYNC_STATE a, handle_t h, long v, long *out)
{
    (void)h;
    *out = v + 1;
    RpcAsyncCompleteCall(a, &v);
}

long s_SyncNull(handle_t h, long v, long *out)
{
    (void)h;
    *out = v + 1;
    return v;
}

/* ------------------------------------------------------------ main */

static DWORD WINAPI stdin_watch(LPVOID p)
{
    (void)p;
    while (getchar() != EOF)
        ;
    RpcMgmtStopServerListening(NULL);
    return 0;
}

/* The endpoint the server got for protseq, into out. */
static int endpoint_of(const char *protseq, char *out, size_t size)
{
    RPC_BINDING_VECTOR *v = NULL;
    int found = -1;
    if (RpcServerInqBindings(&v) != RPC_S_OK)
        return -1;
    for (ULONG i = 0; i < v->Count && found; i++) {
        RPC_CSTR s = NULL, ps = NULL, ep = NULL;
        if (RpcBindingToStringBindingA(v->BindingH[i], &s) == RPC_S_OK &&
            RpcStringBindingParseA(s, NULL, &ps, NULL, &ep, NULL) == RPC_S_OK && !strcmp((char *)ps, protseq)) {
            snprintf(out, size, "%s", (char *)ep);
            found = 0;
        }
        RpcStringFreeA(&s);
        RpcStringFreeA(&ps);
        RpcStringFreeA(&ep);
    }
    RpcBindingVectorFree(&v);
    return found;
}

int main(void)
{
    pattern = malloc(BENCH_MAX_CHUNK);
    if (!pattern)
        return 1;
    for (size_t i = 0; i < BENCH_MAX_CHUNK; i++)
        pattern[i] = (unsigned char)(i * 131u + 7u);

    char tcp_ep[128], lrpc_ep[256], unix_path[108];
    unsigned short raw_port = 0;
    RPC_STATUS st = RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL);
    if (st == RPC_S_OK)
        st = RpcServerUseProtseqA((RPC_CSTR) "ncalrpc", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL);
    if (st == RPC_S_OK)
        st = RpcServerRegisterIf(bench_v1_0_s_ifspec, NULL, NULL);
    if (st != RPC_S_OK) {
        fprintf(stderr, "bench_server: setup failed: %ld\n", (long)st);
        return 1;
    }
    if (endpoint_of("ncacn_ip_tcp", tcp_ep, sizeof tcp_ep) || endpoint_of("ncalrpc", lrpc_ep, sizeof lrpc_ep)) {
        fprintf(stderr, "bench_server: no endpoints\n");
        return 1;
    }
    if (raw_server_start(&raw_port, unix_path, sizeof unix_path)) {
        fprintf(stderr, "bench_server: raw listeners failed\n");
        return 1;
    }
    HANDLE t = CreateThread(NULL, 0, stdin_watch, NULL, 0, NULL);
    if (!t) {
        raw_server_cleanup();
        return 1;
    }
    CloseHandle(t);
    printf("bench_server: ready rpc_tcp=%s rpc_lrpc=%s raw_tcp=%u raw_unix=%s\n", tcp_ep, lrpc_ep,
           (unsigned)raw_port, unix_path);
    fflush(stdout);
    st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, FALSE);
    raw_server_cleanup();
    printf("bench_server: stopped (%ld)\n", (long)st);
    return st == RPC_S_OK ? 0 : 1;
}
