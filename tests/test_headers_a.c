/* Coexistence, order 1: <windows.h>, <ole2.h>, <rpc.h>, <rpcasync.h>.
 * On MinGW the SDK's windows.h and COM headers stay in charge and reach our
 * RPC wrappers; on POSIX there is no ole2.h. */
#include <windows.h>
#if defined(_WIN32)
#include <ole2.h>
#endif
#include <rpc.h>
#include <rpcasync.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

int headers_b_values(int which);

static void test_order_a(void **state)
{
    (void)state;
    RPC_ASYNC_STATE a;
    assert_int_equal(sizeof a, 112);
    assert_int_equal(RpcClientDisconnect, 3);
    assert_int_equal(RpcClientCancel, 4);
    /* The C-only exception macros replaced the SDK's __try spelling. */
    volatile int caught = 0;
    RpcTryExcept {
        RpcRaiseException(RPC_S_CALL_FAILED_DNE);
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        caught = (int)RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(caught, RPC_S_CALL_FAILED_DNE);
    switch ((int)a.Size * 0 + 3) {
    case RpcClientDisconnect: break;
    default: fail();
    }
}

static void test_order_b(void **state)
{
    (void)state;
    assert_int_equal(headers_b_values(0), 112);
    assert_int_equal(headers_b_values(1), RPC_S_CALL_CANCELLED);
    assert_int_equal(headers_b_values(2), RpcClientCancel);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_a),
        cmocka_unit_test(test_order_b),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
