/* RPC exceptions in plain C: nesting, finally on normal and abnormal exit,
 * return/break out of a try, filters, rethrow, raise from another function. */
#include <windows.h>
#include <rpc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static int raise_deep(int depth, RPC_STATUS code)
{
    if (depth < 0)
        return 0; /* never: callers pass depth >= 0 */
    if (depth > 0)
        return raise_deep(depth - 1, code) + 1;
    RpcRaiseException(code);
}

static void test_catch_code(void **state)
{
    (void)state;
    volatile int reached_after = 0, handled = 0;
    volatile unsigned long code = 0;
    RpcTryExcept {
        RpcRaiseException(RPC_S_SERVER_UNAVAILABLE);
        reached_after = 1;
    } RpcExcept(1) {
        handled = 1;
        code = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(handled, 1);
    assert_int_equal(reached_after, 0);
    assert_int_equal(code, RPC_S_SERVER_UNAVAILABLE);
    assert_int_equal(arpc_exc_depth(), 0);
}

static void test_no_exception_skips_handler(void **state)
{
    (void)state;
    volatile int body = 0, handled = 0;
    RpcTryExcept {
        body = 1;
    } RpcExcept(1) {
        handled = 1;
    } RpcEndExcept
    assert_int_equal(body, 1);
    assert_int_equal(handled, 0);
    assert_int_equal(arpc_exc_depth(), 0);
}

static void test_raise_from_depth(void **state)
{
    (void)state;
    volatile unsigned long code = 0;
    RpcTryExcept {
        raise_deep(50, RPC_X_BAD_STUB_DATA);
    } RpcExcept(1) {
        code = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(code, RPC_X_BAD_STUB_DATA);
}

static void test_nested_inner_handles(void **state)
{
    (void)state;
    volatile int inner = 0, outer = 0;
    RpcTryExcept {
        RpcTryExcept {
            RpcRaiseException(5);
        } RpcExcept(1) {
            inner = (int)RpcExceptionCode();
        } RpcEndExcept
        assert_int_equal(arpc_exc_depth(), 1);
    } RpcExcept(1) {
        outer = 1;
    } RpcEndExcept
    assert_int_equal(inner, 5);
    assert_int_equal(outer, 0);
}

static int filter_seen;
static int only_code(unsigned long code, unsigned long wanted)
{
    filter_seen++;
    return code == wanted ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH;
}

static void test_filter_passes_on(void **state)
{
    (void)state;
    volatile int inner = 0;
    volatile unsigned long outer = 0;
    filter_seen = 0;
    RpcTryExcept {
        RpcTryExcept {
            RpcRaiseException(RPC_S_CALL_FAILED);
        } RpcExcept(only_code(RpcExceptionCode(), RPC_S_CALL_CANCELLED)) {
            inner = 1;
        } RpcEndExcept
    } RpcExcept(only_code(RpcExceptionCode(), RPC_S_CALL_FAILED)) {
        outer = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(inner, 0);
    assert_int_equal(outer, RPC_S_CALL_FAILED);
    assert_int_equal(filter_seen, 2);
}

static void test_rethrow_from_handler(void **state)
{
    (void)state;
    volatile int first = 0;
    volatile unsigned long second = 0;
    RpcTryExcept {
        RpcTryExcept {
            RpcRaiseException(1);
        } RpcExcept(1) {
            first = 1;
            RpcRaiseException(RpcExceptionCode() + 1);
        } RpcEndExcept
    } RpcExcept(1) {
        second = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(first, 1);
    assert_int_equal(second, 2);
}

static void test_exception_filter_values(void **state)
{
    (void)state;
    assert_int_equal(RpcExceptionFilter(RPC_S_SERVER_UNAVAILABLE), EXCEPTION_EXECUTE_HANDLER);
    assert_int_equal(RpcExceptionFilter(RPC_S_CALL_CANCELLED), EXCEPTION_EXECUTE_HANDLER);
    assert_int_equal(RpcExceptionFilter(0xC0000005u), EXCEPTION_CONTINUE_SEARCH);
    assert_int_equal(RpcExceptionFilter(0xC00000FDu), EXCEPTION_CONTINUE_SEARCH);
    assert_int_equal(RpcExceptionFilter(0x80000003u), EXCEPTION_CONTINUE_SEARCH);
    /* A fatal code passes through an RpcExceptionFilter handler to the next. */
    volatile int inner = 0;
    volatile unsigned long outer = 0;
    RpcTryExcept {
        RpcTryExcept {
            RpcRaiseException((RPC_STATUS)0xC0000005u);
        } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
            inner = 1;
        } RpcEndExcept
    } RpcExcept(1) {
        outer = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(inner, 0);
    assert_int_equal(outer, 0xC0000005u);
}

static void test_finally_normal(void **state)
{
    (void)state;
    volatile int fin = 0, abnormal = -1;
    RpcTryFinally {
        fin = 0;
    } RpcFinally {
        fin = 1;
        abnormal = RpcAbnormalTermination();
    } RpcEndFinally
    assert_int_equal(fin, 1);
    assert_int_equal(abnormal, 0);
    assert_int_equal(arpc_exc_depth(), 0);
}

static void test_finally_abnormal_then_caught(void **state)
{
    (void)state;
    volatile int fin = 0, abnormal = -1, after_finally = 0;
    volatile unsigned long code = 0;
    RpcTryExcept {
        RpcTryFinally {
            raise_deep(3, RPC_S_OUT_OF_MEMORY);
        } RpcFinally {
            fin = 1;
            abnormal = RpcAbnormalTermination();
        } RpcEndFinally
        after_finally = 1;
    } RpcExcept(1) {
        code = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(fin, 1);
    assert_int_equal(abnormal, 1);
    assert_int_equal(after_finally, 0);
    assert_int_equal(code, RPC_S_OUT_OF_MEMORY);
    assert_int_equal(arpc_exc_depth(), 0);
}

static int return_from_try(void)
{
    RpcTryExcept {
        return 42;
    } RpcExcept(1) {
        return -1;
    } RpcEndExcept
    return 0;
}

static int return_from_finally_body(void)
{
    RpcTryFinally {
        return 7;
    } RpcFinally {
    } RpcEndFinally
    return 0;
}

static void test_return_does_not_dangle(void **state)
{
    (void)state;
    assert_int_equal(return_from_try(), 42);
    assert_int_equal(return_from_finally_body(), 7);
    assert_int_equal(arpc_exc_depth(), 0);
    /* The frame chain is intact: a raise now reaches this handler, not a
     * dead frame of the functions above. */
    volatile unsigned long code = 0;
    RpcTryExcept {
        RpcRaiseException(9);
    } RpcExcept(1) {
        code = RpcExceptionCode();
    } RpcEndExcept
    assert_int_equal(code, 9);
}

static void test_break_and_continue_reach_user_loop(void **state)
{
    (void)state;
    int i;
    volatile int iterations = 0, continued = 0;
    for (i = 0; i < 10; i++) {
        RpcTryExcept {
            iterations++;
            if (i == 1) {
                continued++;
                continue;
            }
            if (i == 3)
                break;
        } RpcExcept(1) {
            fail();
        } RpcEndExcept
    }
    assert_int_equal(i, 3);       /* break left the user's loop, not a hidden one */
    assert_int_equal(iterations, 4);
    assert_int_equal(continued, 1);
    assert_int_equal(arpc_exc_depth(), 0);
}

static DWORD WINAPI thread_raises(LPVOID arg)
{
    volatile DWORD code = 0;
    RpcTryExcept {
        RpcRaiseException((RPC_STATUS)(ULONG_PTR)arg);
    } RpcExcept(1) {
        code = RpcExceptionCode();
    } RpcEndExcept
    return code;
}

static void test_chains_are_per_thread(void **state)
{
    (void)state;
    HANDLE h[4];
    for (int i = 0; i < 4; i++) {
        h[i] = CreateThread(NULL, 0, thread_raises, (LPVOID)(ULONG_PTR)(100 + i), 0, NULL);
        assert_non_null(h[i]);
    }
    RpcTryExcept {
        assert_int_equal(WaitForMultipleObjects(4, h, TRUE, 10000), WAIT_OBJECT_0);
    } RpcExcept(1) {
        fail();
    } RpcEndExcept
    for (int i = 0; i < 4; i++) {
        DWORD code = 0;
        assert_true(GetExitCodeThread(h[i], &code));
        assert_int_equal(code, 100 + i);
        CloseHandle(h[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catch_code),
        cmocka_unit_test(test_no_exception_skips_handler),
        cmocka_unit_test(test_raise_from_depth),
        cmocka_unit_test(test_nested_inner_handles),
        cmocka_unit_test(test_filter_passes_on),
        cmocka_unit_test(test_rethrow_from_handler),
        cmocka_unit_test(test_exception_filter_values),
        cmocka_unit_test(test_finally_normal),
        cmocka_unit_test(test_finally_abnormal_then_caught),
        cmocka_unit_test(test_return_does_not_dangle),
        cmocka_unit_test(test_break_and_continue_reach_user_loop),
        cmocka_unit_test(test_chains_are_per_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
