/* arpc_except.h - RpcTryExcept / RpcTryFinally in plain C (gcc and clang),
 * on POSIX and on Windows, without MSVC's structured exception handling.
 *
 * Each RpcTryExcept or RpcTryFinally block pushes a frame on a thread-local
 * chain and records a jump buffer.  RpcRaiseException unlinks the innermost
 * frame and jumps to it.  A frame that is left normally, or by `return`,
 * `break`, `continue` or `goto`, is unlinked by the compiler's cleanup
 * attribute, so nothing dangles; no hidden loop captures the user's `break`.
 *
 * Differences from MSVC's __try/__except, all consequences of having no
 * two-phase unwinding:
 *  - The filter expression runs after the stack has unwound to its block, so
 *    finally blocks nested inside run before an outer filter is evaluated.
 *    A filter that answers EXCEPTION_CONTINUE_SEARCH (0) passes the exception
 *    on to the next frame; EXCEPTION_CONTINUE_EXECUTION (-1) cannot resume
 *    and is treated as "continue search".
 *  - Leaving an RpcTryFinally body by return/break/goto unlinks the frame but
 *    does not run the finally block (MSVC would run it).
 *  - Only RPC exceptions (RpcRaiseException) are caught, not hardware faults.
 *  - As with setjmp, a local variable that is modified inside the try body
 *    and read in the except/finally block (or after it) must be declared
 *    `volatile`; gcc's -Wclobbered points at the ones that need it.
 *
 * RpcExceptionCode() and RpcAbnormalTermination() name the innermost
 * enclosing frame lexically, as the MSVC intrinsics do.
 */
#ifndef ASYNCRPC_EXCEPT_H
#define ASYNCRPC_EXCEPT_H

#include "arpc_config.h"

#if defined(_WIN32)
/* msvcrt's setjmp on x64 unwinds through SEH tables; the builtin does not,
 * which is what a frame chain of plain C frames wants. */
typedef void *arpc_jmp_buf[5];
#define ARPC_SETJMP(b)  __builtin_setjmp(b)
#else
#include <setjmp.h>
typedef jmp_buf arpc_jmp_buf;
#define ARPC_SETJMP(b)  _setjmp(b)
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct arpc_exc_frame {
    struct arpc_exc_frame *prev;
    unsigned long code;  /* the exception code, valid in the except/finally block */
    int linked;          /* still on the thread's chain */
    int abnormal;        /* finally: entered because of an exception */
    arpc_jmp_buf jb;
} arpc_exc_frame;

ARPC_API void arpc_exc_push(arpc_exc_frame *f);
ARPC_API void arpc_exc_unlink(arpc_exc_frame *f);
/* Pass the exception caught by f on to the next enclosing frame. */
ARPC_API void arpc_exc_reraise(arpc_exc_frame *f) ARPC_NORETURN;
/* Raise from code inside the library or the user's; same as RpcRaiseException. */
ARPC_API void arpc_exc_raise(unsigned long code) ARPC_NORETURN;
/* The number of frames on the calling thread's chain (tests, assertions). */
ARPC_API int arpc_exc_depth(void);

#ifdef __cplusplus
}
#endif

#undef RpcTryExcept
#undef RpcExcept
#undef RpcEndExcept
#undef RpcTryFinally
#undef RpcFinally
#undef RpcEndFinally
#undef RpcExceptionCode
#undef RpcAbnormalTermination

/* A nested block's frame deliberately hides the enclosing one, so that
 * RpcExceptionCode() names the innermost frame; keep -Wshadow quiet there. */
#if defined(__clang__)
#define ARPC_EXC_NO_SHADOW_WARNING_BEGIN \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wshadow\"")
#else
#define ARPC_EXC_NO_SHADOW_WARNING_BEGIN                                       \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wshadow\"") \
    _Pragma("GCC diagnostic ignored \"-Wshadow=local\"")                       \
    _Pragma("GCC diagnostic ignored \"-Wshadow=compatible-local\"")
#endif
#define ARPC_EXC_NO_SHADOW_WARNING_END _Pragma("GCC diagnostic pop")

#define RpcTryExcept                                                         \
    {                                                                        \
        ARPC_EXC_NO_SHADOW_WARNING_BEGIN                                     \
        arpc_exc_frame __arpc_exc __attribute__((cleanup(arpc_exc_unlink))); \
        ARPC_EXC_NO_SHADOW_WARNING_END                                       \
        arpc_exc_push(&__arpc_exc);                                          \
        if (ARPC_SETJMP(__arpc_exc.jb) == 0) {

#define RpcExcept(filter)                                                    \
        } else {                                                             \
            if ((int)(filter) <= 0)                                          \
                arpc_exc_reraise(&__arpc_exc);                               \
            {

#define RpcEndExcept                                                         \
            }                                                                \
        }                                                                    \
    }

#define RpcTryFinally                                                        \
    {                                                                        \
        ARPC_EXC_NO_SHADOW_WARNING_BEGIN                                     \
        arpc_exc_frame __arpc_fin __attribute__((cleanup(arpc_exc_unlink))); \
        ARPC_EXC_NO_SHADOW_WARNING_END                                       \
        arpc_exc_push(&__arpc_fin);                                          \
        if (ARPC_SETJMP(__arpc_fin.jb) == 0) {

#define RpcFinally                                                           \
            arpc_exc_unlink(&__arpc_fin);                                    \
        }                                                                    \
        {

#define RpcEndFinally                                                        \
        }                                                                    \
        if (__arpc_fin.abnormal)                                             \
            arpc_exc_reraise(&__arpc_fin);                                   \
    }

#define RpcExceptionCode()       (__arpc_exc.code)
#define RpcAbnormalTermination() (__arpc_fin.abnormal)

#endif /* ASYNCRPC_EXCEPT_H */
