/* calc_client STRING_BINDING: calls a calc_server: Add (synchronous),
 * Multiply ([async], event notification) and Squares ([async], pulling its
 * [out] pipe), then Shutdown.  Exits 0 when every answer is right. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <stdlib.h>
#include "calc.h"

#define SQUARES 1000L
#define WAIT_MS 30000u

void *__RPC_USER MIDL_user_allocate(size_t n)
{
    return malloc(n);
}

void __RPC_USER MIDL_user_free(void *p)
{
    free(p);
}

static int wait_for(RPC_ASYNC_STATE *a, RPC_ASYNC_EVENT want, const char *what)
{
    if (WaitForSingleObject(a->u.hEvent, WAIT_MS) != WAIT_OBJECT_0 || a->Event != want) {
        fprintf(stderr, "calc_client: %s: no notification %d (last %d)\n", what, (int)want, (int)a->Event);
        return -1;
    }
    return 0;
}

static int init_async(RPC_ASYNC_STATE *a)
{
    if (RpcAsyncInitializeHandle(a, sizeof *a) != RPC_S_OK)
        return -1;
    a->NotificationType = RpcNotificationTypeEvent;
    a->u.hEvent = CreateEventW(NULL, FALSE, FALSE, NULL);
    return a->u.hEvent ? 0 : -1;
}

static int call_multiply(RPC_BINDING_HANDLE h)
{
    RPC_ASYNC_STATE a;
    long product = 0, sum = 0;
    if (init_async(&a))
        return -1;
    Multiply(&a, h, 6, 7, &product);
    RPC_STATUS st = wait_for(&a, RpcCallComplete, "Multiply") ? RPC_S_CALL_FAILED : RpcAsyncCompleteCall(&a, &sum);
    CloseHandle(a.u.hEvent);
    printf("Multiply(6, 7): status %ld, returned %ld, product %ld\n", (long)st, sum, product);
    return st == RPC_S_OK && sum == 13 && product == 42 ? 0 : -1;
}

static int call_squares(RPC_BINDING_HANDLE h)
{
    RPC_ASYNC_STATE a;
    ASYNC_LONG_PIPE pipe = {0};
    long count = 0, ret = -1, got = 0, bad = 0, buf[100];
    if (init_async(&a))
        return -1;
    Squares(&a, h, SQUARES, &pipe, &count);
    RPC_STATUS st;
    unsigned long n = 1;
    while (n) { /* until a pull returns RPC_S_OK with no elements */
        st = pipe.pull(pipe.state, buf, 100, &n);
        if (st == RPC_S_ASYNC_CALL_PENDING) {
            if (wait_for(&a, RpcReceiveComplete, "Squares pull"))
                break;
            n = 1;
            continue;
        }
        if (st != RPC_S_OK)
            break;
        for (unsigned long i = 0; i < n; i++, got++)
            bad += buf[i] != (got + 1) * (got + 1);
    }
    if (st == RPC_S_OK && !wait_for(&a, RpcCallComplete, "Squares"))
        st = RpcAsyncCompleteCall(&a, &ret);
    else
        RpcAsyncCancelCall(&a, TRUE);
    CloseHandle(a.u.hEvent);
    printf("Squares(%ld): status %ld, returned %ld, count %ld, pulled %ld, wrong %ld\n", SQUARES, (long)st, ret,
           count, got, bad);
    return st == RPC_S_OK && ret == 0 && count == SQUARES && got == SQUARES && !bad ? 0 : -1;
}

int main(int argc, char **argv)
{
    RPC_BINDING_HANDLE h = NULL;
    if (argc != 2 || RpcBindingFromStringBindingA((RPC_CSTR)argv[1], &h) != RPC_S_OK) {
        fprintf(stderr, "usage: calc_client STRING_BINDING\n");
        return 2;
    }
    volatile int failed = 0;
    RpcTryExcept {
        long sum = Add(h, 2, 3);
        printf("Add(2, 3) = %ld\n", sum);
        failed |= sum != 5;
        failed |= call_multiply(h) != 0;
        failed |= call_squares(h) != 0;
        Shutdown(h);
    } RpcExcept(1) {
        fprintf(stderr, "calc_client: exception %lu\n", (unsigned long)RpcExceptionCode());
        failed = 1;
    } RpcEndExcept
    RpcBindingFree(&h);
    printf("calc_client: %s\n", failed ? "FAILED" : "ok");
    return failed;
}
