/* calc_server: serves calc.idl on a dynamic ncacn_ip_tcp endpoint, prints
 * "calc_server: listening on ncacn_ip_tcp:[PORT]" and runs until a client
 * calls Shutdown (or 60 s pass). */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <stdlib.h>
#include "calc.h"

void *__RPC_USER MIDL_user_allocate(size_t n)
{
    return malloc(n);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

long Add(handle_t h, long a, long b)
{
    (void)h;
    return a + b;
}

void Multiply(PRPC_ASYNC_STATE pAsync, handle_t h, long a, long b, long *product)
{
    (void)h;
    *product = a * b;
    long sum = a + b;
    RpcAsyncCompleteCall(pAsync, &sum);
}

/* Squares: the manager returns at once; a thread pushes the pipe, waiting
 * for each push's RpcSendComplete, then completes the call. */
struct squares_job {
    PRPC_ASYNC_STATE pAsync;
    HANDLE sent;
    long n;
    ASYNC_LONG_PIPE *pipe;
    long *count;
};

static RPC_STATUS push(struct squares_job *j, long *buf, unsigned long count)
{
    RPC_STATUS st = j->pipe->push(j->pipe->state, buf, count);
    if (st == RPC_S_OK && (WaitForSingleObject(j->sent, 30000) != WAIT_OBJECT_0 ||
                           j->pAsync->Event != RpcSendComplete))
        st = RPC_S_INTERNAL_ERROR;
    return st;
}

static DWORD WINAPI squares_thread(LPVOID arg)
{
    struct squares_job *j = arg;
    long buf[16];
    RPC_STATUS st = RPC_S_OK;
    for (long i = 1; i <= j->n && st == RPC_S_OK;) {
        unsigned long k = 0;
        for (; k < 16 && i <= j->n; k++, i++)
            buf[k] = i * i;
        st = push(j, buf, k);
    }
    if (st == RPC_S_OK)
        st = push(j, NULL, 0);
    if (st == RPC_S_OK) {
        *j->count = j->n;
        long ret = 0;
        RpcAsyncCompleteCall(j->pAsync, &ret);
    } /* a failed push has ended the call */
    CloseHandle(j->sent);
    free(j);
    return 0;
}

void Squares(PRPC_ASYNC_STATE pAsync, handle_t h, long n, ASYNC_LONG_PIPE *squares, long *count)
{
    (void)h;
    struct squares_job *j = calloc(1, sizeof *j);
    HANDLE t = NULL;
    if (j && (j->sent = CreateEventW(NULL, FALSE, FALSE, NULL)) != NULL) {
        j->pAsync = pAsync;
        j->n = n;
        j->pipe = squares;
        j->count = count;
        pAsync->NotificationType = RpcNotificationTypeEvent;
        pAsync->u.hEvent = j->sent;
        pAsync->Flags = RPC_C_NOTIFY_ON_SEND_COMPLETE;
        t = CreateThread(NULL, 0, squares_thread, j, 0, NULL);
    }
    if (!t) {
        RpcAsyncAbortCall(pAsync, RPC_S_OUT_OF_RESOURCES);
        if (j && j->sent)
            CloseHandle(j->sent);
        free(j);
        return;
    }
    CloseHandle(t);
}

void Shutdown(handle_t h)
{
    (void)h;
    RpcMgmtStopServerListening(NULL);
}

static DWORD WINAPI watchdog(LPVOID p)
{
    (void)p;
    Sleep(60000);
    fprintf(stderr, "calc_server: no Shutdown after 60 s\n");
    RpcMgmtStopServerListening(NULL);
    return 0;
}

int main(void)
{
    RPC_BINDING_VECTOR *v = NULL;
    RPC_CSTR sb = NULL, ep = NULL;
    RPC_STATUS st = RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL);
    if (st == RPC_S_OK)
        st = RpcServerRegisterIf(calc_v1_0_s_ifspec, NULL, NULL);
    if (st == RPC_S_OK)
        st = RpcServerInqBindings(&v);
    if (st == RPC_S_OK)
        st = RpcBindingToStringBindingA(v->BindingH[0], &sb);
    if (st == RPC_S_OK)
        st = RpcStringBindingParseA(sb, NULL, NULL, NULL, &ep, NULL);
    if (st != RPC_S_OK) {
        fprintf(stderr, "calc_server: setup failed: %ld\n", (long)st);
        return 1;
    }
    CloseHandle(CreateThread(NULL, 0, watchdog, NULL, 0, NULL));
    printf("calc_server: listening on ncacn_ip_tcp:[%s]\n", (char *)ep);
    fflush(stdout);
    RpcStringFreeA(&ep);
    RpcStringFreeA(&sb);
    RpcBindingVectorFree(&v);
    st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, FALSE);
    printf("calc_server: stopped (%ld)\n", (long)st);
    return st == RPC_S_OK ? 0 : 1;
}
