/* HWND notification: on Windows PostMessage(hWnd, Msg, 0, pAsync); on POSIX,
 * which has no windows, the call start fails with RPC_S_CANNOT_SUPPORT and no
 * notification ever comes. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include "../shim/loopback.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define WM_ASYNC_DONE 0x8123

static void manager_completes(PRPC_ASYNC_STATE pAsync, void *ctx, const void *req, size_t len)
{
    (void)ctx;
    (void)req;
    (void)len;
    int reply = 77;
    assert_int_equal(RpcAsyncCompleteCall(pAsync, &reply), RPC_S_OK);
}

#if defined(_WIN32)
static void test_hwnd_posts_message(void **state)
{
    (void)state;
    /* A message-only window of a predefined class. */
    HWND w = CreateWindowExA(0, "STATIC", "asyncrpc", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, NULL, NULL);
    assert_non_null(w);
    RPC_ASYNC_STATE a;
    assert_int_equal(RpcAsyncInitializeHandle(&a, sizeof a), RPC_S_OK);
    a.NotificationType = RpcNotificationTypeHwnd;
    a.u.HWND.hWnd = w;
    a.u.HWND.Msg = WM_ASYNC_DONE;
    assert_int_equal(arpc_loopback_call(&a, manager_completes, NULL, NULL, 0, sizeof(int)), RPC_S_OK);
    MSG msg;
    int got = 0;
    DWORD deadline = GetTickCount() + 10000;
    while (!got && GetTickCount() < deadline) {
        while (PeekMessageA(&msg, w, 0, 0, PM_REMOVE)) {
            if (msg.message == WM_ASYNC_DONE) {
                assert_int_equal(msg.wParam, 0);
                assert_ptr_equal((void *)msg.lParam, &a);
                got++;
            }
        }
        if (!got)
            MsgWaitForMultipleObjects(0, NULL, FALSE, 100, QS_ALLINPUT);
    }
    assert_int_equal(got, 1);
    assert_int_equal(a.Event, RpcCallComplete);
    int reply = 0;
    assert_int_equal(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    assert_int_equal(reply, 77);
    /* Exactly one message. */
    Sleep(100);
    assert_false(PeekMessageA(&msg, w, WM_ASYNC_DONE, WM_ASYNC_DONE, PM_REMOVE));
    DestroyWindow(w);
}
#else
static void test_hwnd_not_supported(void **state)
{
    (void)state;
    RPC_ASYNC_STATE a;
    long live = arpc_loopback_live_calls();
    assert_int_equal(RpcAsyncInitializeHandle(&a, sizeof a), RPC_S_OK);
    a.NotificationType = RpcNotificationTypeHwnd;
    a.u.HWND.hWnd = (HWND)(uintptr_t)0x1234;
    a.u.HWND.Msg = WM_ASYNC_DONE;
    assert_int_equal(arpc_loopback_call(&a, manager_completes, NULL, NULL, 0, sizeof(int)), RPC_S_CANNOT_SUPPORT);
    assert_null(a.RuntimeInfo);
    assert_int_equal(RpcAsyncGetCallStatus(&a), RPC_S_INVALID_BINDING);
    assert_int_equal(arpc_loopback_live_calls(), live);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#if defined(_WIN32)
        cmocka_unit_test(test_hwnd_posts_message),
#else
        cmocka_unit_test(test_hwnd_not_supported),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
