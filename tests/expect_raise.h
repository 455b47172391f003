/* expect_raise.h - EXPECT_RAISE(code, statements): the statements raise
 * exactly `code` (RpcRaiseException), do not finish, and leave no
 * exception frame behind.  After <rpc.h> and <cmocka.h>. */
#ifndef ASYNCRPC_TESTS_EXPECT_RAISE_H
#define ASYNCRPC_TESTS_EXPECT_RAISE_H

#define EXPECT_RAISE(code, ...)                                  \
    do {                                                         \
        volatile unsigned long raised_ = 0;                      \
        volatile int finished_ = 0;                              \
        RpcTryExcept {                                           \
            __VA_ARGS__;                                         \
            finished_ = 1;                                       \
        } RpcExcept(1) {                                         \
            raised_ = RpcExceptionCode();                        \
        } RpcEndExcept                                           \
        assert_int_equal(finished_, 0);                          \
        assert_int_equal(raised_, (unsigned long)(code));        \
        assert_int_equal(arpc_exc_depth(), 0);                   \
    } while (0)

#endif
