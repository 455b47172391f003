/* notify_demo - the async handle API with each notification type.
 *
 * Until the network transport lands, the server side is the runtime's
 * in-process loopback (the same call engine the transport will drive): each
 * call's manager hands the runtime-owned RPC_ASYNC_STATE to a worker thread,
 * which completes it a little later - the "server completes from any thread"
 * pattern of Microsoft's AsyncRPC sample.  The client side is written the
 * way a Windows program is: RpcAsyncInitializeHandle, NotificationType and u,
 * wait the Windows way, RpcAsyncCompleteCall. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <string.h>
#include "../shim/loopback.h"

/* ---------------------------------------------------------------- server */
static DWORD WINAPI complete_later(LPVOID p)
{
    PRPC_ASYNC_STATE pAsync = p;
    int reply = 0;
    for (int i = 0; i < 20; i++) { /* 100 ms of "work", polling for cancel */
        if (RpcServerTestCancel(RpcAsyncGetCallHandle(pAsync)) == RPC_S_OK) {
            printf("    server: saw the client's cancel, finishing early\n");
            break;
        }
        reply += 2;
        Sleep(5);
    }
    if (pAsync->UserInfo == (void *)1) {
        RPC_STATUS st = RpcAsyncAbortCall(pAsync, ERROR_ACCESS_DENIED);
        printf("    server: RpcAsyncAbortCall(ERROR_ACCESS_DENIED) -> %ld\n", (long)st);
    } else {
        RPC_STATUS st = RpcAsyncCompleteCall(pAsync, &reply);
        printf("    server: RpcAsyncCompleteCall(reply=%d) -> %ld\n", reply, (long)st);
    }
    return 0;
}

static void manager(PRPC_ASYNC_STATE pAsync, void *ctx, const void *req, size_t len)
{
    (void)req;
    (void)len;
    pAsync->UserInfo = ctx; /* the server's own cookie: 1 means "abort" */
    HANDLE t = CreateThread(NULL, 0, complete_later, pAsync, 0, NULL);
    if (t)
        CloseHandle(t);
    else
        RpcAsyncAbortCall(pAsync, RPC_S_OUT_OF_THREADS);
}

/* ---------------------------------------------------------------- client */
static const char *event_name(RPC_ASYNC_EVENT e)
{
    switch ((int)e) {
    case RpcCallComplete: return "RpcCallComplete";
    case RpcSendComplete: return "RpcSendComplete";
    case RpcReceiveComplete: return "RpcReceiveComplete";
    case RpcClientDisconnect: return "RpcClientDisconnect";
    case RpcClientCancel: return "RpcClientCancel";
    default: return "?";
    }
}

static volatile LONG routine_calls;

static void RPC_ENTRY notification_routine(PRPC_ASYNC_STATE pAsync, void *Context, RPC_ASYNC_EVENT Event)
{
    (void)Context;
    printf("    client: routine called on thread %lu with %s (pAsync->Event = %s)\n",
           (unsigned long)GetCurrentThreadId(), event_name(Event), event_name(pAsync->Event));
    InterlockedIncrement(&routine_calls);
}

static int start(RPC_ASYNC_STATE *a, int abort_it)
{
    RPC_STATUS st = arpc_loopback_call(a, manager, (void *)(ULONG_PTR)abort_it, NULL, 0, sizeof(int));
    if (st != RPC_S_OK) {
        printf("    client: the call failed to start: %ld\n", (long)st);
        return 0;
    }
    return 1;
}

static void finish(RPC_ASYNC_STATE *a)
{
    int reply = -1;
    RPC_STATUS st = RpcAsyncCompleteCall(a, &reply);
    if (st == RPC_S_OK)
        printf("    client: RpcAsyncCompleteCall -> RPC_S_OK, reply = %d\n", reply);
    else
        printf("    client: RpcAsyncCompleteCall -> %ld%s\n", (long)st,
               st == RPC_S_CALL_CANCELLED ? " (RPC_S_CALL_CANCELLED)" : "");
}

static int demo_polling(void)
{
    RPC_ASYNC_STATE a;
    printf("\n[None] polling with RpcAsyncGetCallStatus\n");
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeNone;
    printf("    client: status before the call: %ld (RPC_S_INVALID_BINDING)\n", (long)RpcAsyncGetCallStatus(&a));
    if (!start(&a, 0))
        return 1;
    int polls = 0;
    RPC_STATUS st;
    while ((st = RpcAsyncGetCallStatus(&a)) == RPC_S_ASYNC_CALL_PENDING) {
        polls++;
        Sleep(10);
    }
    printf("    client: %d polls answered RPC_S_ASYNC_CALL_PENDING, then %ld\n", polls, (long)st);
    finish(&a);
    return 0;
}

static int demo_event(void)
{
    RPC_ASYNC_STATE a;
    printf("\n[Event] auto-reset event, as the AsyncRPC sample\n");
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeEvent;
    a.u.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
    if (!start(&a, 0))
        return 1;
    printf("    client: RpcAsyncCompleteCall while pending -> %ld (RPC_S_ASYNC_CALL_PENDING)\n",
           (long)RpcAsyncCompleteCall(&a, NULL));
    DWORD w = WaitForSingleObject(a.u.hEvent, 10000);
    printf("    client: WaitForSingleObject -> %lu, pAsync->Event = %s\n", (unsigned long)w, event_name(a.Event));
    finish(&a);
    CloseHandle(a.u.hEvent);
    return w != WAIT_OBJECT_0;
}

static int demo_apc(void)
{
    RPC_ASYNC_STATE a;
    printf("\n[APC] hThread = 0: the calling thread (%lu), in its alertable wait\n",
           (unsigned long)GetCurrentThreadId());
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeApc;
    a.u.APC.NotificationRoutine = notification_routine;
    a.u.APC.hThread = 0;
    routine_calls = 0;
    if (!start(&a, 0))
        return 1;
    DWORD r;
    do
        r = SleepEx(10000, TRUE);
    while (r == WAIT_IO_COMPLETION && routine_calls == 0);
    printf("    client: SleepEx(alertable) -> %s\n", r == WAIT_IO_COMPLETION ? "WAIT_IO_COMPLETION" : "timeout");
    finish(&a);
    return r != WAIT_IO_COMPLETION;
}

static int demo_ioc(void)
{
    RPC_ASYNC_STATE a;
    OVERLAPPED ov;
    printf("\n[IOC] an I/O completion port, as the FileRep sample\n");
    memset(&ov, 0, sizeof ov);
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeIoc;
    a.u.IOC.hIOPort = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    a.u.IOC.dwNumberOfBytesTransferred = 1234;
    a.u.IOC.dwCompletionKey = 0x4b4559;
    a.u.IOC.lpOverlapped = &ov;
    if (!start(&a, 0))
        return 1;
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED pov = NULL;
    BOOL ok = GetQueuedCompletionStatus(a.u.IOC.hIOPort, &bytes, &key, &pov, 10000);
    printf("    client: packet %s: bytes=%lu key=0x%lx overlapped=%s, pAsync->Event = %s\n", ok ? "received" : "MISSING",
           (unsigned long)bytes, (unsigned long)key, pov == &ov ? "ours" : "wrong", event_name(a.Event));
    finish(&a);
    CloseHandle(a.u.IOC.hIOPort);
    return !ok;
}

static int demo_callback(void)
{
    RPC_ASYNC_STATE a;
    printf("\n[Callback] a routine on a runtime thread (the caller is %lu)\n", (unsigned long)GetCurrentThreadId());
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeCallback;
    a.u.NotificationRoutine = notification_routine;
    routine_calls = 0;
    if (!start(&a, 0))
        return 1;
    for (int i = 0; i < 1000 && routine_calls == 0; i++)
        Sleep(10);
    finish(&a);
    return routine_calls != 1;
}

static int demo_hwnd(void)
{
    RPC_ASYNC_STATE a;
    printf("\n[HWND] window messages\n");
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeHwnd;
    a.u.HWND.hWnd = NULL;
    a.u.HWND.Msg = 0x8000;
#if defined(_WIN32)
    printf("    (Windows: PostMessage(hWnd, Msg, 0, pAsync); skipped in this console demo)\n");
    return 0;
#else
    RPC_STATUS st = arpc_loopback_call(&a, manager, NULL, NULL, 0, sizeof(int));
    printf("    client: POSIX has no windows: the call start fails with %ld (RPC_S_CANNOT_SUPPORT)\n", (long)st);
    return st != RPC_S_CANNOT_SUPPORT;
#endif
}

static int demo_cancel_and_abort(void)
{
    RPC_ASYNC_STATE a;
    printf("\n[Cancel] non-abortive: the server sees it and answers\n");
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeEvent;
    a.u.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
    if (!start(&a, 0))
        return 1;
    RpcAsyncCancelCall(&a, FALSE);
    WaitForSingleObject(a.u.hEvent, 10000);
    finish(&a);

    printf("\n[Cancel] abortive: completes at once, the late reply is dropped\n");
    if (!start(&a, 0))
        return 1;
    RpcAsyncCancelCall(&a, TRUE);
    WaitForSingleObject(a.u.hEvent, 10000);
    finish(&a);

    printf("\n[Abort] the server answers with RpcAsyncAbortCall\n");
    if (!start(&a, 1))
        return 1;
    WaitForSingleObject(a.u.hEvent, 10000);
    finish(&a);
    Sleep(200); /* let the abandoned server work of the abortive cancel finish */
    CloseHandle(a.u.hEvent);
    return 0;
}

int main(void)
{
    int failures = 0;
    printf("asyncrpc notification demo: RPC_ASYNC_STATE is %u bytes\n", (unsigned)sizeof(RPC_ASYNC_STATE));
    failures += demo_polling();
    failures += demo_event();
    failures += demo_apc();
    failures += demo_ioc();
    failures += demo_callback();
    failures += demo_hwnd();
    failures += demo_cancel_and_abort();
    printf("\n%s\n", failures ? "demo FAILED" : "demo finished: every notification type delivered");
    return failures ? 1 : 0;
}
