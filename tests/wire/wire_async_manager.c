/* Server side of wire_async.idl: managers get the runtime's pAsync, may
 * return at once and complete (or abort) from another thread. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdlib.h>
#include "wire_async.h"
#include "wire_async_manager.h"

volatile LONG wire_async_cancel_seen;
volatile LONG wire_async_completed_late;
HANDLE wire_async_cancel_event; /* set by a subscription, when the test asks for one */
HANDLE wire_async_disconnect_event;
volatile LONG wire_async_complete_failed;

void s_AsyncAdd(PRPC_ASYNC_STATE pAsync, handle_t h, long a, long b, long *sum)
{
    (void)h;
    *sum = a + b;
    long product = a * b;
    RpcAsyncCompleteCall(pAsync, &product); /* on the dispatch thread */
}

struct waiter {
    PRPC_ASYNC_STATE pAsync;
    unsigned long ms;
};

static DWORD WINAPI wait_then_complete(LPVOID p)
{
    struct waiter w = *(struct waiter *)p;
    free(p);
    for (unsigned long t = 0; t < w.ms; t += 10) {
        if (RpcServerTestCancel(RpcAsyncGetCallHandle(w.pAsync)) == RPC_S_OK) {
            InterlockedIncrement((LONG *)&wire_async_cancel_seen);
            break;
        }
        if (wire_async_disconnect_event && WaitForSingleObject(wire_async_disconnect_event, 0) == WAIT_OBJECT_0) {
            unsigned long queued = 0;
            RpcServerUnsubscribeForNotification(RpcAsyncGetCallHandle(w.pAsync), RpcNotificationClientDisconnect,
                                                &queued);
            break;
        }
        Sleep(10);
    }
    if (wire_async_cancel_event) {
        unsigned long queued = 99;
        RpcServerUnsubscribeForNotification(RpcAsyncGetCallHandle(w.pAsync), RpcNotificationCallCancel, &queued);
    }
    RPC_STATUS st = RpcAsyncCompleteCall(w.pAsync, NULL);
    if (st == RPC_S_OK)
        InterlockedIncrement((LONG *)&wire_async_completed_late);
    else if (st == RPC_S_CALL_FAILED)
        InterlockedIncrement((LONG *)&wire_async_complete_failed);
    return 0;
}

void s_AsyncWait(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long ms)
{
    (void)h;
    if (wire_async_cancel_event) {
        RPC_ASYNC_NOTIFICATION_INFO info;
        info.hEvent = wire_async_cancel_event;
        if (RpcServerSubscribeForNotification(RpcAsyncGetCallHandle(pAsync), RpcNotificationCallCancel,
                                              RpcNotificationTypeEvent, &info) != RPC_S_OK) {
            RpcAsyncAbortCall(pAsync, RPC_S_INTERNAL_ERROR);
            return;
        }
    }
    if (wire_async_disconnect_event) {
        RPC_ASYNC_NOTIFICATION_INFO info;
        info.hEvent = wire_async_disconnect_event;
        if (RpcServerSubscribeForNotification(RpcAsyncGetCallHandle(pAsync), RpcNotificationClientDisconnect,
                                              RpcNotificationTypeEvent, &info) != RPC_S_OK) {
            RpcAsyncAbortCall(pAsync, RPC_S_INTERNAL_ERROR);
            return;
        }
    }
    struct waiter *w = malloc(sizeof *w);
    HANDLE t = w ? CreateThread(NULL, 0, wait_then_complete, w, CREATE_SUSPENDED, NULL) : NULL;
    if (!t) {
        free(w);
        RpcAsyncAbortCall(pAsync, RPC_S_OUT_OF_THREADS);
        return;
    }
    w->pAsync = pAsync;
    w->ms = ms;
    ResumeThread(t);
    CloseHandle(t); /* hand-off done: the manager returns, the call goes on */
}

void s_AsyncFail(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long code)
{
    (void)h;
    if (code == 0xDEADu) /* before the hand-off: an exception faults the call */
        RpcRaiseException(RPC_S_CALL_FAILED_DNE);
    RpcAsyncAbortCall(pAsync, code);
}

long s_SyncPing(handle_t h, long v)
{
    (void)h;
    return v + 1;
}

/* A synchronous manager that blocks: the cancel reaches it only if the
 * server reads its connection while it runs (server.c's hold watch). */
long s_SyncWaitCancel(handle_t h, unsigned long ms)
{
    DWORD t0 = GetTickCount();
    while (GetTickCount() - t0 < ms) {
        if (RpcServerTestCancel(h) == RPC_S_OK)
            return 1;
        Sleep(5);
    }
    return 0;
}
