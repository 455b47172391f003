/* [async] procedures over the wire, with generated stubs: the call returns
 * at once, the notification comes through each mechanism, RpcAsyncCompleteCall
 * unmarshals [out] parameters and the return value; the server completes
 * from another thread, aborts, or sees a cancel; synchronous calls on the
 * same binding go on while async calls are pending; 1,000 async calls share
 * one connection.  ncacn_ip_tcp, and ncalrpc on POSIX. */
#if !defined(_WIN32)
#define _GNU_SOURCE /* the POSIX network layer is compiled in below */
#else
#include <winsock2.h>
#endif
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wire_async.h"
#include "wire_async_manager.h"
#include "wire_binding.h"
#include "arpc_ndr.h"
/* A raw client for the disconnect test: the platform's sockets and the PDU
 * encoder, compiled in (they are hidden in the library). */
#if defined(_WIN32)
#include "../../win32/platform_win32.c"
#include "../../win32/net_win32.c"
#else
#include "../../posix/platform_posix.c"
#include "../../posix/net_posix.c"
#endif
#include "../../shim/pdu.c"
#include "../../shim/loopback.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static char string_binding[256];

static RPC_BINDING_HANDLE bind_to(void)
{
    RPC_BINDING_HANDLE h = NULL;
    assert_int_equal(RpcBindingFromStringBindingA((RPC_CSTR)string_binding, &h), RPC_S_OK);
    return h;
}

static int start_server(const char *protseq)
{
    return wire_serve(wire_async_v1_0_s_ifspec, protseq, NULL) ||
           wire_local_binding(protseq, string_binding, sizeof string_binding);
}

static int setup_tcp(void **state)
{
    (void)state;
    return start_server("ncacn_ip_tcp");
}

static int setup_lrpc(void **state)
{
    (void)state;
    return start_server("ncalrpc");
}

static void init(RPC_ASYNC_STATE *a, RPC_NOTIFICATION_TYPES type)
{
    assert_int_equal(RpcAsyncInitializeHandle(a, sizeof *a), RPC_S_OK);
    a->NotificationType = type;
    a->UserInfo = a;
}

/* ------------------------------------------------------------ results */

static void test_event_out_params_and_reply(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    init(&a, RpcNotificationTypeEvent);
    a.u.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
    long sum = 0, product = 0;
    AsyncAdd(&a, h, 6, 7, &sum);
    assert_int_equal(WaitForSingleObject(a.u.hEvent, 10000), WAIT_OBJECT_0);
    assert_int_equal(a.Event, RpcCallComplete);
    assert_int_equal(RpcAsyncGetCallStatus(&a), RPC_S_OK);
    assert_int_equal(RpcAsyncCompleteCall(&a, &product), RPC_S_OK);
    assert_int_equal(sum, 13);
    assert_int_equal(product, 42);
    assert_null(a.RuntimeInfo);
    CloseHandle(a.u.hEvent);
    RpcBindingFree(&h);
}

static void test_polling_and_sync_call_meanwhile(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    init(&a, RpcNotificationTypeNone);
    AsyncWait(&a, h, 300);
    /* Pending: status and complete say so. */
    assert_int_equal(RpcAsyncGetCallStatus(&a), RPC_S_ASYNC_CALL_PENDING);
    assert_int_equal(RpcAsyncCompleteCall(&a, NULL), RPC_S_ASYNC_CALL_PENDING);
    /* A synchronous call on the same binding while the async one is out. */
    assert_int_equal(SyncPing(h, 41), 42);
    RPC_STATUS st;
    DWORD t0 = GetTickCount();
    while ((st = RpcAsyncGetCallStatus(&a)) == RPC_S_ASYNC_CALL_PENDING && GetTickCount() - t0 < 10000)
        Sleep(5);
    assert_int_equal(st, RPC_S_OK);
    assert_int_equal(RpcAsyncCompleteCall(&a, NULL), RPC_S_OK);
    RpcBindingFree(&h);
}

static volatile LONG routine_calls;
static volatile DWORD routine_thread;

static void RPC_ENTRY routine(PRPC_ASYNC_STATE pAsync, void *ctx, RPC_ASYNC_EVENT ev)
{
    (void)ctx;
    if (ev == RpcCallComplete && pAsync->UserInfo == pAsync) {
        routine_thread = GetCurrentThreadId();
        InterlockedIncrement((LONG *)&routine_calls);
    }
}

static void test_apc_and_callback(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    long sum, product = 0;
    /* APC to the calling thread, in its alertable wait. */
    init(&a, RpcNotificationTypeApc);
    a.u.APC.NotificationRoutine = routine;
    a.u.APC.hThread = 0;
    routine_calls = 0;
    AsyncAdd(&a, h, 2, 3, &sum);
    DWORD t0 = GetTickCount();
    while (routine_calls == 0 && GetTickCount() - t0 < 10000)
        SleepEx(100, TRUE);
    assert_int_equal(routine_calls, 1);
    assert_int_equal(routine_thread, GetCurrentThreadId());
    assert_int_equal(RpcAsyncCompleteCall(&a, &product), RPC_S_OK);
    assert_int_equal(product, 6);
    /* Callback, on a runtime thread. */
    init(&a, RpcNotificationTypeCallback);
    a.u.NotificationRoutine = routine;
    routine_calls = 0;
    AsyncAdd(&a, h, 4, 5, &sum);
    t0 = GetTickCount();
    while (routine_calls == 0 && GetTickCount() - t0 < 10000)
        Sleep(5);
    assert_int_equal(routine_calls, 1);
    assert_true(routine_thread != GetCurrentThreadId());
    assert_int_equal(RpcAsyncCompleteCall(&a, &product), RPC_S_OK);
    assert_int_equal(product, 20);
    assert_int_equal(sum, 9);
    RpcBindingFree(&h);
}

static void test_ioc_exact_packet(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    OVERLAPPED ov;
    init(&a, RpcNotificationTypeIoc);
    a.u.IOC.hIOPort = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    a.u.IOC.dwNumberOfBytesTransferred = 77;
    a.u.IOC.dwCompletionKey = 0xabc;
    a.u.IOC.lpOverlapped = &ov;
    long sum, product = 0;
    AsyncAdd(&a, h, 10, 10, &sum);
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED got = NULL;
    assert_true(GetQueuedCompletionStatus(a.u.IOC.hIOPort, &bytes, &key, &got, 10000));
    assert_int_equal(bytes, 77);
    assert_int_equal(key, 0xabc);
    assert_ptr_equal(got, &ov);
    assert_false(GetQueuedCompletionStatus(a.u.IOC.hIOPort, &bytes, &key, &got, 100));
    assert_int_equal(RpcAsyncCompleteCall(&a, &product), RPC_S_OK);
    assert_int_equal(product, 100);
    CloseHandle(a.u.IOC.hIOPort);
    RpcBindingFree(&h);
}

/* ------------------------------------------------------------ failures */

static RPC_STATUS run_to_completion(RPC_ASYNC_STATE *a)
{
    DWORD t0 = GetTickCount();
    while (RpcAsyncGetCallStatus(a) == RPC_S_ASYNC_CALL_PENDING && GetTickCount() - t0 < 10000)
        Sleep(5);
    return RpcAsyncCompleteCall(a, NULL);
}

static void test_server_abort_and_exception(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    init(&a, RpcNotificationTypeNone);
    AsyncFail(&a, h, 0x5151);
    assert_int_equal(run_to_completion(&a), 0x5151);
    init(&a, RpcNotificationTypeNone);
    AsyncFail(&a, h, 0xDEAD); /* the manager raises before the hand-off */
    assert_int_equal(run_to_completion(&a), RPC_S_CALL_FAILED_DNE);
    /* The binding's connection is fine afterwards. */
    long sum, product = 0;
    init(&a, RpcNotificationTypeNone);
    AsyncAdd(&a, h, 3, 3, &sum);
    while (RpcAsyncGetCallStatus(&a) == RPC_S_ASYNC_CALL_PENDING)
        Sleep(1);
    assert_int_equal(RpcAsyncCompleteCall(&a, &product), RPC_S_OK);
    assert_int_equal(product, 9);
    RpcBindingFree(&h);
}

static void test_abortive_cancel(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    init(&a, RpcNotificationTypeEvent);
    a.u.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    LONG late = wire_async_completed_late;
    AsyncWait(&a, h, 2000);
    DWORD t0 = GetTickCount();
    assert_int_equal(RpcAsyncCancelCall(&a, TRUE), RPC_S_OK);
    /* Prompt: long before the server's 2 s. */
    assert_int_equal(WaitForSingleObject(a.u.hEvent, 1500), WAIT_OBJECT_0);
    assert_true(GetTickCount() - t0 < 1500);
    assert_int_equal(RpcAsyncCompleteCall(&a, NULL), RPC_S_CALL_CANCELLED);
    /* The server still finishes; its reply is dropped without a second notification. */
    ResetEvent(a.u.hEvent);
    t0 = GetTickCount();
    while (wire_async_completed_late == late && GetTickCount() - t0 < 10000)
        Sleep(10);
    assert_true(wire_async_completed_late > late);
    assert_int_equal(SyncPing(h, 1), 2);
    assert_int_equal(WaitForSingleObject(a.u.hEvent, 100), WAIT_TIMEOUT);
    CloseHandle(a.u.hEvent);
    RpcBindingFree(&h);
}

static void test_nonabortive_cancel_reaches_server(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    init(&a, RpcNotificationTypeNone);
    LONG seen = wire_async_cancel_seen;
    wire_async_cancel_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    AsyncWait(&a, h, 5000);
    Sleep(50);
    assert_int_equal(RpcAsyncCancelCall(&a, FALSE), RPC_S_OK);
    /* The server's subscription fires and its polling sees the cancel; it
     * then completes normally, which is what the client gets. */
    assert_int_equal(WaitForSingleObject(wire_async_cancel_event, 5000), WAIT_OBJECT_0);
    assert_int_equal(run_to_completion(&a), RPC_S_OK);
    assert_true(wire_async_cancel_seen > seen);
    CloseHandle(wire_async_cancel_event);
    wire_async_cancel_event = NULL;
    RpcBindingFree(&h);
}

/* One whole PDU from a raw socket into buf (its length). */
static size_t read_pdu(arpc_socket s, uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    size_t have = 0;
    while (have < 16 || have < (size_t)(buf[8] | buf[9] << 8)) {
        assert_int_equal(arpc_sock_wait_readable(s, timeout_ms), RPC_S_OK);
        long got = arpc_sock_recv(s, buf + have, cap - have);
        if (got == -2)
            continue;
        assert_true(got > 0);
        have += (size_t)got;
    }
    return have;
}

/* A raw TCP connection to the test server, bound to wire_async (a
 * foreign client: what it sends is up to the test). */
static arpc_socket raw_bound_socket(void)
{
    char port[16];
    snprintf(port, sizeof port, "%s", strchr(string_binding, '[') + 1);
    *strchr(port, ']') = 0;
    arpc_socket s = ARPC_INVALID_SOCKET;
    assert_int_equal(arpc_net_init(), RPC_S_OK);
    assert_int_equal(arpc_tcp_connect("127.0.0.1", port, &s), RPC_S_OK);
    const RPC_CLIENT_INTERFACE *ifc = wire_async_v1_0_c_ifspec;
    arpc_pres_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.n_transfer = 1;
    memcpy(&ctx.abstract.uuid, &ifc->InterfaceId.SyntaxGUID, sizeof ctx.abstract.uuid);
    ctx.abstract.vers_major = ifc->InterfaceId.SyntaxVersion.MajorVersion;
    ctx.abstract.vers_minor = ifc->InterfaceId.SyntaxVersion.MinorVersion;
    ctx.transfer[0] = arpc_ndr20_syntax;
    uint8_t pdu[512];
    size_t n = arpc_pdu_write_bind(pdu, sizeof pdu, ARPC_PT_BIND, ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG, 1, 5840,
                                   5840, 0, &ctx, 1);
    arpc_iovec iov = {pdu, n};
    assert_int_equal(arpc_sock_send_all(s, &iov, 1, 5000), RPC_S_OK);
    read_pdu(s, pdu, sizeof pdu, 5000); /* the bind_ack */
    assert_int_equal(pdu[2], ARPC_PT_BIND_ACK);
    return s;
}

/* A client that sends an async request and vanishes: the server's
 * subscription hears of it, the manager's late completion reports
 * RPC_S_CALL_FAILED, and the call's resources are freed. */
static void test_client_disconnect(void **state)
{
    (void)state;
    if (strncmp(string_binding, "ncacn_ip_tcp", 12))
        skip();
    long live = arpc_loopback_live_calls();
    LONG failed = wire_async_complete_failed;
    wire_async_disconnect_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    arpc_socket s = raw_bound_socket();
    uint8_t req[64];
    uint32_t ms = 5000; /* AsyncWait(5000): opnum 1, one unsigned long */
    size_t n = arpc_pdu_write_request_header(req, ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG, 2, 4, 4, 0, 1, NULL);
    memcpy(req + n, &ms, 4);
    arpc_iovec iov = {req, n + 4};
    assert_int_equal(arpc_sock_send_all(s, &iov, 1, 5000), RPC_S_OK);
    Sleep(200); /* the manager is running and subscribed */
    arpc_sock_close(s);

    assert_int_equal(WaitForSingleObject(wire_async_disconnect_event, 5000), WAIT_OBJECT_0);
    DWORD t0 = GetTickCount();
    while (wire_async_complete_failed == failed && GetTickCount() - t0 < 5000)
        Sleep(10);
    assert_int_equal(wire_async_complete_failed, failed + 1);
    t0 = GetTickCount();
    while (arpc_loopback_live_calls() != live && GetTickCount() - t0 < 5000)
        Sleep(10);
    assert_int_equal(arpc_loopback_live_calls(), live);
    CloseHandle(wire_async_disconnect_event);
    wire_async_disconnect_event = NULL;
}

/* A foreign client's co_cancel reaches a synchronous manager that blocks:
 * the server goes on reading a connection while one of its calls runs
 * (server.c: a runner gives the connection back to the poller 20 ms into
 * a call).  Had it not, the manager would time out and answer 0. */
static void test_cancel_reaches_blocking_sync_manager(void **state)
{
    (void)state;
    if (strncmp(string_binding, "ncacn_ip_tcp", 12))
        skip();
    arpc_socket s = raw_bound_socket();
    uint8_t req[64];
    uint32_t ms = 10000; /* SyncWaitCancel(10000): opnum 4 */
    size_t n = arpc_pdu_write_request_header(req, ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG, 2, 4, 4, 0, 4, NULL);
    memcpy(req + n, &ms, 4);
    arpc_iovec iov = {req, n + 4};
    assert_int_equal(arpc_sock_send_all(s, &iov, 1, 5000), RPC_S_OK);
    Sleep(100); /* the manager is waiting */
    uint8_t cancel[ARPC_PDU_HEADER_LEN];
    iov.base = cancel;
    iov.len = arpc_pdu_write_simple(cancel, ARPC_PT_CO_CANCEL, ARPC_PFC_FIRST_FRAG | ARPC_PFC_LAST_FRAG, 2);
    assert_int_equal(arpc_sock_send_all(s, &iov, 1, 5000), RPC_S_OK);
    uint8_t resp[256];
    size_t have = read_pdu(s, resp, sizeof resp, 15000);
    arpc_pdu p;
    assert_int_equal(arpc_pdu_parse(resp, have, &p), RPC_S_OK);
    assert_int_equal(p.h.ptype, ARPC_PT_RESPONSE);
    assert_int_equal(p.h.call_id, 2);
    assert_true(p.stub_len >= 4);
    int32_t ret;
    memcpy(&ret, p.stub, 4);
    assert_int_equal(ret, 1); /* it saw the cancel */
    arpc_sock_close(s);
}

static DWORD WINAPI post_later(LPVOID port)
{
    Sleep(100);
    PostQueuedCompletionStatus(port, 7, 42, NULL);
    return 0;
}

/* A thread blocked in GetQueuedCompletionStatus right after a completion
 * reads the responses itself (POSIX build: client_async.c's I/O role);
 * a packet another thread posts meanwhile must still end its wait at once
 * (the post kicks the poll).  Without the kick it would wait the whole
 * 20 s. */
static void test_completion_wait_helper(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    assert_non_null(port);
    for (long round = 0; round < 5; round++) {
        RPC_ASYNC_STATE a;
        long sum = 0, ret = 0;
        DWORD bytes;
        ULONG_PTR key = 0;
        LPOVERLAPPED ov = NULL;
        init(&a, RpcNotificationTypeIoc);
        a.u.IOC.hIOPort = port;
        a.u.IOC.dwCompletionKey = 1;
        a.u.IOC.lpOverlapped = (LPOVERLAPPED)&a;
        AsyncAdd(&a, h, round, 2, &sum);
        assert_true(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 10000));
        assert_int_equal(key, 1);
        assert_int_equal(RpcAsyncCompleteCall(&a, &ret), RPC_S_OK);
        assert_int_equal(sum, round + 2);
        HANDLE th = CreateThread(NULL, 0, post_later, port, 0, NULL);
        assert_non_null(th);
        DWORD t0 = GetTickCount();
        assert_true(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 20000));
        assert_true(GetTickCount() - t0 < 10000);
        assert_int_equal(key, 42);
        assert_int_equal(bytes, 7);
        assert_null(ov);
        assert_int_equal(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
        CloseHandle(th);
    }
    CloseHandle(port);
    RpcBindingFree(&h);
}

static DWORD WINAPI set_later(LPVOID ev)
{
    Sleep(100);
    SetEvent(ev);
    return 0;
}

/* The same for a thread blocked in WaitForSingleObject: it reads the
 * responses itself (its call's event is then set by itself), and an event
 * another thread sets meanwhile ends its wait at once. */
static void test_event_wait_helper(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    HANDLE done = CreateEventA(NULL, FALSE, FALSE, NULL), other = CreateEventA(NULL, FALSE, FALSE, NULL);
    assert_non_null(done);
    assert_non_null(other);
    for (long round = 0; round < 5; round++) {
        RPC_ASYNC_STATE a;
        long sum = 0, ret = 0;
        init(&a, RpcNotificationTypeEvent);
        a.u.hEvent = done;
        AsyncAdd(&a, h, round, 3, &sum);
        assert_int_equal(WaitForSingleObject(done, 10000), WAIT_OBJECT_0);
        assert_int_equal(RpcAsyncCompleteCall(&a, &ret), RPC_S_OK);
        assert_int_equal(sum, round + 3);
        HANDLE th = CreateThread(NULL, 0, set_later, other, 0, NULL);
        assert_non_null(th);
        DWORD t0 = GetTickCount();
        assert_int_equal(WaitForSingleObject(other, 20000), WAIT_OBJECT_0);
        assert_true(GetTickCount() - t0 < 10000);
        assert_int_equal(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
        CloseHandle(th);
    }
    CloseHandle(done);
    CloseHandle(other);
    RpcBindingFree(&h);
}

/* ------------------------------------------------------------ scale */

enum { MANY = 1000 };

static void test_thousand_calls_one_connection(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    static RPC_ASYNC_STATE a[MANY];
    static long sum[MANY];
    static int seen[MANY];
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    for (int i = 0; i < MANY; i++) {
        init(&a[i], RpcNotificationTypeIoc);
        a[i].u.IOC.hIOPort = port;
        a[i].u.IOC.dwCompletionKey = (ULONG_PTR)i;
        a[i].u.IOC.lpOverlapped = (LPOVERLAPPED)&a[i];
        seen[i] = 0;
        AsyncAdd(&a[i], h, i, 2, &sum[i]);
    }
    for (int n = 0; n < MANY; n++) {
        DWORD bytes;
        ULONG_PTR key = 0;
        LPOVERLAPPED ov = NULL;
        assert_true(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 10000));
        assert_true(key < MANY);
        assert_ptr_equal(ov, &a[key]);
        seen[key]++;
    }
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    assert_false(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 50));
    for (int i = 0; i < MANY; i++) {
        long product = -1;
        assert_int_equal(seen[i], 1);
        assert_int_equal(RpcAsyncCompleteCall(&a[i], &product), RPC_S_OK);
        assert_int_equal(product, 2 * i);
        assert_int_equal(sum[i], i + 2);
    }
    CloseHandle(port);
    RpcBindingFree(&h);
}

static void test_start_errors(void **state)
{
    (void)state;
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    long sum;
    volatile unsigned long code = 0;
    /* A handle not initialised: the stub raises, nothing is sent. */
    memset(&a, 0, sizeof a);
    RpcTryExcept {
        AsyncAdd(&a, h, 1, 2, &sum);
    } RpcExcept(1) {
        code = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(code, RPC_S_INVALID_ASYNC_HANDLE);
    /* Nobody listening: the call fails at once, as a raise. */
    RPC_BINDING_HANDLE dead = NULL;
    assert_int_equal(RpcBindingFromStringBindingA((RPC_CSTR) "ncacn_ip_tcp:127.0.0.1[1]", &dead), RPC_S_OK);
    init(&a, RpcNotificationTypeNone);
    code = 0;
    RpcTryExcept {
        AsyncAdd(&a, dead, 1, 2, &sum);
    } RpcExcept(1) {
        code = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(code, RPC_S_SERVER_UNAVAILABLE);
    assert_int_equal(RpcAsyncGetCallStatus(&a), RPC_S_INVALID_BINDING); /* no call was made */
    RpcBindingFree(&dead);
    RpcBindingFree(&h);
}

#define ASYNC_TESTS                                                                                  \
    cmocka_unit_test(test_event_out_params_and_reply), cmocka_unit_test(test_polling_and_sync_call_meanwhile), \
        cmocka_unit_test(test_apc_and_callback), cmocka_unit_test(test_ioc_exact_packet),             \
        cmocka_unit_test(test_server_abort_and_exception), cmocka_unit_test(test_abortive_cancel),    \
        cmocka_unit_test(test_nonabortive_cancel_reaches_server), cmocka_unit_test(test_client_disconnect), \
        cmocka_unit_test(test_cancel_reaches_blocking_sync_manager), \
        cmocka_unit_test(test_completion_wait_helper), \
        cmocka_unit_test(test_event_wait_helper), \
        cmocka_unit_test(test_thousand_calls_one_connection), cmocka_unit_test(test_start_errors)

int main(void)
{
    int failures = 0;
    const struct CMUnitTest tcp[] = {ASYNC_TESTS};
    failures += cmocka_run_group_tests_name("async over ncacn_ip_tcp", tcp, setup_tcp, NULL);
    const struct CMUnitTest lrpc[] = {ASYNC_TESTS};
    failures += cmocka_run_group_tests_name("async over ncalrpc", lrpc, setup_lrpc, NULL);
    RpcMgmtStopServerListening(NULL);
    RpcMgmtWaitServerListen();
    return failures;
}
