/* wine_guard.h - GUARD(code, stmt) for the Wine-side clients (widl stubs,
 * Wine's rpcrt4): runs stmt and sets code to 0, or to the code of the
 * exception it raised.  Call wine_guard_init() once first.
 *
 * Catching a server fault.  Wine's rpcrt4 raises it as a Win32 exception
 * (RaiseException) out of NdrClientCall2.  The SDK's RpcTryExcept is MSVC
 * __try, which gcc does not have, and asyncrpc's plain-C RpcTryExcept only
 * catches exceptions raised by asyncrpc's own RpcRaiseException, so neither
 * applies here.  Instead every call runs under guard(): a vectored exception
 * handler, armed only around the call, records the exception code and
 * __builtin_longjmp()s back to the guard.  That skips the unwinding of the
 * frames in between, so before jumping the handler restores the thread's
 * TEB exception list (NT_TIB.ExceptionList, the first member of the TEB) to what it was at the guard:
 * Wine's own __TRY/__FINALLY blocks inside rpcrt4 (built without compiler
 * SEH) register frames there, and a stale frame left in the list would be
 * called on the next exception.  Their __FINALLY bodies do not run, so the
 * connection of the faulted call stays allocated; the next call simply opens
 * a new connection (which the test checks works).  This works under Wine 8
 * (VEH handlers run on the faulting thread's stack, with no lock held), and
 * would on Windows too. */
#ifndef WINE_GUARD_H
#define WINE_GUARD_H
#include <windows.h>

static void *guard_jmp[5];
static volatile LONG guard_armed;
static volatile DWORD guard_code;
static void *volatile guard_teb_frame;

/* NT_TIB.ExceptionList: the first member of the TEB, at %gs:0 on x86_64
 * (read directly: gcc 12 warns about the SDK's NtCurrentTeb()). */
static void *teb_except_list(void)
{
    void *p;
    __asm__ __volatile__("movq %%gs:0, %0" : "=r"(p));
    return p;
}

static void set_teb_except_list(void *p)
{
    __asm__ __volatile__("movq %0, %%gs:0" : : "r"(p) : "memory");
}

static LONG CALLBACK guard_handler(EXCEPTION_POINTERS *ep)
{
    DWORD code = ep->ExceptionRecord->ExceptionCode;
    if (!guard_armed)
        return EXCEPTION_CONTINUE_SEARCH;
    /* Informational exceptions (OutputDebugString, thread names) are not
     * failures of the call. */
    if (code == 0x40010006 || code == 0x4001000A || code == 0x406D1388)
        return EXCEPTION_CONTINUE_SEARCH;
    guard_armed = 0;
    guard_code = code;
    set_teb_except_list(guard_teb_frame);
    __builtin_longjmp(guard_jmp, 1);
}

/* Runs STMT; sets CODE to 0 if it returned, or to the exception code it
 * raised. */
#define GUARD(code, stmt) do { \
        guard_teb_frame = teb_except_list(); \
        if (__builtin_setjmp(guard_jmp) == 0) { \
            guard_armed = 1; \
            stmt; \
            guard_armed = 0; \
            (code) = 0; \
        } else { \
            (code) = guard_code; \
        } \
    } while (0)

static void wine_guard_init(void)
{
    AddVectoredExceptionHandler(1, guard_handler);
}
#endif /* WINE_GUARD_H */
