/* rpc_except.c - the thread-local frame chain behind RpcTryExcept and
 * RpcTryFinally (see include/arpc_except.h for the model and its limits). */
#include <rpc.h>
#include <rpcasync.h>
#include <stdio.h>
#include <stdlib.h>

static _Thread_local arpc_exc_frame *exc_top;

ARPC_API void arpc_exc_push(arpc_exc_frame *f)
{
    f->prev = exc_top;
    f->code = 0;
    f->abnormal = 0;
    f->linked = 1;
    exc_top = f;
}

/* Called at the end of the frame's scope (cleanup attribute), also when the
 * scope is left by return/break/goto; and explicitly when the body ends. */
ARPC_API void arpc_exc_unlink(arpc_exc_frame *f)
{
    if (!f->linked)
        return;
    /* Frames are strictly nested, so a linked frame is the innermost one. */
    exc_top = f->prev;
    f->linked = 0;
}

ARPC_API int arpc_exc_depth(void)
{
    int n = 0;
    for (const arpc_exc_frame *f = exc_top; f; f = f->prev)
        n++;
    return n;
}

static ARPC_NORETURN void unhandled(unsigned long code)
{
    fprintf(stderr, "asyncrpc: unhandled RPC exception %lu (0x%lx); terminating\n", code, code);
    fflush(stderr);
    /* Exit status 3, as the C runtime's abort() on Windows; no signal, so
     * test harnesses can read the message. */
    _Exit(3);
}

ARPC_API void arpc_exc_raise(unsigned long code)
{
    arpc_exc_frame *f = exc_top;
    if (!f)
        unhandled(code);
    exc_top = f->prev;
    f->linked = 0;
    f->code = code;
    f->abnormal = 1;
#if defined(_WIN32)
    __builtin_longjmp(f->jb, 1);
#else
    _longjmp(f->jb, 1);
#endif
}

ARPC_API void arpc_exc_reraise(arpc_exc_frame *f)
{
    arpc_exc_raise(f->code);
}

ARPC_API void RPC_ENTRY RpcRaiseException(RPC_STATUS exception)
{
    arpc_exc_raise((unsigned long)(ULONG)exception);
}

/* RpcExceptionFilter: exceptions that mean the process is damaged are not
 * handled (the list Microsoft documents for RpcExceptionFilter); everything
 * else, RPC status codes included, is. */
ARPC_API int RPC_ENTRY I_RpcExceptionFilter(unsigned long ExceptionCode)
{
    switch ((ULONG)ExceptionCode) {
    case 0xC0000005u: /* STATUS_ACCESS_VIOLATION */
    case 0xC0000194u: /* STATUS_POSSIBLE_DEADLOCK */
    case 0xC00000AAu: /* STATUS_INSTRUCTION_MISALIGNMENT */
    case 0x80000002u: /* STATUS_DATATYPE_MISALIGNMENT */
    case 0xC0000096u: /* STATUS_PRIVILEGED_INSTRUCTION */
    case 0xC000001Du: /* STATUS_ILLEGAL_INSTRUCTION */
    case 0x80000003u: /* STATUS_BREAKPOINT */
    case 0xC00000FDu: /* STATUS_STACK_OVERFLOW */
    case 0xC0000235u: /* STATUS_HANDLE_NOT_CLOSABLE */
    case 0xC0000006u: /* STATUS_IN_PAGE_ERROR */
    case 0xC0000420u: /* STATUS_ASSERTION_FAILURE */
    case 0xC0000409u: /* STATUS_STACK_BUFFER_OVERRUN */
    case 0x80000001u: /* STATUS_GUARD_PAGE_VIOLATION */
    case 0xC0000264u: /* STATUS_REG_NAT_CONSUMPTION */
        return 0; /* EXCEPTION_CONTINUE_SEARCH */
    default:
        return 1; /* EXCEPTION_EXECUTE_HANDLER */
    }
}
