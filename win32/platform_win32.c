/* platform_win32.c - shim/platform.h on Windows: SRW locks, condition
 * variables, Win32 threads, and notification through kernel32/user32. */
#include <windows.h>
#include <ntsecapi.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>
#include "platform.h"

_Static_assert(sizeof(SRWLOCK) <= sizeof(arpc_mutex), "arpc_mutex too small");
_Static_assert(sizeof(CONDITION_VARIABLE) <= sizeof(arpc_cond), "arpc_cond too small");

#define SRW(m) ((PSRWLOCK)(void *)(m)->bytes)
#define CV(c)  ((PCONDITION_VARIABLE)(void *)(c)->bytes)

void arpc_mutex_init(arpc_mutex *m) { InitializeSRWLock(SRW(m)); }
void arpc_mutex_destroy(arpc_mutex *m) { (void)m; }
void arpc_mutex_lock(arpc_mutex *m) { AcquireSRWLockExclusive(SRW(m)); }
void arpc_mutex_unlock(arpc_mutex *m) { ReleaseSRWLockExclusive(SRW(m)); }
int arpc_mutex_trylock(arpc_mutex *m) { return TryAcquireSRWLockExclusive(SRW(m)) != 0; }

void arpc_cond_init(arpc_cond *c) { InitializeConditionVariable(CV(c)); }
void arpc_cond_destroy(arpc_cond *c) { (void)c; }
void arpc_cond_wait(arpc_cond *c, arpc_mutex *m) { SleepConditionVariableSRW(CV(c), SRW(m), INFINITE, 0); }
int arpc_cond_timedwait(arpc_cond *c, arpc_mutex *m, uint32_t ms)
{
    return SleepConditionVariableSRW(CV(c), SRW(m), ms, 0) ? 0 : 1;
}
void arpc_cond_signal(arpc_cond *c) { WakeConditionVariable(CV(c)); }
void arpc_cond_broadcast(arpc_cond *c) { WakeAllConditionVariable(CV(c)); }

_Static_assert(sizeof(INIT_ONCE) <= sizeof(arpc_once_flag), "arpc_once_flag too small");

static BOOL CALLBACK once_trampoline(PINIT_ONCE once, PVOID init, PVOID *ctx)
{
    (void)once;
    (void)ctx;
    ((void (*)(void))init)();
    return TRUE;
}

void arpc_once(arpc_once_flag *flag, void (*init)(void))
{
    /* A zeroed INIT_ONCE is INIT_ONCE_STATIC_INIT. */
    InitOnceExecuteOnce((PINIT_ONCE)(void *)flag->bytes, once_trampoline, (PVOID)init, NULL);
}

struct arpc_thread {
    HANDLE h;
    arpc_thread_fn fn;
    void *arg;
};

static unsigned __stdcall thread_main(void *p)
{
    struct arpc_thread *t = p;
    t->fn(t->arg);
    return 0;
}

arpc_thread *arpc_thread_create(arpc_thread_fn fn, void *arg)
{
    struct arpc_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->fn = fn;
    t->arg = arg;
    /* _beginthreadex keeps the C runtime's per-thread state right. */
    t->h = (HANDLE)_beginthreadex(NULL, 0, thread_main, t, 0, NULL);
    if (!t->h) {
        free(t);
        return NULL;
    }
    return t;
}

void arpc_thread_join(arpc_thread *t)
{
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
    free(t);
}

uint64_t arpc_now_ms(void) { return GetTickCount64(); }

RPC_STATUS arpc_notify_event(HANDLE hEvent)
{
    return SetEvent(hEvent) ? RPC_S_OK : (RPC_STATUS)GetLastError();
}

struct apc_record {
    void (*routine)(void *);
    void *arg;
};

static void CALLBACK apc_trampoline(ULONG_PTR p)
{
    struct apc_record r = *(struct apc_record *)p;
    free((void *)p);
    r.routine(r.arg);
}

RPC_STATUS arpc_notify_apc(HANDLE hThread, void (*routine)(void *), void *arg)
{
    struct apc_record *r = malloc(sizeof *r);
    if (!r)
        return RPC_S_OUT_OF_MEMORY;
    r->routine = routine;
    r->arg = arg;
    if (!QueueUserAPC(apc_trampoline, hThread, (ULONG_PTR)r)) {
        RPC_STATUS st = (RPC_STATUS)GetLastError();
        free(r);
        return st ? st : RPC_S_INVALID_ARG;
    }
    return RPC_S_OK;
}

RPC_STATUS arpc_notify_iocp(HANDLE port, DWORD bytes, ULONG_PTR key, LPOVERLAPPED ov)
{
    return PostQueuedCompletionStatus(port, bytes, key, ov) ? RPC_S_OK : (RPC_STATUS)GetLastError();
}

RPC_STATUS arpc_notify_hwnd(HWND hWnd, UINT msg, void *lparam)
{
    return PostMessageW(hWnd, msg, 0, (LPARAM)lparam) ? RPC_S_OK : (RPC_STATUS)GetLastError();
}

int arpc_notify_hwnd_supported(void) { return 1; }

RPC_STATUS arpc_current_thread_handle(HANDLE *out)
{
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), out, 0, FALSE,
                         DUPLICATE_SAME_ACCESS))
        return (RPC_STATUS)GetLastError();
    return RPC_S_OK;
}

void arpc_handle_close(HANDLE h) { CloseHandle(h); }

RPC_STATUS arpc_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) { /* RtlGenRandom (advapi32), in ULONG-sized pieces */
        ULONG k = n > 0x10000 ? 0x10000 : (ULONG)n;
        if (!RtlGenRandom(p, k))
            return RPC_S_OUT_OF_RESOURCES;
        p += k;
        n -= k;
    }
    return RPC_S_OK;
}

/* The completion ports are the system's: nothing to hook. */
void arpc_set_wait_helper(int (*run)(uint32_t ms), void (*kick)(void))
{
    (void)run;
    (void)kick;
}
