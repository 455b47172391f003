/* RPC_ASYNC_STATE and friends have the x64 Windows layout (spec §1.5), on
 * POSIX (LP64) as on Windows. */
#include <windows.h>
#include <rpc.h>
#include <rpcasync.h>
#include <rpcndr.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void test_async_state_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(RPC_ASYNC_STATE), 112);
    assert_int_equal(RPC_ASYNC_VERSION_1_0, 112);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, Size), 0);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, Signature), 4);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, Lock), 8);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, Flags), 12);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, StubInfo), 16);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, UserInfo), 24);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, RuntimeInfo), 32);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, Event), 40);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, NotificationType), 44);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, u), 48);
    assert_int_equal(sizeof(((RPC_ASYNC_STATE *)0)->u), 32);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, Reserved), 80);
    assert_int_equal(sizeof(((RPC_ASYNC_STATE *)0)->Reserved), 32);
}

static void test_notification_info_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(RPC_ASYNC_NOTIFICATION_INFO), 32);
    assert_int_equal(offsetof(RPC_ASYNC_NOTIFICATION_INFO, IOC.hIOPort), 0);
    assert_int_equal(offsetof(RPC_ASYNC_NOTIFICATION_INFO, IOC.dwNumberOfBytesTransferred), 8);
    assert_int_equal(offsetof(RPC_ASYNC_NOTIFICATION_INFO, IOC.dwCompletionKey), 16);
    assert_int_equal(offsetof(RPC_ASYNC_NOTIFICATION_INFO, IOC.lpOverlapped), 24);
    assert_int_equal(offsetof(RPC_ASYNC_NOTIFICATION_INFO, APC.NotificationRoutine), 0);
    assert_int_equal(offsetof(RPC_ASYNC_NOTIFICATION_INFO, APC.hThread), 8);
    assert_int_equal(offsetof(RPC_ASYNC_NOTIFICATION_INFO, HWND.hWnd), 0);
    assert_int_equal(offsetof(RPC_ASYNC_NOTIFICATION_INFO, HWND.Msg), 8);
    /* The inline union of RPC_ASYNC_STATE is the same shape. */
    assert_int_equal(offsetof(RPC_ASYNC_STATE, u.IOC.dwCompletionKey), 48 + 16);
    assert_int_equal(offsetof(RPC_ASYNC_STATE, u.hEvent), 48);
}

static void test_windows_integer_widths(void **state)
{
    (void)state;
    /* DESIGN.md: the Windows typedefs are 32-bit even where C long is not. */
    assert_int_equal(sizeof(RPC_STATUS), 4);
    assert_int_equal(sizeof(LONG), 4);
    assert_int_equal(sizeof(ULONG), 4);
    assert_int_equal(sizeof(DWORD), 4);
    assert_int_equal(sizeof(BOOL), 4);
    assert_int_equal(sizeof(LONG_PTR), sizeof(void *));
    assert_int_equal(sizeof(DWORD_PTR), sizeof(void *));
    assert_int_equal(sizeof(hyper), 8);
    assert_int_equal(sizeof(byte), 1);
    assert_int_equal(sizeof(boolean), 1);
    assert_int_equal(sizeof(small), 1);
    assert_int_equal(sizeof(UUID), 16);
    assert_int_equal(sizeof(RPC_ASYNC_EVENT), 4);
}

static void test_constants(void **state)
{
    (void)state;
    assert_int_equal(RpcNotificationTypeNone, 0);
    assert_int_equal(RpcNotificationTypeEvent, 1);
    assert_int_equal(RpcNotificationTypeApc, 2);
    assert_int_equal(RpcNotificationTypeIoc, 3);
    assert_int_equal(RpcNotificationTypeHwnd, 4);
    assert_int_equal(RpcNotificationTypeCallback, 5);
    assert_int_equal(RpcCallComplete, 0);
    assert_int_equal(RpcSendComplete, 1);
    assert_int_equal(RpcReceiveComplete, 2);
    assert_int_equal(RpcClientDisconnect, 3);
    assert_int_equal(RpcClientCancel, 4);
    assert_int_equal(RpcNotificationCallNone, 0);
    assert_int_equal(RpcNotificationClientDisconnect, 1);
    assert_int_equal(RpcNotificationCallCancel, 2);
    assert_int_equal(RPC_C_NOTIFY_ON_SEND_COMPLETE, 1);
    assert_int_equal(RPC_C_INFINITE_TIMEOUT, 0xFFFFFFFFu);
    assert_int_equal(RPC_S_OK, 0);
    assert_int_equal(RPC_S_INVALID_ARG, 87);
    assert_int_equal(RPC_S_OUT_OF_MEMORY, 14);
    assert_int_equal(RPC_S_ASYNC_CALL_PENDING, 997);
    assert_int_equal(RPC_S_INVALID_BINDING, 1702);
    assert_int_equal(RPC_S_SERVER_UNAVAILABLE, 1722);
    assert_int_equal(RPC_S_NO_CALL_ACTIVE, 1725);
    assert_int_equal(RPC_S_CALL_FAILED, 1726);
    assert_int_equal(RPC_S_CALL_FAILED_DNE, 1727);
    assert_int_equal(RPC_S_CANNOT_SUPPORT, 1764);
    assert_int_equal(RPC_X_BAD_STUB_DATA, 1783);
    assert_int_equal(RPC_S_CALL_IN_PROGRESS, 1791);
    assert_int_equal(RPC_S_CALL_CANCELLED, 1818);
    assert_int_equal(RPC_X_WRONG_STUB_VERSION, 1829);
    assert_int_equal(RPC_X_INVALID_PIPE_OBJECT, 1830);
    assert_int_equal(RPC_X_WRONG_PIPE_ORDER, 1831);
    assert_int_equal(RPC_X_INVALID_PIPE_OPERATION, 1831);
    assert_int_equal(RPC_S_SEND_INCOMPLETE, 1913);
    assert_int_equal(RPC_S_INVALID_ASYNC_HANDLE, 1914);
    assert_int_equal(RPC_S_INVALID_ASYNC_CALL, 1915);
    assert_int_equal(RPC_X_PIPE_CLOSED, 1916);
    assert_int_equal(RPC_X_PIPE_DISCIPLINE_ERROR, 1917);
    assert_int_equal(RPC_X_PIPE_EMPTY, 1918);
    assert_int_equal(RPC_S_TIMEOUT, 1460);
    assert_int_equal(RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1234);
    assert_int_equal(RPC_C_PROTSEQ_MAX_REQS_DEFAULT, 10);
    assert_int_equal(RPC_C_OPT_BINDING_NONCAUSAL, 9);
    assert_int_equal(RPC_C_OPT_CALL_TIMEOUT, 12);
    assert_int_equal(RPC_C_CANCEL_INFINITE_TIMEOUT, -1);
    assert_int_equal(RPC_BUFFER_ASYNC, 0x8000);
    assert_int_equal(RPC_INTERFACE_HAS_PIPES, 1);
    assert_int_equal(WAIT_IO_COMPLETION, 0xC0);
    assert_int_equal(WAIT_TIMEOUT, 258);
    assert_int_equal(INFINITE, 0xFFFFFFFFu);
}

static void test_get_call_handle_macro(void **state)
{
    (void)state;
    RPC_ASYNC_STATE a;
    a.RuntimeInfo = &a;
    assert_ptr_equal(RpcAsyncGetCallHandle(&a), &a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_state_layout),
        cmocka_unit_test(test_notification_info_layout),
        cmocka_unit_test(test_windows_integer_widths),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_get_call_handle_macro),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
